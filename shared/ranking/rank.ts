// Scores a surface's candidates with the hybrid formula (user match, trendiness, inventory, margin,
// freshness, seasonality), applies eligibility, picks the top K with per-cluster diversity, and explains.
import type { Item } from "../catalog/item";
import type { RankingWeights, SurfaceDefinition } from "../config/schema";
import type { DeviceClass } from "../persona/signals";
import { cfWeight } from "../recsys/vectors";
import { DEVICE_BITS, fixedScoreOf, type RankIndex, type SurfacePlan } from "./index";
import type { InterestVector } from "./interests";

export interface RankVisitor {
  /** False without personalization consent: popularity and business rules only, nothing about the visitor. */
  personalized: boolean;
  /** Persona whose prior applies; null or the fallback persona means popularity is the prior. */
  persona: string | null;
  /** Current interests per item feature (0..1) of this index (`interestVector`), or null when unknown. */
  interests: InterestVector | null;
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
  /**
   * What each served item carries besides its score (both by default). A server-rendered page slot shows neither,
   * and /v1/rank returns the components only when asked: explaining the served items was 15 % of everything a
   * page view allocated (bench/heap.ts --page --all-allocations), for reasons no page shows.
   */
  explain?: { reasons: boolean; components: boolean } | undefined;
}

// A type, not an interface: it is then a Record<string, number> the answer's schema takes as it is, uncopied.
export type ScoreComponents = {
  user_match: number;
  trendiness: number;
  inventory: number;
  margin: number;
  freshness: number;
  seasonal: number;
};

export interface RankedItem {
  item: Item;
  score: number;
  /** Absent unless the query's `explain` asks for them. */
  components?: ScoreComponents;
  /** Empty unless the query's `explain` asks for reasons. */
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
/** The same interests unclamped and in full precision, for explanations (which compare them by weight). */
let interestExact = new Float64Array(256);
let anchorMark = new Uint8Array(256);
/** The best `depth` eligible slots so far, best first (see keepBest). */
let bestSlots = new Int32Array(64);
/** Per plan position, the product of (1 - FEATURE_MATCH × interest) over the visitor's features; 1 at rest. */
let missBuf = new Float64Array(1024).fill(1);
/** Per plan position, how many of its item's features the anchor has (Jaccard's intersection); 0 at rest. */
let sharedBuf = new Uint16Array(1024);
/** Per item, 1 for this request's anchor items (never served back); 0 at rest. */
let anchorItem = new Uint8Array(1024);

function ensureCapacity(n: number, features: number, depth: number) {
  if (scoreBuf.length < n) {
    scoreBuf = new Float64Array(n * 2);
    candBuf = new Int32Array(n * 2);
    missBuf = new Float64Array(n * 2).fill(1);
    sharedBuf = new Uint16Array(n * 2);
    anchorItem = new Uint8Array(n * 2);
  }
  if (interestVec.length < features) {
    interestVec = new Float32Array(features * 2);
    interestExact = new Float64Array(features * 2);
    anchorMark = new Uint8Array(features * 2);
  }
  if (bestSlots.length < depth) bestSlots = new Int32Array(depth * 2);
}

/** Policy bits the request may see: a rule's consent must be given and the device must not be blocked. */
function allowedPolicyBits(index: RankIndex, devBit: number, consent: ReadonlySet<string>): number {
  let allowed = 0;
  for (const rule of index.policyRules) {
    const consentOk = rule.requiresConsent === null || consent.has(rule.requiresConsent);
    if (consentOk && (rule.blockedDeviceMask & devBit) === 0) allowed |= rule.bit;
  }
  return allowed;
}

/**
 * The candidates of `pool` a request with this device and these policy bits may see, with the weighted sum of
 * their visitor-independent components. Building it walks the pool once; the surface's own pool is cached on
 * the index, so a request only scores what is eligible and adds the visitor's part.
 */
function buildPlan(index: RankIndex, pool: Int32Array, w: RankingWeights, devBit: number, deniedPolicy: number, withPostings: boolean): SurfacePlan {
  const { inStock, deviceMask, policyMask, jurisdictions, featStart, featList } = index;
  const kept = new Int32Array(pool.length);
  let n = 0;
  let limited = false;
  for (let c = 0; c < pool.length; c++) {
    const i = pool[c]!;
    if (inStock[i] === 0 || (deviceMask[i]! & devBit) === 0 || (policyMask[i]! & deniedPolicy) !== 0) continue;
    if (jurisdictions[i]) limited = true;
    kept[n++] = i;
  }
  const items = kept.slice(0, n);
  const fixedScore = new Float64Array(n);
  for (let c = 0; c < n; c++) fixedScore[c] = fixedScoreOf(index, w, items[c]!);
  if (!withPostings) return { weights: w, pool, items, fixedScore, limited, postStart: null, postList: null };
  // Counting sort of (feature, position) pairs: positions come out ascending within each feature's list.
  const postStart = new Int32Array(index.featureNames.length + 1);
  for (let c = 0; c < n; c++) {
    const i = items[c]!;
    for (let k = featStart[i]!; k < featStart[i + 1]!; k++) postStart[featList[k]! + 1]!++;
  }
  for (let f = 0; f < index.featureNames.length; f++) postStart[f + 1]! += postStart[f]!;
  const postList = new Int32Array(postStart[index.featureNames.length]!);
  const fill = postStart.slice(0, index.featureNames.length);
  for (let c = 0; c < n; c++) {
    const i = items[c]!;
    for (let k = featStart[i]!; k < featStart[i + 1]!; k++) postList[fill[featList[k]!]!++] = c;
  }
  return { weights: w, pool, items, fixedScore, limited, postStart, postList };
}

/** Plans are few (surfaces × devices × consent combinations); this only guards against a pathological config. */
const PLAN_LIMIT = 256;

function surfacePlan(index: RankIndex, surface: SurfaceDefinition, w: RankingWeights, devBit: number, deniedPolicy: number): SurfacePlan {
  const pool = index.surfaceCandidates.get(surface.id) ?? EMPTY;
  const key = `${surface.id}|${devBit}|${deniedPolicy}`;
  const cached = index.plans.get(key);
  if (cached && cached.weights === w && cached.pool === pool) return cached;
  const plan = buildPlan(index, pool, w, devBit, deniedPolicy, true);
  if (index.plans.size >= PLAN_LIMIT) index.plans.clear();
  index.plans.set(key, plan);
  return plan;
}

const EMPTY = new Int32Array(0);

export function rankItems(index: RankIndex, query: RankQuery, visitor: RankVisitor): RankOutcome {
  const { surface } = query;
  const w = query.weights ?? surface.weights;
  const nFeatures = index.featureNames.length;
  // Look a little deeper than the limit, so the cluster caps usually find enough without a full sort.
  const depth = query.limit * 2 + 8;
  ensureCapacity(index.items.length, nFeatures, depth);

  // Eligibility that depends on the request, folded into masks once.
  const devBit = DEVICE_BITS[visitor.device] ?? 4;
  const deniedPolicy = ~allowedPolicyBits(index, devBit, visitor.consent) >>> 0;

  // Candidate set: an explicit list (restricted to the surface's kinds) or the surface's cached plan.
  let plan: SurfacePlan;
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
    plan = buildPlan(index, Int32Array.from(list), w, devBit, deniedPolicy, false);
  } else {
    plan = surfacePlan(index, surface, w, devBit, deniedPolicy);
  }

  // Visitor interests as a dense vector over the feature vocabulary (touched entries reset at the end).
  const touched: number[] = [];
  if (visitor.personalized && visitor.interests) {
    if (visitor.interests.index !== index) throw new Error("interests built for another rank index");
    const { features, weights } = visitor.interests;
    for (let k = 0; k < features.length; k++) {
      const f = features[k]!;
      const v = weights[k]!;
      interestVec[f] = Math.min(1, v);
      interestExact[f] = v;
      touched.push(f);
    }
  }
  const beta = touched.length > 0 ? visitor.evidence / (visitor.evidence + index.config.ranking.evidence_half_point) : 0;
  const prior = visitor.personalized && visitor.persona ? index.personaAffinity.get(visitor.persona) : undefined;

  // Interest match from the postings of the visitor's features: a visitor has a few dozen of them, so this walks
  // about half the (item, feature) pairs the item-by-item product would, and skips the features they lack. The
  // hot loop reads each position's product and puts the 1 back.
  const { postStart, postList } = plan;
  const sparse = beta > 0 && postStart !== null && postList !== null;
  if (sparse) {
    const miss = missBuf;
    for (const f of touched) {
      const factor = 1 - FEATURE_MATCH * interestVec[f]!;
      const end = postStart[f + 1]!;
      for (let k = postStart[f]!; k < end; k++) miss[postList[k]!]! *= factor;
    }
  }

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
  const hasAnchor = anchorTouched.length > 0;
  // Jaccard's intersection from the postings of the anchor's features, as the interest match above: one pass over
  // the positions that share a feature with the anchor, instead of every feature of every candidate (the related
  // and cart surfaces were the costliest to rank, bench/README.md).
  const anchorPostings = hasAnchor && postStart !== null && postList !== null;
  if (anchorPostings) {
    const shared = sharedBuf;
    for (const f of anchorTouched) {
      const end = postStart[f + 1]!;
      for (let k = postStart[f]!; k < end; k++) shared[postList[k]!]!++;
    }
  }

  const cf = visitor.personalized && visitor.cf ? visitor.cf : null;
  const ctx: MatchContext = {
    index, visitor, beta, prior,
    anchorWeight: hasAnchor ? surface.anchor_weight : 0,
    anchorSize: anchorTouched.length,
    cf,
    cfWeight: cf ? cfWeight(cf.interactions) : 0,
  };

  // The hot loop: everything visitor-independent is in the plan; per item this adds the visitor's user_match
  // (prior, interest noisy-OR, anchor Jaccard, collaborative blend: the same formula as userMatch below).
  const { popularity, jurisdictions, featStart, featList } = index;
  const { items: cand, fixedScore, limited } = plan;
  const base = prior ?? popularity;
  const wUser = w.user_match;
  const { anchorWeight, anchorSize, cfWeight: cfW } = ctx;
  const affinity = cf ? cf.affinity : null;
  const country = visitor.country;
  const jurMask = index.jurisdictionMask;
  // A country no item is limited to has no bit: limited items are then not for this visitor.
  const countryBit = country === null ? 0 : (index.countryBits.get(country) ?? 0);
  // A cart holds up to 100 items: marked, not looked up in a set for every candidate.
  const anchored = anchorIdx.length > 0;
  const anchorAt = anchorItem;
  for (const a of anchorIdx) anchorAt[a] = 1;
  const interests = interestVec;
  const marks = anchorMark;
  const scores = scoreBuf;
  const slots = candBuf;
  let eligible = 0;
  let kept = 0;
  let floorScore = -Infinity;
  let floorItem = -1;
  const missed = missBuf;
  const sharedAt = sharedBuf;
  for (let c = 0; c < cand.length; c++) {
    const i = cand[c]!;
    // Read before any `continue`: every position's product goes back to 1, and its anchor count to 0.
    let miss = 1;
    if (sparse) {
      miss = missed[c]!;
      missed[c] = 1;
    }
    let shared = 0;
    if (anchorPostings) {
      shared = sharedAt[c]!;
      sharedAt[c] = 0;
    }
    if (limited) {
      if (jurMask !== null) {
        const m = jurMask[i]!;
        if (m !== 0 && (m & countryBit) === 0) continue;
      } else {
        const jur = jurisdictions[i];
        if (jur && (country === null || !jur.has(country))) continue;
      }
    }
    if (anchored && anchorAt[i] === 1) continue;

    let um = base[i]!;
    if (beta > 0) {
      if (!sparse) {
        const end = featStart[i + 1]!;
        for (let k = featStart[i]!; k < end; k++) miss *= 1 - FEATURE_MATCH * interests[featList[k]!]!;
      }
      um = (1 - beta) * um + beta * (1 - miss);
    }
    if (anchorWeight > 0) {
      const similarity = anchorPostings ? overlap(shared, featStart[i + 1]! - featStart[i]!, anchorSize) : jaccard(featStart, featList, marks, i, anchorSize);
      um = (1 - anchorWeight) * um + anchorWeight * similarity;
    }
    if (affinity !== null) {
      const a = affinity[i]!;
      if (a >= 0) um = (1 - cfW) * um + cfW * a;
    }
    const score = fixedScore[c]! + wUser * um;
    scores[eligible] = score;
    slots[eligible] = i;
    // Most items lose to the current floor on score alone: one comparison, no call.
    if (kept < depth || score > floorScore || (score === floorScore && i < floorItem)) {
      kept = keepBest(eligible, kept, depth);
      const last = bestSlots[kept - 1]!;
      floorScore = scores[last]!;
      floorItem = slots[last]!;
    }
    eligible++;
  }

  const picked = selectDiverse(index, eligible, kept, query.limit, surface.diversity.max_per_cluster, surface.diversity.top_k);
  const explainer = explanation(ctx, w, anchorIdx, query.explain ?? FULL_DETAIL);
  const items = picked.map((slot) => explainer(slots[slot]!, scores[slot]!));

  for (const f of touched) {
    interestVec[f] = 0;
    interestExact[f] = 0;
  }
  for (const f of anchorTouched) anchorMark[f] = 0;
  for (const a of anchorIdx) anchorItem[a] = 0;
  return { items, considered: plan.pool.length, eligible };
}

/** Jaccard similarity of item i's features with the marked anchor features. */
function jaccard(featStart: Int32Array, featList: Int32Array, marks: Uint8Array, i: number, anchorSize: number): number {
  let inter = 0;
  const end = featStart[i + 1]!;
  for (let k = featStart[i]!; k < end; k++) inter += marks[featList[k]!]!;
  return overlap(inter, end - featStart[i]!, anchorSize);
}

/** Jaccard similarity of two feature sets from their sizes and how many features they share. */
function overlap(shared: number, size: number, anchorSize: number): number {
  const union = size + anchorSize - shared;
  return union > 0 ? shared / union : 0;
}

/** Noisy-OR of the visitor's interest in each of item i's features (one perfect match counts FEATURE_MATCH). */
function interestMatch(featStart: Int32Array, featList: Int32Array, interests: Float32Array, i: number): number {
  let miss = 1;
  const end = featStart[i + 1]!;
  for (let k = featStart[i]!; k < end; k++) miss *= 1 - FEATURE_MATCH * interests[featList[k]!]!;
  return 1 - miss;
}

/**
 * Inserts slot `s` into the best-first list of the `kept` best slots (at most `depth`), dropping the worst when
 * full; returns the new length. The list is short (2 × limit + 8), so a shifting insert beats a heap.
 */
function keepBest(s: number, kept: number, depth: number): number {
  const score = scoreBuf[s]!;
  const item = candBuf[s]!;
  let k = kept < depth ? kept : depth - 1;
  while (k > 0) {
    const ahead = bestSlots[k - 1]!;
    const aheadScore = scoreBuf[ahead]!;
    if (score < aheadScore || (score === aheadScore && item > candBuf[ahead]!)) break;
    bestSlots[k] = ahead;
    k--;
  }
  bestSlots[k] = s;
  return kept < depth ? kept + 1 : depth;
}

/**
 * The best `depth` of the `n` eligible slots into bestSlots, best first, by one more pass over the scores (the
 * cluster caps exhausted the list the scoring loop kept). Returns how many were kept.
 */
function keepDeeper(n: number, depth: number): number {
  if (bestSlots.length < depth) bestSlots = new Int32Array(depth * 2);
  let kept = 0;
  let floorScore = -Infinity;
  let floorItem = -1;
  for (let s = 0; s < n; s++) {
    const score = scoreBuf[s]!;
    if (kept < depth || score > floorScore || (score === floorScore && candBuf[s]! < floorItem)) {
      kept = keepBest(s, kept, depth);
      const last = bestSlots[kept - 1]!;
      floorScore = scoreBuf[last]!;
      floorItem = candBuf[last]!;
    }
  }
  return kept;
}

/**
 * Greedy diversity: in the first `topK` positions at most `maxPerCluster` items per cluster, then plain score
 * order. When the catalog cannot satisfy the cap, the best remaining items fill the gap (never fewer results).
 */
function selectDiverse(index: RankIndex, n: number, kept: number, limit: number, maxPerCluster: number, topK: number): number[] {
  if (n === 0) return [];
  const capped = Math.min(topK, limit);
  const pick = (sorted: ArrayLike<number>, length: number): number[] | null => {
    const picked: number[] = [];
    const used = new Set<number>();
    const perCluster = new Map<number, number>();
    for (let k = 0; k < length && picked.length < capped; k++) {
      const s = sorted[k]!;
      const cl = index.clusterId[candBuf[s]!]!;
      const count = perCluster.get(cl) ?? 0;
      if (count >= maxPerCluster) continue;
      perCluster.set(cl, count + 1);
      picked.push(s);
      used.add(s);
    }
    // The kept list ran out before the caps were satisfied, and more items exist: look deeper.
    if (picked.length < capped && length < n) return null;
    for (let k = 0; k < length && picked.length < limit; k++) {
      const s = sorted[k]!;
      if (!used.has(s)) picked.push(s);
    }
    return picked;
  };
  // Widen fourfold until the caps are met or every eligible item is in the list (a page of one cluster's items
  // needs a few passes, never a sort of the whole catalog).
  for (let depth = kept; ; ) {
    const picked = pick(bestSlots, kept);
    if (picked) return picked;
    depth = Math.min(n, depth * 4);
    kept = keepDeeper(n, depth);
  }
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

const FULL_DETAIL = { reasons: true, components: true } as const;

interface MatchContext {
  index: RankIndex;
  visitor: RankVisitor;
  /** Weight of the visitor's own interests against the prior (0 without interests; grows with evidence). */
  beta: number;
  prior: Float32Array | undefined;
  anchorWeight: number;
  anchorSize: number;
  cf: { affinity: Float32Array; interactions: number } | null;
  /** How much the collaborative preference weighs against the content match (grows with interactions). */
  cfWeight: number;
}

/** user_match for item i with its parts, for explanations (the hot loop inlines the same formula). */
function userMatch(ctx: MatchContext, i: number): { value: number; base: number; interest: number; similarity: number; collaborative: number | null } {
  const { index, beta, anchorWeight } = ctx;
  const base = ctx.prior ? ctx.prior[i]! : index.popularity[i]!;
  const interest = beta > 0 ? interestMatch(index.featStart, index.featList, interestVec, i) : 0;
  const similarity = anchorWeight > 0 ? jaccard(index.featStart, index.featList, anchorMark, i, ctx.anchorSize) : 0;
  const personal = beta > 0 ? (1 - beta) * base + beta * interest : base;
  const content = anchorWeight > 0 ? (1 - anchorWeight) * personal + anchorWeight * similarity : personal;
  const collaborative = ctx.cf && ctx.cf.affinity[i]! >= 0 ? ctx.cf.affinity[i]! : null;
  const value = collaborative !== null ? (1 - ctx.cfWeight) * content + ctx.cfWeight * collaborative : content;
  return { value, base, interest, similarity, collaborative };
}

/**
 * The explainer for this request's items. Runs while the scratch interest vector and anchor marks are still set;
 * what is the same for every item (the persona, the anchor's name) is looked up once.
 */
function explanation(ctx: MatchContext, w: RankingWeights, anchorIdx: readonly number[], detail: { reasons: boolean; components: boolean }): (i: number, score: number) => RankedItem {
  const { index, visitor, beta } = ctx;
  const persona = visitor.personalized && visitor.persona ? index.config.persona.personas.find((p) => p.id === visitor.persona) : undefined;
  const anchorName = anchorIdx.length === 1 ? index.items[anchorIdx[0]!]!.id : "your cart";
  return (i, score) => {
    const item = index.items[i]!;
    const ranked: RankedItem = { item, score: round4(score), reason: "" };
    if (!detail.reasons && !detail.components) return ranked;
    const um = userMatch(ctx, i);
    if (detail.components) {
      ranked.components = {
        user_match: round4(um.value),
        trendiness: round4(index.trend[i]!),
        inventory: round4(index.inventory[i]!),
        margin: round4(index.margin[i]!),
        freshness: round4(index.freshness[i]!),
        seasonal: round4(index.seasonal[i]!),
      };
    }
    if (!detail.reasons) return ranked;

    const parts: { weight: number; text: string }[] = [];
    if (!visitor.personalized) {
      parts.push({ weight: w.user_match * um.value, text: "popular" });
    } else {
      const byInterest = beta * um.interest > (1 - beta) * um.base;
      const matched = topMatchedFeatures(index, i, (f) => (byInterest ? interestExact[f]! : (persona?.affinity[index.featureNames[f]!] ?? 0)));
      const text = byInterest
        ? `matches your interest in ${matched || "similar items"}`
        : persona
          ? `fits ${persona.id}${matched ? ` (${matched})` : ""}`
          : "popular";
      parts.push({ weight: w.user_match * um.value, text });
    }
    if (um.collaborative !== null && um.collaborative >= 0.3) parts.push({ weight: w.user_match * um.collaborative, text: "liked by shoppers with your taste" });
    if (um.similarity > 0) parts.push({ weight: w.user_match * ctx.anchorWeight * um.similarity, text: `related to ${anchorName}` });
    if (index.trend[i]! >= 0.6) parts.push({ weight: w.trendiness * index.trend[i]!, text: "trending" });
    if (index.seasonal[i] === 1) {
      const tags = item.seasonal_tags.filter((t) => index.activeSeasons.includes(t));
      parts.push({ weight: w.seasonal, text: `in season (${tags.join(", ")})` });
    }
    if (index.freshness[i]! >= 0.7) parts.push({ weight: w.freshness * index.freshness[i]!, text: "new" });
    if (index.margin[i]! >= 0.75 && w.margin >= 0.15) parts.push({ weight: w.margin * index.margin[i]!, text: "high margin" });
    // Only what actually moved the score explains it.
    const shown = parts.filter((p) => p.weight > 0).sort((a, b) => b.weight - a.weight);
    ranked.reason = `${visitor.reasonPrefix} · ${shown.slice(0, 3).map((p) => p.text).join(", ") || "eligible"}`;
    return ranked;
  };
}

/** The item's two strongest features by `strength` (ties by name), joined: "category:photo, tag:raw". */
function topMatchedFeatures(index: RankIndex, i: number, strength: (feature: number) => number): string {
  let first: string | null = null;
  let firstV = 0;
  let second: string | null = null;
  let secondV = 0;
  const ahead = (v: number, name: string, thanV: number, than: string | null) => than === null || v > thanV || (v === thanV && name < than);
  for (let k = index.featStart[i]!; k < index.featStart[i + 1]!; k++) {
    const f = index.featList[k]!;
    const v = strength(f);
    if (!(v > 0)) continue;
    const name = index.featureNames[f]!;
    if (ahead(v, name, firstV, first)) {
      second = first;
      secondV = firstV;
      first = name;
      firstV = v;
    } else if (ahead(v, name, secondV, second)) {
      second = name;
      secondV = v;
    }
  }
  return first === null ? "" : second === null ? first : `${first}, ${second}`;
}
