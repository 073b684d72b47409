// twoProportionTest against statsmodels 0.15 (reference/proportions.py two_proportion_test): pooled z-test,
// Wald interval on the difference, and the delta-method interval on the relative lift.
import { describe, expect, it } from "vitest";
import { expectClose } from "./expect-close";
import { twoProportionTest, type LiftEstimate, type ProportionSummary } from "./proportions";

interface Case extends Omit<LiftEstimate, "control_rate" | "treatment_rate"> {
  name: string;
  confidence: number;
  control: ProportionSummary;
  treatment: ProportionSummary;
}

// reference/proportions.py two_proportion_test (printed verbatim)
const CASES: Case[] = [
  { name: "typical", confidence: 0.95, control: { units: 10000, conversions: 1000 }, treatment: { units: 10000, conversions: 1100 },
    statistic: 2.3066347738170103, p_value: 0.021075189273797826, absolute_lift: 0.009999999999999995, absolute_ci: [0.001504059131512114, 0.018495940868487874],
    relative_lift: 0.09999999999999987, relative_ci: [0.010870112525620937, 0.1891298874743788] },
  { name: "small_n", confidence: 0.95, control: { units: 100, conversions: 10 }, treatment: { units: 100, conversions: 15 },
    statistic: 1.0690449676496971, p_value: 0.28504940740261286, absolute_lift: 0.04999999999999999, absolute_ci: [-0.04140663507103698, 0.14140663507103696],
    relative_lift: 0.4999999999999998, relative_ci: [-0.6259135894148635, 1.625913589414863] },
  { name: "unequal_sizes", confidence: 0.95, control: { units: 1000, conversions: 30 }, treatment: { units: 3000, conversions: 80 },
    statistic: -0.5582107875360776, p_value: 0.5767004554009938, absolute_lift: -0.0033333333333333305, absolute_ci: [-0.015375849029558688, 0.008709182362892027],
    relative_lift: -0.11111111111111105, relative_ci: [-0.47862653820541284, 0.25640431598319074] },
  { name: "tiny", confidence: 0.95, control: { units: 7, conversions: 3 }, treatment: { units: 9, conversions: 5 },
    statistic: 0.5039526306789698, p_value: 0.6142946646634824, absolute_lift: 0.12698412698412703, absolute_ci: [-0.3626942139056848, 0.6166624678739389],
    relative_lift: 0.2962962962962965, relative_ci: [-1.0465874903592782, 1.6391800829518712] },
  { name: "near_one", confidence: 0.95, control: { units: 500, conversions: 495 }, treatment: { units: 500, conversions: 499 },
    statistic: 1.637914297557577, p_value: 0.10143957298507782, absolute_lift: 0.008000000000000007, absolute_ci: [-0.001560124908282036, 0.01756012490828205],
    relative_lift: 0.008080808080808133, relative_ci: [-0.0016408682422740205, 0.017802484403890286] },
  { name: "p_1e-10", confidence: 0.95, control: { units: 100000, conversions: 10000 }, treatment: { units: 100000, conversions: 10880 },
    statistic: 6.4351753082270315, p_value: 1.2333090121986696e-10, absolute_lift: 0.008799999999999988, absolute_ci: [0.0061200578826184305, 0.011479942117381545],
    relative_lift: 0.08799999999999986, relative_ci: [0.06004047521664525, 0.11595952478335446] },
  { name: "zero_control", confidence: 0.95, control: { units: 500, conversions: 0 }, treatment: { units: 500, conversions: 5 },
    statistic: 2.2416791983111017, p_value: 0.024982113243368558, absolute_lift: 0.01, absolute_ci: [0.001278710837855239, 0.01872128916214476],
    relative_lift: NaN, relative_ci: [NaN, NaN] },
  { name: "typical", confidence: 0.9, control: { units: 10000, conversions: 1000 }, treatment: { units: 10000, conversions: 1100 },
    statistic: 2.3066347738170103, p_value: 0.021075189273797826, absolute_lift: 0.009999999999999995, absolute_ci: [0.002869981661843153, 0.017130018338156836],
    relative_lift: 0.09999999999999987, relative_ci: [0.02519984048767454, 0.1748001595123252] },
  { name: "near_one", confidence: 0.9, control: { units: 500, conversions: 495 }, treatment: { units: 500, conversions: 499 },
    statistic: 1.637914297557577, p_value: 0.10143957298507782, absolute_lift: 0.008000000000000007, absolute_ci: [-2.3109737491944574e-05, 0.016023109737491957],
    relative_lift: 0.008080808080808133, relative_ci: [-7.787987784968302e-05, 0.01623949603946595] },
];

/** Relative 1e-9, with an absolute floor for interval ends that sit near zero. */
const TOLERANCE = { rel: 1e-9, abs: 1e-15 };

describe("twoProportionTest", () => {
  it.each(CASES)("$name at $confidence matches statsmodels", (c) => {
    const result = twoProportionTest(c.control, c.treatment, c.confidence);
    expect(result.control_rate).toBe(c.control.conversions / c.control.units);
    expect(result.treatment_rate).toBe(c.treatment.conversions / c.treatment.units);
    expectClose(result.statistic, c.statistic, TOLERANCE, "statistic");
    expectClose(result.p_value, c.p_value, TOLERANCE, "p_value");
    expectClose(result.absolute_lift, c.absolute_lift, TOLERANCE, "absolute_lift");
    expectClose(result.absolute_ci[0], c.absolute_ci[0], TOLERANCE, "absolute_ci low");
    expectClose(result.absolute_ci[1], c.absolute_ci[1], TOLERANCE, "absolute_ci high");
    expectClose(result.relative_lift, c.relative_lift, TOLERANCE, "relative_lift");
    expectClose(result.relative_ci[0], c.relative_ci[0], TOLERANCE, "relative_ci low");
    expectClose(result.relative_ci[1], c.relative_ci[1], TOLERANCE, "relative_ci high");
  });

  it("reports no relative lift (NaN, null in JSON) when control has no conversions", () => {
    const result = twoProportionTest({ units: 500, conversions: 0 }, { units: 500, conversions: 5 });
    expect(result.relative_lift).toBeNaN();
    expect(result.relative_ci.every(Number.isNaN)).toBe(true);
    expect(JSON.parse(JSON.stringify(result)).relative_ci).toEqual([null, null]);
  });

  it("treats arms that cannot differ (pooled rate 0 or 1) as no evidence", () => {
    for (const conversions of [0, 100]) {
      const result = twoProportionTest({ units: 100, conversions }, { units: 250, conversions: conversions * 2.5 });
      expect(result.statistic).toBe(0);
      expect(result.p_value).toBe(1);
      expect(result.absolute_ci).toEqual([0, 0]);
    }
  });

  it("rejects counts no experiment can produce", () => {
    expect(() => twoProportionTest({ units: 0, conversions: 0 }, { units: 10, conversions: 1 })).toThrow(RangeError);
    expect(() => twoProportionTest({ units: 10, conversions: 11 }, { units: 10, conversions: 1 })).toThrow(RangeError);
    expect(() => twoProportionTest({ units: 10, conversions: -1 }, { units: 10, conversions: 1 })).toThrow(RangeError);
    expect(() => twoProportionTest({ units: 10, conversions: 1 }, { units: 10, conversions: 1 }, 1)).toThrow(RangeError);
  });
});
