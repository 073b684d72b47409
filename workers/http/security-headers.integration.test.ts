// Security headers on the HTML aura serves or proxies: the demo storefront gets a CSP that everything it loads
// fits (checked against the pages themselves), framing, sniffing, referrer and permissions policies, HSTS only
// over https; the dashboard keeps its stricter policy; a proxied origin keeps its own and gets no invented CSP.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { DASHBOARD_CSP } from "../dashboard/page";
import { pageOrigin } from "../cdn/page";
import { fetchWorker, seedDemo } from "../test/helpers";
import { HSTS, PERMISSIONS_POLICY, STOREFRONT_CSP } from "./security-headers";

beforeAll(seedDemo);
const original = pageOrigin.fetch;
afterEach(() => {
  pageOrigin.fetch = original;
});

const get = (url: string, env?: Record<string, unknown>) => fetchWorker(new Request(url, { headers: { cookie: "aura_consent=analytics,personalization" } }), env);
const STOREFRONT_PAGES = ["/", "/products/p122", "/guides/c101", "/collections/photo", "/cart", "/checkout"];

describe("the demo storefront's pages", () => {
  it.each(STOREFRONT_PAGES)("%s carries the storefront CSP and the other security headers", async (path) => {
    const res = await get(`http://aura.test${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(res.headers.get("content-security-policy")).toBe(STOREFRONT_CSP);
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("permissions-policy")).toBe(PERMISSIONS_POLICY);
    // Plain http (local dev): HSTS would be ignored by browsers, and is not sent.
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("get HSTS over https", async () => {
    const res = await get("https://aura.test/");
    expect(res.headers.get("strict-transport-security")).toBe(HSTS);
  });

  it.each(STOREFRONT_PAGES)("%s loads nothing the CSP would block: own-origin scripts and styles only, nothing inline", async (path) => {
    const html = await (await get(`http://aura.test${path}`)).text();
    const sameOrigin = (url: string) => url.startsWith("/") && !url.startsWith("//");
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
    for (const attrs of scripts) {
      const src = /\bsrc="([^"]+)"/.exec(attrs)?.[1];
      // A JSON data block is not script and CSP does not govern it; anything else must be an own-origin file.
      if (!src) expect(attrs).toMatch(/type="application\/json"/);
      else expect(sameOrigin(src), src).toBe(true);
    }
    expect(scripts.some((a) => a.includes('src="/sdk.js"'))).toBe(true);
    for (const [, href] of html.matchAll(/<link\b[^>]*\bhref="([^"]+)"/g)) expect(sameOrigin(href!), href).toBe(true);
    for (const [, src] of html.matchAll(/<img\b[^>]*\bsrc="([^"]+)"/g)) expect(sameOrigin(src!) || src!.startsWith("https://") || src!.startsWith("data:"), src).toBe(true);
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle="/i);
    expect(html).not.toMatch(/\son[a-z]+="/i);
    expect(html).not.toMatch(/href="javascript:/i);
  });

  it("has scripts whose own requests stay on this origin (connect-src 'self')", async () => {
    const js = await (await get("http://aura.test/assets/storefront.js")).text();
    for (const [, target] of js.matchAll(/fetch\(\s*"([^"]+)"/g)) expect(target!.startsWith("/"), target).toBe(true);
    expect(js).not.toMatch(/\beval\(|new Function\(/);
  });
});

describe("aura's own pages", () => {
  it("keep their stricter policies: the dashboard is DENY and no-referrer under its own CSP", async () => {
    const res = await get("http://aura.test/dashboard");
    expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("permissions-policy")).toBe(PERMISSIONS_POLICY);
  });

  it("never sniff JSON into HTML", async () => {
    const res = await get("http://aura.test/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });
});

describe("a storefront proxied from ORIGIN_URL", () => {
  const proxied = { ORIGIN_URL: "https://shop.test" };
  const html = "<!doctype html><html><head><title>Shop</title></head><body><p>Hi</p></body></html>";

  it("gets no invented CSP (its platform's scripts are its own business) but the headers that break nothing", async () => {
    pageOrigin.fetch = async () => new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
    const res = await get("https://aura.test/somewhere", proxied);
    expect(await res.text()).toBe(html);
    expect(res.headers.get("content-security-policy")).toBeNull();
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("strict-transport-security")).toBe(HSTS);
  });

  it("keeps the policies the origin sets", async () => {
    const own = { "content-type": "text/html", "content-security-policy": "default-src 'self' https://cdn.shop.test", "x-frame-options": "DENY", "referrer-policy": "no-referrer", "strict-transport-security": "max-age=63072000; includeSubDomains; preload" };
    pageOrigin.fetch = async () => new Response(html, { headers: own });
    const res = await get("https://aura.test/somewhere", proxied);
    for (const [name, value] of Object.entries(own)) expect(res.headers.get(name), name).toBe(value);
  });

  it("also covers pages passed through untouched (a form post's answer)", async () => {
    pageOrigin.fetch = async () => new Response(html, { headers: { "content-type": "text/html" } });
    const res = await fetchWorker(new Request("https://aura.test/contact", { method: "POST", body: "a=1", headers: { "content-type": "application/x-www-form-urlencoded" } }), proxied);
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });
});
