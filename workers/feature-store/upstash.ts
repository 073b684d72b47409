// The Upstash Redis feature store (selected when UPSTASH_REDIS_REST_URL/TOKEN are set): visitor profiles in
// Redis hashes over Upstash's REST API, written with a compare-and-set Lua script, plus live trending items.
//
// Key layout (`<p>` is the prefix, "aura:" by default; `<vh>` the visitor's keyed hash, never the raw anon id):
//   <p>profile:<vh>     hash, one per visitor, expiring FEATURES_RETENTION_DAYS (90) after its last write:
//                         v         version, bumped by every write (the compare-and-set token)
//                         view      the profile as readers need it (JSON: interests, recent, cart, sessions, …;
//                                   no anon id, which the caller already has)
//                         applied   the ids of recently applied events (JSON), which only writers need: kept out
//                                   of `view` so the hot-path read (HMGET view customer) never carries them
//                         customer  the nightly customer segment and when it was looked up (JSON)
//   <p>trending:h:<hour> sorted set per UTC hour (epoch hours), product id → views + 3·carts + 5·purchases,
//                        expiring after the 24-hour window
//   <p>trending         sorted set, the window's buckets summed with a 6-hour half-life; rebuilt by
//                        `trending()` in one MULTI/EXEC and kept a minute for other readers
//
// Consistency: applyEvents is read–compute–compare-and-set. The profile fold (shared/profile/profile.ts) is
// TypeScript, so it cannot run inside Redis; and Upstash's REST API has no WATCH (each HTTP request may reach a
// different connection, so WATCH/MULTI across requests cannot work). The write is therefore one Lua script
// (EVALSHA, atomic on the server) that stores the new fields only if `v` is still the version the profile was
// read at, and in the same step adds the batch's trending increments and renews the TTL. Two isolates applying
// events for one visitor at once: one wins, the other re-reads (now including the winner's events) and
// recomputes, so no update is lost; event ids already in `applied` are skipped, so redelivery and retries
// count each event once, in the profile and in trending alike. Conflicts are rare (one visitor's events
// mostly arrive through one queue consumer), and the retry is bounded; past it the write throws and the queue
// redelivers.
//
// Customer segment: ranking reads it from the profile (`customer_segment`) without a lookup. Reads here never
// touch D1 (the /v1/rank hot path makes no D1 query), so the segment is looked up on the write path: an
// applyEvents whose stored segment is missing or older than CUSTOMER_SEGMENT_TTL_MS looks it up (one indexed D1
// read by visitor hash) and stores it with the profile. Unlike the Durable Object store, a known customer with
// no events in Redis yet has no profile, so their first ranking uses the persona and micro-segment alone; the
// events route applies their first events inline, so the next ranking carries the segment.
import { Redis } from "@upstash/redis/cloudflare";
import * as z from "zod";
import { sessionEventTypes, type SessionEvent } from "../../shared/persona/features";
import { deviceClasses, referrerClasses, type DeviceClass } from "../../shared/persona/signals";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { applyEvents, type CustomerSegmentRef, type IncomingEvent, type ProfileView, type VisitorProfile } from "../../shared/profile/profile";
import { defaultConfig } from "../../shared/config/default";
import { CUSTOMER_SEGMENT_TTL_MS } from "./durable-object";

const HOUR_MS = 3_600_000;
const TRENDING_WINDOW_HOURS = 24;
const TRENDING_HALF_LIFE_HOURS = 6;
/** How long the summed `trending` set is kept for readers other than `trending()`. */
const TRENDING_SUMMARY_TTL_MS = 60_000;
/** How much one event says an item is trending; other event types say nothing. */
const TRENDING_WEIGHT: Partial<Record<SessionEvent["type"], number>> = { page_view: 1, click: 1, add_to_cart: 3, purchase: 5 };
/** Compare-and-set attempts before a write gives up (and the queue retries it later). */
const CAS_ATTEMPTS = 12;

/**
 * KEYS[1] the profile hash, KEYS[2..] trending buckets. ARGV: [1] the version read ('' = no profile), [2] TTL ms,
 * [3] view, [4] applied, [5] customer ('' = unchanged), [6] bucket TTL ms, then (KEYS index, increment, item)
 * triples. Returns the new version, or 0 when another writer got there first (nothing written).
 */
const COMPARE_AND_SET = `
local current = redis.call('HGET', KEYS[1], 'v')
if (current or '') ~= ARGV[1] then return 0 end
local version = (tonumber(current) or 0) + 1
redis.call('HSET', KEYS[1], 'v', version, 'view', ARGV[3], 'applied', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'customer', ARGV[5]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
for i = 7, #ARGV, 3 do
  local bucket = KEYS[tonumber(ARGV[i])]
  redis.call('ZINCRBY', bucket, ARGV[i + 1], ARGV[i + 2])
  redis.call('PEXPIRE', bucket, ARGV[6])
end
return version
`;

// ---- What Redis hands back is validated here: the store trusts nothing it reads. ----

/** JSON drops `undefined`; what the store itself wrote must read back, so absent nullable fields are null. */
const orNull = <T extends z.ZodType>(schema: T) => schema.nullable().default(null);

const SessionEventSchema = z.object({
  type: z.enum(sessionEventTypes),
  ts: z.number(),
  page_type: orNull(z.string()),
  category: orNull(z.string()),
  product_id: orNull(z.string()),
  query: orNull(z.string()),
  quiz: orNull(z.object({ question: z.string(), answer: z.string() })),
});

type StoredProfile = Omit<VisitorProfile, "anon_id" | "applied_ids">;

const StoredProfileSchema = z.object({
  first_seen: z.number(),
  last_seen: z.number(),
  session_id: orNull(z.string()),
  session_started: z.number(),
  previous_visit: orNull(z.number()),
  sessions: z.number().int().nonnegative(),
  event_count: z.number().int().nonnegative(),
  interests: z.record(z.string(), z.object({ w: z.number(), at: z.number() })),
  explicit: z.record(z.string(), z.number()),
  quiz: z.record(z.string(), z.string()),
  recent: z.array(SessionEventSchema),
  cart: z.array(z.string()),
  entry: orNull(
    z.object({
      referrer_class: orNull(z.enum(referrerClasses)),
      utm_source: orNull(z.string()),
      utm_medium: orNull(z.string()),
      utm_campaign: orNull(z.string()),
    }),
  ),
  device: orNull(z.enum(deviceClasses)),
}) satisfies z.ZodType<StoredProfile>;

const AppliedIdsSchema = z.array(z.string());

interface CustomerRecord {
  segment: CustomerSegmentRef | null;
  checked_at: number;
}

const CustomerRecordSchema = z.object({
  segment: z.object({ cluster: z.string(), lifecycle: z.string().nullable(), model_version: z.string() }).nullable(),
  checked_at: z.number(),
}) satisfies z.ZodType<CustomerRecord>;

const Field = z.string().nullable();
const ProfileReadReply = z.tuple([Field, Field]);
const ProfileWriteReadReply = z.tuple([Field, Field, Field, Field]);
const CountReply = z.number().int();
/** ZRANGE … WITHSCORES: member, score, member, score, … (scores as strings, "inf" included). */
const RankedReply = z.array(z.string());

/** A stored record that is not what this store writes: reported, never passed on to ranking. */
export class CorruptRecordError extends Error {
  override readonly name = "CorruptRecordError";
}

function parseJson<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new CorruptRecordError(`${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptRecordError(`${what} is malformed: ${parsed.error.issues[0]?.message ?? "invalid"} at ${parsed.error.issues[0]?.path.join(".") ?? ""}`);
  return parsed.data;
}

function parseReply<T>(schema: z.ZodType<T>, reply: unknown, command: string): T {
  const parsed = schema.safeParse(reply);
  // The reply's shape, never its content: it may hold a visitor's profile.
  const shape = Array.isArray(reply) ? `an array of ${reply.length}` : reply === null ? "null" : typeof reply;
  if (!parsed.success) throw new CorruptRecordError(`unexpected ${command} reply from Redis: ${shape}`);
  return parsed.data;
}

// ---- The store ----

export type CustomerSegmentLookup = (visitorHash: string) => Promise<CustomerSegmentRef | null>;

export interface TrendingItem {
  product_id: string;
  score: number;
}

export interface UpstashStoreOptions {
  /** Key namespace; tests give each run its own. */
  prefix?: string;
  /** Profiles expire this long after their last write (FEATURES_RETENTION_DAYS). */
  retentionMs: number;
  /** The keyed hash that names a visitor in Redis and D1 (hashVisitorId): anon ids never reach Redis. */
  visitorKey: (anonId: string) => Promise<string>;
  /** The nightly customer segment by visitor hash; without it profiles carry none. */
  customerSegments?: CustomerSegmentLookup;
  interestHalfLifeDays?: number;
  now?: () => number;
}

/**
 * An @upstash/redis client as this store needs it: no client-side retries (the circuit breaker and the queue
 * own retrying; the client's default of five with backoff would hold a request for seconds), raw replies (zod
 * validates them here), no telemetry headers, and every HTTP request aborted after `requestTimeoutMs` so a
 * hung connection is freed even after the caller's shorter deadline has given up on it.
 */
export function upstashClient(url: string, token: string, requestTimeoutMs: number): Redis {
  return new Redis({
    url,
    token,
    retry: { retries: 0, backoff: () => 0 },
    automaticDeserialization: false,
    enableTelemetry: false,
    signal: () => AbortSignal.timeout(requestTimeoutMs),
  });
}

/** Looks the nightly customer segment up in D1 by visitor hash (the customer_segments primary key). */
export function d1CustomerSegments(db: D1Database): CustomerSegmentLookup {
  return async (visitorHash) => {
    const row = await db
      .prepare("SELECT segment_id, rfm_segment, model_version FROM customer_segments WHERE visitor_hash = ?")
      .bind(visitorHash)
      .first<{ segment_id: string; rfm_segment: string | null; model_version: string }>();
    return row ? { cluster: row.segment_id, lifecycle: row.rfm_segment, model_version: row.model_version } : null;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Redis answered with an error (or not at all); the message is Redis's, without the command. */
export class RedisCommandError extends Error {
  override readonly name = "RedisCommandError";
}

/**
 * @upstash/redis appends the whole command to its error messages, and a profile write's command carries the
 * profile: keep only what Redis said, so logs and admin health never hold visitor data.
 */
async function redisCall<T>(reply: Promise<T>): Promise<T> {
  try {
    return await reply;
  } catch (err) {
    if (!(err instanceof Error)) throw err;
    const cut = err.message.indexOf(", command was:");
    if (cut < 0) throw err;
    throw new RedisCommandError(err.message.slice(0, cut));
  }
}

export class UpstashFeatureStore implements FeatureStore {
  readonly name = "upstash_redis";
  private readonly prefix: string;
  private readonly now: () => number;
  private readonly halfLifeDays: number;
  private compareAndSet: ReturnType<Redis["createScript"]> | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly options: UpstashStoreOptions,
  ) {
    this.prefix = options.prefix ?? "aura:";
    this.now = options.now ?? Date.now;
    this.halfLifeDays = options.interestHalfLifeDays ?? defaultConfig.ranking.interest_half_life_days;
  }

  /** The hot-path read: one HMGET of the reader's fields. */
  async getProfile(anonId: string): Promise<ProfileView | null> {
    const key = await this.profileKey(anonId);
    const [view, customer] = parseReply(ProfileReadReply, await redisCall(this.redis.exec(["HMGET", key, "view", "customer"])), "HMGET");
    if (view === null) return null;
    const stored = parseJson(StoredProfileSchema, view, `profile ${key}`);
    return { anon_id: anonId, ...stored, customer_segment: customer === null ? null : parseJson(CustomerRecordSchema, customer, `customer ${key}`).segment };
  }

  async applyEvents(anonId: string, sessionId: string | null, device: DeviceClass | null, events: readonly IncomingEvent[]): Promise<ProfileView> {
    const visitorHash = await this.options.visitorKey(anonId);
    const key = this.profileKeyFor(visitorHash);
    let lookedUp: CustomerRecord | null | undefined;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const [version, view, applied, customerJson] = parseReply(ProfileWriteReadReply, await redisCall(this.redis.exec(["HMGET", key, "v", "view", "applied", "customer"])), "HMGET");
      const before: VisitorProfile | null =
        view === null
          ? null
          : { anon_id: anonId, ...parseJson(StoredProfileSchema, view, `profile ${key}`), applied_ids: applied === null ? [] : parseJson(AppliedIdsSchema, applied, `applied ids ${key}`) };
      const stored = customerJson === null ? null : parseJson(CustomerRecordSchema, customerJson, `customer ${key}`);
      const now = this.now();
      // Looked up once per call, not per attempt: a conflict is about the profile, not the segment.
      if (lookedUp === undefined) lookedUp = stored === null || now - stored.checked_at > CUSTOMER_SEGMENT_TTL_MS ? await this.lookUpCustomer(visitorHash, now) : null;
      const customer = lookedUp ?? stored;

      const after = applyEvents(before, anonId, sessionId, device, events, now, this.halfLifeDays);
      const { anon_id: _anonId, applied_ids: appliedIds, ...afterStored } = after;
      const result: ProfileView = { anon_id: anonId, ...afterStored, customer_segment: customer?.segment ?? null };
      // Redelivered events change nothing: no write, unless the customer segment was due for a refresh.
      if (before && after.event_count === before.event_count && lookedUp === null) return result;

      const { keys, increments } = this.trendingIncrements(events, before, now);
      const args = [version ?? "", String(this.options.retentionMs), JSON.stringify(afterStored), JSON.stringify(appliedIds), lookedUp ? JSON.stringify(lookedUp) : "", String((TRENDING_WINDOW_HOURS + 1) * HOUR_MS), ...increments];
      this.compareAndSet ??= this.redis.createScript(COMPARE_AND_SET);
      const written = parseReply(CountReply, await redisCall(this.compareAndSet.exec([key, ...keys], args)), "EVALSHA");
      if (written > 0) return result;
      // Another writer won: back off a little (jittered, so two losers do not collide again) and recompute.
      await sleep(Math.random() * Math.min(40, 2 ** attempt));
    }
    throw new Error(`profile write lost ${CAS_ATTEMPTS} compare-and-set races in a row; the queue retries it`);
  }

  async erase(anonId: string): Promise<boolean> {
    const removed = parseReply(CountReply, await redisCall(this.redis.exec(["DEL", await this.profileKey(anonId)])), "DEL");
    return removed > 0;
  }

  /**
   * The items trending now: the last 24 hourly buckets summed with a 6-hour half-life, highest first. One
   * MULTI/EXEC (ZUNIONSTORE, PEXPIRE, ZRANGE), so concurrent callers never see a half-built summary.
   */
  async trending(limit: number, now = this.now()): Promise<TrendingItem[]> {
    if (limit <= 0) return [];
    const hour = Math.floor(now / HOUR_MS);
    const keys: string[] = [];
    const weights: number[] = [];
    for (let age = 0; age < TRENDING_WINDOW_HOURS; age++) {
      keys.push(this.trendingBucket(hour - age));
      weights.push(0.5 ** (age / TRENDING_HALF_LIFE_HOURS));
    }
    const summary = `${this.prefix}trending`;
    const replies: unknown = await redisCall(
      this.redis
        .multi()
        .zunionstore(summary, keys.length, keys, { weights, aggregate: "sum" })
        .pexpire(summary, TRENDING_SUMMARY_TTL_MS)
        .zrange(summary, 0, limit - 1, { rev: true, withScores: true })
        .exec(),
    );
    const flat = parseReply(RankedReply, parseReply(z.tuple([CountReply, CountReply, z.unknown()]), replies, "MULTI/EXEC")[2], "ZRANGE");
    const items: TrendingItem[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) items.push({ product_id: flat[i]!, score: Number(flat[i + 1]) });
    return items;
  }

  /** A round trip for health checks. */
  async ping(): Promise<"ok"> {
    const reply = await redisCall(this.redis.exec(["PING"]));
    if (reply !== "PONG") throw new CorruptRecordError(`unexpected PING reply ${JSON.stringify(reply)}`);
    return "ok";
  }

  private async profileKey(anonId: string): Promise<string> {
    return this.profileKeyFor(await this.options.visitorKey(anonId));
  }

  private profileKeyFor(visitorHash: string): string {
    return `${this.prefix}profile:${visitorHash}`;
  }

  private trendingBucket(hour: number): string {
    return `${this.prefix}trending:h:${hour}`;
  }

  /** The segment now, or null when the lookup failed (the profile write goes ahead without it). */
  private async lookUpCustomer(visitorHash: string, now: number): Promise<CustomerRecord | null> {
    if (!this.options.customerSegments) return null;
    try {
      return { segment: await this.options.customerSegments(visitorHash), checked_at: now };
    } catch (err) {
      console.warn(JSON.stringify({ level: "warn", customer_segment_lookup: err instanceof Error ? err.message : String(err) }));
      return null;
    }
  }

  /**
   * The trending increments of the events this write applies (not those already applied), grouped by hourly
   * bucket; events older than the window count for nothing, and clock-skewed future ones count for now.
   */
  private trendingIncrements(events: readonly IncomingEvent[], before: VisitorProfile | null, now: number): { keys: string[]; increments: string[] } {
    const seen = new Set(before?.applied_ids);
    const byBucket = new Map<number, Map<string, number>>();
    const oldest = now - TRENDING_WINDOW_HOURS * HOUR_MS;
    for (const e of events) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      const weight = TRENDING_WEIGHT[e.type];
      if (!weight || !e.product_id || e.ts < oldest) continue;
      const hour = Math.floor(Math.min(e.ts, now) / HOUR_MS);
      const items = byBucket.get(hour) ?? new Map<string, number>();
      items.set(e.product_id, (items.get(e.product_id) ?? 0) + weight);
      byBucket.set(hour, items);
    }
    const keys: string[] = [];
    const increments: string[] = [];
    for (const [hour, items] of byBucket) {
      keys.push(this.trendingBucket(hour));
      // KEYS[1] is the profile: buckets start at 2.
      for (const [item, by] of items) increments.push(String(keys.length + 1), String(by), item);
    }
    return { keys, increments };
  }
}
