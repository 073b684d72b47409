// Events to implicit-feedback strengths, the sparse matrix both ways round, and the time-based holdout.
import { describe, expect, it } from "vitest";
import {
  buildInteractionMatrix,
  INTERACTION_WEIGHT,
  InteractionEvent,
  interactionStrengths,
  isInteractionType,
  itemAudience,
  STRENGTH_CAP,
  splitByTime,
  visitorStrengths,
} from "./interactions";

const DAY = 86_400_000;
const T0 = Date.parse("2026-03-01T00:00:00.000Z");
const ev = (visitor: string, item: string, type: InteractionEvent["type"], day: number): InteractionEvent => ({
  visitor,
  item,
  type,
  ts: new Date(T0 + day * DAY).toISOString(),
});

describe("interaction strengths", () => {
  it("weighs a purchase above a cart add above a wishlist above a click above a view", () => {
    const w = INTERACTION_WEIGHT;
    expect(w.purchase).toBeGreaterThan(w.add_to_cart);
    expect(w.add_to_cart).toBeGreaterThan(w.wishlist);
    expect(w.wishlist).toBeGreaterThan(w.click);
    expect(w.click).toBeGreaterThan(w.page_view);
  });

  it("adds repeats up and caps the total", () => {
    const strengths = interactionStrengths([
      { item: "a", type: "page_view" },
      { item: "a", type: "add_to_cart" },
      { item: "a", type: "purchase" },
      { item: "b", type: "click" },
      ...Array.from({ length: 40 }, () => ({ item: "c", type: "page_view" as const })),
    ]);
    expect(strengths).toEqual(new Map([["a", 13], ["b", 2], ["c", STRENGTH_CAP]]));
  });

  it("tells interactions from other session events", () => {
    expect(isInteractionType("add_to_cart")).toBe(true);
    expect(isInteractionType("search")).toBe(false);
    expect(isInteractionType("remove_from_cart")).toBe(false);
  });

  it("validates events at the boundary", () => {
    expect(InteractionEvent.safeParse(ev("v", "a", "purchase", 0)).success).toBe(true);
    expect(InteractionEvent.safeParse({ ...ev("v", "a", "purchase", 0), type: "impression" }).success).toBe(false);
    expect(InteractionEvent.safeParse({ ...ev("v", "a", "purchase", 0), ts: "yesterday" }).success).toBe(false);
  });
});

describe("buildInteractionMatrix", () => {
  const events = [ev("v2", "b", "click", 0), ev("v1", "c", "page_view", 0), ev("v1", "a", "purchase", 1), ev("v2", "a", "page_view", 2), ev("v1", "a", "page_view", 3)];
  const m = buildInteractionMatrix(events);

  it("sorts visitors and items so arrival order does not matter", () => {
    expect(m.visitors).toEqual(["v1", "v2"]);
    expect(m.items).toEqual(["a", "b", "c"]);
    expect(buildInteractionMatrix([...events].reverse())).toEqual(m);
  });

  it("holds each visitor's row and its transpose", () => {
    expect(visitorStrengths(m, "v1")).toEqual(new Map([["a", 9], ["c", 1]]));
    expect(visitorStrengths(m, "v2")).toEqual(new Map([["a", 1], ["b", 2]]));
    expect(visitorStrengths(m, "nobody")).toEqual(new Map());
    expect(Array.from(m.itemStart)).toEqual([0, 2, 3, 4]);
    expect(Array.from(m.itemVisitors)).toEqual([0, 1, 1, 0]);
    expect(Array.from(m.itemStrength)).toEqual([9, 1, 2, 1]);
    expect(itemAudience(m)).toEqual(new Map([["a", 2], ["b", 1], ["c", 1]]));
  });
});

describe("splitByTime", () => {
  const events = [
    ev("ann", "a", "page_view", 1),
    ev("ann", "b", "click", 2),
    ev("ann", "c", "purchase", 12), // new to ann after the cutoff: a test item
    ev("ann", "a", "purchase", 11), // seen before the cutoff: not a discovery
    ev("ann", "d", "page_view", 10), // exactly at the cutoff counts as after
    ev("ann", "c", "page_view", 13), // repeat of a test item
    ev("bob", "a", "page_view", 3), // nothing after the cutoff: trains only
    ev("cy", "a", "page_view", 14), // first seen after the cutoff: a new visitor, not tested
  ];
  const split = splitByTime(events, new Date(T0 + 10 * DAY).toISOString());

  it("trains on what happened before the cutoff", () => {
    expect(split.train.map((e) => `${e.visitor}:${e.item}`)).toEqual(["ann:a", "ann:b", "bob:a"]);
  });

  it("tests each known visitor on the items they discovered after it, first touch first", () => {
    expect(split.test).toEqual(new Map([["ann", ["d", "c"]]]));
    expect(split.newVisitors).toBe(1);
  });

  it("accepts the cutoff as epoch milliseconds and rejects one that is not a time", () => {
    expect(splitByTime(events, T0 + 10 * DAY)).toEqual(split);
    expect(() => splitByTime(events, "soon")).toThrow(RangeError);
  });
});
