import { describe, expect, it } from "vitest";
import { RankRequest } from "../api/schemas";
import { syntheticCatalog } from "../catalog/synthetic";
import { defaultConfig } from "../config/default";
import { toIncomingEvents } from "../profile/events";
import { applyEvents, profileView } from "../profile/profile";
import { classifyVisitor, decideRank, type DecideOptions } from "./decide";
import { buildSnapshot } from "./snapshot";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const snapshot = buildSnapshot(syntheticCatalog(300), defaultConfig, "v", NOW);
const opts: DecideOptions = { now: NOW, requestId: "req_1", policyVersion: "p", userAgent: null, profileStatus: "ok" };
const request = (over: Record<string, unknown> = {}) =>
  RankRequest.parse({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_memo_1", device: "mobile", consent: ["analytics", "personalization"], ...over } });

describe("decideRank's shared and remembered parts", () => {
  it("shares one frozen metadata object per item between answers", () => {
    const a = decideRank(snapshot, request(), null, opts);
    const b = decideRank(snapshot, request(), null, { ...opts, requestId: "req_2" });
    expect(a.items[0]!.metadata).toBe(b.items[0]!.metadata);
    expect(Object.isFrozen(a.items[0]!.metadata)).toBe(true);
  });

  it("answers from a remembered profile exactly as from a fresh copy of it, and follows the request's own signals", () => {
    const products = snapshot.index.items.filter((i) => i.kind === "product").slice(0, 6);
    const events = products.map((p, k) => ({ type: k % 3 === 2 ? ("add_to_cart" as const) : ("page_view" as const), ts: new Date(NOW - (10 - k) * 60_000).toISOString(), url: p.url, page_type: "product", product_id: p.id, category: p.category }));
    const incoming = toIncomingEvents({ anon_id: "anon_memo_1", consent: ["analytics", "personalization"], events }, "shop.example");
    const profile = profileView(applyEvents(null, "anon_memo_1", "s1", "mobile", incoming, NOW, defaultConfig.ranking.interest_half_life_days));
    const first = decideRank(snapshot, request(), profile, opts);
    const again = decideRank(snapshot, request(), profile, opts);
    const fresh = decideRank(snapshot, request(), { ...profile }, opts);
    expect(again).toEqual(first);
    expect(fresh).toEqual(first);
    // Another channel on the same profile object: the remembered view must not leak into it.
    const email = request({ utm: { source: "newsletter", medium: "email" } });
    expect(decideRank(snapshot, email, profile, opts)).toEqual(decideRank(snapshot, email, { ...profile }, opts));
    // A stated interest changes the answer without changing what is remembered for the profile.
    const stated = request({ profile: { interests: ["vector"] } });
    expect(decideRank(snapshot, stated, profile, opts)).toEqual(decideRank(snapshot, stated, { ...profile }, opts));
    expect(decideRank(snapshot, request(), profile, opts)).toEqual(first);
    // A minute later, decay is recomputed.
    const later = { ...opts, now: NOW + 90 * 86_400_000 };
    expect(decideRank(snapshot, request(), profile, later)).toEqual(decideRank(snapshot, request(), { ...profile }, later));
    // Another snapshot (other item facts for the same ids): the history summed up under the first is not reused.
    const other = buildSnapshot(syntheticCatalog(300, 7), defaultConfig, "v2", NOW);
    for (const device of ["mobile", "desktop"] as const) {
      for (const page_type of ["index", "product", "guide"]) {
        const r = request({ device, page_type });
        expect(decideRank(other, r, profile, opts)).toEqual(decideRank(other, r, { ...profile }, opts));
        expect(decideRank(snapshot, r, profile, opts)).toEqual(decideRank(snapshot, r, { ...profile }, opts));
      }
    }
  });

  it("decides the same with a visitor classified once (a page's slots) as with each decision classifying", () => {
    const products = snapshot.index.items.filter((i) => i.kind === "product").slice(10, 16);
    const events = products.map((p, k) => ({ type: "page_view" as const, ts: new Date(NOW - (10 - k) * 60_000).toISOString(), url: p.url, page_type: "product", product_id: p.id, category: p.category }));
    const incoming = toIncomingEvents({ anon_id: "anon_memo_2", consent: ["analytics", "personalization"], events }, "shop.example");
    const profile = profileView(applyEvents(null, "anon_memo_2", "s1", "mobile", incoming, NOW, defaultConfig.ranking.interest_half_life_days));
    const signals = { referrer: "https://www.google.com/search?q=vector", utm: { source: "newsletter", medium: "email" }, page_type: "guide" };
    for (const known of [null, profile]) {
      const classified = classifyVisitor(
        snapshot,
        { anonId: "anon_memo_2", device: "mobile", referrer: signals.referrer, utm: signals.utm, pageType: signals.page_type, stated: undefined },
        known,
        NOW,
        "shop.example",
      );
      for (const surface_id of ["homepage.hero", "homepage.carousel", "content.guides"]) {
        const req = RankRequest.parse({ surface_id, user_ctx: { anon_id: "anon_memo_2", device: "mobile", consent: ["analytics", "personalization"], ...signals } });
        const own = { ...opts, ownHost: "shop.example" };
        expect(decideRank(snapshot, req, known, { ...own, visitor: classified })).toEqual(decideRank(snapshot, req, known && { ...known }, own));
      }
      // What the classification found is what the answers say (not a default the option would hide).
      expect(classified.view.segment.persona).toBe(decideRank(snapshot, request({ ...signals }), known, { ...opts, ownHost: "shop.example" }).segment!.persona);
      expect(classified.interests === null).toBe(known === null);
      // The classification given is the one used (a page's slots do not classify again).
      const req = RankRequest.parse({ surface_id: "homepage.carousel", user_ctx: { anon_id: "anon_memo_2", device: "mobile", consent: ["analytics", "personalization"] } });
      expect(decideRank(snapshot, req, known, { ...opts, visitor: classified }).segment).toBe(classified.view.segment);
    }
  });

  it("ranks the same items with the same scores without reasons, and explains only when asked", () => {
    for (const surface_id of ["homepage.hero", "homepage.carousel", "content.guides"]) {
      const req = { ...request(), surface_id };
      const full = decideRank(snapshot, req, null, opts);
      const bare = decideRank(snapshot, req, null, { ...opts, reasons: false });
      expect(bare.items.map((i) => [i.content_id, i.score])).toEqual(full.items.map((i) => [i.content_id, i.score]));
      expect(full.items.every((i) => i.reason.length > 0 && i.components === undefined)).toBe(true);
      expect(bare.items.every((i) => i.reason === "" && i.components === undefined)).toBe(true);
    }
    const explained = decideRank(snapshot, RankRequest.parse({ surface_id: "homepage.carousel", explain: true, user_ctx: { anon_id: "anon_memo_1", consent: [] } }), null, opts);
    expect(Object.keys(explained.items[0]!.components!).sort()).toEqual(["freshness", "inventory", "margin", "seasonal", "trendiness", "user_match"]);
  });
});
