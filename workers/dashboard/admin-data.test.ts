// The dashboard's admin read models in workerd against D1: rows are seeded with SQL, and every number is checked
// against an expectation worked out by hand from those rows. The routers are mounted here the way app.ts mounts
// its own (request ids, admin auth on /v1/admin/*, latency recording, one error shape).
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { beforeAll, describe, expect, it } from "vitest";
import { campaigns, decisions, feedback, segmentAssignments } from "../../shared/db/schema";
import { bulkInsert } from "../data/bulk";
import { ApiError, errorResponse } from "../http/errors";
import { latencyRecorder } from "../http/latency";
import { adminAuth, requestId, type AppEnv } from "../http/middleware";
import { adminDataRouter } from "../routes/admin-data";
import { ADMIN_KEY, call, expectError, json } from "../test/helpers";

const app = new Hono<AppEnv>();
app.use("*", requestId());
app.use("*", latencyRecorder());
app.use("/v1/admin/*", adminAuth());
app.route("/v1/admin", adminDataRouter);
app.notFound((c) => errorResponse(c, new ApiError(404, "not_found", "no route")));
app.onError((err, c) => errorResponse(c, err));

function get(path: string, auth = true): Promise<Response> {
  return Promise.resolve(app.request(path, { headers: auth ? { authorization: `Bearer ${ADMIN_KEY}` } : {} }, env));
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

type DecisionRow = typeof decisions.$inferInsert;
type FeedbackRow = typeof feedback.$inferInsert;

function decision(requestId: string, decidedAt: string, over: Partial<DecisionRow> = {}): DecisionRow {
  return {
    requestId, visitorHash: `vh_${requestId}`, surfaceId: "homepage.hero", segmentId: "seg_learn_mobile_new", experimentId: null, banditSegment: null,
    arm: null, propensity: 1, holdout: false, items: ["c101", "c102"], policyVersion: "2026-11-21", decidedAt, topScore: 0.5, ...over,
  };
}

let fb = 0;
function reward(requestId: string, itemId: string, rewardType: string, over: Partial<FeedbackRow> = {}): FeedbackRow {
  fb++;
  return {
    id: `fb_dash_${fb}`, dedupeKey: `${requestId}|${itemId}|${rewardType}`, requestId, itemId, rewardType, value: 1, occurredAt: iso(Date.now()), receivedAt: iso(Date.now()),
    status: "recorded", reason: null, experimentId: null, segmentId: null, arm: null, context: null, ...over,
  };
}

async function insert(statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length > 0) await env.DB.batch(statements);
}

describe("GET /v1/admin/personas", () => {
  beforeAll(async () => {
    await env.DB.prepare("DELETE FROM segment_assignments").run();
    const now = Date.now();
    const row = (v: string, persona: string, segmentId: string, hoursAgo: number) => ({
      visitorHash: v, persona, segmentId, confidence: 0.8, intent: "learn", deviceClass: "mobile", recency: "new", assignedAt: iso(now - hoursAgo * HOUR),
    });
    await insert(
      bulkInsert(env.DB, segmentAssignments, [
        row("v1", "novice_shopper", "seg_learn_mobile_new", 1),
        row("v2", "novice_shopper", "seg_learn_mobile_new", 5),
        row("v3", "novice_shopper", "seg_learn_desktop_new", 23),
        row("v4", "shopper_pro", "seg_buy_desktop_returning", 2),
        row("v5", "vector_first", "seg_browse_mobile_new", 0.5),
        // Outside the last 24 hours, inside the last 48.
        row("v6", "photo_first", "seg_browse_desktop_new", 30),
        row("v7", "photo_first", "seg_browse_desktop_new", 40),
        // Outside both.
        row("v8", "shopper_pro", "seg_buy_desktop_returning", 100),
      ]),
    );
  });

  it("counts visitors per persona in the last 24 h with shares, idle personas at zero, and the top segments", async () => {
    const res = await get("/v1/admin/personas");
    expect(res.status).toBe(200);
    const body = await json<{ window_hours: number; total: number; source: string; personas: { persona: string; count: number; share: number }[]; segments: { segment_id: string; count: number; share: number }[] }>(res);
    expect(body.window_hours).toBe(24);
    expect(body.source).toBe("segment_assignments");
    expect(body.total).toBe(5);
    // 3/5, 1/5, 1/5; then the configured personas nobody is in, alphabetically.
    expect(body.personas).toEqual([
      { persona: "novice_shopper", count: 3, share: 0.6 },
      { persona: "shopper_pro", count: 1, share: 0.2 },
      { persona: "vector_first", count: 1, share: 0.2 },
      { persona: "general", count: 0, share: 0 },
      { persona: "photo_first", count: 0, share: 0 },
    ]);
    expect(body.segments).toEqual([
      { segment_id: "seg_learn_mobile_new", count: 2, share: 0.4 },
      { segment_id: "seg_browse_mobile_new", count: 1, share: 0.2 },
      { segment_id: "seg_buy_desktop_returning", count: 1, share: 0.2 },
      { segment_id: "seg_learn_desktop_new", count: 1, share: 0.2 },
    ]);
  });

  it("widens the window with ?hours", async () => {
    const body = await json<{ total: number; personas: { persona: string; count: number; share: number }[] }>(await get("/v1/admin/personas?hours=48"));
    expect(body.total).toBe(7);
    expect(body.personas.find((p) => p.persona === "photo_first")).toEqual({ persona: "photo_first", count: 2, share: 0.285714 });
    expect(body.personas[0]).toEqual({ persona: "novice_shopper", count: 3, share: 0.428571 });
  });

  it("400 for hours out of range, not a number, or an unknown parameter; 401 without the key", async () => {
    for (const q of ["hours=0", "hours=abc", "hours=2.5", "hours=100000", "window=24"]) {
      await expectError(await get(`/v1/admin/personas?${q}`), 400, "invalid_request");
    }
    const err = await expectError(await get("/v1/admin/personas?hours=0"), 400);
    expect(err.details![0]!.field).toBe("hours");
    await expectError(await get("/v1/admin/personas", false), 401);
  });
});

describe("GET /v1/admin/decisions", () => {
  const t0 = Date.parse("2026-11-20T10:00:00.000Z");
  beforeAll(async () => {
    await insert(
      bulkInsert(env.DB, decisions, [
        decision("req_d1", iso(t0), { surfaceId: "homepage.hero", segmentId: "seg_a", experimentId: "exp_x", arm: "control", propensity: 0.5 }),
        decision("req_d2", iso(t0 + 1000), { surfaceId: "homepage.carousel", segmentId: "seg_a" }),
        decision("req_d3", iso(t0 + 2000), { surfaceId: "homepage.hero", segmentId: "seg_b", experimentId: "exp_x", arm: "bold", propensity: 0.25, holdout: false, topScore: 0.91 }),
        // Two decisions logged in the same millisecond: paging must not lose one at a page boundary.
        decision("req_d4a", iso(t0 + 3000), { surfaceId: "homepage.hero", segmentId: "seg_b" }),
        decision("req_d4b", iso(t0 + 3000), { surfaceId: "homepage.hero", segmentId: "seg_a", experimentId: "exp_x", arm: "control", holdout: true }),
        decision("req_d5", iso(t0 + 4000), { surfaceId: "content.guides", segmentId: null, items: ["c200"], topScore: null }),
      ]),
    );
  });

  type Page = { decisions: Record<string, unknown>[]; next_before: string | null; next_before_id: string | null };
  const ids = (p: Page) => p.decisions.map((d) => String(d.request_id));

  it("lists newest first with the contract's fields and never the visitor hash", async () => {
    const page = await json<Page>(await get("/v1/admin/decisions?limit=50"));
    expect(ids(page)).toEqual(["req_d5", "req_d4b", "req_d4a", "req_d3", "req_d2", "req_d1"]);
    expect(page.next_before).toBeNull();
    expect(page.decisions.find((d) => d.request_id === "req_d3")).toEqual({
      request_id: "req_d3", surface_id: "homepage.hero", segment_id: "seg_b", experiment_id: "exp_x", arm: "bold", propensity: 0.25, holdout: false,
      items: ["c101", "c102"], policy_version: "2026-11-21", decided_at: "2026-11-20T10:00:02.000Z", top_score: 0.91,
    });
    expect(page.decisions.find((d) => d.request_id === "req_d4b")!.holdout).toBe(true);
    expect(page.decisions.find((d) => d.request_id === "req_d5")).toMatchObject({ segment_id: null, items: ["c200"], top_score: null });
    for (const d of page.decisions) expect(Object.keys(d)).not.toContain("visitor_hash");
    const raw = await (await get("/v1/admin/decisions")).text();
    expect(raw).not.toContain("vh_req_");
  });

  it("filters by surface, segment and experiment, alone and together", async () => {
    expect(ids(await json<Page>(await get("/v1/admin/decisions?surface=homepage.hero")))).toEqual(["req_d4b", "req_d4a", "req_d3", "req_d1"]);
    expect(ids(await json<Page>(await get("/v1/admin/decisions?segment=seg_a")))).toEqual(["req_d4b", "req_d2", "req_d1"]);
    expect(ids(await json<Page>(await get("/v1/admin/decisions?experiment=exp_x")))).toEqual(["req_d4b", "req_d3", "req_d1"]);
    expect(ids(await json<Page>(await get("/v1/admin/decisions?surface=homepage.hero&segment=seg_a&experiment=exp_x")))).toEqual(["req_d4b", "req_d1"]);
    expect(ids(await json<Page>(await get("/v1/admin/decisions?surface=nowhere")))).toEqual([]);
    // A cleared form field is no filter.
    expect(ids(await json<Page>(await get("/v1/admin/decisions?surface=&segment=seg_b")))).toEqual(["req_d4a", "req_d3"]);
  });

  it("pages with next_before (and next_before_id) through every row exactly once", async () => {
    const seen: string[] = [];
    let query = "limit=2";
    const pages: Page[] = [];
    for (let guard = 0; guard < 10; guard++) {
      const page = await json<Page>(await get(`/v1/admin/decisions?${query}`));
      pages.push(page);
      seen.push(...ids(page));
      if (!page.next_before) break;
      query = `limit=2&before=${encodeURIComponent(page.next_before)}&before_id=${encodeURIComponent(page.next_before_id!)}`;
    }
    expect(seen).toEqual(["req_d5", "req_d4b", "req_d4a", "req_d3", "req_d2", "req_d1"]);
    expect(pages.map((p) => p.next_before)).toEqual(["2026-11-20T10:00:03.000Z", "2026-11-20T10:00:02.000Z", null]);
    expect(pages[0]!.next_before_id).toBe("req_d4b");
  });

  it("takes before alone as a strict time bound, in any ISO offset", async () => {
    expect(ids(await json<Page>(await get("/v1/admin/decisions?before=2026-11-20T10:00:03Z")))).toEqual(["req_d3", "req_d2", "req_d1"]);
    // The same instant written with an offset (normalised before comparing with stored UTC strings).
    expect(ids(await json<Page>(await get(`/v1/admin/decisions?before=${encodeURIComponent("2026-11-20T11:00:02+01:00")}`)))).toEqual(["req_d2", "req_d1"]);
  });

  it("400 for a bad limit, before or unknown parameter", async () => {
    for (const q of ["limit=0", "limit=201", "limit=ten", "before=yesterday", "before=2026-13-01T00:00:00Z", "before_id=req_d1", "visitor_hash=x", `surface=${"x".repeat(200)}`]) {
      await expectError(await get(`/v1/admin/decisions?${q}`), 400, "invalid_request");
    }
  });
});

describe("GET /v1/admin/experiments/:id/timeseries", () => {
  const EXP = "exp_dash_ts";
  const hour0 = Math.floor(Date.now() / HOUR) * HOUR;
  const A = hour0 - 3 * HOUR;
  const B = hour0 - 2 * HOUR;
  const C = hour0 - HOUR;

  beforeAll(async () => {
    const created = await call("/v1/experiments", {
      admin: true,
      body: { id: EXP, surface_id: "homepage.hero", allocation: "fixed", metric: "click", variants: [{ id: "control", weight: 0.5 }, { id: "bold", weight: 0.5 }] },
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const d = (id: string, at: number, arm: string, over: Partial<DecisionRow> = {}) => decision(id, iso(at), { experimentId: EXP, arm, ...over });
    await insert([
      ...bulkInsert(env.DB, decisions, [
        // Bucket A: control 4 decisions (2 clicked, one of them twice on two items), bold 2 (1 clicked, 1 purchase).
        d("ts_a1", A + 60_000, "control"),
        d("ts_a2", A + 120_000, "control"),
        d("ts_a3", A + 180_000, "control"),
        d("ts_a4", A + 59 * 60_000, "control"),
        d("ts_a5", A + 600_000, "bold"),
        d("ts_a6", A + 700_000, "bold"),
        // Bucket B: control 1 (no click), bold 3 (all clicked), and a holdout decision that was clicked.
        d("ts_b1", B + 1000, "control"),
        d("ts_b2", B + 2000, "bold"),
        d("ts_b3", B + 3000, "bold"),
        d("ts_b4", B + 3_599_000, "bold"),
        d("ts_b5", B + 5000, "control", { holdout: true }),
        // Not counted: before since, another experiment, and a decision outside any experiment.
        d("ts_old", A - 2 * HOUR, "bold"),
        decision("ts_other", iso(A + 1000), { experimentId: "exp_other", arm: "bold" }),
        decision("ts_none", iso(A + 1000)),
      ]),
      ...bulkInsert(env.DB, feedback, [
        reward("ts_a1", "c101", "click", { status: "applied" }),
        reward("ts_a1", "c102", "click", { status: "applied" }),
        reward("ts_a2", "c101", "click", { status: "applied" }),
        reward("ts_a2", "c101", "impression"),
        // Rejected feedback never counts; a zero-valued click is not a click.
        reward("ts_a3", "c999", "click", { status: "rejected", reason: "item c999 was not served by ts_a3" }),
        reward("ts_a4", "c101", "click", { value: 0 }),
        reward("ts_a5", "c101", "click", { status: "applied" }),
        reward("ts_a6", "c102", "purchase", { value: 49 }),
        reward("ts_b2", "c101", "click", { status: "applied" }),
        reward("ts_b3", "c101", "click", { status: "applied" }),
        reward("ts_b4", "c102", "click", { status: "applied" }),
        reward("ts_b4", "c102", "add_to_cart"),
        reward("ts_b5", "c101", "click"),
        reward("ts_old", "c101", "click", { status: "applied" }),
        reward("ts_other", "c101", "click", { status: "applied" }),
      ]),
    ]);
  });

  type Point = { arm: string; decisions: number; clicks: number; ctr: number | null; traffic_share: number | null; conversions: number; conversion_rate: number | null; rewards: Record<string, number> };
  type Series = {
    experiment_id: string; metric: string; bucket: string; since: string; arms: string[];
    buckets: { start: string; decisions: number; arms: Point[]; holdout: { decisions: number; clicks: number; ctr: number | null } }[];
    totals: { arm: string; decisions: number; clicks: number; ctr: number | null; traffic_share: number; conversions: number }[];
  };

  it("buckets by hour: decisions, clicks, CTR and traffic share per arm, with empty hours kept", async () => {
    const res = await get(`/v1/admin/experiments/${EXP}/timeseries?bucket=hour&since=${encodeURIComponent(iso(A + 25 * 60_000))}`);
    expect(res.status, await res.clone().text()).toBe(200);
    const ts = await json<Series>(res);
    expect(ts).toMatchObject({ experiment_id: EXP, metric: "click", bucket: "hour", arms: ["control", "bold"] });
    // since inside an hour starts at that hour.
    expect(ts.since).toBe(iso(A));
    const at = (ms: number) => ts.buckets.find((b) => b.start === iso(ms))!;
    expect(ts.buckets[0]!.start).toBe(iso(A));
    expect(ts.buckets.length).toBeGreaterThanOrEqual(4); // A, B, C and the current hour

    const a = at(A);
    expect(a.decisions).toBe(6);
    expect(a.arms[0]).toEqual({
      arm: "control", decisions: 4, clicks: 2, ctr: 0.5, traffic_share: 0.666667, conversions: 2, conversion_rate: 0.5,
      rewards: { impression: 1, click: 3, add_to_cart: 0, purchase: 0, dismiss: 0 },
    });
    expect(a.arms[1]).toEqual({
      arm: "bold", decisions: 2, clicks: 1, ctr: 0.5, traffic_share: 0.333333, conversions: 1, conversion_rate: 0.5,
      rewards: { impression: 0, click: 1, add_to_cart: 0, purchase: 1, dismiss: 0 },
    });
    expect(a.holdout).toEqual({ decisions: 0, clicks: 0, ctr: null });

    const b = at(B);
    expect(b.decisions).toBe(4);
    expect(b.arms.map((p) => [p.arm, p.decisions, p.clicks, p.ctr, p.traffic_share])).toEqual([["control", 1, 0, 0, 0.25], ["bold", 3, 3, 1, 0.75]]);
    expect(b.arms[1]!.rewards.add_to_cart).toBe(1);
    expect(b.holdout).toEqual({ decisions: 1, clicks: 1, ctr: 1 });

    const c = at(C);
    expect(c.decisions).toBe(0);
    expect(c.arms).toEqual([
      { arm: "control", decisions: 0, clicks: 0, ctr: null, traffic_share: null, conversions: 0, conversion_rate: null, rewards: { impression: 0, click: 0, add_to_cart: 0, purchase: 0, dismiss: 0 } },
      { arm: "bold", decisions: 0, clicks: 0, ctr: null, traffic_share: null, conversions: 0, conversion_rate: null, rewards: { impression: 0, click: 0, add_to_cart: 0, purchase: 0, dismiss: 0 } },
    ]);

    // control 5 decisions / 2 clicks, bold 5 / 4; the old decision and other experiments stay out.
    expect(ts.totals).toEqual([
      { arm: "control", decisions: 5, clicks: 2, ctr: 0.4, traffic_share: 0.5, conversions: 2, conversion_rate: 0.4 },
      { arm: "bold", decisions: 5, clicks: 4, ctr: 0.8, traffic_share: 0.5, conversions: 4, conversion_rate: 0.8 },
    ]);
  });

  it("buckets by UTC day", async () => {
    const exp = "exp_dash_days";
    const created = await call("/v1/experiments", {
      admin: true,
      body: { id: exp, surface_id: "content.guides", allocation: "fixed", metric: "click", variants: [{ id: "control", weight: 0.5 }, { id: "b", weight: 0.5 }] },
    });
    expect(created.status).toBe(201);
    const today = Math.floor(Date.now() / DAY) * DAY;
    const d3 = today - 3 * DAY;
    const d2 = today - 2 * DAY;
    await insert([
      ...bulkInsert(env.DB, decisions, [
        decision("day_1", iso(d3 + 10 * HOUR), { experimentId: exp, arm: "control" }),
        decision("day_2", iso(d3 + 23 * HOUR + 59 * 60_000), { experimentId: exp, arm: "control" }),
        decision("day_3", iso(d3 + 1000), { experimentId: exp, arm: "b" }),
        decision("day_4", iso(d2), { experimentId: exp, arm: "b" }),
        decision("day_5", iso(d2 + 12 * HOUR), { experimentId: exp, arm: "b" }),
      ]),
      ...bulkInsert(env.DB, feedback, [reward("day_2", "c101", "click"), reward("day_4", "c101", "click"), reward("day_5", "c101", "click")]),
    ]);
    const ts = await json<Series>(await get(`/v1/admin/experiments/${exp}/timeseries?bucket=day&since=${iso(d3 + 5 * HOUR)}`));
    expect(ts.since).toBe(iso(d3));
    expect(ts.buckets.map((b) => b.start)).toEqual([iso(d3), iso(d2), iso(today - DAY), iso(today)]);
    expect(ts.buckets[0]!.arms.map((p) => [p.arm, p.decisions, p.clicks, p.ctr, p.traffic_share])).toEqual([["control", 2, 1, 0.5, 0.666667], ["b", 1, 0, 0, 0.333333]]);
    expect(ts.buckets[1]!.arms.map((p) => [p.arm, p.decisions, p.clicks, p.ctr, p.traffic_share])).toEqual([["control", 0, 0, null, 0], ["b", 2, 2, 1, 1]]);
    expect(ts.buckets[2]!.decisions).toBe(0);
  });

  it("defaults to the last 48 hours by the hour", async () => {
    const ts = await json<Series>(await get(`/v1/admin/experiments/${EXP}/timeseries`));
    expect(ts.bucket).toBe("hour");
    expect(ts.buckets.length).toBeGreaterThanOrEqual(49);
    expect(ts.buckets.length).toBeLessThanOrEqual(50);
    expect(ts.totals.map((t) => t.decisions)).toEqual([5, 6]); // the decision 5 h back is inside 48 h
  });

  it("400 for a bad bucket, since or range; 404 for an unknown experiment", async () => {
    for (const q of ["bucket=week", "since=last-tuesday", `since=${iso(Date.now() - 40 * DAY)}`, "bucket=day&since=2020-01-01T00:00:00Z", "granularity=hour"]) {
      await expectError(await get(`/v1/admin/experiments/${EXP}/timeseries?${q}`), 400, "invalid_request");
    }
    // 40 days back is fine by the day.
    expect((await get(`/v1/admin/experiments/${EXP}/timeseries?bucket=day&since=${iso(Date.now() - 40 * DAY)}`)).status).toBe(200);
    await expectError(await get("/v1/admin/experiments/Not%20An%20Id/timeseries"), 400);
    await expectError(await get("/v1/admin/experiments/exp_missing/timeseries"), 404, "not_found");
  });
});

describe("GET /v1/admin/campaigns", () => {
  beforeAll(async () => {
    const row = (id: string, name: string, createdAt: string, over: Partial<typeof campaigns.$inferInsert> = {}): typeof campaigns.$inferInsert => ({
      id, name, status: "created", stage: "uploaded", done: 0, total: 0, settings: { seed: 1 }, uploadKind: "customers", customers: 10, rejectedRows: [],
      createdAt, updatedAt: createdAt, ...over,
    });
    await insert(
      bulkInsert(env.DB, campaigns, [
        row("cmp_00000000000000a1", "Spring", "2026-11-01T00:00:00.000Z", { status: "completed", stage: "done", done: 3, total: 3, generator: "template", approvedAt: "2026-11-02T00:00:00.000Z" }),
        row("cmp_00000000000000a2", "Summer <b>sale</b>", "2026-11-03T00:00:00.000Z", { status: "awaiting_approval", stage: "review", done: 40, total: 40, customers: 1200, generator: "claude" }),
        row("cmp_00000000000000a3", "Autumn", "2026-11-02T00:00:00.000Z", { status: "running", stage: "generate", done: 2, total: 9 }),
      ]),
    );
  });

  it("lists campaigns newest first with status and progress", async () => {
    const body = await json<{ campaigns: Record<string, unknown>[] }>(await get("/v1/admin/campaigns"));
    expect(body.campaigns.map((c) => c.campaign_id)).toEqual(["cmp_00000000000000a2", "cmp_00000000000000a3", "cmp_00000000000000a1"]);
    expect(body.campaigns[0]).toEqual({
      campaign_id: "cmp_00000000000000a2", name: "Summer <b>sale</b>", status: "awaiting_approval", stage: "review", done: 40, total: 40, customers: 1200,
      generator: "claude", created_at: "2026-11-03T00:00:00.000Z", approved_at: null,
    });
    expect(body.campaigns[2]).toMatchObject({ status: "completed", approved_at: "2026-11-02T00:00:00.000Z", generator: "template" });
    expect((await json<{ campaigns: unknown[] }>(await get("/v1/admin/campaigns?limit=1"))).campaigns).toHaveLength(1);
  });

  it("400 for a bad limit", async () => {
    await expectError(await get("/v1/admin/campaigns?limit=0"), 400, "invalid_request");
    await expectError(await get("/v1/admin/campaigns?limit=many"), 400, "invalid_request");
  });
});

describe("GET /v1/admin/latency", () => {
  it("reports this isolate's percentiles per route pattern, with parameters left as patterns", async () => {
    await get("/v1/admin/experiments/exp_missing/timeseries");
    await get("/v1/admin/campaigns");
    const res = await get("/v1/admin/latency");
    expect(res.status).toBe(200);
    const body = await json<{ scope: string; note: string; window: number; routes: { method: string; route: string; count: number; p50_ms: number; p95_ms: number; p99_ms: number; max_ms: number }[] }>(res);
    expect(body.scope).toBe("isolate");
    expect(body.window).toBe(2048);
    const routes = body.routes.map((r) => `${r.method} ${r.route}`);
    expect(routes).toContain("GET /v1/admin/campaigns");
    expect(routes).toContain("GET /v1/admin/experiments/:id/timeseries");
    expect(routes.some((r) => r.includes("exp_missing"))).toBe(false);
    for (const r of body.routes) {
      expect(r.count).toBeGreaterThan(0);
      expect(r.p50_ms).toBeLessThanOrEqual(r.p95_ms);
      expect(r.p95_ms).toBeLessThanOrEqual(r.p99_ms);
      expect(r.p99_ms).toBeLessThanOrEqual(r.max_ms);
    }
    await expectError(await get("/v1/admin/latency", false), 401);
  });
});
