// Auto-wiring of rendered slots: the feedback the bandit learns from (impressions, clicks, add-to-carts) and the
// clickstream events that go with them.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { EventsRequest, FeedbackRequest } from "../../shared/api/schemas";
import { createAura } from "../src/aura";
import type { ClickstreamEvent } from "../src/types";
import { el, openPage, renderedSlot, settle, type FakeElement, type FakePage } from "./fake-browser";

const REQUEST = `req_${"a1".repeat(16)}`;
const REFILLED = `req_${"b2".repeat(16)}`;

type FeedbackBody = { request_id: string; item_id: string; reward: { type: string; value: number; timestamp: string }; context: { position?: number } };
const feedbackPosts = (page: FakePage) => page.callsTo("/v1/feedback").map((call) => call.body as FeedbackBody);
const queued = (page: FakePage): ClickstreamEvent[] => JSON.parse(page.storage.getItem("aura_q") ?? "[]") as ClickstreamEvent[];

function item(slot: FakeElement, itemId: string): FakeElement {
  const found = slot.querySelectorAll(`[data-aura-item="${itemId}"]`)[0];
  if (!found) throw new Error(`no item ${itemId}`);
  return found;
}

function storefront(options: Parameters<typeof openPage>[0] = {}) {
  const page = openPage(options);
  const slot = renderedSlot("homepage.carousel", REQUEST, ["p122", "p151"]);
  page.body.append(slot);
  const aura = createAura();
  aura.init({ consent: ["analytics", "personalization"], autoPageView: false });
  return { page, slot, aura };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date("2026-11-21T14:30:00Z"));
});
afterEach(() => {
  vi.useRealTimers();
});

describe("impressions", () => {
  it("are sent once per (request, item), when at least half the item is in view", async () => {
    const { page, slot } = storefront();
    const first = item(slot, "p122");

    page.show(first, 0.3);
    await settle();
    expect(feedbackPosts(page)).toEqual([]);

    page.show(first, 0.5);
    await settle();
    page.show(first, 1);
    page.show(first, 0.6);
    await settle();

    expect(feedbackPosts(page)).toEqual([
      { request_id: REQUEST, item_id: "p122", reward: { type: "impression", value: 1, timestamp: "2026-11-21T14:30:00.000Z" }, context: { position: 1 } },
    ]);
    expect(FeedbackRequest.safeParse(feedbackPosts(page)[0]).success).toBe(true);
    expect(page.intersectionObservers[0]?.options?.threshold).toBe(0.5);
  });

  it("are reported for items already in view when wired", async () => {
    const page = openPage();
    const slot = renderedSlot("homepage.hero", REQUEST, ["c101"]);
    page.body.append(slot);
    page.show(item(slot, "c101"), 1);
    createAura().init({ consent: ["analytics"], autoPageView: false });
    await settle();
    expect(feedbackPosts(page).map((body) => body.item_id)).toEqual(["c101"]);
  });

  it("stop watching an impressed item, and re-wiring does not observe it again", async () => {
    const { page, slot, aura } = storefront();
    const observer = page.intersectionObservers[0];
    // The two cards, not the add-to-cart buttons that repeat their item ids: half a button is not half a card.
    expect(observer?.observeCalls).toBe(2);
    expect([...(observer?.observed ?? [])].map((observed) => observed.tagName)).toEqual(["LI", "LI"]);
    page.show(item(slot, "p122"), 1);
    await settle();
    expect(observer?.observed.has(item(slot, "p122"))).toBe(false);

    aura.wire();
    aura.wire(slot as unknown as ParentNode); // the fake DOM has only what the SDK uses
    await settle();
    expect(observer?.observeCalls).toBe(2);
    expect(feedbackPosts(page)).toHaveLength(1);
  });

  it("are not sent again when the storefront re-renders the same decision's items as new elements", async () => {
    const { page, slot } = storefront();
    page.show(item(slot, "p122"), 1);
    await settle();

    const rerendered = renderedSlot("homepage.carousel", REQUEST, ["p122", "p151"]);
    page.body.append(rerendered);
    await settle();
    page.show(item(rerendered, "p122"), 1);
    page.show(item(rerendered, "p151"), 1);
    await settle();

    expect(feedbackPosts(page).map((body) => body.item_id)).toEqual(["p122", "p151"]);
  });

  it("are counted from a threshold crossing the browser reports as 0.4999", async () => {
    const { page, slot } = storefront();
    page.show(item(slot, "p151"), 0.4999);
    await settle();
    expect(feedbackPosts(page).map((body) => body.item_id)).toEqual(["p151"]);
  });

  it("are sent again when the slot is refilled with a new decision", async () => {
    const { page, slot } = storefront();
    const first = item(slot, "p122");
    page.show(first, 1);
    await settle();

    // The item never leaves the view: the new decision's impression comes from observing it afresh.
    slot.setAttribute("data-aura-request", REFILLED);
    await settle();

    expect(feedbackPosts(page).map((body) => [body.request_id, body.item_id])).toEqual([
      [REQUEST, "p122"],
      [REFILLED, "p122"],
    ]);
  });

  it("are sent on wiring when the browser has no IntersectionObserver", async () => {
    const { page, aura } = storefront({ intersectionObserver: false });
    await settle();
    expect(feedbackPosts(page).map((body) => body.item_id)).toEqual(["p122", "p151"]);

    aura.wire();
    aura.wire();
    await settle();
    expect(feedbackPosts(page)).toHaveLength(2);
  });

  it("wait for an unfilled slot to receive its request id", async () => {
    const page = openPage();
    const slot = renderedSlot("product.related", null, ["p9"]);
    page.body.append(slot);
    createAura().init({ consent: ["analytics"], autoPageView: false });
    expect(page.intersectionObservers[0]?.observed.size ?? 0).toBe(0);

    slot.setAttribute("data-aura-request", REQUEST);
    await settle();
    page.show(item(slot, "p9"), 1);
    await settle();
    expect(feedbackPosts(page).map((body) => body.item_id)).toEqual(["p9"]);
  });

  it("are retried like events when the service is briefly down", async () => {
    const { page, slot } = storefront();
    let answers = 0;
    page.respond(() => (answers++ === 0 ? new Response(null, { status: 503 }) : Response.json({ status: "accepted" }, { status: 202 })));
    page.show(item(slot, "p122"), 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(page.callsTo("/v1/feedback")).toHaveLength(2);
  });
});

describe("clicks and add-to-carts", () => {
  it("send click feedback by beacon and a click event, however often the page re-wires", async () => {
    const { page, slot, aura } = storefront();
    aura.wire();
    aura.wire(slot as unknown as ParentNode); // the fake DOM has only what the SDK uses
    aura.wire(page.document as unknown as ParentNode);

    // A click lands on a span inside the product link.
    page.click(item(slot, "p151").querySelectorAll("span")[0] as FakeElement);
    await settle();

    const feedback = await page.beaconBodies("/v1/feedback");
    expect(feedback).toEqual([
      { request_id: REQUEST, item_id: "p151", reward: { type: "click", value: 1, timestamp: "2026-11-21T14:30:00.000Z" }, context: { position: 2 } },
    ]);
    expect(FeedbackRequest.safeParse(feedback[0]).success).toBe(true);
    expect(page.beacons[0]?.data.type).toBe("application/json");
    expect(queued(page).map((event) => [event.type, event.product_id])).toEqual([["click", "p151"]]);
  });

  it("send add_to_cart feedback and an add_to_cart event from the item's add-to-cart control", async () => {
    const { page, slot, aura } = storefront();
    page.click(item(slot, "p122").querySelectorAll('[data-aura-action="add_to_cart"]')[0] as FakeElement);
    await settle();

    expect(await page.beaconBodies("/v1/feedback")).toEqual([
      { request_id: REQUEST, item_id: "p122", reward: { type: "add_to_cart", value: 1, timestamp: "2026-11-21T14:30:00.000Z" }, context: { position: 1 } },
    ]);
    await aura.flush();
    const [events] = page.callsTo("/v1/events");
    expect(EventsRequest.safeParse(events?.body).success).toBe(true);
    expect((events?.body as { events: ClickstreamEvent[] }).events.map((event) => [event.type, event.product_id])).toEqual([["add_to_cart", "p122"]]);
  });

  it("record the add_to_cart event once when the storefront's own handler tracks the same click", async () => {
    const { page, slot, aura } = storefront();
    const button = item(slot, "p122").querySelectorAll('[data-aura-action="add_to_cart"]')[0] as FakeElement;
    // The storefront's bubbling document listener runs in the same task as the SDK's capturing one.
    page.document.addEventListener("click", () => aura.track("add_to_cart", { product_id: "p122" }));

    page.click(button);
    await vi.advanceTimersByTimeAsync(0);
    aura.track("add_to_cart", { product_id: "p122" }); // a later, separate add is an event of its own
    await aura.flush();

    const [call] = page.callsTo("/v1/events");
    expect((call?.body as { events: ClickstreamEvent[] }).events.map((event) => [event.type, event.product_id])).toEqual([
      ["add_to_cart", "p122"],
      ["add_to_cart", "p122"],
    ]);
    expect(page.beacons).toHaveLength(1);
  });

  it("ignore clicks on an item outside any link or action, and clicks outside items", async () => {
    const { page, slot } = storefront();
    const outside = el("a", { href: "/cart" });
    page.body.append(outside);
    page.click(item(slot, "p122"));
    page.click(outside);
    await settle();
    expect(page.beacons).toEqual([]);
    expect(queued(page)).toEqual([]);
  });

  it("send a click event but no feedback from a slot that has no decision yet", async () => {
    const page = openPage();
    const slot = renderedSlot("homepage.hero", null, ["c101"]);
    page.body.append(slot);
    createAura().init({ consent: ["analytics"], autoPageView: false });
    page.click(item(slot, "c101").querySelectorAll("a")[0] as FakeElement);
    await settle();
    expect(page.beacons).toEqual([]);
    expect(queued(page).map((event) => event.type)).toEqual(["click"]);
  });
});

describe("slots rendered later", () => {
  it("are wired by the MutationObserver (a modal rendered client-side)", async () => {
    const { page } = storefront();
    expect(page.mutationObservers[0]?.options).toMatchObject({ childList: true, subtree: true, attributes: true });

    const modal = renderedSlot("checkout.upsell", REFILLED, ["p200"]);
    page.body.append(el("div", { role: "dialog" }, modal));
    await settle();
    page.show(item(modal, "p200"), 0.75);
    await settle();

    expect(feedbackPosts(page).map((body) => [body.request_id, body.item_id])).toEqual([[REFILLED, "p200"]]);
  });

  it("wait for DOMContentLoaded when the SDK runs while the page is still loading", async () => {
    const page = openPage();
    page.document.readyState = "loading";
    const aura = createAura();
    aura.init({ consent: ["analytics"], autoPageView: false });
    expect(page.intersectionObservers).toHaveLength(0);

    page.body.append(renderedSlot("homepage.hero", REQUEST, ["c101"]));
    page.document.readyState = "interactive";
    page.document.dispatchEvent(new Event("DOMContentLoaded"));
    expect(page.intersectionObservers[0]?.observed.size).toBe(1);
  });
});
