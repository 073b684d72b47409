// A click whose decision log lands after the consumer stopped waiting for it. The consumer rejects such feedback
// as "unknown request_id" after about 14 s of redeliveries; a decision log held back longer (D1 failures retry it
// for up to a minute, a backlog) then arrives, and the reconciler (minute cron and consumer sweep) judges the
// feedback again: a valid click is applied to the bandit once, an unserved item is rejected for what it is.
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { DecisionMessage } from "../../shared/api/messages";
import worker from "../index";
import { LEDGER_SWEEP_CRON } from "../scheduled";
import { reconcileAndReport } from "./consumer";
import { call, json, seedDemo, waitFor } from "../test/helpers";

const EXPERIMENT = "exp_late_decision";

interface Posteriors {
  segments: { arms: { arm: string; rewards: number; pulls: number }[] }[];
}

beforeAll(async () => {
  await seedDemo();
  const created = await call("/v1/experiments", { admin: true, body: { id: EXPERIMENT, surface_id: "homepage.hero", allocation: "bandit", metric: "click", variants: [{ id: "a" }, { id: "b" }] } });
  expect(created.status, await created.clone().text()).toBe(201);
});

const row = (requestId: string, itemId: string) =>
  env.DB.prepare("SELECT status, reason, arm FROM feedback WHERE request_id = ? AND item_id = ?").bind(requestId, itemId).first<{ status: string; reason: string | null; arm: string | null }>();
const ledger = (requestId: string) =>
  env.DB.prepare("SELECT kind, applied FROM reward_ledger WHERE request_id = ? ORDER BY kind").bind(requestId).all<{ kind: string; applied: number }>().then((r) => r.results);

async function rewardsOf(arm: string): Promise<number> {
  const res = await call(`/v1/experiments/${EXPERIMENT}/posteriors`, { admin: true });
  expect(res.status).toBe(200);
  const body = await json<Posteriors>(res);
  return body.segments.flatMap((s) => s.arms).filter((a) => a.arm === arm).reduce((n, a) => n + a.rewards, 0);
}

async function minuteCron(): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled!(createScheduledController({ cron: LEDGER_SWEEP_CRON, scheduledTime: Date.now() }), env, ctx);
  await waitOnExecutionContext(ctx);
}

function decisionMessage(requestId: string, decidedAt: Date): DecisionMessage {
  return {
    kind: "decision",
    request_id: requestId,
    anon_id: "anon_late_decision",
    surface_id: "homepage.hero",
    segment_id: null,
    experiment_id: EXPERIMENT,
    bandit_segment: "all",
    arm: "a",
    propensity: 0.5,
    holdout: false,
    items: ["p122"],
    policy_version: "test",
    decided_at: decidedAt.toISOString(),
    top_score: null,
  };
}

describe("feedback that arrives before its decision is logged", () => {
  it("is rejected as unknown, then applied once when the decision lands; an unserved item is rejected for that", { timeout: 120_000 }, async () => {
    const requestId = `req_${"1e".repeat(16)}`;
    const decidedAt = new Date(Date.now() - 60_000);
    for (const item of ["p122", "p_never_served"]) {
      const res = await call("/v1/feedback", { body: { request_id: requestId, item_id: item, reward: { type: "click", value: 1 } } });
      expect(res.status, await res.clone().text()).toBe(202);
    }
    // The consumer gives up on the decision after its redeliveries.
    for (const item of ["p122", "p_never_served"]) {
      expect(await waitFor(() => row(requestId, item), 60_000)).toMatchObject({ status: "rejected", reason: `unknown request_id ${requestId}` });
    }
    const before = await rewardsOf("a");

    // The decision log arrives late, through the queue as the Worker sends it.
    await env.EVENTS_QUEUE.send(decisionMessage(requestId, decidedAt), { contentType: "json" });
    await waitFor(() => env.DB.prepare("SELECT 1 AS ok FROM decisions WHERE request_id = ?").bind(requestId).first(), 30_000);
    // Its pull goes to the bandit with the log row; the click is still rejected until the reconciler runs.
    await waitFor(async () => (await ledger(requestId)).some((l) => l.kind === "pull" && l.applied === 1), 30_000);
    expect((await row(requestId, "p122"))!.status).toBe("rejected");

    await minuteCron();
    expect(await row(requestId, "p122")).toEqual({ status: "applied", reason: null, arm: "a" });
    expect(await row(requestId, "p_never_served")).toMatchObject({ status: "rejected", reason: `item p_never_served was not served by ${requestId}` });
    expect(await ledger(requestId)).toEqual([
      { kind: "pull", applied: 1 },
      { kind: "success", applied: 1 },
    ]);
    expect(await rewardsOf("a")).toBe(before + 1);

    // Run again: nothing is left to judge, and the success is not counted twice.
    await minuteCron();
    expect((await ledger(requestId)).filter((l) => l.kind === "success")).toHaveLength(1);
    expect(await rewardsOf("a")).toBe(before + 1);
  });

  it("is left rejected when its decision never comes, or comes after the reconciliation window", async () => {
    const stale = `req_${"2f".repeat(16)}`;
    const never = `req_${"3a".repeat(16)}`;
    // Inside the window with its decision logged: the same run takes it, so the run did look.
    const fresh = `req_${"4c".repeat(16)}`;
    const received = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
    const insertFeedback = (id: string, requestId: string, receivedAt: string) =>
      env.DB.prepare(
        "INSERT INTO feedback (id, dedupe_key, request_id, item_id, reward_type, value, occurred_at, received_at, status, reason) VALUES (?, ?, ?, 'p122', 'click', 1, ?, ?, 'rejected', ?)",
      )
        .bind(id, `${requestId}|p122|click`, requestId, receivedAt, receivedAt, `unknown request_id ${requestId}`)
        .run();
    // Received 25 hours ago: outside the window, even though its decision is in the log now.
    await insertFeedback("fb_stale", stale, received(25 * 3_600_000));
    const insertDecision = (requestId: string, decidedAt: string) =>
      env.DB.prepare(
        "INSERT INTO decisions (request_id, visitor_hash, surface_id, experiment_id, bandit_segment, arm, propensity, holdout, items, policy_version, decided_at) VALUES (?, 'none', 'homepage.hero', ?, 'all', 'a', 0.5, 0, '[\"p122\"]', 't', ?)",
      )
        .bind(requestId, EXPERIMENT, decidedAt)
        .run();
    await insertDecision(stale, received(25 * 3_600_000 + 60_000));
    await insertFeedback("fb_never", never, received(60_000));
    await insertFeedback("fb_fresh", fresh, received(3_600_000));
    await insertDecision(fresh, received(3_600_000 + 60_000));
    await minuteCron();
    expect(await row(fresh, "p122")).toEqual({ status: "applied", reason: null, arm: "a" });
    expect(await row(stale, "p122")).toMatchObject({ status: "rejected", reason: `unknown request_id ${stale}` });
    expect(await row(never, "p122")).toMatchObject({ status: "rejected", reason: `unknown request_id ${never}` });
    expect(await ledger(stale)).toEqual([]);
  });

  it("logs a failed reconciliation and lets its caller go on (the cron's sweep and campaigns come after it)", async () => {
    const unavailable = { prepare: () => { throw new Error("D1 unavailable"); } } as unknown as D1Database;
    const warned = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      await expect(reconcileAndReport({ ...env, DB: unavailable }, drizzle(env.DB), { cron: LEDGER_SWEEP_CRON })).resolves.toBeUndefined();
      const lines = warned.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
      expect(lines).toContainEqual({ level: "warn", cron: LEDGER_SWEEP_CRON, job: "feedback_reconcile", error: "D1 unavailable" });
    } finally {
      warned.mockRestore();
    }
  });
});
