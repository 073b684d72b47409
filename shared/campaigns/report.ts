// A campaign's results report from per-customer outcomes: funnel counts per segment and arm, each variant's lift
// over control (CI, p-value, Holm across the campaign, Bayesian probability to beat control), the winning strategy
// per segment, arm-split (SRM) checks, attribute attribution, and a self-contained HTML rendering of all of it.
import { escapeHtml } from "../html";
import { betaBinomialComparison } from "../stats/bayes";
import { holm } from "../stats/multiple";
import { twoProportionTest, type ProportionSummary } from "../stats/proportions";
import { simpsonsParadox } from "../stats/simpson";
import { sampleRatioMismatch, SRM_THRESHOLD } from "../stats/srm";
import { attributeResponse, type AttributionResult, type CampaignMetric } from "./attribution";
import type { EngagementRow } from "./simulate";

export type { CampaignMetric } from "./attribution";

export interface CampaignOutcome extends EngagementRow {
  segment_id: string;
  arm: string;
  variant_id: string | null;
  strategy: string | null;
  features: Record<string, number>;
}

export interface CampaignVariantInfo {
  variant_id: string;
  segment_id: string;
  strategy: string;
  subject: string;
}

export interface CampaignReportOptions {
  metric: CampaignMetric;
  /** Confidence of the intervals; 1 − confidence is the significance level (after Holm). Default 0.95. */
  confidence?: number;
  /** True when the engagement came from the built-in simulator rather than imported results. */
  simulated: boolean;
  generator: "template" | "claude" | "mixed";
  /**
   * The variants that were sent, in arm order per segment: the i-th variant listed for a segment is arm
   * `treatment_i` unless the outcomes say otherwise (they carry each customer's variant_id).
   */
  variants: CampaignVariantInfo[];
  /**
   * The designed split as relative weights per arm ("control", "treatment_1", …), for the SRM check. Default:
   * equal weights over control and the segment's treatment arms, which is what hash assignment produces.
   */
  allocation?: Record<string, number>;
}

/** Funnel counts of one group of customers. Rates are null when the group is empty. */
export interface ArmFunnel {
  units: number;
  opens: number;
  clicks: number;
  conversions: number;
  open_rate: number | null;
  click_rate: number | null;
  conversion_rate: number | null;
  /** Customers counted by the report's metric (opens, clicks or conversions) and their share. */
  metric_events: number;
  metric_rate: number | null;
}

/** A treatment-versus-control comparison on the report's metric. Numbers are null where undefined (e.g. relative lift over a 0 control rate). */
export interface LiftVsControl {
  absolute: number | null;
  absolute_ci: [number | null, number | null];
  relative: number | null;
  relative_ci: [number | null, number | null];
  p_value: number;
  /** Holm-adjusted over the comparison's family (see `methods.multiple_testing`); null for a single comparison. */
  p_value_holm: number | null;
  probability_to_beat_control: number;
  /** E[max(control − treatment, 0)]: the rate given up on average by choosing this treatment. */
  expected_loss: number;
  /** Adjusted p (or p, for a single comparison) below 1 − confidence. */
  significant: boolean;
}

export interface ArmReport extends ArmFunnel {
  arm: string;
  is_control: boolean;
  variant_id: string | null;
  strategy: string | null;
  subject: string | null;
  /** Null for control, and for an arm or control with fewer than 2 customers. */
  lift: LiftVsControl | null;
}

export interface SrmCheck {
  expected_weights: Record<string, number>;
  observed: Record<string, number>;
  chi_square: number | null;
  p_value: number;
  /** p below SRM_THRESHOLD (0.001): the split is not what was designed. */
  flag: boolean;
}

export interface SegmentWinner {
  /** "winner": a significant positive lift after Holm adjustment; otherwise the best estimate and why it is not one. */
  status: "winner" | "no_significant_winner";
  /** The winning arm, or the best estimate; null when no arm could be compared with control. */
  arm: string | null;
  variant_id: string | null;
  strategy: string | null;
  absolute_lift: number | null;
  relative_lift: number | null;
  p_value_holm: number | null;
  probability_to_beat_control: number | null;
  reason: string;
}

export interface SegmentReport {
  segment_id: string;
  units: number;
  arms: ArmReport[];
  srm: SrmCheck | null;
  winner: SegmentWinner;
}

/** One strategy pooled over the segments that used it, against control in those segments. */
export interface StrategyReport {
  strategy: string;
  segments: string[];
  control: ArmFunnel;
  treatment: ArmFunnel;
  lift: LiftVsControl | null;
}

export interface CampaignReport {
  metric: CampaignMetric;
  confidence: number;
  simulated: boolean;
  generator: "template" | "claude" | "mixed";
  units: number;
  /** Size of the Holm family: every segment × treatment arm compared with its segment's control. */
  comparisons: number;
  overall: {
    control: ArmFunnel;
    /** Every treatment arm pooled. */
    treatment: ArmFunnel;
    lift: LiftVsControl | null;
    /** treatment_1, treatment_2, … pooled over segments (the variants differ by segment; the slot does not). */
    arms: ArmReport[];
    strategies: StrategyReport[];
  };
  segments: SegmentReport[];
  simpsons_paradox: { paradox: boolean; message: string | null };
  attribution: AttributionResult;
  notes: string[];
  methods: Record<string, string>;
}

/** Below this many customers in an arm, a lift's interval is too wide to act on. */
export const MIN_UNITS_PER_ARM = 100;
/** Below this many metric events in an arm, the normal approximation behind the CI and p-value is unreliable. */
export const MIN_EVENTS_PER_ARM = 5;

const CONTROL = "control";

const round = (x: number, digits = 6): number | null => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);
/** p-values keep significant digits, not decimals: 3e-12 is evidence, "0" is a claim no test makes. */
const roundP = (p: number): number => Number(p.toPrecision(6));
const ratio = (count: number, units: number): number | null => (units > 0 ? round(count / units) : null);

/** Control first, then treatment arms by number (treatment_10 after treatment_9, not after treatment_1), then any other name. */
function armOrder(a: string, b: string): number {
  if (a === b) return 0;
  if (a === CONTROL) return -1;
  if (b === CONTROL) return 1;
  const na = /^treatment_(\d+)$/.exec(a);
  const nb = /^treatment_(\d+)$/.exec(b);
  if (na && nb) return Number(na[1]) - Number(nb[1]);
  if (na) return -1;
  if (nb) return 1;
  return a < b ? -1 : 1;
}

/** Raw funnel counts of one segment × arm (or any union of them), accumulated in one pass over the outcomes. */
interface FunnelCounts {
  units: number;
  opens: number;
  clicks: number;
  conversions: number;
  events: number;
}

const emptyCounts = (): FunnelCounts => ({ units: 0, opens: 0, clicks: 0, conversions: 0, events: 0 });

function addCounts(into: FunnelCounts, from: FunnelCounts): FunnelCounts {
  into.units += from.units;
  into.opens += from.opens;
  into.clicks += from.clicks;
  into.conversions += from.conversions;
  into.events += from.events;
  return into;
}

function funnel(c: FunnelCounts): ArmFunnel {
  return {
    units: c.units,
    opens: c.opens,
    clicks: c.clicks,
    conversions: c.conversions,
    open_rate: ratio(c.opens, c.units),
    click_rate: ratio(c.clicks, c.units),
    conversion_rate: ratio(c.conversions, c.units),
    metric_events: c.events,
    metric_rate: ratio(c.events, c.units),
  };
}

const summary = (f: ArmFunnel): ProportionSummary => ({ units: f.units, conversions: f.metric_events });

/** The comparison before multiple-testing adjustment; `raw_p` is kept unrounded for the family's Holm step. */
interface PendingLift {
  lift: Omit<LiftVsControl, "p_value_holm" | "significant">;
  raw_p: number;
}

function compareArms(control: ArmFunnel, treatment: ArmFunnel, confidence: number): PendingLift | null {
  if (control.units < 2 || treatment.units < 2) return null;
  const test = twoProportionTest(summary(control), summary(treatment), confidence);
  const bayes = betaBinomialComparison(summary(control), summary(treatment));
  return {
    raw_p: test.p_value,
    lift: {
      absolute: round(test.absolute_lift),
      absolute_ci: [round(test.absolute_ci[0]), round(test.absolute_ci[1])],
      relative: round(test.relative_lift),
      relative_ci: [round(test.relative_ci[0]), round(test.relative_ci[1])],
      p_value: roundP(test.p_value),
      probability_to_beat_control: round(bayes.probability_to_beat) ?? 0,
      expected_loss: round(bayes.expected_loss, 8) ?? 0,
    },
  };
}

/** Holm over a family of pending comparisons (nulls skipped), then the significance verdict at alpha. */
function adjustFamily(pending: readonly (PendingLift | null)[], alpha: number, single = false): (LiftVsControl | null)[] {
  const tested = pending.filter((p): p is PendingLift => p !== null);
  const adjusted = holm(tested.map((p) => p.raw_p));
  return pending.map((p) => {
    if (p === null) return null;
    const adj = adjusted[tested.indexOf(p)] as number;
    return single
      ? { ...p.lift, p_value_holm: null, significant: p.raw_p < alpha }
      : { ...p.lift, p_value_holm: roundP(adj), significant: adj < alpha };
  });
}

const percentPoints = (x: number | null): string => (x === null ? "n/a" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)} pp`);
const formatP = (p: number | null): string => (p === null ? "n/a" : p < 0.0001 ? "< 0.0001" : p.toFixed(4));
/** "p = 0.0123" or "p < 0.0001", for prose. */
const pIs = (p: number | null): string => (p !== null && p < 0.0001 ? "p < 0.0001" : `p = ${formatP(p)}`);

function label(arm: ArmReport): string {
  return arm.strategy !== null ? `${arm.arm} (${arm.strategy})` : arm.arm;
}

function chooseWinner(segment: string, arms: readonly ArmReport[], alpha: number, comparisons: number): SegmentWinner {
  const candidates = arms.filter((a) => !a.is_control && a.lift !== null && a.lift.absolute !== null);
  const pick = (a: ArmReport, status: SegmentWinner["status"], reason: string): SegmentWinner => ({
    status,
    arm: a.arm,
    variant_id: a.variant_id,
    strategy: a.strategy,
    absolute_lift: a.lift?.absolute ?? null,
    relative_lift: a.lift?.relative ?? null,
    p_value_holm: a.lift?.p_value_holm ?? null,
    probability_to_beat_control: a.lift?.probability_to_beat_control ?? null,
    reason,
  });
  if (candidates.length === 0) {
    return {
      status: "no_significant_winner",
      arm: null,
      variant_id: null,
      strategy: null,
      absolute_lift: null,
      relative_lift: null,
      p_value_holm: null,
      probability_to_beat_control: null,
      reason: `No treatment arm in ${segment} could be compared with control (an arm or control has fewer than 2 customers).`,
    };
  }
  const byLift = [...candidates].sort(
    (a, b) => (b.lift!.absolute as number) - (a.lift!.absolute as number) || b.lift!.probability_to_beat_control - a.lift!.probability_to_beat_control,
  );
  const winner = byLift.find((a) => a.lift!.significant && (a.lift!.absolute as number) > 0);
  if (winner) {
    const l = winner.lift!;
    return pick(
      winner,
      "winner",
      `${label(winner)} lifts the rate by ${percentPoints(l.absolute)} (CI ${percentPoints(l.absolute_ci[0])} to ${percentPoints(l.absolute_ci[1])}), ` +
        `Holm-adjusted ${pIs(l.p_value_holm)} over ${comparisons} comparisons, P(beats control) = ${l.probability_to_beat_control.toFixed(3)}.`,
    );
  }
  const best = byLift[0] as ArmReport;
  const l = best.lift!;
  let reason: string;
  if ((l.absolute as number) <= 0) {
    reason = `No variant did better than control; the best, ${label(best)}, changed the rate by ${percentPoints(l.absolute)}.`;
  } else if (l.p_value < alpha) {
    reason =
      `${label(best)} has the best estimate (${percentPoints(l.absolute)}, ${pIs(l.p_value)}), but after Holm adjustment for ` +
      `${comparisons} comparisons ${pIs(l.p_value_holm)}, not below ${alpha}: it may be one of the chance results that testing many variants produces.`;
  } else {
    reason =
      `${label(best)} has the best estimate (${percentPoints(l.absolute)}, CI ${percentPoints(l.absolute_ci[0])} to ${percentPoints(l.absolute_ci[1])}), ` +
      `but it is within noise (${pIs(l.p_value)}; Holm-adjusted ${formatP(l.p_value_holm)}). More customers would be needed to tell.`;
  }
  return pick(best, "no_significant_winner", reason);
}

/**
 * The campaign's report. Arms are "control" and "treatment_1", "treatment_2", …; every comparison is a
 * treatment arm against control in the same segment (or, in `overall`, against all control customers of the
 * segments it pools). The winners come from the per-segment comparisons, Holm-adjusted together, so the chance of
 * naming any false winner anywhere in the campaign stays below 1 − confidence.
 */
export function buildCampaignReport(outcomes: readonly CampaignOutcome[], opts: CampaignReportOptions): CampaignReport {
  const metric = opts.metric;
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1) (got ${confidence})`);
  const alpha = round(1 - confidence, 12) as number;
  const notes: string[] = [];

  if (opts.simulated) {
    notes.push(
      "Engagement is simulated: no results were imported, so these numbers come from the built-in simulator's assumed effects, not from customers. Import results before acting on them.",
    );
  }
  if (opts.generator === "template") notes.push("Variants were written from templates (no language model was used).");
  if (opts.generator === "mixed") notes.push("Some variants were written by Claude and some from templates.");

  const variantById = new Map(opts.variants.map((v) => [v.variant_id, v]));

  // One pass: counts per segment × arm, and the variants and strategies each cell's customers carry.
  const cells = new Map<string, Map<string, { counts: FunnelCounts; variants: Set<string>; strategies: Set<string> }>>();
  for (const o of outcomes) {
    let arms = cells.get(o.segment_id);
    if (arms === undefined) cells.set(o.segment_id, (arms = new Map()));
    let cell = arms.get(o.arm);
    if (cell === undefined) arms.set(o.arm, (cell = { counts: emptyCounts(), variants: new Set(), strategies: new Set() }));
    const c = cell.counts;
    c.units++;
    if (o.opened) c.opens++;
    if (o.clicked) c.clicks++;
    if (o.converted) c.conversions++;
    if (o[metric]) c.events++;
    if (o.variant_id !== null) cell.variants.add(o.variant_id);
    if (o.strategy !== null) cell.strategies.add(o.strategy);
  }
  const segmentIds = [...new Set([...cells.keys(), ...opts.variants.map((v) => v.segment_id)])].sort();

  // Pass 1: counts and unadjusted comparisons per segment; the Holm family spans the whole campaign.
  const drafts = segmentIds.map((segment) => {
    const observed = cells.get(segment) ?? new Map<string, { counts: FunnelCounts; variants: Set<string>; strategies: Set<string> }>();
    const units = [...observed.values()].reduce((sum, cell) => sum + cell.counts.units, 0);
    const listed = opts.variants.filter((v) => v.segment_id === segment);
    if (units > 0 && listed.length === 0) notes.push(`${segment}: outcomes arrived but no variants are listed for this segment; arms are taken from the outcomes.`);
    const designedArms = [CONTROL, ...listed.map((_, i) => `treatment_${i + 1}`)];
    const arms = [...new Set([...designedArms, ...observed.keys()])].sort(armOrder);
    const controlCounts = observed.get(CONTROL)?.counts ?? emptyCounts();

    const armDrafts = arms.map((arm) => {
      const cell = observed.get(arm);
      const counts = cell?.counts ?? emptyCounts();
      const seen = [...(cell?.variants ?? [])].sort();
      if (seen.length > 1) notes.push(`${segment}: ${arm} mixes variants ${seen.join(", ")}; they are reported together.`);
      const slot = /^treatment_(\d+)$/.exec(arm);
      const listedVariant = slot ? listed[Number(slot[1]) - 1] : undefined;
      const variantId = arm === CONTROL ? null : (seen[0] ?? listedVariant?.variant_id ?? null);
      const info = variantId === null ? undefined : variantById.get(variantId);
      const strategy = arm === CONTROL ? null : (info?.strategy ?? [...(cell?.strategies ?? [])].sort()[0] ?? null);
      return {
        arm,
        is_control: arm === CONTROL,
        variant_id: variantId,
        strategy,
        subject: info?.subject ?? null,
        counts,
        funnel: funnel(counts),
        pending: arm === CONTROL ? null : compareArms(funnel(controlCounts), funnel(counts), confidence),
      };
    });

    // SRM against the designed split; an arm nobody was designed into gets weight 0, so any units there flag it.
    let srm: SrmCheck | null = null;
    if (units > 0 && arms.length >= 2) {
      const weights = arms.map((a) => (opts.allocation ? (opts.allocation[a] ?? 0) : designedArms.includes(a) ? 1 : 0));
      const split = armDrafts.map((a) => a.counts.units);
      const check = sampleRatioMismatch(split, weights);
      srm = {
        expected_weights: Object.fromEntries(arms.map((a, i) => [a, weights[i] as number])),
        observed: Object.fromEntries(arms.map((a, i) => [a, split[i] as number])),
        chi_square: round(check.chi_square),
        p_value: roundP(check.p_value),
        flag: check.flag,
      };
      if (check.flag) {
        notes.push(
          `${segment}: sample ratio mismatch (${pIs(check.p_value)}, below ${SRM_THRESHOLD}): the arm split ${split.join("/")} is not the designed one; ` +
            "assignment or result import is broken and this segment's lifts cannot be trusted.",
        );
      }
    }

    if (units > 0) {
      const thin = armDrafts.filter((a) => a.counts.units < MIN_UNITS_PER_ARM || a.counts.events < MIN_EVENTS_PER_ARM);
      if (thin.length > 0) {
        notes.push(
          `${segment}: small sample — ${thin.map((a) => `${a.arm} has ${a.counts.units} customers and ${a.counts.events} ${metric}`).join("; ")}. ` +
            `Below ${MIN_UNITS_PER_ARM} customers or ${MIN_EVENTS_PER_ARM} events per arm the intervals are wide and the normal approximation is rough; lean on the Bayesian probability.`,
        );
      }
    }
    return { segment, units, controlCounts, armDrafts, srm };
  });

  const family = drafts.flatMap((d) => d.armDrafts.map((a) => a.pending));
  const adjusted = adjustFamily(family, alpha);
  const comparisons = family.filter((p) => p !== null).length;

  let cursor = 0;
  const segments: SegmentReport[] = drafts.map((d) => {
    const arms: ArmReport[] = d.armDrafts.map((a) => ({
      arm: a.arm,
      is_control: a.is_control,
      variant_id: a.variant_id,
      strategy: a.strategy,
      subject: a.subject,
      ...a.funnel,
      lift: adjusted[cursor++] ?? null,
    }));
    return { segment_id: d.segment, units: d.units, arms, srm: d.srm, winner: chooseWinner(d.segment, arms, alpha, comparisons) };
  });

  // Overall: pooled treatments, each arm slot, and each strategy against control in the segments it ran in.
  const treatedCells = drafts.flatMap((d) => d.armDrafts.filter((a) => !a.is_control && a.counts.units > 0).map((a) => ({ segment: d.segment, ...a })));
  const controlTotal = drafts.reduce((sum, d) => addCounts(sum, d.controlCounts), emptyCounts());
  const treatedTotal = treatedCells.reduce((sum, a) => addCounts(sum, a.counts), emptyCounts());
  const overallControl = funnel(controlTotal);
  const overallTreatment = funnel(treatedTotal);
  const [pooledLift] = adjustFamily([compareArms(overallControl, overallTreatment, confidence)], alpha, true);

  const armSlots = [...new Set(treatedCells.map((a) => a.arm))].sort(armOrder);
  const slotFunnels = armSlots.map((arm) => funnel(treatedCells.filter((a) => a.arm === arm).reduce((sum, a) => addCounts(sum, a.counts), emptyCounts())));
  const slotLifts = adjustFamily(slotFunnels.map((f) => compareArms(overallControl, f, confidence)), alpha);
  const overallArms: ArmReport[] = [
    { arm: CONTROL, is_control: true, variant_id: null, strategy: null, subject: null, ...overallControl, lift: null },
    ...armSlots.map((arm, i) => ({ arm, is_control: false, variant_id: null, strategy: null, subject: null, ...(slotFunnels[i] as ArmFunnel), lift: slotLifts[i] ?? null })),
  ];

  const strategies = [...new Set(treatedCells.map((a) => a.strategy).filter((s): s is string => s !== null))].sort();
  const strategyDrafts = strategies.map((strategy) => {
    const mine = treatedCells.filter((a) => a.strategy === strategy);
    const where = [...new Set(mine.map((a) => a.segment))].sort();
    const control = funnel(drafts.filter((d) => where.includes(d.segment)).reduce((sum, d) => addCounts(sum, d.controlCounts), emptyCounts()));
    const treatment = funnel(mine.reduce((sum, a) => addCounts(sum, a.counts), emptyCounts()));
    return { strategy, segments: where, control, treatment, pending: compareArms(control, treatment, confidence) };
  });
  const strategyLifts = adjustFamily(strategyDrafts.map((s) => s.pending), alpha);
  const strategyReports: StrategyReport[] = strategyDrafts.map((s, i) => ({
    strategy: s.strategy,
    segments: s.segments,
    control: s.control,
    treatment: s.treatment,
    lift: strategyLifts[i] ?? null,
  }));

  // Simpson: segments agree on the pooled treatments' direction, but the pooled totals disagree.
  const simpson = simpsonsParadox(
    drafts
      .map((d) => ({
        segment: d.segment,
        control: { units: d.controlCounts.units, conversions: d.controlCounts.events },
        treatment: d.armDrafts.filter((a) => !a.is_control).reduce((sum, a) => ({ units: sum.units + a.counts.units, conversions: sum.conversions + a.counts.events }), { units: 0, conversions: 0 }),
      }))
      .filter((s) => s.control.units > 0 && s.treatment.units > 0),
  );
  if (simpson.paradox && simpson.message) notes.push(simpson.message);

  if (outcomes.length > 0 && overallControl.metric_events + overallTreatment.metric_events === 0) {
    notes.push(`No customer ${metric} in any arm: every lift is 0 and nothing can be learned about ${metric} yet.`);
  }

  return {
    metric,
    confidence,
    simulated: opts.simulated,
    generator: opts.generator,
    units: outcomes.length,
    comparisons,
    overall: { control: overallControl, treatment: overallTreatment, lift: pooledLift ?? null, arms: overallArms, strategies: strategyReports },
    segments,
    simpsons_paradox: { paradox: simpson.paradox, message: simpson.message },
    attribution: attributeResponse(outcomes, metric),
    notes,
    methods: {
      lift: `two-proportion z-test (pooled variance), two-sided; ${Math.round(confidence * 100)}% Wald interval on the difference and delta-method interval on the relative lift`,
      multiple_testing:
        "per-segment comparisons: Holm over every treatment arm × segment of the campaign (the winners are chosen from these); overall arms and overall strategies: Holm within each of those families",
      bayes: "Beta(1,1) priors; P(treatment rate > control rate) and expected loss of choosing treatment",
      winner: `the largest positive lift whose Holm-adjusted p-value is below ${alpha}; otherwise no winner, with the best estimate and the reason`,
      srm: `Pearson chi-square of the arm split against the designed allocation per segment, flagged below p = ${SRM_THRESHOLD}`,
      strategies: "each strategy's treated customers against the control customers of the segments where it was sent",
      attribution: "see attribution.method",
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// HTML

export { escapeHtml };

const pct = (x: number | null): string => (x === null ? "–" : `${(x * 100).toFixed(2)}%`);
const pp = percentPoints;
const rel = (x: number | null): string => (x === null ? "–" : `${x >= 0 ? "+" : "-"}${Math.abs(x * 100).toFixed(1)}%`);
const num = (x: number, digits = 3): string => (Number.isFinite(x) ? x.toFixed(digits) : "–");
const ci = (pair: [number | null, number | null], fmt: (x: number | null) => string): string => `${fmt(pair[0])} to ${fmt(pair[1])}`;

function liftCells(lift: LiftVsControl | null): string {
  if (lift === null) return `<td colspan="6">—</td>`;
  const flag = lift.significant ? (lift.absolute !== null && lift.absolute > 0 ? ' class="sig-up"' : ' class="sig-down"') : "";
  return (
    `<td${flag}>${escapeHtml(pp(lift.absolute))}<br><span class="ci">${escapeHtml(ci(lift.absolute_ci, pp))}</span></td>` +
    `<td>${escapeHtml(rel(lift.relative))}<br><span class="ci">${escapeHtml(ci(lift.relative_ci, rel))}</span></td>` +
    `<td>${escapeHtml(formatP(lift.p_value))}</td>` +
    `<td>${escapeHtml(formatP(lift.p_value_holm))}</td>` +
    `<td>${escapeHtml(num(lift.probability_to_beat_control))}</td>` +
    `<td>${lift.significant ? "yes" : "no"}</td>`
  );
}

function armTable(caption: string, metric: string, arms: readonly ArmReport[], showVariant: boolean): string {
  const head =
    `<tr><th scope="col">Arm</th>${showVariant ? `<th scope="col">Strategy</th><th scope="col">Subject</th>` : ""}` +
    `<th scope="col">Customers</th><th scope="col">Opened</th><th scope="col">Clicked</th><th scope="col">Converted</th>` +
    `<th scope="col">${escapeHtml(metric)} rate</th><th scope="col">Absolute lift (CI)</th><th scope="col">Relative lift (CI)</th>` +
    `<th scope="col">p</th><th scope="col">Holm p</th><th scope="col">P(beats control)</th><th scope="col">Significant</th></tr>`;
  const body = arms
    .map(
      (a) =>
        `<tr><th scope="row">${escapeHtml(a.arm)}${a.variant_id !== null ? `<br><span class="ci">${escapeHtml(a.variant_id)}</span>` : ""}</th>` +
        (showVariant ? `<td>${escapeHtml(a.strategy ?? "—")}</td><td>${escapeHtml(a.subject ?? (a.is_control ? "business as usual" : "—"))}</td>` : "") +
        `<td>${a.units}</td><td>${a.opens} <span class="ci">${escapeHtml(pct(a.open_rate))}</span></td>` +
        `<td>${a.clicks} <span class="ci">${escapeHtml(pct(a.click_rate))}</span></td>` +
        `<td>${a.conversions} <span class="ci">${escapeHtml(pct(a.conversion_rate))}</span></td>` +
        `<td>${escapeHtml(pct(a.metric_rate))}</td>` +
        (a.is_control ? `<td colspan="6">baseline</td>` : liftCells(a.lift)) +
        `</tr>`,
    )
    .join("\n");
  return `<div class="scroll"><table><caption>${escapeHtml(caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

/** A horizontal chart of each segment × arm's absolute lift with its interval, drawn in inline SVG. */
function liftChart(report: CampaignReport): string {
  const rows = report.segments.flatMap((s) =>
    s.arms.filter((a) => !a.is_control && a.lift !== null && a.lift.absolute !== null).map((a) => ({ segment: s.segment_id, arm: a, lift: a.lift! })),
  );
  if (rows.length === 0) return "";
  const extent = Math.max(
    1e-4,
    ...rows.flatMap((r) => [Math.abs(r.lift.absolute_ci[0] ?? 0), Math.abs(r.lift.absolute_ci[1] ?? 0), Math.abs(r.lift.absolute ?? 0)]),
  );
  const labelWidth = 260;
  const plotWidth = 420;
  const rowHeight = 24;
  const top = 28;
  const height = top + rows.length * rowHeight + 12;
  const x = (v: number) => labelWidth + plotWidth / 2 + (v / extent) * (plotWidth / 2 - 8);
  const bars = rows
    .map((r, i) => {
      const y = top + i * rowHeight;
      const est = r.lift.absolute as number;
      const lo = r.lift.absolute_ci[0] ?? est;
      const hi = r.lift.absolute_ci[1] ?? est;
      const colour = r.lift.significant ? (est > 0 ? "#1a7f37" : "#cf222e") : "#57606a";
      const left = Math.min(x(0), x(est));
      const name = `${r.segment} · ${r.arm.arm}${r.arm.strategy !== null ? ` (${r.arm.strategy})` : ""}`;
      return (
        `<g><title>${escapeHtml(`${name}: ${pp(est)} (CI ${pp(lo)} to ${pp(hi)})`)}</title>` +
        `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeHtml(name)}</text>` +
        `<rect x="${left.toFixed(1)}" y="${y + 6}" width="${Math.abs(x(est) - x(0)).toFixed(1)}" height="12" fill="${colour}" opacity="0.75"/>` +
        `<line x1="${x(lo).toFixed(1)}" x2="${x(hi).toFixed(1)}" y1="${y + 12}" y2="${y + 12}" stroke="#1f2328" stroke-width="1.5"/>` +
        `<line x1="${x(lo).toFixed(1)}" x2="${x(lo).toFixed(1)}" y1="${y + 7}" y2="${y + 17}" stroke="#1f2328"/>` +
        `<line x1="${x(hi).toFixed(1)}" x2="${x(hi).toFixed(1)}" y1="${y + 7}" y2="${y + 17}" stroke="#1f2328"/></g>`
      );
    })
    .join("\n");
  const axis =
    `<line x1="${x(0)}" x2="${x(0)}" y1="${top - 4}" y2="${height - 8}" stroke="#1f2328" stroke-dasharray="3 3"/>` +
    `<text x="${x(-extent)}" y="16" text-anchor="start">${escapeHtml(pp(-extent))}</text>` +
    `<text x="${x(0)}" y="16" text-anchor="middle">0</text>` +
    `<text x="${x(extent)}" y="16" text-anchor="end">${escapeHtml(pp(extent))}</text>`;
  return (
    `<figure><svg role="img" aria-labelledby="lift-chart-title lift-chart-desc" viewBox="0 0 ${labelWidth + plotWidth} ${height}" width="100%" ` +
    `style="max-width:${labelWidth + plotWidth}px" xmlns="http://www.w3.org/2000/svg" font-size="12" fill="#1f2328">` +
    `<title id="lift-chart-title">Absolute lift in ${escapeHtml(report.metric)} rate over control, per segment and arm</title>` +
    `<desc id="lift-chart-desc">Bars show each variant's lift in percentage points with its ${Math.round(report.confidence * 100)}% confidence interval; ` +
    `green is a significant gain, red a significant loss, grey not significant after Holm adjustment. The tables below give the same numbers.</desc>` +
    `${axis}${bars}</svg><figcaption>Lift over control with ${Math.round(report.confidence * 100)}% intervals (green: significant gain; red: significant loss; grey: not significant).</figcaption></figure>`
  );
}

function attributionSection(a: AttributionResult): string {
  const notes = a.notes.length > 0 ? `<ul>${a.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul>` : "";
  if (a.features.length === 0) return `<section aria-labelledby="attribution"><h2 id="attribution">What drives response</h2><p>No attribution was possible.</p>${notes}</section>`;
  const rows = a.features
    .map(
      (f) =>
        `<tr><th scope="row">${escapeHtml(f.feature)}</th><td>${escapeHtml(num(f.importance))}</td><td>${escapeHtml(num(f.main_effect))}</td>` +
        `<td>${escapeHtml(num(f.treatment_interaction))} <span class="ci">± ${escapeHtml(num(f.interaction_se))}</span></td>` +
        `<td>${escapeHtml(formatP(f.interaction_p_value))}</td><td>${escapeHtml(f.direction.replace(/_/g, " "))}</td></tr>`,
    )
    .join("\n");
  return (
    `<section aria-labelledby="attribution"><h2 id="attribution">What drives response</h2>` +
    `<div class="scroll"><table><caption>Customer attributes ranked by importance for ${escapeHtml(a.metric)}</caption><thead><tr>` +
    `<th scope="col">Attribute</th><th scope="col">Importance (log-likelihood drop)</th><th scope="col">Main effect (log-odds per SD)</th>` +
    `<th scope="col">Treatment interaction (± SE)</th><th scope="col">Holm p</th><th scope="col">Response to the email</th></tr></thead>` +
    `<tbody>${rows}</tbody></table></div><p class="method">${escapeHtml(a.method)}</p>${notes}</section>`
  );
}

/** A self-contained, accessible HTML page of the report: no scripts, fonts or external resources. */
export function renderCampaignReportHtml(report: CampaignReport, meta: { campaign_id: string; name: string }): string {
  const title = `${meta.name} — campaign report`;
  const banner = report.simulated
    ? `<p class="banner" role="note"><strong>Simulated engagement.</strong> No results were imported; these numbers come from the built-in simulator.</p>`
    : "";
  const notes = report.notes.length > 0 ? `<section aria-labelledby="notes"><h2 id="notes">Notes</h2><ul>${report.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join("")}</ul></section>` : "";
  const overallLift = report.overall.lift;
  const overall =
    `<section aria-labelledby="overall"><h2 id="overall">Overall</h2>` +
    `<p>${report.units} customers; ${escapeHtml(report.metric)} rate ${escapeHtml(pct(report.overall.control.metric_rate))} in control and ` +
    `${escapeHtml(pct(report.overall.treatment.metric_rate))} across all variants` +
    (overallLift ? ` (${escapeHtml(pp(overallLift.absolute))}, CI ${escapeHtml(ci(overallLift.absolute_ci, pp))}, ${escapeHtml(pIs(overallLift.p_value))}).` : ".") +
    `</p>${armTable("All segments pooled, by arm slot", report.metric, report.overall.arms, false)}` +
    (report.overall.strategies.length > 0
      ? `<div class="scroll"><table><caption>By strategy, against control in the segments where it was sent</caption><thead><tr><th scope="col">Strategy</th>` +
        `<th scope="col">Segments</th><th scope="col">Customers</th><th scope="col">${escapeHtml(report.metric)} rate (control)</th>` +
        `<th scope="col">Absolute lift (CI)</th><th scope="col">Relative lift (CI)</th><th scope="col">p</th><th scope="col">Holm p</th>` +
        `<th scope="col">P(beats control)</th><th scope="col">Significant</th></tr></thead><tbody>` +
        report.overall.strategies
          .map(
            (s) =>
              `<tr><th scope="row">${escapeHtml(s.strategy)}</th><td>${escapeHtml(s.segments.join(", "))}</td><td>${s.treatment.units}</td>` +
              `<td>${escapeHtml(pct(s.treatment.metric_rate))} (${escapeHtml(pct(s.control.metric_rate))})</td>${liftCells(s.lift)}</tr>`,
          )
          .join("\n") +
        `</tbody></table></div>`
      : "") +
    `</section>`;
  const segments = report.segments
    .map((s, i) => {
      const id = `segment-${i}`;
      const w = s.winner;
      const verdict =
        w.status === "winner"
          ? `<p><strong>Winner: ${escapeHtml(w.strategy ?? w.arm ?? "")}</strong> — ${escapeHtml(w.reason)}</p>`
          : `<p><strong>No significant winner.</strong> ${escapeHtml(w.reason)}</p>`;
      const srm = s.srm
        ? `<p>Arm split ${escapeHtml(Object.values(s.srm.observed).join(" / "))}: ${s.srm.flag ? "<strong>sample ratio mismatch</strong>" : "consistent with the design"} (${escapeHtml(pIs(s.srm.p_value))}).</p>`
        : "";
      return (
        `<section aria-labelledby="${id}"><h3 id="${id}">${escapeHtml(s.segment_id)}</h3>${verdict}${srm}` +
        armTable(`${s.segment_id}: ${s.units} customers by arm`, report.metric, s.arms, true) +
        `</section>`
      );
    })
    .join("\n");
  const methods = `<section aria-labelledby="methods"><h2 id="methods">Methods</h2><dl>${Object.entries(report.methods)
    .map(([k, v]) => `<dt>${escapeHtml(k.replace(/_/g, " "))}</dt><dd>${escapeHtml(v)}</dd>`)
    .join("")}</dl></section>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #ffffff; margin: 0 auto; max-width: 72rem; padding: 1.5rem; line-height: 1.5; }
  h1, h2, h3 { line-height: 1.25; }
  table { border-collapse: collapse; margin: 0.75rem 0 1.5rem; font-variant-numeric: tabular-nums; }
  caption { text-align: left; font-weight: 600; padding-bottom: 0.25rem; }
  th, td { border: 1px solid #d0d7de; padding: 0.35rem 0.55rem; text-align: right; vertical-align: top; }
  th[scope="row"], thead th { text-align: left; background: #f6f8fa; }
  .scroll { overflow-x: auto; }
  .ci, .method { color: #57606a; font-size: 0.85em; }
  .sig-up { color: #1a7f37; font-weight: 600; }
  .sig-down { color: #cf222e; font-weight: 600; }
  .banner { background: #fff8c5; border: 1px solid #d4a72c; padding: 0.6rem 0.9rem; }
  figure { margin: 1rem 0; }
  figcaption { color: #57606a; font-size: 0.9em; }
  dt { font-weight: 600; }
</style>
</head>
<body>
<header>
<h1>${escapeHtml(meta.name)}</h1>
<p>Campaign <code>${escapeHtml(meta.campaign_id)}</code> · metric: ${escapeHtml(report.metric)} · ${Math.round(report.confidence * 100)}% confidence · variants by ${escapeHtml(report.generator)} · ${report.comparisons} variant-vs-control comparisons</p>
</header>
<main>
${banner}
${notes}
${overall}
<section aria-labelledby="segments"><h2 id="segments">By segment</h2>
${liftChart(report)}
${segments}
</section>
${attributionSection(report.attribution)}
${methods}
</main>
</body>
</html>
`;
}
