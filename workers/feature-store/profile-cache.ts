// A short-lived, bounded isolate cache in front of the feature store. A page view ranks several surfaces
// (hero, carousel, guides) within milliseconds; they share one store read. Writes from this isolate
// (events, erasure) update the cache, so a visitor always sees their own latest events here; other
// isolates see them within the TTL. An expired profile is not read again in full: the store is asked whether it
// changed (revalidate), and an unchanged one is kept, so the isolate does not parse a copy of every active
// visitor's profile each TTL, nor recompute what ranking derived from it (memoized per profile object). The cache
// also remembers which events it saw the store apply, so the queue consumer's repeat of the request path's write
// costs no second call to the store when both run in this isolate. And when the store cannot be read, a copy that
// expired a few minutes ago at most stands in for it (staleCopy), rather than cold start.
//
// A request that can leave work running after its answer (it has a waitUntil) does not wait for the revalidation
// either: a profile expired by less than the stale-while-revalidate window is answered at once, and one store read
// per visitor goes out in the background to refresh it for the next request. A returning visitor then never waits
// on a healthy store's network hop, and sees what other isolates wrote one request later than they would
// otherwise. Once such a read fails, that copy is no longer served this way: the store's failure shows as before.
import type { DeviceClass } from "../../shared/persona/signals";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { profileVersion, type IncomingEvent, type ProfileView } from "../../shared/profile/profile";

interface Entry {
  profile: ProfileView | null;
  expires: number;
  /**
   * Ids of events this isolate saw the store apply to the visitor's profile, newest last (at most APPLIED_MEMO),
   * as one flat string: each id between two MEMO_SEP ("\0a\0b\0"), or "" for none. An array of the ids cost
   * ~42 heap objects per cached visitor (the ids were concatenated strings), which every major GC of the isolate
   * marks; this is one (issue 9).
   */
  applied: string;
  /**
   * Background revalidation of this copy (ProfileCache.whileRevalidating): none yet, one in flight, or one that
   * failed (the copy is then no longer served while revalidating). A read that settles replaces the entry, so a
   * hung one holds the copy at most until the stale-while-revalidate window ends.
   */
  revalidation: "none" | "in_flight" | "failed";
}

/**
 * How many applied event ids an entry remembers. A storefront batch is a handful of events, and the queue consumer
 * repeats one within seconds: 32 covers several batches. A longer message is simply applied again.
 */
export const APPLIED_MEMO = 32;
/** Separates the ids of Entry.applied. An id that contains it is never remembered (its batch goes to the store). */
const MEMO_SEP = "\0";

/** `memo` with `ids` appended, keeping the last APPLIED_MEMO; Array.join makes a flat string. */
function remember(memo: string, ids: readonly string[]): string {
  const kept = (memo === "" ? [] : memo.slice(1, -1).split(MEMO_SEP)).concat(ids.filter((id) => !id.includes(MEMO_SEP))).slice(-APPLIED_MEMO);
  return kept.length === 0 ? "" : ["", ...kept, ""].join(MEMO_SEP);
}

/**
 * Re-homes a profile's interests, as parsed from the store's JSON, into a null-prototype object before the isolate
 * holds it. JSON.parse gives each visitor's interests (keys such as `item:p123`, a different set per visitor) a
 * hidden class of their own: a chain of V8 maps, one per key, that the object keeps alive (~17 heap objects per
 * cached visitor in the 1k bench) and every major GC marks. V8 keeps a null-prototype object in dictionary mode:
 * one hash table, whatever the keys. Reads are unchanged (same keys, same weights, no inherited ones).
 *
 * Past about 128 keys JSON.parse builds a dictionary itself, and copying one is what costs (Node, 1,000 keys:
 * ~210 µs, against ~4 µs for 100), so larger sets stay as parsed. Each event adds at most two keys (its item and
 * its category), which bounds small profiles without counting; others are counted up to the bound.
 */
const REHOMED_INTERESTS = 100;

function holdable(profile: ProfileView): ProfileView {
  if (profile.event_count * 2 > REHOMED_INTERESTS) {
    let keys = 0;
    for (const _ in profile.interests) if (++keys > REHOMED_INTERESTS) return profile;
  }
  profile.interests = Object.assign(Object.create(null) as ProfileView["interests"], profile.interests);
  return profile;
}

export class ProfileCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;
  /** Expired profiles the store confirmed unchanged (kept, not read again). */
  revalidated = 0;
  /** Event batches not sent to the store because it had applied every event of them for this isolate. */
  knownApplied = 0;
  /** Expired profiles served because the store could not be read (staleCopy). */
  servedStale = 0;
  /** Expired profiles served while a background read revalidated them (whileRevalidating). */
  servedWhileRevalidating = 0;

  /**
   * `staleIfErrorMs`: how long past its TTL an entry may still stand in for a store that cannot be read.
   * `staleWhileRevalidateMs`: how long past its TTL an entry may be served while the store is read in the background.
   */
  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly staleIfErrorMs = 0,
    private readonly staleWhileRevalidateMs = 0,
  ) {}

  /** The cached profile (null = known to have none), or undefined on a miss. */
  get(anonId: string, now: number): ProfileView | null | undefined {
    const entry = this.entries.get(anonId);
    if (!entry || entry.expires <= now) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return entry.profile;
  }

  /**
   * The profile held for a visitor whose store read failed or ran out of time: expired, but by no more than
   * staleIfErrorMs (undefined: none held, or older). A returning visitor keeps their personalization through a
   * store outage or a slow read, instead of dropping to cold start a TTL after their last read.
   */
  staleCopy(anonId: string, now: number): ProfileView | null | undefined {
    const entry = this.entries.get(anonId);
    if (!entry || now - entry.expires > this.staleIfErrorMs) return undefined;
    this.servedStale++;
    return entry.profile;
  }

  /**
   * After `get` missed: the profile held for the visitor when it expired less than staleWhileRevalidateMs ago
   * (undefined: none such). `refresh` is true for the one caller that should read the store in the background;
   * callers while that read is in flight get the copy with `refresh` false. A failed read is reported with
   * refreshFailed: from then on the copy is not served this way, and requests read the store themselves, so a
   * failing store shows as it does without the window (a timeout, then the stale-if-error copy, marked "stale")
   * instead of behind copies that can no longer be confirmed.
   */
  whileRevalidating(anonId: string, now: number): { profile: ProfileView | null; refresh: boolean } | undefined {
    const entry = this.entries.get(anonId);
    if (!entry || entry.revalidation === "failed" || now - entry.expires >= this.staleWhileRevalidateMs) return undefined;
    this.servedWhileRevalidating++;
    const refresh = entry.revalidation === "none";
    entry.revalidation = "in_flight";
    return { profile: entry.profile, refresh };
  }

  /** A background revalidation of the visitor's entry failed: the next request reads the store itself. */
  refreshFailed(anonId: string): void {
    const entry = this.entries.get(anonId);
    if (entry) entry.revalidation = "failed";
  }

  /** The entry's profile whether or not it has expired (undefined: none held), without counting. */
  held(anonId: string): ProfileView | null | undefined {
    return this.entries.get(anonId)?.profile;
  }

  /**
   * Holds the profile for the TTL. `appliedIds`: events the store has just applied (the profile includes them);
   * they join what the entry already knew, since a later read of the same store includes those too, unless it
   * answers that there is no profile (erased through another isolate): then nothing applied before counts.
   */
  set(anonId: string, profile: ProfileView | null, now: number, appliedIds: readonly string[] = []): void {
    if (this.ttlMs <= 0) return;
    const previous = this.entries.get(anonId);
    const known = profile === null ? "" : (previous?.applied ?? "");
    const applied = appliedIds.length === 0 ? known : remember(known, appliedIds);
    // A profile held already (revalidated unchanged) was re-homed when it came in.
    const held = profile === null || profile === previous?.profile ? profile : holdable(profile);
    this.entries.delete(anonId);
    this.entries.set(anonId, { profile: held, expires: now + this.ttlMs, applied, revalidation: "none" });
    // Map iteration order is insertion order: the first key is the oldest write.
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /**
   * The profile held for the visitor (expired or not) when it is known to include every one of these events, else
   * undefined. Only answers from the store put ids here, and an erasure in this isolate forgets them.
   */
  heldWithAll(anonId: string, eventIds: readonly string[]): ProfileView | undefined {
    const entry = this.entries.get(anonId);
    if (!entry?.profile || eventIds.length === 0) return undefined;
    for (const id of eventIds) if (id.includes(MEMO_SEP) || !entry.applied.includes(MEMO_SEP + id + MEMO_SEP)) return undefined;
    return entry.profile;
  }

  delete(anonId: string): void {
    this.entries.delete(anonId);
  }
}

export class CachedFeatureStore implements FeatureStore {
  readonly name: string;
  constructor(
    private readonly inner: FeatureStore,
    private readonly cache: ProfileCache,
  ) {
    this.name = inner.name;
  }

  async getProfile(anonId: string): Promise<ProfileView | null> {
    const cached = this.peek(anonId);
    return cached !== undefined ? cached : this.load(anonId);
  }

  /**
   * The profile when this isolate holds it (null: known to have none), else undefined; counted as a hit or miss.
   * Synchronous, so the hot path answers a hit without a promise or a timeout timer. Given `ctx`, a profile
   * expired within the stale-while-revalidate window is answered too, and revalidated in the background (at most
   * one read per visitor in flight); a failed background read is logged, and the next request reads the store
   * itself (ProfileCache.whileRevalidating).
   */
  peek(anonId: string, ctx?: Pick<ExecutionContext, "waitUntil">): ProfileView | null | undefined {
    const now = Date.now();
    const fresh = this.cache.get(anonId, now);
    if (fresh !== undefined || !ctx) return fresh;
    const stale = this.cache.whileRevalidating(anonId, now);
    if (stale === undefined) return undefined;
    if (stale.refresh) {
      ctx.waitUntil(
        this.load(anonId).catch((err: unknown) => {
          this.cache.refreshFailed(anonId);
          console.warn(JSON.stringify({ level: "warn", feature_store: err instanceof Error ? err.message : String(err), background_revalidation: true }));
        }),
      );
    }
    return stale.profile;
  }

  /**
   * A read from the store behind the cache (after `peek` missed), remembered for the next requests. A profile
   * the cache still holds (expired) is revalidated rather than read in full, where the store can.
   */
  async load(anonId: string): Promise<ProfileView | null> {
    const held = this.cache.held(anonId);
    if (held && this.inner.revalidate) {
      const answer = await this.inner.revalidate(anonId, profileVersion(held));
      const profile = answer === "unchanged" ? held : answer;
      if (answer === "unchanged") this.cache.revalidated++;
      // The entry changed while we asked: a write from this isolate replaced it (the newer profile stays), or
      // an erasure removed it (this request is answered, nothing is cached again).
      const current = this.cache.held(anonId);
      if (current !== held) return current === undefined ? profile : current;
      this.cache.set(anonId, profile, Date.now());
      return profile;
    }
    const profile = await this.inner.getProfile(anonId);
    this.cache.set(anonId, profile, Date.now());
    return profile;
  }

  /** After a failed load: the copy the cache may still stand on (ProfileCache.staleCopy). */
  stale(anonId: string): ProfileView | null | undefined {
    return this.cache.staleCopy(anonId, Date.now());
  }

  async applyEvents(anonId: string, sessionId: string | null, device: DeviceClass | null, events: readonly IncomingEvent[]): Promise<ProfileView> {
    const ids = events.map((e) => e.id);
    // The store applied these already, in answer to this isolate (usually the queue consumer repeating what the
    // request path did): applying them again would change nothing, so the store is not asked. The profile held
    // includes them; what other isolates wrote since it was read may be missing, as from any cached read (the
    // consumer's segment assignment catches up with the visitor's next events).
    const known = this.cache.heldWithAll(anonId, ids);
    if (known) {
      this.cache.knownApplied++;
      return known;
    }
    const answer = await this.inner.applyEvents(anonId, sessionId, device, events);
    // Events applied before (a repeat the cache could not vouch for, such as one first applied elsewhere) leave the
    // profile as it was: the copy this isolate holds stays, and with it what ranking derived from it, instead of an
    // equal new object.
    const held = this.cache.held(anonId);
    const profile = held && profileVersion(held) === profileVersion(answer) ? held : answer;
    this.cache.set(anonId, profile, Date.now(), ids);
    return profile;
  }

  async erase(anonId: string): Promise<boolean> {
    this.cache.delete(anonId);
    return this.inner.erase(anonId);
  }
}
