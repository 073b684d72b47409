// /v1/rank with the Upstash Redis store dead, then slow: every request still answers 200 with cold-start
// ranking, and the circuit breaker opens so that later requests stop paying the feature-store timeout.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import worker from "../index";
import { featureStoreHealth } from "../services";
import { call, consentAll, seedDemo } from "../test/helpers";

interface RankBody {
  personalized: boolean;
  profile_status: string;
  segment: { persona: string; cold_start: boolean } | null;
  items: unknown[];
}

const target = inject("upstash");
/** The deployed read budget (wrangler.toml); the tests' own default is wider (vitest.config.ts). */
const TIMEOUT_MS = 25;
const REQUESTS = 200;

/**
 * REQUESTS consecutive rank calls for new visitors (so the isolate profile cache never answers for the store),
 * each timed until its answer. The decision logs they leave (sent after the answer, in 50 ms windows) are
 * awaited at the end, as the runtime would finish them after each response.
 */
async function rankMany(upstash: Record<string, string>): Promise<{ bodies: RankBody[]; statuses: number[]; ms: number[] }> {
  const bodies: RankBody[] = [];
  const statuses: number[] = [];
  const ms: number[] = [];
  const background: Promise<void>[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const ctx = createExecutionContext();
    const request = new Request("http://aura.test/v1/rank", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ surface_id: "homepage.carousel", user_ctx: { anon_id: `anon_down_${i}_${crypto.randomUUID()}`, utm: { medium: "email" }, consent: consentAll } }),
    });
    const started = performance.now();
    const res = await worker.fetch(request, { ...env, ...upstash } as Env, ctx);
    bodies.push(await res.json<RankBody>());
    ms.push(performance.now() - started);
    statuses.push(res.status);
    background.push(waitOnExecutionContext(ctx));
  }
  await Promise.all(background);
  return { bodies, statuses, ms };
}

function expectColdStartEverywhere({ bodies, statuses }: { bodies: RankBody[]; statuses: number[] }): void {
  expect(statuses.filter((s) => s !== 200)).toEqual([]);
  for (const body of bodies) {
    expect(body.profile_status).toBe("unavailable");
    expect(body.personalized).toBe(true);
    expect(body.segment).toMatchObject({ persona: "shopper_pro", cold_start: true });
    expect(body.items).toHaveLength(8);
  }
}

beforeAll(async () => {
  await seedDemo();
  // Every degraded rank logs a warning (that is right in production); 400 of them would bury the report.
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterAll(() => {
  vi.restoreAllMocks();
});

describe("/v1/rank with Redis down", () => {
  it("answers every request with cold-start ranking when nothing listens at the Upstash URL, and opens the circuit", { timeout: 30_000 }, async () => {
    const dead = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1", UPSTASH_REDIS_REST_TOKEN: "nobody-home", FEATURE_STORE_TIMEOUT_MS: String(TIMEOUT_MS) };
    const started = performance.now();
    const run = await rankMany(dead);
    expectColdStartEverywhere(run);
    const { implementation, breaker } = featureStoreHealth({ ...env, ...dead } as Env);
    expect(implementation).toBe("upstash_redis");
    expect(breaker.state).not.toBe("closed");
    expect(breaker.opened).toBeGreaterThanOrEqual(1);
    expect(breaker.last_error).toBeTruthy();
    // Five calls found out the store was down (plus one probe per elapsed cool-down); the rest never asked it.
    expect(breaker.successes).toBe(0);
    expect(breaker.calls).toBe(breaker.failures);
    expect(breaker.calls + breaker.rejected).toBe(REQUESTS);
    expect(breaker.failures).toBeLessThanOrEqual(5 + Math.floor((performance.now() - started) / 10_000));
  });

  it("still accepts events while Redis is down: they wait in the queue for the consumer", async () => {
    const dead = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1", UPSTASH_REDIS_REST_TOKEN: "nobody-home" };
    const res = await call("/v1/events", {
      body: { anon_id: `anon_down_events_${crypto.randomUUID()}`, session_id: "s1", consent: consentAll, events: [{ type: "page_view", ts: new Date().toISOString(), product_id: "p122" }] },
      env: dead,
    });
    expect(res.status).toBe(202);
  });

  it.skipIf(target === null)("stops waiting for a store that answers too slowly once the circuit opens", { timeout: 30_000 }, async () => {
    // The bridge holds every answer for 300 ms, far past the read budget (FEATURE_STORE_TIMEOUT_MS, 25 ms).
    const slow = { UPSTASH_REDIS_REST_URL: `${target!.url}/__delay/300`, UPSTASH_REDIS_REST_TOKEN: target!.token, FEATURE_STORE_TIMEOUT_MS: String(TIMEOUT_MS) };
    const started = performance.now();
    const run = await rankMany(slow);
    expectColdStartEverywhere(run);
    const probes = Math.floor((performance.now() - started) / 10_000);
    // The five calls before the circuit opened each waited out the read budget; after that, answers come at
    // once (a probe per elapsed cool-down aside, and the odd scheduling hiccup the percentile tolerates).
    expect(run.ms.slice(0, 5).every((ms) => ms >= TIMEOUT_MS)).toBe(true);
    const later = run.ms.slice(5).sort((a, b) => a - b);
    expect(later[Math.floor(later.length * 0.95)]!).toBeLessThan(TIMEOUT_MS);
    expect(later[Math.floor(later.length / 2)]!).toBeLessThan(TIMEOUT_MS / 5);
    const { breaker } = featureStoreHealth({ ...env, ...slow } as Env);
    expect(breaker.timeouts).toBe(breaker.failures);
    expect(breaker.timeouts).toBeGreaterThanOrEqual(5);
    expect(breaker.timeouts).toBeLessThanOrEqual(5 + probes);
    expect(breaker.calls + breaker.rejected).toBe(REQUESTS);
  });
});
