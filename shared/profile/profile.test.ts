import { describe, expect, it } from "vitest";
import { applyEvents, currentInterests, MAX_INTERESTS, profileVersion, profileView, strongestInterests, type IncomingEvent, type ProfileView, type VisitorProfile } from "./profile";

const DAY = 86_400_000;
const HALF_LIFE = 7;
const T0 = Date.UTC(2026, 10, 1);

const ev = (id: string, type: IncomingEvent["type"], ts: number, extra: Partial<IncomingEvent> = {}): IncomingEvent => ({
  id, type, ts, page_type: null, category: null, product_id: null, query: null, quiz: null, entry: null, ...extra,
});
const features: Record<string, string[]> = {
  p1: ["category:vector", "skill:pro", "tag:high_end"],
  p2: ["category:photo", "skill:beginner"],
};
const lookup = (id: string) => features[id];

describe("visitor profile", () => {
  it("decays interests exponentially with the configured half-life", () => {
    // page_view weight 1 at T0, decays to 0.5 after one half-life, plus a new click (1.5): 2.0 exactly.
    const p = applyEvents(null, "a", "s1", "mobile", [ev("e1", "page_view", T0, { category: "vector" }), ev("e2", "click", T0 + HALF_LIFE * DAY, { category: "vector" })], T0, HALF_LIFE);
    expect(p.interests["category:vector"]!.w).toBeCloseTo(2.0, 12);
    expect(p.interests["category:vector"]!.at).toBe(T0 + HALF_LIFE * DAY);
    // Two half-lives later the interest reads 2.0 / 4 before normalisation; it is the only one, so 1 after.
    const now = T0 + 3 * HALF_LIFE * DAY;
    expect(currentInterests(p, now, HALF_LIFE, lookup).get("category:vector")).toBe(1);
  });

  it("gives the same interests whatever order late events arrive in", () => {
    const a = ev("a", "page_view", T0, { category: "photo" });
    const b = ev("b", "add_to_cart", T0 + 2 * DAY, { category: "photo", product_id: "p2" });
    const c = ev("c", "page_view", T0 + 5 * DAY, { category: "vector" });
    const inOrder = applyEvents(applyEvents(null, "v", "s", null, [a, b], T0, HALF_LIFE), "v", "s", null, [c], T0, HALF_LIFE);
    const late = applyEvents(applyEvents(null, "v", "s", null, [c], T0, HALF_LIFE), "v", "s", null, [b, a], T0, HALF_LIFE);
    for (const key of ["category:photo", "category:vector", "item:p2"]) {
      const x = inOrder.interests[key]!;
      const y = late.interests[key]!;
      expect(y.w * Math.exp((-Math.LN2 * (T0 + 10 * DAY - y.at)) / (HALF_LIFE * DAY))).toBeCloseTo(x.w * Math.exp((-Math.LN2 * (T0 + 10 * DAY - x.at)) / (HALF_LIFE * DAY)), 10);
    }
    // photo: 1 * 2^(-2/7) + 3 at T0+2d.
    expect(inOrder.interests["category:photo"]!.w).toBeCloseTo(2 ** (-2 / 7) + 3, 12);
  });

  it("applies each event id once, so redelivery changes nothing", () => {
    const batch = [ev("x1", "page_view", T0, { category: "vector" }), ev("x2", "add_to_cart", T0 + 1000, { product_id: "p1" })];
    const once = applyEvents(null, "v", "s", null, batch, T0, HALF_LIFE);
    const twice = applyEvents(once, "v", "s", null, batch, T0, HALF_LIFE);
    expect(twice).toEqual(once);
    expect(twice.event_count).toBe(2);
    expect(twice.cart).toEqual(["p1"]);
  });

  it("applies an id repeated within one batch once", () => {
    const p = applyEvents(null, "v", "s", null, [ev("d1", "add_to_cart", T0, { product_id: "p1" }), ev("d1", "add_to_cart", T0, { product_id: "p1" })], T0, HALF_LIFE);
    expect(p.event_count).toBe(1);
    expect(p.applied_ids).toEqual(["d1"]);
    expect(p.interests["item:p1"]!.w).toBe(3);
  });

  it("leaves the previous profile as it was, whatever the batch changes", () => {
    // A grown profile (more recent events and applied ids than are kept, a cart, quiz answers), deep-frozen: any
    // write into it, or into anything it shares with the result, throws (ES modules are strict).
    let p = applyEvents(null, "v", "s1", "desktop", [ev("q1", "quiz_answer", T0, { quiz: { question: "skill", answer: "pro" } })], T0, HALF_LIFE);
    for (let i = 0; i < 60; i++) {
      p = applyEvents(p, "v", "s1", "desktop", [ev(`g${i}`, i % 3 === 0 ? "add_to_cart" : "page_view", T0 + i * 1000, { category: `c${i % 7}`, product_id: `p${i % 11}` })], T0, HALF_LIFE);
    }
    for (let i = 0; i < 460; i++) p = applyEvents(p, "v", "s1", "desktop", [ev(`h${i}`, "search", T0 + 60_000 + i, { query: "q" })], T0, HALF_LIFE);
    const deepFreeze = <T>(o: T): T => {
      if (o && typeof o === "object") {
        for (const v of Object.values(o)) deepFreeze(v);
        Object.freeze(o);
      }
      return o;
    };
    const before = deepFreeze(p);
    const copy = structuredClone(before);
    const batch = [
      ev("n0", "add_to_cart", T0 + DAY - 1, { product_id: "p98" }), // adds to the cart
      ev("n1", "remove_from_cart", T0 + DAY, { product_id: "p0" }), // takes interest back, edits the cart
      ev("n2", "quiz_answer", T0 + DAY + 1, { quiz: { question: "interest", answer: "vector" } }),
      ev("n3", "add_to_cart", T0 + DAY + 2, { category: "c1", product_id: "p99" }),
      ev("n4", "purchase", T0 + DAY + 3, { product_id: "p99" }), // empties the cart
      ev("n5", "page_view", T0 + DAY + 4, { category: "new" }),
    ];
    const after = applyEvents(before, "v", "s2", "mobile", batch, T0 + DAY, HALF_LIFE);
    expect(before).toEqual(copy);
    // The same result as folding into a private deep copy.
    expect(after).toEqual(applyEvents(structuredClone(copy), "v", "s2", "mobile", batch, T0 + DAY, HALF_LIFE));
    expect(after.event_count).toBe(copy.event_count + 6);
    expect(after.applied_ids.length).toBe(500);
    expect(after.recent.length).toBe(50);
    expect(after.explicit["category:vector"]).toBe(1);
    // A redelivery hands back the profile itself: nothing to copy, nothing to write.
    expect(applyEvents(after, "v", "s2", "mobile", batch, T0 + DAY, HALF_LIFE)).toBe(after);
  });

  it("keeps at most MAX_INTERESTS interests, and what it drops barely moves the interest map ranking uses", () => {
    // A daily browser: 140 days, 25 product views a day, three favourites viewed daily and 22 new items a day
    // (3,083 items in all). Each item has a category, a price band and a tag.
    const itemFeaturesOf = (id: string) => {
      const n = Number(id.slice(1));
      return [`category:c${n % 7}`, `price_band:b${n % 3}`, `tag:t${n % 11}`];
    };
    const daysOf = 140;
    const halfLife = 7;
    const lambda = Math.LN2 / (halfLife * DAY);
    const start = T0 - daysOf * DAY;
    const exact = new Map<string, number>();
    let p: VisitorProfile | null = null;
    let largest = 0;
    for (let d = 0; d < daysOf; d++) {
      const batch = Array.from({ length: 25 }, (_, k) => {
        const item = k < 3 ? `i${k}` : `i${3 + d * 22 + (k - 3)}`;
        return ev(`v${d}-${k}`, "page_view", start + d * DAY + k * 60_000, { category: `c${Number(item.slice(1)) % 7}`, product_id: item });
      });
      p = applyEvents(p, "v", `s${d}`, "mobile", batch, T0, halfLife);
      largest = Math.max(largest, Object.keys(p.interests).length);
      // The uncapped weights, summed directly: each view adds 1 decayed to the end of the run.
      for (const e of batch) for (const key of [`category:${e.category}`, `item:${e.product_id}`]) exact.set(key, (exact.get(key) ?? 0) + Math.exp(-lambda * (start + daysOf * DAY - e.ts)));
    }
    expect(largest).toBeLessThanOrEqual(MAX_INTERESTS);
    expect(exact.size).toBe(3_083 + 7);
    const end = start + daysOf * DAY;
    const kept = currentInterests(p!, end, halfLife, itemFeaturesOf);
    const full = currentInterests({ ...p!, interests: Object.fromEntries([...exact].map(([key, w]) => [key, { w, at: end }])) }, end, halfLife, itemFeaturesOf);
    expect([...kept.keys()].sort()).toEqual([...full.keys()].sort());
    for (const [feature, weight] of full) expect(Math.abs(kept.get(feature)! - weight), feature).toBeLessThan(0.01);
    // The favourites and every category stay.
    for (const key of ["item:i0", "item:i1", "item:i2", ...Array.from({ length: 7 }, (_, c) => `category:c${c}`)]) expect(p!.interests[key], key).toBeDefined();
  });

  it("strongestInterests keeps the strongest as of a time, ties by key", () => {
    const interests = { a: { w: 4, at: T0 }, b: { w: 2, at: T0 + 7 * DAY }, c: { w: 2, at: T0 + 7 * DAY }, d: { w: 1, at: T0 + 14 * DAY } };
    // As of T0 + 14 days (7-day half-life): a 1, b 1, c 1, d 1: all tie, so the first keys by name stay.
    expect(Object.keys(strongestInterests(interests, 2, T0 + 14 * DAY, 7))).toEqual(["a", "b"]);
    // As of T0 + 7 days: a 2, b 2, c 2, d 1 (a weight from the future is not grown back).
    expect(Object.keys(strongestInterests(interests, 3, T0 + 7 * DAY, 7))).toEqual(["a", "b", "c"]);
    expect(strongestInterests(interests, 1, T0, 7)).toEqual({ a: { w: 4, at: T0 } });
  });

  it("lets explicit quiz answers override implicit interests", () => {
    const p = applyEvents(null, "v", "s", null, [
      ev("1", "page_view", T0, { product_id: "p1" }), // implicit skill:pro via the item's features
      ev("2", "quiz_answer", T0 + 1000, { quiz: { question: "skill", answer: "beginner" } }),
    ], T0, HALF_LIFE);
    const now = T0 + 2000;
    const interests = currentInterests(p, now, HALF_LIFE, lookup);
    expect(interests.get("skill:pro")).toBe(0);
    expect(interests.get("skill:beginner")).toBe(1);
    expect(interests.get("tag:high_end")).toBe(1); // untouched implicit signal
    expect(p.quiz).toEqual({ skill: "beginner" });
  });

  it("tracks sessions, the cart and recency facts", () => {
    let p = applyEvents(null, "v", "s1", "desktop", [ev("1", "add_to_cart", T0, { product_id: "p1" }), ev("2", "add_to_cart", T0 + 1, { product_id: "p2" })], T0, HALF_LIFE);
    p = applyEvents(p, "v", "s1", "desktop", [ev("3", "remove_from_cart", T0 + 2, { product_id: "p1" })], T0, HALF_LIFE);
    expect(p.cart).toEqual(["p2"]);
    expect(p.sessions).toBe(1);
    p = applyEvents(p, "v", "s2", "mobile", [ev("4", "purchase", T0 + 3 * DAY, { product_id: "p2" })], T0, HALF_LIFE);
    expect(p.cart).toEqual([]);
    expect(p.sessions).toBe(2);
    expect(p.previous_visit).toBe(T0 + 2);
    expect(p.device).toBe("mobile");
    // remove_from_cart took interest back from p1: 3 - 2 = 1 at nearly the same instant.
    expect(p.interests["item:p1"]!.w).toBeCloseTo(1, 6);
  });
});

describe("profileVersion", () => {
  const segment = { cluster: "cust_2", lifecycle: "champions", model_version: "seg-1" };

  it("is the same for a store's view and a reader's JSON copy of it, with or without a customer segment", () => {
    const view = { ...profileView(applyEvents(null, "v", "s", "mobile", [ev("a", "page_view", T0)], T0, HALF_LIFE)), customer_segment: null };
    expect(profileVersion(JSON.parse(JSON.stringify(view)) as ProfileView)).toBe(profileVersion(view));
    const withSegment = { ...view, customer_segment: segment };
    expect(profileVersion(JSON.parse(JSON.stringify(withSegment)) as ProfileView)).toBe(profileVersion(withSegment));
  });

  it("changes with every write a store makes: new events, a new customer segment, a profile started again after erasure", () => {
    const first = profileView(applyEvents(null, "v", "s", "mobile", [ev("a", "page_view", T0)], T0, HALF_LIFE));
    const versions = new Set([profileVersion(first)]);
    // Same number of events, later: a write never leaves event_count where it was.
    const next = profileView(applyEvents(applyEvents(null, "v", "s", "mobile", [ev("a", "page_view", T0)], T0, HALF_LIFE), "v", "s", "mobile", [ev("b", "click", T0 + 1000)], T0, HALF_LIFE));
    versions.add(profileVersion(next));
    versions.add(profileVersion({ ...first, customer_segment: segment }));
    versions.add(profileVersion({ ...first, customer_segment: { ...segment, lifecycle: "at_risk" } }));
    versions.add(profileVersion({ ...first, customer_segment: { ...segment, model_version: "seg-2" } }));
    // Erased, then one event again: same count, other first_seen and last_seen.
    versions.add(profileVersion(profileView(applyEvents(null, "v", "s2", "mobile", [ev("c", "page_view", T0 + DAY)], T0 + DAY, HALF_LIFE))));
    expect(versions.size).toBe(6);
  });

  it("stays put when redelivered events change nothing", () => {
    const p = applyEvents(null, "v", "s", "mobile", [ev("a", "page_view", T0), ev("b", "click", T0 + 1)], T0, HALF_LIFE);
    const again = applyEvents(p, "v", "s", "desktop", [ev("b", "click", T0 + 1)], T0 + 5000, HALF_LIFE);
    expect(profileVersion(profileView(again))).toBe(profileVersion(profileView(p)));
    expect(again).toEqual(p);
  });
});
