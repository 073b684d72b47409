// Chooses implementations from the environment (defaults that need nothing).
import type { FeatureStore } from "../shared/profile/feature-store";
import { DurableObjectFeatureStore } from "./feature-store/durable-object";
import { CachedFeatureStore, ProfileCache } from "./feature-store/profile-cache";

let profileCache: ProfileCache | null = null;

/** The isolate's profile cache (created on first use with the configured TTL). */
export function isolateProfileCache(env: Env): ProfileCache {
  profileCache ??= new ProfileCache(10_000, Number(env.PROFILE_CACHE_TTL_MS ?? "2000"));
  return profileCache;
}

export function featureStore(env: Env): FeatureStore {
  // Upstash Redis joins here when UPSTASH_REDIS_REST_URL/TOKEN are set (a later issue); the DO store is the default.
  return new CachedFeatureStore(new DurableObjectFeatureStore(env.VISITOR_PROFILES), isolateProfileCache(env));
}
