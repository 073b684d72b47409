// The rank index: the catalog precomputed into typed arrays once per snapshot, so scoring a request is a
// tight loop over numbers (no string work, no per-request catalog-sized allocation).
import type { Item } from "../catalog/item";
import type { AuraConfig, RankingConfig, RankingWeights } from "../config/schema";
import type { ItemFacts } from "../persona/features";

export const DEVICE_BITS: Record<string, number> = { mobile: 1, tablet: 2, desktop: 4 };
const ALL_DEVICES = 7;
/** Policy bit for flags the configuration does not know: such items are never shown. */
const UNKNOWN_POLICY_BIT = 1 << 30;

export interface RankIndex {
  config: AuraConfig;
  items: readonly Item[];
  idToIndex: Map<string, number>;
  /** Item feature vocabulary (category:x, tag:x, skill:x, topic:x, cluster:x, price_band:x). */
  featureIds: Map<string, number>;
  featureNames: string[];
  /** CSR lists of feature ids per item: item i owns featList[featStart[i] .. featStart[i+1]). */
  featStart: Int32Array;
  featList: Int32Array;
  priceBand: string[];
  trend: Float32Array;
  popularity: Float32Array;
  inventory: Float32Array;
  margin: Float32Array;
  freshness: Float32Array;
  seasonal: Float32Array;
  /** Each item's published_at as epoch ms, parsed once: freshness is recomputed from it on every refresh. */
  publishedMs: Float64Array;
  inStock: Uint8Array;
  deviceMask: Uint8Array;
  policyMask: Uint32Array;
  /** Countries an item is limited to, or null for everywhere. */
  jurisdictions: (ReadonlySet<string> | null)[];
  /**
   * The same as bits, for the hot loop: bit b set when the item may be shown in the country `countryBits` maps
   * to b; 0 for everywhere. Null when the catalog names more countries than fit in 31 bits (then the sets are
   * checked instead).
   */
  jurisdictionMask: Uint32Array | null;
  countryBits: Map<string, number>;
  clusterId: Int32Array;
  /** Policy flag -> bit, and what each bit needs. */
  policyBits: Map<string, number>;
  policyRules: { bit: number; requiresConsent: string | null; blockedDeviceMask: number }[];
  /** Persona prior per item: persona id -> 0..1 per item. */
  personaAffinity: Map<string, Float32Array>;
  /** Eligible-by-configuration item indices per surface (kind and category). */
  surfaceCandidates: Map<string, Int32Array>;
  activeSeasons: string[];
  /** When freshness and seasonality were last computed (see refreshTimeScores). */
  builtAt: number;
  /**
   * Per surface, device and allowed policy bits: the items that pass the request-independent eligibility
   * checks, with the part of their score that does not depend on the visitor (see rank.ts). Built on first
   * use; refreshTimeScores updates their fixed scores in place.
   */
  plans: Map<string, SurfacePlan>;
}

/** A surface's candidates after stock, device and policy checks, with their visitor-independent score. */
export interface SurfacePlan {
  /** What the plan was built from: a hit must match both (tests and overrides reuse surface ids). */
  weights: RankingWeights;
  pool: Int32Array;
  items: Int32Array;
  /** trendiness, inventory, margin, freshness and seasonality, weighted by the surface's weights. */
  fixedScore: Float64Array;
  /** Some item of the plan is limited to some countries: only then does the loop check jurisdictions. */
  limited: boolean;
  /**
   * Postings, CSR by feature id: the plan positions whose item has feature f are
   * postList[postStart[f] .. postStart[f+1]). A visitor's interest match then walks only the postings of the
   * features they have (null for a per-request plan of explicit candidates: those are scored item by item).
   */
  postStart: Int32Array | null;
  postList: Int32Array | null;
}

/** The part of item i's score that does not depend on the visitor, under weights w (a plan's fixedScore). */
export function fixedScoreOf(index: RankIndex, w: RankingWeights, i: number): number {
  return w.trendiness * index.trend[i]! + w.inventory * index.inventory[i]! + w.margin * index.margin[i]! + w.freshness * index.freshness[i]! + w.seasonal * index.seasonal[i]!;
}

export function priceBandOf(price: number, cfg: RankingConfig["price_bands"]): string {
  return price < cfg.low_below ? "low" : price >= cfg.high_from ? "high" : "mid";
}

/** The item's features as named in persona affinities and visitor interests. */
export function itemFeatureNames(item: Item, band: string): string[] {
  const names = [`category:${item.category}`, `cluster:${item.cluster}`, `skill:${item.skill_level}`, `price_band:${band}`];
  for (const t of item.tags) names.push(`tag:${t}`);
  for (const t of item.topics) names.push(`topic:${t}`);
  return names;
}

function inWindow(mmdd: string, from: string, to: string): boolean {
  return from <= to ? mmdd >= from && mmdd <= to : mmdd >= from || mmdd <= to;
}

/** Retail moments whose calendar window contains `now` (UTC). */
export function activeSeasons(now: number, seasons: RankingConfig["seasons"]): string[] {
  const d = new Date(now);
  const mmdd = `${String(d.getUTCMonth() + 1).padStart(2, "0")}-${String(d.getUTCDate()).padStart(2, "0")}`;
  return seasons.filter((s) => inWindow(mmdd, s.from, s.to)).map((s) => s.tag);
}

/** 1 when published now, 0.5 after one half-life; items dated in the future count as new. */
export function freshnessScore(publishedAt: number, now: number, halfLifeDays: number): number {
  const ageDays = Math.max(0, now - publishedAt) / 86_400_000;
  return Math.exp((-Math.LN2 * ageDays) / halfLifeDays);
}

/** Noisy-OR of 0..1 signals: one strong match counts, several weaker ones add up, never above 1. */
function noisyOr(values: Iterable<number>): number {
  let miss = 1;
  for (const v of values) miss *= 1 - Math.min(1, Math.max(0, v));
  return 1 - miss;
}

export function buildRankIndex(items: readonly Item[], config: AuraConfig, now: number): RankIndex {
  const n = items.length;
  const rc = config.ranking;
  const featureIds = new Map<string, number>();
  const featureNames: string[] = [];
  const idToIndex = new Map<string, number>();
  const featStart = new Int32Array(n + 1);
  const featBuf: number[] = [];
  const priceBand: string[] = new Array<string>(n);
  const trend = new Float32Array(n);
  const popularity = new Float32Array(n);
  const inventory = new Float32Array(n);
  const margin = new Float32Array(n);
  const freshness = new Float32Array(n);
  const seasonal = new Float32Array(n);
  const publishedMs = new Float64Array(n);
  const inStock = new Uint8Array(n);
  const deviceMask = new Uint8Array(n);
  const policyMask = new Uint32Array(n);
  const clusterId = new Int32Array(n);
  const jurisdictions: (ReadonlySet<string> | null)[] = new Array<ReadonlySet<string> | null>(n);
  const clusters = new Map<string, number>();

  const policyBits = new Map<string, number>();
  const policyRules: RankIndex["policyRules"] = [];
  Object.entries(rc.policy_flags).forEach(([flag, rule], i) => {
    const bit = 1 << Math.min(i, 29);
    policyBits.set(flag, bit);
    let blocked = 0;
    for (const d of rule.blocked_devices) blocked |= DEVICE_BITS[d] ?? 0;
    policyRules.push({ bit, requiresConsent: rule.requires_consent, blockedDeviceMask: blocked });
  });

  let maxMargin = 0;
  for (const it of items) maxMargin = Math.max(maxMargin, it.margin);

  const personaAffinity = new Map<string, Float32Array>();
  for (const p of config.persona.personas) personaAffinity.set(p.id, new Float32Array(n));

  for (let i = 0; i < n; i++) {
    const it = items[i]!;
    idToIndex.set(it.id, i);
    const band = priceBandOf(it.price, rc.price_bands);
    priceBand[i] = band;
    const names = itemFeatureNames(it, band);
    featStart[i] = featBuf.length;
    for (const name of names) {
      let fid = featureIds.get(name);
      if (fid === undefined) {
        fid = featureNames.length;
        featureIds.set(name, fid);
        featureNames.push(name);
      }
      featBuf.push(fid);
    }
    publishedMs[i] = Date.parse(it.published_at);
    trend[i] = it.trend;
    popularity[i] = it.popularity;
    inventory[i] = it.inventory === null ? 1 : Math.min(1, it.inventory / rc.inventory_target);
    inStock[i] = it.inventory === null || it.inventory > 0 ? 1 : 0;
    margin[i] = maxMargin > 0 ? it.margin / maxMargin : 0;
    let dm = 0;
    for (const d of it.devices) dm |= DEVICE_BITS[d] ?? 0;
    deviceMask[i] = dm === 0 ? ALL_DEVICES : dm;
    let pm = 0;
    for (const flag of it.policy_flags) pm |= policyBits.get(flag) ?? UNKNOWN_POLICY_BIT;
    policyMask[i] = pm;
    jurisdictions[i] = it.jurisdictions.length > 0 ? new Set(it.jurisdictions) : null;
    let cid = clusters.get(it.cluster);
    if (cid === undefined) clusters.set(it.cluster, (cid = clusters.size));
    clusterId[i] = cid;
    for (const p of config.persona.personas) {
      let affinity = noisyOr(names.map((name) => p.affinity[name] ?? 0));
      // A merchandiser aiming the item at this persona is strong evidence, but not the whole story.
      if (it.personas.includes(p.id)) affinity = noisyOr([affinity, 0.5]);
      personaAffinity.get(p.id)![i] = affinity;
    }
  }
  featStart[n] = featBuf.length;

  const countryBits = new Map<string, number>();
  for (const set of jurisdictions) for (const country of set ?? []) if (!countryBits.has(country)) countryBits.set(country, 1 << Math.min(countryBits.size, 30));
  let jurisdictionMask: Uint32Array | null = null;
  if (countryBits.size <= 31) {
    jurisdictionMask = new Uint32Array(n);
    for (let i = 0; i < n; i++) for (const country of jurisdictions[i] ?? []) jurisdictionMask[i]! |= countryBits.get(country)!;
  }

  const surfaceCandidates = new Map<string, Int32Array>();
  for (const s of config.surfaces) {
    const kinds = new Set<string>(s.kinds);
    const cats = new Set(s.categories);
    const idx: number[] = [];
    for (let i = 0; i < n; i++) {
      const it = items[i]!;
      if (kinds.has(it.kind) && (cats.size === 0 || cats.has(it.category))) idx.push(i);
    }
    surfaceCandidates.set(s.id, Int32Array.from(idx));
  }

  const index: RankIndex = {
    config,
    items,
    idToIndex,
    featureIds,
    featureNames,
    featStart,
    featList: Int32Array.from(featBuf),
    priceBand,
    trend,
    popularity,
    inventory,
    margin,
    freshness,
    seasonal,
    publishedMs,
    inStock,
    deviceMask,
    policyMask,
    jurisdictions,
    jurisdictionMask,
    countryBits,
    clusterId,
    policyBits,
    policyRules,
    personaAffinity,
    surfaceCandidates,
    activeSeasons: [],
    builtAt: now,
    plans: new Map(),
  };
  refreshTimeScores(index, now);
  return index;
}

/**
 * Recomputes the scores that depend on the clock (freshness, seasonality) in place, and the cached plans' fixed
 * scores that fold them in. Cheap (passes over numbers, no allocation), so a snapshot whose catalog has not
 * changed is brought up to date without a rebuild.
 */
export function refreshTimeScores(index: RankIndex, now: number): void {
  const rc = index.config.ranking;
  const seasons = new Set(activeSeasons(now, rc.seasons));
  for (let i = 0; i < index.items.length; i++) {
    const tags = index.items[i]!.seasonal_tags;
    index.freshness[i] = freshnessScore(index.publishedMs[i]!, now, rc.freshness_half_life_days);
    index.seasonal[i] = tags.length === 0 ? 0.5 : tags.some((t) => seasons.has(t)) ? 1 : 0;
  }
  index.activeSeasons = [...seasons];
  index.builtAt = now;
  // A plan's candidates and postings do not depend on the clock; only its fixed scores do. Dropping the plans
  // instead made the first request of each (surface, device, consent) after every refresh rebuild its postings:
  // at 10k items, 15 plans took 16 ms in Node and allocated ~4 MB of typed arrays every SNAPSHOT_TTL_SECONDS.
  for (const plan of index.plans.values()) {
    const { items, fixedScore, weights } = plan;
    for (let c = 0; c < items.length; c++) fixedScore[c] = fixedScoreOf(index, weights, items[c]!);
  }
}

/** Catalog facts for the persona features of a viewed item. */
export function itemFacts(index: RankIndex, id: string): ItemFacts | undefined {
  const i = index.idToIndex.get(id);
  if (i === undefined) return undefined;
  const it = index.items[i]!;
  return { category: it.category, skill_level: it.skill_level, tags: it.tags, price_band: index.priceBand[i]! };
}

/** Feature names of an item, for expanding `item:<id>` interests. */
export function itemFeatures(index: RankIndex, id: string): string[] | undefined {
  const i = index.idToIndex.get(id);
  if (i === undefined) return undefined;
  const out: string[] = [];
  for (let k = index.featStart[i]!; k < index.featStart[i + 1]!; k++) out.push(index.featureNames[index.featList[k]!]!);
  return out;
}
