import { describe, expect, it } from "vitest";
import { defaultConfig } from "../config/default";
import { AuraConfig, PersonaConfig } from "../config/schema";
import { classifyPersona, classifyRecency, compilePersonaModel, microSegment } from "./classify";
import { extractSessionFeatures, sessionEventTypes, summarizeHistory, type ItemFacts, type SessionEvent, type SessionSignals } from "./features";
import { classifyReferrer, normaliseUtmMedium, resolveDevice } from "./signals";

const model = compilePersonaModel(defaultConfig.persona);
const lexicon = defaultConfig.persona.search_lexicon;
const catalog: Record<string, ItemFacts> = {
  starter: { category: "bundle", skill_level: "beginner", tags: ["starter"], price_band: "mid" },
  tablet: { category: "pro_gear", skill_level: "pro", tags: ["high_end"], price_band: "high" },
  monitor: { category: "pro_gear", skill_level: "pro", tags: ["high_end", "4k"], price_band: "high" },
  icons: { category: "vector", skill_level: "intermediate", tags: [], price_band: "low" },
};
const lookup = (id: string) => catalog[id];

const ev = (type: SessionEvent["type"], extra: Partial<SessionEvent> = {}): SessionEvent => ({
  type, ts: 0, page_type: null, category: null, product_id: null, query: null, quiz: null, ...extra,
});
const signals = (over: Partial<SessionSignals>): SessionSignals => ({
  device: "mobile", referrer_class: null, utm_source: null, utm_medium: null, page_type: null,
  events: [], quiz: {}, profile: null, returning: false, ...over,
});

describe("session features", () => {
  it("turns page types and categories into shares, and viewed items into their catalog facts", () => {
    const f = extractSessionFeatures(
      signals({ events: [ev("page_view", { page_type: "guide", category: "tutorial" }), ev("page_view", { page_type: "product", product_id: "starter" }), ev("page_view", { page_type: "guide" })] }),
      lookup, lexicon,
    );
    expect(f.get("page_type:guide")).toBeCloseTo(2 / 3, 12);
    expect(f.get("page_type:product")).toBeCloseTo(1 / 3, 12);
    // "tutorial" from the event, "bundle" from the viewed item's catalog facts.
    expect(f.get("category:tutorial")).toBe(0.5);
    expect(f.get("category:bundle")).toBe(0.5);
    expect(f.get("item_skill:beginner")).toBe(1);
    expect(f.get("item_tag:starter")).toBe(1);
    expect(f.get("device:mobile")).toBe(1);
  });

  it("flags searches by lexicon class, cart adds, comparisons and quiz answers", () => {
    const f = extractSessionFeatures(
      signals({
        events: [ev("search", { query: "Beginner vector course" }), ev("add_to_cart", { product_id: "icons" }), ev("page_view", { product_id: "tablet" }), ev("page_view", { product_id: "monitor" })],
        quiz: { skill: "pro" },
      }),
      lookup, lexicon,
    );
    expect(f.get("search:beginner")).toBe(1);
    expect(f.get("search:vector")).toBe(1);
    expect(f.get("search:pro")).toBeUndefined();
    expect(f.get("cart:add")).toBe(0.5);
    expect(f.get("quiz:skill:pro")).toBe(1);
    expect(f.get("compare:multi_view")).toBeUndefined(); // two pro_gear items, not three
  });
});

describe("a profile's history summed up once", () => {
  it("counts the current page as one more view, listed first, on top of the history's views", () => {
    const events = [ev("page_view", { page_type: "product" }), ev("click", { page_type: "guide" }), ev("page_view", { page_type: "guide" })];
    const f = extractSessionFeatures(signals({ events, page_type: "guide" }), lookup, lexicon, summarizeHistory(events, {}, lookup, lexicon));
    expect([...f.keys()].filter((k) => k.startsWith("page_type:"))).toEqual(["page_type:guide", "page_type:product"]);
    expect(f.get("page_type:guide")).toBe(3 / 4);
    expect(f.get("page_type:product")).toBe(1 / 4);
  });

  it("serves every request's signals with the features and feature order of summing the events per request", () => {
    // The persona model sums weights in feature order, so the order is part of the answer.
    let seed = 11;
    const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    for (let session = 0; session < 300; session++) {
      const events: SessionEvent[] = Array.from({ length: Math.floor(next() * 25) }, () =>
        ev(pick(sessionEventTypes), {
          page_type: next() < 0.7 ? pick(["index", "product", "guide", "search"]) : null,
          category: next() < 0.4 ? pick(["vector", "pro_gear", "tutorial"]) : null,
          product_id: next() < 0.6 ? pick(["starter", "tablet", "monitor", "icons", "unknown"]) : null,
          query: next() < 0.5 ? pick(["beginner vector course", "pro tablet", "socks"]) : null,
        }),
      );
      const quiz: Record<string, string> = next() < 0.3 ? { skill: pick(["pro", "beginner"]), goal: "print" } : {};
      const history = summarizeHistory(events, quiz, lookup, lexicon);
      for (let request = 0; request < 4; request++) {
        const s = signals({
          device: pick(["mobile", "desktop", "tablet"] as const),
          referrer_class: next() < 0.5 ? pick(["search", "social", "direct"] as const) : null,
          utm_source: next() < 0.4 ? "Newsletter" : null,
          utm_medium: next() < 0.4 ? "email" : null,
          page_type: next() < 0.8 ? pick(["index", "product", "guide", "checkout"]) : null,
          events,
          quiz,
          profile: next() < 0.3 ? { skill_level: "pro", interests: ["vector"] } : null,
          returning: next() < 0.5,
        });
        expect([...extractSessionFeatures(s, lookup, lexicon, history)]).toEqual([...extractSessionFeatures(s, lookup, lexicon)]);
      }
    }
  });
});

describe("classifyPersona", () => {
  it("scores personas linearly and reports the softmax confidence of the winner (hand-computed)", () => {
    // Only utm_medium:email and referrer:email are present, with 5 events (not cold start).
    // Scores: novice 0.2 (bias); pro 1.2 + 1.0 = 2.2; photo 0; vector 0.
    // softmax(pro) = e^2.2 / (e^0.2 + e^2.2 + 1 + 1) = 9.025013 / 13.246416 = 0.681318...
    const f = new Map([["utm_medium:email", 1], ["referrer:email", 1]]);
    const r = classifyPersona(f, 5, model);
    const expected = Math.exp(2.2) / (Math.exp(0.2) + Math.exp(2.2) + 2);
    expect(r.persona).toBe("shopper_pro");
    expect(r.confidence).toBeCloseTo(expected, 4);
    expect(r.cold_start).toBe(false);
    expect(r.decided_by.map((d) => d.feature)).toEqual(["utm_medium:email", "referrer:email"]);
    expect(r.decided_by[0]!.contribution).toBe(1.2);
  });

  it("uses the first matching cold-start rule below three events", () => {
    const f = new Map([["utm_medium:social", 1], ["category:vector", 1]]);
    const r = classifyPersona(f, 2, model);
    expect(r).toMatchObject({ persona: "novice_shopper", confidence: 0.6, cold_start: true, fallback: false });
    expect(r.decided_by).toEqual([{ feature: "utm_medium:social", contribution: 1 }]);
    // A quiz answer outranks the channel.
    expect(classifyPersona(new Map([["utm_medium:social", 1], ["quiz:skill:pro", 1]]), 1, model).persona).toBe("shopper_pro");
  });

  it("falls back below the confidence threshold", () => {
    // No evidence at all with enough events: near-uniform scores, top probability ~0.30 < 0.4.
    const r = classifyPersona(new Map([["device:desktop", 1]]), 10, model);
    expect(r.fallback).toBe(true);
    expect(r.persona).toBe("general");
    expect(r.best_guess).toBe("novice_shopper"); // its bias of 0.2 is the only difference
    expect(r.confidence).toBeCloseTo(Math.exp(0.2) / (Math.exp(0.2) + 3), 4);
  });

  it("puts the configured share of visitors in the holdout, who get the fallback persona", () => {
    const held = compilePersonaModel({ ...defaultConfig.persona, holdout_share: 0.25 });
    const f = new Map([["quiz:skill:pro", 1]]);
    expect(classifyPersona(f, 1, held, 0.1)).toMatchObject({ persona: "general", holdout: true, best_guess: "shopper_pro" });
    expect(classifyPersona(f, 1, held, 0.9)).toMatchObject({ persona: "shopper_pro", holdout: false });
  });

  it("classifies intent, defaulting to browse", () => {
    expect(classifyPersona(new Map([["page_type:guide", 1]]), 5, model).intent).toBe("learn");
    expect(classifyPersona(new Map([["cart:add", 1]]), 5, model).intent).toBe("buy");
    expect(classifyPersona(new Map([["compare:multi_view", 1]]), 5, model).intent).toBe("compare");
    expect(classifyPersona(new Map(), 5, model).intent).toBe("browse");
  });
});

describe("micro-segments and recency", () => {
  const day = 86_400_000;
  it("classifies recency from first and previous visits", () => {
    const cfg = defaultConfig.persona.recency;
    expect(classifyRecency(null, null, 100 * day, cfg)).toBe("new");
    expect(classifyRecency(100 * day - 3_600_000, null, 100 * day, cfg)).toBe("new");
    expect(classifyRecency(10 * day, 95 * day, 100 * day, cfg)).toBe("returning");
    expect(classifyRecency(10 * day, 40 * day, 100 * day, cfg)).toBe("lapsed");
  });
  it("builds ids and names from the template", () => {
    expect(microSegment("novice_shopper", "learn", "mobile", "new", defaultConfig.persona)).toMatchObject({
      id: "seg_learn_mobile_new",
      name: "Learning-focused Mobile Users (New)",
    });
    const withPersona = { ...defaultConfig.persona, segment_template: "seg_{persona}_{intent}_{device}_{recency}" };
    expect(microSegment("shopper_pro", "buy", "desktop", "returning", withPersona).id).toBe("seg_shopper_pro_buy_desktop_returning");
  });
  it("names a known customer's segment by their lifecycle stage, and everyone else's by recency", () => {
    const atRisk = microSegment("shopper_pro", "buy", "desktop", "returning", defaultConfig.persona, { cluster: "cust_cluster_1", lifecycle: "at_risk" });
    expect(atRisk).toMatchObject({ id: "seg_buy_desktop_at_risk", name: "Ready-to-buy Desktop Users (At Risk)", lifecycle: "at_risk", customer_segment: "cust_cluster_1" });
    // A browsing customer with no purchases has a cluster but no RFM stage: recency stands in.
    const browser = microSegment("shopper_pro", "buy", "desktop", "returning", defaultConfig.persona, { cluster: "cust_cluster_3", lifecycle: null });
    expect(browser).toMatchObject({ id: "seg_buy_desktop_returning", lifecycle: "returning", customer_segment: "cust_cluster_3" });
    const byCluster = { ...defaultConfig.persona, segment_template: "seg_{cluster}_{device}" };
    expect(microSegment("general", "browse", "mobile", "new", byCluster).id).toBe("seg_none_mobile");
  });
});

describe("configuration validation", () => {
  it("rejects cold-start rules naming unknown personas and a fallback that is a persona", () => {
    const bad = structuredClone(defaultConfig.persona);
    bad.cold_start.rules = [{ when: ["utm_medium:social"], persona: "nobody", confidence: 0.5, always: false }];
    bad.fallback_persona = "shopper_pro";
    const r = PersonaConfig.safeParse(bad);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["fallback_persona", "cold_start.rules.0.persona"]));
  });
  it("rejects duplicate surfaces", () => {
    const input = structuredClone(defaultConfig);
    input.surfaces.push(structuredClone(input.surfaces[0]!));
    expect(AuraConfig.safeParse(input).success).toBe(false);
  });
});

describe("signals", () => {
  it("classifies referrers", () => {
    expect(classifyReferrer("https://l.instagram.com/?u=x")).toBe("social");
    expect(classifyReferrer("https://www.google.com/search?q=x")).toBe("search");
    expect(classifyReferrer("https://mail.google.com/")).toBe("email");
    expect(classifyReferrer(null)).toBe("direct");
    expect(classifyReferrer("https://shop.example/a", "shop.example")).toBe("internal");
    expect(classifyReferrer("not a url")).toBe("other");
  });
  it("normalises devices and UTM mediums", () => {
    expect(resolveDevice(undefined, "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148")).toBe("mobile");
    expect(resolveDevice(undefined, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)")).toBe("tablet");
    expect(resolveDevice("desktop", "iPhone")).toBe("desktop");
    expect(normaliseUtmMedium("Paid-Social")).toBe("social");
    expect(normaliseUtmMedium("E-mail")).toBe("email");
    expect(normaliseUtmMedium("cpc")).toBe("cpc");
  });
});

describe("explicit signals", () => {
  it("lets a stated skill level outrank browsing at any event count", () => {
    // Browsing says pro (score 9.5 for shopper_pro); the visitor said "beginner" in the quiz.
    const f = new Map([["item_skill:pro", 1], ["item_tag:high_end", 1], ["price_band:high", 1], ["category:pro_gear", 1], ["quiz:skill:beginner", 1]]);
    const r = classifyPersona(f, 40, model);
    expect(r).toMatchObject({ persona: "novice_shopper", confidence: 0.8, cold_start: false });
    expect(r.decided_by).toEqual([{ feature: "quiz:skill:beginner", contribution: 1 }]);
    // Without the answer the same browsing is classified by the weights.
    f.delete("quiz:skill:beginner");
    expect(classifyPersona(f, 40, model).persona).toBe("shopper_pro");
  });
});
