// Which feedback moves a bandit: the experiment's metric or a deeper step of the funnel, once per decision.
import { describe, expect, it } from "vitest";
import { judgeFeedback, meetsMetric } from "./feedback";

describe("meetsMetric", () => {
  it("counts the metric and deeper funnel steps, never shallower ones or a dismiss", () => {
    expect(meetsMetric("click", "click")).toBe(true);
    expect(meetsMetric("add_to_cart", "click")).toBe(true);
    expect(meetsMetric("purchase", "click")).toBe(true);
    expect(meetsMetric("impression", "click")).toBe(false);
    expect(meetsMetric("click", "purchase")).toBe(false);
    expect(meetsMetric("dismiss", "click")).toBe(false);
    expect(meetsMetric("dismiss", "dismiss")).toBe(true);
  });
});

describe("judgeFeedback", () => {
  const decision = { request_id: "r1", experiment_id: "hero", arm: "urgency", holdout: false, items: ["p1", "p2"], decided_at: "2026-11-21T10:00:00.000Z", metric: "click" as const, segment_id: "persona_shopper_pro" };
  const fb = (type: "click" | "add_to_cart" | "impression", item = "p1") => ({ request_id: "r1", item_id: item, reward_type: type, value: 1, occurred_at: "2026-11-21T10:01:00.000Z", received_at: "2026-11-21T10:01:01.000Z" });
  it("applies a cart add on a click-metric experiment, records an impression, rejects an item not served", () => {
    expect(judgeFeedback(decision, fb("add_to_cart"))).toEqual({ status: "applied" });
    expect(judgeFeedback(decision, fb("impression"))).toEqual({ status: "recorded" });
    expect(judgeFeedback(decision, fb("click", "p9")).status).toBe("rejected");
  });

  it("measures the window from when aura received the reward, not from the client's own date", () => {
    const replay = { ...fb("click"), occurred_at: "2026-11-21T10:01:00.000Z", received_at: "2026-11-29T10:00:00.000Z" };
    expect(judgeFeedback(decision, replay)).toMatchObject({ status: "rejected", reason: expect.stringContaining("after the decision") });
  });
});
