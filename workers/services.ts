// Chooses implementations from the environment (defaults that need nothing).
import type { FeatureStore } from "../shared/profile/feature-store";
import { DurableObjectFeatureStore } from "./feature-store/durable-object";

export function featureStore(env: Env): FeatureStore {
  // Upstash Redis joins here when UPSTASH_REDIS_REST_URL/TOKEN are set (a later issue); the DO store is the default.
  return new DurableObjectFeatureStore(env.VISITOR_PROFILES);
}
