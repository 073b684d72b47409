// Nothing secret or identifying leaks: across a range of requests (public, operator, pages, errors, the LLM path
// with a key, rate limits) no response body or header and no console line carries ADMIN_API_KEY, VISITOR_ID_SALT,
// the Anthropic key or the client's IP; and once the queue has written everything, no D1 table holds the IP, a
// secret, or the raw visitor id (only its salted hash).
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { hashVisitorId } from "../../shared/privacy";
import { llmTransport } from "../llm/claude";
import { ADMIN_KEY, call, consentAll, seedDemo, waitFor, type CallOptions } from "../test/helpers";

const ANTHROPIC_KEY = "sk-ant-api03-LeakCanary-7f3c9e1d2b4a6c8e0f1a3b5c7d9e1f2a";
const CLIENT_IP = "203.0.113.77";
const VISITOR = "anon_leakcheck_visitor";
const SECRETS = { ADMIN_API_KEY: ADMIN_KEY, VISITOR_ID_SALT: env.VISITOR_ID_SALT, ANTHROPIC_API_KEY: ANTHROPIC_KEY };

const logged: string[] = [];
const seen: { what: string; text: string }[] = [];
const originalTransport = llmTransport.fetch;

beforeAll(async () => {
  await seedDemo();
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === "string" ? a : a instanceof Error ? `${a.name}: ${a.message} ${a.stack ?? ""}` : JSON.stringify(a))).join(" "));
    });
  }
});
afterEach(() => {
  llmTransport.fetch = originalTransport;
});
afterAll(() => {
  vi.restoreAllMocks();
});

/** Every request comes from the same client address; its answer (status, headers, body) is kept for the scan. */
async function request(what: string, path: string, opts: CallOptions = {}): Promise<Response> {
  const res = await call(path, { ...opts, headers: { "cf-connecting-ip": CLIENT_IP, "user-agent": "Mozilla/5.0 (iPhone) Mobile", ...(opts.headers ?? {}) } });
  const headers = [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n");
  seen.push({ what: `${what} → ${res.status}`, text: `${headers}\n\n${await res.clone().text()}` });
  return res;
}

const withKey = { ANTHROPIC_API_KEY: ANTHROPIC_KEY };
const claudeAnswer = (text: string) => Response.json({ id: "m", type: "message", role: "assistant", model: "claude-sonnet-5-5", content: [{ type: "text", text }], stop_reason: "end_turn", stop_sequence: null, usage: { input_tokens: 10, output_tokens: 10 } });

describe("secrets and identities", () => {
  it("appear in no response, header or log line, across public, operator, page and error paths", async () => {
    const rankBody = { surface_id: "homepage.carousel", user_ctx: { anon_id: VISITOR, consent: consentAll } };
    const events = { anon_id: VISITOR, session_id: "sess_leak", consent: consentAll, device: "mobile", events: [{ type: "page_view", ts: new Date().toISOString(), url: "/products/p122", page_type: "product", product_id: "p122" }] };
    expect((await request("events", "/v1/events", { body: events })).status).toBe(202);
    const ranked = await request("rank", "/v1/rank", { body: rankBody });
    const decision = (await ranked.json()) as { request_id: string; items: { content_id: string }[] };
    await request("rank without consent", "/v1/rank", { body: { ...rankBody, user_ctx: { anon_id: VISITOR, consent: [] } } });
    await request("feedback", "/v1/feedback", { body: { request_id: decision.request_id, item_id: decision.items[0]!.content_id, reward: { type: "click", value: 1 } } });
    await request("feedback for an unknown decision", "/v1/feedback", { body: { request_id: "req_unknown", item_id: "p1", reward: { type: "click", value: 1 } } });

    // The assistant with a key: Claude answers, refuses the key, or is unreachable.
    const assistant = { question: "What else do I need?", cart: ["p002"], user_ctx: { anon_id: VISITOR, consent: consentAll } };
    llmTransport.fetch = async () => claudeAnswer(JSON.stringify({ answer: "A beginner's guide pairs well with it.", item_ids: [] }));
    expect((await request("assistant", "/v1/assistant", { body: assistant, env: withKey })).status).toBe(200);
    llmTransport.fetch = async () => Response.json({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" } }, { status: 401 });
    await request("assistant, key refused", "/v1/assistant", { body: assistant, env: withKey });
    llmTransport.fetch = async () => {
      throw new TypeError("fetch failed: connect ECONNREFUSED api.anthropic.com:443");
    };
    await request("assistant, Claude unreachable", "/v1/assistant", { body: assistant, env: { ...withKey, LLM_MAX_RETRIES: "0" } });
    await request("assistant without a key", "/v1/assistant", { body: assistant });

    // Operator endpoints, with the key and with wrong ones.
    await request("admin health", "/v1/admin/health", { admin: true, env: withKey });
    await request("experiments", "/v1/experiments", { admin: true });
    await request("segments", `/v1/segments/${VISITOR}`, { admin: true });
    await request("wrong key", "/v1/experiments", { headers: { authorization: `Bearer ${ADMIN_KEY}x` } });
    await request("no key", "/v1/experiments");
    await request("key as a query string", `/v1/experiments?key=${ADMIN_KEY}`);
    await request("campaign upload", "/v1/campaigns?name=Leaks", { admin: true, raw: "customer_id,recency_days,frequency,monetary\nc_leak_1,10,3,90\n", headers: { "content-type": "text/csv" } });
    await request("erasure of someone else", "/v1/users/anon_leakcheck_other", { method: "DELETE", admin: true });

    // Pages, scripts and the API's edges.
    for (const path of ["/", "/products/p122", "/cart", "/dashboard", "/dashboard/app.js", "/sdk.js", "/assets/storefront.js", "/openapi.json", "/health"]) {
      await request(`GET ${path}`, path, { headers: { cookie: `aura_consent=analytics,personalization; aura_aid=anon_leakcheckpage01` } });
    }
    await request("malformed JSON", "/v1/rank", { raw: "{", headers: { "content-type": "application/json" } });
    await request("unknown route", "/v1/nothing");
    await request("preflight", "/v1/rank", { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });

    expect(seen.length).toBeGreaterThan(25);
    for (const { what, text } of seen) {
      for (const [name, value] of Object.entries(SECRETS)) expect(text.includes(value), `${name} in the answer to ${what}`).toBe(false);
      expect(text.includes(CLIENT_IP), `the client IP in the answer to ${what}`).toBe(false);
    }
    // The page and the SDK loaded above are in the answers scanned: the scan saw real content.
    expect(seen.some((s) => s.text.includes("aura:page-type"))).toBe(true);

    // Let the queue write what these requests produced, then read the log lines they caused.
    const hash = await hashVisitorId(env.VISITOR_ID_SALT, VISITOR);
    await waitFor(async () => (await env.DB.prepare("SELECT count(*) AS n FROM events WHERE visitor_hash = ?").bind(hash).first<{ n: number }>())!.n > 0);
    await waitFor(async () => (await env.DB.prepare("SELECT count(*) AS n FROM feedback WHERE request_id = ?").bind(decision.request_id).first<{ n: number }>())!.n > 0);
    // The assistant's failures were logged for the operator (the refused key, the unreachable API): the scan
    // below reads lines written next to the key.
    expect(logged.some((l) => l.includes('"assistant":"API error 401'))).toBe(true);
    expect(logged.some((l) => l.includes('"assistant":"API error (no status): Connection error.'))).toBe(true);
    for (const line of logged) {
      for (const [name, value] of Object.entries(SECRETS)) expect(line.includes(value), `${name} logged: ${line.slice(0, 200)}`).toBe(false);
      expect(line.includes(CLIENT_IP), `client IP logged: ${line.slice(0, 200)}`).toBe(false);
      expect(line.includes(VISITOR), `raw visitor id logged: ${line.slice(0, 200)}`).toBe(false);
    }
  });

  it("leave no trace in D1: no IP, no secret, and the visitor only as their salted hash", async () => {
    const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'").all<{ name: string }>();
    expect(tables.results.map((t) => t.name)).toEqual(expect.arrayContaining(["events", "decisions", "feedback", "segment_assignments", "erasure_log", "opt_outs"]));
    const hash = await hashVisitorId(env.VISITOR_ID_SALT, VISITOR);
    let rows = 0;
    let hashed = 0;
    for (const { name } of tables.results) {
      const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all<Record<string, unknown>>();
      for (const row of results) {
        rows++;
        const text = JSON.stringify(row);
        expect(text.includes(CLIENT_IP), `the client IP in ${name}`).toBe(false);
        for (const [secret, value] of Object.entries(SECRETS)) expect(text.includes(value), `${secret} in ${name}`).toBe(false);
        expect(text.includes(VISITOR), `the raw visitor id in ${name}: ${text.slice(0, 200)}`).toBe(false);
        if (text.includes(hash)) hashed++;
      }
    }
    // The scan read real data: the visitor's events, decision and assignment are there, under the hash.
    expect(rows).toBeGreaterThan(100);
    expect(hashed).toBeGreaterThanOrEqual(3);
  });
});
