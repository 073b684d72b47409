// The queue consumer: validates each message; logs decisions into D1 in short transactions, then events (folded
// into profiles) and feedback in one batch; then applies this batch's new reward-ledger rows to the bandit
// Durable Objects. Each message is acked or retried on its own; poison messages are stored as rejected with the
// reason.
//
// Exactly-once learning: ledger rows (one pull per bandit decision, one success per clicked decision) are
// inserted with this invocation's batch id and ON CONFLICT DO NOTHING, and the last D1 batch reads back the
// rows carrying that id: exactly the ones this invocation added, whatever was redelivered or duplicated. Their
// sums go to each shard under that batch id, which a shard applies once. If the shards cannot be reached, the
// rows stay pending and the sweeper re-sends the same batch later: nothing accepted is lost or counted twice.
import { isOptedOut } from "../privacy/opt-out";
import { cachedVisitorHash } from "../privacy/visitor-hash";
import { and, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { safeParseFast } from "../../shared/api/conforms";
import { DecisionMessage, FeedbackMessage, MAX_FEEDBACK_PER_MESSAGE, QueueMessage, type EventsMessage, type FeedbackBatchMessage } from "../../shared/api/messages";
import { decisions, events, experiments, feedback, rejectedMessages, rewardLedger, segmentAssignments } from "../../shared/db/schema";
import { viewVisitor } from "../../shared/decision/decide";
import { shardOf } from "../../shared/experiments/assign";
import type { RewardType } from "../../shared/experiments/schema";
import { judgeFeedback, pullEntry, successEntry, UNKNOWN_DECISION_SQL, unknownDecisionReason, type IncomingFeedback, type LedgerEntry, type LoggedDecision } from "../../shared/learning/feedback";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { hashVisitorId } from "../../shared/privacy";
import { banditShard, type ArmDelta } from "../bandit/shard";
import { bulkInsert } from "../data/bulk";
import { DEAD_LETTER_QUEUE, messageText, parkDeadLetters } from "./dead-letters";
import { getSnapshot } from "../data/snapshot";
import { featureStore } from "../services";

type Db = ReturnType<typeof drizzle>;
type KnownDecision = LoggedDecision & { bandit_segment: string | null };

/** An experiment's metric and shard count never change after creation: cached per isolate. */
const experimentFacts = new Map<string, { metric: RewardType; shards: number }>();

async function factsFor(db: Db, ids: readonly string[]): Promise<Map<string, { metric: RewardType; shards: number }>> {
  const missing = [...new Set(ids)].filter((id) => !experimentFacts.has(id));
  for (let i = 0; i < missing.length; i += IN_CHUNK) {
    const rows = await db.select({ id: experiments.id, metric: experiments.metric, shards: experiments.shards }).from(experiments).where(inArray(experiments.id, missing.slice(i, i + IN_CHUNK)));
    for (const r of rows) experimentFacts.set(r.id, { metric: r.metric as RewardType, shards: r.shards });
  }
  return experimentFacts;
}

/** HMAC per decision is the consumer's main CPU cost after D1; visitors repeat, so hashes come from the isolate cache. */
const visitorHash = cachedVisitorHash;

/** Feedback may overtake its decision in the queue: wait this many deliveries before calling it unknown. */
const UNKNOWN_DECISION_ATTEMPTS = 4;
/** D1 caps bound parameters per statement; IN lists stay under it. */
const IN_CHUNK = 90;
/**
 * Decision log rows (with their pulls) per D1 transaction, at least. Each transaction is a D1 round trip and a
 * commit, and on the page scenario (600 decisions a second) a hundred-row chunking made it 7 calls a batch,
 * where D1 spent about as long on the calls as on the rows: at 500, D1's CPU per decision logged halved (bench/
 * README.md, "The decision log"). Request ids begin with their time, so a transaction's rows land near the end
 * of the key's index. It holds D1's one writer for a few milliseconds; locally, where D1 runs on the Worker's
 * thread (`npm start`), that thread for ~20 ms.
 */
const DECISIONS_PER_TRANSACTION = 500;
/**
 * ...but no more transactions than this per invocation: each one yields the isolate, and under a backlog (locally:
 * a thread saturated by /v1/rank) a hundred yields per batch let the decision log fall 10 s behind instead of 1 s.
 */
const MAX_DECISION_TRANSACTIONS = 10;
/**
 * Entries validated (or decision rows built) between turns of the event loop. An invocation may share its
 * isolate with /v1/rank: a second's decision log (1,000 entries at 1,000 rank/s) validated in one go held every
 * request behind it for tens of milliseconds; 250 at a time take one or two.
 */
const ENTRIES_PER_TURN = 250;

/** Lets the requests waiting on this isolate run before the consumer goes on. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** Ledger rows pending this long were not applied by the invocation that wrote them: the sweeper takes them. */
export const SWEEP_AFTER_MS = 60_000;
let lastSweep = 0;

export async function handleQueue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  if (batch.queue === DEAD_LETTER_QUEUE) return parkDeadLetters(batch, env);
  const db = drizzle(env.DB);
  const store = featureStore(env);
  const now = new Date();
  const nowIso = now.toISOString();
  const writes: D1PreparedStatement[] = [];
  const rejected: (typeof rejectedMessages.$inferInsert)[] = [];
  const settled: Message<unknown>[] = [];
  const retry = (msg: Message<unknown>) => msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });
  const reject = (reason: string, body: unknown) => rejected.push(rejectRow(batch.queue, reason, body, nowIso));

  // Every events message's rows go into one statement per table (not two statements per message): a batch of a
  // hundred small messages was two hundred statements, each parsed by D1, and as many drizzle query builds here.
  const eventRows: (typeof events.$inferInsert)[] = [];
  const assignments: (typeof segmentAssignments.$inferInsert)[] = [];
  const logged: DecisionMessage[] = [];
  // Single feedback messages wait for their decision by redelivery (deferrals null); entries of feedback
  // batches are sent back on their own, so the rest of their batch is processed once.
  const feedbackMsgs: { msg: Message<unknown>; body: FeedbackMessage; deferrals: number | null }[] = [];
  let sinceTurn = 0;
  const pace = async () => {
    if (++sinceTurn < ENTRIES_PER_TURN) return;
    sinceTurn = 0;
    await nextTurn();
  };
  for (const msg of batch.messages) {
    await pace();
    const parsed = safeParseFast(QueueMessage, msg.body);
    if (!parsed.success) {
      reject(zodReason(parsed.error), msg.body);
      settled.push(msg);
    } else if (parsed.data.kind === "decision") {
      logged.push(parsed.data);
      settled.push(msg);
    } else if (parsed.data.kind === "decisions") {
      for (const entry of parsed.data.decisions) {
        await pace();
        const d = safeParseFast(DecisionMessage, entry);
        if (d.success) logged.push(d.data);
        else reject(zodReason(d.error), entry);
      }
      settled.push(msg);
    } else if (parsed.data.kind === "feedback") {
      feedbackMsgs.push({ msg, body: parsed.data, deferrals: null });
    } else if (parsed.data.kind === "feedback_batch") {
      for (const entry of parsed.data.feedback) {
        await pace();
        const f = safeParseFast(FeedbackMessage, entry);
        if (f.success) feedbackMsgs.push({ msg, body: f.data, deferrals: parsed.data.deferrals });
        else reject(zodReason(f.error), entry);
      }
      settled.push(msg);
    } else {
      try {
        const rows = await processEvents(env, ctx, store, parsed.data, now);
        eventRows.push(...rows.events);
        if (rows.assignment) assignments.push(rows.assignment);
        settled.push(msg);
      } catch (err) {
        // Transient (Durable Object or snapshot unavailable): redeliver later; D1 inserts are idempotent.
        warn(batch.queue, `events ${msg.id}: ${err instanceof Error ? err.message : String(err)}`);
        retry(msg);
      }
    }
  }

  // Decisions: the log row, and one pull in the reward ledger for each bandit decision.
  const known = new Map<string, KnownDecision>();
  const decisionRows: (typeof decisions.$inferInsert)[] = [];
  // A decision's pull travels with its log row (same transaction): a logged decision always has its pull.
  const pulls: (LedgerEntry | null)[] = [];
  const ledger: LedgerEntry[] = [];
  for (const d of logged) {
    await pace();
    decisionRows.push({
      requestId: d.request_id,
      visitorHash: d.anon_id ? await visitorHash(env.VISITOR_ID_SALT, d.anon_id) : "none",
      surfaceId: d.surface_id,
      segmentId: d.segment_id,
      experimentId: d.experiment_id,
      banditSegment: d.bandit_segment,
      arm: d.arm,
      propensity: d.propensity,
      holdout: d.holdout,
      items: d.items,
      policyVersion: d.policy_version,
      decidedAt: d.decided_at,
      topScore: d.top_score ?? null,
    });
    pulls.push(pullEntry(d));
    known.set(d.request_id, { ...d, metric: null });
  }

  // Feedback: join each to its decision (this batch's or D1's), judge it, record it, and count successes.
  const feedbackRows: (typeof feedback.$inferInsert)[] = [];
  const deferred = new Map<number, FeedbackMessage[]>();
  if (feedbackMsgs.length > 0) {
    try {
      await joinDecisions(db, known, feedbackMsgs.map((f) => f.body.request_id));
    } catch (err) {
      warn(batch.queue, `decision lookup failed: ${err instanceof Error ? err.message : String(err)}`);
      for (const m of [...settled, ...feedbackMsgs.map((f) => f.msg)]) retry(m);
      return;
    }
    for (const { msg, body, deferrals } of feedbackMsgs) {
      const decision = known.get(body.request_id);
      // Its decision may still be on its way: look again later, a few times, before calling it unknown.
      if (!decision && deferrals === null && msg.attempts < UNKNOWN_DECISION_ATTEMPTS) {
        retry(msg);
        continue;
      }
      if (!decision && deferrals !== null && deferrals + 1 < UNKNOWN_DECISION_ATTEMPTS) {
        const group = deferred.get(deferrals + 1) ?? [];
        group.push(body);
        deferred.set(deferrals + 1, group);
        continue;
      }
      // Not final: if the decision is logged later, reconcileUnknownFeedback judges this row again.
      const verdict = decision ? judgeFeedback(decision, body) : ({ status: "rejected", reason: unknownDecisionReason(body.request_id) } as const);
      feedbackRows.push({
        id: body.feedback_id,
        dedupeKey: `${body.request_id}|${body.item_id}|${body.reward_type}`,
        requestId: body.request_id,
        itemId: body.item_id,
        rewardType: body.reward_type,
        value: body.value,
        occurredAt: body.occurred_at,
        receivedAt: body.received_at,
        status: verdict.status,
        reason: verdict.status === "rejected" ? verdict.reason : null,
        experimentId: decision?.experiment_id ?? null,
        segmentId: decision?.bandit_segment ?? null,
        arm: decision?.arm ?? null,
        context: body.context,
      });
      if (verdict.status === "applied" && decision?.bandit_segment) ledger.push(successEntry({ ...decision, bandit_segment: decision.bandit_segment }));
      if (deferrals === null) settled.push(msg);
    }
  }

  const batchId = `lb_${crypto.randomUUID()}`;
  const ledgerRows = (entries: readonly LedgerEntry[]) => bulkInsert(env.DB, rewardLedger, entries.map((e) => ({ key: e.key, kind: e.kind, requestId: e.request_id, experimentId: e.experiment_id, segmentId: e.segment_id, arm: e.arm, batchId, createdAt: nowIso })));
  // Decision log rows, with their pulls, in transactions of DECISIONS_PER_TRANSACTION; the last (usually the only)
  // one goes in one D1 batch (a transaction) with every other row and this invocation's successes, and the ledger
  // rows of this batch id (pulls and successes) summed per arm. Every insert ignores conflicts, so a redelivery
  // after a partial write adds nothing twice; pulls a failed invocation left under its batch id are the sweeper's
  // to apply.
  const hasLedgerRows = ledger.length > 0 || pulls.some((p) => p !== null);
  const perTransaction = Math.max(DECISIONS_PER_TRANSACTION, Math.ceil(decisionRows.length / MAX_DECISION_TRANSACTIONS));
  const decisionWrites = (from: number) => [
    ...bulkInsert(env.DB, decisions, decisionRows.slice(from, from + perTransaction)),
    ...ledgerRows(pulls.slice(from, from + perTransaction).filter((p): p is LedgerEntry => p !== null)),
  ];
  const lastChunk = decisionRows.length > 0 ? Math.floor((decisionRows.length - 1) / perTransaction) * perTransaction : 0;
  writes.push(
    ...decisionWrites(lastChunk),
    ...bulkInsert(env.DB, events, eventRows),
    ...bulkInsert(env.DB, segmentAssignments, assignments, "visitorHash"),
    ...bulkInsert(env.DB, feedback, feedbackRows),
    ...bulkInsert(env.DB, rejectedMessages, rejected),
    ...ledgerRows(ledger),
  );
  const sumsAt = hasLedgerRows ? writes.push(env.DB.prepare(LEDGER_SUMS_SQL).bind(batchId)) - 1 : -1;
  let sums: LedgerSum[] = [];
  try {
    for (let i = 0; i < lastChunk; i += perTransaction) {
      await env.DB.batch(decisionWrites(i));
      // Give the isolate back between transactions: a consumer invocation may share its isolate with /v1/rank
      // (and locally D1 runs on that thread too, where an unbroken chain of batches held every request back).
      await nextTurn();
    }
    if (writes.length > 0) {
      const results = await env.DB.batch(writes);
      if (sumsAt >= 0) sums = (results[sumsAt]!.results ?? []) as LedgerSum[];
    }
  } catch (err) {
    warn(batch.queue, `d1 batch failed: ${err instanceof Error ? err.message : String(err)}`);
    for (const msg of settled) retry(msg);
    return;
  }
  // Deferred feedback goes back on the queue before its source message is acked (a failure redelivers the
  // source; everything it wrote is idempotent).
  try {
    for (const [d, group] of deferred) {
      for (let i = 0; i < group.length; i += MAX_FEEDBACK_PER_MESSAGE) {
        const message: FeedbackBatchMessage = { kind: "feedback_batch", deferrals: d, feedback: group.slice(i, i + MAX_FEEDBACK_PER_MESSAGE) };
        await env.EVENTS_QUEUE.send(message, { contentType: "json", delaySeconds: 2 ** d });
      }
    }
  } catch (err) {
    warn(batch.queue, `deferring feedback failed: ${err instanceof Error ? err.message : String(err)}`);
    for (const msg of settled) retry(msg);
    return;
  }
  // Everything accepted is now durable in D1 (the ledger is the outbox) or back on the queue: the messages can go.
  for (const msg of settled) msg.ack();

  try {
    if (sums.length > 0) await applyLedgerBatch(env, db, batchId, sums);
  } catch (err) {
    // The rows stay pending under their batch id; the sweeper re-sends exactly this batch.
    warn(batch.queue, `ledger batch ${batchId} deferred: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (Date.now() - lastSweep >= SWEEP_AFTER_MS) {
    lastSweep = Date.now();
    await reconcileAndReport(env, db, { queue: batch.queue });
    try {
      await sweepLedger(env, db);
    } catch (err) {
      warn(batch.queue, `ledger sweep failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

interface LedgerSum {
  experiment_id: string;
  segment_id: string;
  arm: string;
  pulls: number;
  successes: number;
}

const LEDGER_SUMS_SQL = `SELECT experiment_id, segment_id, arm, sum(kind = 'pull') AS pulls, sum(kind = 'success') AS successes
  FROM reward_ledger WHERE batch_id = ? GROUP BY experiment_id, segment_id, arm`;

function warn(queue: string, error: string) {
  console.warn(JSON.stringify({ level: "warn", queue, error }));
}

function zodReason(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join(".")}: ${i.message}`).join("; ");
}

/** Adds the decisions (and their experiments' metrics) that feedback in this batch refers to: one query. */
async function joinDecisions(db: Db, known: Map<string, KnownDecision>, requestIds: string[]): Promise<void> {
  const missing = [...new Set(requestIds)].filter((id) => !known.has(id));
  if (missing.length > 0) {
    const rows = await db.select().from(decisions).where(sql`${decisions.requestId} IN (SELECT value FROM json_each(${JSON.stringify(missing)}))`);
    for (const r of rows) {
      known.set(r.requestId, {
        request_id: r.requestId,
        decided_at: r.decidedAt,
        items: r.items,
        experiment_id: r.experimentId,
        segment_id: r.segmentId,
        bandit_segment: r.banditSegment,
        arm: r.arm,
        holdout: r.holdout,
        metric: null,
      });
    }
  }
  const experimentIds = [...known.values()].map((d) => d.experiment_id).filter((id): id is string => id !== null);
  if (experimentIds.length === 0) return;
  const facts = await factsFor(db, experimentIds);
  for (const d of known.values()) if (d.experiment_id) d.metric = facts.get(d.experiment_id)?.metric ?? null;
}

/** Sends one ledger batch's sums to the shards (one RPC per shard), then marks its rows applied. */
async function applyLedgerBatch(env: Env, db: Db, batchId: string, sums: readonly LedgerSum[]): Promise<void> {
  const facts = await factsFor(db, sums.map((s) => s.experiment_id));
  const perShard = new Map<string, { experimentId: string; shard: number; deltas: ArmDelta[] }>();
  for (const s of sums) {
    const shard = shardOf(s.segment_id, facts.get(s.experiment_id)?.shards ?? 1);
    const key = `${s.experiment_id}#${shard}`;
    const entry = perShard.get(key) ?? { experimentId: s.experiment_id, shard, deltas: [] };
    entry.deltas.push({ segment: s.segment_id, arm: s.arm, pulls: s.pulls, successes: s.successes });
    perShard.set(key, entry);
  }
  await Promise.all([...perShard.values()].map((s) => banditShard(env.BANDIT_SHARDS, s.experimentId, s.shard).applyBatch(batchId, s.deltas)));
  await db.update(rewardLedger).set({ applied: true }).where(eq(rewardLedger.batchId, batchId));
}

/**
 * Re-sends ledger batches left pending for at least `minAgeMs` (their invocation could not reach a shard, or
 * died after committing). A batch's rows never change once written, so a re-sent batch carries the same sums
 * under the same id and each shard applies it at most once. Rows without a batch id (older consumers) are
 * claimed under a fresh id first, in one UPDATE, so two sweepers cannot split or double them.
 */
export async function sweepLedger(env: Env, db: Db, minAgeMs = SWEEP_AFTER_MS, maxBatches = 50): Promise<{ batches: number; rows: number }> {
  const cutoff = new Date(Date.now() - minAgeMs).toISOString();
  const [, pending] = await db.batch([
    db.update(rewardLedger).set({ batchId: `lb_${crypto.randomUUID()}` }).where(and(eq(rewardLedger.applied, false), isNull(rewardLedger.batchId), lt(rewardLedger.createdAt, cutoff))),
    db
      .select({
        batchId: rewardLedger.batchId,
        experiment_id: rewardLedger.experimentId,
        segment_id: rewardLedger.segmentId,
        arm: rewardLedger.arm,
        pulls: sql<number>`sum(${rewardLedger.kind} = 'pull')`,
        successes: sql<number>`sum(${rewardLedger.kind} = 'success')`,
      })
      .from(rewardLedger)
      .where(
        and(
          eq(rewardLedger.applied, false),
          sql`${rewardLedger.batchId} IN (SELECT DISTINCT batch_id FROM reward_ledger WHERE applied = 0 AND batch_id IS NOT NULL AND created_at <= ${cutoff} LIMIT ${maxBatches})`,
        ),
      )
      .groupBy(rewardLedger.batchId, rewardLedger.experimentId, rewardLedger.segmentId, rewardLedger.arm),
  ]);
  const byBatch = new Map<string, LedgerSum[]>();
  for (const p of pending) {
    const list = byBatch.get(p.batchId!) ?? [];
    list.push({ experiment_id: p.experiment_id, segment_id: p.segment_id, arm: p.arm, pulls: Number(p.pulls), successes: Number(p.successes) });
    byBatch.set(p.batchId!, list);
  }
  let rows = 0;
  for (const [batchId, sums] of byBatch) {
    await applyLedgerBatch(env, db, batchId, sums);
    rows += sums.reduce((n, s) => n + s.pulls + s.successes, 0);
  }
  return { batches: byBatch.size, rows };
}

/** How long after it was received feedback rejected for an unknown decision is still looked at again. */
export const RECONCILE_WINDOW_MS = 24 * 3_600_000;
/** Unknown-decision rejections read per reconciliation, newest first: a flood of forged ids costs a bounded scan. */
const RECONCILE_SCAN = 5000;

/**
 * Feedback the consumer stopped waiting for: it was rejected as unknown after UNKNOWN_DECISION_ATTEMPTS deliveries
 * (about 14 s), but a decision log held back longer (D1 failures retry it 2 to 32 s apart, five times; a consumer
 * behind on a backlog) still lands. Such a row is judged again against its decision, updated in place, and a
 * success goes into the ledger under a batch id of its own, as the consumer's do, then to the bandit. Runs from the
 * consumer's sweep and the minute cron. Two runs at once apply a success once: the UPDATE only takes a row still
 * marked unknown, and the ledger key is per decision, so the second run's batch holds no rows.
 */
export async function reconcileUnknownFeedback(env: Env, db: Db): Promise<{ judged: number; applied: number }> {
  const now = new Date();
  const since = new Date(now.getTime() - RECONCILE_WINDOW_MS).toISOString();
  // INDEXED BY: a database without the partial index fails here rather than scanning every rejected row.
  const { results: rows } = await env.DB.prepare(
    `SELECT f.id, f.request_id, f.item_id, f.reward_type, f.value, f.occurred_at, f.received_at,
            d.decided_at, d.items, d.experiment_id, d.segment_id, d.bandit_segment, d.arm, d.holdout
       FROM (SELECT * FROM feedback INDEXED BY feedback_unknown_decision_idx
              WHERE ${UNKNOWN_DECISION_SQL} AND received_at >= ?
              ORDER BY received_at DESC LIMIT ?) f
       JOIN decisions d ON d.request_id = f.request_id`,
  )
    .bind(since, RECONCILE_SCAN)
    .all<UnknownFeedbackRow>();
  if (rows.length === 0) return { judged: 0, applied: 0 };
  const facts = await factsFor(db, rows.map((r) => r.experiment_id).filter((id): id is string => id !== null));
  const nowIso = now.toISOString();
  const batchId = `lb_${crypto.randomUUID()}`;
  const updates: D1PreparedStatement[] = [];
  const successes: LedgerEntry[] = [];
  for (const r of rows) {
    const decision: KnownDecision = {
      request_id: r.request_id,
      decided_at: r.decided_at,
      items: JSON.parse(r.items) as string[],
      experiment_id: r.experiment_id,
      segment_id: r.segment_id,
      bandit_segment: r.bandit_segment,
      arm: r.arm,
      holdout: r.holdout === 1,
      metric: r.experiment_id ? (facts.get(r.experiment_id)?.metric ?? null) : null,
    };
    const verdict = judgeFeedback(decision, r);
    updates.push(
      env.DB.prepare(`UPDATE feedback SET status = ?, reason = ?, experiment_id = ?, segment_id = ?, arm = ? WHERE id = ? AND ${UNKNOWN_DECISION_SQL}`).bind(
        verdict.status,
        verdict.status === "rejected" ? verdict.reason : null,
        decision.experiment_id,
        decision.bandit_segment,
        decision.arm,
        r.id,
      ),
    );
    if (verdict.status === "applied" && decision.bandit_segment) successes.push(successEntry({ ...decision, bandit_segment: decision.bandit_segment }));
  }
  const ledgerInserts = bulkInsert(env.DB, rewardLedger, successes.map((e) => ({ key: e.key, kind: e.kind, requestId: e.request_id, experimentId: e.experiment_id, segmentId: e.segment_id, arm: e.arm, batchId, createdAt: nowIso })));
  const results = await env.DB.batch([...updates, ...ledgerInserts, env.DB.prepare(LEDGER_SUMS_SQL).bind(batchId)]);
  const sums = (results[results.length - 1]!.results ?? []) as LedgerSum[];
  // A shard that cannot be reached leaves the batch pending: sweepLedger re-sends it.
  if (sums.length > 0) await applyLedgerBatch(env, db, batchId, sums);
  return { judged: rows.length, applied: successes.length };
}

/**
 * reconcileUnknownFeedback for its periodic callers (the consumer's sweep, the minute cron): what it judged is
 * logged, and a failure (D1 unavailable) is logged and goes no further, so it never holds back the work after it;
 * the next run tries again. `where` names the caller in the log lines.
 */
export async function reconcileAndReport(env: Env, db: Db, where: Record<string, string>): Promise<void> {
  try {
    const reconciled = await reconcileUnknownFeedback(env, db);
    if (reconciled.judged > 0) console.log(JSON.stringify({ level: "info", ...where, job: "feedback_reconcile", ...reconciled }));
  } catch (err) {
    console.warn(JSON.stringify({ level: "warn", ...where, job: "feedback_reconcile", error: err instanceof Error ? err.message : String(err) }));
  }
}

/** A feedback row (its judged fields) with the columns of the decision it quotes. */
interface UnknownFeedbackRow extends IncomingFeedback {
  id: string;
  decided_at: string;
  items: string;
  experiment_id: string | null;
  segment_id: string | null;
  bandit_segment: string | null;
  arm: string | null;
  holdout: number;
}

function rejectRow(queue: string, reason: string, body: unknown, nowIso: string): typeof rejectedMessages.$inferInsert {
  return { queue, reason: reason.slice(0, 1000), body: messageText(body).slice(0, 10_000), rejectedAt: nowIso };
}

/** What an events message adds to D1: its events' log rows and, with personalization consent, the visitor's segment. */
interface EventsRows {
  events: (typeof events.$inferInsert)[];
  assignment: typeof segmentAssignments.$inferInsert | null;
}

async function processEvents(env: Env, ctx: ExecutionContext, store: FeatureStore, msg: EventsMessage, now: Date): Promise<EventsRows> {
  // Accepted before the visitor opted out (or erased) but still on the queue: nothing of it is kept. An opt-out
  // list that cannot be read throws, and the message is retried rather than written.
  if (await isOptedOut(env, ctx, msg.anon_id)) return { events: [], assignment: null };
  const hash = await visitorHash(env.VISITOR_ID_SALT, msg.anon_id);
  const rows: (typeof events.$inferInsert)[] = msg.events.map((e) => ({
    id: `${hash}:${e.id}`,
    visitorHash: hash,
    sessionId: msg.session_id,
    type: e.type,
    ts: new Date(e.ts).toISOString(),
    url: e.url,
    pageType: e.page_type,
    category: e.category,
    productId: e.product_id,
    query: e.query,
    value: e.value,
    referrerClass: e.entry?.referrer_class ?? null,
    utmSource: e.entry?.utm_source ?? null,
    utmMedium: e.entry?.utm_medium ?? null,
    utmCampaign: e.entry?.utm_campaign ?? null,
    receivedAt: msg.received_at,
  }));
  if (!msg.personalization) return { events: rows, assignment: null };

  // The request path usually applied these already. Where it did so in this isolate, the profile cache answers
  // without asking the store (one Durable Object call per events request instead of two); elsewhere the store
  // applies them again, a no-op, which covers the case where the request path could not.
  const profile = await store.applyEvents(msg.anon_id, msg.session_id, msg.device, msg.events);
  const snapshot = await getSnapshot(env, ctx);
  const view = viewVisitor(snapshot, { anonId: msg.anon_id, device: msg.device, referrer: undefined, utm: undefined, pageType: null, stated: undefined }, profile, now.getTime());
  const assignment = {
    visitorHash: hash,
    segmentId: view.segment.id,
    persona: view.segment.persona,
    confidence: view.segment.confidence,
    intent: view.segment.intent,
    deviceClass: view.segment.features.device_class,
    recency: view.segment.features.recency,
    assignedAt: now.toISOString(),
  };
  return { events: rows, assignment };
}
