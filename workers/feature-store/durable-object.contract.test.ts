// The feature-store contract against the default store: one VisitorProfileStore Durable Object per visitor,
// reached through the VISITOR_PROFILES binding exactly as the Worker reaches it.
import { env } from "cloudflare:workers";
import { featureStoreContract } from "./contract";
import { DurableObjectFeatureStore } from "./durable-object";

featureStoreContract("Durable Object", () => new DurableObjectFeatureStore(env.VISITOR_PROFILES), () => `anon_do_${crypto.randomUUID()}`);
