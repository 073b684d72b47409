// Checks the samplers against known answers: reference sfc32 outputs, exact moments, and exact CDFs
// (Kolmogorov–Smirnov). Every stream is seeded and fast-check runs from a fixed seed, so CI is deterministic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mathRandom, sampleBeta, sampleGamma, sampleStandardNormal, seededUniform, type UniformSource } from "./random";

/** Fixed fast-check seed: the properties below see the same cases on every run. */
const FC_SEED = 20_260_517;
/** A sample mean or variance must land within this many standard errors of the truth. */
const Z_TOLERANCE = 5;
/** √N·D for the Kolmogorov–Smirnov statistic D: the 0.999 quantile of the Kolmogorov distribution is 1.949. */
const KS_LIMIT = 1.95;

/** How many values fail a check: one expect per sample would dominate the run time. */
function countWhere(xs: Float64Array, bad: (x: number) => boolean): number {
  let n = 0;
  for (const x of xs) if (bad(x)) n++;
  return n;
}

function draws(n: number, sample: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sample();
  return out;
}

/** Sample mean, variance, and the standard error of the variance from the sample's fourth central moment. */
function moments(xs: Float64Array): { mean: number; variance: number; varianceSe: number } {
  const n = xs.length;
  let mean = 0;
  for (const x of xs) mean += x;
  mean /= n;
  let m2 = 0;
  let m4 = 0;
  for (const x of xs) {
    const d2 = (x - mean) ** 2;
    m2 += d2;
    m4 += d2 * d2;
  }
  const variance = m2 / (n - 1);
  m4 /= n;
  return { mean, variance, varianceSe: Math.sqrt(Math.max(0, m4 - variance * variance) / n) };
}

/** √N · sup |F_empirical − F|. */
function ksStatistic(xs: Float64Array, cdf: (x: number) => number): number {
  const sorted = Float64Array.from(xs).sort();
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  }
  return Math.sqrt(n) * d;
}

/** ln k! for k = 0..max, to evaluate binomial terms in logarithms. */
function logFactorials(max: number): Float64Array {
  const t = new Float64Array(max + 1);
  for (let k = 2; k <= max; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
}

/** Beta CDF for integer shapes: I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a). */
function betaCdfIntegers(a: number, b: number): (x: number) => number {
  const n = a + b - 1;
  const lf = logFactorials(n);
  return (x) => {
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    let p = 0;
    for (let j = a; j <= n; j++) p += Math.exp(lf[n]! - lf[j]! - lf[n - j]! + j * Math.log(x) + (n - j) * Math.log1p(-x));
    return p;
  };
}

/** erf to ~1e-14 by its Maclaurin series (|x| ≤ 3) or continued fraction (|x| > 3). */
function erf(x: number): number {
  const ax = Math.abs(x);
  let r: number;
  if (ax <= 3) {
    let term = ax;
    let sum = ax;
    for (let k = 1; k < 200; k++) {
      term *= (-ax * ax) / k;
      const add = term / (2 * k + 1);
      sum += add;
      if (Math.abs(add) < 1e-17) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))).
    let f = ax;
    for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
    r = 1 - Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  }
  return x < 0 ? -r : r;
}

const normalCdf = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));

describe("seededUniform (sfc32)", () => {
  it("reproduces a reference C implementation of splitmix32 seeding + sfc32 (words after the 12-step warm-up)", () => {
    // Computed with PractRand's sfc32 step (tmp = a + b + counter++) in C, state from splitmix32(seed).
    const reference: Record<number, number[]> = {
      0: [591558436, 2737234123, 107644106, 1338548054, 2499804003],
      1: [792534090, 3215351813, 160231488, 1151041103, 1990438114],
      42: [2476999517, 2284424721, 914527439, 3398404915, 1005869237],
      4294967295: [401775837, 815230463, 1635982147, 2773186149, 285779518],
    };
    for (const [seed, words] of Object.entries(reference)) {
      const u = seededUniform(Number(seed));
      expect(words.map(() => u.next() * 4_294_967_296)).toEqual(words);
    }
  });

  it("is deterministic per seed, differs across seeds, and folds the seed to 32 bits", () => {
    const a = seededUniform(7);
    const b = seededUniform(7);
    const c = seededUniform(8);
    const sa = draws(100, () => a.next());
    expect(draws(100, () => b.next())).toEqual(sa);
    expect(draws(100, () => c.next())).not.toEqual(sa);
    expect(seededUniform(7 + 2 ** 32).next()).toBe(seededUniform(7).next());
  });

  it("is uniform on [0, 1): moments, 100-bucket chi-square, no lag-1 correlation", () => {
    const n = 200_000;
    const u = seededUniform(99);
    const xs = draws(n, () => u.next());
    expect(countWhere(xs, (x) => !(x >= 0 && x < 1))).toBe(0);
    const m = moments(xs);
    expect(Math.abs(m.mean - 0.5)).toBeLessThan(Z_TOLERANCE * Math.sqrt(1 / 12 / n));
    expect(Math.abs(m.variance - 1 / 12)).toBeLessThan(Z_TOLERANCE * m.varianceSe);
    const buckets = new Float64Array(100);
    for (const x of xs) buckets[Math.floor(x * 100)]! += 1;
    const expected = n / 100;
    let chi2 = 0;
    for (const c of buckets) chi2 += (c - expected) ** 2 / expected;
    // 99 degrees of freedom: the 0.999 quantile is 148.2.
    expect(chi2).toBeLessThan(148.2);
    let cov = 0;
    for (let i = 1; i < n; i++) cov += (xs[i]! - 0.5) * (xs[i - 1]! - 0.5);
    const correlation = cov / (n - 1) / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(Z_TOLERANCE / Math.sqrt(n));
  });

  it("mathRandom stays in [0, 1)", () => {
    expect(countWhere(draws(10_000, () => mathRandom.next()), (x) => !(x >= 0 && x < 1))).toBe(0);
  });
});

describe("sampleStandardNormal", () => {
  it("matches the standard normal CDF and moments", () => {
    const u = seededUniform(3);
    const xs = draws(50_000, () => sampleStandardNormal(u));
    expect(ksStatistic(xs, normalCdf)).toBeLessThan(KS_LIMIT);
    const m = moments(xs);
    expect(Math.abs(m.mean)).toBeLessThan(Z_TOLERANCE / Math.sqrt(xs.length));
    expect(Math.abs(m.variance - 1)).toBeLessThan(Z_TOLERANCE * m.varianceSe);
  });

  it("matches the CDF closely over a million draws: 200 equiprobable bins (chi-square), so every layer's core and wedge counts", () => {
    const u = seededUniform(11);
    const bins = 200;
    // Bin edges at the normal's quantiles, found by bisection on the reference CDF.
    const edges = Array.from({ length: bins - 1 }, (_, k) => {
      const p = (k + 1) / bins;
      let lo = -9;
      let hi = 9;
      for (let i = 0; i < 80; i++) {
        const mid = (lo + hi) / 2;
        if (normalCdf(mid) < p) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    });
    const n = 1_000_000;
    const counts = new Float64Array(bins);
    for (let i = 0; i < n; i++) {
      const z = sampleStandardNormal(u);
      let lo = 0;
      let hi = edges.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (z < edges[mid]!) hi = mid;
        else lo = mid + 1;
      }
      counts[lo]!++;
    }
    const expected = n / bins;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - expected) ** 2 / expected;
    // 199 degrees of freedom: mean 199, sd ~20; 290 is past the 0.9999 quantile.
    expect(chi2).toBeLessThan(290);
  });

  it("draws the tail beyond the base strip (|z| > 3.4426) at the normal's rate and with its conditional CDF", () => {
    const u = seededUniform(17);
    const r = 3.442619855899;
    const tailShare = 1 - erf(r / Math.SQRT2); // P(|Z| > r), ~5.8e-4
    const n = 8_000_000;
    const tail: number[] = [];
    let positive = 0;
    for (let i = 0; i < n; i++) {
      const z = sampleStandardNormal(u);
      if (Math.abs(z) > r) {
        tail.push(Math.abs(z));
        if (z > 0) positive++;
      }
    }
    const se = Math.sqrt(n * tailShare * (1 - tailShare));
    expect(Math.abs(tail.length - n * tailShare)).toBeLessThan(Z_TOLERANCE * se);
    expect(Math.abs(positive - tail.length / 2)).toBeLessThan(Z_TOLERANCE * Math.sqrt(tail.length / 4));
    // P(|Z| ≤ x | |Z| > r) = (erf(x/√2) − erf(r/√2)) / (1 − erf(r/√2)).
    const conditional = (x: number) => (erf(x / Math.SQRT2) - erf(r / Math.SQRT2)) / tailShare;
    expect(ksStatistic(Float64Array.from(tail), conditional)).toBeLessThan(KS_LIMIT);
    // Its mean is the inverse Mills ratio φ(r) / (1 − Φ(r)) ≈ 3.70; the exponential proposal without its rejection
    // step would give r + 1/r ≈ 3.73 (both checks fail on that, with the ~4,600 tail draws here).
    const m = moments(Float64Array.from(tail));
    const mills = Math.exp(-0.5 * r * r) / Math.sqrt(2 * Math.PI) / (tailShare / 2);
    expect(Math.abs(m.mean - mills)).toBeLessThan(Z_TOLERANCE * Math.sqrt(m.variance / tail.length));
  });

  it("is a pure function of the source: the same seed gives the same draws, interleaved or not", () => {
    const solo = seededUniform(5);
    const expected = draws(10, () => sampleStandardNormal(solo));
    const a = seededUniform(5);
    const b = seededUniform(6);
    const got: number[] = [];
    for (let i = 0; i < 10; i++) {
      got.push(sampleStandardNormal(a));
      sampleStandardNormal(b);
    }
    expect(Float64Array.from(got)).toEqual(expected);
    // A source from elsewhere works too.
    let state = 12345;
    const foreign: UniformSource = { next: () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4_294_967_296) };
    expect(ksStatistic(draws(50_000, () => sampleStandardNormal(foreign)), normalCdf)).toBeLessThan(KS_LIMIT);
  });
});

describe("sampleGamma", () => {
  it("has mean = shape and variance = shape for random shapes in [0.2, 200]", () => {
    fc.assert(
      fc.property(fc.double({ min: 0.2, max: 200, noNaN: true }), fc.integer({ min: 0, max: 0xffffffff }), (shape, seed) => {
        const u = seededUniform(seed);
        const n = 20_000;
        const xs = draws(n, () => sampleGamma(u, shape));
        const m = moments(xs);
        expect(Math.abs(m.mean - shape)).toBeLessThan(Z_TOLERANCE * Math.sqrt(shape / n));
        expect(Math.abs(m.variance - shape)).toBeLessThan(Z_TOLERANCE * m.varianceSe);
        expect(countWhere(xs, (x) => !(x > 0 && x < Infinity))).toBe(0);
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it("matches exact CDFs: Gamma(1) is Exp(1), Gamma(3) is Erlang-3, Gamma(1/2) is χ²₁/2 (shape < 1 boost)", () => {
    const u = seededUniform(11);
    const n = 40_000;
    expect(ksStatistic(draws(n, () => sampleGamma(u, 1)), (x) => 1 - Math.exp(-x))).toBeLessThan(KS_LIMIT);
    const erlang3 = (x: number) => 1 - Math.exp(-x) * (1 + x + (x * x) / 2);
    expect(ksStatistic(draws(n, () => sampleGamma(u, 3)), erlang3)).toBeLessThan(KS_LIMIT);
    expect(ksStatistic(draws(n, () => sampleGamma(u, 0.5)), (x) => erf(Math.sqrt(x)))).toBeLessThan(KS_LIMIT);
  });

  it("refuses shapes that are not positive and finite", () => {
    const u = seededUniform(1);
    for (const bad of [0, -1, Number.NaN, Infinity]) expect(() => sampleGamma(u, bad)).toThrow(RangeError);
  });
});

describe("sampleBeta", () => {
  it("has mean α/(α+β) and variance αβ/((α+β)²(α+β+1)), strictly inside (0, 1), for α, β in [0.2, 200]", () => {
    const shape = fc.double({ min: 0.2, max: 200, noNaN: true });
    fc.assert(
      fc.property(shape, shape, fc.integer({ min: 0, max: 0xffffffff }), (alpha, beta, seed) => {
        const u = seededUniform(seed);
        const n = 20_000;
        const xs = draws(n, () => sampleBeta(u, alpha, beta));
        const s = alpha + beta;
        const mean = alpha / s;
        const variance = (alpha * beta) / (s * s * (s + 1));
        const m = moments(xs);
        expect(Math.abs(m.mean - mean)).toBeLessThan(Z_TOLERANCE * Math.sqrt(variance / n));
        expect(Math.abs(m.variance - variance)).toBeLessThan(Z_TOLERANCE * m.varianceSe);
        expect(countWhere(xs, (x) => !(x > 0 && x < 1))).toBe(0);
      }),
      { seed: FC_SEED, numRuns: 40 },
    );
  });

  it("matches exact CDFs for integer shapes (binomial tail) and for shapes below 1 (closed forms)", () => {
    const u = seededUniform(21);
    const n = 40_000;
    const cases: [number, number, (x: number) => number][] = [
      [1, 1, (x) => x],
      [2, 5, betaCdfIntegers(2, 5)],
      [30, 70, betaCdfIntegers(30, 70)],
      [400, 1600, betaCdfIntegers(400, 1600)],
      // Arcsine law: both Gammas take the shape < 1 path in logarithms.
      [0.5, 0.5, (x) => (2 / Math.PI) * Math.asin(Math.sqrt(x))],
      [0.3, 1, (x) => x ** 0.3],
      [1, 0.4, (x) => 1 - (1 - x) ** 0.4],
      [7, 1, (x) => x ** 7],
    ];
    for (const [a, b, cdf] of cases) {
      expect({ a, b, ks: ksStatistic(draws(n, () => sampleBeta(u, a, b)), cdf) < KS_LIMIT }).toEqual({ a, b, ks: true });
    }
  });

  it("stays strictly inside (0, 1) where a double cannot resolve the draw (shapes far below 1)", () => {
    const u = seededUniform(5);
    for (const [a, b] of [
      [0.01, 0.01],
      [0.001, 1000],
      [1000, 0.001],
      [200, 0.2],
    ] as const) {
      for (let i = 0; i < 20_000; i++) {
        const x = sampleBeta(u, a, b);
        if (!(x > 0 && x < 1)) expect.fail(`Beta(${a}, ${b}) drew ${x}`);
      }
    }
  });

  it("refuses shapes that are not positive and finite", () => {
    const u = seededUniform(1);
    expect(() => sampleBeta(u, 0, 1)).toThrow(RangeError);
    expect(() => sampleBeta(u, 1, Number.NaN)).toThrow(RangeError);
  });
});
