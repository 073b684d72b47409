// Fault injection on the write path, in workerd with the real consumer, D1, Durable Objects and queue: 10,000
// feedback events (and their decisions and clickstream) delivered with 20% duplicates, in shuffled batches,
// while 10% of D1 batches fail, 5% fail after writing (a crash between the write and the ack), and 10% of
// Durable Object calls (bandit shards, visitor profiles) fail. Every message the consumer does not ack is
// redelivered, as the queue would. After recovery every accepted event and feedback is counted exactly once.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { DecisionMessage, DecisionsMessage, EventsMessage, FeedbackMessage } from "../../shared/api/messages";
import { createRng, type Rng } from "../../shared/catalog/prng";
import { banditShard } from "../bandit/shard";
import { feedbackId } from "../routes/feedback";
import { handleQueue, sweepLedger } from "./consumer";

interface QueueOutcome {
  retryBatch: { retry: boolean };
  retryMessages: { msgId: string }[];
}

const EXPERIMENT = "exp_faults";
const DECISIONS = 5000;
const FEEDBACK = 10_000;
const EVENT_MESSAGES = 600;
const EVENTS_PER_MESSAGE = 5;

interface Faults {
  d1Before: number;
  d1After: number;
  durableObjects: number;
  /** D1 faults are held off for this invocation (see the delivery loop). */
  d1Spared: boolean;
  injected: { d1Before: number; d1After: number; durableObjects: number };
}

class InjectedFault extends Error {}

/** A Durable Object namespace whose stubs fail a share of their RPC calls (before the call reaches the object). */
function faultyNamespace<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, rng: Rng, faults: Faults): DurableObjectNamespace<T> {
  return new Proxy(ns, {
    get(target, prop, receiver) {
      if (prop !== "get") {
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      }
      return (id: DurableObjectId) => {
        const stub = target.get(id) as unknown as Record<string | symbol, (...args: unknown[]) => Promise<unknown>>;
        // A plain object standing in for the stub (not a Proxy of it: RPC stubs answer every property, `then`
        // included): each RPC method fails a share of its calls before reaching the object.
        return new Proxy({}, {
          get(_, method) {
            if (method === "then" || typeof method === "symbol") return undefined;
            return (...args: unknown[]) => {
              if (rng.chance(faults.durableObjects)) {
                faults.injected.durableObjects++;
                return Promise.reject(new InjectedFault(`injected: ${String(method)} failed`));
              }
              return stub[method]!(...args);
            };
          },
        });
      };
    },
  });
}

/** A D1 database whose batches fail before writing, or after writing (the crash before the ack). */
function faultyD1(db: D1Database, rng: Rng, faults: Faults): D1Database {
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          if (!faults.d1Spared && rng.chance(faults.d1Before)) {
            faults.injected.d1Before++;
            throw new InjectedFault("D1_ERROR: injected before the write");
          }
          const results = await target.batch(statements);
          if (!faults.d1Spared && rng.chance(faults.d1After)) {
            faults.injected.d1After++;
            throw new InjectedFault("injected: the isolate died after the write, before the ack");
          }
          return results;
        };
      }
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

const hex32 = (n: number) => n.toString(16).padStart(32, "0");

describe("the write path under injected faults", () => {
  it("counts 10,000 feedback events, their decisions and the clickstream exactly once after recovery", { timeout: 600_000 }, async () => {
    const rng = createRng(20_261_121);
    const now = new Date().toISOString();
    await env.DB.prepare("INSERT INTO experiments (id, surface_id, variants, allocation, metric, shards, created_at, updated_at) VALUES (?, 'homepage.hero', '[]', 'bandit', 'click', 2, ?, ?)").bind(EXPERIMENT, now, now).run();

    // The stream: decisions over 2 segments x 2 arms (logged in batches, as the rank path does), two feedback
    // events per decision (an impression, then a click or a second item's impression), and clickstream.
    const expected = new Map<string, { pulls: number; successes: number }>();
    const decisions: DecisionMessage[] = [];
    const feedback: FeedbackMessage[] = [];
    let clicks = 0;
    for (let i = 0; i < DECISIONS; i++) {
      const requestId = `req_${hex32(0xfa000000 + i)}`;
      const segment = `seg_${i % 2}`;
      const arm = `arm_${(i >> 1) % 2}`;
      decisions.push({ kind: "decision", request_id: requestId, anon_id: null, surface_id: "homepage.hero", segment_id: segment, experiment_id: EXPERIMENT, bandit_segment: segment, arm, propensity: 0.5, holdout: false, items: ["p1", "p2"], policy_version: "faults", decided_at: now, top_score: 0.5 });
      const counts = expected.get(`${segment}/${arm}`) ?? { pulls: 0, successes: 0 };
      counts.pulls++;
      const clicked = rng.chance(arm === "arm_1" ? 0.6 : 0.3);
      if (clicked) counts.successes++;
      expected.set(`${segment}/${arm}`, counts);
      const fb = (item: string, type: FeedbackMessage["reward_type"]): FeedbackMessage => ({ kind: "feedback", feedback_id: feedbackId(requestId, item, type), request_id: requestId, item_id: item, reward_type: type, value: 1, occurred_at: now, received_at: now, context: null });
      feedback.push(fb("p1", "impression"), clicked ? fb("p1", "click") : fb("p2", "impression"));
      if (clicked) clicks++;
    }
    expect(feedback.length).toBe(FEEDBACK);
    const events: EventsMessage[] = Array.from({ length: EVENT_MESSAGES }, (_, m) => ({
      kind: "events",
      anon_id: `anon_fault_${m % 150}`,
      session_id: `s_${m}`,
      // A share feeds visitor profiles (through their Durable Objects, which fail too).
      personalization: m % 4 === 0,
      device: "desktop",
      received_at: now,
      events: Array.from({ length: EVENTS_PER_MESSAGE }, (_, k) => ({ id: `ev_fault_${m}_${k}`, type: "page_view", ts: Date.parse(now) - (EVENTS_PER_MESSAGE - k) * 1000, page_type: "product", category: "photo", product_id: "p1", query: null, quiz: null, entry: null, url: "/products/p1", value: null })),
    }));
    const bodies: unknown[] = [];
    for (let i = 0; i < decisions.length; i += 50) bodies.push({ kind: "decisions", decisions: decisions.slice(i, i + 50) } satisfies DecisionsMessage);
    bodies.push(...feedback, ...events);
    // 20% of messages are delivered twice, then everything is shuffled: feedback often arrives before its decision.
    let delivered: { id: string; body: unknown; attempts: number }[] = [];
    bodies.forEach((body, i) => {
      delivered.push({ id: `m${i}`, body, attempts: 1 });
      if (rng.chance(0.2)) delivered.push({ id: `m${i}_dup`, body, attempts: 1 });
    });
    for (let i = delivered.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [delivered[i], delivered[j]] = [delivered[j]!, delivered[i]!];
    }

    const faults: Faults = { d1Before: 0.1, d1After: 0.05, durableObjects: 0.1, d1Spared: false, injected: { d1Before: 0, d1After: 0, durableObjects: 0 } };
    const faulty = { ...env, DB: faultyD1(env.DB, rng, faults), BANDIT_SHARDS: faultyNamespace(env.BANDIT_SHARDS, rng, faults), VISITOR_PROFILES: faultyNamespace(env.VISITOR_PROFILES, rng, faults) } as Env;
    let invocations = 0;
    let redeliveries = 0;
    while (delivered.length > 0) {
      const take = delivered.splice(0, 100);
      // Feedback whose decision is still unknown is rejected, by design, on its 4th delivery. The real queue spaces
      // those deliveries out (2, 4, 8 s), time in which the decision lands; here redelivery is immediate, so a
      // decisions message failing a third time in a row could outrun them and only the fault pattern would
      // decide. A decisions message on its third delivery goes through without D1 faults.
      faults.d1Spared = take.some((m) => m.attempts >= 3 && (m.body as { kind?: string }).kind === "decisions");
      const batch = createMessageBatch("aura-feedback", take.map((m) => ({ id: m.id, timestamp: new Date(), attempts: m.attempts, body: m.body })));
      const ctx = createExecutionContext();
      await handleQueue(batch, faulty, ctx);
      await waitOnExecutionContext(ctx);
      invocations++;
      const result = (await getQueueResult(batch, ctx)) as unknown as QueueOutcome;
      const retried = new Set(result.retryBatch.retry ? take.map((m) => m.id) : result.retryMessages.map((r) => r.msgId));
      const again = take.filter((m) => retried.has(m.id)).map((m) => ({ ...m, attempts: m.attempts + 1 }));
      redeliveries += again.length;
      delivered = [...delivered, ...again];
    }
    expect(faults.injected.d1Before).toBeGreaterThan(0);
    expect(faults.injected.d1After).toBeGreaterThan(0);
    expect(faults.injected.durableObjects).toBeGreaterThan(0);
    expect(redeliveries).toBeGreaterThan(0);

    // Recovery: the faults stop; the sweeper re-sends ledger batches the shards did not take, and deferred
    // feedback (sent back on the real queue) comes through the real consumer.
    const count = async (sql: string, ...binds: unknown[]) => (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;
    const feedbackIds = JSON.stringify([...new Set(feedback.map((f) => f.feedback_id))]);
    for (let round = 0; round < 120; round++) {
      await sweepLedger(env, drizzle(env.DB), 0);
      const rows = await count("SELECT count(*) AS n FROM feedback WHERE id IN (SELECT value FROM json_each(?))", feedbackIds);
      const pending = await count("SELECT count(*) AS n FROM reward_ledger WHERE experiment_id = ? AND applied = 0", EXPERIMENT);
      if (rows === FEEDBACK && pending === 0) break;
      await new Promise((r) => setTimeout(r, 500));
    }

    // Exactly once: every feedback event one row (clicks applied, impressions recorded), every decision one row,
    // every clickstream event one row, and the bandit's counts exactly what the stream implies.
    expect(await count("SELECT count(*) AS n FROM feedback WHERE id IN (SELECT value FROM json_each(?))", feedbackIds)).toBe(FEEDBACK);
    expect(await count("SELECT count(*) AS n FROM feedback WHERE id IN (SELECT value FROM json_each(?)) AND status = 'applied'", feedbackIds)).toBe(clicks);
    expect(await count("SELECT count(*) AS n FROM feedback WHERE id IN (SELECT value FROM json_each(?)) AND status = 'rejected'", feedbackIds)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM decisions WHERE experiment_id = ?", EXPERIMENT)).toBe(DECISIONS);
    // Event rows are keyed by the visitor's salted hash and the event id.
    expect(await count("SELECT count(*) AS n FROM events WHERE id LIKE '%:ev_fault_%'")).toBe(EVENT_MESSAGES * EVENTS_PER_MESSAGE);
    const counts = new Map<string, { pulls: number; successes: number }>();
    for (let shard = 0; shard < 2; shard++) {
      for (const r of await banditShard(env.BANDIT_SHARDS, EXPERIMENT, shard).snapshot()) counts.set(`${r.segment}/${r.arm}`, { pulls: r.pulls, successes: r.successes });
    }
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(expected));
    // Profiles saw each event once too: a visitor's event count is the number of distinct events sent for them.
    const profile = await env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("anon_fault_0")).getProfile();
    const perVisitor = events.filter((e) => e.anon_id === "anon_fault_0" && e.personalization).length * EVENTS_PER_MESSAGE;
    expect(profile?.event_count ?? 0).toBe(perVisitor);
    console.log(JSON.stringify({ invocations, redeliveries, injected: faults.injected, clicks }));
  });
});
