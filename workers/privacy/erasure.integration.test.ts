// DELETE /v1/users/:user_id through the Worker: a visitor with rows in every table aura keeps (written by the real
// pipeline where one exists, by hand for the nightly job, campaigns and poison messages) is erased with a receipt
// that counts exactly those rows, the profile object is emptied, another visitor is untouched, the audit row
// names only the salted hash, and a second erasure finds nothing.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashVisitorId } from "../../shared/privacy";
import { call, consentAll, expectError, json, seedDemo, waitFor } from "../test/helpers";

beforeAll(seedDemo);

interface Receipt {
  user_id: string;
  erased: Record<string, number | boolean>;
  at: string;
}

const count = async (sql: string, ...params: unknown[]): Promise<number> => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;

/** Everything aura can hold about one visitor, through the same endpoints a storefront uses. */
async function visitorWithHistory(userId: string): Promise<{ hash: string; requestId: string }> {
  const now = Date.now();
  const events = [0, 1, 2].map((k) => ({ type: "page_view", ts: new Date(now - 60_000 + k * 1000).toISOString(), url: `/products/p12${k}`, page_type: "product", product_id: `p12${k}` }));
  const posted = await call("/v1/events", { body: { anon_id: userId, session_id: `${userId}_s`, consent: consentAll, device: "mobile", events } });
  expect(posted.status, await posted.clone().text()).toBe(202);
  const ranked = await call("/v1/rank", { body: { surface_id: "homepage.carousel", user_ctx: { anon_id: userId, consent: consentAll } } });
  expect(ranked.status).toBe(200);
  const decision = await json<{ request_id: string; items: { content_id: string }[] }>(ranked);
  const hash = await hashVisitorId(env.VISITOR_ID_SALT, userId);
  await waitFor(async () => (await count("SELECT count(*) AS n FROM decisions WHERE request_id = ?", decision.request_id)) === 1);
  const fed = await call("/v1/feedback", { body: { request_id: decision.request_id, item_id: decision.items[0]!.content_id, reward: { type: "click", value: 1 } } });
  expect(fed.status).toBe(202);
  await waitFor(async () => (await count("SELECT count(*) AS n FROM feedback WHERE request_id = ?", decision.request_id)) === 1);
  await waitFor(async () => (await count("SELECT count(*) AS n FROM events WHERE visitor_hash = ?", hash)) === 3 && (await count("SELECT count(*) AS n FROM segment_assignments WHERE visitor_hash = ?", hash)) === 1);
  const stamp = new Date().toISOString();
  await env.DB.batch([
    // The nightly segmentation's row, two campaigns the shop uploaded the customer in, one with imported results.
    env.DB.prepare("INSERT INTO customer_segments (visitor_hash, segment_id, rfm_segment, model_version, assigned_at) VALUES (?, 'cust_1', 'loyal', 'mv_test', ?)").bind(hash, stamp),
    env.DB.prepare("INSERT INTO campaign_customers (campaign_id, customer_id, attributes) VALUES ('cmp_erase_a', ?, '{}'), ('cmp_erase_b', ?, '{}')").bind(userId, userId),
    env.DB.prepare("INSERT INTO campaign_results (campaign_id, customer_id, opened, clicked, converted, imported_at) VALUES ('cmp_erase_a', ?, 1, 1, 0, ?)").bind(userId, stamp),
    // A message the consumer could not process, kept verbatim with the raw anon id in it.
    env.DB.prepare("INSERT INTO rejected_messages (queue, reason, body, rejected_at) VALUES ('aura-feedback', 'test', ?, ?)").bind(JSON.stringify({ kind: "events", anon_id: userId, events: "bad" }), stamp),
    // A message every delivery failed on, parked by the dead-letter consumer: verbatim, raw anon id included.
    env.DB.prepare("INSERT INTO dead_letters (message_id, queue, kind, body, attempts, dead_at) VALUES (?, 'aura-feedback-dlq', 'events', ?, 1, ?)").bind(`msg_erase_${userId}`, JSON.stringify({ kind: "events", anon_id: userId, events: [] }), stamp),
    // A bandit count for the decision: no identity, so it stays.
    env.DB.prepare("INSERT INTO reward_ledger (key, kind, request_id, experiment_id, segment_id, arm, created_at) VALUES (?, 'pull', ?, 'exp_erase', 'all', 'a', ?)").bind(`pull:${decision.request_id}`, decision.request_id, stamp),
  ]);
  return { hash, requestId: decision.request_id };
}

async function rowsOf(userId: string, hash: string): Promise<Record<string, number>> {
  return {
    events: await count("SELECT count(*) AS n FROM events WHERE visitor_hash = ?", hash),
    segment_assignments: await count("SELECT count(*) AS n FROM segment_assignments WHERE visitor_hash = ?", hash),
    customer_segments: await count("SELECT count(*) AS n FROM customer_segments WHERE visitor_hash = ?", hash),
    decisions: await count("SELECT count(*) AS n FROM decisions WHERE visitor_hash = ?", hash),
    campaign_customers: await count("SELECT count(*) AS n FROM campaign_customers WHERE customer_id = ?", userId),
    campaign_results: await count("SELECT count(*) AS n FROM campaign_results WHERE customer_id = ?", userId),
    rejected_messages: await count("SELECT count(*) AS n FROM rejected_messages WHERE instr(body, ?) > 0", `"anon_id":"${userId}"`),
    dead_letters: await count("SELECT count(*) AS n FROM dead_letters WHERE instr(body, ?) > 0", `"anon_id":"${userId}"`),
  };
}

describe("DELETE /v1/users/:user_id", () => {
  it("erases the profile and every row of the visitor, with a receipt that counts them and an audit row without the raw id", async () => {
    const userId = "anon_erase_subject";
    const bystander = "anon_erase_bystander";
    const { hash, requestId } = await visitorWithHistory(userId);
    const other = await visitorWithHistory(bystander);
    const store = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(userId));
    expect(await store.getProfile()).not.toBeNull();
    const before = await rowsOf(bystander, other.hash);

    const res = await call(`/v1/users/${userId}`, { method: "DELETE", admin: true });
    expect(res.status, await res.clone().text()).toBe(200);
    const receipt = await json<Receipt>(res);
    expect(receipt.user_id).toBe(userId);
    expect(Math.abs(Date.parse(receipt.at) - Date.now())).toBeLessThan(60_000);
    expect(receipt.erased).toEqual({
      events: 3,
      segment_assignments: 1,
      customer_segments: 1,
      feedback: 1,
      decisions: 1,
      campaign_customers: 2,
      campaign_results: 1,
      rejected_messages: 1,
      dead_letters: 1,
      profile: true,
    });

    // Nothing of theirs is left, in D1 or in the profile object; GET /v1/segments no longer knows them.
    expect(await rowsOf(userId, hash)).toEqual({ events: 0, segment_assignments: 0, customer_segments: 0, decisions: 0, campaign_customers: 0, campaign_results: 0, rejected_messages: 0, dead_letters: 0 });
    expect(await count("SELECT count(*) AS n FROM feedback WHERE request_id = ?", requestId)).toBe(0);
    expect(await store.getProfile()).toBeNull();
    await expectError(await call(`/v1/segments/${userId}`, { admin: true }), 404, "not_found");
    // Bandit counts hold no identity and stay; so does everyone else's data.
    expect(await count("SELECT count(*) AS n FROM reward_ledger WHERE request_id = ?", requestId)).toBe(1);
    expect(await rowsOf(bystander, other.hash)).toEqual(before);
    expect(await count("SELECT count(*) AS n FROM feedback WHERE request_id = ?", other.requestId)).toBe(1);

    // The audit row: the hash, what was removed (the receipt), who asked; never the id the request named.
    const audit = await env.DB.prepare("SELECT * FROM erasure_log WHERE visitor_hash = ?").bind(hash).all<Record<string, unknown>>();
    expect(audit.results).toHaveLength(1);
    const row = audit.results[0]!;
    expect(row).toMatchObject({ kind: "erasure", actor: "admin" });
    expect(JSON.parse(String(row.counts))).toEqual(receipt.erased);
    expect(String(row.id)).toMatch(/^er_[0-9a-f]{32}$/);
    expect(JSON.stringify(audit.results)).not.toContain(userId);
  });

  it("is idempotent: a second erasure finds nothing, says so, and is audited too", async () => {
    const userId = "anon_erase_twice";
    const { hash } = await visitorWithHistory(userId);
    expect((await call(`/v1/users/${userId}`, { method: "DELETE", admin: true })).status).toBe(200);
    const again = await json<Receipt>(await call(`/v1/users/${userId}`, { method: "DELETE", admin: true }));
    expect(again.erased).toEqual({
      events: 0,
      segment_assignments: 0,
      customer_segments: 0,
      feedback: 0,
      decisions: 0,
      campaign_customers: 0,
      campaign_results: 0,
      rejected_messages: 0,
      dead_letters: 0,
      profile: false,
    });
    expect(await count("SELECT count(*) AS n FROM erasure_log WHERE visitor_hash = ?", hash)).toBe(2);
  });

  it("erases an unknown visitor as an empty receipt, and only for the admin", async () => {
    const receipt = await json<Receipt>(await call("/v1/users/anon_never_seen", { method: "DELETE", admin: true }));
    expect(Object.values(receipt.erased).every((v) => v === 0 || v === false)).toBe(true);
    await expectError(await call("/v1/users/anon_never_seen", { method: "DELETE" }), 401, "unauthorized");
    await expectError(await call("/v1/users/anon_never_seen", { method: "DELETE", headers: { authorization: "Bearer nope" } }), 401, "unauthorized");
    await expectError(await call(`/v1/users/${encodeURIComponent("bad id!")}`, { method: "DELETE", admin: true }), 400, "invalid_request");
  });

  it("answers 503 and erases nothing when the profile store is down", async () => {
    const userId = "anon_erase_store_down";
    await visitorWithHistory(userId);
    const hash = await hashVisitorId(env.VISITOR_ID_SALT, userId);
    const broken = {
      idFromName: (name: string) => env.VISITOR_PROFILES.idFromName(name),
      get: () => ({ erase: () => Promise.reject(new Error("store down")) }),
    };
    const res = await call(`/v1/users/${userId}`, { method: "DELETE", admin: true, env: { VISITOR_PROFILES: broken } });
    await expectError(res, 503, "feature_store_unavailable");
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await count("SELECT count(*) AS n FROM events WHERE visitor_hash = ?", hash)).toBe(3);
    expect(await count("SELECT count(*) AS n FROM erasure_log WHERE visitor_hash = ?", hash)).toBe(0);
  });
});
