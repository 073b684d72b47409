// The default feature store: one SQLite-backed Durable Object per visitor, holding that visitor's profile.
// Per-visitor objects spread load naturally and give each profile a single, serialised writer.
import { DurableObject } from "cloudflare:workers";
import { defaultConfig } from "../../shared/config/default";
import type { DeviceClass } from "../../shared/persona/signals";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { applyEvents, profileView, type IncomingEvent, type ProfileView, type VisitorProfile } from "../../shared/profile/profile";

const PROFILE_KEY = "profile";

export class VisitorProfileStore extends DurableObject<Env> {
  private cached: VisitorProfile | null | undefined;
  private cachedView: ProfileView | null = null;

  /** The profile is one document in the object's synchronous KV storage (SQLite-backed): no schema to
   *  create on wake, so answering "no profile yet" for a first-time visitor costs almost nothing. */
  private read(): VisitorProfile | null {
    if (this.cached !== undefined) return this.cached;
    this.cached = this.ctx.storage.kv.get<VisitorProfile>(PROFILE_KEY) ?? null;
    this.cachedView = this.cached ? profileView(this.cached) : null;
    return this.cached;
  }

  async getProfile(): Promise<ProfileView | null> {
    this.read();
    return this.cachedView;
  }

  async applyEvents(anonId: string, sessionId: string | null, device: DeviceClass | null, events: IncomingEvent[]): Promise<ProfileView> {
    const before = this.read();
    const after = applyEvents(before, anonId, sessionId, device, events, Date.now(), defaultConfig.ranking.interest_half_life_days);
    // Redelivered events change nothing: skip the write entirely.
    if (before && after.event_count === before.event_count) return this.cachedView!;
    this.ctx.storage.kv.put(PROFILE_KEY, after);
    this.cached = after;
    this.cachedView = profileView(after);
    return this.cachedView;
  }

  async erase(): Promise<boolean> {
    const existed = this.read() !== null;
    await this.ctx.storage.deleteAll();
    this.cached = null;
    this.cachedView = null;
    return existed;
  }

  async ping(): Promise<"ok"> {
    return "ok";
  }
}

/** FeatureStore over the VisitorProfileStore namespace: one object per anon id. */
export class DurableObjectFeatureStore implements FeatureStore {
  readonly name = "durable_object";
  constructor(private readonly ns: DurableObjectNamespace<VisitorProfileStore>) {}

  private stub(anonId: string) {
    return this.ns.get(this.ns.idFromName(anonId));
  }

  getProfile(anonId: string): Promise<ProfileView | null> {
    return this.stub(anonId).getProfile();
  }

  applyEvents(anonId: string, sessionId: string | null, device: DeviceClass | null, events: readonly IncomingEvent[]): Promise<ProfileView> {
    return this.stub(anonId).applyEvents(anonId, sessionId, device, [...events]);
  }

  erase(anonId: string): Promise<boolean> {
    return this.stub(anonId).erase();
  }
}
