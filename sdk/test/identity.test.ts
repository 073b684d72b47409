// The visitor's identity and consent: the cookies the CDN reads, the tab's session, and that nothing is stored
// without analytics consent.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createAura } from "../src/aura";
import { openPage, settle } from "./fake-browser";

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-21T14:00:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("anonymous id", () => {
  it("reuses the id the CDN set and writes no cookie of its own", () => {
    const page = openPage({ cookies: new Map([["aura_aid", "anon_0123456789abcdef01234567"]]) });
    const aura = createAura();
    aura.init({ consent: ["analytics"] });

    expect(aura.anonId()).toBe("anon_0123456789abcdef01234567");
    expect(page.document.cookieWrites).toEqual([]);
  });

  const consented = () => new Map([["aura_consent", "analytics"]]);

  it("creates anon_ + 24 hex when there is none, as a year-long Lax cookie, Secure on https", () => {
    const page = openPage({ url: "https://shop.example/", cookies: consented() });
    const aura = createAura();

    const id = aura.anonId();
    expect(id).toMatch(/^anon_[0-9a-f]{24}$/);
    expect(page.document.cookieWrites).toEqual([`aura_aid=${id}; path=/; max-age=31536000; SameSite=Lax; Secure`]);
    expect(aura.anonId()).toBe(id);
    expect(page.document.cookieWrites).toHaveLength(1);
  });

  it("leaves Secure out on plain http, where the browser would drop the cookie", () => {
    const page = openPage({ url: "http://localhost:8787/", cookies: consented() });
    const id = createAura().anonId();
    expect(page.document.cookieWrites).toEqual([`aura_aid=${id}; path=/; max-age=31536000; SameSite=Lax`]);
  });

  it("stays stable on the page where cookies and storage are unavailable (a sandboxed frame)", () => {
    const page = openPage();
    Object.defineProperty(page.document, "cookie", {
      get() {
        throw new DOMException("The document is sandboxed", "SecurityError");
      },
      set() {
        throw new DOMException("The document is sandboxed", "SecurityError");
      },
    });
    vi.stubGlobal("sessionStorage", undefined);
    const aura = createAura();
    const id = aura.anonId();
    expect(id).toMatch(/^anon_[0-9a-f]{24}$/);
    expect(aura.anonId()).toBe(id);
    expect(aura.sessionId()).toBe(aura.sessionId());
    aura.consent.set(["analytics"]);
    expect(aura.consent.get()).toEqual(["analytics"]);
  });

  it("keeps the id for the next page of the visit", () => {
    const first = openPage({ cookies: consented() });
    const id = createAura().anonId();
    openPage({ cookies: first.cookies });
    expect(createAura().anonId()).toBe(id);
  });

  it("stores no identifying cookie without consent, keeps the page's id when consent comes, and drops it when consent goes", () => {
    const page = openPage({ url: "https://shop.example/" });
    const aura = createAura();
    const id = aura.anonId();
    expect(aura.anonId()).toBe(id);
    expect(page.document.cookieWrites).toEqual([]);
    aura.consent.set(["analytics"]);
    expect(page.cookies.get("aura_aid")).toBe(id);
    aura.consent.set([]);
    expect(page.document.cookieWrites.at(-1)).toBe("aura_aid=; path=/; max-age=0; SameSite=Lax; Secure");
  });
});

describe("session id", () => {
  it("is sess_ + 16 hex in sessionStorage, kept while the visitor is active, new after 30 idle minutes", () => {
    const page = openPage();
    const aura = createAura();

    const session = aura.sessionId();
    expect(session).toMatch(/^sess_[0-9a-f]{16}$/);
    expect(page.storage.getItem("aura_sid")).toBe(session);

    // Activity every 20 minutes keeps the session alive well past 30 minutes in total.
    vi.advanceTimersByTime(20 * 60_000);
    expect(aura.sessionId()).toBe(session);
    vi.advanceTimersByTime(20 * 60_000);
    expect(aura.sessionId()).toBe(session);

    vi.advanceTimersByTime(30 * 60_000 + 1);
    const next = aura.sessionId();
    expect(next).toMatch(/^sess_[0-9a-f]{16}$/);
    expect(next).not.toBe(session);
    expect(page.storage.getItem("aura_sid")).toBe(next);
  });

  it("survives a navigation within the tab", () => {
    const first = openPage();
    const session = createAura().sessionId();
    vi.advanceTimersByTime(5 * 60_000);
    openPage({ storage: first.storage, cookies: first.cookies });
    expect(createAura().sessionId()).toBe(session);
  });
});

describe("consent", () => {
  it("defaults to init's consent while none is stored", () => {
    openPage();
    const aura = createAura();
    expect(aura.consent.get()).toEqual([]);
    aura.init({ consent: ["analytics", "personalization"], autoPageView: false });
    expect(aura.consent.get()).toEqual(["analytics", "personalization"]);
  });

  it("persists a stated list in the aura_consent cookie, announces it, and the next page reads it", () => {
    const page = openPage({ url: "https://shop.example/" });
    const aura = createAura();
    aura.init({ consent: ["analytics"], autoPageView: false });
    const announced: unknown[] = [];
    page.window.addEventListener("aura:consent", (event) => announced.push((event as CustomEvent<string[]>).detail));

    aura.consent.set(["analytics", "personalization", "marketing"]);

    expect(page.document.cookieWrites).toContain("aura_consent=analytics,personalization,marketing; path=/; max-age=31536000; SameSite=Lax; Secure");
    expect(aura.consent.get()).toEqual(["analytics", "personalization", "marketing"]);
    expect(announced).toEqual([["analytics", "personalization", "marketing"]]);

    openPage({ cookies: page.cookies, storage: page.storage });
    const next = createAura();
    next.init({ consent: [], autoPageView: false });
    expect(next.consent.get()).toEqual(["analytics", "personalization", "marketing"]);
  });

  it("treats a stated empty list as no consent, whatever the site's default", () => {
    const page = openPage();
    createAura().consent.set([]);
    openPage({ cookies: page.cookies });
    const next = createAura();
    next.init({ consent: ["analytics"], autoPageView: false });
    expect(next.consent.get()).toEqual([]);
  });

  it("keeps names the cookie and the server can carry, once each", () => {
    openPage();
    const aura = createAura();
    aura.consent.set(["analytics", "analytics", "a,b", "x;y", "", "personalization"]);
    expect(aura.consent.get()).toEqual(["analytics", "personalization"]);
  });

  it("drops events without analytics consent: no request, nothing in sessionStorage", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init({ consent: ["personalization"] });
    aura.track("search", { query: "beginner photo editing" });

    await vi.advanceTimersByTimeAsync(10_000);
    await aura.flush();
    expect(page.fetchCalls).toEqual([]);
    expect(JSON.parse(page.storage.getItem("aura_q") ?? "[]")).toEqual([]);
  });

  it("records the page view, with its referrer, once consent is given on the page (a consent banner)", async () => {
    const page = openPage({ url: "https://shop.example/?utm_source=instagram", referrer: "https://l.instagram.com/" });
    const aura = createAura();
    aura.init({ consent: [] });
    aura.consent.set(["analytics", "personalization"]);
    aura.consent.set(["analytics"]);
    await aura.flush();

    const [call] = page.callsTo("/v1/events");
    expect((call?.body as { events: unknown[] }).events).toEqual([
      { type: "page_view", ts: "2026-11-21T14:00:00.000Z", url: "/?utm_source=instagram", utm: { source: "instagram" }, referrer: "https://l.instagram.com/" },
    ]);
  });

  it("clears the queue when analytics consent is revoked", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    aura.track("search", { query: "brushes" });
    expect(JSON.parse(page.storage.getItem("aura_q") ?? "[]")).toHaveLength(2);

    aura.consent.set(["personalization"]);
    expect(JSON.parse(page.storage.getItem("aura_q") ?? "[]")).toEqual([]);
    await vi.advanceTimersByTimeAsync(10_000);
    page.pagehide();
    await settle();
    expect(page.fetchCalls).toEqual([]);
    expect(page.beacons).toEqual([]);
  });
});
