// Where visitor profiles live. The Durable Object store is the default; an Upstash Redis store implements the
// same interface. Ranking reads through it at most once per request, with a timeout and a fallback.
import { withDeadline } from "../deadline";
import type { DeviceClass } from "../persona/signals";
import type { IncomingEvent, ProfileView } from "./profile";

export interface FeatureStore {
  readonly name: string;
  getProfile(anonId: string): Promise<ProfileView | null>;
  /**
   * The profile, or "unchanged" when it is still the one `version` (profileVersion) names: a cached copy is
   * confirmed with a few bytes instead of read again in full. Optional: a store without it is read in full.
   */
  revalidate?(anonId: string, version: string): Promise<ProfileView | null | "unchanged">;
  /** Applies events idempotently (by event id) and returns the profile after them. */
  applyEvents(anonId: string, sessionId: string | null, device: DeviceClass | null, events: readonly IncomingEvent[]): Promise<ProfileView>;
  /** Removes everything stored about the visitor; true when something was there. */
  erase(anonId: string): Promise<boolean>;
}

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/** Resolves with the promise's value, or rejects with TimeoutError once `ms` have passed (withDeadline). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return withDeadline(promise, ms, (): never => {
    throw new TimeoutError(ms);
  });
}
