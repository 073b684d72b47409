// Offline evaluation on a time-based holdout (interactions.ts splitByTime): how well each model, given a
// visitor's history before the cutoff, ranks the items the visitor went on to discover after it.
//
// Metrics at 10 with binary relevance (a test item is relevant, anything else is not):
// - recall@10 = hits in the top 10 / min(10, test items), so a perfect list scores 1 even for a visitor
//   with more than 10 test items (the "capped" recall of Liang et al. 2018), like NDCG below;
// - NDCG@10 = Σ_{rank ≤ 10} rel / log2(rank + 1), over the same sum for the ideal list (all test items first).
// Both are averaged over visitors with at least one test item (every visitor in split.test). The visitor's
// own training items are removed from every model's list before cutting at 10: re-showing what the visitor
// has seen is not a recommendation, and no test item can be one of them. Items first seen after the cutoff
// stay in the test sets: a collaborative model cannot recommend them, and in production it could not either.
import { type AlsModel, factorVector, foldInUser, scoreItems } from "./als";
import { type InteractionMatrix, type TimeSplit, visitorStrengths } from "./interactions";
import { type ItemNeighbours, scoreByNeighbours } from "./neighbours";
import { type HybridSchedule, type ItemVectorSnapshot, DEFAULT_HYBRID_SCHEDULE, cfAffinities, hybridUserMatch } from "./vectors";

export const EVAL_CUTOFF = 10;

/**
 * A model under evaluation: the visitor's distinct training items (first touched first) → item ids, best first.
 * `limit` is how many the evaluation can use (10 plus the visitor's own items, which it removes); returning
 * more is harmless. A content ranker `(items) => ids` fits as is.
 */
export type Recommender = (trainItems: readonly string[], visitor: string, limit: number) => readonly string[];

export interface ModelScore {
  model: string;
  recall_at_10: number;
  ndcg_at_10: number;
  /** Visitors averaged over. */
  users: number;
}

export function recallAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k = EVAL_CUTOFF): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const id of ranked.slice(0, k)) if (relevant.has(id)) hits++;
  return hits / Math.min(k, relevant.size);
}

export function ndcgAtK(ranked: readonly string[], relevant: ReadonlySet<string>, k = EVAL_CUTOFF): number {
  if (relevant.size === 0) return 0;
  let dcg = 0;
  ranked.slice(0, k).forEach((id, r) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(r + 2);
  });
  let ideal = 0;
  for (let r = 0; r < Math.min(k, relevant.size); r++) ideal += 1 / Math.log2(r + 2);
  return dcg / ideal;
}

/** Each visitor's distinct training items in order of first touch (the order a profile's recent items have). */
export function trainingHistories(split: TimeSplit): Map<string, string[]> {
  const ordered = split.train.map((e, k) => ({ e, t: Date.parse(e.ts), k })).sort((a, b) => a.t - b.t || a.k - b.k);
  const seen = new Map<string, Set<string>>();
  for (const { e } of ordered) {
    const items = seen.get(e.visitor) ?? new Set<string>();
    seen.set(e.visitor, items.add(e.item));
  }
  // A Set iterates in insertion order: first touch first.
  return new Map([...seen].map(([visitor, items]) => [visitor, [...items]]));
}

/** One row per model, in the order given. */
export function evaluateModels(split: TimeSplit, models: Readonly<Record<string, Recommender>>): ModelScore[] {
  const histories = trainingHistories(split);
  const rows: ModelScore[] = [];
  for (const [model, recommend] of Object.entries(models)) {
    let recall = 0;
    let ndcg = 0;
    let users = 0;
    for (const [visitor, testItems] of split.test) {
      if (testItems.length === 0) continue;
      const history = histories.get(visitor) ?? [];
      const own = new Set(history);
      const ranked: string[] = [];
      for (const id of recommend(history, visitor, EVAL_CUTOFF + own.size)) {
        if (ranked.length >= EVAL_CUTOFF) break;
        if (!own.has(id) && !ranked.includes(id)) ranked.push(id);
      }
      const relevant = new Set(testItems);
      recall += recallAtK(ranked, relevant);
      ndcg += ndcgAtK(ranked, relevant);
      users++;
    }
    rows.push({ model, recall_at_10: users ? recall / users : 0, ndcg_at_10: users ? ndcg / users : 0, users });
  }
  return rows;
}

/**
 * Indices of the `limit` highest scores, best first, ties to the lower index (deterministic). A bounded
 * insertion list: the limit is a few dozen, so most scores fail the first comparison.
 */
export function topIndices(scores: ArrayLike<number>, limit: number): number[] {
  const top: number[] = [];
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]!;
    if (top.length >= limit && !(s > scores[top[top.length - 1]!]!)) continue;
    let at = top.length;
    while (at > 0 && s > scores[top[at - 1]!]!) at--;
    top.splice(at, 0, i);
    if (top.length > limit) top.pop();
  }
  return top;
}

/** Most visitors in training first: the non-personalised baseline. */
export function popularityRecommender(matrix: InteractionMatrix): Recommender {
  const audience = new Float64Array(matrix.items.length);
  for (let i = 0; i < audience.length; i++) audience[i] = matrix.itemStart[i + 1]! - matrix.itemStart[i]!;
  const ranked = topIndices(audience, audience.length).map((i) => matrix.items[i]!);
  return () => ranked;
}

/** ALS with the visitor's trained vector (the nightly model as trained; visitors it never saw get nothing). */
export function alsRecommender(model: AlsModel): Recommender {
  return (_items, visitor, limit) => {
    const v = factorVector(model.visitors, visitor);
    if (!v) return [];
    return topIndices(scoreItems(v, model.items), limit).map((i) => model.items.ids[i]!);
  };
}

/**
 * What the rank path can do at the edge: fold the visitor in from their training interactions against the
 * published (quantised) item vectors, then order by cfAffinity.
 */
export function foldInAffinityRecommender(snapshot: ItemVectorSnapshot, train: InteractionMatrix): Recommender {
  return (_items, visitor, limit) => {
    const v = foldInUser(visitorStrengths(train, visitor), snapshot.items, snapshot.foldIn);
    if (!v) return [];
    return topIndices(cfAffinities(v, snapshot.items), limit).map((i) => snapshot.items.ids[i]!);
  };
}

export function neighboursRecommender(neighbours: ItemNeighbours): Recommender {
  return (history, _visitor, limit) => {
    const scores = new Float64Array(neighbours.items.length).fill(-Infinity);
    for (const [id, s] of scoreByNeighbours(history, neighbours)) scores[neighbours.itemIndex.get(id)!] = s;
    // Items no neighbour list reaches have no score at all, not a low one.
    return topIndices(scores, limit)
      .filter((i) => scores[i]! > -Infinity)
      .map((i) => neighbours.items[i]!);
  };
}

/** Content-based user_match per item (0..1) for a visitor's history: what the ranking computes today. */
export type ContentMatch = (trainItems: readonly string[], visitor: string) => ReadonlyMap<string, number>;

/**
 * user_match as the rank path would blend it: content match and folded-in collaborative affinity through
 * hybridUserMatch, the CF weight set by how many of the visitor's items have a vector. Items without a
 * vector keep their content match; items the content side does not score count as content 0.
 */
export function hybridRecommender(
  contentMatch: ContentMatch,
  snapshot: ItemVectorSnapshot,
  train: InteractionMatrix,
  schedule: HybridSchedule = DEFAULT_HYBRID_SCHEDULE,
): Recommender {
  return (history, visitor, limit) => {
    const strengths = visitorStrengths(train, visitor);
    const v = foldInUser(strengths, snapshot.items, snapshot.foldIn);
    const cf = v ? cfAffinities(v, snapshot.items) : null;
    let known = 0;
    for (const id of strengths.keys()) if (snapshot.items.index.has(id)) known++;
    const content = contentMatch(history, visitor);
    const ids = [...new Set([...snapshot.items.ids, ...content.keys()])];
    const scores = ids.map((id) => {
      const r = snapshot.items.index.get(id);
      return hybridUserMatch(content.get(id) ?? 0, cf && r !== undefined ? cf[r]! : null, known, schedule);
    });
    return topIndices(scores, limit).map((k) => ids[k]!);
  };
}
