// The two-sample KS test against scipy.stats.ks_2samp and scipy.stats.kstwo.sf (reference/ks.py). Generated
// samples come from createRng (mulberry32), which reference/common.py reproduces bit for bit, through
// transforms exact in IEEE arithmetic, so the data are regenerated here rather than embedded.
import { describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import { expectClose } from "./expect-close";
import { kolmogorovSmirnovSf, ksTwoSample, type KsMethod } from "./ks";

const TRANSFORMS = {
  uniform: (u: number) => u,
  shifted: (u: number) => u * 0.9 + 0.1,
  squared: (u: number) => u * u,
  nudged: (u: number) => u * 0.96 + 0.04,
  coarse: (u: number) => Math.floor(u * 20) / 20,
} as const;
type Transform = keyof typeof TRANSFORMS;

function sample([seed, n, transform]: readonly [number, number, Transform]): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => TRANSFORMS[transform](rng.next()));
}

describe("kolmogorovSmirnovSf (scipy kstwo.sf)", () => {
  // reference/ks.py kstwo_sf: [n, x, Pr(D_n > x)], one case per branch of scipy's _kolmogn
  const cases: [number, number, number][] = [
    [5, 0.15, 0.9988],  // n·x ≤ 1: Ruben–Gambino product
    [141, 0.005673758865248227, 1.0],  // n·x ≤ 1, n > 140: Stirling form
    [5, 0.9, 1.9999999999999978e-05],  // n·x ≥ n − 1: 2(1 − x)^n
    [10, 0.6, 0.0005681672000000003],  // x ≥ 1/2: 2·smirnov
    [50, 0.1, 0.6623112704658186],  // n ≤ 140, n·x² ≤ 0.754693: Durbin matrix
    [50, 0.2, 0.03143877776953241],  // n ≤ 140, n·x² ≤ 4: Pomeranz
    [50, 0.35, 5.573523514803185e-06],  // n ≤ 140: 2·smirnov
    [1000, 0.012, 0.9984464668620097],  // n·x^1.5 ≤ 1.4: Durbin matrix
    [1000, 0.03, 0.3226902143914636],  // Pelz–Good
    [1000, 0.06, 0.001428597887952891],  // n·x² ≥ 2.2: 2·smirnov
    [2000, 0.077, 9.257678930259246e-11],  // 2·smirnov, p ≈ 1e-10
    [5000, 0.04, 2.1805586378557164e-07],  // 2·smirnov, p ≈ 1e-7
    [200000, 0.002, 0.39995085369038097],  // n > 100000: Pelz–Good
    [400, 0.8, 4.347113806896062e-276],  // x ≥ 1/2, far tail
  ];
  it.each(cases)("n = %d, x = %d matches scipy", (n, x, expected) => {
    expectClose(kolmogorovSmirnovSf(n, x), expected, { rel: 1e-10 });
  });
});

describe("ksTwoSample", () => {
  it("checks the sample generator against reference/common.py Mulberry32", () => {
    // First draws of Mulberry32(1) in Python: 0.6270739405881613, 0.002735721180215478.
    const rng = createRng(1);
    expect(rng.next()).toBe(0.6270739405881613);
    expect(rng.next()).toBe(0.002735721180215478);
  });

  it("matches scipy on a hand-made sample (method exact)", () => {
    // reference/ks.py ks_2samp, "handmade 8 vs 6"
    const result = ksTwoSample([0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56], [0.39, 1.64, 0.05, -0.06, 0.64, -0.82]);
    expect(result.method).toBe("exact");
    expectClose(result.statistic, 0.3333333333333333, { rel: 1e-15 });
    expectClose(result.p_value, 0.7838827838827839, { rel: 1e-12 });
  });

  // reference/ks.py ks_2samp (generated samples; the method each reference used is in `method`, and `used`
  // is what scipy ran: "auto" means exact up to 10,000 values per sample, asymp above)
  const cases: { name: string; a: [number, number, Transform]; b: [number, number, Transform]; method: KsMethod; used: "exact" | "asymp"; statistic: number; p_value: number }[] = [
    { name: "20 vs 20 equal sizes", a: [1, 20, "uniform"], b: [2, 20, "squared"], method: "exact", used: "exact", statistic: 0.3, p_value: 0.33559098126008213 },
    { name: "20 vs 20 equal sizes", a: [1, 20, "uniform"], b: [2, 20, "squared"], method: "asymp", used: "asymp", statistic: 0.30000000000000004, p_value: 0.2705355748000001 },
    { name: "300 vs 200", a: [3, 300, "uniform"], b: [4, 200, "shifted"], method: "exact", used: "exact", statistic: 0.125, p_value: 0.04424832741776129 },
    { name: "300 vs 200", a: [3, 300, "uniform"], b: [4, 200, "shifted"], method: "asymp", used: "asymp", statistic: 0.125, p_value: 0.04299596049375398 },
    { name: "ties 250 vs 400", a: [5, 250, "coarse"], b: [6, 400, "coarse"], method: "exact", used: "exact", statistic: 0.0595, p_value: 0.6244825342068533 },
    { name: "ties 250 vs 400", a: [5, 250, "coarse"], b: [6, 400, "coarse"], method: "asymp", used: "asymp", statistic: 0.0595, p_value: 0.6249149312697131 },
    { name: "3000 vs 2000 shifted", a: [7, 3000, "uniform"], b: [8, 2000, "shifted"], method: "exact", used: "exact", statistic: 0.10533333333333333, p_value: 4.961989568029906e-12 },
    { name: "3000 vs 2000 shifted", a: [7, 3000, "uniform"], b: [8, 2000, "shifted"], method: "asymp", used: "asymp", statistic: 0.10533333333333333, p_value: 4.779592886854183e-12 },
    { name: "12000 vs 11000 auto is asymp", a: [9, 12000, "uniform"], b: [10, 11000, "nudged"], method: "auto", used: "asymp", statistic: 0.03981060606060606, p_value: 2.4357741117705097e-08 },
    { name: "12000 vs 11000 same law", a: [11, 12000, "uniform"], b: [12, 11000, "uniform"], method: "auto", used: "asymp", statistic: 0.009840909090909067, p_value: 0.6310452021042807 },
  ];
  it.each(cases)("$name, method $method, matches scipy", (c) => {
    const result = ksTwoSample(sample(c.a), sample(c.b), c.method);
    expect(result.method).toBe(c.used);
    expectClose(result.statistic, c.statistic, { rel: 1e-14 }, "statistic");
    expectClose(result.p_value, c.p_value, { rel: 1e-9 }, "p_value");
  });

  it("is symmetric in its samples and rejects empty ones", () => {
    const a = sample([21, 60, "uniform"]);
    const b = sample([22, 45, "squared"]);
    expect(ksTwoSample(a, b)).toEqual(ksTwoSample(b, a));
    expect(() => ksTwoSample([], b)).toThrow(RangeError);
    expect(() => ksTwoSample([1, NaN], b)).toThrow(RangeError);
  });

  it("gives p = 1 for identical samples", () => {
    const a = sample([23, 30, "coarse"]);
    expect(ksTwoSample(a, [...a])).toMatchObject({ statistic: 0, p_value: 1 });
  });
});
