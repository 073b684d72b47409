// The catalog item: products and editorial content share one shape so every surface ranks them alike.
import * as z from "zod";

export const itemKinds = ["product", "content"] as const;
export const skillLevels = ["beginner", "intermediate", "pro"] as const;

/** A sellable product or a piece of content (tutorial, guide) as stored in D1 and served by /v1/rank. */
export const Item = z.object({
  id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, "ids are 1-64 chars of letters, digits, _ . : -"),
  kind: z.enum(itemKinds),
  title: z.string().min(1).max(200),
  url: z.string().min(1).max(500),
  image: z.string().max(500).nullable().default(null),
  /** Merchandising category: photo, vector, bundle, pro_gear, tutorial, guide, ... */
  category: z.string().min(1).max(40),
  /** Topic cluster used by diversity ("at most N per cluster in the top K"). */
  cluster: z.string().min(1).max(60),
  topics: z.array(z.string().max(40)).max(20).default([]),
  /** Free tags: sustainability, style, audience, e.g. "sustainable", "starter", "high_end". */
  tags: z.array(z.string().max(40)).max(30).default([]),
  skill_level: z.enum(skillLevels),
  /** Price in the store currency; 0 for free content. */
  price: z.number().min(0).max(1_000_000),
  currency: z.string().length(3).default("USD"),
  /** Gross margin as a fraction of price, 0..1. */
  margin: z.number().min(0).max(1),
  /** Units on hand; null means unlimited (digital goods, content). */
  inventory: z.number().int().min(0).nullable(),
  /** Recent engagement velocity, 0..1 (recomputed nightly; seeded for the demo). */
  trend: z.number().min(0).max(1),
  /** Long-run popularity, 0..1: the cold-start and non-personalized prior. */
  popularity: z.number().min(0).max(1),
  /** Seasons or retail moments the item belongs to; empty means evergreen. */
  seasonal_tags: z.array(z.string().max(40)).max(10).default([]),
  published_at: z.iso.datetime({ offset: true }),
  /** ISO 3166 country codes where the item may be shown; empty means everywhere. */
  jurisdictions: z.array(z.string().length(2)).max(250).default([]),
  /** Policy flags, e.g. "age_restricted", "requires_marketing_consent", "no_mobile". */
  policy_flags: z.array(z.string().max(40)).max(10).default([]),
  /** Devices the item can be shown on; empty means all. */
  devices: z.array(z.enum(["mobile", "tablet", "desktop"])).max(3).default([]),
  /** Personas the merchandiser aimed the item at (a prior for user_match, not a filter). */
  personas: z.array(z.string().max(40)).max(10).default([]),
  /** Short text used for content search and the storefront card. */
  summary: z.string().max(2000).default(""),
  /** Full text of content items (tutorials, guides), indexed by /v1/content/search. */
  body: z.string().max(20_000).default(""),
});
export type Item = z.infer<typeof Item>;
/** What callers send: defaults may be omitted. */
export type ItemInput = z.input<typeof Item>;
