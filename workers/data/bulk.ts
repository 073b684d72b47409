// Many rows, one statement: rows travel as one JSON parameter and SQLite unpacks them with json_each. D1 caps a
// statement at 100 bound parameters, so row-per-statement inserts cost a statement (and its parse) per row;
// this costs one per table per batch, which is what lets the queue consumer keep up with feedback bursts.
import { getTableColumns, getTableName } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/** Rows per statement: keeps the JSON parameter well under D1's 2 MB value limit for our row sizes. */
const ROWS_PER_STATEMENT = 500;
/** JSON characters per statement parameter: half of D1's 2 MB value limit, leaving room for multi-byte text. */
const MAX_PARAMETER_CHARS = 1_000_000;

/** A table's statement texts by the keys its rows set (and the upsert column): a few per table in practice. */
const statementTexts = new WeakMap<SQLiteTable, Map<string, string>>();
const TEXTS_PER_TABLE = 64;

/**
 * The statement for rows setting `rowKeys`, built once per table, key set and upsert column. Building it reads the
 * table through drizzle (each table an object of its own shape) and maps and joins the column lists; done on every
 * call, for every table the queue consumer writes, it kept the compiled bulkInsert bailing out to the interpreter:
 * 3-16 times in 10 s of page views before, none after (bench/README.md, "Deoptimized by a major GC").
 */
function statementText(table: SQLiteTable, rowKeys: readonly string[], upsertOn: string | undefined): string {
  let texts = statementTexts.get(table);
  if (!texts) {
    texts = new Map();
    statementTexts.set(table, texts);
  }
  const cacheKey = `${upsertOn ?? ""}|${rowKeys.join(",")}`;
  const known = texts.get(cacheKey);
  if (known !== undefined) return known;
  const columns: Record<string, { name: string }> = getTableColumns(table);
  const keys = rowKeys.filter((k) => columns[k] !== undefined);
  const names = keys.map((k) => `"${columns[k]!.name}"`).join(", ");
  const values = keys.map((k) => `json_extract(value, '$.${k}')`).join(", ");
  const onConflict =
    upsertOn === undefined
      ? "ON CONFLICT DO NOTHING"
      : `ON CONFLICT ("${columns[upsertOn]!.name}") DO UPDATE SET ${keys
          .filter((k) => k !== upsertOn)
          .map((k) => `"${columns[k]!.name}" = excluded."${columns[k]!.name}"`)
          .join(", ")}`;
  const text = `INSERT INTO "${getTableName(table)}" (${names}) SELECT ${values} FROM json_each(?) WHERE true ${onConflict}`;
  if (texts.size >= TEXTS_PER_TABLE) texts.clear();
  texts.set(cacheKey, text);
  return text;
}

/**
 * `INSERT ... SELECT ... FROM json_each(?) ... ON CONFLICT DO NOTHING` statements for `rows` (drizzle insert
 * shapes; columns no row sets take their defaults). JSON-mode columns
 * (arrays, objects) are stored as their JSON text, as drizzle would. Only uniqueness conflicts are ignored:
 * a NOT NULL violation still fails the batch.
 *
 * With `upsertOn` (a unique column), a row whose value there is already stored replaces the stored row's other
 * columns instead (`ON CONFLICT (column) DO UPDATE`); rows are applied in order, so of two rows with the same key
 * the later one stays, as with one statement per row.
 */
export function bulkInsert<T extends SQLiteTable>(d1: D1Database, table: T, rows: readonly T["$inferInsert"][], upsertOn?: keyof T["$inferInsert"] & string): D1PreparedStatement[] {
  if (rows.length === 0) return [];
  const defined = new Set<string>();
  for (const row of rows) {
    const fields = row as Record<string, unknown>;
    for (const k in fields) if (fields[k] !== undefined) defined.add(k);
  }
  const text = statementText(table, [...defined], upsertOn);
  // Chunks close at ROWS_PER_STATEMENT rows or MAX_PARAMETER_CHARS of JSON, whichever comes first: wide rows
  // (a campaign upload may carry 200 attribute columns) would otherwise pass the 2 MB limit in a few hundred.
  const out: D1PreparedStatement[] = [];
  let chunk: string[] = [];
  let chars = 2;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (chunk.length > 0 && (chunk.length >= ROWS_PER_STATEMENT || chars + json.length + 1 > MAX_PARAMETER_CHARS)) {
      out.push(d1.prepare(text).bind(`[${chunk.join(",")}]`));
      chunk = [];
      chars = 2;
    }
    chunk.push(json);
    chars += json.length + 1;
  }
  if (chunk.length > 0) out.push(d1.prepare(text).bind(`[${chunk.join(",")}]`));
  return out;
}
