// Timeouts and a circuit breaker around any feature store, so a slow or dead store costs ranking one timeout
// budget a handful of times and then nothing: while the circuit is open, reads fail at once (ranking falls back
// to cold start) and writes throw (the queue consumer retries them later, so nothing accepted is lost).
import { TimeoutError, withTimeout, type FeatureStore } from "../../shared/profile/feature-store";
import type { DeviceClass } from "../../shared/persona/signals";
import type { IncomingEvent, ProfileView } from "../../shared/profile/profile";

export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerOptions {
  /** Consecutive failures (errors or timeouts) that open the circuit. */
  failureThreshold: number;
  /** How long an open circuit refuses calls before letting one probe through. */
  cooldownMs: number;
  now?: () => number;
}

/** What admin health shows: the state, and counts since the isolate started. */
export interface BreakerStats {
  state: BreakerState;
  consecutive_failures: number;
  /** Times the circuit has opened. */
  opened: number;
  /** Calls that reached the store. */
  calls: number;
  successes: number;
  /** Calls that threw or timed out (timeouts included). */
  failures: number;
  timeouts: number;
  /** Calls refused without touching the store while the circuit was open. */
  rejected: number;
  last_error: string | null;
  last_failure_at: string | null;
  /** When an open circuit lets its next probe through. */
  open_until: string | null;
}

export class CircuitOpenError extends Error {
  override readonly name = "CircuitOpenError";
  constructor(
    readonly store: string,
    retryInMs: number,
  ) {
    super(`${store} feature store circuit is open (next probe in ${Math.max(0, Math.round(retryInMs))} ms)`);
  }
}

/**
 * Counts consecutive failures of one store. Closed: calls pass. Open: calls are refused until the cool-down has
 * passed. Half-open: exactly one call (the probe) passes; its success closes the circuit, its failure opens it
 * for another cool-down, and everything else is refused meanwhile. One instance per store per isolate, so the
 * state outlives the request that observed the failures.
 *
 * "Consecutive" means one after another in time: a failure counts toward opening only if its call started after
 * the previously counted failure was seen. A burst of concurrent reads caught by the same momentary stall is one
 * observation, not twenty, so a 100 ms hiccup under load does not switch personalisation off for a cool-down;
 * a store that stays down opens the circuit within a few timeouts all the same.
 */
export class CircuitBreaker {
  private state: BreakerState = "closed";
  private consecutiveFailures = 0;
  private openUntil = 0;
  private probeInFlight = false;
  /** When the last failure that counted toward opening was seen. */
  private lastCountedFailureAt = Number.NEGATIVE_INFINITY;
  private readonly counts = { opened: 0, calls: 0, successes: 0, failures: 0, timeouts: 0, rejected: 0 };
  private lastError: string | null = null;
  private lastFailureAt: number | null = null;
  private readonly now: () => number;

  constructor(
    readonly storeName: string,
    private readonly options: BreakerOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Runs `op` under the breaker with a deadline; rejects with CircuitOpenError without calling it when open. */
  async run<T>(op: () => Promise<T>, timeoutMs: number): Promise<T> {
    const probe = this.admit();
    const startedAt = this.now();
    this.counts.calls++;
    try {
      const value = await withTimeout(op(), timeoutMs);
      this.succeeded(probe);
      return value;
    } catch (err) {
      this.failed(probe, startedAt, err);
      throw err;
    }
  }

  stats(): BreakerStats {
    // An open circuit whose cool-down has passed is waiting for its probe: report it as such.
    const state = this.state === "open" && this.now() >= this.openUntil ? "half_open" : this.state;
    return {
      state,
      consecutive_failures: this.consecutiveFailures,
      ...this.counts,
      last_error: this.lastError,
      last_failure_at: this.lastFailureAt === null ? null : new Date(this.lastFailureAt).toISOString(),
      open_until: this.state === "open" ? new Date(this.openUntil).toISOString() : null,
    };
  }

  /** Whether this call may reach the store; true when it is the half-open probe. Throws when refused. */
  private admit(): boolean {
    if (this.state === "closed") return false;
    const now = this.now();
    if (this.state === "open" && now >= this.openUntil) {
      this.state = "half_open";
      this.probeInFlight = false;
    }
    if (this.state === "half_open" && !this.probeInFlight) {
      this.probeInFlight = true;
      return true;
    }
    this.counts.rejected++;
    throw new CircuitOpenError(this.storeName, this.openUntil - now);
  }

  private succeeded(probe: boolean): void {
    this.counts.successes++;
    // A slow call that started before the circuit opened says little; only the probe (or a closed circuit) decides.
    if (probe || this.state === "closed") {
      this.state = "closed";
      this.consecutiveFailures = 0;
      this.probeInFlight = false;
    }
  }

  private failed(probe: boolean, startedAt: number, err: unknown): void {
    this.counts.failures++;
    if (err instanceof TimeoutError) this.counts.timeouts++;
    // Bounded: admin health shows it, and a store's error should never be able to flood it.
    this.lastError = (err instanceof Error ? `${err.name}: ${err.message}` : String(err)).slice(0, 300);
    this.lastFailureAt = this.now();
    if (probe) {
      this.open();
      return;
    }
    if (this.state !== "closed" || startedAt < this.lastCountedFailureAt) return;
    this.lastCountedFailureAt = this.now();
    this.consecutiveFailures++;
    if (this.consecutiveFailures >= this.options.failureThreshold) this.open();
  }

  private open(): void {
    this.state = "open";
    this.probeInFlight = false;
    this.openUntil = this.now() + this.options.cooldownMs;
    this.counts.opened++;
  }
}

export interface ResilienceTimeouts {
  /** The hot-path read budget (FEATURE_STORE_TIMEOUT_MS). */
  readMs: number;
  /** Writes run off the hot path (queue consumer, events route): a longer budget, still bounded. */
  writeMs: number;
}

/** FeatureStore with per-call deadlines and the breaker; the same interface, so callers need not know. */
export class ResilientFeatureStore implements FeatureStore {
  readonly name: string;

  constructor(
    private readonly inner: FeatureStore,
    readonly breaker: CircuitBreaker,
    private readonly timeouts: ResilienceTimeouts,
  ) {
    this.name = inner.name;
  }

  getProfile(anonId: string): Promise<ProfileView | null> {
    return this.breaker.run(() => this.inner.getProfile(anonId), this.timeouts.readMs);
  }

  /** The inner store's revalidation, or a full read where it has none: a read either way, with the read budget. */
  revalidate(anonId: string, version: string): Promise<ProfileView | null | "unchanged"> {
    return this.breaker.run(() => (this.inner.revalidate ? this.inner.revalidate(anonId, version) : this.inner.getProfile(anonId)), this.timeouts.readMs);
  }

  applyEvents(anonId: string, sessionId: string | null, device: DeviceClass | null, events: readonly IncomingEvent[]): Promise<ProfileView> {
    return this.breaker.run(() => this.inner.applyEvents(anonId, sessionId, device, events), this.timeouts.writeMs);
  }

  erase(anonId: string): Promise<boolean> {
    return this.breaker.run(() => this.inner.erase(anonId), this.timeouts.writeMs);
  }
}
