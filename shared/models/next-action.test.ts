// One visitor per rule of recommendAction, the order between rules where two apply, and the reasons' numbers.
import { describe, expect, it } from "vitest";
import { DEFAULT_NEXT_ACTION_POLICY, NextActionInput, NextActionPolicy, recommendAction } from "./next-action";

/** A returning customer with nothing remarkable about them: no rule fires. */
const QUIET: NextActionInput = {
  engagement_score: 0.3,
  purchase_probability_30d: 0.1,
  p_alive: 0.9,
  expected_value_90d: 25,
  days_since_last_visit: 3,
  has_cart: false,
  price_sensitivity: "medium",
};

const visitor = (overrides: Partial<NextActionInput>): NextActionInput => ({ ...QUIET, ...overrides });

describe("recommendAction", () => {
  it("ships a default policy the schema accepts unchanged", () => {
    expect(NextActionPolicy.parse(DEFAULT_NEXT_ACTION_POLICY)).toStrictEqual(DEFAULT_NEXT_ACTION_POLICY);
  });

  it("offers a discount to an engaged, price-sensitive visitor with a cart who is unlikely to buy unaided", () => {
    const decision = recommendAction(visitor({ has_cart: true, price_sensitivity: "high", engagement_score: 0.62, purchase_probability_30d: 0.18 }));
    expect(decision.recommended_action).toBe("offer_discount");
    expect(decision.reasons[0]).toContain("engagement 0.62 ≥ 0.40");
    expect(decision.reasons[0]).toContain("purchase probability 0.18 < 0.50");
  });

  it("recommends products, not a discount, to a likely buyer — even a price-sensitive one with a cart", () => {
    const decision = recommendAction(visitor({ has_cart: true, price_sensitivity: "high", engagement_score: 0.8, purchase_probability_30d: 0.72 }));
    expect(decision.recommended_action).toBe("recommend_product");
    expect(decision.reasons[0]).toContain("purchase probability 0.72 ≥ 0.50");
    expect(decision.reasons[1]).toContain("has a cart");
  });

  it("messages a valuable customer who is slipping away", () => {
    const decision = recommendAction(visitor({ p_alive: 0.31, expected_value_90d: 42.5, days_since_last_visit: 47 }));
    expect(decision.recommended_action).toBe("send_message");
    expect(decision.reasons[0]).toContain("P(alive) 0.31 < 0.50");
    expect(decision.reasons[0]).toContain("42.50 ≥ 10.00");
    expect(decision.reasons[1]).toBe("last visit 47.0 days ago");
  });

  it("lets a slipping customer of little value go", () => {
    const decision = recommendAction(visitor({ p_alive: 0.31, expected_value_90d: 4 }));
    expect(decision.recommended_action).toBe("none");
    expect(decision.reasons[1]).toContain("4.00 < 10.00");
  });

  it("reminds a visitor of a cart left for a day or more", () => {
    const decision = recommendAction(visitor({ has_cart: true, days_since_last_visit: 2.5 }));
    expect(decision.recommended_action).toBe("send_message");
    expect(decision.reasons[0]).toContain("cart left 2.5 days ago");
    // A cart from this visit is not abandoned yet.
    expect(recommendAction(visitor({ has_cart: true, days_since_last_visit: 0.1 })).recommended_action).toBe("none");
  });

  it("shows a tutorial to a new visitor who is not yet engaged", () => {
    const first = recommendAction(visitor({ p_alive: null, expected_value_90d: null, days_since_last_visit: null, engagement_score: 0.05 }));
    expect(first.recommended_action).toBe("show_tutorial");
    expect(first.reasons[0]).toContain("engagement 0.05 < 0.40 on a first visit");
    const returningNonBuyer = recommendAction(visitor({ p_alive: null, expected_value_90d: null, engagement_score: 0.2 }));
    expect(returningNonBuyer.recommended_action).toBe("show_tutorial");
  });

  it("recommends products to an engaged visitor who is shopping", () => {
    const decision = recommendAction(visitor({ engagement_score: 0.55, purchase_probability_30d: 0.27 }));
    expect(decision.recommended_action).toBe("recommend_product");
    expect(decision.reasons[0]).toContain("engagement 0.55 ≥ 0.40 and purchase probability 0.27 ≥ 0.20");
  });

  it("does nothing when no rule applies, and says why", () => {
    const decision = recommendAction(QUIET);
    expect(decision.recommended_action).toBe("none");
    expect(decision.reasons[0]).toContain("purchase probability 0.10");
  });

  it("prefers the discount for a cart only when price sensitivity is high", () => {
    const base = { has_cart: true, engagement_score: 0.62, purchase_probability_30d: 0.25, days_since_last_visit: 0 };
    expect(recommendAction(visitor({ ...base, price_sensitivity: "high" })).recommended_action).toBe("offer_discount");
    expect(recommendAction(visitor({ ...base, price_sensitivity: "low" })).recommended_action).toBe("recommend_product");
    expect(recommendAction(visitor({ ...base, price_sensitivity: undefined })).recommended_action).toBe("recommend_product");
  });

  it("follows a tuned policy", () => {
    const strict = NextActionPolicy.parse({ ...DEFAULT_NEXT_ACTION_POLICY, likely_buyer_probability: 0.8 });
    const input = visitor({ purchase_probability_30d: 0.6, engagement_score: 0.2 });
    expect(recommendAction(input).recommended_action).toBe("recommend_product");
    expect(recommendAction(input, strict).recommended_action).toBe("none");
  });

  it("validates its input at the boundary with the exported schema", () => {
    expect(NextActionInput.safeParse(QUIET).success).toBe(true);
    expect(NextActionInput.safeParse({ ...QUIET, purchase_probability_30d: 1.5 }).success).toBe(false);
    expect(NextActionInput.safeParse({ ...QUIET, price_sensitivity: "extreme" }).success).toBe(false);
  });
});
