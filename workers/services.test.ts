// The feature store stack is built once per isolate for each configuration (workers/services.ts): the same
// object for every request with the same bindings and settings, a new one when a setting it takes changes.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { featureStore } from "./services";

/** The test env with some settings changed (the generated Env types each var as its wrangler.toml value). */
const withVars = (vars: Record<string, string>): Env => ({ ...env, ...vars }) as unknown as Env;

describe("featureStore(env)", () => {
  it("is the same store for the same bindings and settings, whichever env object carries them", () => {
    const first = featureStore(env);
    expect(featureStore(env)).toBe(first);
    expect(featureStore(withVars({}))).toBe(first);
    expect(first.name).toBe("durable_object");
  });

  it("is built again when a setting it takes changes, and kept for that setting", () => {
    const deployed = featureStore(env);
    const wider = featureStore(withVars({ FEATURE_STORE_TIMEOUT_MS: "999" }));
    expect(wider).not.toBe(deployed);
    expect(featureStore(withVars({ FEATURE_STORE_TIMEOUT_MS: "999" }))).toBe(wider);
    // Back to the first setting: a store with its read budget again, never the other one.
    expect(featureStore(env)).not.toBe(wider);
  });

  it("switches to Upstash, and back, with the secrets", () => {
    const secrets = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1", UPSTASH_REDIS_REST_TOKEN: "t" };
    const upstash = withVars(secrets);
    const redis = featureStore(upstash);
    expect(redis.name).toBe("upstash_redis");
    expect(featureStore(upstash)).toBe(redis);
    expect(featureStore(withVars({ ...secrets, UPSTASH_REDIS_REST_TOKEN: "other" }))).not.toBe(redis);
    expect(featureStore(withVars({ ...secrets, VISITOR_ID_SALT: "another salt" }))).not.toBe(redis);
    expect(featureStore(env).name).toBe("durable_object");
  });
});
