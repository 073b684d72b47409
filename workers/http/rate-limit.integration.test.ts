// Rate limits on the public endpoints through the Worker, against the real Workers Rate Limiting bindings that
// wrangler.toml declares (Miniflare runs them locally with the configured limits): 429 in the contract's error
// shape with retry-after once an address or a visitor passes its limit, others unaffected, and a new window
// lets them in again. The route still gets the body the limiter read the visitor from.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { RATE_LIMIT_PERIOD_SECONDS } from "./rate-limit";
import { call, consentAll, expectError, fetchWorker, json, seedDemo } from "../test/helpers";

beforeAll(seedDemo);
// The binding counts in fixed windows of wall-clock time and starts afresh when one ends: a count-up that
// straddled the end of a minute would be let through (about 1 run in 30 here). Each test runs with the clock
// stopped a second into a window of its own.
let windowStart = Math.ceil(Date.now() / (RATE_LIMIT_PERIOD_SECONDS * 1000)) * RATE_LIMIT_PERIOD_SECONDS * 1000;
beforeEach(() => {
  windowStart += 2 * RATE_LIMIT_PERIOD_SECONDS * 1000;
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(windowStart + 1000);
});
afterEach(() => {
  vi.useRealTimers();
});

// The limits wrangler.toml gives the bindings (namespaces 1001-1008).
const ASSISTANT_PER_IP = 30;
const ASSISTANT_PER_VISITOR = 10;
const RANK_PER_IP = 600;
const RANK_PER_VISITOR = 120;
const FEEDBACK_PER_DECISION = 100;
const EVENTS_PER_VISITOR = 60;

const assistant = (anonId: string, ip: string) =>
  call("/v1/assistant", { body: { question: "What goes with this?", cart: ["p002"], user_ctx: { anon_id: anonId, consent: consentAll } }, headers: { "cf-connecting-ip": ip } });

async function expectRateLimited(res: Response): Promise<void> {
  const error = await expectError(res, 429, "rate_limited");
  expect(res.headers.get("retry-after")).toBe(String(RATE_LIMIT_PERIOD_SECONDS));
  expect(error.message).toContain("retry after");
}

describe("per client address", () => {
  it("answers 429 with retry-after past the limit, leaves other addresses alone, and lets the address in again next window", async () => {
    // Without an Anthropic key the assistant answers 503 (the storefront's rules answer): each call still counts.
    for (let i = 0; i < ASSISTANT_PER_IP; i++) expect((await assistant(`anon_rl_ip_${i}`, "198.51.100.1")).status).toBe(503);
    await expectRateLimited(await assistant("anon_rl_ip_last", "198.51.100.1"));
    expect((await assistant("anon_rl_ip_other", "198.51.100.2")).status).toBe(503);
    // The Rate Limiting binding counts in fixed windows of its period: one period later the address is welcome.
    vi.setSystemTime(Date.now() + (RATE_LIMIT_PERIOD_SECONDS + 1) * 1000);
    expect((await assistant("anon_rl_ip_next_window", "198.51.100.1")).status).toBe(503);
  });

  it("counts requests the route refuses anyway: a flood of malformed /v1/rank bodies is limited too", async () => {
    const junk = (ip: string) => call("/v1/rank", { raw: "{not json", headers: { "content-type": "application/json", "cf-connecting-ip": ip } });
    for (let i = 0; i < RANK_PER_IP; i++) expect((await junk("2001:db8::7")).status).toBe(400);
    await expectRateLimited(await junk("2001:db8::7"));
    expect((await junk("2001:db8::8")).status).toBe(400);
  });

  it("does not count requests without a client address (tests and direct sockets) against anyone", async () => {
    for (let i = 0; i < ASSISTANT_PER_IP + 5; i++) expect((await call("/v1/assistant", { body: { question: "Hi", cart: [], user_ctx: { anon_id: `anon_rl_noip_${i}`, consent: [] } } })).status).toBe(503);
  });
});

describe("per visitor", () => {
  it("limits one anon id however many addresses it comes from, and no one else", async () => {
    for (let i = 0; i < ASSISTANT_PER_VISITOR; i++) expect((await assistant("anon_rl_roaming", `203.0.113.${i + 1}`)).status).toBe(503);
    await expectRateLimited(await assistant("anon_rl_roaming", "203.0.113.200"));
    expect((await assistant("anon_rl_someone_else", "203.0.113.200")).status).toBe(503);
  });

  it("reads the anon id of /v1/rank from the body and still ranks from that same body", async () => {
    const rank = () => call("/v1/rank", { body: { surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_rl_ranker", consent: [] } } });
    // In waves: each answer waits for its decision log's queue window, so one at a time would be slow.
    for (let wave = 0; wave < RANK_PER_VISITOR; wave += 20) {
      for (const res of await Promise.all(Array.from({ length: 20 }, rank))) {
        expect(res.status).toBe(200);
        expect((await json<{ items: unknown[] }>(res)).items.length).toBeGreaterThan(0);
      }
    }
    await expectRateLimited(await rank());
  });

  it("reads the body once for the limiter and the route: no copy of the stream, one read", async () => {
    class CountingRequest extends Request {
      clones = 0;
      reads = 0;
      override clone(): Request {
        this.clones++;
        return super.clone();
      }
      override arrayBuffer(): Promise<ArrayBuffer> {
        this.reads++;
        return super.arrayBuffer();
      }
      // A body without a declared length is streamed: each access of the stream is a read.
      override get body(): ReadableStream | null {
        this.reads++;
        return super.body;
      }
    }
    const body = JSON.stringify({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_rl_read_once", consent: [] } });
    const request = new CountingRequest("http://aura.test/v1/rank", { method: "POST", headers: { "content-type": "application/json", "cf-connecting-ip": "192.0.2.50" }, body });
    // The per-visitor counter, recording the keys it is asked for: the limiter must have read the visitor too.
    const keys: string[] = [];
    const perVisitor = { limit: ({ key }: { key: string }) => (keys.push(key), Promise.resolve({ success: true })) };
    const res = await fetchWorker(request, { RATE_LIMIT_RANK_ANON: perVisitor });
    expect(res.status).toBe(200);
    expect((await json<{ items: unknown[] }>(res)).items.length).toBeGreaterThan(0);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^vh_[0-9a-f]{32}$/);
    expect({ clones: request.clones, reads: request.reads }).toEqual({ clones: 0, reads: 1 });
  });

  it("limits events per visitor (the profile they would write) and feedback per decision it quotes", async () => {
    const events = (anonId: string) => call("/v1/events", { body: { anon_id: anonId, consent: [], events: [{ type: "page_view", ts: new Date().toISOString() }] } });
    // Without analytics consent events are refused 403 (nothing stored): each refusal still counts.
    for (let i = 0; i < EVENTS_PER_VISITOR; i++) expect((await events("anon_rl_events")).status).toBe(403);
    await expectRateLimited(await events("anon_rl_events"));
    expect((await events("anon_rl_events_other")).status).toBe(403);

    const feedback = (requestId: string) => call("/v1/feedback", { body: { request_id: requestId, item_id: "p002" } });
    for (let i = 0; i < FEEDBACK_PER_DECISION; i++) expect((await feedback("req_rl_flooded")).status).toBe(400);
    await expectRateLimited(await feedback("req_rl_flooded"));
    expect((await feedback("req_rl_other")).status).toBe(400);
  });
});

describe("the other endpoints", () => {
  it("are never limited here: health, the SDK and operator routes", async () => {
    for (let i = 0; i < ASSISTANT_PER_IP + 5; i++) expect((await call("/health", { headers: { "cf-connecting-ip": "192.0.2.50" } })).status).toBe(200);
    expect((await call("/sdk.js", { headers: { "cf-connecting-ip": "192.0.2.50" } })).status).toBe(200);
    expect((await call("/v1/admin/health", { admin: true, headers: { "cf-connecting-ip": "192.0.2.50" } })).status).toBe(200);
  });
});
