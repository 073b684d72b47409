// The queue consumer: validates each message; logs events (and folds them into profiles), decisions and
// feedback into D1 in one batch; then flushes the reward ledger to the bandit Durable Objects. Each message is
// acked or retried on its own; poison messages are stored as rejected with the reason.
import { and, eq, inArray, isNull } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import { QueueMessage, type DecisionMessage, type EventsMessage, type FeedbackMessage } from "../../shared/api/messages";
import { decisions, events, experiments, feedback, rejectedMessages, rewardLedger, segmentAssignments } from "../../shared/db/schema";
import { viewVisitor } from "../../shared/decision/decide";
import { shardOf } from "../../shared/experiments/assign";
import type { RewardType } from "../../shared/experiments/schema";
import { hash32 } from "../../shared/hash";
import { aggregateLedger, judgeFeedback, pullEntry, successEntry, type LedgerEntry, type LoggedDecision } from "../../shared/learning/feedback";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { hashVisitorId } from "../../shared/privacy";
import { banditShard, type ArmDelta } from "../bandit/shard";
import { getSnapshot } from "../data/snapshot";
import { featureStore } from "../services";

type Db = ReturnType<typeof drizzle>;
type Write = BatchItem<"sqlite">;

/** An experiment's metric and shard count never change after creation: cached per isolate. */
const experimentFacts = new Map<string, { metric: RewardType; shards: number }>();

async function factsFor(db: Db, ids: readonly string[]): Promise<Map<string, { metric: RewardType; shards: number }>> {
  const missing = ids.filter((id) => !experimentFacts.has(id));
  for (let i = 0; i < missing.length; i += IN_CHUNK) {
    const rows = await db.select({ id: experiments.id, metric: experiments.metric, shards: experiments.shards }).from(experiments).where(inArray(experiments.id, missing.slice(i, i + IN_CHUNK)));
    for (const r of rows) experimentFacts.set(r.id, { metric: r.metric as RewardType, shards: r.shards });
  }
  return experimentFacts;
}

/** Feedback may overtake its decision in the queue: wait this many deliveries before calling it unknown. */
const UNKNOWN_DECISION_ATTEMPTS = 4;
/** D1 caps bound parameters per statement; IN lists stay under it. */
const IN_CHUNK = 90;

export async function handleQueue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const db = drizzle(env.DB);
  const store = featureStore(env);
  const now = new Date();
  const writes: Write[] = [];
  const settled: Message<unknown>[] = [];
  const retry = (msg: Message<unknown>) => msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });

  const decisionMsgs: { msg: Message<unknown>; body: DecisionMessage }[] = [];
  const feedbackMsgs: { msg: Message<unknown>; body: FeedbackMessage }[] = [];
  for (const msg of batch.messages) {
    const parsed = QueueMessage.safeParse(msg.body);
    if (!parsed.success) {
      writes.push(rejectRow(db, batch.queue, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), msg.body, now));
      settled.push(msg);
    } else if (parsed.data.kind === "decision") {
      decisionMsgs.push({ msg, body: parsed.data });
    } else if (parsed.data.kind === "feedback") {
      feedbackMsgs.push({ msg, body: parsed.data });
    } else {
      try {
        writes.push(...(await processEvents(db, env, ctx, store, parsed.data, now)));
        settled.push(msg);
      } catch (err) {
        // Transient (Durable Object or snapshot unavailable): redeliver later; D1 inserts are idempotent.
        warn(batch.queue, `events ${msg.id}: ${err instanceof Error ? err.message : String(err)}`);
        retry(msg);
      }
    }
  }

  // Decisions: the log row, and one pull in the reward ledger for each bandit decision.
  const known = new Map<string, LoggedDecision & { bandit_segment: string | null }>();
  for (const { msg, body } of decisionMsgs) {
    const visitorHash = body.anon_id ? await hashVisitorId(env.VISITOR_ID_SALT, body.anon_id) : "none";
    writes.push(
      db
        .insert(decisions)
        .values({
          requestId: body.request_id,
          visitorHash,
          surfaceId: body.surface_id,
          segmentId: body.segment_id,
          experimentId: body.experiment_id,
          banditSegment: body.bandit_segment,
          arm: body.arm,
          propensity: body.propensity,
          holdout: body.holdout,
          items: body.items,
          policyVersion: body.policy_version,
          decidedAt: body.decided_at,
        })
        .onConflictDoNothing(),
    );
    const pull = pullEntry(body);
    if (pull) writes.push(ledgerInsert(db, pull, now));
    known.set(body.request_id, { ...body, metric: null });
    settled.push(msg);
  }

  // Feedback: join each to its decision (this batch's or D1's), judge it, record it, and count successes.
  if (feedbackMsgs.length > 0) {
    try {
      await joinDecisions(db, known, feedbackMsgs.map((f) => f.body.request_id));
    } catch (err) {
      warn(batch.queue, `decision lookup failed: ${err instanceof Error ? err.message : String(err)}`);
      for (const m of [...settled, ...feedbackMsgs.map((f) => f.msg)]) retry(m);
      return;
    }
    for (const { msg, body } of feedbackMsgs) {
      const decision = known.get(body.request_id);
      if (!decision && msg.attempts < UNKNOWN_DECISION_ATTEMPTS) {
        retry(msg); // its decision may still be on its way
        continue;
      }
      const verdict = decision ? judgeFeedback(decision, body) : ({ status: "rejected", reason: `unknown request_id ${body.request_id}` } as const);
      writes.push(
        db
          .insert(feedback)
          .values({
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
          })
          .onConflictDoNothing(),
      );
      if (verdict.status === "applied" && decision?.bandit_segment) writes.push(ledgerInsert(db, successEntry({ ...decision, bandit_segment: decision.bandit_segment }), now));
      settled.push(msg);
    }
  }

  if (writes.length > 0) {
    try {
      await db.batch(writes as [Write, ...Write[]]);
    } catch (err) {
      warn(batch.queue, `d1 batch failed: ${err instanceof Error ? err.message : String(err)}`);
      for (const msg of settled) retry(msg);
      return;
    }
  }
  // Everything accepted is now durable in D1 (the ledger is the outbox), so the messages can go.
  for (const msg of settled) msg.ack();
  try {
    await flushLedger(env, db);
  } catch (err) {
    // Unapplied ledger rows stay pending and the next flush picks them up: nothing is lost.
    warn(batch.queue, `ledger flush deferred: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function warn(queue: string, error: string) {
  console.warn(JSON.stringify({ level: "warn", queue, error }));
}

function ledgerInsert(db: Db, e: LedgerEntry, now: Date): Write {
  return db
    .insert(rewardLedger)
    .values({ key: e.key, kind: e.kind, requestId: e.request_id, experimentId: e.experiment_id, segmentId: e.segment_id, arm: e.arm, createdAt: now.toISOString() })
    .onConflictDoNothing();
}

/** Adds the decisions (and their experiments' metrics) that feedback in this batch refers to. */
async function joinDecisions(db: Db, known: Map<string, LoggedDecision & { bandit_segment: string | null }>, requestIds: string[]): Promise<void> {
  const missing = [...new Set(requestIds)].filter((id) => !known.has(id));
  for (let i = 0; i < missing.length; i += IN_CHUNK) {
    const rows = await db.select().from(decisions).where(inArray(decisions.requestId, missing.slice(i, i + IN_CHUNK)));
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
  const experimentIds = [...new Set([...known.values()].map((d) => d.experiment_id).filter((id): id is string => id !== null))];
  if (experimentIds.length === 0) return;
  const facts = await factsFor(db, experimentIds);
  for (const d of known.values()) if (d.experiment_id) d.metric = facts.get(d.experiment_id)?.metric ?? null;
}

/**
 * Sends pending ledger rows to the bandit shards. Rows are claimed under a batch id derived from their keys;
 * a claimed batch is immutable, so after a crash it is re-sent identically and each shard applies it once.
 */
export async function flushLedger(env: Env, db: Db, limit = 2000): Promise<{ batches: number; rows: number }> {
  const pending = await db.select().from(rewardLedger).where(eq(rewardLedger.applied, false)).orderBy(rewardLedger.createdAt).limit(limit);
  if (pending.length === 0) return { batches: 0, rows: 0 };
  const batchIds = new Set(pending.filter((r) => r.batchId !== null).map((r) => r.batchId!));
  const unclaimed = pending.filter((r) => r.batchId === null).map((r) => r.key).sort();
  if (unclaimed.length > 0) {
    const fresh = `lb_${hash32(`a:${unclaimed.join(",")}`).toString(16)}${hash32(`b:${unclaimed.join(",")}`).toString(16)}_${unclaimed.length}`;
    const claims: Write[] = [];
    for (let i = 0; i < unclaimed.length; i += IN_CHUNK) {
      claims.push(db.update(rewardLedger).set({ batchId: fresh }).where(and(isNull(rewardLedger.batchId), eq(rewardLedger.applied, false), inArray(rewardLedger.key, unclaimed.slice(i, i + IN_CHUNK)))));
    }
    await db.batch(claims as [Write, ...Write[]]);
    batchIds.add(fresh);
  }

  let rows = 0;
  for (const batchId of batchIds) {
    const members = await db.select().from(rewardLedger).where(eq(rewardLedger.batchId, batchId));
    if (members.length === 0 || members.every((m) => m.applied)) continue;
    const deltas = aggregateLedger(members.map((m) => ({ key: m.key, kind: m.kind, request_id: m.requestId, experiment_id: m.experimentId, segment_id: m.segmentId, arm: m.arm })));
    // One RPC per shard per batch.
    const perShard = new Map<string, { experimentId: string; shard: number; deltas: ArmDelta[] }>();
    const facts = await factsFor(db, [...new Set([...deltas.values()].map((d) => d.experiment_id))]);
    for (const d of deltas.values()) {
      const shard = shardOf(d.segment, facts.get(d.experiment_id)?.shards ?? 1);
      const key = `${d.experiment_id}#${shard}`;
      const entry = perShard.get(key) ?? { experimentId: d.experiment_id, shard, deltas: [] };
      entry.deltas.push({ segment: d.segment, arm: d.arm, pulls: d.pulls, successes: d.successes });
      perShard.set(key, entry);
    }
    await Promise.all([...perShard.values()].map((s) => banditShard(env.BANDIT_SHARDS, s.experimentId, s.shard).applyBatch(batchId, s.deltas)));
    await db.update(rewardLedger).set({ applied: true }).where(eq(rewardLedger.batchId, batchId));
    rows += members.length;
  }
  return { batches: batchIds.size, rows };
}

function rejectRow(db: Db, queue: string, reason: string, body: unknown, now: Date): Write {
  let text: string;
  try {
    text = JSON.stringify(body) ?? "undefined";
  } catch {
    text = String(body);
  }
  return db.insert(rejectedMessages).values({ queue, reason: reason.slice(0, 1000), body: text.slice(0, 10_000), rejectedAt: now.toISOString() });
}

async function processEvents(db: Db, env: Env, ctx: ExecutionContext, store: FeatureStore, msg: EventsMessage, now: Date): Promise<Write[]> {
  const visitorHash = await hashVisitorId(env.VISITOR_ID_SALT, msg.anon_id);
  const writes: Write[] = msg.events.map((e) =>
    db
      .insert(events)
      .values({
        id: `${visitorHash}:${e.id}`,
        visitorHash,
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
      })
      .onConflictDoNothing(),
  );
  if (!msg.personalization) return writes;

  // The request path usually applied these already; applying again is a no-op, and covers the case where it could not.
  const profile = await store.applyEvents(msg.anon_id, msg.session_id, msg.device, msg.events);
  const snapshot = await getSnapshot(env, ctx);
  const view = viewVisitor(snapshot, { anonId: msg.anon_id, device: msg.device, referrer: undefined, utm: undefined, pageType: null, stated: undefined }, profile, now.getTime());
  const row = {
    visitorHash,
    segmentId: view.segment.id,
    persona: view.segment.persona,
    confidence: view.segment.confidence,
    intent: view.segment.intent,
    deviceClass: view.segment.features.device_class,
    recency: view.segment.features.recency,
    assignedAt: now.toISOString(),
  };
  const { visitorHash: _key, ...update } = row;
  writes.push(db.insert(segmentAssignments).values(row).onConflictDoUpdate({ target: segmentAssignments.visitorHash, set: update }));
  return writes;
}
