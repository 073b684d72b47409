// Realistic mixed traffic at a fixed rate: 80% POST /v1/rank, 15% POST /v1/events (small batches from visitors who
// already have a profile), 5% POST /v1/feedback on decisions served just before the run. Latency is reported per
// kind, and afterwards every accepted event and reward is looked for in D1: what the queue accepted must be stored.
import { Pool } from "undici";
import type { ClickstreamEvent } from "../shared/api/schemas";
import type { Item } from "../shared/catalog/item";
import { createRng, type Rng } from "../shared/catalog/prng";
import { HERO_EXPERIMENT } from "../scripts/warm-demo-plan";
import { anonPool, eventsRequest, rankBodies, rankRequest } from "./fixtures";
import type { HttpKit, Scenario } from "./http";
import { fixedRate, type KindResult, type TargetRequest } from "./loadgen";
import { BENCH_SECRETS, type ServedWorker } from "./server";
import { fmtMs, sleep } from "./stats";
import { POOL_SIZE, PROFILED_SHARE, profileStatusLabel } from "./workload";

type D1 = Awaited<ReturnType<ServedWorker["mf"]["getD1Database"]>>;

/**
 * One block of 20 requests: 16 rank, 3 events, 1 feedback (exactly 80/15/5), shuffled per block with a seeded
 * generator, so every second of the run carries the same mix and two runs send the same sequence.
 */
const BLOCK: readonly MixKind[] = [...Array<MixKind>(16).fill("rank"), ...Array<MixKind>(3).fill("events"), "feedback"];
export type MixKind = "rank" | "events" | "feedback";
export const MIX_LABEL = "80% rank / 15% events / 5% feedback";

/** Rewards sent per served decision: an impression of the first two cards and a click on the first. */
const REWARDS_PER_DECISION = 3;

interface ServedDecision {
  requestId: string;
  items: string[];
  /** Served by the hero bandit: a click quoting it is one of the bandit's successes. */
  bandit: boolean;
}

/** Share of the pre-pass decisions on the hero, whose bandit (BENCH_EXPERIMENTS) learns from the clicks quoting them. */
const HERO_SHARE = 0.25;

/**
 * Ranks `count` homepage carousels and heroes for pool visitors (8 in flight) and keeps what each served: the
 * decisions the run's feedback quotes. Served a few seconds before the rewards arrive, as a click follows a page
 * view. The hero's clicks are the bandit's successes: the consumer sums them into the ledger and the shards.
 */
async function serveDecisions(origin: string, items: readonly Item[], count: number, rng: Rng): Promise<ServedDecision[]> {
  const pool = anonPool(POOL_SIZE);
  const productIds = items.filter((i) => i.kind === "product").map((i) => i.id);
  const bodies = Array.from({ length: count }, () => JSON.stringify(rankRequest(rng.pick(pool), rng.chance(HERO_SHARE) ? HERO_EXPERIMENT.surface_id : "homepage.carousel", productIds, rng)));
  const client = new Pool(origin, { connections: 8 });
  const served: ServedDecision[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < bodies.length) {
          const res = await client.request({ method: "POST", path: "/v1/rank", headers: { "content-type": "application/json" }, body: bodies[next++]! });
          const text = await res.body.text();
          if (res.statusCode !== 200) throw new Error(`pre-pass POST /v1/rank -> ${res.statusCode}: ${text.slice(0, 300)}`);
          const body = JSON.parse(text) as { request_id: string; items: { content_id: string }[]; experiment?: { id: string; holdout: boolean } | null };
          const bandit = body.experiment?.id === HERO_EXPERIMENT.id && !body.experiment.holdout;
          if (body.items.length > 0) served.push({ requestId: body.request_id, items: body.items.map((i) => i.content_id), bandit });
        }
      }),
    );
  } finally {
    await client.close();
  }
  return served;
}

/** Feedback request bodies, each marked when it is a click on a bandit decision (a success the shards must count). */
function feedbackBodies(decisions: readonly ServedDecision[], at: string): { body: string; banditSuccess: boolean }[] {
  const out: { body: string; banditSuccess: boolean }[] = [];
  for (const d of decisions) {
    const rewards: [string, number, string][] = [[d.items[0]!, 1, "impression"], [d.items[1] ?? "", 2, "impression"], [d.items[0]!, 1, HERO_EXPERIMENT.metric]];
    for (const [item, position, type] of rewards) {
      if (!item) continue;
      out.push({ body: JSON.stringify({ request_id: d.requestId, item_id: item, reward: { type, value: 1, timestamp: at }, context: { position } }), banditSuccess: d.bandit && type === HERO_EXPERIMENT.metric });
    }
  }
  return out;
}

/**
 * 1-5 events (what the SDK batches in its 2 s window) for a visitor who already has a profile: events from new
 * visitors would create profiles and shift the profiled/new split the later rank scenarios report. Each event has
 * its own event_id, so every accepted event is a distinct D1 row (the count check below relies on it).
 */
function eventsBodies(items: readonly Item[], count: number, tag: string, rng: Rng): { body: string; events: number }[] {
  const known = anonPool(POOL_SIZE).slice(0, Math.round(POOL_SIZE * PROFILED_SHARE));
  const now = Date.now();
  return Array.from({ length: count }, (_, k) => {
    const req = eventsRequest(rng.pick(known), items, rng, now - rng.int(0, 60_000), rng.int(1, 5));
    req.events = req.events.map((e: ClickstreamEvent, i) => ({ ...e, event_id: `${tag}-${k}-${i}` }));
    return { body: JSON.stringify(req), events: req.events.length };
  });
}

/** Rank answers are labelled with their profile_status, events with how many were accepted, feedback "accepted". */
function mixLabel(text: string): string | null {
  if (text.startsWith('{"accepted":')) {
    const n = Number.parseInt(text.slice(12), 10);
    return n === 1 ? "1 event" : `${n} events`;
  }
  if (text.includes('"feedback_id"')) return text.includes('"status":"accepted"') ? "accepted" : "other";
  return profileStatusLabel(text);
}

/** Events accepted according to the answers: the sum over labels "<n> event(s)". */
function acceptedEvents(kind: KindResult | undefined): number {
  return Object.entries(kind?.labels ?? {}).reduce((sum, [label, n]) => sum + (Number.parseInt(label, 10) || 0) * n, 0);
}

export interface StoredCounts {
  events: number;
  feedbackStored: number;
  feedbackRejected: number;
  decisions: number;
  /** Reward-ledger rows the consumer wrote and has not applied to the bandit shards yet. */
  pendingLedger: number;
}

async function storedCounts(db: D1): Promise<StoredCounts> {
  const row = await db
    .prepare(
      `SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM feedback WHERE status != 'rejected') AS stored,
              (SELECT COUNT(*) FROM feedback WHERE status = 'rejected') AS rejected, (SELECT COUNT(*) FROM decisions) AS decisions,
              (SELECT COUNT(*) FROM reward_ledger WHERE applied = 0) AS pending`,
    )
    .first<{ events: number; stored: number; rejected: number; decisions: number; pending: number }>();
  return { events: row?.events ?? 0, feedbackStored: row?.stored ?? 0, feedbackRejected: row?.rejected ?? 0, decisions: row?.decisions ?? 0, pendingLedger: row?.pending ?? 0 };
}

const sameCounts = (a: StoredCounts, b: StoredCounts) =>
  a.events === b.events && a.feedbackStored === b.feedbackStored && a.feedbackRejected === b.feedbackRejected && a.decisions === b.decisions && a.pendingLedger === b.pendingLedger;

/**
 * The hero bandit's books, exactly: every pull and success the consumer wrote to the reward ledger has reached the
 * shards (none pending), the ledger's pulls are the bandit decisions logged, and the shards' counts (read through
 * GET /v1/experiments/:id/posteriors) equal the ledger's. Over the whole persisted state: the rank scenarios'
 * hero decisions are pulls too. Waits up to `timeoutMs` for pending ledger rows to be applied.
 */
async function banditBooks(db: D1, origin: string, timeoutMs: number, expected?: { successesBefore: number; newSuccesses: number }): Promise<{ line: string; exact: boolean; successes: number }> {
  const id = HERO_EXPERIMENT.id;
  const ledger = async () =>
    (await db
      .prepare("SELECT COALESCE(SUM(kind = 'pull'), 0) AS pulls, COALESCE(SUM(kind = 'success'), 0) AS successes, COALESCE(SUM(applied = 0), 0) AS pending FROM reward_ledger WHERE experiment_id = ?")
      .bind(id)
      .first<{ pulls: number; successes: number; pending: number }>())!;
  let books = await ledger();
  for (const until = Date.now() + timeoutMs; books.pending > 0 && Date.now() < until; books = await ledger()) await sleep(250);
  const decided = (await db.prepare("SELECT COUNT(*) AS n FROM decisions WHERE experiment_id = ? AND bandit_segment IS NOT NULL").bind(id).first<{ n: number }>())?.n ?? 0;
  const res = await fetch(`${origin}/v1/experiments/${id}/posteriors`, { headers: { authorization: `Bearer ${BENCH_SECRETS.ADMIN_API_KEY}` } });
  if (!res.ok) return { line: `${id}: posteriors answered ${res.status}`, exact: false, successes: books.successes };
  const { segments } = (await res.json()) as { segments: { arms: { pulls: number; rewards: number }[] }[] };
  const shards = segments.flatMap((s) => s.arms).reduce((t, a) => ({ pulls: t.pulls + a.pulls, rewards: t.rewards + a.rewards }), { pulls: 0, rewards: 0 });
  const added = expected ? books.successes - expected.successesBefore : null;
  const exact = books.pending === 0 && books.pulls === decided && shards.pulls === books.pulls && shards.rewards === books.successes && (expected === undefined || added === expected.newSuccesses);
  const run = expected ? `; this run's clicks on its decisions ${expected.newSuccesses}, new successes ${added}` : "";
  return {
    line: `bandit ${id} (the whole state so far): ${decided} bandit decisions logged, ledger ${books.pulls} pulls and ${books.successes} successes (${books.pending} pending), shards ${shards.pulls} pulls and ${shards.rewards} rewards${run}: ${exact ? "exact" : "NOT reconciled"}`,
    exact,
    successes: books.successes,
  };
}

/**
 * Polls until the counts stop moving for `quietMs` (the consumer's 1 s batch window, with room) and satisfy `done`,
 * or `timeoutMs` passes (`settled` false).
 */
export async function settledCounts(db: D1, quietMs: number, timeoutMs: number, done: (c: StoredCounts) => boolean = () => true): Promise<{ counts: StoredCounts; waitedMs: number; settled: boolean }> {
  const start = Date.now();
  let last = await storedCounts(db);
  let since = Date.now();
  while (Date.now() - start < timeoutMs) {
    await sleep(250);
    const now = await storedCounts(db);
    if (!sameCounts(now, last)) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs && done(now)) return { counts: last, waitedMs: Date.now() - start, settled: true };
  }
  return { counts: last, waitedMs: Date.now() - start, settled: false };
}

/**
 * An exception no handler caught, as workerd logs it (`error: Uncaught exception: …`, then a `stack:` line). Worker
 * code logs JSON; this is the runtime's own line, and a run must not hide them: the harness's D1 host once threw
 * one per D1 call, a thousand per run, unseen.
 */
const UNCAUGHT = /\berror: Uncaught exception\b/;

/** A line the Worker logged (JSON) at warn or error level. */
const WORKER_WARNING = /"level":"(warn|error)"/;

/** True for a line the Worker logged at warn or error level, or an uncaught exception workerd logged. */
export const isWarning = (line: string) => WORKER_WARNING.test(line) || UNCAUGHT.test(line);

/**
 * The Worker's warnings and errors among `lines`, counted by what they are about (their first field after level);
 * workerd's uncaught exceptions as "uncaught exception".
 */
export function warningKinds(lines: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of lines) {
    if (UNCAUGHT.test(line)) {
      out["uncaught exception"] = (out["uncaught exception"] ?? 0) + 1;
      continue;
    }
    if (!WORKER_WARNING.test(line)) continue;
    let about = "unparsed";
    try {
      const fields = Object.keys(JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>).filter((k) => k !== "level" && k !== "request_id");
      about = fields[0] ?? "unknown";
    } catch {
      // A line that is not JSON still counts, as "unparsed".
    }
    out[about] = (out[about] ?? 0) + 1;
  }
  return out;
}

export const warningsLine = (kinds: Record<string, number>) => {
  const total = Object.values(kinds).reduce((a, b) => a + b, 0);
  return `Worker warnings logged during the scenario: ${total}${total ? ` ${JSON.stringify(kinds)}` : ""}`;
};

function kindLine(kind: string, k: KindResult | undefined): string {
  if (!k) return `${kind}: none sent`;
  const errors = k.errors ? ` errors ${k.errors} ${JSON.stringify(k.errorKinds)}` : "";
  return `${kind} ${k.ok}/${k.sent}${errors} p50 ${fmtMs(k.latencyMs.p50)} p95 ${fmtMs(k.latencyMs.p95)} p99 ${fmtMs(k.latencyMs.p99)}`;
}

/**
 * One mixed run on a fresh workerd over the persisted state with `items` seeded: pre-pass of decisions for the
 * feedback, a warm-up with the same mix, the timed run, then the drain check.
 */
export async function runMix(kit: HttpKit, items: Item[], rate: number): Promise<Scenario> {
  const n = items.length.toLocaleString("en-US");
  const short = `${items.length / 1000}k`;
  const warmCount = Math.round(rate * kit.warmS);
  const total = warmCount + Math.round(rate * kit.fixedS);
  const kinds = Array.from({ length: total }, (_, j) => BLOCK[j % BLOCK.length]!);
  const rng = createRng(items.length + rate);
  for (let b = 0; b < total; b += BLOCK.length) {
    // Fisher-Yates within each block.
    for (let i = Math.min(total, b + BLOCK.length) - 1; i > b; i--) {
      const j = b + Math.floor(rng.next() * (i - b + 1));
      [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
    }
  }
  const need = (kind: MixKind) => kinds.filter((k) => k === kind).length;

  const logMark = kit.logs.length;
  const w = await kit.phase(items, rate);
  try {
    const db = await w.mf.getD1Database("DB");
    const decisions = await serveDecisions(w.url.origin, items, Math.ceil(need("feedback") / REWARDS_PER_DECISION) + 20, rng);
    const feedback = feedbackBodies(decisions, new Date().toISOString());
    if (feedback.length < need("feedback")) throw new Error(`only ${feedback.length} rewards for ${need("feedback")} feedback requests`);
    // Every pre-pass decision is in D1 before any reward quotes it (else the consumer would defer the reward),
    // and the "before" counts are taken once the queue is quiet.
    const ids = JSON.stringify(decisions.map((d) => d.requestId));
    const logged = async () => (await db.prepare("SELECT COUNT(*) AS n FROM decisions WHERE request_id IN (SELECT value FROM json_each(?))").bind(ids).first<{ n: number }>())?.n ?? 0;
    for (const until = Date.now() + 20_000; (await logged()) < decisions.length && Date.now() < until; ) await sleep(250);
    const prepassLogged = await logged();
    if (prepassLogged < decisions.length) throw new Error(`only ${prepassLogged} of the ${decisions.length} pre-pass decisions reached D1 within 20 s`);
    const before = await settledCounts(db, 1500, 20_000);
    const booksBefore = await banditBooks(db, w.url.origin, 15_000);
    const events = eventsBodies(items, need("events"), `mix${short}-${Date.now().toString(36)}`, rng);
    const ranks = rankBodies(anonPool(POOL_SIZE), items.filter((i) => i.kind === "product").map((i) => i.id), need("rank"), 11);
    let r = 0;
    let e = 0;
    let f = 0;
    const requests: TargetRequest[] = kinds.map((kind) => {
      if (kind === "rank") return { kind, path: "/v1/rank", body: ranks[r++]! };
      if (kind === "events") return { kind, path: "/v1/events", body: events[e++]!.body };
      return { kind, path: "/v1/feedback", body: feedback[f++]!.body };
    });
    const target = (slice: TargetRequest[]) => ({ origin: w.url.origin, method: "POST" as const, path: "/v1/rank", bodies: null, requests: slice, label: mixLabel });

    const warm = await fixedRate(target(requests.slice(0, warmCount)), { rate, durationS: kit.warmS, connections: 64, serverPid: w.pid });
    const result = await fixedRate(target(requests.slice(warmCount)), { rate, durationS: kit.fixedS, connections: 64, serverPid: w.pid });
    kit.opts.log(`  mix ${MIX_LABEL}, ${n} items @ ${rate.toLocaleString("en-US")}/s fixed rate, ${kit.fixedS} s: ${kit.describe(result)}`);
    const by = result.byKind ?? {};
    kit.opts.log(`    ${(["rank", "events", "feedback"] as const).map((k) => kindLine(k, by[k])).join(" | ")}`);

    const acceptedEv = acceptedEvents(warm.byKind?.events) + acceptedEvents(by.events);
    const acceptedFb = (warm.byKind?.feedback?.labels.accepted ?? 0) + (by.feedback?.labels.accepted ?? 0);
    const ranked = (warm.byKind?.rank?.ok ?? 0) + (by.rank?.ok ?? 0);
    const after = await settledCounts(db, 2500, 30_000, (c) => c.events - before.counts.events >= acceptedEv && c.feedbackStored + c.feedbackRejected - before.counts.feedbackStored - before.counts.feedbackRejected >= acceptedFb);
    const stored = {
      events: after.counts.events - before.counts.events,
      feedback: after.counts.feedbackStored - before.counts.feedbackStored,
      rejected: after.counts.feedbackRejected - before.counts.feedbackRejected,
      decisions: after.counts.decisions - before.counts.decisions,
    };
    const newSuccesses = feedback.slice(0, need("feedback")).filter((b) => b.banditSuccess).length;
    const books = await banditBooks(db, w.url.origin, 15_000, { successesBefore: booksBefore.successes, newSuccesses });
    const drained = stored.events === acceptedEv && stored.feedback === acceptedFb && stored.rejected === 0 && books.exact;
    const integrity = `events accepted ${acceptedEv}, stored ${stored.events}; feedback accepted ${acceptedFb}, stored ${stored.feedback}, rejected ${stored.rejected}; decisions logged ${stored.decisions} for ${ranked} ranks (warm-up + run); queue quiet ${after.waitedMs} ms after the run`;
    kit.opts.log(`    ${integrity}`);
    kit.opts.log(`    ${books.line}`);
    const errors = warm.errors + result.errors;
    return {
      id: `mix_${short}_fixed_${rate}`,
      name: `Mix ${MIX_LABEL}, ${n} items, ${rate.toLocaleString("en-US")} req/s fixed rate`,
      catalogItems: items.length,
      result,
      criteria: { label: "errors 0, every accepted event and reward stored, the bandit's books exact", met: errors === 0 && drained },
      note: `feedback quotes ${decisions.length} decisions served in a pre-pass seconds before; events from the ${Math.round(POOL_SIZE * PROFILED_SHARE)} profiled visitors`,
      details: [
        `per kind: ${(["rank", "events", "feedback"] as const).map((k) => kindLine(k, by[k])).join("; ")} (a reward is answered once it is on the queue, sharing a 10 ms window with concurrent ones: workers/routes/feedback.ts)`,
        `${integrity}${warm.errors ? `; warm-up errors ${warm.errors}` : ""}`,
        books.line,
        warningsLine(warningKinds(kit.logs.slice(logMark))),
      ],
    };
  } finally {
    await kit.stop(w);
  }
}
