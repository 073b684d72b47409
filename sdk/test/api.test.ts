// The public API beyond the clickstream: rank(), feedback(), installing `window.aura` once, and never throwing
// into the host page.
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FeedbackRequest, RankRequest } from "../../shared/api/schemas";
import { createAura } from "../src/aura";
import type { Aura, AuraHttpError } from "../src/types";
import { openPage, settle } from "./fake-browser";

const REQUEST = `req_${"0f".repeat(16)}`;
const RANKED = {
  request_id: REQUEST,
  surface: "homepage.carousel",
  personalized: true,
  items: [],
  segment: null,
  experiment: null,
  policy_version: "2026-11-21",
  cache_ttl: 300,
  profile_status: "ok",
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-21T14:30:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("rank()", () => {
  it("POSTs the surface, options and the visitor's context, and resolves with the decision", async () => {
    const page = openPage({
      url: "https://shop.example/?utm_source=newsletter&utm_medium=email",
      referrer: "https://mail.example/",
      pageTypeMeta: "index",
      cookies: new Map([["aura_aid", "anon_0123456789abcdef01234567"], ["aura_consent", "analytics,personalization"]]),
      userAgent: "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1",
    });
    page.respond(() => Response.json(RANKED));
    const aura = createAura();
    aura.init({ endpoint: "https://aura.example/", autoPageView: false });

    const decision = await aura.rank("homepage.carousel", { limit: 5, candidates: ["c123", "c456"], context: { campaign: "summer_sale" } });

    expect(decision).toEqual(RANKED);
    const [call] = page.fetchCalls;
    expect(call?.url).toBe("https://aura.example/v1/rank");
    expect(new Headers(call?.init.headers).get("content-type")).toBe("application/json");
    expect(call?.body).toEqual({
      surface_id: "homepage.carousel",
      limit: 5,
      candidates: ["c123", "c456"],
      context: { campaign: "summer_sale" },
      user_ctx: {
        anon_id: "anon_0123456789abcdef01234567",
        session_id: aura.sessionId(),
        consent: ["analytics", "personalization"],
        device: "tablet",
        referrer: "https://mail.example/",
        utm: { source: "newsletter", medium: "email" },
        page_type: "index",
      },
    });
    expect(RankRequest.safeParse(call?.body).success).toBe(true);
  });

  it("sends the current consent even without personalization (the server answers unpersonalized)", async () => {
    const page = openPage();
    page.respond(() => Response.json({ ...RANKED, personalized: false }));
    const aura = createAura();
    aura.init({ autoPageView: false });
    await aura.rank("homepage.hero");
    const body = page.fetchCalls[0]?.body as { user_ctx: { consent: string[]; anon_id: string }; limit?: number };
    expect(body.user_ctx.consent).toEqual([]);
    expect(body.user_ctx.anon_id).toMatch(/^anon_[0-9a-f]{24}$/);
    expect(body).not.toHaveProperty("limit");
    expect(RankRequest.safeParse(body).success).toBe(true);
  });

  it("rejects with an Error carrying the status on non-2xx, without retrying", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init({ autoPageView: false });

    page.respond(() => Response.json({ error: { code: "invalid_request", message: "limit must be between 1 and 100" } }, { status: 400 }));
    const invalid = await aura.rank("homepage.hero", { limit: 500 }).catch((error: unknown) => error as AuraHttpError);
    expect(invalid).toBeInstanceOf(Error);
    expect(invalid).toMatchObject({ status: 400 });

    page.respond(() => new Response(null, { status: 503 }));
    await expect(aura.rank("homepage.hero")).rejects.toMatchObject({ status: 503 });

    page.respond(() => Promise.reject(new TypeError("Failed to fetch")));
    await expect(aura.rank("homepage.hero")).rejects.toMatchObject({ status: 0 });
    expect(page.fetchCalls).toHaveLength(3);
  });
});

describe("feedback()", () => {
  it("POSTs the reward with its value, time and position", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init({ autoPageView: false });

    await aura.feedback(REQUEST, "p122", "purchase", { value: 49.5, position: 2 });
    await aura.feedback(REQUEST, "p151", "dismiss");

    const bodies = page.callsTo("/v1/feedback").map((call) => call.body);
    expect(bodies).toEqual([
      { request_id: REQUEST, item_id: "p122", reward: { type: "purchase", value: 49.5, timestamp: "2026-11-21T14:30:00.000Z" }, context: { position: 2 } },
      { request_id: REQUEST, item_id: "p151", reward: { type: "dismiss", value: 1, timestamp: "2026-11-21T14:30:00.000Z" }, context: {} },
    ]);
    for (const body of bodies) expect(FeedbackRequest.safeParse(body).success).toBe(true);
  });

  it("is retried with backoff on 5xx and resolves, never rejects, when the service stays down", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    const page = openPage();
    page.respond(() => new Response(null, { status: 500 }));
    const aura = createAura();
    aura.init({ autoPageView: false });
    const start = Date.now();

    const sent = aura.feedback(REQUEST, "p122", "click");
    await vi.advanceTimersByTimeAsync(60_000);
    await expect(sent).resolves.toBeUndefined();
    expect(page.fetchCalls.map((call) => call.at - start)).toEqual([0, 500, 1500, 3500, 7500]);
  });

  it("is not retried on 400 and still resolves", async () => {
    const page = openPage();
    page.respond(() => new Response(null, { status: 400 }));
    const aura = createAura();
    await expect(aura.feedback("req_unknown", "p1", "click")).resolves.toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(page.fetchCalls).toHaveLength(1);
  });
});

describe("window.aura", () => {
  it("keeps the first instance when the script is loaded twice", async () => {
    const page = openPage();
    await import("../src/index");
    const first = page.window.aura as Aura;
    expect(typeof first.init).toBe("function");

    vi.resetModules();
    await import("../src/index");
    expect(page.window.aura).toBe(first);
  });

  it("keeps the first instance when the minified bundle served at /sdk.js runs twice (two script tags)", async () => {
    vi.useRealTimers();
    // The same build as scripts/build-sdk.mjs, in memory.
    const { build } = await import("esbuild");
    const entry = fileURLToPath(new URL("../src/index.ts", import.meta.url));
    const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: "iife", target: ["es2020"], write: false });
    const bundle = result.outputFiles[0]?.text ?? "";
    const page = openPage({ cookies: new Map([["aura_consent", "analytics"]]) });
    const globalsBefore = new Set(Object.getOwnPropertyNames(globalThis));

    new Function(bundle)();
    expect(Object.getOwnPropertyNames(globalThis).filter((name) => !globalsBefore.has(name))).toEqual([]);
    const first = page.window.aura as Aura;
    first.init();
    new Function(bundle)();
    expect(page.window.aura).toBe(first);
    (page.window.aura as Aura).init();

    page.pagehide();
    await settle();
    const [body] = await page.beaconBodies("/v1/events");
    expect((body as { events: { type: string }[] }).events.map((event) => event.type)).toEqual(["page_view"]);
  });

  it("replaces a placeholder that is not an aura instance", async () => {
    const page = openPage();
    page.window.aura = [];
    vi.resetModules();
    await import("../src/index");
    expect(typeof (page.window.aura as Aura).track).toBe("function");
  });

  it("init is idempotent: one page view, one set of listeners", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    aura.init({ consent: ["analytics"] });
    aura.init({ endpoint: "https://elsewhere.example" });
    page.pagehide();
    await settle();

    expect(page.beacons).toHaveLength(1);
    expect(page.beacons[0]?.url).toBe("/v1/events");
    const [body] = await page.beaconBodies("/v1/events");
    expect((body as { events: unknown[] }).events).toHaveLength(1);
    expect(page.mutationObservers).toHaveLength(1);
  });

  it("never throws into the host page", async () => {
    const page = openPage();
    vi.stubGlobal("crypto", {
      getRandomValues() {
        throw new Error("no randomness");
      },
    });
    page.document.querySelectorAll = () => {
      throw new Error("a broken DOM");
    };
    vi.stubGlobal("sessionStorage", undefined);
    const aura = createAura();
    expect(() => aura.init({ consent: ["analytics"] })).not.toThrow();
    expect(() => aura.track("page_view")).not.toThrow();
    expect(aura.anonId()).toBe("");
    expect(aura.sessionId()).toBe("");
    expect(() => aura.wire()).not.toThrow();
    expect(() => aura.consent.set(["analytics"])).not.toThrow();
    expect(aura.consent.get()).toEqual(["analytics"]);
    await expect(aura.flush()).resolves.toBeUndefined();
    await expect(aura.feedback(REQUEST, "p1", "click")).resolves.toBeUndefined();
  });
});
