// Holm and Benjamini–Hochberg adjustments against statsmodels multipletests (reference/multiple.py adjusted).
import { describe, expect, it } from "vitest";
import { expectClose } from "./expect-close";
import { benjaminiHochberg, holm } from "./multiple";

// reference/multiple.py adjusted (printed verbatim)
const CASES = [
  { name: "mixed", p: [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9],
    holm: [0.06, 0.16, 0.15, 0.035, 0.4, 0.16, 0.9],
    bh: [0.035, 0.056, 0.056, 0.035, 0.23333333333333336, 0.056, 0.9] },
  { name: "ties_and_ones", p: [0.5, 1.0, 0.001, 0.5, 0.02],
    holm: [1.0, 1.0, 0.005, 1.0, 0.08],
    bh: [0.625, 1.0, 0.005, 0.625, 0.049999999999999996] },
  { name: "tiny", p: [1e-10, 3e-09, 0.049],
    holm: [3e-10, 6e-09, 0.049],
    bh: [3.0000000000000005e-10, 4.500000000000001e-09, 0.049] },
  { name: "single", p: [0.03],
    holm: [0.03],
    bh: [0.03] },
];

describe("multiple-comparison adjustments", () => {
  it.each(CASES)("$name matches statsmodels holm and fdr_bh", (c) => {
    const h = holm(c.p);
    const bh = benjaminiHochberg(c.p);
    c.holm.forEach((expected, i) => expectClose(h[i] as number, expected, { rel: 1e-12 }, `holm[${i}]`));
    c.bh.forEach((expected, i) => expectClose(bh[i] as number, expected, { rel: 1e-12 }, `bh[${i}]`));
  });

  it("keeps the input order, never lowers a p-value, and is monotone in the sorted order", () => {
    const p = [0.3, 0.001, 0.04, 0.04, 0.7, 0.012];
    for (const adjust of [holm, benjaminiHochberg]) {
      const adjusted = adjust(p);
      expect(adjusted).toHaveLength(p.length);
      adjusted.forEach((a, i) => expect(a).toBeGreaterThanOrEqual(p[i] as number));
      const byP = p.map((v, i) => [v, adjusted[i] as number] as const).sort((x, y) => x[0] - y[0]);
      for (let i = 1; i < byP.length; i++) expect((byP[i] as readonly [number, number])[1]).toBeGreaterThanOrEqual((byP[i - 1] as readonly [number, number])[1]);
    }
  });

  it("handles an empty family and rejects non-probabilities", () => {
    expect(holm([])).toEqual([]);
    expect(benjaminiHochberg([])).toEqual([]);
    expect(() => holm([0.1, 1.2])).toThrow(RangeError);
    expect(() => benjaminiHochberg([NaN])).toThrow(RangeError);
  });
});
