// CUPED from running sums against a unit-level numpy/scipy computation (reference/cuped.py cuped_welch): the
// 40 + 40 simulated units below are what the script printed; the test rebuilds the sums from them.
import { describe, expect, it } from "vitest";
import { welchTest } from "./continuous";
import { cupedAdjust, cupedTheta, cupedWelch, type CupedSummary } from "./cuped";
import { expectClose } from "./expect-close";

// reference/cuped.py cuped_welch: [x = pre-period spend, y = spend during the experiment] per unit
const CONTROL_UNITS: [number, number][] = [
  [106.09, 111.7], [79.2, 90.87], [115.01, 103.85], [118.81, 115.49], [60.98, 73.85], [73.96, 83.96], [102.56, 110.51], [93.68, 97.81], [99.66, 106.55], [82.94, 88.73], [117.59, 115.2], [115.56, 117.2], [101.32, 86.35], [122.54, 112.58], [109.35, 101.84], [82.81, 81.58], [107.38, 102.41], [80.82, 101.52], [117.57, 103.64], [99.0, 108.98], [96.3, 80.58], [86.38, 87.12], [124.45, 118.74], [96.91, 103.7], [91.43, 101.11], [92.96, 103.01], [110.65, 103.97], [107.31, 100.49], [108.25, 114.35], [108.62, 104.12], [142.83, 117.22], [91.87, 82.98], [89.76, 83.64], [83.72, 93.58], [112.32, 110.05], [122.58, 122.71], [97.72, 94.13], [83.2, 89.83], [83.51, 94.71], [113.01, 106.01]
];
const TREATMENT_UNITS: [number, number][] = [
  [109.14, 100.16], [86.76, 96.52], [92.74, 101.12], [92.37, 112.25], [76.08, 95.61], [109.74, 114.39], [90.61, 112.06], [100.25, 92.29], [109.61, 104.33], [108.93, 100.99], [113.31, 109.42], [98.03, 88.85], [91.53, 104.42], [98.41, 100.66], [66.25, 65.67], [71.06, 73.59], [73.55, 88.62], [80.06, 98.42], [108.0, 129.57], [81.89, 120.46], [92.44, 102.85], [125.98, 112.29], [92.87, 77.69], [114.75, 117.0], [81.33, 82.8], [95.89, 96.97], [81.0, 84.58], [93.22, 97.85], [116.81, 126.43], [65.45, 81.39], [108.69, 108.5], [104.75, 96.97], [88.12, 78.94], [71.08, 78.89], [101.44, 104.47], [89.41, 114.27], [104.65, 108.56], [100.44, 114.14], [132.04, 121.44], [95.21, 88.8]
];
// reference/cuped.py cuped_welch
const EXPECTED = { theta: 0.616076351166732, grand_mean_x: 98.05625, control_rate: 98.99779916468933, treatment_rate: 101.77470083531067,
  statistic: 1.3569669387357117, p_value: 0.17930957271422296, df: 67.54057721895846,
  absolute_lift: 2.776901670621342, absolute_ci: [-1.3071356230163467, 6.860938964259031],
  relative_lift: 0.028050135397472697, relative_ci: [-0.013557982999242962, 0.06965825379418836],
  variance_reduction: 0.5528254822294929,
  adjusted_control: { sum: 3959.9119665875733, sum_squares: 394003.5971924021 },
  unadjusted_p_value: 0.8550408412547372 } as const;

function summarise(units: readonly [number, number][]): CupedSummary {
  const s: CupedSummary = { n: 0, sum_y: 0, sum_y2: 0, sum_x: 0, sum_x2: 0, sum_xy: 0 };
  for (const [x, y] of units) {
    s.n++;
    s.sum_x += x;
    s.sum_y += y;
    s.sum_x2 += x * x;
    s.sum_y2 += y * y;
    s.sum_xy += x * y;
  }
  return s;
}

const control = summarise(CONTROL_UNITS);
const treatment = summarise(TREATMENT_UNITS);
const TOLERANCE = { rel: 1e-9, abs: 1e-12 };

describe("CUPED", () => {
  it("estimates θ from both arms pooled", () => {
    expectClose(cupedTheta([control, treatment]), EXPECTED.theta, TOLERANCE);
  });

  it("adjusts a group's sums exactly as adjusting each unit would", () => {
    const adjusted = cupedAdjust(control, EXPECTED.theta, EXPECTED.grand_mean_x);
    expect(adjusted.n).toBe(40);
    expectClose(adjusted.sum, EXPECTED.adjusted_control.sum, TOLERANCE);
    expectClose(adjusted.sum_squares, EXPECTED.adjusted_control.sum_squares, TOLERANCE);
  });

  it("runs Welch's test on the adjusted metric", () => {
    const result = cupedWelch(control, treatment);
    expectClose(result.theta, EXPECTED.theta, TOLERANCE, "theta");
    expectClose(result.control_rate, EXPECTED.control_rate, TOLERANCE, "control mean");
    expectClose(result.treatment_rate, EXPECTED.treatment_rate, TOLERANCE, "treatment mean");
    expectClose(result.statistic, EXPECTED.statistic, TOLERANCE, "statistic");
    expectClose(result.p_value, EXPECTED.p_value, TOLERANCE, "p_value");
    expectClose(result.df, EXPECTED.df, TOLERANCE, "df");
    expectClose(result.absolute_lift, EXPECTED.absolute_lift, TOLERANCE, "absolute_lift");
    expectClose(result.absolute_ci[0], EXPECTED.absolute_ci[0], TOLERANCE, "absolute_ci low");
    expectClose(result.absolute_ci[1], EXPECTED.absolute_ci[1], TOLERANCE, "absolute_ci high");
    expectClose(result.relative_lift, EXPECTED.relative_lift, TOLERANCE, "relative_lift");
    expectClose(result.relative_ci[0], EXPECTED.relative_ci[0], TOLERANCE, "relative_ci low");
    expectClose(result.relative_ci[1], EXPECTED.relative_ci[1], TOLERANCE, "relative_ci high");
    expectClose(result.variance_reduction, EXPECTED.variance_reduction, TOLERANCE, "variance_reduction");
  });

  it("sharpens the test: the same data without CUPED is far from significant", () => {
    const raw = welchTest(
      { n: control.n, sum: control.sum_y, sum_squares: control.sum_y2 },
      { n: treatment.n, sum: treatment.sum_y, sum_squares: treatment.sum_y2 },
    );
    expectClose(raw.p_value, EXPECTED.unadjusted_p_value, TOLERANCE);
    expect(cupedWelch(control, treatment).p_value).toBeLessThan(raw.p_value);
  });

  it("leaves the metric alone when the covariate is constant", () => {
    const flat = (g: CupedSummary): CupedSummary => ({ ...g, sum_x: 5 * g.n, sum_x2: 25 * g.n, sum_xy: 5 * g.sum_y });
    const result = cupedWelch(flat(control), flat(treatment));
    expect(result.theta).toBe(0);
    expect(result.variance_reduction).toBe(0);
    const raw = welchTest(
      { n: control.n, sum: control.sum_y, sum_squares: control.sum_y2 },
      { n: treatment.n, sum: treatment.sum_y, sum_squares: treatment.sum_y2 },
    );
    expectClose(result.p_value, raw.p_value, { rel: 1e-12 });
  });
});
