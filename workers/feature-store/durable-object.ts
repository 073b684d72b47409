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

/** What reads are answered from: the view's JSON with the customer segment it carries, and its version. */
interface RenderedView {
  text: string;
  version: string;
  segment: CustomerSegmentRef | null;
}

/**
 * How long after its last write an object keeps the parsed profile. A visitor who is sending events writes
 * every few seconds, and reading the profile back from storage for each write cost 29 % more CPU per events
 * request for grown profiles (500 applied ids, hundreds of interests; bench/ab.ts --events --history 480). An
 * object that has only been read for this long drops it: reads need only the rendered text and version, and a
 * resident object's parsed profile is ~180 heap objects that every major GC of the isolate marks (issue 9).
 */
export const PARSED_PROFILE_HOLD_MS = 30_000;

export class VisitorProfileStore extends DurableObject<Env> {
  /** The profile as reads need it: undefined until first read, null when there is none. */
  private rendered: RenderedView | null | undefined;
  /** The parsed profile, held while writes are recent (PARSED_PROFILE_HOLD_MS); undefined when not held. */
  private parsed: VisitorProfile | null | undefined;
  private lastWriteAt = 0;
  private customer: CustomerRecord | null | undefined;
  private lookup: Promise<void> | null = null;

  /** The profile is one document in the object's synchronous KV storage (SQLite-backed): no schema to
   *  create on wake, so answering "no profile yet" for a first-time visitor costs almost nothing. */
  private load(): VisitorProfile | null {
    if (this.parsed !== undefined) return this.parsed;
    return this.ctx.storage.kv.get<VisitorProfile>(PROFILE_KEY) ?? null;
  }

  private readCustomer(): CustomerRecord | null {
    if (this.customer === undefined) this.customer = this.ctx.storage.kv.get<CustomerRecord>(CUSTOMER_KEY) ?? null;
    return this.customer;
  }

  private render(profile: VisitorProfile, segment: CustomerSegmentRef | null): RenderedView {
    const view: ProfileView = profileView(profile);
    view.customer_segment = segment;
    return { text: JSON.stringify(view), version: profileVersion(view), segment };
  }

  /**
   * The stored profile's rendering with the visitor's nightly customer segment attached (rendered again only when
   * the segment changed). Given the anon id, a missing or stale segment is looked up in the background: this
   * answer never waits for D1, the next one carries it. A known customer this store has no session for yet
   * still gets a (session-less) view, so ranking can use the segment on their first visit.
   */
  private current(anonId: string | undefined): RenderedView | null {
    const customer = this.readCustomer();
    if (anonId !== undefined && (customer === null || Date.now() - customer.checked_at > CUSTOMER_SEGMENT_TTL_MS)) this.refreshCustomer(anonId);
    const segment = customer?.segment ?? null;
    if (this.parsed !== undefined && Date.now() - this.lastWriteAt > PARSED_PROFILE_HOLD_MS) this.parsed = undefined;
    if (this.rendered === undefined || (this.rendered !== null && this.rendered.segment !== segment)) {
      const profile = this.load();
      this.rendered = profile ? this.render(profile, segment) : null;
    }
    if (this.rendered) return this.rendered;
    return segment ? this.render(emptyProfile(anonId ?? "", Date.now()), segment) : null;
  }

  async getProfile(anonId?: string): Promise<ProfileView | null> {
    const rendered = this.current(anonId);
    return rendered ? (JSON.parse(rendered.text) as ProfileView) : null;
  }

  /**
   * getProfile as JSON text, made once per profile change. An RPC answer is structured-cloned on both sides;
   * a string crosses as one copy and JSON.parse reads it back faster than the clone of ~50 events and their
   * interests is rebuilt, which made the profile read the costliest step of a personalized rank (issue 9).
   */
  async getProfileJson(anonId?: string): Promise<string | null> {
    return this.current(anonId)?.text ?? null;
  }

  /**
   * getProfileJson, unless the reader's copy is still current (its profileVersion equals this one's): then
   * `{ unchanged: true }`. An isolate re-reading a profile it holds gets a few bytes instead of the profile,
   * and keeps its copy (and everything it derived from it) instead of parsing a new one.
   */
  async getProfileJsonIfChanged(anonId: string, version: string): Promise<string | null | { unchanged: true }> {
    const rendered = this.current(anonId);
    if (rendered === null) return null;
    return rendered.version === version ? { unchanged: true } : rendered.text;
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
    const segment = this.readCustomer()?.segment ?? null;
    const before = this.load();
    const after = applyEvents(before, anonId, sessionId, device, events, Date.now(), defaultConfig.ranking.interest_half_life_days);
    this.parsed = after;
    this.lastWriteAt = Date.now();
    // applyEvents hands back `before` itself when every event was applied before (a redelivery): no write, and the
    // rendering stands unless the segment changed.
    if (after !== before) this.ctx.storage.kv.put(PROFILE_KEY, after);
    const rendered = after === before && this.rendered?.segment === segment ? this.rendered : this.render(after, segment);
    this.rendered = rendered;
    return rendered.text;
  }

  async erase(): Promise<boolean> {
    const existed = this.load() !== null;
    await this.ctx.storage.deleteAll();
    this.rendered = null;
    this.parsed = undefined;
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
