// The clickstream: batching, the body POST /v1/events receives, beacons when the page goes away, retries with
// backoff, and the sessionStorage queue that outlives a navigation.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventsRequest } from "../../shared/api/schemas";
import { createAura } from "../src/aura";
import type { ClickstreamEvent } from "../src/types";
import { openPage, settle, type FakePage } from "./fake-browser";

const consenting = { consent: ["analytics", "personalization"], autoPageView: false };

type EventsBody = { anon_id: string; session_id: string; consent: string[]; device: string; events: ClickstreamEvent[] };
const eventsBodies = (page: FakePage) => page.callsTo("/v1/events").map((call) => call.body as EventsBody);
const queued = (page: FakePage): ClickstreamEvent[] => JSON.parse(page.storage.getItem("aura_q") ?? "[]") as ClickstreamEvent[];

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-21T14:29:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("batching", () => {
  it("sends 20 events in one POST at once", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init(consenting);

    for (let i = 0; i < 19; i++) aura.track("click", { product_id: `p${i}` });
    await settle();
    expect(page.fetchCalls).toHaveLength(0);

    aura.track("click", { product_id: "p19" });
    await settle();
    expect(page.fetchCalls).toHaveLength(1);
    expect(eventsBodies(page)[0]?.events.map((event) => event.product_id)).toEqual(Array.from({ length: 20 }, (_, i) => `p${i}`));
    expect(queued(page)).toEqual([]);
  });

  it("sends fewer events 2 s after the first was queued", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init(consenting);

    aura.track("page_view");
    await vi.advanceTimersByTimeAsync(1000);
    aura.track("search", { query: "brush packs" });
    await vi.advanceTimersByTimeAsync(999);
    expect(page.fetchCalls).toHaveLength(0);

    await vi.advanceTimersByTimeAsync(1);
    expect(page.fetchCalls).toHaveLength(1);
    expect(eventsBodies(page)[0]?.events.map((event) => event.type)).toEqual(["page_view", "search"]);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(page.fetchCalls).toHaveLength(1);
  });

  it("sends at most 100 events a call", async () => {
    const earlier = openPage();
    earlier.respond(() => new Promise<Response>(() => {})); // the first page never gets an answer
    const first = createAura();
    first.init(consenting);
    for (let i = 0; i < 250; i++) first.track("click", { product_id: `p${i}` });

    const page = openPage({ storage: earlier.storage, cookies: earlier.cookies });
    const aura = createAura();
    aura.init(consenting);
    await aura.flush();

    expect(eventsBodies(page).map((body) => body.events.length)).toEqual([100, 100, 50]);
  });
});

describe("the POST /v1/events body", () => {
  it("follows the contract: envelope, ISO times, URL, page type, utm, and the referrer on the page's first event only", async () => {
    const page = openPage({
      url: "https://shop.example/collections/vector?utm_source=instagram&utm_medium=social&utm_campaign=spring",
      referrer: "https://l.instagram.com/",
      pageTypeMeta: "collection",
      cookies: new Map([["aura_aid", "anon_0123456789abcdef01234567"]]),
    });
    const aura = createAura();
    aura.init({ consent: ["analytics", "personalization"] });
    aura.track("quiz_answer", { quiz: { question: "skill", answer: "beginner" } });
    aura.track("add_to_cart", { product_id: "p122", category: "vector", value: 49 });
    await aura.flush();

    const [call] = page.callsTo("/v1/events");
    expect(call?.url).toBe("/v1/events");
    expect(new Headers(call?.init.headers).get("content-type")).toBe("application/json");
    expect(call?.init.method).toBe("POST");
    expect(EventsRequest.safeParse(call?.body).success).toBe(true);

    const body = call?.body as EventsBody;
    expect(body).toMatchObject({
      anon_id: "anon_0123456789abcdef01234567",
      session_id: aura.sessionId(),
      consent: ["analytics", "personalization"],
      device: "desktop",
    });
    const utm = { source: "instagram", medium: "social", campaign: "spring" };
    const url = "/collections/vector?utm_source=instagram&utm_medium=social&utm_campaign=spring";
    expect(body.events).toEqual([
      { type: "page_view", ts: "2026-11-21T14:29:00.000Z", url, page_type: "collection", utm, referrer: "https://l.instagram.com/" },
      { type: "quiz_answer", ts: "2026-11-21T14:29:00.000Z", url, page_type: "collection", utm, quiz: { question: "skill", answer: "beginner" } },
      { type: "add_to_cart", ts: "2026-11-21T14:29:00.000Z", url, page_type: "collection", utm, product_id: "p122", category: "vector", value: 49 },
    ]);
  });

  it("leaves out what the server would reject, so one bad field cannot cost the batch", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init(consenting);
    aura.track("click", { product_id: "not a valid id!", value: Number.NaN, query: "x".repeat(500), page_type: "p".repeat(100) });
    aura.track("quiz_answer", { quiz: { question: "Skill Level", answer: "Beginner!" } });
    // @ts-expect-error a host page without types may pass anything
    aura.track("teleport");
    await aura.flush();

    const body = eventsBodies(page)[0];
    expect(EventsRequest.safeParse(body).success).toBe(true);
    expect(body?.events.map((event) => event.type)).toEqual(["click", "quiz_answer"]);
    expect(body?.events[0]).not.toHaveProperty("product_id");
    expect(body?.events[0]?.query).toHaveLength(200);
    expect(body?.events[1]).not.toHaveProperty("quiz");
  });

  it("reports a phone as mobile", async () => {
    const page = openPage({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148 Safari/604.1" });
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    await aura.flush();
    expect(eventsBodies(page)[0]?.device).toBe("mobile");
  });
});

describe("when the page goes away", () => {
  it("sends the queue by sendBeacon as JSON on pagehide, and not again afterwards", async () => {
    const page = openPage();
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    aura.track("click", { product_id: "p1" });

    page.pagehide();
    await settle();

    expect(page.beacons).toHaveLength(1);
    expect(page.beacons[0]?.url).toBe("/v1/events");
    expect(page.beacons[0]?.data.type).toBe("application/json");
    const [body] = await page.beaconBodies("/v1/events");
    expect(EventsRequest.safeParse(body).success).toBe(true);
    expect((body as EventsBody).events.map((event) => event.type)).toEqual(["page_view", "click"]);
    expect(queued(page)).toEqual([]);

    await vi.advanceTimersByTimeAsync(10_000);
    expect(page.fetchCalls).toHaveLength(0);
  });

  it("sends by sendBeacon when the tab becomes hidden", async () => {
    const page = openPage();
    createAura().init({ consent: ["analytics"] });
    page.hide();
    await settle();
    expect(await page.beaconBodies("/v1/events")).toHaveLength(1);
  });

  it("falls back to a keepalive fetch when sendBeacon refuses", async () => {
    const page = openPage({ beaconAccepts: false });
    createAura().init({ consent: ["analytics"] });
    page.pagehide();
    await settle();

    expect(page.sendBeacon).toHaveBeenCalledTimes(1);
    expect(page.fetchCalls).toHaveLength(1);
    expect(page.fetchCalls[0]?.init.keepalive).toBe(true);
    expect(queued(page)).toEqual([]);
  });
});

describe("retries", () => {
  it("retries a 503 after 0.5, 1, 2 and 4 s, then keeps the events for later", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5); // the middle of the ±20 % jitter
    const page = openPage();
    page.respond(() => Response.json({ error: { code: "unavailable", message: "down" } }, { status: 503 }));
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    const start = Date.now();

    const flushed = aura.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    await flushed;

    expect(page.fetchCalls.map((call) => call.at - start)).toEqual([0, 500, 1500, 3500, 7500]);
    expect(queued(page)).toHaveLength(1);
  });

  it("jitters each wait by at most 20 %", async () => {
    vi.spyOn(Math, "random").mockReturnValueOnce(0).mockReturnValueOnce(1);
    const page = openPage();
    let answers = 0;
    page.respond(() => (answers++ < 2 ? new Response(null, { status: 502 }) : Response.json({ accepted: 1 }, { status: 202 })));
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    const start = Date.now();
    const flushed = aura.flush();
    await vi.advanceTimersByTimeAsync(2000);
    await flushed;

    expect(page.fetchCalls.map((call) => call.at - start)).toEqual([0, 400, 1600]);
  });

  it("waits as long as retry-after says on a 429", async () => {
    const page = openPage();
    let answers = 0;
    page.respond(() =>
      answers++ === 0
        ? Response.json({ error: { code: "rate_limited", message: "slow down" } }, { status: 429, headers: { "retry-after": "3" } })
        : Response.json({ accepted: 1 }, { status: 202 }),
    );
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    const start = Date.now();
    const flushed = aura.flush();

    await vi.advanceTimersByTimeAsync(2999);
    expect(page.fetchCalls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await flushed;
    expect(page.fetchCalls.map((call) => call.at - start)).toEqual([0, 3000]);
    expect(queued(page)).toEqual([]);
  });

  it("does not start another round of retries for each new event while earlier ones are stuck", async () => {
    const page = openPage();
    page.respond(() => new Response(null, { status: 503 }));
    const aura = createAura();
    aura.init(consenting);
    for (let i = 0; i < 20; i++) aura.track("click", { product_id: `p${i}` });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(page.fetchCalls).toHaveLength(5);

    aura.track("click", { product_id: "p20" });
    await settle();
    expect(page.fetchCalls).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(2000);
    expect(page.fetchCalls).toHaveLength(6);
    expect((page.fetchCalls[5]?.body as EventsBody).events).toHaveLength(21);
  });

  it("retries a network error", async () => {
    const page = openPage();
    let answers = 0;
    page.respond(() => (answers++ === 0 ? Promise.reject(new TypeError("Failed to fetch")) : Response.json({ accepted: 1 }, { status: 202 })));
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    const flushed = aura.flush();
    await vi.advanceTimersByTimeAsync(1000);
    await flushed;
    expect(page.fetchCalls).toHaveLength(2);
    expect(queued(page)).toEqual([]);
  });

  it("does not retry a 400, drops the rejected events and logs in debug mode", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const page = openPage();
    page.respond(() => Response.json({ error: { code: "invalid_request", message: "bad" } }, { status: 400 }));
    const aura = createAura();
    aura.init({ consent: ["analytics"], debug: true });

    await aura.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(page.fetchCalls).toHaveLength(1);
    expect(queued(page)).toEqual([]);
    expect(warn).toHaveBeenCalled();
  });
});

describe("the sessionStorage queue", () => {
  it("survives a navigation and is sent by the next page's init", async () => {
    const first = openPage({ url: "https://shop.example/guides/getting-started" });
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    aura.track("search", { query: "layers" });
    expect(first.fetchCalls).toHaveLength(0); // the visitor leaves before the 2 s timer

    const next = openPage({ url: "https://shop.example/p/p122", storage: first.storage, cookies: first.cookies });
    createAura().init({ consent: ["analytics"] });
    await settle();

    const bodies = eventsBodies(next);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.events.map((event) => [event.type, event.url])).toEqual([
      ["page_view", "/guides/getting-started"],
      ["search", "/guides/getting-started"],
      ["page_view", "/p/p122"],
    ]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(eventsBodies(next)).toHaveLength(1);
    expect(queued(next)).toEqual([]);
  });

  it("is kept to the newest 500 events", () => {
    const page = openPage();
    page.respond(() => new Promise<Response>(() => {}));
    const aura = createAura();
    aura.init(consenting);
    for (let i = 0; i < 600; i++) aura.track("click", { product_id: `p${i}` });

    const events = queued(page);
    expect(events).toHaveLength(500);
    expect(events[0]?.product_id).toBe("p100");
    expect(events.at(-1)?.product_id).toBe("p599");
  });

  it("keeps events that failed with 503 for the next page", async () => {
    const first = openPage();
    first.respond(() => new Response(null, { status: 503 }));
    const aura = createAura();
    aura.init({ consent: ["analytics"] });
    const flushed = aura.flush();
    await vi.advanceTimersByTimeAsync(60_000);
    await flushed;
    expect(queued(first)).toHaveLength(1);

    const next = openPage({ storage: first.storage, cookies: first.cookies });
    createAura().init({ consent: ["analytics"], autoPageView: false });
    await settle();
    expect(eventsBodies(next).map((body) => body.events.length)).toEqual([1]);
  });
});
