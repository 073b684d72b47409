// Chooses implementations from the environment (defaults that need nothing).
import type { Redis } from "@upstash/redis/cloudflare";
import type { FeatureStore } from "../shared/profile/feature-store";
import { cachedVisitorHash } from "./privacy/visitor-hash";
import { CircuitBreaker, ResilientFeatureStore, type BreakerStats } from "./feature-store/breaker";
import { DurableObjectFeatureStore } from "./feature-store/durable-object";
import { CachedFeatureStore, ProfileCache } from "./feature-store/profile-cache";
import { d1CustomerSegments, upstashClient, UpstashFeatureStore } from "./feature-store/upstash";

/** Secrets (`wrangler secret put`, or .dev.vars) that switch the feature store to Upstash Redis. */
interface UpstashSecrets {
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
}

/**
 * Five failures in a row is a pattern, not a blip (a single slow read already falls back on its own); ten
 * seconds of refusing calls spares a struggling store thousands of requests per isolate while one probe per
 * cool-down notices its recovery quickly.
 */
const BREAKER = { failureThreshold: 5, cooldownMs: 10_000 };
/**
 * Writes run in the queue consumer and, capped at 200 ms by the events route, inline: a couple of round trips
 * plus compare-and-set retries fit easily; past this the queue redelivers. The Upstash client also aborts
 * every HTTP request after it, so no connection hangs on.
 */
const WRITE_TIMEOUT_MS = 2_000;

let profileCache: ProfileCache | null = null;
const upstashClients = new Map<string, Redis>();
// Breakers live per isolate and per store, so one request's failures protect the next requests.
const upstashBreakers = new Map<string, CircuitBreaker>();
const durableObjectBreakers = new WeakMap<object, CircuitBreaker>();

/**
 * How long past its TTL a cached profile may stand in for a store read that failed or ran out of time. A few
 * minutes covers a Durable Object restart or a Redis failover; it also bounds how long a visitor erased through
 * another isolate can still be personalized here while this isolate cannot reach the store.
 */
export const PROFILE_STALE_IF_ERROR_MS = 5 * 60_000;

/** The isolate's profile cache (created on first use with the configured TTL and stale-while-revalidate window). */
export function isolateProfileCache(env: Env): ProfileCache {
  profileCache ??= new ProfileCache(10_000, Number(env.PROFILE_CACHE_TTL_MS ?? "2000"), PROFILE_STALE_IF_ERROR_MS, Number(env.PROFILE_STALE_WHILE_REVALIDATE_MS ?? "0"));
  return profileCache;
}

/** Upstash's REST URL and token when both are set: then Upstash is the feature store. */
export function upstashConfig(env: Env): { url: string; token: string } | null {
  const { UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: token } = env as Env & UpstashSecrets;
  return url && token ? { url, token } : null;
}

/**
 * The store stack of each configuration, built once per isolate and keyed by the binding it is built on (Upstash's
 * reads customer segments from D1) with every setting it takes: its objects hold no request's state. Built per
 * request, they were three objects a request, and the functions compiled against them (the profile read's) were
 * among those V8 deoptimized at each major GC, to be compiled again on the serving core: 10-13 of them per page
 * run before, 0-1 after (bench/README.md, "Deoptimized by a major GC").
 */
const stores = new WeakMap<object, { settings: string; store: CachedFeatureStore }>();

/**
 * The feature store: the isolate profile cache in front of the circuit breaker in front of Upstash Redis (when
 * configured) or the Durable Object store. The cache sits outside the breaker on purpose: a cache hit says
 * nothing about the store's health, so it must neither close a half-open circuit nor reset the failure count;
 * and while the circuit is open, profiles this isolate already holds keep serving personalised ranking.
 */
export function featureStore(env: Env): CachedFeatureStore {
  const readMs = Number(env.FEATURE_STORE_TIMEOUT_MS || "25");
  const upstash = upstashConfig(env);
  const binding: unknown = upstash ? env.DB : env.VISITOR_PROFILES;
  const settings = upstash ? ["upstash", upstash.url, upstash.token, env.FEATURES_RETENTION_DAYS ?? "", env.VISITOR_ID_SALT, readMs].join("\n") : `durable_object\n${readMs}`;
  const key = typeof binding === "object" && binding !== null ? binding : null;
  const known = key ? stores.get(key) : undefined;
  if (known?.settings === settings) return known.store;
  const { store, breaker } = guardedStore(env);
  const built = new CachedFeatureStore(new ResilientFeatureStore(store, breaker, { readMs, writeMs: WRITE_TIMEOUT_MS }), isolateProfileCache(env));
  if (key) stores.set(key, { settings, store: built });
  return built;
}

/** For admin health: which store serves, and its circuit breaker's state and counts in this isolate. */
export function featureStoreHealth(env: Env): { implementation: string; breaker: BreakerStats } {
  const { store, breaker } = guardedStore(env);
  return { implementation: store.name, breaker: breaker.stats() };
}

/**
 * One round trip to the configured store for admin health, around the breaker on purpose: a health check should
 * see the store as it is now, and neither trip the circuit nor be refused by it.
 */
export async function pingFeatureStore(env: Env): Promise<"ok"> {
  const { store } = guardedStore(env);
  if (store instanceof UpstashFeatureStore) return store.ping();
  return env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("__health__")).ping();
}

function guardedStore(env: Env): { store: FeatureStore; breaker: CircuitBreaker } {
  const upstash = upstashConfig(env);
  if (!upstash) {
    let breaker = durableObjectBreakers.get(env.VISITOR_PROFILES);
    if (!breaker) {
      breaker = new CircuitBreaker("durable_object", BREAKER);
      durableObjectBreakers.set(env.VISITOR_PROFILES, breaker);
    }
    return { store: new DurableObjectFeatureStore(env.VISITOR_PROFILES), breaker };
  }
  const clientKey = `${upstash.url}\n${upstash.token}`;
  let client = upstashClients.get(clientKey);
  if (!client) {
    client = upstashClient(upstash.url, upstash.token, WRITE_TIMEOUT_MS);
    upstashClients.set(clientKey, client);
  }
  let breaker = upstashBreakers.get(upstash.url);
  if (!breaker) {
    breaker = new CircuitBreaker("upstash_redis", BREAKER);
    upstashBreakers.set(upstash.url, breaker);
  }
  const store = new UpstashFeatureStore(client, {
    retentionMs: Number(env.FEATURES_RETENTION_DAYS || "90") * 86_400_000,
    visitorKey: (anonId) => cachedVisitorHash(env.VISITOR_ID_SALT, anonId),
    customerSegments: d1CustomerSegments(env.DB),
  });
  return { store, breaker };
}
