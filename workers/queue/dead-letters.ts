// The dead-letter queue's consumer, and the replay behind POST /v1/admin/dead-letters/replay.
//
// A message lands in the dead-letter queue once every delivery on the main queue failed (max_retries in
// wrangler.toml): D1 or the Durable Objects down for minutes, not a bad message (those are acked and stored as
// rejected). The queue keeps a dead letter only for its retention period (4 days by default) and then deletes it,
// so an outage over a long weekend would drop accepted events and rewards without a trace. This consumer moves
// each one into D1 (`dead_letters`) verbatim: admins see them, replay them once the outage is over, and a
// visitor's erasure reaches them. Replaying is safe to repeat: every write the main consumer makes ignores
// conflicts on its natural key (event id, request id, ledger key), so a message applied twice adds nothing twice.
import { and, asc, count, inArray, isNotNull, isNull, min } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { deadLetters } from "../../shared/db/schema";

/** Must match `dead_letter_queue` in wrangler.toml: batches from this queue are parked, not processed. */
export const DEAD_LETTER_QUEUE = "aura-feedback-dlq";

/**
 * While D1 is down a dead letter goes back on the dead-letter queue: a minute at first, doubling to the queue's
 * longest delay (12 h). With max_retries 100 (wrangler.toml) that is weeks, not the hours a fixed delay would give.
 */
export const parkRetryDelay = (attempts: number) => Math.min(43_200, 60 * 2 ** Math.min(10, Math.max(0, attempts - 1)));

const INSERT_SQL =
  "INSERT INTO dead_letters (message_id, queue, kind, body, attempts, dead_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING";

const kindOf = (body: unknown): string | null =>
  typeof body === "object" && body !== null && typeof (body as { kind?: unknown }).kind === "string" ? (body as { kind: string }).kind.slice(0, 64) : null;

/** A message body as stored (dead letters, rejected messages): its JSON, or its string form if it has none. */
export function messageText(body: unknown): string {
  try {
    return JSON.stringify(body) ?? "null";
  } catch {
    return String(body);
  }
}

/**
 * Stores a batch from the dead-letter queue, one row per message (a redelivery is stored once), then acks it.
 * If D1 is still down the batch stays on the dead-letter queue and comes back later (parkRetryDelay). Logged at error
 * level either way: a dead letter means accepted data is waiting for an operator.
 */
export async function parkDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const now = new Date().toISOString();
  const kinds: Record<string, number> = {};
  // One statement per message, not bulkInsert's one JSON parameter for all rows: a body may be up to the queue's
  // 128 KB, and a hundred of them in one parameter would pass D1's limits.
  const statements = batch.messages.map((m) => {
    const kind = kindOf(m.body);
    kinds[kind ?? "unknown"] = (kinds[kind ?? "unknown"] ?? 0) + 1;
    return env.DB.prepare(INSERT_SQL).bind(m.id, batch.queue, kind, messageText(m.body), m.attempts, now);
  });
  try {
    if (statements.length > 0) await env.DB.batch(statements);
  } catch (err) {
    console.error(JSON.stringify({ level: "error", dead_letters: `not stored, back on the dead-letter queue: ${err instanceof Error ? err.message : String(err)}`, messages: batch.messages.length }));
    for (const m of batch.messages) m.retry({ delaySeconds: parkRetryDelay(m.attempts) });
    return;
  }
  batch.ackAll();
  console.error(JSON.stringify({ level: "error", dead_letters: `${batch.messages.length} stored for replay (GET /v1/admin/dead-letters)`, kinds }));
}

export interface DeadLetterView {
  id: number;
  message_id: string;
  queue: string;
  kind: string | null;
  attempts: number;
  dead_at: string;
  replayed_at: string | null;
  body: unknown;
}

/** How many dead letters wait for replay, and since when. */
export async function pendingDeadLetters(db: D1Database): Promise<{ pending: number; oldest_dead_at: string | null }> {
  const [row] = await drizzle(db).select({ n: count(), oldest: min(deadLetters.deadAt) }).from(deadLetters).where(isNull(deadLetters.replayedAt));
  return { pending: row?.n ?? 0, oldest_dead_at: row?.oldest ?? null };
}

export async function listDeadLetters(db: D1Database, state: "pending" | "replayed" | "all", limit: number): Promise<DeadLetterView[]> {
  const where = state === "pending" ? isNull(deadLetters.replayedAt) : state === "replayed" ? isNotNull(deadLetters.replayedAt) : undefined;
  const rows = await drizzle(db).select().from(deadLetters).where(where).orderBy(asc(deadLetters.id)).limit(limit);
  return rows.map((r) => ({ id: r.id, message_id: r.messageId, queue: r.queue, kind: r.kind, attempts: r.attempts, dead_at: r.deadAt, replayed_at: r.replayedAt, body: parseBody(r.body) }));
}

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** D1 binds at most 100 parameters per statement: id lists stay under it. */
export const MAX_REPLAY_IDS = 90;
/** A sendBatch carries at most 100 messages and 256 KB. */
const SEND_BATCH_MESSAGES = 100;
const SEND_BATCH_BYTES = 200_000;

export interface ReplayOutcome {
  replayed: number;
  /** Set when the queue (or D1, marking them) failed part-way: what was not done, and why. */
  failed: { error: string; not_replayed: number } | null;
}

/**
 * Sends pending dead letters (the oldest `limit`, or those of `ids`) back to the main queue and marks them
 * replayed. Stops at the first send that fails: the queue is down, and the rest stay pending for the next try.
 * A letter sent but not marked (D1 failing in between) stays pending and is sent again next time, which the
 * main consumer's idempotent writes make harmless.
 */
export async function replayDeadLetters(env: Env, selection: { ids?: readonly number[]; limit: number }): Promise<ReplayOutcome> {
  const db = drizzle(env.DB);
  const rows = await db
    .select({ id: deadLetters.id, body: deadLetters.body })
    .from(deadLetters)
    .where(and(isNull(deadLetters.replayedAt), selection.ids ? inArray(deadLetters.id, [...selection.ids]) : undefined))
    .orderBy(asc(deadLetters.id))
    .limit(selection.limit);
  const sent: number[] = [];
  let failure: string | null = null;
  for (let i = 0; i < rows.length && failure === null; ) {
    const chunk: typeof rows = [];
    let bytes = 0;
    while (i < rows.length && chunk.length < SEND_BATCH_MESSAGES && (chunk.length === 0 || bytes + rows[i]!.body.length <= SEND_BATCH_BYTES)) {
      bytes += rows[i]!.body.length;
      chunk.push(rows[i++]!);
    }
    try {
      await env.EVENTS_QUEUE.sendBatch(chunk.map((r) => ({ body: parseBody(r.body), contentType: "json" as const })));
      sent.push(...chunk.map((r) => r.id));
    } catch (err) {
      failure = `queue send failed: ${err instanceof Error ? err.message : String(err)}`;
    }
  }
  const now = new Date().toISOString();
  let marked = 0;
  try {
    for (; marked < sent.length; marked += MAX_REPLAY_IDS) {
      await db.update(deadLetters).set({ replayedAt: now }).where(inArray(deadLetters.id, sent.slice(marked, marked + MAX_REPLAY_IDS)));
    }
  } catch (err) {
    const unmarked = `${sent.length - marked} sent but not marked replayed (they stay pending; sending them again is harmless): ${err instanceof Error ? err.message : String(err)}`;
    failure = failure === null ? unmarked : `${failure}; ${unmarked}`;
  }
  return { replayed: sent.length, failed: failure === null ? null : { error: failure, not_replayed: rows.length - sent.length } };
}
