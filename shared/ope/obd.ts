// Parses Open Bandit Dataset CSVs (Saito et al. 2020, ZOZOTOWN) into logged rounds for off-policy evaluation.
// Pure: takes the file's text; reading it is the caller's job.
import * as z from "zod";
import { parseCsv } from "../csv/parse";
import type { LoggedRound } from "./estimators";

/** What OBD logs about an impression besides the action: the slot, the time and the (hashed) user. */
export interface ObdContext {
  /** 1, 2 or 3: left, centre, right of ZOZOTOWN's recommendation widget. */
  position: number;
  timestamp: string;
  /** user_feature_0..3, anonymised by hashing: categorical. */
  userFeatures: string[];
  /** user-item_affinity_<item>: past clicks between this user and each item, indexed by item id. */
  affinity: Float64Array;
}

export type ObdRound = LoggedRound<ObdContext>;

export interface ObdLog {
  rounds: ObdRound[];
  /** Number of items (actions) in the campaign: one affinity column per item, else max item id + 1. */
  actions: number;
  /** Rows that did not parse, with their 1-based line: they are left out of `rounds`, never guessed. */
  rejected: { line: number; reason: string }[];
}

const ObdRow = z.object({
  timestamp: z.string().min(1),
  item_id: z.number().int().nonnegative(),
  position: z.number().int().min(1).max(3),
  click: z.union([z.literal(0), z.literal(1)]),
  // OBD's per-position propensity ("action_prob" in its README): the chance the item was shown in that slot.
  propensity_score: z.number().gt(0).lte(1),
});

const AFFINITY = /^user-item_affinity_(\d+)$/;
const USER_FEATURE = /^user_feature_\d+$/;

// Number("") is 0, which would turn an empty cell into a valid-looking value.
const num = (raw: string | undefined): number => (raw === undefined || raw.trim() === "" ? Number.NaN : Number(raw));

/**
 * Rounds from a `{random,bts}/{men,women,all}/<campaign>.csv` file. The first, unnamed column is pandas'
 * row index and is ignored. Each row is one item shown in one position; OBD's published CTRs are per row.
 */
export function parseObdLog(text: string): ObdLog {
  const rows = parseCsv(text);
  const header = rows.next();
  if (header.done) return { rounds: [], actions: 0, rejected: [] };
  const columns = header.value.fields.map((h) => h.trim());
  const col = (name: string) => columns.indexOf(name);
  const at = { timestamp: col("timestamp"), item: col("item_id"), position: col("position"), click: col("click"), propensity: col("propensity_score") };
  const missing = Object.entries(at)
    .filter(([, k]) => k < 0)
    .map(([name]) => name);
  if (missing.length) throw new Error(`not an Open Bandit Dataset log: no ${missing.join(", ")} column`);
  const userCols = columns.flatMap((c, k) => (USER_FEATURE.test(c) ? [k] : []));
  const affinityCols: { col: number; item: number }[] = [];
  columns.forEach((c, k) => {
    const m = AFFINITY.exec(c);
    if (m) affinityCols.push({ col: k, item: Number(m[1]) });
  });
  const affinityWidth = affinityCols.reduce((w, a) => Math.max(w, a.item + 1), 0);

  const rounds: ObdRound[] = [];
  const rejected: { line: number; reason: string }[] = [];
  let maxItem = -1;
  for (const { line, fields } of rows) {
    const parsed = ObdRow.safeParse({
      timestamp: fields[at.timestamp] ?? "",
      item_id: num(fields[at.item]),
      position: num(fields[at.position]),
      click: num(fields[at.click]),
      propensity_score: num(fields[at.propensity]),
    });
    if (!parsed.success) {
      rejected.push({ line, reason: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      continue;
    }
    const row = parsed.data;
    const affinity = new Float64Array(affinityWidth);
    for (const a of affinityCols) {
      const v = num(fields[a.col]);
      affinity[a.item] = Number.isFinite(v) ? v : 0;
    }
    maxItem = Math.max(maxItem, row.item_id);
    rounds.push({
      action: row.item_id,
      reward: row.click,
      propensity: row.propensity_score,
      context: { position: row.position, timestamp: row.timestamp, userFeatures: userCols.map((k) => fields[k] ?? ""), affinity },
    });
  }
  return { rounds, actions: Math.max(affinityWidth, maxItem + 1), rejected };
}

export interface ObdItem {
  itemId: number;
  /** item_feature_0 is numeric (a scaled price); 1..3 are hashed categories. */
  numeric: number;
  categories: string[];
}

/** Items from an `item_context.csv` (every campaign folder has one, even where the sample has no log). */
export function parseObdItemContext(text: string): ObdItem[] {
  const rows = parseCsv(text);
  const header = rows.next();
  if (header.done) return [];
  const columns = header.value.fields.map((h) => h.trim());
  const item = columns.indexOf("item_id");
  if (item < 0) throw new Error("not an Open Bandit Dataset item_context: no item_id column");
  const numeric = columns.indexOf("item_feature_0");
  const categoryCols = columns.flatMap((c, k) => (/^item_feature_\d+$/.test(c) && c !== "item_feature_0" ? [k] : []));
  const items: ObdItem[] = [];
  for (const { line, fields } of rows) {
    const id = num(fields[item]);
    if (!Number.isInteger(id) || id < 0) throw new Error(`item_context line ${line}: item_id "${fields[item] ?? ""}" is not an id`);
    items.push({ itemId: id, numeric: numeric < 0 ? Number.NaN : num(fields[numeric]), categories: categoryCols.map((k) => fields[k] ?? "") });
  }
  return items;
}

/** Logged CTR and click count of a parsed log: the on-policy figure OPE estimates are compared with. */
export function loggedRate(rounds: readonly LoggedRound<unknown>[]): { rounds: number; rewards: number; rate: number } {
  let rewards = 0;
  for (const r of rounds) rewards += r.reward;
  return { rounds: rounds.length, rewards, rate: rounds.length ? rewards / rounds.length : Number.NaN };
}
