// The contract's statuses and error shape for bad input, missing consent and missing keys — and no request
// that can produce an unhandled 500.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { call, consentAll, expectError, fetchWorker, json, seedDemo } from "./test/helpers";

beforeAll(seedDemo);

const rankBody = { surface_id: "homepage.hero", user_ctx: { anon_id: "anon_err", consent: consentAll } };

describe("bad input on /v1/rank", () => {
  it("400 for malformed JSON", async () => {
    await expectError(await call("/v1/rank", { raw: '{"surface_id": "homepage.hero",', headers: { "content-type": "application/json" } }), 400, "malformed_json");
  });

  it("400 naming the field for wrong types and out-of-range values", async () => {
    const wrongType = await expectError(await call("/v1/rank", { body: { ...rankBody, limit: "5" } }), 400, "invalid_request");
    expect(wrongType.details).toEqual([{ field: "limit", message: expect.stringContaining("number") }]);
    const range = await expectError(await call("/v1/rank", { body: { ...rankBody, limit: 0 } }), 400, "invalid_request");
    expect(range.message).toBe("limit: limit must be between 1 and 100");
    const missing = await expectError(await call("/v1/rank", { body: { surface_id: "homepage.hero", user_ctx: {} } }), 400);
    expect(missing.details!.map((d) => d.field)).toContain("user_ctx.anon_id");
    const badId = await expectError(await call("/v1/rank", { body: { ...rankBody, user_ctx: { anon_id: "<script>", consent: [] } } }), 400);
    expect(badId.details![0]!.field).toBe("user_ctx.anon_id");
    await expectError(await call("/v1/rank", { body: [] }), 400, "invalid_request");
    await expectError(await call("/v1/rank", { body: null }), 400, "invalid_request");
    await expectError(await call("/v1/rank", { body: { ...rankBody, user_ctx: { ...rankBody.user_ctx, geo: { country: "USA" } } } }), 400);
  });

  it("400 for an unknown surface, listing the known ones", async () => {
    const err = await expectError(await call("/v1/rank", { body: { ...rankBody, surface_id: "footer.banner" } }), 400, "unknown_surface");
    expect(err.message).toContain("footer.banner");
    expect(err.details![0]!.message).toContain("homepage.carousel");
  });

  it("413 for bodies over 64 KiB, declared or streamed", async () => {
    const big = { ...rankBody, candidates: Array.from({ length: 6000 }, (_, i) => `item_${i}_padding`) };
    await expectError(await call("/v1/rank", { body: big }), 413, "payload_too_large");
    // No content-length: the cap applies while streaming.
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"x":"${"a".repeat(70 * 1024)}"}`));
        controller.close();
      },
    });
    // (workerd logs the aborted upload pipe as "Network connection lost": that is the cap working.)
    const res = await fetchWorker(
      new Request("http://aura.test/v1/rank", { method: "POST", headers: { "content-type": "application/json" }, body: stream, duplex: "half" } as RequestInit),
    );
    await expectError(res, 413, "payload_too_large");
  });

  it("415 for a wrong content type", async () => {
    await expectError(await call("/v1/rank", { raw: JSON.stringify(rankBody), headers: { "content-type": "text/plain" } }), 415, "unsupported_media_type");
    await expectError(await call("/v1/rank", { raw: JSON.stringify(rankBody) }), 415);
  });

  it("400 for a body that is not UTF-8", async () => {
    const res = await fetchWorker(new Request("http://aura.test/v1/rank", { method: "POST", headers: { "content-type": "application/json" }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }));
    await expectError(res, 400, "invalid_encoding");
  });
});

describe("bad input on /v1/events", () => {
  const event = { type: "page_view", ts: "2026-11-21T10:00:00Z" };
  it("rejects empty, oversized and invalid batches without storing anything", async () => {
    await expectError(await call("/v1/events", { body: { anon_id: "anon_ev_bad", consent: consentAll, events: [] } }), 400);
    const tooMany = await expectError(await call("/v1/events", { body: { anon_id: "anon_ev_bad", consent: consentAll, events: Array.from({ length: 101 }, () => event) } }), 400);
    expect(tooMany.message).toContain("at most 100 events");
    const badType = await expectError(await call("/v1/events", { body: { anon_id: "anon_ev_bad", consent: consentAll, events: [event, { ...event, type: "teleport" }] } }), 400);
    expect(badType.details![0]!.field).toBe("events.1.type");
    await expectError(await call("/v1/events", { body: { anon_id: "anon_ev_bad", consent: consentAll, events: [{ ...event, ts: "yesterday" }] } }), 400);
    await expectError(await call("/v1/events", { body: { anon_id: "anon_ev_bad", consent: consentAll, events: [{ ...event, ts: "2099-01-01T00:00:00Z" }] } }), 400);
    const stub = env.VISITOR_PROFILES.get(env.VISITOR_PROFILES.idFromName("anon_ev_bad"));
    expect(await stub.getProfile()).toBeNull();
  });
});

describe("admin keys", () => {
  it("401 without a key, with a wrong key, or with a non-bearer scheme", async () => {
    for (const path of ["/v1/admin/health", "/v1/segments/anon_x"]) {
      const res = await call(path);
      await expectError(res, 401, "unauthorized");
    }
    expect((await call("/v1/admin/health")).headers.get("www-authenticate")).toContain("Bearer");
    await expectError(await call("/v1/admin/health", { headers: { authorization: "Bearer wrong-key" } }), 401, "unauthorized");
    await expectError(await call("/v1/admin/health", { headers: { authorization: "Basic dGVzdA==" } }), 401, "unauthorized");
    await expectError(await call("/v1/content/search", { body: { query: "vector" } }), 401, "unauthorized");
    await expectError(await call("/v1/admin/catalog", { body: [] }), 401, "unauthorized");
  });

  it("accepts the key and never echoes it", async () => {
    const res = await call("/v1/admin/health", { admin: true });
    expect(res.status).toBe(200);
    expect(await res.text()).not.toContain("test-admin-key");
  });
});

describe("no unhandled 500", () => {
  it("answers every adversarial body on every endpoint with a 4xx in the contract's shape", async () => {
    const bodies: string[] = [
      "", " ", "null", "true", "0", "[]", "{}", '"string"', "[[[[[[[[[[[[]]]]]]]]]]]]",
      `{"a":${"[".repeat(500)}${"]".repeat(500)}}`,
      JSON.stringify({ surface_id: 1, user_ctx: [] }),
      JSON.stringify({ surface_id: "homepage.hero", user_ctx: { anon_id: "a", consent: "personalization" } }),
      JSON.stringify({ surface_id: "homepage.hero", user_ctx: { anon_id: "a" }, candidates: [null, 1, {}] }),
      JSON.stringify({ surface_id: "homepage.hero", user_ctx: { anon_id: "a".repeat(10_000) } }),
      JSON.stringify({ surface_id: "\u0000\ud800", user_ctx: { anon_id: "a" } }),
      JSON.stringify({ __proto__: { admin: true }, constructor: { prototype: {} } }),
      JSON.stringify({ anon_id: "a", consent: ["analytics"], events: [{ type: "page_view", ts: "2026-11-21T10:00:00Z", value: "NaN" }] }),
      JSON.stringify({ anon_id: "a", consent: ["analytics"], events: "lots" }),
      JSON.stringify({ query: "" }),
      JSON.stringify({ query: "x", limit: 1e308 }),
    ];
    const endpoints: { path: string; admin: boolean }[] = [
      { path: "/v1/rank", admin: false },
      { path: "/v1/events", admin: false },
      { path: "/v1/content/search", admin: true },
      { path: "/v1/admin/catalog", admin: true },
    ];
    for (const { path, admin } of endpoints) {
      for (const raw of bodies) {
        const res = await call(path, { raw, admin, headers: { "content-type": "application/json" } });
        expect(res.status, `${path} ${raw.slice(0, 60)}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${raw.slice(0, 60)}`).toBeLessThan(500);
        await expectError(res, res.status);
      }
    }
  });

  it("404s unknown API routes and methods in the same shape; other paths are the storefront's", async () => {
    await expectError(await call("/v1/nothing", { body: rankBody }), 404, "not_found");
    await expectError(await call("/v1/rank"), 404, "not_found");
    // Outside aura's own paths the proxied storefront answers (its own 404 page).
    const storefront = await call("/v2/rank", { body: rankBody });
    expect(storefront.status).toBe(404);
    expect(storefront.headers.get("content-type")).toContain("text/html");
  });
});

describe("GET /health and /openapi.json", () => {
  it("reports liveness with a request id", async () => {
    const res = await call("/health");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({ status: "ok" });
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("serves an OpenAPI document generated from the request schemas", async () => {
    const res = await call("/openapi.json");
    expect(res.status).toBe(200);
    const doc = await json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> } }>> }>(res);
    expect(doc.openapi).toBe("3.0.3");
    const rankSchema = doc.paths["/v1/rank"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(rankSchema.required).toEqual(expect.arrayContaining(["surface_id", "user_ctx"]));
    expect(Object.keys(rankSchema.properties!)).toEqual(expect.arrayContaining(["candidates", "limit", "context"]));
    for (const path of ["/v1/events", "/v1/segments/{user_id}", "/v1/content/search", "/v1/admin/catalog", "/v1/admin/health", "/health"]) expect(doc.paths).toHaveProperty([path]);
  });
});
