// An experiment's statistics report from per-variant × segment sums (computed in SQL): lifts with CIs and
// p-values, Bayesian probability to beat control, CUPED, sequential (always-valid) p-values, SRM, multiple-
// testing corrections, Simpson's-paradox check, and inverse-propensity-weighted values for bandit arms.
import { betaBinomialComparison } from "../stats/bayes";
import { welchTest, type ContinuousSummary } from "../stats/continuous";
import { cupedWelch, type CupedSummary } from "../stats/cuped";
import { normalQuantile } from "../stats/distributions";
import { benjaminiHochberg, holm } from "../stats/multiple";
import { twoProportionTest, type LiftEstimate, type ProportionSummary } from "../stats/proportions";
import { msprtTwoProportions } from "../stats/sequential";
import { simpsonsParadox } from "../stats/simpson";
import { sampleRatioMismatch } from "../stats/srm";
import type { Experiment } from "./schema";

export interface VariantAggregate {
  variant: string;
  segment: string | null;
  units: number;
  conversions: number;
  /** Purchase value per unit. */
  revenue: ContinuousSummary;
  /** y = converted (0/1), x = the unit's events in the pre-period. */
  cuped: CupedSummary;
}

export interface IpwSums {
  arm: string;
  /** Decisions that served this arm, Σ r/p and Σ (r/p)² over them. */
  n: number;
  s1: number;
  s2: number;
}

export interface ExperimentAggregates {
  rows: VariantAggregate[];
  holdout: { units: number; conversions: number };
  ipw: IpwSums[] | null;
}

const round = (x: number, digits = 6) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
const roundPair = (p: [number, number]) => [round(p[0]), round(p[1])] as const;

function lift(e: LiftEstimate) {
  return {
    absolute: round(e.absolute_lift),
    absolute_ci: roundPair(e.absolute_ci),
    relative: round(e.relative_lift),
    relative_ci: roundPair(e.relative_ci),
    p_value: round(e.p_value, 8),
  };
}

function sumRows(rows: readonly VariantAggregate[], variant: string): VariantAggregate {
  const out: VariantAggregate = {
    variant,
    segment: null,
    units: 0,
    conversions: 0,
    revenue: { n: 0, sum: 0, sum_squares: 0 },
    cuped: { n: 0, sum_y: 0, sum_y2: 0, sum_x: 0, sum_x2: 0, sum_xy: 0 },
  };
  for (const r of rows) {
    if (r.variant !== variant) continue;
    out.units += r.units;
    out.conversions += r.conversions;
    out.revenue = { n: out.revenue.n + r.revenue.n, sum: out.revenue.sum + r.revenue.sum, sum_squares: out.revenue.sum_squares + r.revenue.sum_squares };
    const c = out.cuped;
    out.cuped = { n: c.n + r.cuped.n, sum_y: c.sum_y + r.cuped.sum_y, sum_y2: c.sum_y2 + r.cuped.sum_y2, sum_x: c.sum_x + r.cuped.sum_x, sum_x2: c.sum_x2 + r.cuped.sum_x2, sum_xy: c.sum_xy + r.cuped.sum_xy };
  }
  return out;
}

/** Comparisons of every variant with control over one set of rows (all segments pooled, or one segment). */
function compare(experiment: Experiment, rows: readonly VariantAggregate[]) {
  const control = experiment.variants[0]!.id;
  const c = sumRows(rows, control);
  const cp: ProportionSummary = { units: c.units, conversions: c.conversions };
  const variants = experiment.variants.map((v) => {
    const t = sumRows(rows, v.id);
    const tp: ProportionSummary = { units: t.units, conversions: t.conversions };
    const base = { variant: v.id, is_control: v.id === control, units: t.units, conversions: t.conversions, rate: t.units > 0 ? round(t.conversions / t.units) : null };
    if (v.id === control || t.units < 2 || c.units < 2) return { ...base, lift: null, bayes: null, sequential: null, cuped: null, revenue: null };
    const bayes = betaBinomialComparison(cp, tp);
    const seq = msprtTwoProportions(cp, tp);
    // CUPED only where the pre-period says something (some variance in the covariate).
    const hasCovariate = c.cuped.sum_x2 > 0 && t.cuped.sum_x2 > 0;
    const cuped = hasCovariate ? cupedWelch(c.cuped, t.cuped) : null;
    const revenue = c.revenue.sum > 0 || t.revenue.sum > 0 ? welchTest(c.revenue, t.revenue) : null;
    return {
      ...base,
      lift: lift(twoProportionTest(cp, tp)),
      bayes: { probability_to_beat_control: round(bayes.probability_to_beat), expected_loss: round(bayes.expected_loss, 8) },
      sequential: { always_valid_p_value: round(seq.p_value, 8) },
      cuped: cuped ? { ...lift(cuped), theta: round(cuped.theta), variance_reduction: round(cuped.variance_reduction) } : null,
      revenue: revenue ? { control_mean: round(revenue.control_rate), mean: round(revenue.treatment_rate), ...lift(revenue) } : null,
    };
  });
  // Several treatments against one control: adjust their p-values together.
  const tested = variants.filter((v) => v.lift !== null && v.lift.p_value !== null);
  const ps = tested.map((v) => v.lift!.p_value!);
  const holmAdj = holm(ps);
  const bhAdj = benjaminiHochberg(ps);
  return variants.map((v) => {
    const k = tested.indexOf(v);
    return k < 0 ? { ...v, p_value_adjusted: null } : { ...v, p_value_adjusted: { holm: round(holmAdj[k]!, 8), benjamini_hochberg: round(bhAdj[k]!, 8) } };
  });
}

/** IPW value per arm (Horvitz–Thompson over all bandit decisions) and its lift over control, from SQL sums. */
function ipwReport(experiment: Experiment, sums: readonly IpwSums[]) {
  const n = sums.reduce((s, r) => s + r.n, 0);
  if (n < 2) return null;
  const z = normalQuantile(0.975);
  const by = new Map(sums.map((s) => [s.arm, s]));
  // Per-decision term for arm a: 1[a_i = a]·r_i/p_i; its mean is the arm's value, its variance from Σ and Σ².
  const moments = (s1: number, s2: number) => {
    const mean = s1 / n;
    const variance = Math.max(0, (s2 / n - mean * mean) * (n / (n - 1)));
    return { mean, se: Math.sqrt(variance / n) };
  };
  const control = experiment.variants[0]!.id;
  const c = by.get(control) ?? { arm: control, n: 0, s1: 0, s2: 0 };
  return experiment.variants.map((v) => {
    const a = by.get(v.id) ?? { arm: v.id, n: 0, s1: 0, s2: 0 };
    const m = moments(a.s1, a.s2);
    // A decision serves one arm, so the cross term of (term_a − term_control)² vanishes.
    const d = v.id === control ? null : moments(a.s1 - c.s1, a.s2 + c.s2);
    return {
      arm: v.id,
      decisions: a.n,
      value: round(m.mean),
      ci: [round(m.mean - z * m.se), round(m.mean + z * m.se)],
      lift_vs_control: d ? { absolute: round(d.mean), ci: [round(d.mean - z * d.se), round(d.mean + z * d.se)] } : null,
    };
  });
}

export function buildReport(experiment: Experiment, data: ExperimentAggregates, now: Date) {
  const overall = compare(experiment, data.rows);
  const notes: string[] = [];

  // SRM: only where the split is fixed; a bandit moves traffic on purpose.
  let srm: { chi_square: number | null; p_value: number | null; flag: boolean; expected_weights: Record<string, number>; observed: Record<string, number> } | null = null;
  if (experiment.allocation === "fixed") {
    const observed = experiment.variants.map((v) => overall.find((o) => o.variant === v.id)?.units ?? 0);
    const weights = experiment.variants.map((v) => v.weight);
    if (observed.reduce((a, b) => a + b, 0) > 0) {
      const s = sampleRatioMismatch(observed, weights);
      srm = {
        chi_square: round(s.chi_square),
        p_value: round(s.p_value, 10),
        flag: s.flag,
        expected_weights: Object.fromEntries(experiment.variants.map((v) => [v.id, v.weight])),
        observed: Object.fromEntries(experiment.variants.map((v, i) => [v.id, observed[i]!])),
      };
      if (s.flag) notes.push("Sample ratio mismatch (p < 0.001): the split differs from the configured weights; assignment or logging is broken, and the lifts below cannot be trusted.");
    }
  } else {
    notes.push("Bandit allocation adapts traffic to the results, so per-variant rates are biased and no SRM test applies; use the inverse-propensity-weighted values.");
  }

  const segmentIds = [...new Set(data.rows.map((r) => r.segment ?? "none"))].sort();
  const segments = segmentIds.map((id) => ({ segment: id, variants: compare(experiment, data.rows.filter((r) => (r.segment ?? "none") === id)) }));

  // Simpson: per treatment, do the segments agree with each other and disagree with the pooled effect?
  const control = experiment.variants[0]!.id;
  const simpson = experiment.variants.slice(1).map((v) => {
    const perSegment = segmentIds.map((id) => {
      const rows = data.rows.filter((r) => (r.segment ?? "none") === id);
      const c = sumRows(rows, control);
      const t = sumRows(rows, v.id);
      return { segment: id, control: { units: c.units, conversions: c.conversions }, treatment: { units: t.units, conversions: t.conversions } };
    });
    const check = simpsonsParadox(perSegment.filter((s) => s.control.units > 0 && s.treatment.units > 0));
    if (check.paradox && check.message) notes.push(`${v.id}: ${check.message}`);
    return { variant: v.id, paradox: check.paradox, message: check.message };
  });

  return {
    experiment_id: experiment.id,
    allocation: experiment.allocation,
    metric: experiment.metric,
    status: experiment.status,
    generated_at: now.toISOString(),
    units: overall.reduce((s, v) => s + v.units, 0),
    holdout: data.holdout,
    srm,
    variants: overall,
    segments,
    simpsons_paradox: simpson,
    ipw: data.ipw ? ipwReport(experiment, data.ipw) : null,
    notes,
    methods: {
      lift: "two-proportion z-test (pooled); 95% Wald CI on the difference; delta-method CI on the relative lift",
      bayes: "Beta(1,1) priors; P(treatment > control) and expected loss of choosing treatment",
      sequential: "normal-mixture mSPRT always-valid p-value (safe under continuous peeking)",
      cuped: "y − θ(x − x̄) with x = the unit's events in the 14 days before first exposure; Welch t-test",
      revenue: "Welch's t-test on purchase value per unit",
      multiple_testing: "Holm and Benjamini–Hochberg over the treatments' p-values",
    },
  };
}

export type ExperimentReport = ReturnType<typeof buildReport>;
