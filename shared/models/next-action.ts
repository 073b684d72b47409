// Next-best-action: explicit, ordered rules over the model outputs (purchase propensity, BG/NBD p(alive),
// expected value, engagement) that pick one action and say why, numbers included, so a marketer can audit it.

import * as z from "zod";

export const RECOMMENDED_ACTIONS = ["offer_discount", "recommend_product", "send_message", "show_tutorial", "none"] as const;
export type RecommendedAction = (typeof RECOMMENDED_ACTIONS)[number];

/** What the rules see of a visitor; the route validates it with this schema, the rules trust it. */
export const NextActionInput = z.object({
  /** Recent activity volume discounted by idleness, in [0, 1]. */
  engagement_score: z.number().min(0).max(1),
  /** Propensity model: P(purchase in the next 30 days). */
  purchase_probability_30d: z.number().min(0).max(1),
  /** BG/NBD P(alive); null without purchase history (the model needs a first purchase). */
  p_alive: z.number().min(0).max(1).nullable(),
  /** Expected repeat-purchase value over 90 days (BG/NBD × spend); null without purchase history. */
  expected_value_90d: z.number().min(0).nullable(),
  /** Null on a first visit. */
  days_since_last_visit: z.number().min(0).nullable(),
  /** Items in the cart that were not bought. */
  has_cart: z.boolean(),
  price_sensitivity: z.enum(["low", "medium", "high"]).optional(),
});
export type NextActionInput = z.infer<typeof NextActionInput>;

/** The thresholds the rules compare against: data, so a deployment can tune them without touching the rules. */
export const NextActionPolicy = z.object({
  /** At or above this purchase probability a visitor buys without help: show products, never discount. */
  likely_buyer_probability: z.number().min(0).max(1),
  /** Engagement at which a visitor counts as engaged (for discounts and for browsing recommendations). */
  engaged_score: z.number().min(0).max(1),
  /** An engaged visitor at or above this purchase probability is shopping: recommend products. */
  browsing_probability: z.number().min(0).max(1),
  /** Below this P(alive) a customer is slipping away. */
  churn_risk_p_alive: z.number().min(0).max(1),
  /** …and worth a message only if the 90-day expected value is at least this (currency units). */
  retention_value: z.number().min(0),
  /** A cart untouched for this many days gets a reminder. */
  cart_reminder_days: z.number().min(0),
});
export type NextActionPolicy = z.infer<typeof NextActionPolicy>;

/** Not parsed at module load (start-up): a test checks it against the schema. */
export const DEFAULT_NEXT_ACTION_POLICY: NextActionPolicy = {
  likely_buyer_probability: 0.5,
  engaged_score: 0.4,
  browsing_probability: 0.2,
  churn_risk_p_alive: 0.5,
  retention_value: 10,
  cart_reminder_days: 1,
};

export interface NextAction {
  recommended_action: RecommendedAction;
  /** The deciding rule first, in words with the numbers it compared. */
  reasons: string[];
}

const fmt = (value: number): string => value.toFixed(2);
const days = (value: number): string => `${value.toFixed(1)} days`;

/**
 * The first rule that applies wins:
 * 1. offer_discount: a cart, high price sensitivity, engaged, yet below the likely-buyer probability — a
 *    discount is spent only where it can change the outcome;
 * 2. recommend_product: likely to buy anyway (purchase probability ≥ likely-buyer threshold);
 * 3. send_message: slipping away (P(alive) below the churn threshold) but still worth keeping (90-day value at
 *    or above the retention threshold);
 * 4. send_message: a cart left for at least cart_reminder_days;
 * 5. show_tutorial: no purchase history and not (yet) engaged — a new or lost visitor learns the product first;
 * 6. recommend_product: engaged and shopping (purchase probability ≥ browsing threshold);
 * 7. none: nothing above applies; leave the visitor alone.
 */
export function recommendAction(input: NextActionInput, policy: NextActionPolicy = DEFAULT_NEXT_ACTION_POLICY): NextAction {
  const engagement = input.engagement_score;
  const purchase = input.purchase_probability_30d;
  const engaged = engagement >= policy.engaged_score;
  const likelyBuyer = purchase >= policy.likely_buyer_probability;

  if (input.has_cart && input.price_sensitivity === "high" && engaged && !likelyBuyer) {
    return {
      recommended_action: "offer_discount",
      reasons: [
        `has a cart, high price sensitivity and engagement ${fmt(engagement)} ≥ ${fmt(policy.engaged_score)}, but purchase probability ${fmt(purchase)} < ${fmt(policy.likely_buyer_probability)}: a discount can close the sale`,
      ],
    };
  }

  if (likelyBuyer) {
    const reasons = [`purchase probability ${fmt(purchase)} ≥ ${fmt(policy.likely_buyer_probability)}: likely to buy without an incentive`];
    if (input.has_cart) reasons.push("has a cart: recommend products that go with it rather than discount it");
    return { recommended_action: "recommend_product", reasons };
  }

  const { p_alive: pAlive, expected_value_90d: value } = input;
  if (pAlive !== null && pAlive < policy.churn_risk_p_alive && value !== null && value >= policy.retention_value) {
    const reasons = [
      `P(alive) ${fmt(pAlive)} < ${fmt(policy.churn_risk_p_alive)} with expected 90-day value ${fmt(value)} ≥ ${fmt(policy.retention_value)}: worth winning back`,
    ];
    if (input.days_since_last_visit !== null) reasons.push(`last visit ${days(input.days_since_last_visit)} ago`);
    return { recommended_action: "send_message", reasons };
  }

  const since = input.days_since_last_visit;
  if (input.has_cart && since !== null && since >= policy.cart_reminder_days) {
    return {
      recommended_action: "send_message",
      reasons: [`cart left ${days(since)} ago (≥ ${days(policy.cart_reminder_days)}) with purchase probability ${fmt(purchase)}: remind`],
    };
  }

  if (pAlive === null && !engaged) {
    return {
      recommended_action: "show_tutorial",
      reasons: [
        `no purchase history and engagement ${fmt(engagement)} < ${fmt(policy.engaged_score)}${since === null ? " on a first visit" : ""}: show how the product works first`,
      ],
    };
  }

  if (engaged && purchase >= policy.browsing_probability) {
    return {
      recommended_action: "recommend_product",
      reasons: [
        `engagement ${fmt(engagement)} ≥ ${fmt(policy.engaged_score)} and purchase probability ${fmt(purchase)} ≥ ${fmt(policy.browsing_probability)}: shopping, show relevant products`,
      ],
    };
  }

  const reasons = [`purchase probability ${fmt(purchase)} < ${fmt(engaged ? policy.browsing_probability : policy.likely_buyer_probability)} and engagement ${fmt(engagement)}: no action is worth its cost`];
  if (pAlive !== null && pAlive < policy.churn_risk_p_alive) {
    reasons.push(`P(alive) ${fmt(pAlive)} is low but expected 90-day value ${value === null ? "is unknown" : `${fmt(value)} < ${fmt(policy.retention_value)}`}: not worth a message`);
  }
  return { recommended_action: "none", reasons };
}
