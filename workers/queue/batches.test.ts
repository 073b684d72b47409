// Batched queue messages (decision windows, feedback windows) and the reward-ledger sweeper, on the real
// consumer with real D1, the real queue and real BanditShard objects.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import type { DecisionMessage, DecisionsMessage, FeedbackBatchMessage, FeedbackMessage } from "../../shared/api/messages";
import { banditShard } from "../bandit/shard";
import { feedbackId } from "../routes/feedback";
import { waitFor } from "../test/helpers";
import { handleQueue, sweepLedger } from "./consumer";

let seq = 0;
const requestId = () => `req_${(0xb000000 + seq++).toString(16).padStart(32, "0")}`;

async function createExperiment(id: string): Promise<void> {
  const now = new Date().toISOString();
  await env.DB.prepare("INSERT INTO experiments (id, surface_id, variants, allocation, metric, shards, created_at, updated_at) VALUES (?, 'homepage.hero', '[]', 'bandit', 'click', 1, ?, ?)").bind(id, now, now).run();
}

function decision(experimentId: string, arm: string): DecisionMessage {
  return {
    kind: "decision", request_id: requestId(), anon_id: "anon_batch", surface_id: "homepage.hero", segment_id: "seg_a", experiment_id: experimentId,
    bandit_segment: "seg_a", arm, propensity: 0.5, holdout: false, items: ["p1", "p2"], policy_version: "test", decided_at: new Date().toISOString(),
  };
}

function click(requestIdValue: string, item = "p1"): FeedbackMessage {
  const now = new Date().toISOString();
  return { kind: "feedback", feedback_id: feedbackId(requestIdValue, item, "click"), request_id: requestIdValue, item_id: item, reward_type: "click", value: 1, occurred_at: now, received_at: now, context: null };
}

async function deliver(...bodies: unknown[]): Promise<void> {
  const batch = createMessageBatch("aura-feedback", bodies.map((body, i) => ({ id: `m_${seq}_${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await handleQueue(batch, env, ctx);
  await waitOnExecutionContext(ctx);
}

async function counts(experimentId: string): Promise<Record<string, { pulls: number; successes: number }>> {
  const out: Record<string, { pulls: number; successes: number }> = {};
  for (const r of await banditShard(env.BANDIT_SHARDS, experimentId, 0).snapshot()) out[`${r.segment}/${r.arm}`] = { pulls: r.pulls, successes: r.successes };
  return out;
}

describe("batched queue messages", () => {
  it("logs every valid entry of a decisions message and rejects a malformed one on its own", async () => {
    await createExperiment("exp_batch_dec");
    const good = [decision("exp_batch_dec", "a"), decision("exp_batch_dec", "b"), decision("exp_batch_dec", "a")];
    const message: DecisionsMessage = { kind: "decisions", decisions: [good[0], { ...good[1], propensity: 7 }, good[2]] };
    await deliver(message);
    const logged = await env.DB.prepare("SELECT request_id FROM decisions WHERE experiment_id = 'exp_batch_dec' ORDER BY request_id").all<{ request_id: string }>();
    expect(logged.results.map((r) => r.request_id)).toEqual([good[0]!.request_id, good[2]!.request_id]);
    const rejected = await env.DB.prepare("SELECT reason, body FROM rejected_messages WHERE body LIKE ?").bind(`%${good[1]!.request_id}%`).first<{ reason: string; body: string }>();
    expect(rejected!.reason).toContain("propensity");
    expect(await counts("exp_batch_dec")).toEqual({ "seg_a/a": { pulls: 2, successes: 0 } });
    // The same message again (a redelivery) changes nothing.
    await deliver(message);
    expect(await counts("exp_batch_dec")).toEqual({ "seg_a/a": { pulls: 2, successes: 0 } });
  });

  it("applies a feedback batch once, rejects its malformed entry, and sends feedback that overtook its decision back until the decision lands", { timeout: 30_000 }, async () => {
    await createExperiment("exp_batch_fb");
    const logged = decision("exp_batch_fb", "a");
    const late = decision("exp_batch_fb", "b"); // its feedback arrives before it
    await deliver(logged);
    const fb: FeedbackBatchMessage = { kind: "feedback_batch", deferrals: 0, feedback: [click(logged.request_id), click(logged.request_id, "p2"), { ...click(logged.request_id), value: "x" }, click(late.request_id)] };
    await deliver(fb, fb);
    expect(await counts("exp_batch_fb")).toEqual({ "seg_a/a": { pulls: 1, successes: 1 } });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM rejected_messages WHERE reason LIKE 'value%'").first<{ n: number }>())!.n).toBeGreaterThanOrEqual(1);
    // The late decision arrives; the deferred feedback comes back through the real queue (2 s later) and applies.
    await deliver({ kind: "decisions", decisions: [late] } satisfies DecisionsMessage);
    const applied = await waitFor(async () => {
      const c = await counts("exp_batch_fb");
      return c["seg_a/b"]?.successes === 1 ? c : null;
    }, 20_000);
    expect(applied).toEqual({ "seg_a/a": { pulls: 1, successes: 1 }, "seg_a/b": { pulls: 1, successes: 1 } });
    const rows = await env.DB.prepare("SELECT status, count(*) AS n FROM feedback WHERE experiment_id = 'exp_batch_fb' GROUP BY status ORDER BY status").all<{ status: string; n: number }>();
    expect(rows.results).toEqual([{ status: "applied", n: 3 }]);
  });
});

describe("a second's worth of decisions", () => {
  /** D1 whose `batch` calls are counted, and the `failAt`-th one fails before (or after) writing. */
  function countingD1(failAt: number | null, when: "before" | "after") {
    const calls: number[] = [];
    const db = new Proxy(env.DB, {
      get(target, prop, receiver) {
        if (prop === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            calls.push(statements.length);
            if (calls.length === failAt && when === "before") throw new Error("D1_ERROR: injected before the write");
            const results = await target.batch(statements);
            if (calls.length === failAt && when === "after") throw new Error("injected: the isolate died after the write");
            return results;
          };
        }
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return { db, calls };
  }

  async function deliverTo(db: D1Database, bodies: unknown[]): Promise<{ retried: boolean }> {
    const batch = createMessageBatch("aura-feedback", bodies.map((body, i) => ({ id: `m_big_${i}`, timestamp: new Date(), attempts: 1, body })));
    const ctx = createExecutionContext();
    await handleQueue(batch, { ...env, DB: db } as Env, ctx);
    await waitOnExecutionContext(ctx);
    const outcome = (await getQueueResult(batch, ctx)) as unknown as { retryBatch: { retry: boolean }; retryMessages: unknown[] };
    return { retried: outcome.retryBatch.retry || outcome.retryMessages.length > 0 };
  }

  it("writes a light batch in one D1 call, and caps the transactions per invocation: 6,000 decisions go in ten", async () => {
    await createExperiment("exp_big_cap");
    // A second of page views: the log rows, their pulls and the ledger's sums in one transaction.
    const light = Array.from({ length: 300 }, () => decision("exp_big_cap", "a"));
    const lightSpy = countingD1(null, "before");
    expect(await deliverTo(lightSpy.db, [0, 100, 200].map((k) => ({ kind: "decisions", decisions: light.slice(k, k + 100) }) satisfies DecisionsMessage))).toEqual({ retried: false });
    expect(lightSpy.calls).toEqual([3]);
    const logged = Array.from({ length: 6000 }, () => decision("exp_big_cap", "a"));
    const messages: DecisionsMessage[] = Array.from({ length: 60 }, (_, k) => ({ kind: "decisions", decisions: logged.slice(k * 100, k * 100 + 100) }));
    const spy = countingD1(null, "before");
    expect(await deliverTo(spy.db, messages)).toEqual({ retried: false });
    // Nine decision transactions of 600, then the tenth with the batch that sums the ledger. A statement carries at
    // most 500 rows, so each transaction's log rows and pulls are two statements each.
    expect(spy.calls).toEqual([...Array.from({ length: 9 }, () => 4), 5]);
    expect(await counts("exp_big_cap")).toEqual({ "seg_a/a": { pulls: 6300, successes: 0 } });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE experiment_id = 'exp_big_cap'").first<{ n: number }>();
    expect(rows!.n).toBe(6300);
  });

  it("lets the isolate's other work run while it validates and prepares a large batch", async () => {
    await createExperiment("exp_big_turns");
    const logged = Array.from({ length: 1500 }, () => decision("exp_big_turns", "a"));
    const messages: DecisionsMessage[] = Array.from({ length: 15 }, (_, k) => ({ kind: "decisions", decisions: logged.slice(k * 100, k * 100 + 100) }));
    // Stands for requests waiting on the isolate: a timer that runs whenever the event loop gets a turn.
    let turns = 0;
    let ticking = true;
    const tick = () => {
      turns++;
      if (ticking) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    const spy = countingD1(null, "before");
    let turnsAtFirstWrite: number | null = null;
    const watched = new Proxy(spy.db, {
      get(target, prop, receiver) {
        if (prop === "batch") turnsAtFirstWrite ??= turns;
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    try {
      expect(await deliverTo(watched, messages)).toEqual({ retried: false });
    } finally {
      ticking = false;
    }
    // 1,500 entries validated and 1,500 rows built, 250 per turn: the loop got at least a dozen turns before the
    // first write (none when the consumer ran it all in one go).
    expect(turnsAtFirstWrite).toBeGreaterThanOrEqual(12);
    expect(await counts("exp_big_turns")).toEqual({ "seg_a/a": { pulls: 1500, successes: 0 } });
  });

  for (const [failAt, when] of [[2, "before"], [3, "after"]] as const) {
    it(`logs 1,250 decisions in transactions of 500, and counts every pull once when write ${failAt} fails ${when} it`, async () => {
      const id = `exp_big_${failAt}_${when}`;
      await createExperiment(id);
      const logged = Array.from({ length: 1250 }, (_, i) => decision(id, i % 5 === 0 ? "b" : "a"));
      const messages: DecisionsMessage[] = Array.from({ length: 13 }, (_, k) => ({ kind: "decisions", decisions: logged.slice(k * 100, k * 100 + 100) }));
      const clicked = logged.filter((_, i) => i % 10 === 1).map((d) => click(d.request_id));
      // First delivery: the injected failure makes the consumer ask for redelivery of what it had not acked.
      const first = countingD1(failAt, when);
      expect(await deliverTo(first.db, [...messages, ...clicked])).toEqual({ retried: true });
      // Two transactions of 500 decisions (2 statements: log rows and pulls), then the last 250 with everything
      // else (feedback, successes, the sums); it stops at the failure.
      expect(first.calls).toEqual(failAt === 2 ? [2, 2] : [2, 2, first.calls[2]]);
      // Redelivery succeeds; the sweeper takes pulls the failed invocation committed under its batch id.
      const second = countingD1(null, "before");
      expect(await deliverTo(second.db, [...messages, ...clicked])).toEqual({ retried: false });
      expect(second.calls.length).toBe(3);
      await sweepLedger(env, drizzle(env.DB), 0);
      const rows = await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE experiment_id = ?").bind(id).first<{ n: number }>();
      expect(rows!.n).toBe(1250);
      expect(await counts(id)).toEqual({ "seg_a/a": { pulls: 1000, successes: 125 }, "seg_a/b": { pulls: 250, successes: 0 } });
      const pending = await env.DB.prepare("SELECT count(*) AS n FROM reward_ledger WHERE experiment_id = ? AND applied = 0").bind(id).first<{ n: number }>();
      expect(pending!.n).toBe(0);
    });
  }
});

describe("reward-ledger sweeper", () => {
  it("re-sends a pending batch exactly once, claims rows without a batch id, and leaves young rows to their consumer", async () => {
    await createExperiment("exp_sweep");
    const old = new Date(Date.now() - 5 * 60_000).toISOString();
    const young = new Date().toISOString();
    const row = (key: string, kind: "pull" | "success", arm: string, batchId: string | null, createdAt: string) =>
      env.DB.prepare("INSERT INTO reward_ledger (key, kind, request_id, experiment_id, segment_id, arm, batch_id, applied, created_at) VALUES (?, ?, ?, 'exp_sweep', 'seg_s', ?, ?, 0, ?)").bind(key, kind, key, arm, batchId, createdAt);
    await env.DB.batch([
      // A batch whose consumer committed but could not reach the shard.
      row("pull:s1", "pull", "a", "lb_stranded", old),
      row("pull:s2", "pull", "a", "lb_stranded", old),
      row("success:s1", "success", "a", "lb_stranded", old),
      // Rows an older consumer wrote without a batch id.
      row("pull:s3", "pull", "b", null, old),
      // A batch still in its consumer's hands.
      row("pull:s4", "pull", "b", "lb_in_flight", young),
    ]);
    const db = drizzle(env.DB);
    expect(await sweepLedger(env, db)).toEqual({ batches: 2, rows: 4 });
    expect(await counts("exp_sweep")).toEqual({ "seg_s/a": { pulls: 2, successes: 1 }, "seg_s/b": { pulls: 1, successes: 0 } });
    expect(await sweepLedger(env, db)).toEqual({ batches: 0, rows: 0 });
    // The shard remembers the batch: a second delivery of it (a sweeper racing the consumer) is refused.
    expect(await banditShard(env.BANDIT_SHARDS, "exp_sweep", 0).applyBatch("lb_stranded", [{ segment: "seg_s", arm: "a", pulls: 2, successes: 1 }])).toEqual({ applied: false });
    const pending = await env.DB.prepare("SELECT key FROM reward_ledger WHERE experiment_id = 'exp_sweep' AND applied = 0").all<{ key: string }>();
    expect(pending.results.map((r) => r.key)).toEqual(["pull:s4"]);
  });
});
