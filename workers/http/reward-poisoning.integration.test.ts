// Abuse of the learning loop through the public /v1/feedback: rewards for decisions that do not exist, are too old,
// or did not serve the item are kept as rejected and never reach a bandit; values are bounded at the edge; the
// same reward sent again counts once. And the admin key is compared in constant time.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { keysMatch } from "./middleware";
import { call, consentAll, expectError, json, seedDemo, waitFor } from "../test/helpers";

const EXPERIMENT = "exp_poisoning";

beforeAll(async () => {
  await seedDemo();
  const created = await call("/v1/experiments", { admin: true, body: { id: EXPERIMENT, surface_id: "homepage.hero", allocation: "bandit", metric: "click", variants: [{ id: "a" }, { id: "b" }] } });
  expect(created.status, await created.clone().text()).toBe(201);
});

const feedback = (requestId: string, itemId: string, extra: Record<string, unknown> = {}) =>
  call("/v1/feedback", { body: { request_id: requestId, item_id: itemId, reward: { type: "click", value: 1, ...extra } } });
const verdict = (requestId: string, itemId: string) =>
  waitFor(() => env.DB.prepare("SELECT status, reason FROM feedback WHERE request_id = ? AND item_id = ?").bind(requestId, itemId).first<{ status: string; reason: string | null }>(), 45_000);
const successes = async (requestId: string) => (await env.DB.prepare("SELECT count(*) AS n FROM reward_ledger WHERE kind = 'success' AND request_id = ?").bind(requestId).first<{ n: number }>())!.n;

describe("feedback", () => {
  it("is applied once for an item the decision served, and rejected for one it did not", { timeout: 60_000 }, async () => {
    const res = await call("/v1/rank", { body: { surface_id: "homepage.hero", user_ctx: { anon_id: "anon_poison_1", consent: consentAll } } });
    const decision = await json<{ request_id: string; items: { content_id: string }[]; experiment: { id: string; holdout: boolean } | null }>(res);
    expect(decision.experiment?.id).toBe(EXPERIMENT);
    expect(decision.experiment?.holdout).toBe(false);
    const served = decision.items[0]!.content_id;
    await waitFor(() => env.DB.prepare("SELECT 1 AS ok FROM decisions WHERE request_id = ?").bind(decision.request_id).first());
    const first = await json<{ feedback_id: string }>(await feedback(decision.request_id, served));
    const again = await json<{ feedback_id: string }>(await feedback(decision.request_id, served));
    expect(again.feedback_id).toBe(first.feedback_id);
    await feedback(decision.request_id, "p_never_served");
    expect((await verdict(decision.request_id, served)).status).toBe("applied");
    expect(await verdict(decision.request_id, "p_never_served")).toMatchObject({ status: "rejected", reason: expect.stringContaining("was not served") });
    await waitFor(async () => (await successes(decision.request_id)) === 1);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM feedback WHERE request_id = ? AND item_id = ?").bind(decision.request_id, served).first<{ n: number }>()).toEqual({ n: 1 });
  });

  it("is rejected for a decision older than the feedback window, and never reaches the bandit", { timeout: 60_000 }, async () => {
    const requestId = `req_${"0a".repeat(16)}`;
    const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
    await env.DB.prepare(
      "INSERT INTO decisions (request_id, visitor_hash, surface_id, experiment_id, bandit_segment, arm, propensity, holdout, items, policy_version, decided_at) VALUES (?, 'none', 'homepage.hero', ?, 'all', 'a', 0.5, 0, '[\"p122\"]', 't', ?)",
    )
      .bind(requestId, EXPERIMENT, eightDaysAgo)
      .run();
    expect((await feedback(requestId, "p122")).status).toBe(202);
    expect(await verdict(requestId, "p122")).toMatchObject({ status: "rejected", reason: expect.stringContaining("after the decision") });
    expect(await successes(requestId)).toBe(0);
  });

  it("is rejected for a decision that does not exist", { timeout: 60_000 }, async () => {
    const requestId = `req_${"0b".repeat(16)}`;
    expect((await feedback(requestId, "p122")).status).toBe(202);
    expect(await verdict(requestId, "p122")).toMatchObject({ status: "rejected", reason: expect.stringContaining("unknown request_id") });
    expect(await successes(requestId)).toBe(0);
  });

  it("has bounded values: out of range, negative or not finite is refused at the edge", async () => {
    const requestId = `req_${"0c".repeat(16)}`;
    await expectError(await feedback(requestId, "p122", { type: "purchase", value: 100_001 }), 400, "invalid_request");
    await expectError(await feedback(requestId, "p122", { value: -1 }), 400, "invalid_request");
    await expectError(await call("/v1/feedback", { raw: `{"request_id":"${requestId}","item_id":"p122","reward":{"type":"click","value":1e999}}`, headers: { "content-type": "application/json" } }), 400);
    await expectError(await feedback(requestId, "p122", { timestamp: new Date(Date.now() + 3_600_000).toISOString() }), 400, "invalid_request");
  });

  it("is rejected for an old decision even when the client dates the reward just after it", { timeout: 60_000 }, async () => {
    const requestId = `req_${"0d".repeat(16)}`;
    const decidedAt = new Date(Date.now() - 8 * 86_400_000);
    await env.DB.prepare(
      "INSERT INTO decisions (request_id, visitor_hash, surface_id, experiment_id, bandit_segment, arm, propensity, holdout, items, policy_version, decided_at) VALUES (?, 'none', 'homepage.hero', ?, 'all', 'a', 0.5, 0, '[\"p122\"]', 't', ?)",
    )
      .bind(requestId, EXPERIMENT, decidedAt.toISOString())
      .run();
    // The replay claims to have happened a minute after the decision; aura received it eight days later.
    expect((await feedback(requestId, "p122", { timestamp: new Date(decidedAt.getTime() + 60_000).toISOString() })).status).toBe(202);
    expect(await verdict(requestId, "p122")).toMatchObject({ status: "rejected", reason: expect.stringContaining("after the decision") });
    expect(await successes(requestId)).toBe(0);
  });
});

describe("the admin key check", () => {
  it("compares digests in constant time: any length, any prefix, never a throw or a shortcut", async () => {
    const key = env.ADMIN_API_KEY;
    expect(await keysMatch(key, key)).toBe(true);
    // timingSafeEqual throws on inputs of different lengths: these would throw if the raw keys were compared.
    for (const wrong of ["", key.slice(0, -1), `${key}x`, key.toUpperCase(), "x".repeat(10_000)]) expect(await keysMatch(wrong, key)).toBe(false);
    await expectError(await call("/v1/experiments", { headers: { authorization: `Bearer ${key.slice(0, -1)}` } }), 401, "unauthorized");
  });
});
