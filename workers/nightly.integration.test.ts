// The nightly jobs through the Worker's scheduled handler in workerd, on seeded D1 data: retention deletes
// only what is past its age, drift is flagged when a distribution moved, each night's jobs run once, a failed
// run resumes, and admin health shows it all.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { syntheticHistory } from "../shared/catalog/history";
import { hashVisitorId } from "../shared/privacy";
import { decodeItemVectors } from "../shared/recsys/vectors";
import worker from "./index";
import { NIGHTLY_JOBS } from "./jobs/nightly";
import { call, json, seedDemo } from "./test/helpers";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-21T03:00:00.000Z");
const iso = (ms: number) => new Date(ms).toISOString();

async function nightly(at = NOW): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: "0 3 * * *", scheduledTime: at }), env, ctx);
  await waitOnExecutionContext(ctx);
}

async function count(sql: string): Promise<number> {
  return (await env.DB.prepare(sql).first<{ n: number }>())!.n;
}

/** n values from a deterministic spread around `mean`. */
function spread(n: number, mean: number, width: number): number[] {
  return Array.from({ length: n }, (_, i) => mean + width * ((i * 0.6180339887) % 1 - 0.5));
}

async function bulk(table: string, rows: Record<string, unknown>[]): Promise<void> {
  const cols = Object.keys(rows[0]!);
  await env.DB.prepare(`INSERT INTO ${table} (${cols.join(", ")}) SELECT ${cols.map((c) => `json_extract(value, '$.${c}')`).join(", ")} FROM json_each(?)`).bind(JSON.stringify(rows)).run();
}

interface Health {
  components: {
    jobs: { status: string; runs: { job: string; run_key: string; status: string; attempts: number; outcome: Record<string, unknown> | null }[] };
    drift: { flag: boolean; checks: { name: string; drift: boolean; p_value?: number }[] };
  };
}

describe("nightly jobs on the cron trigger", () => {
  it("purges only what is past retention, in bounded batches, and keeps the rest", async () => {
    const event = (id: string, ageDays: number) => ({ id, visitor_hash: "vh_ret", session_id: "s", type: "page_view", ts: iso(NOW - ageDays * DAY), received_at: iso(NOW - ageDays * DAY) });
    await bulk("events", [...Array.from({ length: 30 }, (_, i) => event(`ev_old_${i}`, 400 + i)), ...Array.from({ length: 20 }, (_, i) => event(`ev_new_${i}`, 10 + i))]);
    const assignment = (id: string, ageDays: number) => ({ visitor_hash: id, segment_id: "seg_x", persona: "general", confidence: 0.5, intent: "browse", device_class: "mobile", recency: "new", assigned_at: iso(NOW - ageDays * DAY) });
    await bulk("segment_assignments", [assignment("vh_ret_a", 120), assignment("vh_ret_b", 5)]);
    const deadLetter = (id: string, ageDays: number) => ({ message_id: id, queue: "aura-feedback-dlq", kind: "events", body: "{}", attempts: 1, dead_at: iso(NOW - ageDays * DAY) });
    await bulk("dead_letters", [deadLetter("msg_ret_old", 400), deadLetter("msg_ret_new", 3)]);
    await nightly();
    expect(await count("SELECT count(*) AS n FROM dead_letters WHERE message_id LIKE 'msg_ret_%'")).toBe(1);
    expect(await count("SELECT count(*) AS n FROM dead_letters WHERE message_id = 'msg_ret_new'")).toBe(1);
    expect(await count("SELECT count(*) AS n FROM events WHERE id LIKE 'ev_old_%'")).toBe(0);
    expect(await count("SELECT count(*) AS n FROM events WHERE id LIKE 'ev_new_%'")).toBe(20);
    expect(await count("SELECT count(*) AS n FROM segment_assignments WHERE visitor_hash LIKE 'vh_ret_%'")).toBe(1);
    const run = await env.DB.prepare("SELECT status, outcome FROM job_runs WHERE job = 'retention' AND run_key = '2026-11-21'").first<{ status: string; outcome: string }>();
    expect(run!.status).toBe("succeeded");
    expect(JSON.parse(run!.outcome)).toMatchObject({ deleted: { events: 30, segment_assignments: 1, dead_letters: 1 }, complete: true });
  });

  it("runs a night's jobs once: the same night again is skipped, a failed run resumes and counts its attempts", async () => {
    const before = await count("SELECT count(*) AS n FROM job_runs");
    await nightly();
    expect(await count("SELECT count(*) AS n FROM job_runs")).toBe(before);
    expect(await count("SELECT attempts AS n FROM job_runs WHERE job = 'retention' AND run_key = '2026-11-21'")).toBe(1);
    // The next night's retention died halfway (its isolate was evicted): the cron's rerun picks it up.
    await env.DB.prepare("INSERT INTO job_runs (job, run_key, status, started_at, error) VALUES ('retention', '2026-11-22', 'failed', ?, 'evicted')").bind(iso(NOW + DAY)).run();
    await nightly(NOW + DAY);
    const resumed = await env.DB.prepare("SELECT status, attempts, error FROM job_runs WHERE job = 'retention' AND run_key = '2026-11-22'").first<{ status: string; attempts: number; error: string | null }>();
    expect(resumed).toEqual({ status: "succeeded", attempts: 2, error: null });
  });

  it("flags drift when today's score distribution moved from yesterday's, and shows it in admin health", async () => {
    const decision = (i: number, ageMs: number, score: number) => ({
      request_id: `req_drift_${i}`, visitor_hash: "none", surface_id: "homepage.hero", propensity: 1, holdout: 0, items: "[]", policy_version: "t", decided_at: iso(NOW + 2 * DAY - ageMs), top_score: score,
    });
    // Yesterday's top scores around 0.6, today's around 0.45: the catalog or weights changed.
    const yesterday = spread(300, 0.6, 0.2).map((s, i) => decision(i, DAY + 3_600_000 + i * 1000, s));
    const today = spread(300, 0.45, 0.2).map((s, i) => decision(1000 + i, 3_600_000 + i * 1000, s));
    await bulk("decisions", [...yesterday, ...today]);
    // Persona confidence did not move.
    const conf = (i: number, ageMs: number, c: number) => ({ visitor_hash: `vh_drift_${i}`, segment_id: "seg_x", persona: "general", confidence: c, intent: "browse", device_class: "mobile", recency: "new", assigned_at: iso(NOW + 2 * DAY - ageMs) });
    await bulk("segment_assignments", [...spread(200, 0.7, 0.3).map((c, i) => conf(i, DAY + 3_600_000 + i * 1000, c)), ...spread(200, 0.7, 0.3).map((c, i) => conf(500 + i, 3_600_000 + i * 1000, c))]);
    await nightly(NOW + 2 * DAY);

    const res = await call("/v1/admin/health", { admin: true });
    const health = await json<Health>(res);
    expect(health.components.drift.flag).toBe(true);
    const byName = Object.fromEntries(health.components.drift.checks.map((c) => [c.name, c]));
    expect(byName.top_score!.drift).toBe(true);
    expect(byName.top_score!.p_value!).toBeLessThan(0.001);
    expect(byName.persona_confidence!.drift).toBe(false);
    expect(health.components.jobs.runs.map((r) => r.job).sort()).toEqual(NIGHTLY_JOBS.map((j) => j.name).sort());
    expect(health.components.jobs.status).toBe("ok");
  });

  it("segments customers from their history: RFM names and behavioural clusters, none below the k-anonymity floor", { timeout: 60_000 }, async () => {
    await seedDemo();
    const at = NOW + 3 * DAY;
    const history = syntheticHistory({ customers: 1500, days: 180, now: new Date(at), seed: 7 });
    const hashes = new Map<string, string>();
    for (const c of history.customers) hashes.set(c.visitor, await hashVisitorId(env.VISITOR_ID_SALT, c.visitor));
    const rows = history.events.map((e) => ({ id: e.id, visitor_hash: hashes.get(e.visitor)!, session_id: e.session, type: e.type, ts: e.ts, product_id: e.product_id, category: e.category, value: e.value, received_at: e.ts }));
    for (let i = 0; i < rows.length; i += 2000) await bulk("events", rows.slice(i, i + 2000));
    await nightly(at);

    const run = await env.DB.prepare("SELECT status, outcome, error FROM job_runs WHERE job = 'segmentation' AND run_key = ?").bind(new Date(at).toISOString().slice(0, 10)).first<{ status: string; outcome: string; error: string | null }>();
    expect(run!.status, run!.error ?? "").toBe("succeeded");
    const outcome = JSON.parse(run!.outcome) as { customers: number; k: number; segments: { id: string; size: number; label: string }[] };
    expect(outcome.customers).toBeGreaterThanOrEqual(1500);
    expect(outcome.k).toBeGreaterThanOrEqual(2);
    for (const seg of outcome.segments) expect(seg.size).toBeGreaterThanOrEqual(50);
    const sizes = await env.DB.prepare("SELECT segment_id, count(*) AS n FROM customer_segments GROUP BY segment_id").all<{ segment_id: string; n: number }>();
    for (const s of sizes.results) expect(s.n).toBeGreaterThanOrEqual(50);
    // RFM names follow behaviour: buyers who lapsed 75+ days ago read as slipping or gone, recent first-time buyers as new.
    const rfmOf = async (archetype: string) => {
      const ids = history.customers.filter((c) => c.archetype === archetype).map((c) => hashes.get(c.visitor)!);
      const got = await env.DB.prepare("SELECT rfm_segment AS s FROM customer_segments WHERE rfm_segment IS NOT NULL AND visitor_hash IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).all<{ s: string }>();
      return got.results.map((r) => r.s);
    };
    const lapsed = await rfmOf("lapsed");
    expect(lapsed.length).toBeGreaterThan(20);
    expect(lapsed.filter((s) => ["at_risk", "cant_lose", "hibernating", "lost", "about_to_sleep", "need_attention"].includes(s)).length / lapsed.length).toBeGreaterThan(0.8);
    const fresh = await rfmOf("new");
    expect(fresh.filter((s) => ["new", "promising", "potential_loyalist", "champions", "loyal"].includes(s)).length / fresh.length).toBeGreaterThan(0.8);
    // Collaborative filtering learned the tastes (each behaviour favours its own fifth of the catalog): on the
    // time-based holdout ALS beats popularity, so its item vectors are published as the active version.
    const cf = await env.DB.prepare("SELECT outcome FROM job_runs WHERE job = 'collaborative_filtering' AND run_key = ?").bind(new Date(at).toISOString().slice(0, 10)).first<{ outcome: string }>();
    const evaluation = (JSON.parse(cf!.outcome) as { evaluation: { model: string; recall_at_10: number; users: number }[] }).evaluation;
    const recall = Object.fromEntries(evaluation.map((e) => [e.model, e.recall_at_10]));
    expect(Object.keys(recall).sort()).toEqual(["als", "content", "item_item", "popularity"]);
    expect(evaluation[0]!.users).toBeGreaterThan(100);
    expect(recall.als!).toBeGreaterThan(recall.popularity!);
    const active = await env.DB.prepare("SELECT params FROM model_versions WHERE kind = 'cf_item_vectors' AND status = 'active'").first<{ params: string }>();
    expect(decodeItemVectors(JSON.parse(active!.params)).items.ids.length).toBeGreaterThan(100);
    // The purchase-propensity model separates who buys next month from who does not (loyal buyers keep
    // buying, lapsed ones stopped), on visitors it did not train on; BG/NBD fitted the buyers.
    const runOutcome = async (job: string) => JSON.parse((await env.DB.prepare("SELECT outcome FROM job_runs WHERE job = ? AND run_key = ?").bind(job, new Date(at).toISOString().slice(0, 10)).first<{ outcome: string }>())!.outcome) as Record<string, unknown>;
    const propensity = await runOutcome("purchase_propensity");
    expect(propensity.activated, JSON.stringify(propensity)).toBe(true);
    expect(propensity.holdout_auc as number).toBeGreaterThan(0.7);
    const value = await runOutcome("customer_value");
    expect(value.activated, JSON.stringify(value)).toBe(true);
    // The persona weights were re-fitted on visitors whose purchases reveal a persona, and judged on a holdout.
    const persona = await runOutcome("persona_refresh");
    expect(persona.refit, JSON.stringify(persona)).toBe(true);
    expect(persona.train as number).toBeGreaterThanOrEqual(200);
    expect(Number.isFinite(persona.holdout_log_loss as number)).toBe(true);
    expect(persona.activated).toBe((persona.holdout_log_loss as number) <= (persona.serving_log_loss as number));
    const loyal = history.customers.find((c) => c.archetype === "loyal")!.visitor;
    const next = await call(`/v1/users/${loyal}/next-action`, { admin: true });
    expect(next.status, await next.clone().text()).toBe(200);
    const action = await json<{ recommended_action: string; purchase_probability_30d: number; p_alive: number | null; expected_value_90d: number | null; reasons: string[]; model_version: string }>(next);
    expect(action.model_version).toContain("customer_value:");
    expect(["offer_discount", "recommend_product", "send_message", "show_tutorial", "none"]).toContain(action.recommended_action);
    expect(action.purchase_probability_30d).toBeGreaterThan(0);
    expect(action.reasons.length).toBeGreaterThan(0);
    expect(action.model_version).toContain("purchase_propensity:");
    expect((await call("/v1/users/nobody_at_all/next-action", { admin: true })).status).toBe(404);
    expect((await call(`/v1/users/${loyal}/next-action`)).status).toBe(401);
    // GET /v1/segments shows the customer segment of a visitor known only from history.
    const visitor = history.customers.find((c) => c.archetype === "loyal")!.visitor;
    const res = await call(`/v1/segments/${visitor}`, { admin: true });
    expect(res.status).toBe(200);
    const body = await json<{ segments: { id: string; kind?: string; rfm_segment?: string | null }[] }>(res);
    expect(body.segments.find((s) => s.kind === "customer")!.id).toMatch(/^cust_cluster_/);

    // The segments feed ranking: a customer's profile store looks their segment up in the background (the
    // read that notices never waits for D1), and from then on /v1/rank places them in a micro-segment named
    // by their RFM lifecycle stage, with their cluster beside it.
    const lapsedBuyers = history.customers.filter((c) => c.archetype === "lapsed").map((c) => c.visitor);
    const row = (await env.DB.prepare("SELECT visitor_hash, segment_id, rfm_segment FROM customer_segments WHERE rfm_segment IS NOT NULL AND visitor_hash IN (SELECT value FROM json_each(?)) LIMIT 1")
      .bind(JSON.stringify(lapsedBuyers.map((v) => hashes.get(v)!)))
      .first<{ visitor_hash: string; segment_id: string; rfm_segment: string }>())!;
    const buyer = lapsedBuyers.find((v) => hashes.get(v) === row.visitor_hash)!;
    const store = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(buyer));
    expect(await store.getProfile(buyer)).toBeNull();
    let seen = null;
    for (let i = 0; i < 100 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 10));
      seen = await store.getProfile(buyer);
    }
    expect(seen?.customer_segment).toMatchObject({ cluster: row.segment_id, lifecycle: row.rfm_segment });
    const rankAs = async (anon: string) =>
      json<{ segment: { id: string; name: string; features: { lifecycle: string; customer_segment: string | null; recency: string } }; experiment: { id: string } | null }>(
        await call("/v1/rank", { body: { surface_id: "homepage.hero", user_ctx: { anon_id: anon, consent: ["personalization"], device: "desktop" } } }),
      );
    const ranked = await rankAs(buyer);
    expect(ranked.segment.features).toMatchObject({ lifecycle: row.rfm_segment, customer_segment: row.segment_id });
    expect(ranked.segment.id.endsWith(`_${row.rfm_segment}`)).toBe(true);
    const stranger = await rankAs("anon_never_seen_before");
    expect(stranger.segment.features).toMatchObject({ lifecycle: "new", customer_segment: null, recency: "new" });
    // An experiment targeted at the buyer's lifecycle stage enrols them and leaves the stranger out.
    const targeted = await call("/v1/experiments", {
      admin: true,
      body: { id: "exp_winback", surface_id: "homepage.hero", allocation: "fixed", eligible_segments: [row.rfm_segment], variants: [{ id: "control", weight: 0.5 }, { id: "winback", weight: 0.5 }] },
    });
    expect(targeted.status, await targeted.clone().text()).toBe(201);
    expect((await rankAs(buyer)).experiment?.id).toBe("exp_winback");
    expect((await rankAs("anon_never_seen_before")).experiment).toBeNull();
  });

  it("runs the same jobs on demand under their own key", async () => {
    const res = await call("/v1/admin/segments/retrain", { method: "POST", admin: true });
    expect(res.status).toBe(200);
    const body = await json<{ run_key: string; status: string; jobs: { job: string; status: string }[] }>(res);
    expect(body.run_key).toMatch(/^manual:/);
    expect(body.status).toBe("succeeded");
    expect(body.jobs.every((j) => j.status === "succeeded")).toBe(true);
    expect(body.jobs.map((j) => j.job)).toEqual(NIGHTLY_JOBS.map((j) => j.name));
    expect((await call("/v1/admin/segments/retrain", { method: "POST" })).status).toBe(401);
  });
});
