// D1 access for the catalog: upserts from the admin API and the full read that builds a snapshot.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Item } from "../../shared/catalog/item";
import { items, meta } from "../../shared/db/schema";

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

function rowItem(r: typeof items.$inferSelect): Item {
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

/** Rows were validated on the way in (admin API, seed), so the snapshot trusts them and skips re-parsing. */
export async function loadCatalog(db: D1Database): Promise<{ items: Item[]; version: string }> {
  const d = drizzle(db);
  const [rows, version] = await Promise.all([
    d.select().from(items).orderBy(items.id),
    d.select().from(meta).where(eq(meta.key, CATALOG_VERSION_KEY)),
  ]);
  return { items: rows.map(rowItem), version: version[0]?.value ?? "empty" };
}

/**
 * Upserts items and bumps the catalog version in one D1 batch (all or nothing). Statements are chunked so no
 * batch grows past what D1 accepts in one round trip.
 */
export async function upsertCatalog(db: D1Database, batch: readonly Item[], now: Date): Promise<string> {
  const d = drizzle(db);
  const stamp = now.toISOString();
  const version = `${stamp}#${batch.length}`;
  const statements = batch.map((item) => {
    const row = itemRow(item, stamp);
    const { id: _id, ...update } = row;
    return d.insert(items).values(row).onConflictDoUpdate({ target: items.id, set: update });
  });
  const bump = d
    .insert(meta)
    .values({ key: CATALOG_VERSION_KEY, value: version })
    .onConflictDoUpdate({ target: meta.key, set: { value: version } });
  await d.batch([bump, ...statements]);
  return version;
}
