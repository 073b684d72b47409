// The report's SQL-sum forms against the row-level estimators they stand for.
import { describe, expect, it } from "vitest";
import { seededUniform } from "../bandit/random";
import { chooseArm, defaultThompsonPolicy, thompsonWinProbabilities } from "../bandit/thompson";
import { createRng } from "../catalog/prng";
import { ipwArmValues, ipwLift, type LoggedReward } from "../stats/ipw";
import { twoProportionTest } from "../stats/proportions";
import { buildReport, type ExperimentAggregates, type VariantAggregate } from "./report";
import type { Experiment } from "./schema";

const experiment = (allocation: "fixed" | "bandit"): Experiment => ({
  id: "exp_t", surface_id: "homepage.hero", allocation, holdout: 0, layer: null, metric: "click", guardrails: [], segmented: true, segment_by: "micro_segment", status: "running", shards: 1,
  retired_arms: [], bucket_map: null, eligible_segments: null, layer_range: null, created_at: "", updated_at: "",
  variants: [{ id: "control", weight: 0.5, payload: {} }, { id: "b", weight: 0.3, payload: {} }, { id: "c", weight: 0.2, payload: {} }],
});

function aggregate(variant: string, segment: string, units: number, conversions: number): VariantAggregate {
  return { variant, segment, units, conversions, revenue: { n: units, sum: 0, sum_squares: 0 }, cuped: { n: units, sum_y: conversions, sum_y2: conversions, sum_x: 0, sum_x2: 0, sum_xy: 0 } };
}

describe("experiment report", () => {
  it("computes IPW arm values and lifts from Σ r/p and Σ (r/p)² exactly as the row-level estimator does", () => {
    const rng = createRng(9);
    const rows: LoggedReward[] = [];
    for (let i = 0; i < 3000; i++) {
      const p = [0.6, 0.3, 0.1];
      const u = rng.next();
      const k = u < p[0]! ? 0 : u < p[0]! + p[1]! ? 1 : 2;
      const arm = ["control", "b", "c"][k]!;
      rows.push({ arm, propensity: p[k]!, reward: rng.next() < [0.05, 0.08, 0.12][k]! ? 1 : 0 });
    }
    const sums = ["control", "b", "c"].map((arm) => {
      const mine = rows.filter((r) => r.arm === arm);
      return { arm, n: mine.length, s1: mine.reduce((s, r) => s + r.reward / r.propensity, 0), s2: mine.reduce((s, r) => s + (r.reward / r.propensity) ** 2, 0) };
    });
    const data: ExperimentAggregates = { rows: [], holdout: { units: 0, conversions: 0 }, ipw: sums };
    const report = buildReport(experiment("bandit"), data, new Date());
    const reference = ipwArmValues(rows, ["control", "b", "c"]);
    for (const ref of reference) {
      const got = report.ipw!.find((a) => a.arm === ref.arm)!;
      expect(got.value).toBeCloseTo(ref.value, 6);
      expect(got.ci[0]).toBeCloseTo(ref.ci[0], 5);
      expect(got.ci[1]).toBeCloseTo(ref.ci[1], 5);
    }
    for (const arm of ["b", "c"]) {
      const ref = ipwLift(rows, "control", arm);
      const got = report.ipw!.find((a) => a.arm === arm)!.lift_vs_control!;
      expect(got.absolute).toBeCloseTo(ref.absolute_lift, 6);
      expect(got.ci[0]).toBeCloseTo(ref.ci[0], 5);
      expect(got.ci[1]).toBeCloseTo(ref.ci[1], 5);
    }
  });

  it("pools segments for the overall comparison, adjusts several treatments' p-values together, and tests the split against the weights", () => {
    const rows = [aggregate("control", "s1", 3000, 300), aggregate("control", "s2", 2000, 100), aggregate("b", "s1", 1800, 216), aggregate("b", "s2", 1200, 66), aggregate("c", "s1", 1200, 120), aggregate("c", "s2", 800, 40)];
    const report = buildReport(experiment("fixed"), { rows, holdout: { units: 0, conversions: 0 }, ipw: null }, new Date());
    const b = report.variants.find((v) => v.variant === "b")!;
    const ref = twoProportionTest({ units: 5000, conversions: 400 }, { units: 3000, conversions: 282 });
    expect(b.units).toBe(3000);
    expect(b.lift!.p_value!).toBeCloseTo(ref.p_value, 8);
    const c = report.variants.find((v) => v.variant === "c")!;
    // Holm over two p-values: the smaller is doubled, the larger kept (or raised to the smaller's adjusted value).
    const [small, large] = [b.lift!.p_value!, c.lift!.p_value!].sort((x, y) => x! - y!);
    const adjusted = [b, c].map((v) => v.p_value_adjusted!.holm!).sort((x, y) => x - y);
    expect(adjusted[0]).toBeCloseTo(Math.min(1, 2 * small!), 8);
    expect(adjusted[1]).toBeCloseTo(Math.max(Math.min(1, 2 * small!), large!), 8);
    // 5000 / 3000 / 2000 against weights 0.5 / 0.3 / 0.2 is exactly the configured split.
    expect(report.srm!.flag).toBe(false);
    expect(report.srm!.chi_square).toBeCloseTo(0, 9);
    expect(report.segments.map((s) => s.segment)).toEqual(["s1", "s2"]);
  });

  it("warns of Simpson's paradox when every segment and the pooled data disagree in sign", () => {
    // Kidney stones (Charig et al. 1986): treatment A better in both strata, B better pooled.
    const rows = [aggregate("control", "small", 270, 234), aggregate("control", "large", 80, 55), aggregate("b", "small", 87, 81), aggregate("b", "large", 263, 192)];
    const two = { ...experiment("fixed"), variants: [{ id: "control", weight: 0.5, payload: {} }, { id: "b", weight: 0.5, payload: {} }] };
    const report = buildReport(two, { rows, holdout: { units: 0, conversions: 0 }, ipw: null }, new Date());
    expect(report.simpsons_paradox[0]!.paradox).toBe(true);
    expect(report.notes.join(" ")).toContain("b:");
  });
});

describe("experiment report under Thompson sampling's adaptive split", () => {
  it("recovers each arm's true value on average over seeded runs, with the floor's rare propensities in the log", () => {
    // Two devices with opposite best arms (the learning integration test's setting): pooled over both, the true
    // values are control 0.04, b and c 0.17. Each run serves 600 decisions from per-device posteriors refreshed
    // every 100, logs each with the propensity chooseArm reports, and feeds the report the SQL's sums.
    const rates: Record<string, number[]> = { mobile: [0.04, 0.3, 0.04], desktop: [0.04, 0.04, 0.3] };
    const arms = ["control", "b", "c"];
    const truth = [0.04, 0.17, 0.17];
    const runs = 300;
    const mean = [0, 0, 0];
    for (let seed = 1; seed <= runs; seed++) {
      const u = seededUniform(seed);
      const sums = arms.map((arm) => ({ arm, n: 0, s1: 0, s2: 0 }));
      const state = Object.fromEntries(Object.keys(rates).map((d) => [d, arms.map((arm) => ({ arm, alpha: 1, beta: 1 }))]));
      const snap: Record<string, { arms: { arm: string; alpha: number; beta: number }[]; win: Float64Array }> = {};
      for (let i = 0; i < 600; i++) {
        const device = i % 2 === 0 ? "mobile" : "desktop";
        if (i % 100 < 2) {
          const copy = state[device]!.map((a) => ({ ...a }));
          snap[device] = { arms: copy, win: thompsonWinProbabilities(copy, u, 2000) };
        }
        const { arms: snapArms, win } = snap[device]!;
        const choice = chooseArm(snapArms, u, defaultThompsonPolicy, win);
        const reward = u.next() < rates[device]![choice.index]! ? 1 : 0;
        const s = sums[choice.index]!;
        s.n++;
        s.s1 += reward / choice.propensity;
        s.s2 += (reward / choice.propensity) ** 2;
        state[device]![choice.index]![reward ? "alpha" : "beta"]++;
      }
      const report = buildReport({ ...experiment("bandit"), variants: arms.map((id) => ({ id, weight: 1 / 3, payload: {} })) }, { rows: [], holdout: { units: 0, conversions: 0 }, ipw: sums }, new Date());
      const values = report.ipw ?? [];
      arms.forEach((arm, k) => (mean[k] = mean[k]! + (values.find((a) => a.arm === arm)?.value ?? Number.NaN) / runs));
    }
    // A click at the 0.5% floor adds 1/0.005/600 ≈ 0.33 to one run's value: the mean over 300 runs still has a
    // standard error of about 0.004 from those alone.
    arms.forEach((arm, k) => expect(Math.abs(mean[k]! - truth[k]!), `${arm}: ${mean[k]}`).toBeLessThan(0.015));
  });
});
