// The dead-letter queue's consumer and the replay, in workerd with real D1 and the real queue: what every delivery
// failed on is kept in D1 (once, whatever the redeliveries), shown to admins, erased with its visitor, and
// replayed onto the main queue, where the real consumer writes it.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DecisionMessage } from "../../shared/api/messages";
import { call, expectError, json, waitFor } from "../test/helpers";
import { handleQueue } from "./consumer";
import { DEAD_LETTER_QUEUE, parkRetryDelay } from "./dead-letters";

interface QueueOutcome {
  ackAll: boolean;
  retryBatch: { retry: boolean };
  explicitAcks: string[];
  retryMessages: { msgId: string }[];
}

let seq = 0;
const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${seq++}`;

function decision(requestId: string, anonId: string): DecisionMessage {
  return {
    kind: "decision", request_id: requestId, anon_id: anonId, surface_id: "homepage.hero", segment_id: null, experiment_id: null,
    bandit_segment: null, arm: null, propensity: 1, holdout: false, items: ["p122"], policy_version: "test", decided_at: new Date().toISOString(),
  };
}

/** Stored verbatim whatever it holds: only its kind and the visitor id in it matter here. */
function eventsMessage(anonId: string): Record<string, unknown> {
  return { kind: "events", anon_id: anonId, session_id: null, personalization: true, device: "mobile", received_at: new Date().toISOString(), events: [{ id: unique("ev"), type: "view", ts: Date.now() }] };
}

/** One delivery of `messages` from the dead-letter queue to the Worker's queue handler, as the runtime makes it. */
async function deliver(messages: { id: string; body: unknown; attempts?: number }[], bindings: Env = env): Promise<QueueOutcome> {
  const batch = createMessageBatch(DEAD_LETTER_QUEUE, messages.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts ?? 1, body: m.body })));
  const ctx = createExecutionContext();
  await handleQueue(batch, bindings, ctx);
  await waitOnExecutionContext(ctx);
  return (await getQueueResult(batch, ctx)) as unknown as QueueOutcome;
}

const stored = (messageId: string) => env.DB.prepare("SELECT kind, body, attempts, replayed_at FROM dead_letters WHERE message_id = ?").bind(messageId).all<{ kind: string | null; body: string; attempts: number; replayed_at: string | null }>();

describe("dead letters", () => {
  it("stores each dead letter verbatim once, however often it is delivered, and acks it", async () => {
    const anon = unique("anon_dlq");
    const messages = [
      { id: unique("msg"), body: decision(`req_${crypto.randomUUID().replaceAll("-", "")}`, anon), attempts: 1 },
      { id: unique("msg"), body: eventsMessage(anon), attempts: 1 },
      { id: unique("msg"), body: "not even an object", attempts: 1 },
    ];
    const first = await deliver(messages);
    expect(first.ackAll || first.explicitAcks.length === messages.length).toBe(true);
    expect(first.retryMessages).toEqual([]);
    // The dead-letter queue redelivers (the ack was lost): nothing is stored twice.
    await deliver(messages.map((m) => ({ ...m, attempts: 2 })));
    for (const m of messages) {
      const { results } = await stored(m.id);
      expect(results).toHaveLength(1);
      expect(JSON.parse(results[0]!.body)).toEqual(m.body);
      expect(results[0]!.replayed_at).toBeNull();
    }
    expect((await stored(messages[0]!.id)).results[0]!.kind).toBe("decision");
    expect((await stored(messages[2]!.id)).results[0]!.kind).toBeNull();
  });

  it("waits for D1 a minute at first, doubling up to the queue's longest delay (12 h)", () => {
    expect([1, 2, 3, 6, 10, 11, 12, 100].map(parkRetryDelay)).toEqual([60, 120, 240, 1920, 30_720, 43_200, 43_200, 43_200]);
  });

  it("leaves them on the dead-letter queue while D1 is down", async () => {
    const failingDb = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === "batch") return () => Promise.reject(new Error("injected: D1 unavailable"));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const messages = [1, 6].map((attempts) => ({ id: unique("msg"), body: eventsMessage(unique("anon_dlq")), attempts }));
    const outcome = await deliver(messages, { ...env, DB: failingDb } as Env);
    expect(outcome.ackAll).toBe(false);
    expect(outcome.explicitAcks).toEqual([]);
    expect(outcome.retryMessages.map((r) => r.msgId).sort()).toEqual(messages.map((m) => m.id).sort());
    for (const m of messages) expect((await stored(m.id)).results).toHaveLength(0);
  });

  it("lists them for admins and flags them in health, and replays them onto the queue, where the consumer writes them", async () => {
    const requestId = `req_${crypto.randomUUID().replaceAll("-", "")}`;
    const messageId = unique("msg");
    await deliver([{ id: messageId, body: decision(requestId, unique("anon_dlq")) }]);
    const { results } = await env.DB.prepare("SELECT id FROM dead_letters WHERE message_id = ?").bind(messageId).all<{ id: number }>();
    const id = results[0]!.id;

    expect((await call("/v1/admin/dead-letters")).status).toBe(401);
    const listed = await json<{ pending: number; dead_letters: { id: number; kind: string; body: { request_id: string } }[] }>(await call("/v1/admin/dead-letters?limit=500", { admin: true }));
    expect(listed.pending).toBeGreaterThanOrEqual(1);
    expect(listed.dead_letters.find((d) => d.id === id)).toMatchObject({ kind: "decision", body: { request_id: requestId } });
    const health = await json<{ components: { dead_letters: { status: string; pending: number } } }>(await call("/v1/admin/health", { admin: true }));
    expect(health.components.dead_letters).toMatchObject({ status: "attention" });
    expect(health.components.dead_letters.pending).toBeGreaterThanOrEqual(1);

    await expectError(await call("/v1/admin/dead-letters?state=lost", { admin: true }), 400, "invalid_request");
    await expectError(await call("/v1/admin/dead-letters/replay", { admin: true, body: { ids: [] } }), 400, "invalid_request");
    await expectError(await call("/v1/admin/dead-letters/replay", { admin: true, body: { ids: [id], extra: 1 } }), 400, "invalid_request");
    expect((await stored(messageId)).results[0]!.replayed_at).toBeNull();

    const replay = await json<{ replayed: number; failed: unknown }>(await call("/v1/admin/dead-letters/replay", { admin: true, body: { ids: [id] } }));
    expect(replay).toMatchObject({ replayed: 1, failed: null });
    expect((await stored(messageId)).results[0]!.replayed_at).not.toBeNull();
    // The real queue delivers it to the real consumer, which logs the decision.
    await waitFor(() => env.DB.prepare("SELECT 1 AS ok FROM decisions WHERE request_id = ?").bind(requestId).first(), 30_000);
    // Replayed once: a second replay of the same id finds nothing pending.
    expect(await json(await call("/v1/admin/dead-letters/replay", { admin: true, body: { ids: [id] } }))).toMatchObject({ replayed: 0 });
  });

  it("answers 503 and keeps them pending when the queue refuses the replay", async () => {
    const messageId = unique("msg");
    await deliver([{ id: messageId, body: eventsMessage(unique("anon_dlq")) }]);
    const { results } = await env.DB.prepare("SELECT id FROM dead_letters WHERE message_id = ?").bind(messageId).all<{ id: number }>();
    const downQueue = { send: () => Promise.reject(new Error("injected: queue down")), sendBatch: () => Promise.reject(new Error("injected: queue down")) };
    await expectError(await call("/v1/admin/dead-letters/replay", { admin: true, body: { ids: [results[0]!.id] }, env: { EVENTS_QUEUE: downQueue } }), 503, "queue_unavailable");
    expect((await stored(messageId)).results[0]!.replayed_at).toBeNull();
    // Once the queue is back, a replay without a body takes the oldest pending ones, this one among them.
    const replay = await json<{ replayed: number; pending: number }>(await call("/v1/admin/dead-letters/replay", { admin: true, method: "POST" }));
    expect(replay.replayed).toBeGreaterThanOrEqual(1);
    expect((await stored(messageId)).results[0]!.replayed_at).not.toBeNull();
  });

  it("are erased with their visitor", async () => {
    const anon = unique("anon_dlq_erase");
    const messageId = unique("msg");
    await deliver([{ id: messageId, body: eventsMessage(anon) }]);
    expect((await stored(messageId)).results).toHaveLength(1);
    const receipt = await json<{ erased: Record<string, number> }>(await call(`/v1/users/${anon}`, { method: "DELETE", admin: true }));
    expect(receipt.erased.dead_letters).toBe(1);
    expect((await stored(messageId)).results).toHaveLength(0);
  });
});
