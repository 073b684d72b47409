// Scores a surface's candidates with the hybrid formula (user match, trendiness, inventory, margin,
// freshness, seasonality), applies eligibility, picks the top K with per-cluster diversity, and explains.
import type { Item } from "../catalog/item";
import type { RankingWeights, SurfaceDefinition } from "../config/schema";
import type { DeviceClass } from "../persona/signals";
import { hybridUserMatch } from "../recsys/vectors";
import { DEVICE_BITS, type RankIndex } from "./index";

export interface RankVisitor {
  /** False without personalization consent: popularity and business rules only, nothing about the visitor. */
  personalized: boolean;
  /** Persona whose prior applies; null or the fallback persona means popularity is the prior. */
  persona: string | null;
  /** Current interests per item feature (0..1), or null when unknown. */
  interests: ReadonlyMap<string, number> | null;
  /** Events known for the visitor: how much their own interests weigh against the persona prior. */
  evidence: number;
  device: DeviceClass;
  country: string | null;
  consent: ReadonlySet<string>;
  /** Reason prefix, e.g. "novice_shopper+mobile+intent:learn". */
  reasonPrefix: string;
  /**
   * Collaborative filtering: the visitor's predicted preference per rank-index item (-1 where the model has no
   * vector: new items rank on content alone) and how many of their items the model knows (its weight grows with it).
   */
  cf?: { affinity: Float32Array; interactions: number } | null;
}

export interface RankQuery {
  surface: SurfaceDefinition;
  limit: number;
  /** Restrict to these ids (unknown ids are ignored); default: every eligible item of the surface. */
  candidates?: readonly string[] | undefined;
  /** For anchor "product": the product being viewed. */
  anchorProductId?: string | null | undefined;
  /** For anchor "cart": what is in the cart (never recommended back). */
  cartIds?: readonly string[] | undefined;
  weights?: RankingWeights | undefined;
}

export interface ScoreComponents {
  user_match: number;
  trendiness: number;
  inventory: number;
  margin: number;
  freshness: number;
  seasonal: number;
}

export interface RankedItem {
  item: Item;
  score: number;
  components: ScoreComponents;
  reason: string;
}

export interface RankOutcome {
  items: RankedItem[];
  /** Candidates looked at and how many passed eligibility. */
  considered: number;
  eligible: number;
}

/** How much one perfectly matching feature counts toward interest match (several add up via noisy-OR). */
const FEATURE_MATCH = 0.7;

// Scratch buffers reused across requests (Workers run one request at a time per isolate between awaits,
// and ranking is synchronous): steady-state ranking allocates nothing catalog-sized.
let scoreBuf = new Float64Array(1024);
let candBuf = new Int32Array(1024);
let interestVec = new Float32Array(256);
let anchorMark = new Uint8Array(256);

function ensureCapacity(n: number, features: number) {
  if (scoreBuf.length < n) {
    scoreBuf = new Float64Array(n * 2);
    candBuf = new Int32Array(n * 2);
  }
  if (interestVec.length < features) {
    interestVec = new Float32Array(features * 2);
    anchorMark = new Uint8Array(features * 2);
  }
}

export function rankItems(index: RankIndex, query: RankQuery, visitor: RankVisitor): RankOutcome {
  const { surface } = query;
  const w = query.weights ?? surface.weights;
  const nFeatures = index.featureNames.length;
  ensureCapacity(index.items.length, nFeatures);

  // Candidate set: explicit list (restricted to the surface's kinds) or the surface's precomputed list.
  let pool: ArrayLike<number>;
  if (query.candidates) {
    const kinds = new Set<string>(surface.kinds);
    const list: number[] = [];
    const seen = new Set<number>();
    for (const id of query.candidates) {
      const i = index.idToIndex.get(id);
      if (i !== undefined && !seen.has(i) && kinds.has(index.items[i]!.kind)) {
        seen.add(i);
        list.push(i);
      }
    }
    pool = list;
  } else {
    pool = index.surfaceCandidates.get(surface.id) ?? new Int32Array(0);
  }

  // Eligibility that depends on the request, folded into masks once.
  const devBit = DEVICE_BITS[visitor.device] ?? 4;
  let allowedPolicy = 0;
  for (const rule of index.policyRules) {
    const consentOk = rule.requiresConsent === null || visitor.consent.has(rule.requiresConsent);
    if (consentOk && (rule.blockedDeviceMask & devBit) === 0) allowedPolicy |= rule.bit;
  }
  const deniedPolicy = ~allowedPolicy >>> 0;

  // Visitor interests as a dense vector over the feature vocabulary (touched entries reset at the end).
  const touched: number[] = [];
  if (visitor.personalized && visitor.interests) {
    for (const [name, v] of visitor.interests) {
      const f = index.featureIds.get(name);
      if (f !== undefined && v > 0) {
        interestVec[f] = Math.min(1, v);
        touched.push(f);
      }
    }
  }
  const beta = touched.length > 0 ? visitor.evidence / (visitor.evidence + index.config.ranking.evidence_half_point) : 0;
  const prior = visitor.personalized && visitor.persona ? index.personaAffinity.get(visitor.persona) : undefined;

  // Anchor (related product or cart) as a marked feature set for Jaccard similarity.
  const anchorIdx: number[] = [];
  if (surface.anchor === "product" && query.anchorProductId) {
    const a = index.idToIndex.get(query.anchorProductId);
    if (a !== undefined) anchorIdx.push(a);
  } else if (surface.anchor === "cart") {
    for (const id of query.cartIds ?? []) {
      const a = index.idToIndex.get(id);
      if (a !== undefined) anchorIdx.push(a);
    }
  }
  const anchorTouched: number[] = [];
  for (const a of anchorIdx) {
    for (let k = index.featStart[a]!; k < index.featStart[a + 1]!; k++) {
      const f = index.featList[k]!;
      if (anchorMark[f] === 0) {
        anchorMark[f] = 1;
        anchorTouched.push(f);
      }
    }
  }
  const anchorSet = new Set(anchorIdx);
  const hasAnchor = anchorTouched.length > 0;

  const ctx: MatchContext = {
    index, visitor, beta, prior,
    anchorWeight: hasAnchor ? surface.anchor_weight : 0,
    anchorSize: anchorTouched.length,
  };
  const { trend, popularity, inventory, margin, freshness, seasonal, inStock, deviceMask, policyMask, jurisdictions, featStart, featList } = index;
  const wUser = w.user_match, wTrend = w.trendiness, wInventory = w.inventory, wMargin = w.margin, wFresh = w.freshness, wSeason = w.seasonal;
  const anchorWeight = ctx.anchorWeight;
  const anchorSize = ctx.anchorSize;
  const excludeAnchors = anchorSet.size > 0;
  const interests = interestVec;
  const marks = anchorMark;
  const cf = visitor.personalized && visitor.cf ? visitor.cf : null;
  let eligible = 0;
  for (let c = 0; c < pool.length; c++) {
    const i = pool[c]!;
    if (inStock[i] === 0 || (deviceMask[i]! & devBit) === 0 || (policyMask[i]! & deniedPolicy) !== 0) continue;
    const jur = jurisdictions[i];
    if (jur && (visitor.country === null || !jur.has(visitor.country))) continue;
    if (excludeAnchors && anchorSet.has(i)) continue;

    const base = prior ? prior[i]! : popularity[i]!;
    const interest = beta > 0 ? interestMatch(featStart, featList, interests, i) : 0;
    const similarity = anchorWeight > 0 ? jaccard(featStart, featList, marks, i, anchorSize) : 0;
    const content = combineUserMatch(base, interest, beta, similarity, anchorWeight);
    const um = cf === null ? content : hybridUserMatch(content, cf.affinity[i]! >= 0 ? cf.affinity[i]! : null, cf.interactions);
    scoreBuf[eligible] =
      wUser * um + wTrend * trend[i]! + wInventory * inventory[i]! + wMargin * margin[i]! + wFresh * freshness[i]! + wSeason * seasonal[i]!;
    candBuf[eligible] = i;
    eligible++;
  }

  const picked = selectDiverse(index, eligible, query.limit, surface.diversity.max_per_cluster, surface.diversity.top_k);
  const items = picked.map((slot) => explain(ctx, candBuf[slot]!, scoreBuf[slot]!, w, anchorIdx));

  for (const f of touched) interestVec[f] = 0;
  for (const f of anchorTouched) anchorMark[f] = 0;
  return { items, considered: pool.length, eligible };
}

/** Jaccard similarity of item i's features with the marked anchor features. */
function jaccard(featStart: Int32Array, featList: Int32Array, marks: Uint8Array, i: number, anchorSize: number): number {
  let inter = 0;
  const end = featStart[i + 1]!;
  const size = end - featStart[i]!;
  for (let k = featStart[i]!; k < end; k++) inter += marks[featList[k]!]!;
  const union = size + anchorSize - inter;
  return union > 0 ? inter / union : 0;
}

/** Noisy-OR of the visitor's interest in each of item i's features (one perfect match counts FEATURE_MATCH). */
function interestMatch(featStart: Int32Array, featList: Int32Array, interests: Float32Array, i: number): number {
  let miss = 1;
  const end = featStart[i + 1]!;
  for (let k = featStart[i]!; k < end; k++) miss *= 1 - FEATURE_MATCH * interests[featList[k]!]!;
  return 1 - miss;
}

/**
 * user_match from its parts: the prior (persona affinity, or popularity), the visitor's own interest match
 * weighted by evidence (beta), then similarity to the anchor (related product, cart) where there is one.
 */
function combineUserMatch(base: number, interest: number, beta: number, similarity: number, anchorWeight: number): number {
  const personal = (1 - beta) * base + beta * interest;
  return (1 - anchorWeight) * personal + anchorWeight * similarity;
}

/** Orders slots of the scratch buffers by score desc, ties by item index (stable across runs). */
function better(a: number, b: number): boolean {
  const sa = scoreBuf[a]!;
  const sb = scoreBuf[b]!;
  return sa > sb || (sa === sb && candBuf[a]! < candBuf[b]!);
}

/** The best `m` of slots [0, n), best first: a bounded min-heap, O(n log m) instead of sorting everything. */
function topSlots(n: number, m: number): number[] {
  const scores = scoreBuf;
  const heap: number[] = [];
  const siftDown = (k: number) => {
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let worst = k;
      if (l < heap.length && better(heap[worst]!, heap[l]!)) worst = l;
      if (r < heap.length && better(heap[worst]!, heap[r]!)) worst = r;
      if (worst === k) return;
      [heap[k], heap[worst]] = [heap[worst]!, heap[k]!];
      k = worst;
    }
  };
  // Once the heap is full most slots lose to its worst entry on score alone: reject those without a call.
  let floor = -Infinity;
  for (let s = 0; s < n; s++) {
    if (scores[s]! < floor) continue;
    if (heap.length < m) {
      heap.push(s);
      for (let k = heap.length - 1; k > 0; ) {
        const parent = (k - 1) >> 1;
        if (!better(heap[parent]!, heap[k]!)) break;
        [heap[k], heap[parent]] = [heap[parent]!, heap[k]!];
        k = parent;
      }
      if (heap.length === m) floor = scores[heap[0]!]!;
    } else if (better(s, heap[0]!)) {
      heap[0] = s;
      siftDown(0);
      floor = scores[heap[0]!]!;
    }
  }
  return heap.sort((a, b) => (better(a, b) ? -1 : 1));
}

/**
 * Greedy diversity: in the first `topK` positions at most `maxPerCluster` items per cluster, then plain score
 * order. When the catalog cannot satisfy the cap, the best remaining items fill the gap (never fewer results).
 */
function selectDiverse(index: RankIndex, n: number, limit: number, maxPerCluster: number, topK: number): number[] {
  if (n === 0) return [];
  // Look a little deeper than the limit; widen to everything only if the cluster caps exhaust that.
  for (let depth = Math.min(n, limit * 2 + 8); ; depth = n) {
    const sorted = topSlots(n, depth);
    const picked: number[] = [];
    const used = new Set<number>();
    const perCluster = new Map<number, number>();
    const capped = Math.min(topK, limit);
    for (const s of sorted) {
      if (picked.length >= capped) break;
      const cl = index.clusterId[candBuf[s]!]!;
      const count = perCluster.get(cl) ?? 0;
      if (count >= maxPerCluster) continue;
      perCluster.set(cl, count + 1);
      picked.push(s);
      used.add(s);
    }
    if (picked.length < capped && depth < n) continue;
    for (const s of sorted) {
      if (picked.length >= limit) break;
      if (!used.has(s)) picked.push(s);
    }
    return picked;
  }
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

interface MatchContext {
  index: RankIndex;
  visitor: RankVisitor;
  /** Weight of the visitor's own interests against the prior (0 without interests; grows with evidence). */
  beta: number;
  prior: Float32Array | undefined;
  anchorWeight: number;
  anchorSize: number;
}

/** user_match for item i with its parts, for explanations (the hot loop inlines the same three helpers). */
function userMatch(ctx: MatchContext, i: number): { value: number; base: number; interest: number; similarity: number; collaborative: number | null } {
  const { index } = ctx;
  const base = ctx.prior ? ctx.prior[i]! : index.popularity[i]!;
  const interest = ctx.beta > 0 ? interestMatch(index.featStart, index.featList, interestVec, i) : 0;
  const similarity = ctx.anchorWeight > 0 ? jaccard(index.featStart, index.featList, anchorMark, i, ctx.anchorSize) : 0;
  const content = combineUserMatch(base, interest, ctx.beta, similarity, ctx.anchorWeight);
  const cf = ctx.visitor.personalized && ctx.visitor.cf ? ctx.visitor.cf : null;
  const collaborative = cf && cf.affinity[i]! >= 0 ? cf.affinity[i]! : null;
  return { value: cf ? hybridUserMatch(content, collaborative, cf.interactions) : content, base, interest, similarity, collaborative };
}

/** Runs while the scratch interest vector and anchor marks are still set for this request. */
function explain(ctx: MatchContext, i: number, score: number, w: RankingWeights, anchorIdx: readonly number[]): RankedItem {
  const { index, visitor, beta } = ctx;
  const item = index.items[i]!;
  const um = userMatch(ctx, i);
  const components: ScoreComponents = {
    user_match: round4(um.value),
    trendiness: round4(index.trend[i]!),
    inventory: round4(index.inventory[i]!),
    margin: round4(index.margin[i]!),
    freshness: round4(index.freshness[i]!),
    seasonal: round4(index.seasonal[i]!),
  };

  const parts: { weight: number; text: string }[] = [];
  if (!visitor.personalized) {
    parts.push({ weight: w.user_match * um.value, text: "popular" });
  } else {
    const persona = visitor.persona ? index.config.persona.personas.find((p) => p.id === visitor.persona) : undefined;
    const byInterest = beta * um.interest > (1 - beta) * um.base;
    const names: string[] = [];
    for (let k = index.featStart[i]!; k < index.featStart[i + 1]!; k++) names.push(index.featureNames[index.featList[k]!]!);
    const matched = names
      .map((name) => ({ name, v: byInterest ? (visitor.interests?.get(name) ?? 0) : (persona?.affinity[name] ?? 0) }))
      .filter((m) => m.v > 0)
      .sort((a, b) => b.v - a.v || a.name.localeCompare(b.name))
      .slice(0, 2)
      .map((m) => m.name);
    const text = byInterest
      ? `matches your interest in ${matched.join(", ") || "similar items"}`
      : persona
        ? `fits ${persona.id}${matched.length ? ` (${matched.join(", ")})` : ""}`
        : "popular";
    parts.push({ weight: w.user_match * um.value, text });
  }
  if (um.collaborative !== null && um.collaborative >= 0.3) parts.push({ weight: w.user_match * um.collaborative, text: "liked by shoppers with your taste" });
  if (um.similarity > 0) {
    const anchor = anchorIdx.length === 1 ? index.items[anchorIdx[0]!]!.id : "your cart";
    parts.push({ weight: w.user_match * ctx.anchorWeight * um.similarity, text: `related to ${anchor}` });
  }
  if (index.trend[i]! >= 0.6) parts.push({ weight: w.trendiness * index.trend[i]!, text: "trending" });
  if (index.seasonal[i] === 1) {
    const tags = item.seasonal_tags.filter((t) => index.activeSeasons.includes(t));
    parts.push({ weight: w.seasonal, text: `in season (${tags.join(", ")})` });
  }
  if (index.freshness[i]! >= 0.7) parts.push({ weight: w.freshness * index.freshness[i]!, text: "new" });
  if (index.margin[i]! >= 0.75 && w.margin >= 0.15) parts.push({ weight: w.margin * index.margin[i]!, text: "high margin" });
  // Only what actually moved the score explains it.
  const shown = parts.filter((p) => p.weight > 0).sort((a, b) => b.weight - a.weight);
  const reason = `${visitor.reasonPrefix} · ${shown.slice(0, 3).map((p) => p.text).join(", ") || "eligible"}`;
  return { item, score: round4(score), components, reason };
}
