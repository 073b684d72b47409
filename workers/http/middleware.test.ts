// The request id's pooled random bytes and the hostname read off request.url without a URL object.
import { describe, expect, it } from "vitest";
import { Hono } from "hono";
import { ApiError } from "./errors";
import { hostnameOf, newRequestId, pathnameOf, readBodyText, readJsonValue } from "./middleware";

describe("newRequestId", () => {
  it("gives the time in milliseconds, then 80 random bits as hex, none repeated, across many refills of its byte pool", () => {
    const before = Date.now();
    const ids = Array.from({ length: 1000 }, newRequestId);
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(/^req_[0-9a-f]{32}$/);
      const ms = parseInt(id.slice(4, 16), 16);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    }
    expect(new Set(ids).size).toBe(ids.length);
    // Consecutive ids share no random bytes: each pool byte is used once (a reuse would repeat 10-byte runs).
    expect(new Set(ids.map((id) => id.slice(16))).size).toBe(ids.length);
  });

  it("sorts ids made later after ids made earlier (the decision log's key grows at its end)", async () => {
    const first = newRequestId();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const later = Array.from({ length: 100 }, newRequestId);
    for (const id of later) expect(id > first).toBe(true);
  });

  it("uses every hex digit about equally in its random part (the bytes are random, not a counter)", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 3200; i++) for (const ch of newRequestId().slice(16)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(16);
    // 64,000 digits, 4,000 expected per digit; a chi-square of 15 degrees of freedom above 50 has p < 1e-5.
    const chi2 = [...counts.values()].reduce((sum, n) => sum + (n - 4000) ** 2 / 4000, 0);
    expect(chi2).toBeLessThan(50);
  });
});

describe("hostnameOf", () => {
  it.each([
    "http://aura.test/v1/rank",
    "https://shop.example/",
    "https://shop.example",
    "http://127.0.0.1:8787/v1/rank",
    "http://localhost:8787",
    "https://user:pw@shop.example:8443/p?q=1#f",
    "https://a@b@shop.example/x",
    "http://[::1]:8787/v1/rank",
    "http://[2001:db8::1]/",
    "https://xn--bcher-kva.example/path:with:colons",
    "https://shop.example?q=http://other:1/",
    "https://shop.example#frag:1",
    "http://shop.example:80/",
  ])("agrees with the URL parser on %s", (url) => {
    expect(hostnameOf(url)).toBe(new URL(url).hostname);
  });

  it("agrees on the URLs the runtime itself serializes", () => {
    for (const raw of ["HTTP://Shop.EXAMPLE:8080/a", "https://BÜCHER.example/", "http://[0:0::1]:1/", "https://shop.example:443/"]) {
      const serialized = new Request(raw).url;
      expect(hostnameOf(serialized)).toBe(new URL(serialized).hostname);
    }
  });
});

describe("pathnameOf", () => {
  it.each([
    "http://aura.test/v1/rank",
    "https://shop.example/",
    "https://shop.example",
    "http://127.0.0.1:8787/v1/rank?x=1",
    "https://user:pw@shop.example:8443/p/q?q=1#f",
    "http://[::1]:8787/v1/rank",
    "https://shop.example?q=/v1/rank",
    "https://shop.example#/v1/rank",
    "https://shop.example/a#b?c",
    "https://shop.example/products/%C3%BC?utm_source=x",
  ])("agrees with the URL parser on %s", (url) => {
    expect(pathnameOf(url)).toBe(new URL(url).pathname);
  });

  it("agrees on the URLs the runtime itself serializes (dot segments resolved, unsafe bytes encoded)", () => {
    for (const raw of ["http://aura.test/a/../v1/rank", "http://aura.test/./health", "http://aura.test/v1/%2e%2e/x", "http://aura.test/shop/ü ber", "HTTP://Aura.TEST/Dashboard"]) {
      const serialized = new Request(raw).url;
      expect(pathnameOf(serialized)).toBe(new URL(serialized).pathname);
    }
  });
});

describe("readBodyText and readJsonValue", () => {
  // A Hono route that reads the body the way the rate limiter and then the route do.
  const app = new Hono();
  app.onError((err, c) => c.json({ error: err instanceof ApiError ? err.code : String(err) }, err instanceof ApiError ? (err.status as 413) : 500));
  app.post("/twice", async (c) => {
    const first = await readJsonValue(c, 1000);
    const second = await readJsonValue(c, 1000);
    return c.json({ same: first === second, text: await readBodyText(c, 1000) });
  });
  app.post("/lower", async (c) => {
    await readBodyText(c, 1000);
    return c.json({ text: await readBodyText(c, 10) });
  });

  it("reads and parses the body once; later calls get that read", async () => {
    const res = await app.request("/twice", { method: "POST", body: '{"a":1}', headers: { "content-type": "application/json" } });
    expect(await res.json()).toEqual({ same: true, text: '{"a":1}' });
  });

  it("holds a later read to its own, lower limit", async () => {
    const res = await app.request("/lower", { method: "POST", body: '{"a":"more than ten bytes"}' });
    expect(res.status).toBe(413);
  });
});
