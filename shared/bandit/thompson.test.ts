// Checks Thompson win probabilities against Evan Miller's closed form and quadrature, the policy mixture
// against hand-computed probabilities, and chooseArm's realised frequencies against choiceProbabilities.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { seededUniform } from "./random";
import {
  checkThompsonPolicy,
  chooseArm,
  choiceProbabilities,
  defaultThompsonPolicy,
  greedyArm,
  thompsonWinProbabilities,
  topTwoThompson,
  type ArmPosterior,
  type ThompsonPolicy,
} from "./thompson";

const FC_SEED = 20_260_517;

const posteriors = (...ab: [number, number][]): ArmPosterior[] =>
  ab.map(([alpha, beta], i) => ({ arm: `arm${i}`, alpha, beta }));
const policy = (trafficFloor: number, explorationShare: number, perVisitorCap = Infinity): ThompsonPolicy => ({
  trafficFloor,
  explorationShare,
  perVisitorCap,
});

/** ln B(a, b) for positive integers, from log-factorials. */
function logBetaIntegers(a: number, b: number): number {
  const logGamma = (n: number): number => {
    let s = 0;
    for (let k = 2; k < n; k++) s += Math.log(k);
    return s;
  };
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * Evan Miller's closed form for integer parameters:
 * P(p_B > p_A) = Σ_{i=0}^{α_B−1} B(α_A+i, β_A+β_B) / ((β_B+i) · B(1+i, β_B) · B(α_A, β_A)).
 */
function probabilityBBeatsA(a: ArmPosterior, b: ArmPosterior): number {
  let total = 0;
  for (let i = 0; i < b.alpha; i++) {
    total += Math.exp(
      logBetaIntegers(a.alpha + i, a.beta + b.beta) -
        Math.log(b.beta + i) -
        logBetaIntegers(1 + i, b.beta) -
        logBetaIntegers(a.alpha, a.beta),
    );
  }
  return total;
}

/**
 * P(arm i has the highest draw) = ∫ f_i(x) Π_{j≠i} F_j(x) dx by the midpoint rule on `cells` cells of (0, 1),
 * for shapes ≥ 1 (bounded densities). Independent of the sampler, so it is the "true" Thompson distribution.
 */
function exactWinProbabilities(arms: readonly ArmPosterior[], cells = 100_000): Float64Array {
  const k = arms.length;
  const mass = arms.map(({ alpha, beta }) => {
    const logDensity = new Float64Array(cells);
    let max = -Infinity;
    for (let c = 0; c < cells; c++) {
      const x = (c + 0.5) / cells;
      logDensity[c] = (alpha - 1) * Math.log(x) + (beta - 1) * Math.log1p(-x);
      max = Math.max(max, logDensity[c]!);
    }
    let total = 0;
    for (let c = 0; c < cells; c++) total += logDensity[c] = Math.exp(logDensity[c]! - max);
    for (let c = 0; c < cells; c++) logDensity[c]! /= total;
    return logDensity;
  });
  const below = new Float64Array(k); // Σ of each arm's mass in the cells already passed.
  const win = new Float64Array(k);
  for (let c = 0; c < cells; c++) {
    for (let i = 0; i < k; i++) {
      let others = 1;
      // Within a cell, half of another arm's mass counts as below: the midpoint rule for F_j.
      for (let j = 0; j < k; j++) if (j !== i) others *= below[j]! + mass[j]![c]! / 2;
      win[i]! += mass[i]![c]! * others;
    }
    for (let j = 0; j < k; j++) below[j]! += mass[j]![c]!;
  }
  return win;
}

/** Pearson's statistic of observed counts against probabilities p over n trials. */
function chiSquare(counts: Float64Array, p: Float64Array, n: number): number {
  let chi2 = 0;
  for (let i = 0; i < p.length; i++) chi2 += (counts[i]! - n * p[i]!) ** 2 / (n * p[i]!);
  return chi2;
}

/** The 0.9999 quantile of χ² with df degrees of freedom (a deterministic run that fails here is a real bug). */
const CHI2_9999: Record<number, number> = { 1: 15.14, 2: 18.42, 3: 21.11, 4: 23.51 };

describe("thompsonWinProbabilities", () => {
  it("the closed form and the quadrature agree with each other and with P(Beta(2,1) > Beta(1,1)) = 2/3", () => {
    expect(probabilityBBeatsA({ arm: "a", alpha: 1, beta: 1 }, { arm: "b", alpha: 2, beta: 1 })).toBeCloseTo(2 / 3, 12);
    for (const arms of [posteriors([3, 7], [5, 5]), posteriors([200, 300], [210, 290])]) {
      expect(exactWinProbabilities(arms)[1]).toBeCloseTo(probabilityBBeatsA(arms[0]!, arms[1]!), 6);
    }
  });

  it("matches Evan Miller's closed form for two arms within Monte Carlo error", () => {
    const u = seededUniform(2024);
    const draws = 20_000;
    for (const arms of [
      posteriors([1, 1], [1, 1]),
      posteriors([3, 7], [5, 5]),
      posteriors([5, 5], [3, 7]),
      posteriors([20, 80], [25, 75]),
      posteriors([200, 300], [210, 290]),
      posteriors([2, 40], [1, 3]),
    ]) {
      const exact = probabilityBBeatsA(arms[0]!, arms[1]!);
      const win = thompsonWinProbabilities(arms, u, draws);
      const se = Math.sqrt((exact * (1 - exact)) / draws);
      expect(Math.abs(win[1]! - exact)).toBeLessThan(4.5 * se + 1 / draws);
      expect(win[0]! + win[1]!).toBeCloseTo(1, 12);
    }
  });

  it("matches quadrature for four arms, sums to 1, and gives one arm probability 1", () => {
    const arms = posteriors([12, 40], [15, 38], [5, 20], [9, 30]);
    const draws = 50_000;
    const win = thompsonWinProbabilities(arms, seededUniform(77), draws);
    const exact = exactWinProbabilities(arms);
    for (let i = 0; i < arms.length; i++) {
      expect(Math.abs(win[i]! - exact[i]!)).toBeLessThan(4.5 * Math.sqrt((exact[i]! * (1 - exact[i]!)) / draws) + 1 / draws);
    }
    expect(win.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    expect(Array.from(thompsonWinProbabilities(posteriors([3, 4]), seededUniform(1)))).toEqual([1]);
  });

  it("never estimates 0 for an arm (half a pseudo-draw each), since Thompson can always pick it", () => {
    const win = thompsonWinProbabilities(posteriors([500, 10], [1, 500]), seededUniform(3), 1000);
    expect(win[1]).toBeCloseTo(0.5 / 1001, 15);
    expect(win[0]).toBeCloseTo(1000.5 / 1001, 15);
  });

  it("refuses no arms and a non-integer draw count", () => {
    expect(() => thompsonWinProbabilities([], seededUniform(1))).toThrow(RangeError);
    expect(() => thompsonWinProbabilities(posteriors([1, 1], [1, 1]), seededUniform(1), 0.5)).toThrow(RangeError);
  });
});

describe("choiceProbabilities", () => {
  // Arm 0 leads by posterior mean in all these (0.5 > 0.3 > 0.2), so it is the greedy arm.
  const arms = posteriors([50, 50], [30, 70], [20, 80]);
  const w = Float64Array.from([0.5, 0.3, 0.2]);
  const close = (got: Float64Array, want: number[]) => want.forEach((p, i) => expect(got[i]).toBeCloseTo(p, 12));

  it("is plain Thompson with no floor and no cap", () => {
    close(choiceProbabilities(arms, w, policy(0, 1), 0), [0.5, 0.3, 0.2]);
  });

  it("floor only: p = f + (1 − K·f)·w", () => {
    // 0.1 + 0.7·(0.5, 0.3, 0.2)
    close(choiceProbabilities(arms, w, policy(0.1, 1), 0), [0.45, 0.31, 0.24]);
  });

  it("share only: the non-greedy arms are scaled down to the share, the rest goes to the greedy arm", () => {
    // c = 0.2 / 0.5 = 0.4: (1 − 0.2, 0.4·0.3, 0.4·0.2)
    close(choiceProbabilities(arms, w, policy(0, 0.2), 0), [0.8, 0.12, 0.08]);
  });

  it("floor and share together: the non-greedy total is exactly the share", () => {
    // f = 0.05, K·f = 0.15, s̃ = (0.3 − 0.1)/0.85, c = s̃/0.5; p_i = 0.05 + 0.85·c·w_i = 0.05 + 0.4·w_i.
    const p = choiceProbabilities(arms, w, policy(0.05, 0.3), 0);
    close(p, [0.7, 0.17, 0.13]);
    expect(p[1]! + p[2]!).toBeCloseTo(0.3, 12);
  });

  it("the floor wins over a smaller share, and K·floor > 1 means uniform", () => {
    close(choiceProbabilities(arms, w, policy(0.1, 0.1), 0), [0.8, 0.1, 0.1]);
    close(choiceProbabilities(arms, w, policy(0.5, 1), 0), [1 / 3, 1 / 3, 1 / 3]);
  });

  it("the per-visitor cap gives the greedy arm probability 1 (floor included)", () => {
    // Greedy is arm 2 here (mean 0.6), to show it is the posterior-mean leader, not the first arm.
    const leadLast = posteriors([10, 90], [30, 70], [60, 40]);
    const wLast = Float64Array.from([0.2, 0.3, 0.5]);
    close(choiceProbabilities(leadLast, wLast, policy(0.05, 0.3, 3), 3), [0, 0, 1]);
    // One exploration short of the cap: the ordinary mixture, 0.05 + 0.4·w_i off the greedy arm.
    close(choiceProbabilities(leadLast, wLast, policy(0.05, 0.3, 3), 2), [0.13, 0.17, 0.7]);
  });

  it("for any arms, win probabilities and policy: sums to 1, honours the floor and the share", () => {
    const count = fc.integer({ min: 1, max: 500 });
    const armArb = fc.record({ arm: fc.constant("x"), alpha: count, beta: count });
    fc.assert(
      fc.property(
        fc.array(armArb, { minLength: 2, maxLength: 12 }),
        fc.array(fc.double({ min: 0.001, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
        fc.double({ min: 0, max: 0.3, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (arms, raw, floor, share) => {
          const k = arms.length;
          const total = raw.slice(0, k).reduce((s, x) => s + x, 0);
          const win = Float64Array.from(raw.slice(0, k), (x) => x / total);
          const p = choiceProbabilities(arms, win, policy(floor, share), 0);
          const g = greedyArm(arms);
          const f = Math.min(floor, 1 / k);
          expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
          for (const x of p) expect(x).toBeGreaterThanOrEqual(f - 1e-12);
          expect(1 - p[g]!).toBeLessThanOrEqual(Math.max(share, (k - 1) * f) + 1e-12);
          const plain = choiceProbabilities(arms, win, policy(0, 1), 0);
          for (let i = 0; i < k; i++) expect(plain[i]).toBeCloseTo(win[i]!, 12);
        },
      ),
      { seed: FC_SEED, numRuns: 300 },
    );
  });

  it("refuses invalid policies and mismatched win probabilities", () => {
    expect(() => choiceProbabilities(arms, w, policy(-0.1, 1), 0)).toThrow(RangeError);
    expect(() => choiceProbabilities(arms, w, policy(0.1, 1.5), 0)).toThrow(RangeError);
    expect(() => choiceProbabilities(arms, w, policy(0.1, 1, Number.NaN), 0)).toThrow(RangeError);
    expect(() => choiceProbabilities(arms, Float64Array.from([0.5, 0.5]), policy(0, 1), 0)).toThrow(RangeError);
    expect(() => checkThompsonPolicy(defaultThompsonPolicy)).not.toThrow();
  });
});

describe("chooseArm", () => {
  /** n choices: counts per arm, and checks every call's propensity and exploratory flag as it goes. */
  function run(arms: readonly ArmPosterior[], win: Float64Array, pol: ThompsonPolicy, n: number, seed: number) {
    const u = seededUniform(seed);
    const p = choiceProbabilities(arms, win, pol, 0);
    const g = greedyArm(arms);
    const counts = new Float64Array(arms.length);
    let badPropensity = 0;
    let badFlag = 0;
    for (let t = 0; t < n; t++) {
      const c = chooseArm(arms, u, pol, win);
      counts[c.index]! += 1;
      if (Math.abs(c.propensity - p[c.index]!) > 1e-12) badPropensity++;
      if (c.exploratory !== (c.index !== g)) badFlag++;
    }
    expect(badPropensity).toBe(0);
    expect(badFlag).toBe(0);
    return { counts, p };
  }

  const n = 100_000;
  const fourArms = posteriors([12, 40], [15, 38], [5, 20], [9, 30]);
  const fourWin = exactWinProbabilities(fourArms);

  it.each([
    ["plain Thompson", policy(0, 1)],
    ["floor 5%", policy(0.05, 1)],
    ["share 25%", policy(0, 0.25)],
    ["floor 4% + share 25%", policy(0.04, 0.25)],
    ["default policy", defaultThompsonPolicy],
  ])("realises choiceProbabilities with one Beta draw per arm: %s", (_, pol) => {
    const { counts, p } = run(fourArms, fourWin, pol, n, 4242);
    expect(chiSquare(counts, p, n)).toBeLessThan(CHI2_9999[3]!);
    expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
  });

  it("a hopeless arm still gets the floor, and the non-greedy share stays within the cap", () => {
    const arms = posteriors([36, 64], [40, 60], [1, 60]);
    const win = exactWinProbabilities(arms);
    expect(win[2]).toBeLessThan(1e-9);
    const floor = 0.05;
    const share = 0.2;
    const { counts, p } = run(arms, win, policy(floor, share), n, 99);
    expect(chiSquare(counts, p, n)).toBeLessThan(CHI2_9999[2]!);
    expect(p[2]).toBeCloseTo(floor, 8);
    const se = (q: number) => Math.sqrt((q * (1 - q)) / n);
    expect(counts[2]! / n).toBeGreaterThan(floor - 4.5 * se(floor));
    const nonGreedy = (n - counts[1]!) / n;
    expect(1 - p[1]!).toBeCloseTo(share, 12);
    expect(nonGreedy).toBeLessThan(share + 4.5 * se(share));
  });

  it("after perVisitorCap explorations a visitor gets the greedy arm with propensity 1", () => {
    const cap = 2;
    const pol = policy(0.05, 1, cap);
    const u = seededUniform(8);
    const g = greedyArm(fourArms);
    let cappedChoices = 0;
    for (let visitor = 0; visitor < 2000; visitor++) {
      let explorations = 0;
      for (let visit = 0; visit < 20; visit++) {
        const c = chooseArm(fourArms, u, pol, fourWin, explorations);
        if (explorations >= cap) {
          cappedChoices++;
          expect(c).toEqual({ index: g, propensity: 1, exploratory: false });
        } else {
          expect(c.propensity).toBeCloseTo(choiceProbabilities(fourArms, fourWin, pol, explorations)[c.index]!, 12);
        }
        if (c.exploratory) explorations++;
      }
      expect(explorations).toBeLessThanOrEqual(cap);
    }
    // Most visitors explore twice within 20 visits (non-greedy mass > 0.5), so the cap really was exercised.
    expect(cappedChoices).toBeGreaterThan(2000 * 10);
  });

  it("one arm: always it, with propensity 1", () => {
    expect(chooseArm(posteriors([2, 9]), seededUniform(1), policy(0.05, 0.5), Float64Array.from([1]))).toEqual({
      index: 0,
      propensity: 1,
      exploratory: false,
    });
  });
});

describe("topTwoThompson", () => {
  /** P(play j) = β·w_j + (1 − β)·Σ_{i≠j} w_i · w_j / (1 − w_i): leader i, then the challenger given it is not i. */
  function topTwoProbabilities(w: Float64Array, beta: number): Float64Array {
    return w.map((wj, j) => beta * wj + (1 - beta) * w.reduce((s, wi, i) => (i === j ? s : s + (wi * wj) / (1 - wi)), 0));
  }

  function frequencies(arms: readonly ArmPosterior[], beta: number, n: number, seed: number): Float64Array {
    const u = seededUniform(seed);
    const counts = new Float64Array(arms.length);
    for (let t = 0; t < n; t++) counts[topTwoThompson(arms, u, beta)]! += 1;
    return counts;
  }

  it("with two arms and β = ½ plays each arm half the time, however unequal the posteriors", () => {
    const n = 40_000;
    for (const arms of [posteriors([20, 30], [25, 25]), posteriors([500, 100], [100, 500])]) {
      const counts = frequencies(arms, 0.5, n, 5);
      expect(Math.abs(counts[0]! / n - 0.5)).toBeLessThan(4.5 * Math.sqrt(0.25 / n));
    }
  });

  it("matches the top-two distribution for three arms, and β = 1 is plain Thompson", () => {
    const arms = posteriors([12, 40], [15, 38], [9, 30]);
    const w = exactWinProbabilities(arms);
    const n = 60_000;
    for (const beta of [0.5, 0.25, 1]) {
      const p = beta === 1 ? w : topTwoProbabilities(w, beta);
      expect(chiSquare(frequencies(arms, beta, n, 17), p, n)).toBeLessThan(CHI2_9999[2]!);
    }
  });

  it("falls back to the best non-leader of the last redraw when the leader keeps winning", () => {
    const arms = posteriors([900, 100], [100, 900], [150, 850]);
    // Arm 0 always leads; with β = 0 every play is a challenger, and arm 2 beats arm 1 almost surely:
    // P(Beta(100, 900) > Beta(150, 850)) ≈ 3.5e-4, about 0.7 of 2,000 plays (P(more than 5) < 1e-4).
    const counts = frequencies(arms, 0, 2000, 1);
    expect(counts[0]).toBe(0);
    expect(counts[1]).toBeLessThanOrEqual(5);
    expect(counts[2]).toBeGreaterThanOrEqual(1995);
  });
});
