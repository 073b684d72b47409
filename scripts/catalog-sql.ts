// Renders catalog items as SQL upserts (for `wrangler d1 execute --file`): the same row mapping the admin API
// uses, so seeded rows and API-written rows are indistinguishable.
import { getTableConfig } from "drizzle-orm/sqlite-core";
import type { Item } from "../shared/catalog/item";
import { items, meta } from "../shared/db/schema";
import { CATALOG_VERSION_KEY, itemRow } from "../shared/db/rows";

function literal(value: unknown): string {
  if (value === null || value === undefined) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`non-finite number in seed: ${value}`);
    return String(value);
  }
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return `'${text.replaceAll("'", "''")}'`;
}

export function catalogSql(catalog: readonly Item[], version: string, stamp: string): string {
  const table = getTableConfig(items);
  const keys = Object.keys(items).filter((k) => (items as unknown as Record<string, unknown>)[k] !== undefined);
  const columns = table.columns;
  // drizzle column objects are also properties of the table keyed by their TS name.
  const byName = new Map(columns.map((col) => [col.name, keys.find((k) => (items as unknown as Record<string, unknown>)[k] === col)!]));
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  const lines = catalog.map((item) => {
    const row = itemRow(item, stamp) as Record<string, unknown>;
    const values = columns.map((c) => literal(row[byName.get(c.name)!])).join(", ");
    return `INSERT OR REPLACE INTO "${table.name}" (${names}) VALUES (${values});`;
  });
  lines.push(`INSERT OR REPLACE INTO "${getTableConfig(meta).name}" ("key", "value") VALUES (${literal(CATALOG_VERSION_KEY)}, ${literal(version)});`);
  return `${lines.join("\n")}\n`;
}

/** A synthetic clickstream history as SQL inserts into events (visitor ids already hashed by the caller). */
export function historySql(events: readonly { id: string; visitorHash: string; session: string; type: string; ts: string; productId: string | null; category: string | null; value: number | null }[]): string {
  const out: string[] = [];
  for (let i = 0; i < events.length; i += 400) {
    const values = events
      .slice(i, i + 400)
      .map((e) => `(${[e.id, e.visitorHash, e.session, e.type, e.ts, e.category, e.productId, e.value, e.ts].map(literal).join(", ")})`)
      .join(",\n");
    out.push(`INSERT OR IGNORE INTO "events" ("id", "visitor_hash", "session_id", "type", "ts", "category", "product_id", "value", "received_at") VALUES\n${values};`);
  }
  return out.join("\n");
}
