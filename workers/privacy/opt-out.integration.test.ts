// POST /v1/users/:user_id/opt-out and its enforcement everywhere aura could personalize, track or include someone:
// /v1/events refuses as if without analytics consent, /v1/rank and the CDN page path serve popularity with no
// profile read and no identity logged, campaign uploads drop the customer; the check costs /v1/rank no D1 query.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { hashVisitorId } from "../../shared/privacy";
import { call, consentAll, expectError, fetchWorker, json, seedDemo, waitFor } from "../test/helpers";

beforeAll(seedDemo);

const count = async (sql: string, ...params: unknown[]): Promise<number> => (await env.DB.prepare(sql).bind(...params).first<{ n: number }>())!.n;
const hashOf = (id: string) => hashVisitorId(env.VISITOR_ID_SALT, id);
const eventsBody = (anonId: string, consent = consentAll) => ({
  anon_id: anonId,
  consent,
  device: "mobile",
  events: [{ type: "page_view", ts: new Date(Date.now() - 1000).toISOString(), url: "/products/p122", page_type: "product", product_id: "p122" }],
});
const rankBody = (anonId: string) => ({ surface_id: "homepage.carousel", user_ctx: { anon_id: anonId, consent: consentAll } });

/** Counts every call into a binding (a Durable Object namespace, D1) made while serving a request. */
function counting<T extends object>(target: T, calls: { n: number }): T {
  return new Proxy(target, {
    get(t, prop, receiver) {
      const value = Reflect.get(t, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls.n++;
        return (value as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

async function optOut(userId: string): Promise<{ user_id: string; opted_out: boolean; erased: Record<string, number | boolean>; at: string }> {
  const res = await call(`/v1/users/${userId}/opt-out`, { method: "POST", admin: true });
  expect(res.status, await res.clone().text()).toBe(200);
  return json(res);
}

const brokenDb = {
  prepare: () => {
    throw new Error("D1 is down");
  },
  batch: () => Promise.reject(new Error("D1 is down")),
};

describe("before this isolate has read the opt-outs", () => {
  // First in the file: the opt-out list has not been loaded here yet, so a D1 outage means it cannot be known.
  it("fails closed: events are not stored (503, retry), rank does not personalize", async () => {
    const events = await call("/v1/events", { body: eventsBody("anon_optout_unknown"), env: { DB: brokenDb } });
    await expectError(events, 503, "opt_outs_unavailable");
    expect(events.headers.get("retry-after")).toBe("5");
    const ranked = await call("/v1/rank", { body: rankBody("anon_optout_unknown"), env: { DB: brokenDb } });
    expect(ranked.status, await ranked.clone().text()).toBe(200);
    expect(await json(ranked)).toMatchObject({ personalized: false, segment: null, profile_status: "not_used" });
  });
});

describe("POST /v1/users/:user_id/opt-out", () => {
  it("records the salted hash (never the id), erases the profile and campaign rows, and is idempotent", async () => {
    const userId = "anon_optout_record";
    expect((await call("/v1/events", { body: eventsBody(userId) })).status).toBe(202);
    await env.DB.prepare("INSERT INTO campaign_customers (campaign_id, customer_id, attributes) VALUES ('cmp_optout_a', ?, '{}')").bind(userId).run();
    const store = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(userId));
    expect(await store.getProfile()).not.toBeNull();

    const receipt = await optOut(userId);
    expect(receipt).toMatchObject({ user_id: userId, opted_out: true, erased: { profile: true, campaign_customers: 1 } });
    expect(await store.getProfile()).toBeNull();
    const hash = await hashOf(userId);
    const recorded = await env.DB.prepare("SELECT * FROM opt_outs WHERE visitor_hash = ?").bind(hash).all();
    expect(recorded.results).toHaveLength(1);
    const audit = await env.DB.prepare("SELECT * FROM erasure_log WHERE visitor_hash = ?").bind(hash).all<{ kind: string }>();
    expect(audit.results.map((r) => r.kind)).toEqual(["opt_out"]);
    expect(JSON.stringify([recorded.results, audit.results])).not.toContain(userId);

    const again = await optOut(userId);
    expect(again.erased.profile).toBe(false);
    expect(await count("SELECT count(*) AS n FROM opt_outs WHERE visitor_hash = ?", hash)).toBe(1);
    await expectError(await call(`/v1/users/${userId}/opt-out`, { method: "POST" }), 401, "unauthorized");
  });
});

describe("an opted-out visitor", () => {
  it("has events refused exactly as without analytics consent, and nothing is stored", async () => {
    const userId = "anon_optout_events";
    await optOut(userId);
    const refused = await call("/v1/events", { body: eventsBody(userId) });
    const withoutConsent = await call("/v1/events", { body: eventsBody("anon_optout_noconsent", ["personalization"]) });
    const a = await expectError(refused, 403, "consent_required");
    const b = await expectError(withoutConsent, 403, "consent_required");
    // Nothing in the answer tells a caller that this visitor opted out.
    expect(a.message).toBe(b.message);
    // The queue had nothing to write: no event rows and no profile appear.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await count("SELECT count(*) AS n FROM events WHERE visitor_hash = ?", await hashOf(userId))).toBe(0);
    expect(await env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(userId)).getProfile()).toBeNull();
  });

  it("is ranked by popularity with no profile read or write and no identity in the decision log", async () => {
    const userId = "anon_optout_rank";
    expect((await call("/v1/events", { body: eventsBody(userId) })).status).toBe(202);
    const before = await json<{ personalized: boolean }>(await call("/v1/rank", { body: rankBody(userId) }));
    expect(before.personalized).toBe(true);
    await optOut(userId);

    const profileCalls = { n: 0 };
    const res = await call("/v1/rank", { body: rankBody(userId), env: { VISITOR_PROFILES: counting(env.VISITOR_PROFILES, profileCalls) } });
    expect(res.status).toBe(200);
    const body = await json<{ request_id: string; personalized: boolean; segment: unknown; profile_status: string; items: unknown[] }>(res);
    expect(body).toMatchObject({ personalized: false, segment: null, profile_status: "not_used" });
    expect(body.items.length).toBeGreaterThan(0);
    expect(profileCalls.n).toBe(0);
    const logged = await waitFor(() => env.DB.prepare("SELECT visitor_hash FROM decisions WHERE request_id = ?").bind(body.request_id).first<{ visitor_hash: string }>());
    expect(logged.visitor_hash).toBe("none");
  });

  it("gets storefront pages personalized for no one: no segment, no profile read, no identity logged", async () => {
    const page = async (anonId: string, visitorProfiles: unknown) => {
      const res = await fetchWorker(new Request("http://aura.test/", { headers: { cookie: `aura_consent=analytics,personalization; aura_aid=${anonId}`, "user-agent": "Mozilla/5.0 (iPhone) Mobile" } }), {
        VISITOR_PROFILES: visitorProfiles,
        // A busy test machine must not turn this into a fail-open page (tested in cdn/page.integration.test.ts).
        PAGE_DECISION_BUDGET_MS: "5000",
      });
      expect(res.status).toBe(200);
      return res.text();
    };
    // A visitor who did not opt out gets a segment on the same page: the check below means something.
    const control = await page("anon_optoutcontrol01", env.VISITOR_PROFILES);
    expect(control).toContain("data-aura-persona=");

    const userId = "anon_optoutpage0001";
    expect((await call("/v1/events", { body: eventsBody(userId) })).status).toBe(202);
    await optOut(userId);
    const profileCalls = { n: 0 };
    const html = await page(userId, counting(env.VISITOR_PROFILES, profileCalls));
    const ids = [...html.matchAll(/data-aura-request="(req_[0-9a-f]{32})"/g)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    expect(html).not.toContain("data-aura-persona=");
    expect(html).not.toContain("data-aura-segment=");
    expect(profileCalls.n).toBe(0);
    for (const id of ids) {
      const logged = await waitFor(() => env.DB.prepare("SELECT visitor_hash FROM decisions WHERE request_id = ?").bind(id).first<{ visitor_hash: string }>());
      expect(logged.visitor_hash).toBe("none");
    }
  });

  it("is dropped from campaign uploads and reported as an opted-out row, without their id being kept", async () => {
    await optOut("cust_optout_7");
    const csv = "customer_id,recency_days,frequency,monetary\ncust_keep_1,10,4,120\ncust_optout_7,20,2,80\ncust_keep_2,200,1,20\n";
    const res = await call("/v1/campaigns?name=OptOut", { admin: true, raw: csv, headers: { "content-type": "text/csv" } });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = await json<{ campaign_id: string; customers: number; rejected_rows: { line: number; reason: string }[]; rejected_total: number }>(res);
    expect(created.customers).toBe(2);
    expect(created.rejected_rows).toEqual([{ line: 0, reason: "opted out" }]);
    expect(created.rejected_total).toBe(1);
    const kept = await env.DB.prepare("SELECT customer_id FROM campaign_customers WHERE campaign_id = ? ORDER BY customer_id").bind(created.campaign_id).all<{ customer_id: string }>();
    expect(kept.results.map((r) => r.customer_id)).toEqual(["cust_keep_1", "cust_keep_2"]);
    const stored = await env.DB.prepare("SELECT rejected_rows FROM campaigns WHERE id = ?").bind(created.campaign_id).first<{ rejected_rows: string }>();
    expect(stored!.rejected_rows).not.toContain("cust_optout_7");
  });
});

describe("opt-outs recorded by another isolate", () => {
  it("are honoured once this isolate's background read has seen them", async () => {
    const userId = "anon_optout_elsewhere";
    // As if another isolate had recorded it: only D1 knows.
    await env.DB.prepare("INSERT INTO opt_outs (visitor_hash, opted_out_at) VALUES (?, ?)").bind(await hashOf(userId), new Date().toISOString()).run();
    const fresh = { OPT_OUT_REFRESH_SECONDS: "0" };
    // Any request past the refresh interval reads what is new in the background, after its answer: the
    // visitor's own ranks turn unpersonalized once that read lands (asked again until then, without writing)...
    expect((await call("/v1/rank", { body: rankBody("anon_optout_someone_else"), env: fresh })).status).toBe(200);
    await waitFor(async () => (await json<{ personalized: boolean }>(await call("/v1/rank", { body: rankBody(userId), env: fresh }))).personalized === false);
    // ...and from then on the visitor is refused and served without personalization.
    await expectError(await call("/v1/events", { body: eventsBody(userId), env: fresh }), 403, "consent_required");
    expect(await json(await call("/v1/rank", { body: rankBody(userId), env: fresh }))).toMatchObject({ personalized: false, segment: null });
  });
});

describe("the /v1/rank hot path with opt-outs on record", () => {
  it("makes no D1 query per request, for opted-out visitors and everyone else", async () => {
    await optOut("anon_optout_hot");
    const quiet = { SNAPSHOT_TTL_SECONDS: "3600", BANDIT_SNAPSHOT_TTL_SECONDS: "3600", OPT_OUT_REFRESH_SECONDS: "3600" };
    // Warm every isolate-level snapshot first; then count.
    expect((await call("/v1/rank", { body: rankBody("anon_optout_warm"), env: quiet })).status).toBe(200);
    const d1 = { n: 0 };
    const watched = { ...quiet, DB: counting(env.DB, d1) };
    for (const anonId of ["anon_optout_hot", "anon_not_opted_1", "anon_optout_hot", "anon_not_opted_2"]) {
      const res = await call("/v1/rank", { body: rankBody(anonId), env: watched });
      expect(res.status).toBe(200);
      expect((await json<{ personalized: boolean }>(res)).personalized).toBe(anonId !== "anon_optout_hot");
    }
    expect(d1.n).toBe(0);
  });
});
