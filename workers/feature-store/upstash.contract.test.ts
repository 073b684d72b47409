// The feature-store contract against the Upstash Redis store, through @upstash/redis, the local Upstash REST
// bridge and a real redis-server (test-support/redis-setup.ts starts both); then what only Redis does: keyed
// visitor hashes, TTLs, trending items, and validation of what comes back.
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { hashVisitorId } from "../../shared/privacy";
import { emptyProfile } from "../../shared/profile/profile";
import { featureStore, featureStoreHealth, pingFeatureStore } from "../services";
import { event, featureStoreContract } from "./contract";
import { CorruptRecordError, d1CustomerSegments, RedisCommandError, upstashClient, UpstashFeatureStore, type UpstashStoreOptions } from "./upstash";

const target = inject("upstash");
const DAY_MS = 86_400_000;

function store(prefix: string, overrides: Partial<UpstashStoreOptions> = {}): UpstashFeatureStore {
  return new UpstashFeatureStore(upstashClient(target!.url, target!.token, 2000), {
    prefix,
    retentionMs: 90 * DAY_MS,
    visitorKey: (anonId) => hashVisitorId(env.VISITOR_ID_SALT, anonId),
    customerSegments: d1CustomerSegments(env.DB),
    ...overrides,
  });
}

/** Raw access to the same Redis, for looking at what the store wrote. */
function redis(command: [string, ...string[]]): Promise<unknown> {
  return upstashClient(target!.url, target!.token, 2000).exec(command);
}

const run = `aura:test:${crypto.randomUUID().slice(0, 8)}:`;

describe.skipIf(target === null)("Upstash Redis feature store", () => {
  featureStoreContract("Upstash Redis", () => store(run), () => `anon_up_${crypto.randomUUID()}`);

  describe("beyond the contract", () => {
    it("names visitors by their keyed hash: the anon id is nowhere in Redis", async () => {
      const prefix = `${run}privacy:`;
      const anon = `anon_up_${crypto.randomUUID()}`;
      await store(prefix).applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: Date.now(), product_id: "p1" })]);
      const keys = (await redis(["KEYS", `${prefix}*`])) as string[];
      const profileKey = `${prefix}profile:${await hashVisitorId(env.VISITOR_ID_SALT, anon)}`;
      expect(keys).toContain(profileKey);
      const fields = (await redis(["HGETALL", profileKey])) as string[];
      expect(fields.filter((_, i) => i % 2 === 0).sort()).toEqual(["applied", "customer", "v", "view"]);
      for (const text of [...keys, ...fields]) expect(text).not.toContain(anon);
    });

    it("expires a profile the retention period after its last write", async () => {
      const anon = `anon_up_${crypto.randomUUID()}`;
      await store(run).applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: Date.now() })]);
      const ttl = (await redis(["PTTL", `${run}profile:${await hashVisitorId(env.VISITOR_ID_SALT, anon)}`])) as number;
      expect(ttl).toBeGreaterThan(90 * DAY_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(90 * DAY_MS);

      // Two seconds, so the read right after the write lands inside it even on a busy runner.
      const brief = store(run, { retentionMs: 2000 });
      const shortLived = `anon_up_${crypto.randomUUID()}`;
      await brief.applyEvents(shortLived, "s1", "mobile", [event({ type: "page_view", ts: Date.now() })]);
      expect(await brief.getProfile(shortLived)).not.toBeNull();
      await new Promise((r) => setTimeout(r, 2500));
      expect(await brief.getProfile(shortLived)).toBeNull();
    });

    it("ranks trending items by views, cart adds and purchases, decayed by the hour, each event counted once", async () => {
      const prefix = `${run}trending:`;
      // Half an hour into the last clock hour: events are bucketed by their hour, and a test started in the
      // first seconds of an hour would put the ones a few seconds older into the previous bucket.
      const now = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 1_800_000;
      const s = store(prefix, { now: () => now });
      const visitor = () => `anon_up_${crypto.randomUUID()}`;
      const views = [0, 1, 2].map((i) => event({ type: "page_view", ts: now - i * 1000, product_id: "p_a" }));
      await s.applyEvents(visitor(), "s1", "mobile", views);
      const buyer = visitor();
      const bought = [event({ type: "add_to_cart", ts: now - 5000, product_id: "p_b" }), event({ type: "purchase", ts: now - 4000, product_id: "p_b" })];
      await s.applyEvents(buyer, "s1", "mobile", bought);
      await s.applyEvents(buyer, "s1", "mobile", bought); // redelivered: counts nothing
      // Twelve hours ago (two half-lives: a quarter of the weight), and older than the window (nothing).
      await s.applyEvents(visitor(), "s0", "mobile", [0, 1, 2, 3, 4].map((i) => event({ type: "page_view", ts: now - 12 * 3_600_000 - i, product_id: "p_c" })));
      await s.applyEvents(visitor(), "s0", "mobile", [event({ type: "page_view", ts: now - 30 * 3_600_000, product_id: "p_d" })]);
      // Searches and quiz answers say nothing about items.
      await s.applyEvents(visitor(), "s1", "mobile", [event({ type: "search", ts: now, query: "camera" })]);

      const ranked = await s.trending(10);
      expect(ranked.map((r) => r.product_id)).toEqual(["p_b", "p_a", "p_c"]);
      expect(ranked[0]!.score).toBeCloseTo(8, 6);
      expect(ranked[1]!.score).toBeCloseTo(3, 6);
      expect(ranked[2]!.score).toBeCloseTo(1.25, 6);
      expect(await s.trending(1)).toEqual([{ product_id: "p_b", score: 8 }]);
      expect(await s.trending(0)).toEqual([]);
      // The summed set stays briefly for other readers.
      expect(await redis(["ZSCORE", `${prefix}trending`, "p_a"])).toBe("3");
    });

    it("refreshes the customer segment on a write once the stored one is older than six hours", async () => {
      let lookups = 0;
      let now = Date.now();
      const s = store(run, {
        now: () => now,
        customerSegments: async () => {
          lookups++;
          return { cluster: `cust_${lookups}`, lifecycle: null, model_version: "m" };
        },
      });
      const anon = `anon_up_${crypto.randomUUID()}`;
      const first = await s.applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: now })]);
      expect(first.customer_segment).toEqual({ cluster: "cust_1", lifecycle: null, model_version: "m" });
      await s.applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: now + 1000 })]);
      expect(lookups).toBe(1);
      now += 7 * 3_600_000;
      // Even a batch that changes nothing else stores the refreshed segment.
      const unchanged = await s.applyEvents(anon, "s1", "mobile", []);
      expect(lookups).toBe(2);
      expect(unchanged.event_count).toBe(2);
      expect((await s.getProfile(anon))?.customer_segment?.cluster).toBe("cust_2");
    });

    it("refuses a stored profile that is not what it writes, rather than ranking with it", async () => {
      const anon = `anon_up_${crypto.randomUUID()}`;
      const key = `${run}profile:${await hashVisitorId(env.VISITOR_ID_SALT, anon)}`;
      const s = store(run);
      await redis(["HSET", key, "v", "1", "view", "{not json"]);
      await expect(s.getProfile(anon)).rejects.toThrow(CorruptRecordError);
      const { anon_id: _a, applied_ids: _i, ...valid } = emptyProfile(anon, Date.now());
      await redis(["HSET", key, "view", JSON.stringify({ ...valid, sessions: -1 })]);
      await expect(s.getProfile(anon)).rejects.toThrow(/malformed/);
      await redis(["HSET", key, "view", JSON.stringify(valid)]);
      expect(await s.getProfile(anon)).toMatchObject({ anon_id: anon, sessions: 0, customer_segment: null });
      expect(await s.erase(anon)).toBe(true);
    });

    it("reports Redis errors without the command, which for a write carries the visitor's profile", async () => {
      const anon = `anon_up_${crypto.randomUUID()}`;
      const key = `${run}profile:${await hashVisitorId(env.VISITOR_ID_SALT, anon)}`;
      await redis(["SET", key, "not a hash"]);
      const failure = await store(run)
        .applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: Date.now(), query: "secret search" })])
        .catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(RedisCommandError);
      expect((failure as Error).message).toMatch(/^WRONGTYPE/);
      expect((failure as Error).message).not.toContain(key);
      await redis(["DEL", key]);
    });

    it("answers a health ping, and is what featureStore(env) serves once both secrets are set", async () => {
      expect(await store(run).ping()).toBe("ok");
      const configured = { ...env, UPSTASH_REDIS_REST_URL: target!.url, UPSTASH_REDIS_REST_TOKEN: target!.token } as Env;
      expect(featureStore(configured).name).toBe("upstash_redis");
      expect(featureStore({ ...env, UPSTASH_REDIS_REST_URL: target!.url } as Env).name).toBe("durable_object");
      expect(await pingFeatureStore(configured)).toBe("ok");
      expect(featureStoreHealth(configured)).toMatchObject({ implementation: "upstash_redis", breaker: { state: "closed" } });
      // Through the whole stack (cache, breaker, Redis): a write, then a read of it.
      const anon = `anon_up_${crypto.randomUUID()}`;
      await featureStore(configured).applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: Date.now(), product_id: "p1" })]);
      expect(await store("aura:").getProfile(anon)).toMatchObject({ anon_id: anon, event_count: 1 });
      expect(await featureStore(configured).erase(anon)).toBe(true);
    });
  });

  describe("the local Upstash REST bridge", () => {
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${target!.url}${path}`, { method: "POST", body: JSON.stringify(body), headers: { authorization: `Bearer ${target!.token}`, ...headers } });

    it("checks the bearer token", async () => {
      const res = await fetch(`${target!.url}/`, { method: "POST", body: JSON.stringify(["PING"]), headers: { authorization: "Bearer wrong" } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: expect.any(String) });
    });

    it("encodes strings in base64 when asked, except OK, and leaves numbers and nulls alone", async () => {
      const key = `${run}bridge:${crypto.randomUUID()}`;
      expect(await (await post("/", ["SET", key, "héllo"], { "Upstash-Encoding": "base64" })).json()).toEqual({ result: "OK" });
      expect(await (await post("/", ["GET", key], { "Upstash-Encoding": "base64" })).json()).toEqual({ result: btoa(String.fromCharCode(...new TextEncoder().encode("héllo"))) });
      expect(await (await post("/", ["GET", key])).json()).toEqual({ result: "héllo" });
      expect(await (await post("/", ["HMGET", key + ":h", "a"], { "Upstash-Encoding": "base64" })).json()).toEqual({ result: [null] });
      expect(await (await post("/", ["STRLEN", key])).json()).toEqual({ result: 6 });
    });

    it("answers a failed command with 400 and the Redis error, and path-style commands too", async () => {
      const res = await post("/", ["GET"]);
      expect(res.status).toBe(400);
      expect((await res.json()) as { error: string }).toEqual({ error: expect.stringContaining("wrong number of arguments") });
      const key = `${run}bridge:${crypto.randomUUID()}`;
      expect(await (await fetch(`${target!.url}/set/${encodeURIComponent(key)}/v1`, { headers: { authorization: `Bearer ${target!.token}` } })).json()).toEqual({ result: "OK" });
      expect(await (await fetch(`${target!.url}/get/${encodeURIComponent(key)}?_token=${target!.token}`)).json()).toEqual({ result: "v1" });
    });

    it("runs pipelines command by command and transactions all or nothing", async () => {
      const key = `${run}bridge:${crypto.randomUUID()}`;
      const piped = await post("/pipeline", [["SET", key, "1"], ["HGET", key, "f"], ["INCR", key]]);
      expect(piped.status).toBe(200);
      expect(await piped.json()).toEqual([{ result: "OK" }, { error: expect.stringContaining("WRONGTYPE") }, { result: 2 }]);
      const aborted = await post("/multi-exec", [["INCR", key], ["NOSUCHCOMMAND"]]);
      expect(aborted.status).toBe(400);
      expect(await (await post("/", ["GET", key])).json()).toEqual({ result: "2" });
      const tx = await post("/multi-exec", [["INCR", key], ["HGET", key, "f"], ["INCR", key]]);
      expect(await tx.json()).toEqual([{ result: 3 }, { error: expect.stringContaining("WRONGTYPE") }, { result: 4 }]);
      expect((await post("/", ["MULTI"])).status).toBe(400);
    });
  });
});
