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

/** Shares (0..1) of page types, categories and viewed-item facts; flags for channel, searches, cart, quiz. */
export function extractSessionFeatures(
  signals: SessionSignals,
  lookupItem: (id: string) => ItemFacts | undefined,
  searchLexicon: Readonly<Record<string, readonly string[]>>,
): SessionFeatures {
  const f: SessionFeatures = new Map();
  f.set(`device:${signals.device}`, 1);
  if (signals.referrer_class) f.set(`referrer:${signals.referrer_class}`, 1);
  if (signals.utm_medium) f.set(`utm_medium:${signals.utm_medium}`, 1);
  if (signals.utm_source) f.set(`utm_source:${signals.utm_source.toLowerCase()}`, 1);
  if (signals.returning) f.set("returning", 1);

  let pageViews = 0;
  let categorised = 0;
  let viewedItems = 0;
  let cartAdds = 0;
  const viewsByCategory = new Map<string, Set<string>>();
  const pageTypes = new Map<string, number>();
  if (signals.page_type) {
    pageTypes.set(signals.page_type, 1);
    pageViews = 1;
  }
  const itemCounts = new Map<string, number>();
  const categoryCounts = new Map<string, number>();

  for (const e of signals.events) {
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
    if (e.type === "purchase") f.set("cart:purchase", 1);
    if (e.type === "search" && e.query) {
      const q = ` ${e.query.toLowerCase()} `;
      for (const [cls, words] of Object.entries(searchLexicon)) {
        if (words.some((w) => q.includes(w))) f.set(`search:${cls}`, 1);
      }
    }
  }
  for (const [pt, n] of pageTypes) f.set(`page_type:${pt}`, n / pageViews);
  for (const [c, n] of categoryCounts) f.set(`category:${c}`, n / categorised);
  for (const [k, n] of itemCounts) f.set(k, n / viewedItems);
  if (cartAdds > 0) f.set("cart:add", Math.min(1, cartAdds / 2));
  for (const seen of viewsByCategory.values()) {
    if (seen.size >= 3) {
      f.set("compare:multi_view", 1);
      break;
    }
  }
  for (const [question, answer] of Object.entries(signals.quiz)) f.set(`quiz:${question}:${answer}`, 1);
  if (signals.profile?.skill_level) f.set(`profile:skill:${signals.profile.skill_level}`, 1);
  for (const interest of signals.profile?.interests ?? []) f.set(`profile:interest:${interest}`, 1);
  return f;
}
