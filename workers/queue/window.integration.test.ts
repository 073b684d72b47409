// Queue windows larger than a queue message: on the real queue (whose broker refuses a message over 128 KB), the
// real consumer and real D1.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { DecisionMessage, DecisionsMessage } from "../../shared/api/messages";
import { waitFor } from "../test/helpers";
import { logDecision } from "./decision-log";
import { MessageTooLarge, QueueWindow } from "./window";

let seq = 0;
const requestId = () => `req_${(0xc000000 + seq++).toString(16).padStart(32, "0")}`;

/** A decision of a rank asked for its 100 items at most, with long catalog ids: ~2.6 KB of decision log. */
function decision(items = 100): DecisionMessage {
  return {
    kind: "decision", request_id: requestId(), anon_id: "anon_window_test", surface_id: "homepage.carousel", segment_id: null, experiment_id: null,
    bandit_segment: null, arm: null, propensity: 1, holdout: false, items: Array.from({ length: items }, (_, k) => `sku_${String(k).padStart(4, "0")}_${"x".repeat(14)}`),
    policy_version: "test", decided_at: new Date().toISOString(), top_score: 0.5,
  };
}

const logged = async (ids: string[]) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE request_id IN (SELECT value FROM json_each(?))").bind(JSON.stringify(ids)).first<{ n: number }>())!.n;

describe("a queue window larger than one message", () => {
  it("logs every decision of a burst of large ranks (about 260 KB in one window) through several messages", { timeout: 60_000 }, async () => {
    const errors = vi.spyOn(console, "error");
    try {
      const burst = Array.from({ length: 100 }, () => decision());
      expect(new TextEncoder().encode(JSON.stringify({ kind: "decisions", decisions: burst })).byteLength).toBeGreaterThan(128_000);
      const ctx = createExecutionContext();
      for (const d of burst) logDecision(env.EVENTS_QUEUE, ctx, d);
      await waitOnExecutionContext(ctx);
      const ids = burst.map((d) => d.request_id);
      await waitFor(async () => (await logged(ids)) === ids.length, 30_000);
      expect(errors.mock.calls.filter((c) => String(c[0]).includes("decision_log"))).toEqual([]);
    } finally {
      errors.mockRestore();
    }
  });

  it("answers each waiter with its own message's outcome; an item no message can hold fails at once and alone", { timeout: 60_000 }, async () => {
    const lost: unknown[][] = [];
    const window = new QueueWindow<unknown>(10, 100, [25, 100], (decisions): DecisionsMessage => ({ kind: "decisions", decisions }), (items, err) => lost.push([items.length, err]));
    const before = decision(3);
    const after = decision(3);
    const giant = { ...decision(3), anon_id: "a".repeat(200_000) };
    // The real queue, with its sends counted.
    const sent: number[] = [];
    const queue = { send: (body: DecisionsMessage, options?: QueueSendOptions) => (sent.push(body.decisions.length), env.EVENTS_QUEUE.send(body, options)) } as unknown as Queue<unknown>;
    const ctx = createExecutionContext();
    const outcomes = await Promise.allSettled([window.add(queue, ctx, before, true), window.add(queue, ctx, giant, true), window.add(queue, ctx, after, true)]);
    await waitOnExecutionContext(ctx);
    expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason).toBeInstanceOf(MessageTooLarge);
    // The two decisions went in their own messages, once each; the giant was never sent (nor retried).
    expect(sent).toEqual([1, 1]);
    expect(lost).toHaveLength(1);
    expect(lost[0]![0]).toBe(1);
    await waitFor(async () => (await logged([before.request_id, after.request_id])) === 2, 30_000);
  });
});
