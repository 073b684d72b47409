// Page personalization at the CDN, in workerd, against a fake origin at the fetch boundary: streaming (the first
// byte leaves before the origin has finished a 5 MB page), byte-identical pages without slots, escaped catalog
// text, fail-open on a failing or slow decision, the first-party cookie under consent, and the page cache.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { demoCatalog } from "../../shared/catalog/demo";
import worker from "../index";
import { pageOrigin } from "./page";
import { call } from "../test/helpers";

const ORIGIN = { ORIGIN_URL: "https://shop.test" };

const PAGE = (slots: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop – ünïcødé ✓</title></head>\n<body>\n  <!-- a comment -->\n<main>${slots}</main>\n<p>Ends   with   odd   spacing &amp; entities &copy;</p></body></html>\n`;
const CAROUSEL = `<section data-aura-slot="homepage.carousel" class="carousel"><p class="fallback">Our bestsellers</p></section>`;

function htmlResponse(body: BodyInit, cacheControl = "public, max-age=60"): Response {
  return new Response(body, { headers: { "content-type": "text/html; charset=utf-8", "cache-control": cacheControl } });
}

async function page(path: string, opts: { cookie?: string; env?: Record<string, unknown>; headers?: Record<string, string> } = {}): Promise<{ res: Response; text: string }> {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { "user-agent": "Mozilla/5.0 (Macintosh) Chrome/150", ...(opts.headers ?? {}) };
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await worker.fetch(new Request(`https://aura.test${path}`, { headers }), { ...env, ...ORIGIN, ...(opts.env ?? {}) } as Env, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { res, text };
}

const original = pageOrigin.fetch;
afterEach(() => {
  pageOrigin.fetch = original;
});

describe("a failing decision", () => {
  // First in the file: this isolate has not loaded its catalog snapshot yet, so a broken D1 breaks the decision.
  it("leaves the page exactly as the origin sent it", async () => {
    const html = PAGE(CAROUSEL);
    pageOrigin.fetch = async () => htmlResponse(html);
    const brokenDb = { prepare: () => { throw new Error("D1 is down"); }, batch: () => Promise.reject(new Error("D1 is down")) };
    const { res, text } = await page("/", { cookie: "aura_consent=analytics,personalization", env: { DB: brokenDb } });
    expect(res.status).toBe(200);
    expect(text).toBe(html);
  });
});

describe("page personalization", () => {
  beforeAll(async () => {
    // A catalog with a hostile title, popular enough to be on every carousel.
    const catalog = demoCatalog();
    const base = catalog.find((i) => i.kind === "product" && i.policy_flags.length === 0 && (i.inventory === null || i.inventory > 0))!;
    const hostile = { ...base, id: "p_hostile", title: `<script>alert(1)</script><img src=x onerror=alert(2)> "Pwn" & co`, url: "javascript:alert(3)", popularity: 1, trend: 1 };
    const res = await call("/v1/admin/catalog", { admin: true, body: [...catalog, hostile] });
    expect(res.status, await res.clone().text()).toBe(200);
  });

  it("streams: the first byte of a 5 MB page leaves before the origin has sent the rest", async () => {
    const encoder = new TextEncoder();
    let originDone = false;
    let push: ((text: string) => void) | null = null;
    let close: (() => void) | null = null;
    pageOrigin.fetch = async () =>
      htmlResponse(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(encoder.encode(`<!doctype html><html><head><title>big</title></head><body>${CAROUSEL}`));
            push = (text) => controller.enqueue(encoder.encode(text));
            close = () => {
              originDone = true;
              controller.close();
            };
          },
        }),
      );
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://aura.test/", { headers: { cookie: "aura_consent=analytics,personalization" } }), { ...env, ...ORIGIN } as Env, ctx);
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    expect(originDone).toBe(false);
    const decoder = new TextDecoder();
    let received = decoder.decode(first.value, { stream: true });
    // Then the origin sends 5 MB more and finishes.
    const chunk = `<p>${"lorem ipsum ".repeat(8000)}</p>`;
    let sent = 0;
    const pump = (async () => {
      while (sent < 5 * 1024 * 1024) {
        push!(chunk);
        sent += chunk.length;
        await new Promise((r) => setTimeout(r, 0));
      }
      push!("</body></html>");
      close!();
    })();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      received += decoder.decode(value, { stream: true });
    }
    await pump;
    await waitOnExecutionContext(ctx);
    expect(received.length).toBeGreaterThan(5 * 1024 * 1024);
    expect(received.endsWith("</body></html>")).toBe(true);
    expect(received).toContain('data-aura-rendered="server"');
  });

  it("passes a page without slots through byte for byte", async () => {
    const bytes = new TextEncoder().encode(PAGE("<h1>No slots here</h1>"));
    pageOrigin.fetch = async () => htmlResponse(bytes);
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://aura.test/about", { headers: { cookie: "aura_consent=analytics,personalization" } }), { ...env, ...ORIGIN } as Env, ctx);
    const out = new Uint8Array(await res.arrayBuffer());
    await waitOnExecutionContext(ctx);
    expect(out).toEqual(bytes);
  });

  it("fills slots with escaped, server-rendered items: a hostile product title cannot inject markup", async () => {
    pageOrigin.fetch = async () => htmlResponse(PAGE(CAROUSEL), "private, no-store");
    const { res, text } = await page("/", { cookie: "aura_consent=analytics,personalization" });
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(text).toContain('data-aura-slot="homepage.carousel"');
    expect(text).toMatch(/data-aura-request="req_[0-9a-f]{32}"/);
    expect(text).not.toContain("Our bestsellers");
    expect(text).toContain('data-aura-item="p_hostile"');
    expect(text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;Pwn&quot; &amp; co");
    expect(text).not.toContain("<script>alert(1)");
    expect(text).not.toContain("<img src=x");
    // A javascript: URL never becomes a link.
    expect(text).not.toContain("javascript:");
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("vary")).toContain("Cookie");
  });

  it("goes out unchanged when decisions would take longer than the budget", async () => {
    const html = PAGE(CAROUSEL);
    pageOrigin.fetch = async () => htmlResponse(html);
    const { text } = await page("/", { cookie: "aura_consent=analytics,personalization", env: { PAGE_DECISION_BUDGET_MS: "0" } });
    expect(text).toBe(html);
  });

  it("sets a first-party anonymous id cookie (Secure, SameSite=Lax) only with consent, and keeps an existing one", async () => {
    pageOrigin.fetch = async () => htmlResponse(PAGE(CAROUSEL));
    const consented = await page("/", { cookie: "aura_consent=analytics" });
    const cookie = consented.res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^aura_aid=anon_[0-9a-f]{24}; Path=\/; Max-Age=31536000; Secure; SameSite=Lax$/);
    const without = await page("/");
    expect(without.res.headers.get("set-cookie")).toBeNull();
    // Without personalization consent the carousel is the popularity ranking and says nothing about the visitor.
    expect(without.text).toContain('data-aura-rendered="server"');
    expect(without.text).not.toContain("data-aura-persona");
    const returning = await page("/", { cookie: "aura_consent=analytics,personalization; aura_aid=anon_0123456789abcdef01234567" });
    expect(returning.res.headers.get("set-cookie")).toBeNull();
  });

  it("caches a personalized page per (URL, segment, variant) and gives each visit its own request ids", async () => {
    let originCalls = 0;
    pageOrigin.fetch = async () => {
      originCalls++;
      return htmlResponse(PAGE(CAROUSEL), "public, max-age=120");
    };
    const cookie = "aura_consent=analytics,personalization; aura_aid=anon_cachecachecachecache0001";
    const first = await page("/cached?x=1", { cookie });
    expect(first.res.headers.get("x-aura-cache")).toBe("miss");
    expect(first.res.headers.get("cache-control")).toBe("private, max-age=0, must-revalidate");
    const second = await page("/cached?x=1", { cookie });
    expect(second.res.headers.get("x-aura-cache")).toBe("hit");
    const ids = (t: string) => [...t.matchAll(/data-aura-request="(req_[0-9a-f]{32})"/g)].map((m) => m[1]);
    expect(ids(second.text).length).toBe(1);
    expect(ids(second.text)[0]).not.toBe(ids(first.text)[0]);
    // Same items, new request id: the body is otherwise the cached one.
    expect(second.text.replace(/req_[0-9a-f]{32}/g, "")).toBe(first.text.replace(/req_[0-9a-f]{32}/g, ""));
    // Both visits' decisions are logged, so feedback quoting either request id is accepted.
    const logged = async (id: string) => (await env.DB.prepare("SELECT count(*) AS n FROM decisions WHERE request_id = ?").bind(id).first<{ n: number }>())!.n;
    for (let i = 0; i < 50 && ((await logged(ids(first.text)[0]!)) === 0 || (await logged(ids(second.text)[0]!)) === 0); i++) await new Promise((r) => setTimeout(r, 100));
    expect(await logged(ids(first.text)[0]!)).toBe(1);
    expect(await logged(ids(second.text)[0]!)).toBe(1);
    // Another segment (no personalization consent) is a different cache entry.
    const other = await page("/cached?x=1", { cookie: "aura_consent=analytics; aura_aid=anon_cachecachecachecache0002" });
    expect(other.res.headers.get("x-aura-cache")).toBe("miss");
    expect(originCalls).toBe(3);
  });

  it("looks for slots only on the elements PAGE_SLOT_ELEMENTS names, on a fresh page and on a cached one", async () => {
    const onDiv = `<div data-aura-slot="content.guides" class="guides"><p class="fallback">Our guides</p></div>`;
    const html = PAGE(CAROUSEL + onDiv);
    pageOrigin.fetch = async () => htmlResponse(html, "public, max-age=120");
    const sections = { PAGE_SLOT_ELEMENTS: "Section, aura-slot" };
    const cookie = "aura_consent=analytics,personalization; aura_aid=anon_slotelementsslotelements01";
    const ids = (t: string) => [...t.matchAll(/data-aura-request="(req_[0-9a-f]{32})"/g)].map((m) => m[1]);
    const first = await page("/slot-elements", { cookie, env: sections });
    expect(first.res.headers.get("x-aura-cache")).toBe("miss");
    // The section is filled; the div, not a named element, is byte for byte the origin's.
    expect(first.text).not.toContain("Our bestsellers");
    expect(first.text).toContain(onDiv);
    expect(ids(first.text).length).toBe(1);
    // A cached copy's slot gets its fresh request id through the same elements.
    const second = await page("/slot-elements", { cookie, env: sections });
    expect(second.res.headers.get("x-aura-cache")).toBe("hit");
    expect(ids(second.text).length).toBe(1);
    expect(ids(second.text)[0]).not.toBe(ids(first.text)[0]);
    // Unset, any element is looked at: both slots are filled, and the copy cached under "section" is not served
    // (its div slot would keep another visit's request id).
    const anyElement = await page("/slot-elements", { cookie });
    expect(anyElement.res.headers.get("x-aura-cache")).toBe("miss");
    expect(anyElement.text).not.toContain("Our bestsellers");
    expect(anyElement.text).not.toContain("Our guides");
    expect(ids(anyElement.text).length).toBe(2);
  });

  it("looks at every element, and says so once, when PAGE_SLOT_ELEMENTS holds something that is not an element name", async () => {
    const onDiv = `<div data-aura-slot="content.guides"><p class="fallback">Our guides</p></div>`;
    pageOrigin.fetch = async () => htmlResponse(PAGE(CAROUSEL + onDiv), "private, no-store");
    const warn = vi.spyOn(console, "warn");
    try {
      const typo = { PAGE_SLOT_ELEMENTS: "section, div.guides" };
      for (let i = 0; i < 2; i++) {
        const { text } = await page("/", { cookie: "aura_consent=analytics,personalization", env: typo });
        expect(text).not.toContain("Our bestsellers");
        expect(text).not.toContain("Our guides");
      }
      const said = warn.mock.calls.map((c) => String(c[0])).filter((line) => line.includes("page_slot_elements"));
      expect(said).toEqual([JSON.stringify({ level: "warn", page_slot_elements: "not element names: div.guides; slots are looked for on every element" })]);
    } finally {
      warn.mockRestore();
    }
  });

  it("asks the origin for the same path and query with the visitor's headers (not Host), and does not follow redirects", async () => {
    const asked: { url: string; init: RequestInit }[] = [];
    pageOrigin.fetch = async (url, init) => {
      asked.push({ url, init });
      return htmlResponse(PAGE(CAROUSEL), "private, no-store");
    };
    const { res } = await page("/shoes?color=red&size=9", { cookie: "aura_consent=analytics", headers: { host: "aura.test", "accept-language": "de-CH", "x-forwarded-proto": "https" } });
    expect(res.status).toBe(200);
    expect(asked).toHaveLength(1);
    const [{ url, init }] = asked as [{ url: string; init: RequestInit }];
    expect(url).toBe("https://shop.test/shoes?color=red&size=9");
    expect(init.method).toBe("GET");
    expect(init.redirect).toBe("manual");
    expect(init.body).toBeNull();
    const headers = new Headers(init.headers);
    expect(headers.has("host")).toBe(false);
    expect(headers.get("cookie")).toBe("aura_consent=analytics");
    expect(headers.get("accept-language")).toBe("de-CH");
    expect(headers.get("user-agent")).toBe("Mozilla/5.0 (Macintosh) Chrome/150");
    expect(headers.get("x-forwarded-proto")).toBe("https");
  });

  it("sets the visitor's headers on the page it rewrote: no shared cache, varies on Cookie, the origin's other headers kept", async () => {
    pageOrigin.fetch = async () =>
      new Response(PAGE(CAROUSEL), { headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", vary: "Accept-Encoding", "content-length": "999", "x-origin": "kept", "referrer-policy": "no-referrer" } });
    const { res, text } = await page("/", { cookie: "aura_consent=analytics,personalization" });
    expect(text).toContain('data-aura-rendered="server"');
    expect(res.headers.get("cache-control")).toBe("private, no-store");
    expect(res.headers.get("vary")).toBe("Accept-Encoding, Cookie");
    expect(res.headers.get("content-length")).toBeNull();
    expect(res.headers.get("x-origin")).toBe("kept");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-aura-cache")).toBe("bypass");
  });

  it("passes non-HTML responses and non-GET requests through", async () => {
    pageOrigin.fetch = async () => new Response('{"ok":true}', { headers: { "content-type": "application/json" } });
    const { text } = await page("/api/thing");
    expect(text).toBe('{"ok":true}');
  });

  it("passes the origin's assets and redirects through as it sent them, immutable headers and all", async () => {
    // A fetch() answer's headers are immutable, as a cache match's are: the asset here is one, so the page path
    // meets what a real origin's answer gives it (a fake's new Response would take any header).
    const shelf = await caches.open("fake-origin");
    await shelf.put("https://shop.test/site.css", new Response("body { color: teal }", { headers: { "content-type": "text/css", "cache-control": "max-age=60", "x-origin": "kept" } }));
    pageOrigin.fetch = async (url) => (url.endsWith("/site.css") ? (await shelf.match("https://shop.test/site.css"))! : Response.redirect("https://shop.test/new-home", 301));
    const asset = await page("/site.css");
    expect(asset.res.status).toBe(200);
    expect(asset.text).toBe("body { color: teal }");
    expect(asset.res.headers.get("content-type")).toBe("text/css");
    expect(asset.res.headers.get("x-origin")).toBe("kept");
    const moved = await page("/old-home");
    expect(moved.res.status).toBe(301);
    expect(moved.res.headers.get("location")).toBe("https://shop.test/new-home");
  });

  it("answers 502 origin_unavailable, with its request id, when the origin cannot be reached", async () => {
    pageOrigin.fetch = async () => {
      throw new Error("connection refused");
    };
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const { res, text } = await page("/products/p122", { cookie: "aura_consent=analytics,personalization" });
      expect(res.status).toBe(502);
      expect(res.headers.get("content-type")).toBe("application/json");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      const body = JSON.parse(text) as { error: { code: string }; request_id: string };
      expect(body.error.code).toBe("origin_unavailable");
      expect(body.request_id).toMatch(/^req_[0-9a-f]{32}$/);
      expect(res.headers.get("x-request-id")).toBe(body.request_id);
      expect(warn.mock.calls.map((c) => String(c[0])).some((line) => line.includes(body.request_id) && line.includes("connection refused"))).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it("gives a page a request id and counts it in the isolate's latency under the pages' route", async () => {
    const latency = async () => (JSON.parse(await (await call("/v1/admin/latency", { admin: true })).text()) as { routes: { method: string; route: string; total: number }[] }).routes.find((r) => r.method === "GET" && r.route === "/*")?.total ?? 0;
    pageOrigin.fetch = async () => htmlResponse(PAGE(CAROUSEL), "private, no-store");
    const before = await latency();
    const { res } = await page("/collections/photo");
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    expect(await latency()).toBe(before + 1);
  });

  it("keeps aura's own paths: unknown API routes are 404 JSON, not proxied", async () => {
    let proxied = false;
    pageOrigin.fetch = async () => {
      proxied = true;
      return htmlResponse("x");
    };
    const res = await call("/v1/nothing-here");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(proxied).toBe(false);
  });
});

describe("a page no cache may keep", () => {
  it("sends what the origin flushed before the first slot while the decisions are prepared, then fills the slot", async () => {
    // The visitor's profile read takes 1.5 s (inside a 3 s budget); the origin flushes its head first, as
    // streaming origins do: the head must not wait for the profile. (The gap is wide so a busy runner's own
    // stalls cannot close it.)
    const slowStore = {
      idFromName: (name: string) => env.VISITOR_PROFILES.idFromName(name),
      get: () => ({ getProfileJson: () => new Promise<string | null>((resolve) => setTimeout(() => resolve(null), 1500)) }),
    } as unknown as Env["VISITOR_PROFILES"];
    const whole = PAGE(CAROUSEL);
    const cut = whole.indexOf("<main>");
    const encoder = new TextEncoder();
    const flushedHead = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(whole.slice(0, cut)));
        controller.enqueue(encoder.encode(whole.slice(cut)));
        controller.close();
      },
    });
    pageOrigin.fetch = async () => htmlResponse(flushedHead, "private, no-store");
    const ctx = createExecutionContext();
    const started = Date.now();
    const res = await worker.fetch(
      new Request("https://aura.test/", { headers: { cookie: `aura_aid=anon_headfirst${crypto.randomUUID().slice(0, 8)}; aura_consent=analytics,personalization` } }),
      { ...env, ...ORIGIN, VISITOR_PROFILES: slowStore, PAGE_DECISION_BUDGET_MS: "3000", FEATURE_STORE_TIMEOUT_MS: "2500" } as unknown as Env,
      ctx,
    );
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    // The clock moves across I/O here: the first bytes came well before the profile's 1.5 s.
    expect(Date.now() - started).toBeLessThan(1000);
    let text = decoder.decode(first.value, { stream: true });
    expect(text).toContain("<title>");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await waitOnExecutionContext(ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(text).toContain('data-aura-rendered="server"');
    expect(text).not.toContain("Our bestsellers");
  });
});
