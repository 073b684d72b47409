// The queue consumer: validates each message, folds events into visitor profiles (idempotent), and writes
// the event log and segment assignments to D1 in one batch. Each message is acked or retried on its own;
// poison messages are stored as rejected with the reason.
import { drizzle } from "drizzle-orm/d1";
import type { BatchItem } from "drizzle-orm/batch";
import { QueueMessage, type EventsMessage } from "../../shared/api/messages";
import { events, rejectedMessages, segmentAssignments } from "../../shared/db/schema";
import { viewVisitor } from "../../shared/decision/decide";
import { hashVisitorId } from "../../shared/privacy";
import { getSnapshot } from "../data/snapshot";
import { featureStore } from "../services";
import type { FeatureStore } from "../../shared/profile/feature-store";

type Db = ReturnType<typeof drizzle>;

export async function handleQueue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
  const db = drizzle(env.DB);
  const store = featureStore(env);
  const now = new Date();
  const writes: BatchItem<"sqlite">[] = [];
  const settled: Message<unknown>[] = [];

  for (const msg of batch.messages) {
    const parsed = QueueMessage.safeParse(msg.body);
    if (!parsed.success) {
      writes.push(rejectRow(db, batch.queue, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "), msg.body, now));
      settled.push(msg);
      continue;
    }
    try {
      writes.push(...(await processEvents(db, env, ctx, store, parsed.data, now)));
      settled.push(msg);
    } catch (err) {
      // Transient (Durable Object or snapshot unavailable): redeliver later; D1 inserts are idempotent.
      console.error(JSON.stringify({ level: "warn", queue: batch.queue, message_id: msg.id, error: err instanceof Error ? err.message : String(err) }));
      msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });
    }
  }

  if (writes.length > 0) {
    try {
      await db.batch(writes as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]]);
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", queue: batch.queue, error: `d1 batch failed: ${err instanceof Error ? err.message : String(err)}` }));
      for (const msg of settled) msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });
      return;
    }
  }
  for (const msg of settled) msg.ack();
}

function rejectRow(db: Db, queue: string, reason: string, body: unknown, now: Date) {
  let text: string;
  try {
    text = JSON.stringify(body) ?? "undefined";
  } catch {
    text = String(body);
  }
  return db.insert(rejectedMessages).values({ queue, reason: reason.slice(0, 1000), body: text.slice(0, 10_000), rejectedAt: now.toISOString() });
}

async function processEvents(
  db: Db,
  env: Env,
  ctx: ExecutionContext,
  store: FeatureStore,
  msg: EventsMessage,
  now: Date,
): Promise<BatchItem<"sqlite">[]> {
  const visitorHash = await hashVisitorId(env.VISITOR_ID_SALT, msg.anon_id);
  const writes: BatchItem<"sqlite">[] = msg.events.map((e) =>
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
  const view = viewVisitor(
    snapshot,
    { anonId: msg.anon_id, device: msg.device, referrer: undefined, utm: undefined, pageType: null, stated: undefined },
    profile,
    now.getTime(),
  );
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

