// CORS on the public endpoints: preflights from the storefronts in ALLOWED_ORIGINS are answered (methods, headers,
// max-age, credentials for beacons), others are refused 403 in the error shape with no CORS headers; actual
// requests carry CORS headers only for listed origins, always vary on Origin, and operator routes never answer
// cross-origin.
import { beforeAll, describe, expect, it } from "vitest";
import { PREFLIGHT_MAX_AGE_SECONDS } from "./cors";
import { call, consentAll, expectError, seedDemo } from "../test/helpers";

beforeAll(seedDemo);

const SHOPS = { ALLOWED_ORIGINS: "https://shop.example, https://WWW.Shop.example/ ,not a url" };
const SHOP = "https://shop.example";

const preflight = (path: string, origin: string, env: Record<string, unknown> = SHOPS) =>
  call(path, { method: "OPTIONS", env, headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });

const varyOf = (res: Response) => (res.headers.get("vary") ?? "").split(",").map((v) => v.trim().toLowerCase());

describe("preflight", () => {
  it.each(["/v1/rank", "/v1/events", "/v1/feedback", "/v1/assistant"])("is answered for a listed storefront on %s", async (path) => {
    const res = await preflight(path, SHOP);
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(res.headers.get("access-control-allow-methods")).toBe("POST");
    expect(res.headers.get("access-control-allow-headers")).toBe("content-type");
    // sendBeacon sends credentials: without this the browser would not send the beacon at all.
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-max-age")).toBe(String(PREFLIGHT_MAX_AGE_SECONDS));
    expect(varyOf(res)).toEqual(expect.arrayContaining(["origin", "access-control-request-method", "access-control-request-headers"]));
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("matches configured origins however they were written (letter case, trailing slash), and only exactly", async () => {
    expect((await preflight("/v1/rank", "https://www.shop.example")).status).toBe(204);
    await expectError(await preflight("/v1/rank", "http://shop.example"), 403, "origin_not_allowed");
    await expectError(await preflight("/v1/rank", "https://shop.example.evil.test"), 403, "origin_not_allowed");
    await expectError(await preflight("/v1/rank", "null"), 403, "origin_not_allowed");
  });

  it("refuses any other origin with 403 in the error shape and no CORS headers", async () => {
    const res = await preflight("/v1/events", "https://evil.example");
    const error = await expectError(res, 403, "origin_not_allowed");
    expect(error.message).toContain("ALLOWED_ORIGINS");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("access-control-allow-credentials")).toBeNull();
  });

  it("refuses every cross-origin caller when ALLOWED_ORIGINS is empty (same-origin only)", async () => {
    await expectError(await preflight("/v1/rank", SHOP, { ALLOWED_ORIGINS: "" }), 403, "origin_not_allowed");
  });
});

describe("actual requests", () => {
  const events = (origin: string, contentType = "application/json") =>
    call("/v1/events", {
      raw: JSON.stringify({ anon_id: "anon_cors_1", consent: consentAll, events: [{ type: "page_view", ts: new Date().toISOString() }] }),
      env: SHOPS,
      headers: { origin, "content-type": contentType },
    });

  it("from a listed storefront (a beacon's JSON Blob) carry CORS headers and expose retry-after", async () => {
    const res = await events(SHOP);
    expect(res.status).toBe(202);
    expect(res.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(res.headers.get("access-control-allow-credentials")).toBe("true");
    expect(res.headers.get("access-control-expose-headers")).toContain("retry-after");
    expect(varyOf(res)).toContain("origin");
  });

  it("from another origin carry none (its page cannot read them) but still vary on Origin", async () => {
    const res = await events("https://evil.example");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(varyOf(res)).toContain("origin");
  });

  it("from the same origin need none", async () => {
    const res = await events("http://aura.test");
    expect(res.status).toBe(202);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("with a simple content type (no preflight, e.g. a text/plain beacon) are refused by the route", async () => {
    await expectError(await events("https://evil.example", "text/plain"), 415, "unsupported_media_type");
  });

  it("keep their CORS headers on errors, so a listed storefront can read a 429's retry-after", async () => {
    const ask = () => call("/v1/assistant", { body: { question: "Hi", cart: [], user_ctx: { anon_id: "anon_cors_limited", consent: [] } }, env: SHOPS, headers: { origin: SHOP } });
    for (let i = 0; i < 10; i++) expect((await ask()).status).toBe(503);
    const limited = await ask();
    await expectError(limited, 429, "rate_limited");
    expect(limited.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(limited.headers.get("retry-after")).toBe("60");
  });
});

describe("/v1/rank, built whole by its route (the middleware leaves it alone)", () => {
  const rank = (headers: Record<string, string>) =>
    call("/v1/rank", { body: { surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_cors_rank", consent: [] } }, env: SHOPS, headers });
  const events = (headers: Record<string, string>) =>
    call("/v1/events", { body: { anon_id: "anon_cors_rank", consent: consentAll, events: [{ type: "page_view", ts: new Date().toISOString() }] }, env: SHOPS, headers });
  /** The headers the middleware manages: everything but what each route sets for its own body. */
  const middlewareHeaders = (res: Response) =>
    Object.fromEntries([...res.headers].filter(([name]) => !["content-type", "content-length", "cache-control", "x-request-id"].includes(name)));

  it.each([
    ["a listed storefront", { origin: SHOP }],
    ["another origin", { origin: "https://evil.example" }],
    ["the same origin", { origin: "http://aura.test" }],
    ["no Origin header", {}],
  ])("carries the same middleware headers as an answer the middleware decorates, from %s", async (_, headers: Record<string, string>) => {
    const [ranked, logged] = [await rank(headers), await events(headers)];
    expect(ranked.status).toBe(200);
    expect(logged.status).toBe(202);
    expect(middlewareHeaders(ranked)).toEqual(middlewareHeaders(logged));
    expect(ranked.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(ranked.headers.get("x-request-id")).toBe(((await ranked.json()) as { request_id: string }).request_id);
    expect(ranked.headers.get("cache-control")).toBe("private, no-store");
    expect(ranked.headers.get("content-type")).toBe("application/json");
  });
});

describe("operator routes", () => {
  it("never answer cross-origin, not even to a listed storefront", async () => {
    const pre = await call("/v1/experiments", { method: "OPTIONS", env: SHOPS, headers: { origin: SHOP, "access-control-request-method": "GET" } });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const get = await call("/v1/experiments", { admin: true, env: SHOPS, headers: { origin: SHOP } });
    expect(get.status).toBe(200);
    expect(get.headers.get("access-control-allow-origin")).toBeNull();
  });
});
