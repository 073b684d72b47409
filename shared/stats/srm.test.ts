// Sample ratio mismatch against scipy.stats.chisquare (reference/srm.py sample_ratio_mismatch).
import { describe, expect, it } from "vitest";
import { expectClose } from "./expect-close";
import { sampleRatioMismatch } from "./srm";

// reference/srm.py sample_ratio_mismatch (printed verbatim)
const CASES = [
  { name: "split_50_48", observed: [50000, 48000], weights: [50, 50], chi_square: 40.816326530612244, df: 1, p_value: 1.6723011081609717e-10 },
  { name: "split_50_49.9", observed: [50000, 49900], weights: [50, 50], chi_square: 0.1001001001001001, df: 1, p_value: 0.751709543078071 },
  { name: "three_arms_1_1_2", observed: [2510, 2440, 5050], weights: [1, 1, 2], chi_square: 1.98, df: 2, p_value: 0.37157669102204577 },
  { name: "ninety_ten", observed: [9130, 870], weights: [90, 10], chi_square: 18.777777777777775, df: 1, p_value: 1.4686847673789387e-05 },
  { name: "tiny", observed: [7, 2], weights: [1, 1], chi_square: 2.7777777777777777, df: 1, p_value: 0.09558070454562936 },
];

describe("sampleRatioMismatch", () => {
  it.each(CASES)("$name matches scipy", (c) => {
    const result = sampleRatioMismatch(c.observed, c.weights);
    expectClose(result.chi_square, c.chi_square, { rel: 1e-12 });
    expect(result.df).toBe(c.df);
    expectClose(result.p_value, c.p_value, { rel: 1e-10 });
    expect(result.flag).toBe(c.p_value < 0.001);
  });

  it("flags a 50/48 split of a 50/50 experiment but not 50/49.9", () => {
    expect(sampleRatioMismatch([50_000, 48_000], [50, 50]).flag).toBe(true);
    expect(sampleRatioMismatch([50_000, 49_900], [50, 50]).flag).toBe(false);
  });

  it("takes weights in any scale and a custom threshold", () => {
    const a = sampleRatioMismatch([9130, 870], [0.9, 0.1]);
    const b = sampleRatioMismatch([9130, 870], [90, 10]);
    expectClose(a.chi_square, b.chi_square, { rel: 1e-12 });
    expect(sampleRatioMismatch([9130, 870], [90, 10], 1e-6).flag).toBe(false);
  });

  it("leaves out an unused zero-weight arm but flags one that received traffic", () => {
    const withIdle = sampleRatioMismatch([50_000, 48_000, 0], [0.5, 0.5, 0]);
    const without = sampleRatioMismatch([50_000, 48_000], [0.5, 0.5]);
    expect(withIdle).toEqual(without);
    expect(sampleRatioMismatch([500, 480, 3], [0.5, 0.5, 0])).toEqual({ chi_square: Infinity, df: 2, p_value: 0, flag: true });
    expect(sampleRatioMismatch([500, 0], [1, 0])).toEqual({ chi_square: 0, df: 0, p_value: 1, flag: false });
  });

  it("sees no mismatch before any traffic and rejects malformed input", () => {
    expect(sampleRatioMismatch([0, 0], [1, 1])).toEqual({ chi_square: 0, df: 1, p_value: 1, flag: false });
    expect(() => sampleRatioMismatch([10, 10], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, 10], [1, -1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([10, -1], [1, 1])).toThrow(RangeError);
  });
});
