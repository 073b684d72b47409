// The default feature store: one SQLite-backed Durable Object per visitor, holding that visitor's profile.
// Per-visitor objects spread load naturally and give each profile a single, serialised writer.
import { DurableObject } from "cloudflare:workers";
import { defaultConfig } from "../../shared/config/default";
import type { DeviceClass } from "../../shared/persona/signals";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { applyEvents, emptyProfile, profileVersion, profileView, type CustomerSegmentRef, type IncomingEvent, type ProfileView, type VisitorProfile } from "../../shared/profile/profile";
import { hashVisitorId } from "../../shared/privacy";

const PROFILE_KEY = "profile";
const CUSTOMER_KEY = "customer";
/**
 * How long a looked-up customer segment is trusted before the next read looks again. Segments change once a
 * night; a quarter of a day bounds how stale one can be for an active visitor while costing at most four
 * indexed D1 reads per visitor per day, all off the request path.
 */
export const CUSTOMER_SEGMENT_TTL_MS = 6 * 3_600_000;

interface CustomerRecord {
  segment: CustomerSegmentRef | null;
  checked_at: number;
}

export class VisitorProfileStore extends DurableObject<Env> {
  private cached: VisitorProfile | null | undefined;
  private cachedView: ProfileView | null = null;
  private customer: CustomerRecord | null | undefined;
  private lookup: Promise<void> | null = null;
  /** The JSON of the view last answered by getProfileJson, and what it was made from. */
  private json: { view: ProfileView; segment: CustomerSegmentRef | null | undefined; text: string } | null = null;

  /** The profile is one document in the object's synchronous KV storage (SQLite-backed): no schema to
   *  create on wake, so answering "no profile yet" for a first-time visitor costs almost nothing. */
  private read(): VisitorProfile | null {
    if (this.cached !== undefined) return this.cached;
    this.cached = this.ctx.storage.kv.get<VisitorProfile>(PROFILE_KEY) ?? null;
    this.cachedView = this.cached ? profileView(this.cached) : null;
    return this.cached;
  }

  private readCustomer(): CustomerRecord | null {
    if (this.customer === undefined) this.customer = this.ctx.storage.kv.get<CustomerRecord>(CUSTOMER_KEY) ?? null;
    return this.customer;
  }

  /**
   * The profile with the visitor's nightly customer segment attached. Given the anon id, a missing or stale
   * segment is looked up in the background: this answer never waits for D1, the next one carries it. A known
   * customer this store has no session for yet still gets a (session-less) view, so ranking can use the
   * segment on their first visit.
   */
  async getProfile(anonId?: string): Promise<ProfileView | null> {
    this.read();
    const customer = this.readCustomer();
    if (anonId !== undefined && (customer === null || Date.now() - customer.checked_at > CUSTOMER_SEGMENT_TTL_MS)) this.refreshCustomer(anonId);
    const segment = customer?.segment ?? null;
    if (this.cachedView) {
      this.cachedView.customer_segment = segment;
      return this.cachedView;
    }
    return segment ? { ...profileView(emptyProfile(anonId ?? "", Date.now())), customer_segment: segment } : null;
  }

  /**
   * getProfile as JSON text, made once per profile change. An RPC answer is structured-cloned on both sides;
   * a string crosses as one copy and JSON.parse reads it back faster than the clone of ~50 events and their
   * interests is rebuilt, which made the profile read the costliest step of a personalized rank (issue 9).
   */
  async getProfileJson(anonId?: string): Promise<string | null> {
    const view = await this.getProfile(anonId);
    return view === null ? null : this.jsonOf(view);
  }

  /**
   * getProfileJson, unless the reader's copy is still current (its profileVersion equals this one's): then
   * `{ unchanged: true }`. An isolate re-reading a profile it holds gets a few bytes instead of the profile,
   * and keeps its copy (and everything it derived from it) instead of parsing a new one.
   */
  async getProfileJsonIfChanged(anonId: string, version: string): Promise<string | null | { unchanged: true }> {
    const view = await this.getProfile(anonId);
    if (view === null) return null;
    return profileVersion(view) === version ? { unchanged: true } : this.jsonOf(view);
  }

  private jsonOf(view: ProfileView): string {
    const last = this.json;
    if (last && last.view === view && last.segment === view.customer_segment) return last.text;
    const text = JSON.stringify(view);
    this.json = { view, segment: view.customer_segment, text };
    return text;
  }

  /** Looks the visitor's customer segment up (at most one lookup in flight); awaitable for tests and jobs. */
  refreshCustomer(anonId: string): Promise<void> {
    this.lookup ??= this.lookUpCustomer(anonId)
      .catch((err: unknown) => console.warn(JSON.stringify({ level: "warn", customer_segment_lookup: err instanceof Error ? err.message : String(err) })))
      .finally(() => {
        this.lookup = null;
      });
    return this.lookup;
  }

  private async lookUpCustomer(anonId: string): Promise<void> {
    const row = await this.env.DB.prepare("SELECT segment_id, rfm_segment, model_version FROM customer_segments WHERE visitor_hash = ?")
      .bind(await hashVisitorId(this.env.VISITOR_ID_SALT, anonId))
      .first<{ segment_id: string; rfm_segment: string | null; model_version: string }>();
    const record: CustomerRecord = {
      segment: row ? { cluster: row.segment_id, lifecycle: row.rfm_segment, model_version: row.model_version } : null,
      checked_at: Date.now(),
    };
    // Erased while the lookup was in flight: write nothing back.
    if (this.customer === undefined) return;
    this.ctx.storage.kv.put(CUSTOMER_KEY, record);
    this.customer = record;
  }

  /**
   * Folds the events into the profile and answers the view as JSON text, like getProfileJson and for the same
   * reason: the answer is the whole profile, which an object answer would structure-clone on both sides of every
   * events request. The text is kept for the next read of the profile.
   */
  async applyEventsJson(anonId: string, sessionId: string | null, device: DeviceClass | null, events: IncomingEvent[]): Promise<string> {
    const before = this.read();
    const after = applyEvents(before, anonId, sessionId, device, events, Date.now(), defaultConfig.ranking.interest_half_life_days);
    // applyEvents hands back `before` itself when every event was applied before (a redelivery): no write.
    if (after !== before) {
      this.ctx.storage.kv.put(PROFILE_KEY, after);
      this.cached = after;
      this.cachedView = profileView(after);
    }
    this.cachedView!.customer_segment = this.readCustomer()?.segment ?? null;
    return this.jsonOf(this.cachedView!);
  }

  async erase(): Promise<boolean> {
    const existed = this.read() !== null;
    await this.ctx.storage.deleteAll();
    this.cached = null;
    this.cachedView = null;
    this.json = null;
    this.customer = undefined;
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

  async getProfile(anonId: string): Promise<ProfileView | null> {
    // Our own object's JSON of a ProfileView (plain data: numbers, strings, arrays, records, null).
    const text = await this.stub(anonId).getProfileJson(anonId);
    return text === null ? null : (JSON.parse(text) as ProfileView);
  }

  async revalidate(anonId: string, version: string): Promise<ProfileView | null | "unchanged"> {
    const answer = await this.stub(anonId).getProfileJsonIfChanged(anonId, version);
    if (answer === null) return null;
    return typeof answer === "string" ? (JSON.parse(answer) as ProfileView) : "unchanged";
  }

  async applyEvents(anonId: string, sessionId: string | null, device: DeviceClass | null, events: readonly IncomingEvent[]): Promise<ProfileView> {
    return JSON.parse(await this.stub(anonId).applyEventsJson(anonId, sessionId, device, [...events])) as ProfileView;
  }

  erase(anonId: string): Promise<boolean> {
    return this.stub(anonId).erase();
  }
}
