// The hot-path read deadline measures the store, not the isolate's own stalls (shared/deadline.ts). In workerd,
// against Redis through the local Upstash REST bridge (a process of its own, so it answers while the isolate's
// thread is busy): a profile read is sent, the thread is then blocked far past the 25 ms deadline (as another
// request's work or a garbage collection blocks it), and the read must still return the answer that arrived
// meanwhile. Before the deadline gave the answer one more turn, its expired timer ran first in most such reads: a
// timeout counted against the store, a cold-start answer, and five in a row opened the circuit breaker.
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { TimeoutError } from "../../shared/profile/feature-store";
import { hashVisitorId } from "../../shared/privacy";
import { CircuitBreaker, ResilientFeatureStore } from "./breaker";
import { event } from "./contract";
import { d1CustomerSegments, upstashClient, UpstashFeatureStore } from "./upstash";

const target = inject("upstash");
const READ_DEADLINE_MS = 25;
const READS = 12;

/**
 * Keeps the thread busy without yielding. The Workers clock does not move while code runs, so the block is a
 * count of iterations, not a time; it is checked below to have outlasted the deadline.
 */
function blockThread(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x += i % 7;
  return x;
}

const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe.skipIf(target === null)("the feature store's read deadline under a stalled isolate", () => {
  it("returns a read that was answered while the thread was blocked past the deadline", { timeout: 60_000 }, async () => {
    const prefix = `aura:test:deadline:${crypto.randomUUID().slice(0, 8)}:`;
    const redis = new UpstashFeatureStore(upstashClient(target!.url, target!.token, 2000), {
      prefix,
      retentionMs: 86_400_000,
      visitorKey: (anonId) => hashVisitorId(env.VISITOR_ID_SALT, anonId),
      customerSegments: d1CustomerSegments(env.DB),
    });
    const anonId = `anon_deadline_${crypto.randomUUID()}`;
    await redis.applyEvents(anonId, "s1", "mobile", [event({ type: "page_view", ts: Date.now(), product_id: "p1" })]);
    const breaker = new CircuitBreaker("upstash_redis", { failureThreshold: 5, cooldownMs: 10_000 });
    const store = new ResilientFeatureStore(redis, breaker, { readMs: READ_DEADLINE_MS, writeMs: 2_000 });
    expect(await store.getProfile(anonId)).not.toBeNull();

    const outcomes: string[] = [];
    let blockedMs = Infinity;
    for (let i = 0; i < READS; i++) {
      const sentAt = Date.now();
      const read = store.getProfile(anonId).then(
        (profile) => (profile?.anon_id === anonId ? "answered" : "wrong answer"),
        (err: unknown) => (err instanceof TimeoutError ? "timed out" : `failed: ${String(err)}`),
      );
      await nextTurn(); // the request leaves the isolate
      const blockStartedAt = Date.now();
      blockThread(60_000_000);
      await nextTurn(); // the clock moves again only after I/O
      blockedMs = Math.min(blockedMs, Date.now() - blockStartedAt);
      outcomes.push(await read);
      expect(Date.now() - sentAt).toBeGreaterThan(READ_DEADLINE_MS);
    }
    // Every block outlasted the deadline by far, so each read's timer had expired when the thread was free again.
    expect(blockedMs).toBeGreaterThan(2 * READ_DEADLINE_MS);
    expect(outcomes).toEqual(Array.from({ length: READS }, () => "answered"));
    expect(breaker.stats()).toMatchObject({ state: "closed", timeouts: 0, failures: 0 });
  });

  it("still times out a read the store does not answer in time", { timeout: 30_000 }, async () => {
    const stalled = new ResilientFeatureStore(
      { name: "stalled", getProfile: () => new Promise(() => undefined), applyEvents: () => new Promise(() => undefined), erase: () => new Promise(() => undefined) },
      new CircuitBreaker("stalled", { failureThreshold: 5, cooldownMs: 10_000 }),
      { readMs: READ_DEADLINE_MS, writeMs: 2_000 },
    );
    await expect(stalled.getProfile("anon_never")).rejects.toBeInstanceOf(TimeoutError);
  });
});
