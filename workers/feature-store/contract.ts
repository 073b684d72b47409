// The one test suite every feature store passes (the Durable Object store and the Upstash Redis store run it in
// their *.contract.test.ts): profiles built exactly as shared/profile/profile.ts defines them, each event id
// applied once, order-independence, no lost updates under concurrent writers, erasure, and bounded size.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { defaultConfig } from "../../shared/config/default";
import { hashVisitorId } from "../../shared/privacy";
import type { FeatureStore } from "../../shared/profile/feature-store";
import { applyEvents, profileView, RECENT_EVENTS, type IncomingEvent, type ProfileView, type SessionEntry } from "../../shared/profile/profile";

declare module "vitest" {
  export interface ProvidedContext {
    /** Set by test-support/redis-setup.ts: the Upstash REST bridge over a real redis-server, or null without one. */
    upstash: { url: string; token: string } | null;
  }
}

let eventSeq = 0;
const runId = crypto.randomUUID().slice(0, 8);

/** An incoming event with every optional field empty, and an id unique to this run unless one is given. */
export function event(fields: Partial<IncomingEvent> & Pick<IncomingEvent, "type" | "ts">): IncomingEvent {
  return { id: `ev_${runId}_${eventSeq++}`, page_type: null, category: null, product_id: null, query: null, quiz: null, entry: null, ...fields };
}

const fromSocial: SessionEntry = { referrer_class: "social", utm_source: "instagram", utm_medium: "social", utm_campaign: null };
const fromEmail: SessionEntry = { referrer_class: "email", utm_source: "newsletter", utm_medium: "email", utm_campaign: "winter" };

/**
 * What a profile says about the visitor, without the timestamps that depend on the writer's clock (a new
 * profile starts at "now"): the parts that must be identical whichever store applied the events.
 */
function essence(p: ProfileView): Omit<ProfileView, "first_seen" | "last_seen" | "session_started" | "previous_visit" | "customer_segment"> {
  const { first_seen: _f, last_seen: _l, session_started: _s, previous_visit: _p, customer_segment: _c, ...rest } = p;
  return rest;
}

/** The profile shared/profile/profile.ts defines for these batches, applied in order. */
function expected(anonId: string, batches: readonly { sessionId: string | null; events: readonly IncomingEvent[] }[]): ProfileView {
  let p = null;
  for (const b of batches) p = applyEvents(p, anonId, b.sessionId, "mobile", b.events, Date.now(), defaultConfig.ranking.interest_half_life_days);
  return profileView(p!);
}

export function featureStoreContract(name: string, make: () => FeatureStore | Promise<FeatureStore>, fresh: () => string): void {
  describe(`the ${name} feature store (contract)`, () => {
    // Events from the last few minutes: a new profile's sessions start only for events near the writer's "now".
    const base = () => Date.now() - 10 * 60_000;

    it("has no profile for a visitor it has never seen", async () => {
      const store = await make();
      expect(await store.getProfile(fresh())).toBeNull();
    });

    it("builds interests, recent events, cart and sessions as the profile model defines them", async () => {
      const store = await make();
      const anon = fresh();
      const t = base();
      const events = [
        event({ type: "page_view", ts: t, page_type: "guide", category: "guide", entry: fromSocial }),
        event({ type: "page_view", ts: t + 1000, page_type: "product", category: "photo", product_id: "p122" }),
        event({ type: "add_to_cart", ts: t + 2000, category: "photo", product_id: "p122" }),
        event({ type: "search", ts: t + 3000, query: "beginner photo editing" }),
        event({ type: "quiz_answer", ts: t + 4000, quiz: { question: "skill", answer: "beginner" } }),
      ];
      const returned = await store.applyEvents(anon, "s1", "mobile", events);
      const read = await store.getProfile(anon);
      expect(read).not.toBeNull();
      expect(essence(read!)).toEqual(essence(returned));
      expect(essence(read!)).toEqual(essence(expected(anon, [{ sessionId: "s1", events }])));
      expect(read).toMatchObject({ anon_id: anon, session_id: "s1", sessions: 1, event_count: 5, cart: ["p122"], device: "mobile", entry: fromSocial, quiz: { skill: "beginner" } });
      expect(read!.explicit).toEqual({ "skill:beginner": 1, "skill:intermediate": 0, "skill:pro": 0 });
      expect(Object.keys(read!.interests).sort()).toEqual(["category:guide", "category:photo", "item:p122"]);
      expect(read!.interests["item:p122"]!.w).toBeCloseTo(4, 3); // a view (1) and a cart add (3) seconds apart
      expect(read!.recent.map((e) => e.type)).toEqual(["page_view", "page_view", "add_to_cart", "search", "quiz_answer"]);
      expect(read!.session_started).toBe(t);
      expect(read!.last_seen).toBeGreaterThanOrEqual(t + 4000);
      // Readers never get the writer-only dedupe ids.
      expect(read).not.toHaveProperty("applied_ids");
      expect(returned).not.toHaveProperty("applied_ids");
    });

    it("starts a new session for a new session id and remembers when the previous one ended", async () => {
      const store = await make();
      const anon = fresh();
      const t = base();
      await store.applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: t, entry: fromSocial }), event({ type: "page_view", ts: t + 60_000 })]);
      const p = await store.applyEvents(anon, "s2", "desktop", [event({ type: "page_view", ts: t + 120_000, entry: fromEmail })]);
      expect(p).toMatchObject({ sessions: 2, session_id: "s2", session_started: t + 120_000, entry: fromEmail, device: "desktop", event_count: 3 });
      expect(p.previous_visit).toBeGreaterThanOrEqual(t + 60_000);
      expect(essence((await store.getProfile(anon))!)).toEqual(essence(p));
    });

    it("applies a redelivered batch once, and only the new events of an overlapping one", async () => {
      const store = await make();
      const anon = fresh();
      const t = base();
      const batch = [event({ type: "page_view", ts: t, product_id: "p1", category: "photo" }), event({ type: "add_to_cart", ts: t + 1000, product_id: "p1" })];
      const first = await store.applyEvents(anon, "s1", "mobile", batch);
      const again = await store.applyEvents(anon, "s1", "mobile", batch);
      expect(essence(again)).toEqual(essence(first));
      expect(essence((await store.getProfile(anon))!)).toEqual(essence(first));
      const overlapping = [...batch, event({ type: "page_view", ts: t + 2000, product_id: "p2" })];
      const after = await store.applyEvents(anon, "s1", "mobile", overlapping);
      expect(after.event_count).toBe(3);
      expect(after.interests["item:p1"]!.w).toBeCloseTo(first.interests["item:p1"]!.w, 9);
      expect(after.recent).toHaveLength(3);
      expect(essence(after)).toEqual(essence(expected(anon, [{ sessionId: "s1", events: batch }, { sessionId: "s1", events: overlapping }])));
    });

    it("folds late and out-of-order events into the same profile as in-order delivery", async () => {
      const store = await make();
      const t = base();
      const events = Array.from({ length: 6 }, (_, i) => event({ type: i % 3 === 2 ? "add_to_cart" : "page_view", ts: t + i * 30_000, category: i % 2 ? "photo" : "video", product_id: `p${i % 3}` }));
      const inOrder = fresh();
      const shuffled = fresh();
      await store.applyEvents(inOrder, "s1", "mobile", events);
      // Newest first, in three deliveries, the middle one late.
      await store.applyEvents(shuffled, "s1", "mobile", [events[5]!, events[4]!]);
      await store.applyEvents(shuffled, "s1", "mobile", [events[1]!, events[0]!]);
      await store.applyEvents(shuffled, "s1", "mobile", [events[3]!, events[2]!]);
      const a = (await store.getProfile(inOrder))!;
      const b = (await store.getProfile(shuffled))!;
      expect(b.event_count).toBe(a.event_count);
      expect(b.recent).toEqual(a.recent);
      expect(b.cart.slice().sort()).toEqual(a.cart.slice().sort());
      expect(Object.keys(b.interests).sort()).toEqual(Object.keys(a.interests).sort());
      for (const [key, w] of Object.entries(a.interests)) {
        expect(b.interests[key]!.at, key).toBe(w.at);
        expect(b.interests[key]!.w, key).toBeCloseTo(w.w, 9);
      }
    });

    it("loses no update when one visitor's batches are applied concurrently", async () => {
      const store = await make();
      const anon = fresh();
      const t = base();
      const writers = 8;
      const batches = Array.from({ length: writers }, (_, w) =>
        Array.from({ length: 3 }, (_, i) => event({ type: "page_view", ts: t + w * 1000 + i, product_id: `p${w}_${i}`, category: "photo" })),
      );
      await Promise.all(batches.map((events) => store.applyEvents(anon, "s1", "mobile", events)));
      const p = (await store.getProfile(anon))!;
      expect(p.event_count).toBe(writers * 3);
      expect(p.recent).toHaveLength(writers * 3);
      expect(new Set(p.recent.map((e) => e.product_id))).toEqual(new Set(batches.flat().map((e) => e.product_id)));
      for (const e of batches.flat()) expect(p.interests[`item:${e.product_id}`]?.w, e.product_id!).toBeCloseTo(1, 6);
      expect(p.interests["category:photo"]!.w).toBeGreaterThan(writers * 3 - 0.01);
      // And a redelivery of everything, concurrently again, still counts each event once.
      await Promise.all(batches.map((events) => store.applyEvents(anon, "s1", "mobile", events)));
      expect((await store.getProfile(anon))!.event_count).toBe(writers * 3);
    });

    it("keeps a large profile bounded: the newest recent events, the newest cart items", async () => {
      const store = await make();
      const anon = fresh();
      const t = base();
      const views = Array.from({ length: 120 }, (_, i) => event({ type: "page_view", ts: t + i * 1000, product_id: `p${i}` }));
      for (let i = 0; i < views.length; i += 40) await store.applyEvents(anon, "s1", "mobile", views.slice(i, i + 40));
      const carts = Array.from({ length: 60 }, (_, i) => event({ type: "add_to_cart", ts: t + 200_000 + i * 1000, product_id: `c${i}` }));
      await store.applyEvents(anon, "s1", "mobile", carts);
      const p = (await store.getProfile(anon))!;
      expect(p.event_count).toBe(180);
      expect(p.recent).toHaveLength(RECENT_EVENTS);
      expect(p.recent.at(-1)).toMatchObject({ type: "add_to_cart", product_id: "c59" });
      expect(p.recent[0]).toMatchObject({ product_id: `c${60 - RECENT_EVENTS}` });
      expect(p.cart).toHaveLength(50);
      expect(p.cart.at(-1)).toBe("c59");
      expect(p.cart[0]).toBe("c10");
      expect(Object.keys(p.interests)).toHaveLength(180);
    });

    it("erases everything about the visitor and says whether anything was there", async () => {
      const store = await make();
      const anon = fresh();
      const t = base();
      const batch = [event({ type: "page_view", ts: t, product_id: "p1" }), event({ type: "add_to_cart", ts: t + 1, product_id: "p1" })];
      expect(await store.erase(anon)).toBe(false);
      await store.applyEvents(anon, "s1", "mobile", batch);
      expect(await store.erase(anon)).toBe(true);
      expect(await store.getProfile(anon)).toBeNull();
      expect(await store.erase(anon)).toBe(false);
      // Nothing survives, not even which events were applied: the same batch now counts as new.
      const again = await store.applyEvents(anon, "s1", "mobile", batch);
      expect(again).toMatchObject({ event_count: 2, sessions: 1, cart: ["p1"] });
    });

    it("carries the visitor's nightly customer segment with the profile once it is known", async () => {
      const store = await make();
      const customer = fresh();
      const stranger = fresh();
      await env.DB.prepare("INSERT INTO customer_segments (visitor_hash, segment_id, rfm_segment, model_version, assigned_at) VALUES (?, ?, ?, ?, ?)")
        .bind(await hashVisitorId(env.VISITOR_ID_SALT, customer), "cust_3", "at_risk", "kmeans-test", new Date().toISOString())
        .run();
      const t = base();
      for (const anon of [customer, stranger]) await store.applyEvents(anon, "s1", "mobile", [event({ type: "page_view", ts: t, product_id: "p1" })]);
      // Stores may attach it on the write or on a later read (looked up off the hot path): wait for it.
      const deadline = Date.now() + 5000;
      let seen: ProfileView | null = null;
      while (Date.now() < deadline) {
        seen = await store.getProfile(customer);
        if (seen?.customer_segment) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(seen?.customer_segment).toEqual({ cluster: "cust_3", lifecycle: "at_risk", model_version: "kmeans-test" });
      expect(seen?.event_count).toBe(1);
      expect((await store.getProfile(stranger))?.customer_segment ?? null).toBeNull();
    });
  });
}
