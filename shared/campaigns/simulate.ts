// The built-in engagement simulator: when a campaign has no imported results, each customer's open, click and
// conversion are drawn from a known truth, so the report (and its tests) can be judged against that truth.
import * as z from "zod";
import { unitDraw } from "../hash";

/** Marginal (unconditional) rates: P(opened), P(clicked), P(converted), each ≤ the one before (a funnel). */
export interface FunnelRates {
  open: number;
  click: number;
  convert: number;
}

export interface SimulationTruth {
  /** Baseline rates (no email / control) per segment; `default` for segments not listed. */
  baseline: Record<string, FunnelRates> & { default: FunnelRates };
  /**
   * Multiplicative effect of each treatment on the click and convert rates, per segment and variant strategy
   * (or variant id); missing = 1 (no effect). A segment listed here is looked up in its own table only;
   * segments not listed use the `default` table if there is one. Within a table a variant id wins over its
   * strategy, so one variant can be singled out.
   */
  effects: Record<string, Record<string, number>>;
  /**
   * Optional attribute-driven modifiers, e.g. { attribute: "tenure_days", above: 365, multiplier: 1.5 }: a
   * treated customer whose feature is strictly above `above` has the treatment effect multiplied by
   * `multiplier` (modifiers compound). Control is never modified, so a modifier is a true heterogeneous
   * treatment effect for attribution to find. A customer without the feature is not modified.
   */
  modifiers?: { attribute: string; above: number; multiplier: number }[];
}

const rate = z.number().min(0).max(1);
/** The simulator's truth as operators send it (PUT /v1/campaigns/:id/simulation); checked again by checkTruth. */
export const SimulationTruthSchema = z.strictObject({
  baseline: z.record(z.string().min(1).max(80), z.strictObject({ open: rate, click: rate, convert: rate })).refine((b) => "default" in b, "baseline needs a default entry"),
  effects: z.record(z.string().min(1).max(80), z.record(z.string().min(1).max(120), z.number().min(0).max(20))),
  modifiers: z.array(z.strictObject({ attribute: z.string().min(1).max(80), above: z.number(), multiplier: z.number().min(0).max(20) })).max(20).optional(),
});

export interface SimulatedCustomer {
  customer_id: string;
  segment_id: string;
  /** "control" or "treatment_1", "treatment_2", …: every arm but control received a generated variant. */
  arm: string;
  variant_id: string | null;
  strategy: string | null;
  features: Record<string, number>;
}

export interface EngagementRow {
  customer_id: string;
  opened: boolean;
  clicked: boolean;
  converted: boolean;
}

/** Shorthand for the demo truth's baselines. */
const rates = (open: number, click: number, convert: number): FunnelRates => ({ open, click, convert });

/**
 * A plausible demo truth, keyed by the generator's strategy names (shared/campaigns/strategies.ts STRATEGIES):
 *
 * - `urgency` (deadlines, scarcity) works on customers drifting away (at risk, hibernating) and slightly
 *   irritates the best customers (0.9), so a report can show a loser;
 * - `social_proof` (what others bought) reassures new and growing customers;
 * - `education` (guides, how-tos) helps novices and customers with no history;
 * - `value` (discounts, bundles) moves bargain hunters and the price-sensitive;
 * - `exclusivity` (early access, members-only) rewards champions and the loyal;
 * - `win_back` ("we miss you" with an incentive) is for lapsed customers.
 *
 * Segments: the RFM names (champions … lost), the campaign's lifecycle segments (`rfm_best`, `rfm_growing`,
 * `rfm_slipping`, `rfm_lapsed`, `rfm_no_history`), two persona-like groups (`novice_shopper`,
 * `bargain_hunter`), and `default` for k-means clusters (`cluster_0`, …) whose ids carry no meaning of their
 * own (simulationTruthFor gives them their lifecycle's rows). Baselines fall from champions to lost; effects
 * are 10–50 %, the size a good email test finds, and the lifecycle's first-choice strategy is the true best.
 * Long-tenured customers (over a year) respond 20 % more to any treatment, which the attribution section
 * should surface when `tenure_days` is among the attributes.
 */
export const defaultSimulationTruth: SimulationTruth = {
  baseline: {
    default: rates(0.25, 0.05, 0.015),
    champions: rates(0.4, 0.1, 0.04),
    loyal: rates(0.35, 0.08, 0.03),
    potential_loyalist: rates(0.3, 0.06, 0.02),
    new: rates(0.3, 0.06, 0.015),
    promising: rates(0.28, 0.05, 0.015),
    need_attention: rates(0.22, 0.04, 0.01),
    about_to_sleep: rates(0.18, 0.03, 0.008),
    at_risk: rates(0.15, 0.025, 0.006),
    cant_lose: rates(0.2, 0.035, 0.01),
    hibernating: rates(0.1, 0.015, 0.004),
    lost: rates(0.06, 0.008, 0.002),
    rfm_best: rates(0.38, 0.09, 0.035),
    rfm_growing: rates(0.3, 0.06, 0.017),
    rfm_slipping: rates(0.19, 0.033, 0.009),
    rfm_lapsed: rates(0.08, 0.012, 0.003),
    rfm_no_history: rates(0.25, 0.05, 0.015),
    novice_shopper: rates(0.28, 0.05, 0.012),
    bargain_hunter: rates(0.3, 0.07, 0.02),
  },
  effects: {
    default: { education: 1.1, value: 1.1, social_proof: 1.05 },
    champions: { exclusivity: 1.3, urgency: 0.9 },
    loyal: { exclusivity: 1.25, value: 1.05 },
    potential_loyalist: { exclusivity: 1.2, social_proof: 1.15 },
    new: { social_proof: 1.45, education: 1.2 },
    promising: { social_proof: 1.3, value: 1.1 },
    need_attention: { value: 1.25, urgency: 1.1 },
    about_to_sleep: { urgency: 1.25, value: 1.15 },
    at_risk: { urgency: 1.5, win_back: 1.35, value: 1.15 },
    cant_lose: { win_back: 1.4, exclusivity: 1.2, urgency: 1.2 },
    hibernating: { urgency: 1.4, win_back: 1.45, value: 1.2 },
    lost: { win_back: 1.3, value: 1.2 },
    rfm_best: { exclusivity: 1.3, social_proof: 1.1, urgency: 0.9 },
    rfm_growing: { social_proof: 1.4, education: 1.2, value: 1.1 },
    rfm_slipping: { urgency: 1.45, win_back: 1.3, value: 1.15 },
    rfm_lapsed: { win_back: 1.4, urgency: 1.35, value: 1.2 },
    rfm_no_history: { education: 1.35, social_proof: 1.15, value: 1.1 },
    novice_shopper: { education: 1.5, social_proof: 1.15 },
    bargain_hunter: { value: 1.5, urgency: 1.15 },
  },
  modifiers: [{ attribute: "tenure_days", above: 365, multiplier: 1.2 }],
};

/**
 * A truth for segments known by their lifecycle (k-means clusters): each segment id gets the baseline and
 * effects of `rfm_<lifecycle>` from `base` (or keeps its own rows if `base` lists it), so a cluster of lapsed
 * customers is simulated as lapsed rather than as the bland `default`.
 */
export function simulationTruthFor(segments: readonly { id: string; lifecycle: string }[], base: SimulationTruth = defaultSimulationTruth): SimulationTruth {
  const baseline: SimulationTruth["baseline"] = { ...base.baseline };
  const effects: SimulationTruth["effects"] = { ...base.effects };
  for (const { id, lifecycle } of segments) {
    const key = `rfm_${lifecycle}`;
    const lifecycleRates = base.baseline[key];
    const table = base.effects[key];
    if (base.baseline[id] === undefined && lifecycleRates !== undefined) baseline[id] = lifecycleRates;
    if (base.effects[id] === undefined && table !== undefined) effects[id] = table;
  }
  return { baseline, effects, ...(base.modifiers ? { modifiers: base.modifiers } : {}) };
}

/** Rejects a truth no funnel can produce, so a typo fails loudly instead of silently clipping every rate. */
function checkTruth(truth: SimulationTruth): void {
  for (const [segment, r] of Object.entries(truth.baseline)) {
    const ordered = r.convert >= 0 && r.convert <= r.click && r.click <= r.open && r.open <= 1;
    if (!ordered) throw new RangeError(`baseline ${segment}: need 0 ≤ convert ≤ click ≤ open ≤ 1 (got ${r.open}, ${r.click}, ${r.convert})`);
  }
  for (const [segment, table] of Object.entries(truth.effects)) {
    for (const [key, effect] of Object.entries(table)) {
      if (!(Number.isFinite(effect) && effect >= 0)) throw new RangeError(`effect ${segment}.${key} must be a finite number ≥ 0 (got ${effect})`);
    }
  }
  for (const m of truth.modifiers ?? []) {
    if (!(Number.isFinite(m.above) && Number.isFinite(m.multiplier) && m.multiplier >= 0)) {
      throw new RangeError(`modifier on ${m.attribute}: above must be finite and multiplier a finite number ≥ 0`);
    }
  }
}

/** The multiplicative effect on click and convert rates a customer's arm has under the truth (1 for control). */
export function treatmentEffect(customer: SimulatedCustomer, truth: SimulationTruth): number {
  if (customer.arm === "control") return 1;
  const table = truth.effects[customer.segment_id] ?? truth.effects["default"];
  let effect = 1;
  if (table !== undefined) {
    const byVariant = customer.variant_id === null ? undefined : table[customer.variant_id];
    const byStrategy = customer.strategy === null ? undefined : table[customer.strategy];
    effect = byVariant ?? byStrategy ?? 1;
  }
  for (const m of truth.modifiers ?? []) {
    const value = customer.features[m.attribute];
    if (value !== undefined && value > m.above) effect *= m.multiplier;
  }
  return effect;
}

/**
 * The marginal rates a customer is simulated with: the segment's baseline, with click and convert multiplied
 * by the treatment effect. The open rate is left alone (the subject line is not what the effect models). A
 * large effect could push click above open, or convert above click, which no funnel allows; those rates are
 * clipped to the stage before, and the clipped value is the truth.
 */
export function customerRates(customer: SimulatedCustomer, truth: SimulationTruth): FunnelRates {
  const base = truth.baseline[customer.segment_id] ?? truth.baseline.default;
  const effect = treatmentEffect(customer, truth);
  const click = Math.min(base.click * effect, base.open);
  const convert = Math.min(base.convert * effect, click);
  return { open: base.open, click, convert };
}

/**
 * One engagement row per customer, in input order. The funnel is parameterised by conditional rates so the
 * marginals equal the truth: opened = u₁ < P(open); clicked = opened ∧ u₂ < P(click)/P(open); converted =
 * clicked ∧ u₃ < P(convert)/P(click), hence P(clicked) = P(open)·P(click)/P(open) = P(click), and likewise
 * for conversions. u₁..u₃ are hash draws of (seed, stage, customer_id), so a customer's result depends on
 * nothing but the seed, its own row and the truth: not on array order or on who else is simulated.
 */
export function simulateEngagement(customers: readonly SimulatedCustomer[], truth: SimulationTruth, seed: number): EngagementRow[] {
  checkTruth(truth);
  const openSalt = `campaign-sim:${seed}:open`;
  const clickSalt = `campaign-sim:${seed}:click`;
  const convertSalt = `campaign-sim:${seed}:convert`;
  return customers.map((customer) => {
    const r = customerRates(customer, truth);
    const opened = unitDraw(openSalt, customer.customer_id) < r.open;
    // A 0 upstream rate means no one reaches this stage; guard the 0/0.
    const clicked = opened && r.open > 0 && unitDraw(clickSalt, customer.customer_id) < r.click / r.open;
    const converted = clicked && r.click > 0 && unitDraw(convertSalt, customer.customer_id) < r.convert / r.click;
    return { customer_id: customer.customer_id, opened, clicked, converted };
  });
}
