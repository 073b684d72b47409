// The storefront's read model of the catalog: lookups by id or slug, category listings, and the
// non-personalized picks that fill every slot until the CDN renderer replaces them.
import { slugify } from "../../shared/catalog/demo";
import type { Item } from "../../shared/catalog/item";

export type SkillLevel = Item["skill_level"];

export interface CategoryInfo {
  id: string;
  label: string;
  blurb: string;
}

/** The product categories the navigation offers, in merchandising order. */
export const storefrontCategories: readonly CategoryInfo[] = [
  { id: "bundle", label: "Bundles", blurb: "Starter kits, pro bundles and seasonal sets: everything for a project in one download." },
  { id: "photo", label: "Photo", blurb: "Lightroom presets, LUTs, overlays, mockups and licensed stock photography." },
  { id: "vector", label: "Vector", blurb: "Icons, illustrations, fonts, patterns and UI kits, editable to the last anchor point." },
  { id: "tutorial", label: "Courses", blurb: "Self-paced courses in photo editing, vector art and running a creative business." },
  { id: "pro_gear", label: "Pro gear", blurb: "Pen tablets, calibrated monitors, colorimeters, studio lights and pro licenses." },
];

export const skillLabels: Readonly<Record<SkillLevel, string>> = { beginner: "Beginner", intermediate: "Intermediate", pro: "Pro" };

/**
 * Items a cached, non-personalized page may show to anyone: no consent-gated or age-gated flags, in stock,
 * and not restricted by country or device (the CDN caches fallback markup for every visitor alike).
 */
export function showableToEveryone(item: Item): boolean {
  return item.policy_flags.length === 0 && item.inventory !== 0 && item.jurisdictions.length === 0 && item.devices.length === 0;
}

const byPopularity = (a: Item, b: Item): number => b.popularity - a.popularity || a.id.localeCompare(b.id);

export class StorefrontCatalog {
  readonly products: readonly Item[];
  readonly guides: readonly Item[];
  private readonly byId = new Map<string, Item>();
  private readonly bySlug = new Map<string, Item>();

  constructor(items: readonly Item[]) {
    for (const item of items) {
      this.byId.set(item.id, item);
      // Catalog URLs carry slugs (/products/golden-hour-lightroom-presets), so old links still resolve.
      this.bySlug.set(`${item.kind}:${slugify(item.title)}`, item);
    }
    this.products = items.filter((item) => item.kind === "product");
    this.guides = items.filter((item) => item.kind === "content");
  }

  /** A product or guide by id, or by the slug its catalog URL uses. */
  find(kind: Item["kind"], idOrSlug: string): Item | undefined {
    const byId = this.byId.get(idOrSlug);
    if (byId) return byId.kind === kind ? byId : undefined;
    return this.bySlug.get(`${kind}:${idOrSlug}`);
  }

  findById(id: string): Item | undefined {
    return this.byId.get(id);
  }

  /** A category's products for its listing page; age-gated items stay off open listings. */
  inCategory(category: string): Item[] {
    return this.products.filter((item) => item.category === category && !item.policy_flags.includes("age_restricted"));
  }

  /** The popularity prior: what every visitor sees before (or without) personalization. */
  popularProducts(limit: number, exclude: ReadonlySet<string> = new Set()): Item[] {
    return this.products.filter((item) => showableToEveryone(item) && !exclude.has(item.id)).sort(byPopularity).slice(0, limit);
  }

  popularGuides(limit: number, skill?: SkillLevel): Item[] {
    return this.guides.filter((item) => showableToEveryone(item) && (!skill || item.skill_level === skill)).sort(byPopularity).slice(0, limit);
  }

  /** Fallback for product.related: the same topic cluster first, then the same category. */
  relatedTo(item: Item, limit: number): Item[] {
    const candidates = this.products.filter((other) => other.id !== item.id && showableToEveryone(other));
    const sameCluster = candidates.filter((other) => other.cluster === item.cluster).sort(byPopularity);
    const sameCategory = candidates.filter((other) => other.cluster !== item.cluster && other.category === item.category).sort(byPopularity);
    return [...sameCluster, ...sameCategory].slice(0, limit);
  }

  /** Guides that share a topic with the item, best overlap first; popular guides fill the rest. */
  guidesAbout(item: Item, limit: number): Item[] {
    return this.byTopicOverlap(this.guides, item, limit, () => this.popularGuides(limit));
  }

  /** Products that share a topic with a guide ("shop this guide"). */
  productsAbout(guide: Item, limit: number): Item[] {
    return this.byTopicOverlap(this.products, guide, limit, () => this.popularProducts(limit));
  }

  /** Cheap, popular extras: the checkout upsell fallback when the cart is not known to the server. */
  popularAddOns(limit: number): Item[] {
    return this.products
      .filter((item) => showableToEveryone(item) && item.price > 0 && item.price <= 40)
      .sort(byPopularity)
      .slice(0, limit);
  }

  private byTopicOverlap(pool: readonly Item[], anchor: Item, limit: number, fill: () => Item[]): Item[] {
    const topics = new Set(anchor.topics);
    const scored = pool
      .filter((other) => other.id !== anchor.id && showableToEveryone(other))
      .map((other) => ({ other, overlap: other.topics.filter((t) => topics.has(t)).length }))
      .filter((s) => s.overlap > 0)
      .sort((a, b) => b.overlap - a.overlap || byPopularity(a.other, b.other))
      .map((s) => s.other);
    const chosen = scored.slice(0, limit);
    for (const extra of fill()) {
      if (chosen.length >= limit) break;
      if (extra.id !== anchor.id && !chosen.includes(extra)) chosen.push(extra);
    }
    return chosen;
  }
}

const priceFormats = new Map<string, Intl.NumberFormat>();

/** "$19", "$19.50", "Free": whole prices drop the cents, as shoppers expect on a card. */
export function formatPrice(price: number, currency: string): string {
  if (price === 0) return "Free";
  const whole = Number.isInteger(price);
  const key = `${currency}:${whole}`;
  let format = priceFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
    priceFormats.set(key, format);
  }
  return format.format(price);
}

/** The one-line card callout for fallback cards, from merchandising facts (personalized cards use the rank reason). */
export function calloutFor(item: Item): string {
  if (item.inventory === 0) return "Sold out";
  if (item.tags.includes("new")) return "New this month";
  if (item.tags.includes("best_seller")) return "Best seller";
  if (item.kind === "content") return `${skillLabels[item.skill_level]} guide`;
  if (item.skill_level === "beginner") return "Great first pick for beginners";
  if (item.tags.includes("high_end") || item.skill_level === "pro") return "Pro grade";
  if (item.tags.includes("sustainable")) return "Supports conservation";
  return `${skillLabels[item.skill_level]} level`;
}

/** Where an item lives on this storefront; ids, not catalog slugs, so the URL survives a title change. */
export function itemPath(item: Pick<Item, "id" | "kind">): string {
  return item.kind === "content" ? `/guides/${encodeURIComponent(item.id)}` : `/products/${encodeURIComponent(item.id)}`;
}

export function imagePath(id: string): string {
  return `/assets/img/${encodeURIComponent(id)}.svg`;
}
