// welchTest against scipy.stats.ttest_ind(equal_var=False) / ttest_ind_from_stats (reference/continuous.py
// welch_test; its intervals are cross-checked there against statsmodels CompareMeans.tconfint_diff).
import { describe, expect, it } from "vitest";
import { welchTest, type ContinuousSummary } from "./continuous";
import { expectClose } from "./expect-close";
import type { LiftEstimate } from "./proportions";

interface Case extends Omit<LiftEstimate, "control_rate" | "treatment_rate"> {
  name: string;
  confidence: number;
  control: ContinuousSummary;
  treatment: ContinuousSummary;
  df: number;
}

// reference/continuous.py welch_test (printed verbatim)
const CASES: Case[] = [
  { name: "normal_40_vs_35", confidence: 0.95, control: { n: 40, sum: 393.72180331612634, sum_squares: 4099.334037561934 },
    treatment: { n: 35, sum: 407.2350879208211, sum_squares: 5040.228191156257 },
    statistic: 2.843552295565194, p_value: 0.005953067066640727, df: 65.16756208502716,
    absolute_lift: 1.7922431434060169, absolute_ci: [0.5335420946415945, 3.050944192170439],
    relative_lift: 0.18208218374606933, relative_ci: [0.04533392081375659, 0.31883044667838206] },
  { name: "skewed_revenue_12_vs_8", confidence: 0.95, control: { n: 12, sum: 228.81190099714667, sum_squares: 6079.0093025024335 },
    treatment: { n: 8, sum: 258.6628247216936, sum_squares: 15077.738535689994 },
    statistic: 1.1506651405766293, p_value: 0.28108090690693316, df: 8.536446461639498,
    absolute_lift: 13.265194673782812, absolute_ci: [-13.03107277443791, 39.56146212200353],
    relative_lift: 0.6956908071288599, relative_ci: [-0.8045893295320925, 2.1959709437898125] },
  { name: "normal_40_vs_35_at_90", confidence: 0.9, control: { n: 40, sum: 397.0781212177168, sum_squares: 4086.1673992169203 },
    treatment: { n: 35, sum: 369.2540334595777, sum_squares: 4051.6001671254444 },
    statistic: 1.3178764136513539, p_value: 0.1919044879968867, df: 68.98879989342926,
    absolute_lift: 0.6231622112593005, absolute_ci: [-0.16519878022919943, 1.4115232027478004],
    relative_lift: 0.0627747718104692, relative_ci: [-0.018742186950889403, 0.14429173057182781] },
  { name: "large_p_1e-10", confidence: 0.95, control: { n: 50000, sum: 1000000.0, sum_squares: 21250025.0 },
    treatment: { n: 50000, sum: 1011000.0, sum_squares: 21942450.0 },
    statistic: 6.633116917045775, p_value: 3.303510716889759e-11, df: 99178.34426229505,
    absolute_lift: 0.21999999999999886, absolute_ci: [0.15499325516364545, 0.28500674483635224],
    relative_lift: 0.010999999999999899, relative_ci: [0.0077333625598372206, 0.014266637440162577] },
  { name: "negative_lift", confidence: 0.95, control: { n: 200, sum: 1000.0, sum_squares: 5800.0 },
    treatment: { n: 150, sum: 675.0, sum_squares: 4387.5 },
    statistic: -1.7622335581674835, p_value: 0.07927987496754536, df: 244.4023939126908,
    absolute_lift: -0.5, absolute_ci: [-1.0588696852649933, 0.058869685264993366],
    relative_lift: -0.09999999999999998, relative_ci: [-0.20909042910799341, 0.009090429107993445] },
];

const TOLERANCE = { rel: 1e-9, abs: 1e-13 };

describe("welchTest", () => {
  it.each(CASES)("$name matches scipy", (c) => {
    const result = welchTest(c.control, c.treatment, c.confidence);
    expectClose(result.control_rate, c.control.sum / c.control.n, TOLERANCE, "control mean");
    expectClose(result.treatment_rate, c.treatment.sum / c.treatment.n, TOLERANCE, "treatment mean");
    expectClose(result.statistic, c.statistic, TOLERANCE, "statistic");
    expectClose(result.p_value, c.p_value, TOLERANCE, "p_value");
    expectClose(result.df, c.df, TOLERANCE, "df");
    expectClose(result.absolute_lift, c.absolute_lift, TOLERANCE, "absolute_lift");
    expectClose(result.absolute_ci[0], c.absolute_ci[0], TOLERANCE, "absolute_ci low");
    expectClose(result.absolute_ci[1], c.absolute_ci[1], TOLERANCE, "absolute_ci high");
    expectClose(result.relative_lift, c.relative_lift, TOLERANCE, "relative_lift");
    expectClose(result.relative_ci[0], c.relative_ci[0], TOLERANCE, "relative_ci low");
    expectClose(result.relative_ci[1], c.relative_ci[1], TOLERANCE, "relative_ci high");
  });

  it("reports no relative lift when the control mean is 0", () => {
    const result = welchTest({ n: 4, sum: 0, sum_squares: 8 }, { n: 4, sum: 2, sum_squares: 6 });
    expect(result.relative_lift).toBeNaN();
    expect(result.relative_ci.every(Number.isNaN)).toBe(true);
    expect(Number.isFinite(result.p_value)).toBe(true);
  });

  it("handles arms without variance", () => {
    const same = welchTest({ n: 5, sum: 10, sum_squares: 20 }, { n: 7, sum: 14, sum_squares: 28 });
    expect(same).toMatchObject({ statistic: 0, p_value: 1, df: 10, absolute_ci: [0, 0] });
    const apart = welchTest({ n: 5, sum: 10, sum_squares: 20 }, { n: 7, sum: 21, sum_squares: 63 });
    expect(apart).toMatchObject({ statistic: Infinity, p_value: 0 });
    // One constant arm: the Welch df is the other arm's n − 1.
    expectClose(welchTest({ n: 5, sum: 10, sum_squares: 20 }, { n: 7, sum: 14, sum_squares: 30 }).df, 6, { rel: 1e-12 });
  });

  it("needs two units per arm", () => {
    expect(() => welchTest({ n: 1, sum: 1, sum_squares: 1 }, { n: 5, sum: 5, sum_squares: 6 })).toThrow(RangeError);
  });
});
