// The normal-mixture mSPRT against the same formula in numpy (reference/sequential.py msprt); its behaviour
// under continuous peeking is what aa.test.ts measures.
import { describe, expect, it } from "vitest";
import { expectClose } from "./expect-close";
import type { ProportionSummary } from "./proportions";
import { alwaysValidPValue, DEFAULT_MIXING_VARIANCE, msprtTwoProportions } from "./sequential";

interface Case {
  name: string;
  control: ProportionSummary;
  treatment: ProportionSummary;
  tau2: number;
  statistic: number;
  p_value: number;
}

// reference/sequential.py msprt (printed verbatim)
const CASES: Case[] = [
  { name: "no_difference", control: { units: 2000, conversions: 200 }, treatment: { units: 2000, conversions: 200 }, tau2: 0.0001, statistic: 0.6882472016116853, p_value: 1.0 },
  { name: "small_lift", control: { units: 2000, conversions: 200 }, treatment: { units: 2000, conversions: 240 }, tau2: 0.0001, statistic: 1.9772391602627082, p_value: 0.5057557123575955 },
  { name: "clear_lift", control: { units: 10000, conversions: 1000 }, treatment: { units: 10000, conversions: 1150 }, tau2: 0.0001, statistic: 55.08300623325996, p_value: 0.018154419454982192 },
  { name: "wide_mixture", control: { units: 10000, conversions: 1000 }, treatment: { units: 10000, conversions: 1150 }, tau2: 0.01, statistic: 15.268040084045168, p_value: 0.06549629123943565 },
  { name: "overwhelming", control: { units: 100000, conversions: 1000 }, treatment: { units: 100000, conversions: 2000 }, tau2: 0.0001, statistic: 1.3396675775699882e+72, p_value: 7.464538343264914e-73 },
];

describe("msprtTwoProportions", () => {
  it.each(CASES)("$name matches numpy", (c) => {
    const result = msprtTwoProportions(c.control, c.treatment, c.tau2);
    expectClose(result.statistic, c.statistic, { rel: 1e-10 }, "statistic");
    expectClose(result.p_value, c.p_value, { rel: 1e-10 }, "p_value");
  });

  it("defaults τ² to 1e-4 (one percentage point)", () => {
    const [, small] = CASES;
    if (!small) throw new Error("no case");
    expect(DEFAULT_MIXING_VARIANCE).toBe(1e-4);
    expect(msprtTwoProportions(small.control, small.treatment)).toEqual(msprtTwoProportions(small.control, small.treatment, 1e-4));
  });

  it("carries no evidence while the variance is degenerate", () => {
    expect(msprtTwoProportions({ units: 1, conversions: 0 }, { units: 1, conversions: 1 })).toEqual({ statistic: 1, p_value: 1 });
    expect(msprtTwoProportions({ units: 50, conversions: 0 }, { units: 50, conversions: 0 })).toEqual({ statistic: 1, p_value: 1 });
  });

  it("folds looks into a running minimum", () => {
    const looks = [1, 0.4, 0.7, 0.2, 0.9];
    expect(looks.reduce(alwaysValidPValue, 1)).toBe(0.2);
    expect(alwaysValidPValue(0.03, 0.5)).toBe(0.03);
  });
});
