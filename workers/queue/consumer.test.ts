// Property: whatever the order, duplication and batching of a decision + feedback stream, the real consumer
// (real D1, real BanditShard objects) ends with exactly the posterior counts the stream implies.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { DecisionMessage, FeedbackMessage } from "../../shared/api/messages";
import { banditShard } from "../bandit/shard";
import { feedbackId } from "../routes/feedback";
import { handleQueue, sweepLedger } from "./consumer";

/** The parts of the test runtime's queue result we read (its declared type is not in the generated runtime types). */
interface QueueOutcome {
  retryBatch: { retry: boolean };
  retryMessages: { msgId: string }[];
}

let run = 0;
const hex32 = (n: number) => n.toString(16).padStart(32, "0");

interface Stream {
  experimentId: string;
  messages: (DecisionMessage | FeedbackMessage)[];
  expected: Map<string, { pulls: number; successes: number }>;
}

/** Decisions over 2 segments x 2 arms; clicks on some (valid), plus noise: impressions, unserved items. */
function buildStream(spec: { seg: number; arm: number; clicks: number; unserved: boolean }[]): Stream {
  const experimentId = `exp_prop_${run++}`;
  const messages: (DecisionMessage | FeedbackMessage)[] = [];
  const expected = new Map<string, { pulls: number; successes: number }>();
  const now = new Date().toISOString();
  spec.forEach((d, i) => {
    const requestId = `req_${hex32(run * 10_000 + i)}`;
    const segment = `seg_${d.seg}`;
    const arm = `arm_${d.arm}`;
    messages.push({
      kind: "decision", request_id: requestId, anon_id: null, surface_id: "homepage.hero", segment_id: segment, experiment_id: experimentId,
      bandit_segment: segment, arm, propensity: 0.5, holdout: false, items: ["p1", "p2"], policy_version: "test", decided_at: now,
    });
    const key = `${segment}/${arm}`;
    const counts = expected.get(key) ?? { pulls: 0, successes: 0 };
    counts.pulls++;
    if (d.clicks > 0) counts.successes++; // one success per decision however many clicks
    expected.set(key, counts);
    const fb = (item: string, type: FeedbackMessage["reward_type"]): FeedbackMessage => ({
      kind: "feedback", feedback_id: feedbackId(requestId, item, type), request_id: requestId, item_id: item, reward_type: type,
      value: 1, occurred_at: now, received_at: now, context: null,
    });
    if (d.clicks >= 1) messages.push(fb("p1", "click"));
    if (d.clicks >= 2) messages.push(fb("p2", "click"));
    messages.push(fb("p1", "impression"));
    if (d.unserved) messages.push(fb("p9", "click"));
  });
  return { experimentId, messages, expected };
}

async function consume(batches: { id: string; body: unknown; attempts: number }[][]): Promise<void> {
  const queue = batches.flat();
  let seq = 0;
  const sizes = batches.map((b) => Math.max(1, b.length));
  while (queue.length > 0) {
    const size = sizes[seq++ % sizes.length]!;
    const take = queue.splice(0, size);
    const batch = createMessageBatch("aura-feedback", take.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts, body: m.body })));
    const ctx = createExecutionContext();
    await handleQueue(batch, env, ctx);
    await waitOnExecutionContext(ctx);
    const result = (await getQueueResult(batch, ctx)) as unknown as QueueOutcome;
    const retried = new Set(result.retryBatch.retry ? take.map((m) => m.id) : result.retryMessages.map((r) => r.msgId));
    // Redelivery goes to the back of the queue, as a delayed retry would.
    for (const m of take) if (retried.has(m.id)) queue.push({ ...m, attempts: m.attempts + 1 });
  }
  // Every invocation applies its own rows; anything left pending would be a bug the sweep would hide, so check.
  expect((await sweepLedger(env, drizzle(env.DB), 0)).rows).toBe(0);
}

describe("queue consumer", () => {
  it("yields the same posterior counts for any interleaving, duplication and batching of the stream", { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ seg: fc.integer({ min: 0, max: 1 }), arm: fc.integer({ min: 0, max: 1 }), clicks: fc.integer({ min: 0, max: 2 }), unserved: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        fc.infiniteStream(fc.integer({ min: 1, max: 3 })),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 5 }),
        fc.integer(),
        async (spec, copies, batchSizes, shuffleSeed) => {
          const stream = buildStream(spec);
          await env.DB.prepare("INSERT INTO experiments (id, surface_id, variants, allocation, metric, shards, created_at, updated_at) VALUES (?, 'homepage.hero', '[]', 'bandit', 'click', 2, ?, ?)")
            .bind(stream.experimentId, new Date().toISOString(), new Date().toISOString()).run();
          // Duplicate every message 1-3 times, then shuffle deterministically from the generated seed.
          const delivered: { id: string; body: unknown; attempts: number }[] = [];
          const dup = copies[Symbol.iterator]();
          stream.messages.forEach((m, i) => {
            const n = dup.next().value as number;
            for (let k = 0; k < n; k++) delivered.push({ id: `m${i}_${k}`, body: m, attempts: 1 });
          });
          let s = shuffleSeed >>> 0;
          for (let i = delivered.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
            const j = s % (i + 1);
            [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
          }
          const batches: (typeof delivered)[] = [];
          let at = 0;
          for (let b = 0; at < delivered.length; b++) {
            const size = batchSizes[b % batchSizes.length]!;
            batches.push(delivered.slice(at, at + size));
            at += size;
          }
          await consume(batches);

          const counts = new Map<string, { pulls: number; successes: number }>();
          for (let shard = 0; shard < 2; shard++) {
            for (const r of await banditShard(env.BANDIT_SHARDS, stream.experimentId, shard).snapshot()) counts.set(`${r.segment}/${r.arm}`, { pulls: r.pulls, successes: r.successes });
          }
          expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(stream.expected));
        },
      ),
      { numRuns: 15, seed: 20261121 },
    );
  });
});
