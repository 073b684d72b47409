// Turns what we know about a session (recent events, entry channel, device, profile, quiz answers) into the
// sparse named features the persona and intent models weigh. Feature names are the vocabulary of the config.
import type { DeviceClass, ReferrerClass } from "./signals";

export const sessionEventTypes = [
  "page_view", "click", "search", "add_to_cart", "remove_from_cart", "purchase", "wishlist", "quiz_answer",
] as const;
export type SessionEventType = (typeof sessionEventTypes)[number];

/** A clickstream event as the profile keeps it (compact, catalog-agnostic). */
export interface SessionEvent {
  type: SessionEventType;
  /** Epoch milliseconds. */
  ts: number;
  page_type: string | null;
  category: string | null;
  product_id: string | null;
  query: string | null;
  quiz: { question: string; answer: string } | null;
}

/** The catalog facts about an item that matter for classification. */
export interface ItemFacts {
  category: string;
  skill_level: string;
  tags: readonly string[];
  price_band: string;
}

export interface SessionSignals {
  device: DeviceClass;
  referrer_class: ReferrerClass | null;
  utm_source: string | null;
  utm_medium: string | null;
  /** The page the visitor is on now, counted like one more page view. */
  page_type: string | null;
  /** Most recent events, oldest first. */
  events: readonly SessionEvent[];
  quiz: Readonly<Record<string, string>>;
  /** Logged-in profile facts the storefront vouches for. */
  profile: { skill_level?: string | undefined; interests?: readonly string[] | undefined } | null;
  returning: boolean;
}

export type SessionFeatures = Map<string, number>;

const add = (f: SessionFeatures, key: string, v: number) => f.set(key, (f.get(key) ?? 0) + v);

/**
 * What a visitor's stored history (recent events, quiz answers) contributes, before this request's signals are
 * added. It changes only when the profile does, so a profile's summary is computed once and shared by every
 * request that ranks with it (shared/decision/decide.ts remembers it per profile object).
 */
export interface SessionHistory {
  /** Page views and clicks per page type, in first-seen order, and their total. */
  readonly pageTypes: ReadonlyMap<string, number>;
  readonly pageViews: number;
  readonly categoryCounts: ReadonlyMap<string, number>;
  readonly categorised: number;
  /** Counts of `item_skill:`, `price_band:` and `item_tag:` features over the viewed items, and how many items. */
  readonly itemCounts: ReadonlyMap<string, number>;
  readonly viewedItems: number;
  readonly cartAdds: number;
  /** Flags raised by single events (`cart:purchase`, `search:<class>`), in the order they were first raised. */
  readonly flags: readonly string[];
  readonly multiView: boolean;
  readonly quiz: readonly string[];
}

/** Sums up events and quiz answers: the expensive, request-independent part of the session features. */
export function summarizeHistory(
  events: readonly SessionEvent[],
  quiz: Readonly<Record<string, string>>,
  lookupItem: (id: string) => ItemFacts | undefined,
  searchLexicon: Readonly<Record<string, readonly string[]>>,
): SessionHistory {
  let pageViews = 0;
  let categorised = 0;
  let viewedItems = 0;
  let cartAdds = 0;
  const viewsByCategory = new Map<string, Set<string>>();
  const pageTypes = new Map<string, number>();
  const itemCounts = new Map<string, number>();
  const categoryCounts = new Map<string, number>();
  const flags = new Set<string>();

  for (const e of events) {
    if (e.type === "page_view" || e.type === "click") {
      if (e.page_type) {
        pageTypes.set(e.page_type, (pageTypes.get(e.page_type) ?? 0) + 1);
        pageViews++;
      }
    }
    if (e.category && e.type !== "remove_from_cart") {
      categoryCounts.set(e.category, (categoryCounts.get(e.category) ?? 0) + 1);
      categorised++;
    }
    if (e.product_id && e.type !== "remove_from_cart") {
      const facts = lookupItem(e.product_id);
      if (facts) {
        viewedItems++;
        add(itemCounts, `item_skill:${facts.skill_level}`, 1);
        add(itemCounts, `price_band:${facts.price_band}`, 1);
        for (const tag of facts.tags) add(itemCounts, `item_tag:${tag}`, 1);
        if (!e.category) {
          categoryCounts.set(facts.category, (categoryCounts.get(facts.category) ?? 0) + 1);
          categorised++;
        }
        const seen = viewsByCategory.get(facts.category) ?? new Set<string>();
        seen.add(e.product_id);
        viewsByCategory.set(facts.category, seen);
      }
    }
    if (e.type === "add_to_cart") cartAdds++;
    if (e.type === "purchase") flags.add("cart:purchase");
    if (e.type === "search" && e.query) {
      const q = ` ${e.query.toLowerCase()} `;
      for (const [cls, words] of Object.entries(searchLexicon)) {
        if (words.some((w) => q.includes(w))) flags.add(`search:${cls}`);
      }
    }
  }
  let multiView = false;
  for (const seen of viewsByCategory.values()) {
    if (seen.size >= 3) {
      multiView = true;
      break;
    }
  }
  return {
    pageTypes,
    pageViews,
    categoryCounts,
    categorised,
    itemCounts,
    viewedItems,
    cartAdds,
    flags: [...flags],
    multiView,
    quiz: Object.entries(quiz).map(([question, answer]) => `quiz:${question}:${answer}`),
  };
}

/**
 * Shares (0..1) of page types, categories and viewed-item facts; flags for channel, searches, cart, quiz.
 * `history` is `signals.events` and `signals.quiz` summed up (summarizeHistory); pass a remembered one to skip
 * that work. Features come out in the same order either way (the persona model sums them in that order).
 */
export function extractSessionFeatures(
  signals: SessionSignals,
  lookupItem: (id: string) => ItemFacts | undefined,
  searchLexicon: Readonly<Record<string, readonly string[]>>,
  history: SessionHistory = summarizeHistory(signals.events, signals.quiz, lookupItem, searchLexicon),
): SessionFeatures {
  const f: SessionFeatures = new Map();
  f.set(`device:${signals.device}`, 1);
  if (signals.referrer_class) f.set(`referrer:${signals.referrer_class}`, 1);
  if (signals.utm_medium) f.set(`utm_medium:${signals.utm_medium}`, 1);
  if (signals.utm_source) f.set(`utm_source:${signals.utm_source.toLowerCase()}`, 1);
  if (signals.returning) f.set("returning", 1);
  for (const flag of history.flags) f.set(flag, 1);

  // The page the visitor is on now counts as one more view, listed first.
  const current = signals.page_type;
  const pageViews = history.pageViews + (current ? 1 : 0);
  if (current) f.set(`page_type:${current}`, ((history.pageTypes.get(current) ?? 0) + 1) / pageViews);
  for (const [pt, n] of history.pageTypes) if (pt !== current) f.set(`page_type:${pt}`, n / pageViews);
  for (const [c, n] of history.categoryCounts) f.set(`category:${c}`, n / history.categorised);
  for (const [k, n] of history.itemCounts) f.set(k, n / history.viewedItems);
  if (history.cartAdds > 0) f.set("cart:add", Math.min(1, history.cartAdds / 2));
  if (history.multiView) f.set("compare:multi_view", 1);
  for (const q of history.quiz) f.set(q, 1);
  if (signals.profile?.skill_level) f.set(`profile:skill:${signals.profile.skill_level}`, 1);
  for (const interest of signals.profile?.interests ?? []) f.set(`profile:interest:${interest}`, 1);
  return f;
}
