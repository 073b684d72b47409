// Mapping between catalog items (API shape) and their D1 rows (drizzle shape), shared by the admin API,
// the snapshot loader and the seed script.
import type { Item } from "../catalog/item";
import type { items } from "./schema";

export const CATALOG_VERSION_KEY = "catalog_version";

export function itemRow(item: Item, now: string): typeof items.$inferInsert {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    url: item.url,
    image: item.image,
    category: item.category,
    cluster: item.cluster,
    topics: item.topics,
    tags: item.tags,
    skillLevel: item.skill_level,
    price: item.price,
    currency: item.currency,
    margin: item.margin,
    inventory: item.inventory,
    trend: item.trend,
    popularity: item.popularity,
    seasonalTags: item.seasonal_tags,
    publishedAt: item.published_at,
    jurisdictions: item.jurisdictions,
    policyFlags: item.policy_flags,
    devices: item.devices as string[],
    personas: item.personas,
    summary: item.summary,
    body: item.body,
    updatedAt: now,
  };
}

export function rowItem(r: typeof items.$inferSelect): Item {
  return {
    id: r.id,
    kind: r.kind,
    title: r.title,
    url: r.url,
    image: r.image,
    category: r.category,
    cluster: r.cluster,
    topics: r.topics,
    tags: r.tags,
    skill_level: r.skillLevel,
    price: r.price,
    currency: r.currency,
    margin: r.margin,
    inventory: r.inventory,
    trend: r.trend,
    popularity: r.popularity,
    seasonal_tags: r.seasonalTags,
    published_at: r.publishedAt,
    jurisdictions: r.jurisdictions,
    policy_flags: r.policyFlags,
    devices: r.devices as Item["devices"],
    personas: r.personas,
    summary: r.summary,
    body: r.body,
  };
}

