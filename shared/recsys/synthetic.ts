// A seeded shop with planted collaborative structure, for tests and offline-evaluation demos: visitors belong to
// latent taste groups, and what a group likes only partly follows the catalog's content features, as in a real
// store (two products in one category can have different audiences; one audience buys across categories).
//
// Each group likes a set of items, half from its "home" category and half from anywhere; a visitor draws most
// interactions from the group's set and the rest from the whole catalog, both weighted by a Zipf-like item
// popularity. So popularity alone is a fair baseline, content overlap finds the home-category half, and only
// a collaborative model can find the rest.
import { createRng, type Rng } from "../catalog/prng";
import type { InteractionEvent, InteractionType } from "./interactions";
import { type ContentMatch, type Recommender, topIndices } from "./evaluate";

export interface SyntheticShopOptions {
  visitors: number;
  items: number;
  tasteGroups: number;
  /** Mean interactions per visitor (drawn uniformly from half to one and a half times this). */
  interactionsPerVisitor: number;
  /** Items each taste group likes. */
  likedPerGroup: number;
  /** Share of a visitor's interactions drawn from their group's liked items. */
  groupShare: number;
  days: number;
  seed: number;
  /** First day of activity (ISO); events spread uniformly over `days` from here. */
  start: string;
}

export const DEFAULT_SYNTHETIC_SHOP: SyntheticShopOptions = {
  visitors: 2_000,
  items: 400,
  tasteGroups: 8,
  interactionsPerVisitor: 30,
  likedPerGroup: 40,
  groupShare: 0.8,
  days: 60,
  seed: 20_240_601,
  start: "2026-01-01T00:00:00.000Z",
};

export interface SyntheticShopItem {
  id: string;
  category: string;
  tags: string[];
}

export interface SyntheticShop {
  items: SyntheticShopItem[];
  events: InteractionEvent[];
  /** The planted truth: each visitor's taste group, and each group's liked item ids. */
  tasteGroup: Map<string, number>;
  liked: string[][];
  start: number;
  end: number;
}

const TAGS = 24;
const TAGS_PER_ITEM = 2;
/** How a draw turns into an event: most touches are views, few are purchases (the usual funnel). */
const TYPE_MIX: readonly [InteractionType, number][] = [
  ["page_view", 0.6],
  ["click", 0.2],
  ["wishlist", 0.05],
  ["add_to_cart", 0.1],
  ["purchase", 0.05],
];

/** Index drawn with probability proportional to its weight (cumulative weights, binary search). */
function weightedSampler(weights: readonly number[]): (rng: Rng) => number {
  const cumulative: number[] = [];
  let total = 0;
  for (const w of weights) cumulative.push((total += w));
  return (rng) => {
    const target = rng.next() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

function shuffle<T>(values: T[], rng: Rng): T[] {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [values[i], values[j]] = [values[j]!, values[i]!];
  }
  return values;
}

export function simulateShop(overrides: Partial<SyntheticShopOptions> = {}): SyntheticShop {
  const o = { ...DEFAULT_SYNTHETIC_SHOP, ...overrides };
  const rng = createRng(o.seed);
  const pad = (n: number, width: number) => String(n).padStart(width, "0");

  const items: SyntheticShopItem[] = [];
  const categoryOf: number[] = [];
  for (let i = 0; i < o.items; i++) {
    const category = rng.int(0, o.tasteGroups - 1);
    categoryOf.push(category);
    const tags = new Set<string>();
    while (tags.size < TAGS_PER_ITEM) tags.add(`tag-${pad(rng.int(0, TAGS - 1), 2)}`);
    items.push({ id: `sku-${pad(i, 4)}`, category: `cat-${category}`, tags: [...tags].sort() });
  }
  // Zipf-like popularity over a random order, so popularity is unrelated to category and id.
  const rankOf = shuffle(items.map((_, i) => i), rng);
  const popularity = items.map((_, i) => 1 / (rankOf[i]! + 10) ** 0.8);

  const liked: number[][] = [];
  for (let g = 0; g < o.tasteGroups; g++) {
    const home = shuffle(items.map((_, i) => i).filter((i) => categoryOf[i] === g), rng);
    const set = new Set(home.slice(0, Math.floor(o.likedPerGroup / 2)));
    while (set.size < o.likedPerGroup) set.add(rng.int(0, o.items - 1));
    liked.push([...set].sort((a, b) => a - b));
  }
  const fromGroup = liked.map((set) => weightedSampler(set.map((i) => popularity[i]!)));
  const fromCatalog = weightedSampler(popularity);
  const typeOf = weightedSampler(TYPE_MIX.map(([, p]) => p));

  const start = Date.parse(o.start);
  const span = o.days * 86_400_000;
  const events: InteractionEvent[] = [];
  const tasteGroup = new Map<string, number>();
  for (let v = 0; v < o.visitors; v++) {
    const visitor = `v-${pad(v, 5)}`;
    const g = rng.int(0, o.tasteGroups - 1);
    tasteGroup.set(visitor, g);
    const count = rng.int(Math.round(o.interactionsPerVisitor / 2), Math.round((o.interactionsPerVisitor * 3) / 2));
    for (let k = 0; k < count; k++) {
      const i = rng.chance(o.groupShare) ? liked[g]![fromGroup[g]!(rng)]! : fromCatalog(rng);
      const ts = new Date(start + Math.floor(rng.next() * span)).toISOString();
      events.push({ visitor, item: items[i]!.id, type: TYPE_MIX[typeOf(rng)]![0], ts });
    }
  }
  return { items, events, tasteGroup, liked: liked.map((set) => set.map((i) => items[i]!.id)), start, end: start + span };
}

/**
 * Content match for the synthetic catalog, in [0, 1]: items sharing the category (counted double) and tags of
 * the visitor's history, relative to the best-matching item. Stands in for the real content ranker in tests.
 */
export function contentOverlapMatch(items: readonly SyntheticShopItem[]): ContentMatch {
  const byId = new Map(items.map((it) => [it.id, it]));
  return (history) => {
    const category = new Map<string, number>();
    const tag = new Map<string, number>();
    for (const id of history) {
      const it = byId.get(id);
      if (!it) continue;
      category.set(it.category, (category.get(it.category) ?? 0) + 1);
      for (const t of it.tags) tag.set(t, (tag.get(t) ?? 0) + 1);
    }
    const raw = items.map((it) => 2 * (category.get(it.category) ?? 0) + it.tags.reduce((s, t) => s + (tag.get(t) ?? 0), 0));
    const best = Math.max(0, ...raw);
    return new Map(items.map((it, i) => [it.id, best > 0 ? raw[i]! / best : 0]));
  };
}

/**
 * The content-only baseline: items by content match, ties to the more popular item (as the ranking's
 * popularity prior would break them), then to catalog order.
 */
export function contentOverlapRecommender(items: readonly SyntheticShopItem[], popularity: ReadonlyMap<string, number> = new Map()): Recommender {
  const match = contentOverlapMatch(items);
  const maxPopularity = Math.max(1, ...popularity.values());
  return (history, visitor, limit) => {
    const scores = match(history, visitor);
    // Popularity below one step of content match (the smallest non-zero match difference is 1/best ≥ 1/(4·history)).
    const nudge = 1 / (8 * Math.max(1, history.length) * maxPopularity);
    const ranked = items.map((it) => (scores.get(it.id) ?? 0) + nudge * (popularity.get(it.id) ?? 0));
    return topIndices(ranked, limit).map((i) => items[i]!.id);
  };
}
