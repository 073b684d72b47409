// Implicit feedback from the clickstream: each (visitor, item) pair becomes one strength r (the weighted sum of
// what the visitor did with the item), held as sparse rows both ways round, and a time-based train/test split.
//
// Why these weights: a purchase costs the visitor money and a cart add intent, so they say far more about taste
// than a page view, which is often a mis-click or a browse. The ratios follow the usual funnel (roughly each
// step an order of magnitude rarer than the one before, compressed so that one purchase does not drown a week of
// browsing): view 1, click 2, wishlist 3, add_to_cart 4, purchase 8. Repeats add up, then r is capped (see
// STRENGTH_CAP) so a visitor who reloads one page a hundred times cannot pin the model to that one cell.
import * as z from "zod";

export const interactionTypes = ["page_view", "click", "wishlist", "add_to_cart", "purchase"] as const;
export type InteractionType = (typeof interactionTypes)[number];

/** For picking the interactions out of a wider event stream (a profile's recent events also hold searches, quiz answers). */
export function isInteractionType(type: string): type is InteractionType {
  return (interactionTypes as readonly string[]).includes(type);
}

/** One thing a visitor did with an item, as the nightly job reads it from the event log. */
export const InteractionEvent = z.object({
  visitor: z.string().min(1),
  item: z.string().min(1),
  type: z.enum(interactionTypes),
  ts: z.iso.datetime({ offset: true }),
});
export type InteractionEvent = z.infer<typeof InteractionEvent>;

export const INTERACTION_WEIGHT: Readonly<Record<InteractionType, number>> = {
  page_view: 1,
  click: 2,
  wishlist: 3,
  add_to_cart: 4,
  purchase: 8,
};

/** Three purchases' worth: beyond this more of the same says nothing new about taste. */
export const STRENGTH_CAP = 24;

/**
 * The visitor × item strength matrix in compressed sparse rows, once per visitor and once per item (ALS
 * alternates between the two). Only visitors and items with at least one interaction have a row; ids are
 * sorted so the same events give the same matrix (and the same seeded model) whatever order they arrive in.
 */
export interface InteractionMatrix {
  visitors: readonly string[];
  visitorIndex: ReadonlyMap<string, number>;
  items: readonly string[];
  itemIndex: ReadonlyMap<string, number>;
  /** Visitor v's interactions are entries visitorStart[v] .. visitorStart[v+1] of visitorItems/visitorStrength. */
  visitorStart: Int32Array;
  visitorItems: Int32Array;
  visitorStrength: Float32Array;
  /** Item i's interactions are entries itemStart[i] .. itemStart[i+1] of itemVisitors/itemStrength. */
  itemStart: Int32Array;
  itemVisitors: Int32Array;
  itemStrength: Float32Array;
}

/** Strength per item for one visitor's events (other visitors' events are not filtered: pass one visitor's). */
export function interactionStrengths(events: Iterable<Pick<InteractionEvent, "item" | "type">>): Map<string, number> {
  const strengths = new Map<string, number>();
  for (const e of events) strengths.set(e.item, (strengths.get(e.item) ?? 0) + INTERACTION_WEIGHT[e.type]);
  for (const [item, r] of strengths) if (r > STRENGTH_CAP) strengths.set(item, STRENGTH_CAP);
  return strengths;
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildInteractionMatrix(events: readonly Pick<InteractionEvent, "visitor" | "item" | "type">[]): InteractionMatrix {
  const perVisitor = new Map<string, Map<string, number>>();
  const itemSet = new Set<string>();
  for (const e of events) {
    let row = perVisitor.get(e.visitor);
    if (!row) perVisitor.set(e.visitor, (row = new Map()));
    row.set(e.item, (row.get(e.item) ?? 0) + INTERACTION_WEIGHT[e.type]);
    itemSet.add(e.item);
  }
  const visitors = [...perVisitor.keys()].sort(byCodeUnit);
  const items = [...itemSet].sort(byCodeUnit);
  const visitorIndex = new Map(visitors.map((v, i) => [v, i]));
  const itemIndex = new Map(items.map((id, i) => [id, i]));

  let nnz = 0;
  for (const row of perVisitor.values()) nnz += row.size;
  const visitorStart = new Int32Array(visitors.length + 1);
  const visitorItems = new Int32Array(nnz);
  const visitorStrength = new Float32Array(nnz);
  const itemCount = new Int32Array(items.length);
  let k = 0;
  visitors.forEach((v, u) => {
    visitorStart[u] = k;
    const entries = [...perVisitor.get(v)!].map(([id, r]) => [itemIndex.get(id)!, r] as const).sort((a, b) => a[0] - b[0]);
    for (const [i, r] of entries) {
      visitorItems[k] = i;
      visitorStrength[k] = Math.min(r, STRENGTH_CAP);
      itemCount[i]!++;
      k++;
    }
  });
  visitorStart[visitors.length] = k;

  // The transpose by counting sort: visitors come out in index order within each item.
  const itemStart = new Int32Array(items.length + 1);
  for (let i = 0; i < items.length; i++) itemStart[i + 1] = itemStart[i]! + itemCount[i]!;
  const fill = itemStart.slice(0, items.length);
  const itemVisitors = new Int32Array(nnz);
  const itemStrength = new Float32Array(nnz);
  for (let u = 0; u < visitors.length; u++) {
    for (let e = visitorStart[u]!; e < visitorStart[u + 1]!; e++) {
      const i = visitorItems[e]!;
      const slot = fill[i]!++;
      itemVisitors[slot] = u;
      itemStrength[slot] = visitorStrength[e]!;
    }
  }
  return { visitors, visitorIndex, items, itemIndex, visitorStart, visitorItems, visitorStrength, itemStart, itemVisitors, itemStrength };
}

/** The items of one visitor's row with their strengths (empty for a visitor the matrix does not know). */
export function visitorStrengths(matrix: InteractionMatrix, visitor: string): Map<string, number> {
  const out = new Map<string, number>();
  const u = matrix.visitorIndex.get(visitor);
  if (u === undefined) return out;
  for (let e = matrix.visitorStart[u]!; e < matrix.visitorStart[u + 1]!; e++) out.set(matrix.items[matrix.visitorItems[e]!]!, matrix.visitorStrength[e]!);
  return out;
}

/** Distinct visitors per item: the popularity the baselines use. */
export function itemAudience(matrix: InteractionMatrix): Map<string, number> {
  return new Map(matrix.items.map((id, i) => [id, matrix.itemStart[i + 1]! - matrix.itemStart[i]!]));
}

/**
 * A time-based holdout, the way the model is used: learn from the past, predict what each visitor turns to next.
 * Test items are only those new to the visitor (re-finding an item already seen is what "recently viewed" is
 * for, not a recommender), and only visitors with training history are tested: a visitor first seen after the
 * cutoff is the cold-start case, which no collaborative model can answer; they are counted, not scored.
 */
export interface TimeSplit {
  cutoff: number;
  /** Events strictly before the cutoff. */
  train: InteractionEvent[];
  /** Per visitor with training history: items first interacted with at or after the cutoff, in order of first touch. */
  test: Map<string, string[]>;
  /** Visitors whose every event is at or after the cutoff. */
  newVisitors: number;
}

export function splitByTime(events: readonly InteractionEvent[], cutoff: string | number): TimeSplit {
  const cut = typeof cutoff === "number" ? cutoff : Date.parse(cutoff);
  if (Number.isNaN(cut)) throw new RangeError(`cutoff is not a time: ${String(cutoff)}`);
  const train: InteractionEvent[] = [];
  const seen = new Map<string, Set<string>>();
  const later: { e: InteractionEvent; t: number }[] = [];
  for (const e of events) {
    const t = Date.parse(e.ts);
    if (Number.isNaN(t)) throw new RangeError(`event time is not a time: ${e.ts}`);
    if (t < cut) {
      train.push(e);
      let items = seen.get(e.visitor);
      if (!items) seen.set(e.visitor, (items = new Set()));
      items.add(e.item);
    } else {
      later.push({ e, t });
    }
  }
  // Stable sort: same-time events keep their input order.
  later.sort((a, b) => a.t - b.t);
  const test = new Map<string, string[]>();
  const newcomers = new Set<string>();
  for (const { e } of later) {
    const history = seen.get(e.visitor);
    if (!history) {
      newcomers.add(e.visitor);
      continue;
    }
    if (history.has(e.item)) continue;
    let items = test.get(e.visitor);
    if (!items) test.set(e.visitor, (items = []));
    if (!items.includes(e.item)) items.push(e.item);
  }
  return { cutoff: cut, train, test, newVisitors: newcomers.size };
}
