// Catalog items from CSV: one item per row, headers named as the JSON fields, list fields separated by "|".
import { parseCsv } from "../csv/parse";

const LIST_FIELDS = new Set(["topics", "tags", "seasonal_tags", "jurisdictions", "policy_flags", "devices", "personas"]);
const NUMBER_FIELDS = new Set(["price", "margin", "trend", "popularity"]);

/** Raw CSV rows as item inputs (not yet validated: the caller runs Item.safeParse and reports by line). */
export function catalogRowsFromCsv(text: string): { line: number; input: Record<string, unknown> }[] {
  const rows = parseCsv(text);
  const header = rows.next();
  if (header.done) return [];
  const columns = header.value.fields.map((h) => h.trim());
  const out: { line: number; input: Record<string, unknown> }[] = [];
  for (const { line, fields } of rows) {
    const input: Record<string, unknown> = {};
    columns.forEach((col, k) => {
      const raw = fields[k];
      if (raw === undefined) return;
      if (LIST_FIELDS.has(col)) input[col] = raw === "" ? [] : raw.split("|").map((s) => s.trim());
      else if (NUMBER_FIELDS.has(col)) input[col] = raw === "" ? undefined : Number(raw);
      else if (col === "inventory") input[col] = raw === "" ? null : Number(raw);
      else if (col === "image") input[col] = raw === "" ? null : raw;
      else input[col] = raw;
    });
    out.push({ line, input });
  }
  return out;
}
