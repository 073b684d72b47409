// A synthetic clickstream history for the nightly jobs to learn from (demo seed, tests, benchmarks): customers
// drawn from a few latent behaviours (loyal buyers, bargain hunters, browsers, lapsed, new), each with
// sessions of page views, cart adds and purchases over the past `days`. Deterministic for a seed.
import { createRng, type Rng } from "./prng";

export type HistoryEventType = "page_view" | "click" | "add_to_cart" | "purchase" | "wishlist";

export interface HistoryEvent {
  id: string;
  visitor: string;
  session: string;
  type: HistoryEventType;
  ts: string;
  product_id: string | null;
  category: string | null;
  value: number | null;
}

export interface CustomerArchetype {
  name: string;
  share: number;
  /** Sessions per 30 days while active. */
  sessionsPerMonth: number;
  /** Per session: page views (mean), chance of a cart add, chance a cart becomes a purchase. */
  views: number;
  cartChance: number;
  buyChance: number;
  basket: [number, number];
  /** Active only in the most recent `activeDays` of the history, or only before `lapsedAfterDays` ago. */
  activeDays?: number;
  lapsedAfterDays?: number;
  categories: readonly string[];
}

export const ARCHETYPES: readonly CustomerArchetype[] = [
  { name: "loyal", share: 0.15, sessionsPerMonth: 1.2, views: 2.5, cartChance: 0.5, buyChance: 0.6, basket: [40, 160], categories: ["vector", "photo", "templates"] },
  { name: "bargain", share: 0.2, sessionsPerMonth: 0.8, views: 3, cartChance: 0.45, buyChance: 0.25, basket: [10, 45], categories: ["bundles", "templates"] },
  { name: "browser", share: 0.3, sessionsPerMonth: 0.4, views: 1.5, cartChance: 0.08, buyChance: 0.1, basket: [15, 60], categories: ["photo", "guides"] },
  { name: "lapsed", share: 0.2, sessionsPerMonth: 0.8, views: 2.5, cartChance: 0.3, buyChance: 0.4, basket: [30, 120], lapsedAfterDays: 75, categories: ["vector", "fonts"] },
  { name: "new", share: 0.15, sessionsPerMonth: 1.5, views: 2, cartChance: 0.25, buyChance: 0.3, basket: [20, 80], activeDays: 21, categories: ["guides", "templates"] },
];

export interface HistoryOptions {
  customers: number;
  days: number;
  now: Date;
  seed: number;
  /** Product ids to reference (the demo catalog's, say); p001..p200 when absent. */
  productIds?: readonly string[];
}

export interface SyntheticCustomer {
  visitor: string;
  archetype: string;
}

function poisson(rng: Rng, mean: number): number {
  // Knuth: fine for the small means here.
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

export function syntheticHistory(opts: HistoryOptions): { customers: SyntheticCustomer[]; events: HistoryEvent[] } {
  const rng = createRng(opts.seed);
  const products = opts.productIds ?? Array.from({ length: 200 }, (_, i) => `p${String(i + 1).padStart(3, "0")}`);
  const dayMs = 86_400_000;
  const end = opts.now.getTime();
  const customers: SyntheticCustomer[] = [];
  const events: HistoryEvent[] = [];
  const favourites = new Map(ARCHETYPES.map((a, k) => [a.name, products.filter((_, i) => i % ARCHETYPES.length === k)]));
  for (let c = 0; c < opts.customers; c++) {
    let roll = rng.next();
    const archetype = ARCHETYPES.find((a) => (roll -= a.share) < 0) ?? ARCHETYPES[ARCHETYPES.length - 1]!;
    // Tastes cluster: each behaviour favours its own fifth of the catalog (what collaborative filtering finds).
    const favoured = favourites.get(archetype.name)!;
    const visitor = `anon_hist_${c}`;
    customers.push({ visitor, archetype: archetype.name });
    const from = archetype.activeDays ? end - archetype.activeDays * dayMs : end - opts.days * dayMs;
    const to = archetype.lapsedAfterDays ? end - archetype.lapsedAfterDays * dayMs : end;
    // Individual intensity around the archetype's (Gamma-like spread from a product of uniforms).
    const intensity = 0.4 + 1.2 * rng.next();
    const sessions = Math.max(1, poisson(rng, (archetype.sessionsPerMonth * intensity * (to - from)) / (30 * dayMs)));
    for (let s = 0; s < sessions; s++) {
      const session = `${visitor}_s${s}`;
      let at = from + rng.next() * (to - from);
      const category = rng.pick(archetype.categories);
      const views = 1 + poisson(rng, archetype.views - 1);
      let last: string | null = null;
      const push = (type: HistoryEventType, product: string | null, value: number | null) => {
        events.push({ id: `${session}_${events.length}`, visitor, session, type, ts: new Date(Math.min(at, end - 1000)).toISOString(), product_id: product, category, value });
        at += 20_000 + rng.next() * 90_000;
      };
      for (let v = 0; v < views; v++) {
        last = rng.chance(0.8) ? rng.pick(favoured) : rng.pick(products);
        push("page_view", last, null);
      }
      if (last && rng.chance(archetype.cartChance)) {
        push("add_to_cart", last, null);
        if (rng.chance(archetype.buyChance)) push("purchase", last, Math.round(rng.float(archetype.basket[0], archetype.basket[1]) * 100) / 100);
      }
    }
  }
  events.sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
  return { customers, events };
}
