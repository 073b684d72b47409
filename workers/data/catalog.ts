// D1 access for the catalog: upserts from the admin API and the full read that builds a snapshot.
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Item } from "../../shared/catalog/item";
import { shareRepeatedValues } from "../../shared/catalog/share";
import { CATALOG_VERSION_KEY, itemRow, rowItem } from "../../shared/db/rows";
import { items, meta } from "../../shared/db/schema";

/** The catalog version alone: one tiny query, so an unchanged catalog is not reloaded. */
export async function loadCatalogVersion(db: D1Database): Promise<string> {
  const row = await drizzle(db).select().from(meta).where(eq(meta.key, CATALOG_VERSION_KEY));
  return row[0]?.value ?? "empty";
}

/**
 * Rows were validated on the way in (admin API, seed), so the snapshot trusts them and skips re-parsing. The
 * snapshot keeps these items for as long as the catalog version stands, so their repeated values are shared.
 */
export async function loadCatalog(db: D1Database): Promise<{ items: Item[]; version: string }> {
  const d = drizzle(db);
  const [rows, version] = await Promise.all([
    d.select().from(items).orderBy(items.id),
    d.select().from(meta).where(eq(meta.key, CATALOG_VERSION_KEY)),
  ]);
  return { items: shareRepeatedValues(rows.map(rowItem)), version: version[0]?.value ?? "empty" };
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
