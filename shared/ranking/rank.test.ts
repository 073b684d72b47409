import { describe, expect, it } from "vitest";
import { Item, type ItemInput } from "../catalog/item";
import { defaultConfig } from "../config/default";
import type { AuraConfig, SurfaceDefinition } from "../config/schema";
import { createRng } from "../catalog/prng";
import { syntheticCatalog } from "../catalog/synthetic";
import { activeSeasons, buildRankIndex, freshnessScore, itemFeatureNames, refreshTimeScores } from "./index";
import { interestVector } from "./interests";
import { rankItems, type RankVisitor } from "./rank";

const NOW = Date.parse("2026-11-21T12:00:00Z"); // inside autumn and black_friday
const DAY = 86_400_000;

const item = (over: Partial<ItemInput> & { id: string }): Item =>
  Item.parse({
    kind: "product", title: over.id, url: `/p/${over.id}`, category: "photo", cluster: `cl-${over.id}`,
    skill_level: "intermediate", price: 50, margin: 0.5, inventory: null, trend: 0.5, popularity: 0.5,
    published_at: new Date(NOW - 14 * DAY).toISOString(), ...over,
  });

const surface = (over: Partial<SurfaceDefinition> = {}): SurfaceDefinition => ({
  ...defaultConfig.surfaces.find((s) => s.id === "homepage.carousel")!,
  ...over,
});

const anonymous: RankVisitor = {
  personalized: false, persona: null, interests: null, evidence: 0, device: "desktop", country: "US",
  consent: new Set(), reasonPrefix: "popular",
};

describe("hybrid score", () => {
  it("is the weighted sum of its components (hand-computed)", () => {
    // One item: popularity .8 (user_match when not personalized), trend .6, inventory 25/50 = .5,
    // margin .5/.5 = 1 (the only item, so the catalog max), freshness 2^(-14/14) = .5, evergreen seasonal .5.
    // 0.4*.8 + 0.2*.6 + 0.1*.5 + 0.1*1 + 0.1*.5 + 0.1*.5 = 0.32 + 0.12 + 0.05 + 0.1 + 0.05 + 0.05 = 0.69
    const index = buildRankIndex([item({ id: "a", popularity: 0.8, trend: 0.6, inventory: 25 })], defaultConfig, NOW);
    const out = rankItems(index, { surface: surface(), limit: 5 }, anonymous);
    expect(out.items).toHaveLength(1);
    expect(out.items[0]!.score).toBeCloseTo(0.69, 4);
    expect(out.items[0]!.components).toEqual({ user_match: 0.8, trendiness: 0.6, inventory: 0.5, margin: 1, freshness: 0.5, seasonal: 0.5 });
    expect(out.items[0]!.reason).toBe("popular · popular, trending");
  });

  it("decays freshness with the configured half-life and scores seasons by calendar window", () => {
    expect(freshnessScore(NOW - 28 * DAY, NOW, 14)).toBeCloseTo(0.25, 12);
    expect(freshnessScore(NOW + DAY, NOW, 14)).toBe(1);
    expect(activeSeasons(NOW, defaultConfig.ranking.seasons).sort()).toEqual(["autumn", "black_friday"]);
    expect(activeSeasons(Date.parse("2027-01-15T00:00:00Z"), defaultConfig.ranking.seasons)).toEqual(["winter"]);
    const index = buildRankIndex(
      [item({ id: "in", seasonal_tags: ["black_friday"] }), item({ id: "out", seasonal_tags: ["summer"] }), item({ id: "ever" })],
      defaultConfig, NOW,
    );
    expect(Array.from(index.seasonal)).toEqual([1, 0, 0.5]);
  });

  it("uses per-surface weights", () => {
    const index = buildRankIndex([item({ id: "cheap", margin: 0.1, trend: 0.9 }), item({ id: "rich", margin: 0.9, trend: 0.1 })], defaultConfig, NOW);
    const trendOnly = { user_match: 0, trendiness: 1, inventory: 0, margin: 0, freshness: 0, seasonal: 0 };
    const marginOnly = { ...trendOnly, trendiness: 0, margin: 1 };
    expect(rankItems(index, { surface: surface({ weights: trendOnly }), limit: 2 }, anonymous).items.map((r) => r.item.id)).toEqual(["cheap", "rich"]);
    expect(rankItems(index, { surface: surface({ weights: marginOnly }), limit: 2 }, anonymous).items.map((r) => r.item.id)).toEqual(["rich", "cheap"]);
  });
});

describe("eligibility", () => {
  const catalog = [
    item({ id: "ok" }),
    item({ id: "sold_out", inventory: 0 }),
    item({ id: "us_only", jurisdictions: ["US"] }),
    item({ id: "de_only", jurisdictions: ["DE"] }),
    item({ id: "desktop_only", devices: ["desktop"] }),
    item({ id: "adult", policy_flags: ["age_restricted"] }),
    item({ id: "marketing", policy_flags: ["requires_marketing_consent"] }),
    item({ id: "unknown_flag", policy_flags: ["recalled"] }),
    item({ id: "guide", kind: "content", category: "guide" }),
  ];
  const index = buildRankIndex(catalog, defaultConfig, NOW);
  const ids = (v: Partial<RankVisitor>) => rankItems(index, { surface: surface(), limit: 20 }, { ...anonymous, ...v }).items.map((r) => r.item.id).sort();

  it("filters stock, jurisdiction, device, policy flags by consent, and the surface's kinds", () => {
    expect(ids({})).toEqual(["desktop_only", "ok", "us_only"]);
    expect(ids({ country: "DE", device: "mobile" })).toEqual(["de_only", "ok"]);
    expect(ids({ country: null })).toEqual(["desktop_only", "ok"]);
    expect(ids({ consent: new Set(["marketing", "age_verified"]) })).toEqual(["adult", "desktop_only", "marketing", "ok", "us_only"]);
  });

  it("ignores unknown and wrong-kind candidates", () => {
    const out = rankItems(index, { surface: surface(), limit: 10, candidates: ["ok", "nope", "guide", "ok", "sold_out"] }, anonymous);
    expect(out.items.map((r) => r.item.id)).toEqual(["ok"]);
    expect(out.considered).toBe(2);
  });
});

describe("diversity", () => {
  it("keeps at most N per cluster in the top K, then fills by score", () => {
    // Scores fall with the id number; a1..a4 share a cluster.
    const catalog = [
      item({ id: "a1", cluster: "a", popularity: 0.99 }), item({ id: "a2", cluster: "a", popularity: 0.98 }),
      item({ id: "a3", cluster: "a", popularity: 0.97 }), item({ id: "a4", cluster: "a", popularity: 0.96 }),
      item({ id: "b1", cluster: "b", popularity: 0.5 }), item({ id: "c1", cluster: "c", popularity: 0.4 }),
    ];
    const index = buildRankIndex(catalog, defaultConfig, NOW);
    const run = (max: number, topK: number, limit: number) =>
      rankItems(index, { surface: surface({ diversity: { max_per_cluster: max, top_k: topK } }), limit }, anonymous).items.map((r) => r.item.id);
    expect(run(2, 4, 4)).toEqual(["a1", "a2", "b1", "c1"]);
    expect(run(2, 4, 6)).toEqual(["a1", "a2", "b1", "c1", "a3", "a4"]);
    expect(run(1, 2, 3)).toEqual(["a1", "b1", "a2"]);
    // Not enough clusters: the cap relaxes rather than returning fewer items.
    expect(run(1, 6, 6)).toEqual(["a1", "b1", "c1", "a2", "a3", "a4"]);
  });
});

describe("personalization", () => {
  const catalog = [
    item({ id: "starter", category: "bundle", skill_level: "beginner", tags: ["starter"], price: 39, personas: ["novice_shopper"] }),
    item({ id: "monitor", category: "pro_gear", skill_level: "pro", tags: ["high_end"], price: 1200, personas: ["shopper_pro"] }),
    item({ id: "icons", category: "vector", skill_level: "intermediate", price: 19 }),
  ];
  const cfg: AuraConfig = defaultConfig;
  const index = buildRankIndex(catalog, cfg, NOW);
  const onlyMatch = surface({ weights: { user_match: 1, trendiness: 0, inventory: 0, margin: 0, freshness: 0, seasonal: 0 } });
  const visitor = (persona: string | null, interests: Map<string, number> | null = null, evidence = 0): RankVisitor => ({
    ...anonymous, personalized: true, persona, interests: interests && interestVector(index, interests), evidence, reasonPrefix: `${persona}+desktop+intent:browse`,
  });

  it("ranks by the persona prior in cold start (noisy-OR of affinities, hand-computed)", () => {
    const out = rankItems(index, { surface: onlyMatch, limit: 3 }, visitor("novice_shopper"));
    expect(out.items.map((r) => r.item.id)).toEqual(["starter", "icons", "monitor"]);
    // starter: tag:starter .8, skill:beginner .6, category:bundle .5, price_band:mid .2
    //   noisy-OR = 1 - .2*.4*.5*.8 = .968; aimed at novice_shopper: 1 - .032*.5 = .984
    // icons: price_band:low .3 -> .3; monitor: nothing -> 0.
    expect(out.items.map((r) => r.components!.user_match)).toEqual([0.984, 0.3, 0]);
    expect(out.items[0]!.reason).toBe("novice_shopper+desktop+intent:browse · fits novice_shopper (tag:starter, skill:beginner)");
    const pro = rankItems(index, { surface: onlyMatch, limit: 3 }, visitor("shopper_pro"));
    expect(pro.items[0]!.item.id).toBe("monitor");
  });

  it("blends in the visitor's own interests as evidence grows", () => {
    // evidence 8 = half point: beta = .5. icons: prior .3, interest 1-(1-.7*1) = .7 -> .5.
    // starter: prior .984, no interest match -> .492; monitor: prior 0 -> 0.
    const interests = new Map([["category:vector", 1]]);
    const out = rankItems(index, { surface: onlyMatch, limit: 3 }, visitor("novice_shopper", interests, 8));
    expect(out.items.map((r) => [r.item.id, r.components!.user_match])).toEqual([["icons", 0.5], ["starter", 0.492], ["monitor", 0]]);
    expect(out.items[0]!.reason).toContain("matches your interest in category:vector");
  });

  it("names the visitor's strongest interests by their exact weights, not the ranking's single-precision copy", () => {
    // Both match the icons item; 0.3 and 0.30000001 are one float32 (the scoring vector's type), so an explainer
    // reading that copy would tie them and name category:vector first (ties go alphabetically).
    const close = new Map([["category:vector", 0.3], ["skill:intermediate", 0.30000001]]);
    expect(Math.fround(0.3)).toBe(Math.fround(0.30000001));
    const out = rankItems(index, { surface: onlyMatch, limit: 3 }, visitor("novice_shopper", close, 1000));
    const icons = out.items.find((r) => r.item.id === "icons")!;
    expect(icons.reason).toContain("matches your interest in skill:intermediate, category:vector");
  });

  it("refuses interests built over another index's feature ids", () => {
    const other = buildRankIndex([item({ id: "solo", category: "vector" })], cfg, NOW);
    const foreign: RankVisitor = { ...visitor("novice_shopper", null, 8), interests: interestVector(other, [["category:vector", 1]]) };
    expect(() => rankItems(index, { surface: onlyMatch, limit: 3 }, foreign)).toThrow(/another rank index/);
  });

  it("scores related products by feature overlap with the anchor and never returns the anchor", () => {
    const related = surface({ anchor: "product", anchor_weight: 1, weights: onlyMatch.weights });
    const catalog2 = [...catalog, item({ id: "monitor2", category: "pro_gear", skill_level: "pro", tags: ["high_end"], price: 900 })];
    const idx = buildRankIndex(catalog2, cfg, NOW);
    const out = rankItems(idx, { surface: related, limit: 3, anchorProductId: "monitor" }, anonymous);
    expect(out.items[0]!.item.id).toBe("monitor2");
    // monitor: {category:pro_gear, cluster:cl-monitor, skill:pro, price_band:high, tag:high_end}
    // monitor2 shares 4 of 6 distinct features (clusters differ): Jaccard 4/6.
    expect(out.items[0]!.components!.user_match).toBeCloseTo(4 / 6, 4);
    expect(out.items.map((r) => r.item.id)).not.toContain("monitor");
  });
});

describe("a refresh of the clock-dependent scores", () => {
  // The snapshot refresh (every SNAPSHOT_TTL_SECONDS) updates freshness, seasonality and the cached plans' fixed
  // scores in place: the plans' candidates and postings stay. After it, ranking must be what an index built at
  // that time ranks, score for score.
  it("ranks as a fresh index would, keeping the plans it had", () => {
    const catalog = syntheticCatalog(600, 5);
    const visitors: RankVisitor[] = ["mobile", "desktop"].map((device) => ({ ...anonymous, device: device as RankVisitor["device"], consent: new Set(["marketing", "age_verified"]) }));
    const ranked = (index: ReturnType<typeof buildRankIndex>) =>
      defaultConfig.surfaces.flatMap((s) => visitors.map((v) => rankItems(index, { surface: s, limit: 12 }, v).items.map((r) => `${r.item.id} ${r.score}`)));
    const refreshed = buildRankIndex(catalog, defaultConfig, NOW);
    ranked(refreshed);
    const plans = new Map(refreshed.plans);
    // Half a year on: every item's freshness has decayed and the seasons changed (autumn, black_friday -> summer).
    const later = Date.parse("2027-06-21T12:00:00Z");
    refreshTimeScores(refreshed, later);
    const after = ranked(refreshed);
    expect(after).toEqual(ranked(buildRankIndex(catalog, defaultConfig, later)));
    expect(after).not.toEqual(ranked(buildRankIndex(catalog, defaultConfig, NOW)));
    expect(refreshed.plans.size).toBe(plans.size);
    for (const [key, plan] of plans) expect(refreshed.plans.get(key), key).toBe(plan);
  });
});

describe("the optimized ranker against a plain reference", () => {
  // The hot loop folds the visitor-independent score into cached per-surface plans, checks countries by bit
  // masks and keeps a short best-first list instead of sorting. This reference does none of that: it scores every
  // candidate with the documented formula, sorts them all and applies the cluster cap. They must agree.
  const catalog = syntheticCatalog(600, 5);
  const index = buildRankIndex(catalog, defaultConfig, NOW);
  const rng = createRng(99);
  const featureNames = index.featureNames;

  /** `interests` as named weights: the reference reads them by name, not through the index's feature ids. */
  function reference(visitor: RankVisitor, interests: ReadonlyMap<string, number> | null, s: SurfaceDefinition, limit: number, anchors: readonly string[]): { ids: string[]; eligible: number } {
    const w = s.weights;
    const anchorFeatures = new Set(anchors.flatMap((a) => itemFeatureNames(catalog.find((i) => i.id === a)!, index.priceBand[index.idToIndex.get(a)!]!)));
    const scored: { id: string; i: number; score: number }[] = [];
    for (const i of index.surfaceCandidates.get(s.id)!) {
      const it = catalog[i]!;
      if (index.inStock[i] === 0 || !(it.devices.length === 0 || it.devices.includes(visitor.device))) continue;
      const flagsOk = it.policy_flags.every((flag) => {
        const rule = defaultConfig.ranking.policy_flags[flag];
        return rule !== undefined && (rule.requires_consent === null || visitor.consent.has(rule.requires_consent)) && !rule.blocked_devices.includes(visitor.device);
      });
      if (!flagsOk) continue;
      if (it.jurisdictions.length > 0 && (visitor.country === null || !it.jurisdictions.includes(visitor.country))) continue;
      if (anchors.includes(it.id)) continue;
      const names = itemFeatureNames(it, index.priceBand[i]!);
      const prior = visitor.personalized && visitor.persona ? index.personaAffinity.get(visitor.persona)![i]! : index.popularity[i]!;
      const known = [...(interests ?? [])].filter(([name, v]) => v > 0 && index.featureIds.has(name));
      const beta = visitor.personalized && known.length > 0 ? visitor.evidence / (visitor.evidence + defaultConfig.ranking.evidence_half_point) : 0;
      let miss = 1;
      for (const name of names) miss *= 1 - 0.7 * Math.min(1, interests?.get(name) ?? 0);
      let um = (1 - beta) * prior + beta * (1 - miss);
      if (anchorFeatures.size > 0) {
        const inter = new Set(names.filter((n) => anchorFeatures.has(n))).size;
        const union = new Set([...names, ...anchorFeatures]).size;
        um = (1 - s.anchor_weight) * um + s.anchor_weight * (inter / union);
      }
      const score = w.user_match * um + w.trendiness * index.trend[i]! + w.inventory * index.inventory[i]! + w.margin * index.margin[i]! + w.freshness * index.freshness[i]! + w.seasonal * index.seasonal[i]!;
      scored.push({ id: it.id, i, score });
    }
    scored.sort((a, b) => b.score - a.score || a.i - b.i);
    const picked: typeof scored = [];
    const perCluster = new Map<string, number>();
    for (const c of scored) {
      if (picked.length >= Math.min(s.diversity.top_k, limit)) break;
      const cl = catalog[c.i]!.cluster;
      if ((perCluster.get(cl) ?? 0) >= s.diversity.max_per_cluster) continue;
      perCluster.set(cl, (perCluster.get(cl) ?? 0) + 1);
      picked.push(c);
    }
    for (const c of scored) if (picked.length < limit && !picked.includes(c)) picked.push(c);
    return { ids: picked.map((c) => c.id), eligible: scored.length };
  }

  it("returns the reference's items in the reference's order over 300 random requests", () => {
    const countries = ["US", "DE", "FR", "GB", "JP", "BR", null];
    const personas = [null, ...defaultConfig.persona.personas.map((p) => p.id)];
    const consents = [[], ["marketing"], ["age_verified"], ["marketing", "age_verified"]];
    for (let k = 0; k < 300; k++) {
      const s = rng.pick(defaultConfig.surfaces);
      const personalized = rng.chance(0.7);
      const interests = new Map<string, number>();
      for (let f = 0; f < rng.int(0, 30); f++) interests.set(rng.pick(featureNames), rng.next());
      const visitor: RankVisitor = {
        personalized,
        persona: rng.pick(personas),
        interests: personalized ? interestVector(index, interests) : null,
        evidence: rng.int(0, 40),
        device: rng.pick(["mobile", "tablet", "desktop"] as const),
        country: rng.pick(countries),
        consent: new Set(rng.pick(consents)),
        reasonPrefix: "x",
      };
      const anchor = s.anchor === "product" ? catalog[rng.int(0, catalog.length - 1)]!.id : null;
      const cart = s.anchor === "cart" ? Array.from({ length: rng.int(0, 3) }, () => catalog[rng.int(0, catalog.length - 1)]!.id) : [];
      const limit = rng.int(1, 30);
      const out = rankItems(index, { surface: s, limit, anchorProductId: anchor, cartIds: cart }, visitor);
      const expected = reference(visitor, personalized ? interests : null, s, limit, anchor ? [anchor] : cart);
      expect(out.items.map((r) => r.item.id), `request ${k} on ${s.id}`).toEqual(expected.ids);
      expect(out.eligible, `request ${k} on ${s.id}`).toBe(expected.eligible);
      // Less explanation never changes what is ranked: the same items and scores, with only what was asked for.
      const reasonsOnly = rankItems(index, { surface: s, limit, anchorProductId: anchor, cartIds: cart, explain: { reasons: true, components: false } }, visitor);
      const bare = rankItems(index, { surface: s, limit, anchorProductId: anchor, cartIds: cart, explain: { reasons: false, components: false } }, visitor);
      expect(reasonsOnly.items).toEqual(out.items.map(({ components: _, ...r }) => r));
      expect(bare.items).toEqual(out.items.map((r) => ({ item: r.item, score: r.score, reason: "" })));
      expect(out.items.every((r) => r.components !== undefined && r.reason !== "")).toBe(true);
    }
  });
});
