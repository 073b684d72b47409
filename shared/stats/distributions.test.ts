// Checks every distribution function against reference values printed by reference/distributions.py (scipy
// 1.17, mpmath where scipy itself drifts), at a relative tolerance of 1e-9 unless a case says otherwise.
import { describe, expect, it } from "vitest";
import {
  betaDensity,
  chiSquareSf,
  logBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  regularizedIncompleteBetaUpper,
  studentTCdf,
  studentTQuantile,
} from "./distributions";
import { expectClose } from "./expect-close";

describe("normalCdf", () => {
  // reference/distributions.py normal_cdf (scipy.special.ndtr)
  const cases: [number, number][] = [
    [-37.0, 5.7255712225239266e-300],
    [-20.0, 2.7536241186061556e-89],
    [-10.0, 7.61985302416047e-24],
    [-8.0, 6.22096057427174e-16],
    [-6.0, 9.865876450376946e-10],
    [-5.657, 7.7020881721776e-9],
    [-5.0, 2.866515718791933e-7],
    [-3.0, 0.0013498980316300933],
    [-1.959963984540054, 0.025],
    [-1.0, 0.15865525393145707],
    [-0.6745, 0.24999674286369916],
    [-0.3, 0.3820885778110474],
    [0.0, 0.5],
    [0.3, 0.6179114221889526],
    [0.6745, 0.7500032571363009],
    [1.0, 0.8413447460685429],
    [3.0, 0.9986501019683699],
    [5.0, 0.9999997133484281],
    [8.0, 0.9999999999999993],
    [8.3, 1.0],
    [9.0, 1.0],
  ];
  it.each(cases)("Φ(%d) matches scipy to 1e-12 relative", (z, expected) => {
    expectClose(normalCdf(z), expected, { rel: 1e-12 });
  });

  it("is symmetric and handles the edges", () => {
    for (const z of [0.1, 0.7, 2.5, 6.5]) expectClose(normalCdf(-z) + normalCdf(z), 1, { rel: 1e-15 });
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });
});

describe("normalQuantile", () => {
  // reference/distributions.py normal_quantile (scipy.special.ndtri)
  const cases: [number, number][] = [
    [1e-300, -37.0470962993612],
    [1e-100, -21.273453560965322],
    [1e-20, -9.262340089798409],
    [1e-10, -6.361340902404056],
    [1e-5, -4.264890793922825],
    [0.001, -3.090232306167813],
    [0.025, -1.9599639845400545],
    [0.075, -1.4395314709384563],
    [0.2, -0.8416212335729142],
    [0.5, 0.0],
    [0.8, 0.8416212335729143],
    [0.925, 1.4395314709384563],
    [0.975, 1.959963984540054],
    [0.999, 3.090232306167813],
    [0.9999999999, 6.361340889697422],
  ];
  it.each(cases)("Φ⁻¹(%d) matches scipy to 1e-14 relative", (p, expected) => {
    expectClose(normalQuantile(p), expected, { rel: 1e-14 });
  });

  it("inverts normalCdf and handles the edges", () => {
    // Lower tail only: above the median Φ(z) rounds towards 1 and the round trip is limited by that rounding.
    for (const z of [-30, -8, -3, -0.5, 0.25]) expectClose(normalQuantile(normalCdf(z)), z, { rel: 1e-12 });
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(1.5)).toBeNaN();
    expect(normalQuantile(-0.1)).toBeNaN();
  });
});

describe("studentTCdf", () => {
  // reference/distributions.py student_t_cdf (scipy.stats.t.cdf)
  const cases: [number, number, number][] = [
    [-2.5, 1.0, 0.12111894159084341],
    [-2.5, 2.5, 0.0522849815390777],
    [1.3, 3.7, 0.8656666379136863],
    [-4.0, 10.0, 0.0012591663123683473],
    [2.0, 30.0, 0.9726874775185085],
    [-6.0, 100.5, 1.568422430608184e-8],
    [-12.0, 7.3, 2.277892614785275e-6],
    [-2.0, 1000.0, 0.02288517324662583],
    [-2.0, 1000000.0, 0.02275026692565962],
    [-6.0, 1000000.0, 9.86924906177215e-10],
    [-0.5, 100000000.0, 0.3085375392760892],
    [-2.17, 4754976.5, 0.015003447644877663],
    [40.0, 3.0, 0.9999828096596054],
    [-1000.0, 2.5, 2.274746394830745e-8],
    [0.0, 5.0, 0.5],
    [-26.3, 109118.1, 2.8653011214321177e-152],
    [-8.0, 0.6, 0.09000281798600625],
    [-3.1937690711214165e-5, 972044148.9943758, 0.49998725870484234], // df/(df + t²) rounds to 1
  ];
  it.each(cases)("P(T ≤ %d | df = %d) matches scipy to 1e-11 relative", (t, df, expected) => {
    expectClose(studentTCdf(t, df), expected, { rel: 1e-11 });
  });

  it("has the closed forms at df = 1 and 2 and tends to the normal", () => {
    for (const t of [-5, -0.3, 0.8, 3]) {
      expectClose(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, { rel: 1e-13 });
      expectClose(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), { rel: 1e-13 });
    }
    expect(studentTCdf(1.7, Infinity)).toBe(normalCdf(1.7));
    expectClose(studentTCdf(-3, 1e12), normalCdf(-3), { rel: 1e-9 });
  });
});

describe("studentTQuantile", () => {
  // reference/distributions.py student_t_quantile (scipy.stats.t.ppf)
  const cases: [number, number, number][] = [
    [0.975, 1.0, 12.706204736174694],
    [0.975, 2.0, 4.302652729749462],
    [0.975, 4.3, 2.70169489828223],
    [0.975, 29.7, 2.043137856247257],
    [0.995, 120.0, 2.6174211451068654],
    [0.975, 1000000.0, 1.959966356814107],
    [1e-10, 5.0, -156.82559270889433],
    [0.025, 12.5, -2.1691859427125406],
    [0.9, 0.7, 5.009947959646406],
    [0.05, 3.0, -2.353363434801824],
    [0.99999999, 40.0, 6.979945757554694],
  ];
  it.each(cases)("t quantile %d at df = %d matches scipy to 1e-11 relative", (p, df, expected) => {
    expectClose(studentTQuantile(p, df), expected, { rel: 1e-11 });
  });

  it("is the inverse of the CDF", () => {
    for (const df of [0.8, 3, 17.5, 400]) {
      for (const p of [1e-6, 0.01, 0.3, 0.77, 0.999]) expectClose(studentTCdf(studentTQuantile(p, df), df), p, { rel: 1e-11 });
    }
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });
});

describe("chiSquareSf", () => {
  // reference/distributions.py chi_square_sf (scipy.stats.chi2.sf)
  const cases: [number, number, number][] = [
    [3.841458820694124, 1.0, 0.04999999999999989],
    [40.816326530612244, 1.0, 1.6723011081609717e-10],
    [0.1, 1.0, 0.7518296340458492],
    [1e-8, 1.0, 0.9999202115440526],
    [200.0, 1.0, 2.0884875837625688e-45],
    [10.0, 3.0, 0.01856613546304325],
    [30.0, 10.0, 0.000856641210775301],
    [150.0, 100.0, 0.0009039320423540184],
    [1100.0, 1000.0, 0.014614408126295192],
    [10000.0, 10000.0, 0.49811936596618267],
    [10300.0, 10000.0, 0.017638117447345406],
    [9700.0, 10000.0, 0.98374920482229],
    [11000.0, 10000.0, 3.6183295580964682e-12],
    [12000.0, 10000.0, 1.1470065524601128e-40],
    [2.5, 0.5, 0.04724670114390913],
  ];
  it.each(cases)("P(χ² > %d | df = %d) matches scipy to 1e-11 relative", (x, df, expected) => {
    expectClose(chiSquareSf(x, df), expected, { rel: 1e-11 });
  });

  it("agrees with the closed forms at df = 1 and 2", () => {
    for (const x of [0.01, 1, 9, 50]) {
      expectClose(chiSquareSf(x, 2), Math.exp(-x / 2), { rel: 1e-13 });
      expectClose(chiSquareSf(x, 1), 2 * normalCdf(-Math.sqrt(x)), { rel: 1e-12 });
    }
    expect(chiSquareSf(0, 4)).toBe(1);
    expect(chiSquareSf(-1, 4)).toBe(1);
  });
});

describe("logBeta and logGamma", () => {
  // reference/distributions.py log_beta (mpmath at 50 digits; scipy.special.betaln is off in the 10th digit
  // for (305439.67, 0.0281) and (1e5, 3))
  const cases: [number, number, number][] = [
    [0.5, 0.5, 1.1447298858494002],
    [1.0, 1.0, 0.0],
    [2.0, 3.0, -2.4849066497880004],
    [0.01, 0.02, 5.010313350697985],
    [10.0, 20.0, -19.115327299887046],
    [1000.0, 2000.0, -1911.8746142144516],
    [1000000.0, 1000000.0, -1386300.003362921],
    [0.5, 10000000.0, -7.48668287005446],
    [100000.0, 3.0, -33.84565921410074],
    [305439.6745416691, 0.028088917156681627, 3.2020578784088802],
    [12.5, 9.5, -14.956457965743194],
  ];
  it.each(cases)("ln B(%d, %d) matches mpmath to 1e-13 (absolute or relative)", (a, b, expected) => {
    expectClose(logBeta(a, b), expected, { rel: 1e-13, abs: 1e-14 });
    expectClose(logBeta(b, a), expected, { rel: 1e-13, abs: 1e-14 });
  });

  it("gives ln Γ at integers and half-integers", () => {
    expect(logGamma(1)).toBe(0);
    expectClose(logGamma(5), Math.log(24), { rel: 1e-15 });
    expectClose(logGamma(0.5), 0.5 * Math.log(Math.PI), { rel: 1e-15 });
    expectClose(logGamma(171), 706.5730622457874, { rel: 1e-15 }); // ln(170!)
  });
});

describe("regularizedIncompleteBeta", () => {
  // reference/distributions.py incomplete_beta (scipy.special.betainc / betaincc): [x, a, b, I, 1 − I]
  const cases: [number, number, number, number, number][] = [
    [0.3, 2.0, 3.0, 0.34829999999999994, 0.6517000000000001],
    [0.9, 0.5, 0.5, 0.7951672353008665, 0.20483276469913342],
    [1e-12, 0.7261329342312459, 2791.9035579331853, 6.725059049641549e-7, 0.999999327494095],
    [0.999999999999, 252.4290994979042, 0.8863545110613017, 0.9999999967505384, 3.2494616306552723e-9],
    [0.0955, 1000.0, 9000.0, 0.06531632099746042, 0.9346836790025396],
    [0.105, 1000.0, 9000.0, 0.9506839206909083, 0.04931607930909238],
    [0.9999974663883509, 698564.75500696, 0.5376676874173074, 0.06657725540614107, 0.933422744593859],
  ];
  it.each(cases)("I_%d(%d, %d) and its complement keep their relative precision", (x, a, b, lower, upper) => {
    expectClose(regularizedIncompleteBeta(x, a, b), lower, { rel: 1e-10 });
    expectClose(regularizedIncompleteBetaUpper(x, a, b), upper, { rel: 1e-10 });
  });

  it("integrates the Beta density", () => {
    // d/dx I_x(a, b) = Beta density; a central difference checks the two against each other.
    for (const [x, a, b] of [[0.3, 2, 5], [0.11, 40, 300], [0.6, 0.7, 0.9]] as const) {
      const h = 1e-6;
      const slope = (regularizedIncompleteBeta(x + h, a, b) - regularizedIncompleteBeta(x - h, a, b)) / (2 * h);
      expectClose(slope, betaDensity(x, a, b), { rel: 1e-7 });
    }
  });
});
