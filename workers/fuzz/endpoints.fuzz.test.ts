// Property-based fuzzing of every route in workers/app.ts inside workerd, seeded and bounded for CI: random,
// malformed, oversized and adversarial bodies, headers, paths and query strings (workers/fuzz/arbitraries.ts)
// must never get a 5xx (beyond the contract's allowed ones), always get the contract's error shape, and a
// rejected request (4xx) must leave no trace: not in D1, not on the queue, not in a visitor's profile, not in
// the bandit's Durable Objects. `npm run bench -- --only fuzz` runs the same model much longer.
//
// A failure prints fast-check's seed and path (pass both to fc.assert to replay it) and the request itself,
// which replays with curl against `npm start` (the fixture ids differ there; the faults do not depend on them).
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoCorpus } from "../../shared/campaigns/demo-corpus";
import { hash32 } from "../../shared/hash";
import { banditShard } from "../bandit/shard";
import { handleQueue } from "../queue/consumer";
import { ADMIN_KEY, fetchWorker, seedDemo } from "../test/helpers";
import { bodyBytes, describeRequest, droppedUploads, FIXTURE, fixtureCampaignCsv, fuzzEndpoints, isApiPath, judgeResponse, learnFixtures, resolveFixtures, type FixtureValues, type FuzzEndpoint, type FuzzRequest, type ObservedResponse } from "./arbitraries";

/** The queue's own limit (Cloudflare Queues and Miniflare): a message a route builds must fit in it. */
const MAX_MESSAGE_BYTES = 128_000;
/** wrangler.toml's max_retries: past it a message goes to the dead-letter queue. */
const MAX_RETRIES = 5;
const encoder = new TextEncoder();

interface Pending {
  id: string;
  body: unknown;
  attempts: number;
}

/**
 * The queue binding the fuzzed Worker sends to: it records each message (so a rejected request that queued
 * anything is caught at once) and hands them to the real consumer synchronously (drainQueue), so a request's
 * whole effect has landed in D1 before the next one runs. The real broker would deliver up to a second later,
 * in the middle of some later request's before/after comparison; the bench drives the real broker instead.
 */
class RecordingQueue implements Queue<unknown> {
  pending: Pending[] = [];
  sent = 0;
  deadLetters: { body: unknown; endpoint: string }[] = [];

  metrics(): Promise<QueueMetrics> {
    return Promise.resolve({ backlogCount: this.pending.length, backlogBytes: 0 });
  }

  send(body: unknown): Promise<QueueSendResponse> {
    const json = JSON.stringify(body);
    const bytes = encoder.encode(json).byteLength;
    if (bytes > MAX_MESSAGE_BYTES) return Promise.reject(new Error(`Queue send failed: message length of ${bytes} bytes exceeds limit of ${MAX_MESSAGE_BYTES}`));
    this.sent++;
    this.pending.push({ id: `msg_${this.sent}`, body: JSON.parse(json) as unknown, attempts: 1 });
    return Promise.resolve({ metadata: { metrics: { backlogCount: this.pending.length, backlogBytes: 0 } } });
  }

  async sendBatch(messages: Iterable<MessageSendRequest<unknown>>): Promise<QueueSendBatchResponse> {
    for (const m of messages) await this.send(m.body);
    return { metadata: { metrics: { backlogCount: this.pending.length, backlogBytes: 0 } } };
  }
}

/** The parts of the test runtime's queue result we read (its declared type is not in the generated runtime types). */
interface QueueOutcome {
  retryBatch: { retry: boolean };
  retryMessages: { msgId: string }[];
}

const queue = new RecordingQueue();
/**
 * A brand-new visitor's Durable Object can take longer than production's 25 ms read budget in local workerd,
 * and the fuzz makes hundreds of new visitors: with the real budget the feature store's circuit breaker opens
 * and routes answer its 503. A slow store is the fault-injection suite's subject; this one's is bad input.
 */
const bindings = { EVENTS_QUEUE: queue, FEATURE_STORE_TIMEOUT_MS: "2000" };
const consumerEnv = { ...env, ...bindings } as Env;

/** Runs the real consumer over everything queued until nothing is left (redeliveries and deferrals included). */
async function drainQueue(endpoint: string): Promise<void> {
  for (let round = 0; queue.pending.length > 0; round++) {
    if (round > 20) throw new Error(`the queue did not drain: ${queue.pending.length} message(s) still pending`);
    const take = queue.pending.splice(0, 100);
    const batch = createMessageBatch("aura-feedback", take.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts, body: m.body })));
    const ctx = createExecutionContext();
    await handleQueue(batch, consumerEnv, ctx);
    const result = (await getQueueResult(batch, ctx)) as unknown as QueueOutcome;
    const retried = new Set(result.retryBatch.retry ? take.map((m) => m.id) : result.retryMessages.map((r) => r.msgId));
    for (const m of take) {
      if (!retried.has(m.id)) continue;
      if (m.attempts > MAX_RETRIES) queue.deadLetters.push({ body: m.body, endpoint });
      else queue.pending.push({ ...m, attempts: m.attempts + 1 });
    }
  }
}

// ------------------------------------------------------------------------------------------------ state

interface TableInfo {
  name: string;
  sql: string;
}

let tables: TableInfo[] = [];

/** Every table the app can write, found in the schema rather than listed, so new tables are covered too. */
async function loadTables(): Promise<TableInfo[]> {
  const found = await env.DB.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT IN ('d1_migrations', '_cf_METADATA', '_cf_KV') ORDER BY name").all<{ name: string; sql: string }>();
  const out: TableInfo[] = [];
  for (const t of found.results) {
    const cols = await env.DB.prepare("SELECT name FROM pragma_table_info(?)").bind(t.name).all<{ name: string }>();
    const q = (id: string) => `"${id.replace(/"/g, '""')}"`;
    const rowid = !/without\s+rowid/i.test(t.sql ?? "");
    const per = (f: (c: string) => string) => cols.results.map((c) => f(q(c.name))).join(" + ") || "0";
    // Timestamp columns follow one naming rule in the schema (created_at, ts, order_date, ...).
    const stamps = cols.results.filter((c) => /(_at|^ts|date)$/.test(c.name)).map((c) => `total(CASE WHEN ${q(c.name)} GLOB '[0-9][0-9][0-9][0-9]-*' THEN julianday(${q(c.name)}) END)`).join(" + ") || "0";
    // Row count and the highest rowid (an insert undone by a delete still moves it), byte lengths, the sum of
    // numbers, timestamps as days, and first characters weighted by row. The writes handlers make (inserts,
    // deletes, status changes, counters, updated_at stamps) all show in one of them; a same-length edit inside
    // a text that stamps nothing would not, which no route makes. A content hash of every row would cost a
    // multiple of this per request.
    out.push({
      name: t.name,
      sql: `SELECT count(*) AS n, ${rowid ? "coalesce(max(rowid), 0)" : "0"} AS r,
        ${per((c) => `total(length(CAST(${c} AS BLOB)))`)} AS len,
        ${per((c) => `total(CASE typeof(${c}) WHEN 'integer' THEN ${c} WHEN 'real' THEN ${c} ELSE 0 END)`)} AS num,
        ${stamps} AS days,
        ${per((c) => `total(${rowid ? "rowid" : "1"} * coalesce(unicode(${c}), 0))`)} AS chars
        FROM ${q(t.name)}`,
    });
  }
  return out;
}

type Fingerprint = Map<string, string>;

async function fingerprint(): Promise<Fingerprint> {
  const results = await env.DB.batch(tables.map((t) => env.DB.prepare(t.sql)));
  return new Map(tables.map((t, i) => [t.name, JSON.stringify(results[i]!.results[0])]));
}

function changedTables(before: Fingerprint, after: Fingerprint): string[] {
  return [...after].filter(([name, v]) => before.get(name) !== v).map(([name, v]) => `${name} ${before.get(name)} -> ${v}`);
}

/** Anonymous ids a body names (rank, events, assistant): their profiles must not move on a rejected request. */
function anonIdsIn(req: FuzzRequest): string[] {
  if (req.body?.kind !== "text") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.text) as unknown;
  } catch {
    return [];
  }
  const ids: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (depth > 3 || typeof v !== "object" || v === null) return;
    for (const [k, x] of Object.entries(v)) {
      if (k === "anon_id" && typeof x === "string" && x.length > 0 && x.length <= 256) ids.push(x);
      else visit(x, depth + 1);
    }
  };
  visit(parsed, 0);
  return ids.slice(0, 3);
}

/** What of a profile a write changes: its event count and last activity (interests decay with the clock). */
async function profileState(anonIds: readonly string[]): Promise<string> {
  const views = await Promise.all(anonIds.map((id) => env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName(id)).getProfile()));
  return JSON.stringify(views.map((p) => (p ? [p.event_count, p.last_seen, p.cart.length] : null)));
}

/** The fixture experiments' bandit counts, for routes that can reach the BanditShard objects. */
async function banditState(): Promise<string> {
  const ids = [fixtures[FIXTURE.banditExperiment], fixtures[FIXTURE.fixedExperiment]];
  const snaps = await Promise.all(ids.flatMap((id) => [0, 1].map((shard) => banditShard(env.BANDIT_SHARDS, id, shard).snapshot())));
  return JSON.stringify(snaps);
}

// ------------------------------------------------------------------------------------------------ requests

/** A request body that delivers `bytes` and then fails, as a client's dropped connection does mid-upload. */
function droppedUpload(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent && bytes.byteLength > 0) {
        sent = true;
        controller.enqueue(bytes);
      } else controller.error(new Error("Network connection lost."));
    },
  });
}

async function send(req: FuzzRequest): Promise<ObservedResponse> {
  let request: Request;
  try {
    const body = req.body?.kind === "truncated" ? droppedUpload(req.body.bytes) : bodyBytes(req.body);
    const headers = req.body?.kind === "truncated" ? [...req.headers.filter(([k]) => k.toLowerCase() !== "content-length"), ["content-length", String(req.body.declared)]] : req.headers;
    request = new Request(`http://aura.test${req.path}`, { method: req.method, headers, body, duplex: "half" } as RequestInit);
  } catch (err) {
    // A request fetch itself refuses to build is a bug in the arbitraries, not in aura.
    throw new Error(`the fuzz built a request no client can send (${err instanceof Error ? err.message : String(err)}): ${describeRequest(req)}`);
  }
  const res = await fetchWorker(request, bindings);
  const body = await res.text();
  return { status: res.status, header: (name) => res.headers.get(name), body };
}

async function admin(method: string, path: string, body?: string, contentType = "application/json"): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetchWorker(
    new Request(`http://aura.test${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...(body !== undefined ? { "content-type": contentType } : {}) }, body }),
    bindings,
  );
  const text = await res.text();
  await drainQueue("fixtures");
  return { status: res.status, json: text.startsWith("{") ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

// ------------------------------------------------------------------------------------------------ fixtures

const fixtures = {} as FixtureValues;

async function createCampaign(stage: "created" | "review" | "approved"): Promise<string> {
  const created = await admin("POST", "/v1/campaigns?name=Fuzz%20fixture&segments=rfm&variants_per_segment=2", fixtureCampaignCsv(), "text/csv");
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const id = String(created.json.campaign_id);
  if (stage === "created") return id;
  for (let i = 0; i < 20; i++) {
    const run = await admin("POST", `/v1/campaigns/${id}/run`);
    if (run.json.status !== "running") {
      expect(run.json.status, JSON.stringify(run.json).slice(0, 500)).toBe("awaiting_approval");
      break;
    }
  }
  if (stage === "approved") expect((await admin("POST", `/v1/campaigns/${id}/approve`)).status).toBe(200);
  return id;
}

beforeAll(async () => {
  await seedDemo();
  tables = await loadTables();
  expect((await admin("POST", "/v1/content/approved", JSON.stringify(demoCorpus))).status).toBe(201);
  const variants = [{ id: "control", weight: 0.5 }, { id: "treatment", weight: 0.5 }];
  const bandit = await admin("POST", "/v1/experiments", JSON.stringify({ id: "exp_fuzz_bandit", surface_id: "homepage.hero", variants, allocation: "bandit", segment_by: "persona", shards: 2 }));
  expect(bandit.status, JSON.stringify(bandit.json)).toBe(201);
  const fixed = await admin("POST", "/v1/experiments", JSON.stringify({ id: "exp_fuzz_fixed", surface_id: "product.related", variants, allocation: "fixed", shards: 2 }));
  expect(fixed.status, JSON.stringify(fixed.json)).toBe(201);
  // A real decision, so some feedback quotes a request id the consumer knows (and applies or records it).
  const ranked = await fetchWorker(
    new Request("http://aura.test/v1/rank", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ surface_id: "homepage.hero", user_ctx: { anon_id: "anon_fuzz_fixture", consent: ["analytics", "personalization"] } }) }),
    bindings,
  );
  const decision = (await ranked.json()) as { request_id: string; items: { content_id: string }[] };
  await drainQueue("fixtures");
  Object.assign(fixtures, {
    [FIXTURE.adminKey]: ADMIN_KEY,
    [FIXTURE.banditExperiment]: "exp_fuzz_bandit",
    [FIXTURE.fixedExperiment]: "exp_fuzz_fixed",
    [FIXTURE.decisionRequestId]: decision.request_id,
    [FIXTURE.decisionItem]: decision.items[0]?.content_id ?? "p001",
    [FIXTURE.contentId]: demoCorpus[0]!.id,
    [FIXTURE.createdCampaign]: await createCampaign("created"),
    [FIXTURE.scratchCampaign]: await createCampaign("created"),
    [FIXTURE.reviewCampaign]: await createCampaign("review"),
    [FIXTURE.approvedCampaign]: await createCampaign("approved"),
  } satisfies Omit<FixtureValues, typeof FIXTURE.fuzzedCampaign | typeof FIXTURE.fuzzedExperiment>);
  // Until the fuzz creates its own, its "latest created" campaign and experiment are fixtures too.
  fixtures[FIXTURE.fuzzedCampaign] = fixtures[FIXTURE.scratchCampaign];
  fixtures[FIXTURE.fuzzedExperiment] = fixtures[FIXTURE.banditExperiment];
}, 120_000);

// ------------------------------------------------------------------------------------------------ the properties

interface EndpointStats {
  endpoint: string;
  runs: number;
  rejected: number;
  statuses: Record<string, number>;
  ms: number;
}
const stats: EndpointStats[] = [];

/** Routes whose handlers reach the bandit's Durable Objects (arm resets, experiment changes). */
const touchesBandit = (e: FuzzEndpoint) => e.name.includes("/v1/experiments");

async function fuzz(endpoint: FuzzEndpoint, arbitrary: fc.Arbitrary<FuzzRequest> = endpoint.arbitrary, label = endpoint.name, numRuns = endpoint.runs): Promise<void> {
  const seed = hash32(`aura-fuzz:${label}`);
  const s: EndpointStats = { endpoint: label, runs: 0, rejected: 0, statuses: {}, ms: 0 };
  stats.push(s);
  const started = performance.now();
  let state = await fingerprint();
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (generated) => {
        const req = resolveFixtures(generated, fixtures);
        const anonIds = anonIdsIn(req);
        const [profilesBefore, banditBefore] = await Promise.all([profileState(anonIds), touchesBandit(endpoint) ? banditState() : Promise.resolve("")]);
        const sentBefore = queue.sent;
        const res = await send(req);
        const queued = queue.sent - sentBefore;
        await drainQueue(endpoint.name);
        const after = await fingerprint();
        s.runs++;
        s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
        const problems = judgeResponse(endpoint, req, res);
        // Only an API's 4xx is a rejection; a storefront 404 page is a page served (its slots are real decisions).
        if (res.status >= 400 && res.status < 500 && isApiPath(req.path)) {
          s.rejected++;
          if (queued > 0) problems.push(`rejected, yet ${queued} queue message(s) sent`);
          const changed = changedTables(state, after);
          if (changed.length > 0) problems.push(`rejected, yet D1 changed: ${changed.join("; ")}`);
          if ((await profileState(anonIds)) !== profilesBefore) problems.push(`rejected, yet the profile of ${anonIds.join(", ")} changed`);
          if (touchesBandit(endpoint) && (await banditState()) !== banditBefore) problems.push("rejected, yet the bandit's counts changed");
        }
        state = after;
        learnFixtures(fixtures, req, res.status, res.body);
        if (problems.length > 0) throw new Error(`${problems.join("\n")}\n  request:  ${describeRequest(req)}\n  response: ${res.status} ${res.body.slice(0, 600)}`);
      }),
      { seed, numRuns },
    );
  } finally {
    s.ms = performance.now() - started;
  }
  expect(queue.deadLetters.filter((d) => d.endpoint === endpoint.name), "accepted messages the consumer could not process").toEqual([]);
}

/** Cut-short uploads per route that reads a body: few runs, as every cut of every body is the same fault. */
const DROPPED_UPLOAD_RUNS = 15;

describe("fuzzing every endpoint (fixed seeds)", () => {
  for (const endpoint of fuzzEndpoints()) {
    it(`${endpoint.name}: no 5xx, the error shape, nothing stored on rejection`, { timeout: 120_000 }, () => fuzz(endpoint));
  }
});

describe("uploads cut short (the client goes away mid-body)", () => {
  for (const endpoint of fuzzEndpoints().filter((e) => e.readsBody)) {
    it(`${endpoint.name}: a 4xx, not a 5xx, and nothing stored`, { timeout: 60_000 }, () => fuzz(endpoint, droppedUploads(endpoint), `${endpoint.name} (cut short)`, DROPPED_UPLOAD_RUNS));
  }
});

afterAll(() => {
  const lines = stats.map((s) => `${s.endpoint.padEnd(72)} ${String(s.runs).padStart(4)} runs, ${String(s.rejected).padStart(4)} rejected, ${(s.ms / 1000).toFixed(1).padStart(5)} s  ${JSON.stringify(s.statuses)}`);
  console.log(`fuzz runs per endpoint:\n${lines.join("\n")}`);
});
