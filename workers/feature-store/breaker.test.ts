// The circuit breaker and deadlines around a feature store, against a fake store that answers, fails or hangs
// on command, with a controllable clock for the cool-down.
import { describe, expect, it } from "vitest";
import { TimeoutError, type FeatureStore } from "../../shared/profile/feature-store";
import { emptyProfile, profileView, type ProfileView } from "../../shared/profile/profile";
import { CircuitBreaker, CircuitOpenError, ResilientFeatureStore } from "./breaker";

type Behaviour = "ok" | "fail" | "slow";

/** A store that answers, throws or dawdles on command, and counts how often it was really asked. */
class FakeStore implements FeatureStore {
  readonly name = "fake";
  behaviour: Behaviour = "ok";
  slowMs = 200;
  calls = 0;

  private async act<T>(value: T): Promise<T> {
    this.calls++;
    if (this.behaviour === "fail") throw new Error("connection refused");
    if (this.behaviour === "slow") await new Promise((r) => setTimeout(r, this.slowMs));
    return value;
  }

  getProfile(anonId: string): Promise<ProfileView | null> {
    return this.act(profileView(emptyProfile(anonId, 0)));
  }
  applyEvents(anonId: string): Promise<ProfileView> {
    return this.act(profileView(emptyProfile(anonId, 0)));
  }
  erase(): Promise<boolean> {
    return this.act(true);
  }
}

function setup(timeouts = { readMs: 20, writeMs: 300 }) {
  const clock = { now: 1_000_000 };
  const inner = new FakeStore();
  const breaker = new CircuitBreaker("fake", { failureThreshold: 5, cooldownMs: 10_000, now: () => clock.now });
  const store = new ResilientFeatureStore(inner, breaker, timeouts);
  return { clock, inner, breaker, store };
}

async function failTimes(store: FeatureStore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await expect(store.getProfile("a")).rejects.toThrow();
}

describe("ResilientFeatureStore", () => {
  it("passes calls through while the store is healthy, keeping the store's name", async () => {
    const { inner, breaker, store } = setup();
    expect(store.name).toBe("fake");
    expect(await store.getProfile("a")).toMatchObject({ anon_id: "a" });
    expect(await store.applyEvents("a", null, null, [])).toMatchObject({ anon_id: "a" });
    expect(await store.erase("a")).toBe(true);
    expect(inner.calls).toBe(3);
    expect(breaker.stats()).toMatchObject({ state: "closed", calls: 3, successes: 3, failures: 0, rejected: 0, opened: 0, open_until: null });
  });

  it("gives up on a slow read at the read deadline, and counts it as a timeout", async () => {
    const { inner, breaker, store } = setup();
    inner.behaviour = "slow";
    // Far slower than the 20 ms deadline, so "long before the read would have ended" has room on a busy runner.
    inner.slowMs = 2000;
    const started = performance.now();
    await expect(store.getProfile("a")).rejects.toBeInstanceOf(TimeoutError);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(breaker.stats()).toMatchObject({ state: "closed", consecutive_failures: 1, failures: 1, timeouts: 1 });
    expect(breaker.stats().last_error).toMatch(/timed out after 20 ms/);
  });

  it("gives writes their longer deadline", async () => {
    const { inner, store } = setup();
    inner.behaviour = "slow";
    inner.slowMs = 60;
    await expect(store.getProfile("a")).rejects.toBeInstanceOf(TimeoutError);
    expect(await store.applyEvents("a", null, null, [])).toMatchObject({ anon_id: "a" });
  });

  it("forgives failures that a success interrupts", async () => {
    const { inner, breaker, store } = setup();
    inner.behaviour = "fail";
    await failTimes(store, 4);
    inner.behaviour = "ok";
    await store.getProfile("a");
    inner.behaviour = "fail";
    await failTimes(store, 4);
    expect(breaker.stats()).toMatchObject({ state: "closed", consecutive_failures: 4, opened: 0 });
  });

  it("opens after five failures in a row, then refuses reads and writes without asking the store", async () => {
    const { inner, breaker, store } = setup();
    inner.behaviour = "fail";
    await failTimes(store, 5);
    expect(breaker.stats()).toMatchObject({ state: "open", opened: 1, failures: 5 });
    expect(breaker.stats().open_until).toBe(new Date(1_000_000 + 10_000).toISOString());

    inner.behaviour = "slow"; // even a store that would now hang costs nothing while open
    const callsBefore = inner.calls;
    const started = performance.now();
    for (let i = 0; i < 100; i++) await expect(store.getProfile("a")).rejects.toBeInstanceOf(CircuitOpenError);
    // Writes throw too, so the queue consumer retries them later rather than losing them.
    await expect(store.applyEvents("a", null, null, [])).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(store.erase("a")).rejects.toThrow(/circuit is open \(next probe in 10000 ms\)/);
    expect(performance.now() - started).toBeLessThan(100);
    expect(inner.calls).toBe(callsBefore);
    expect(breaker.stats()).toMatchObject({ state: "open", rejected: 102 });
  });

  it("counts a burst of concurrent timeouts as one failure, so a momentary stall does not open the circuit", async () => {
    // Real time here: what matters is which calls overlapped.
    const inner = new FakeStore();
    const breaker = new CircuitBreaker("fake", { failureThreshold: 5, cooldownMs: 10_000 });
    const store = new ResilientFeatureStore(inner, breaker, { readMs: 20, writeMs: 300 });
    inner.behaviour = "slow";
    inner.slowMs = 100;
    const burst = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => store.getProfile(`v${i}`)));
    expect(burst.every((r) => r.status === "rejected" && r.reason instanceof TimeoutError)).toBe(true);
    expect(breaker.stats()).toMatchObject({ state: "closed", failures: 20, timeouts: 20, consecutive_failures: 1 });
    // A store that stays slow is still found out, one timeout after another.
    for (let i = 0; i < 4; i++) await expect(store.getProfile("a")).rejects.toBeInstanceOf(TimeoutError);
    expect(breaker.stats()).toMatchObject({ state: "open", consecutive_failures: 5, opened: 1 });
  });

  it("lets exactly one probe through after the cool-down, and closes when it succeeds", async () => {
    const { clock, inner, breaker, store } = setup();
    inner.behaviour = "fail";
    await failTimes(store, 5);
    clock.now += 10_000;
    expect(breaker.stats().state).toBe("half_open");

    inner.behaviour = "slow";
    inner.slowMs = 5;
    const probe = store.getProfile("probe");
    // While the probe is out, everyone else still fails fast.
    await expect(store.getProfile("b")).rejects.toBeInstanceOf(CircuitOpenError);
    await expect(store.applyEvents("b", null, null, [])).rejects.toBeInstanceOf(CircuitOpenError);
    expect(await probe).toMatchObject({ anon_id: "probe" });
    expect(breaker.stats()).toMatchObject({ state: "closed", consecutive_failures: 0 });
    expect(await store.getProfile("c")).toMatchObject({ anon_id: "c" });
  });

  it("opens for another cool-down when the probe fails or times out", async () => {
    const { clock, inner, breaker, store } = setup();
    inner.behaviour = "fail";
    await failTimes(store, 5);
    clock.now += 10_001;
    inner.behaviour = "slow";
    await expect(store.getProfile("probe")).rejects.toBeInstanceOf(TimeoutError);
    expect(breaker.stats()).toMatchObject({ state: "open", opened: 2, timeouts: 1 });
    expect(breaker.stats().open_until).toBe(new Date(clock.now + 10_000).toISOString());
    await expect(store.getProfile("a")).rejects.toBeInstanceOf(CircuitOpenError);
    // A store that has recovered is noticed at the next probe.
    clock.now += 10_000;
    inner.behaviour = "ok";
    expect(await store.getProfile("probe2")).toMatchObject({ anon_id: "probe2" });
    expect(breaker.stats().state).toBe("closed");
  });

  it("does not let a straggler that started before the circuit opened close it", async () => {
    const { inner, breaker, store } = setup({ readMs: 20, writeMs: 1000 });
    inner.behaviour = "slow";
    inner.slowMs = 80;
    const straggler = store.applyEvents("late", null, null, []);
    inner.behaviour = "fail";
    await failTimes(store, 5);
    expect(breaker.stats().state).toBe("open");
    expect(await straggler).toMatchObject({ anon_id: "late" });
    expect(breaker.stats()).toMatchObject({ state: "open", successes: 1 });
  });
});
