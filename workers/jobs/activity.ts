// Per-visitor activity sums from D1's events in a time window: one row per visitor, aggregated in SQL.
import type { ActivityRow } from "../../shared/customers/features";

const ACTIVITY_SQL = `
SELECT visitor_hash,
  count(*) AS events,
  count(DISTINCT session_id) AS sessions,
  sum(type = 'page_view') AS views,
  sum(type = 'add_to_cart') AS carts,
  sum(type = 'purchase') AS purchases,
  coalesce(sum(CASE WHEN type = 'purchase' THEN value END), 0) AS spend,
  min(ts) AS first_ts,
  max(ts) AS last_ts,
  min(CASE WHEN type = 'purchase' THEN ts END) AS first_purchase_ts,
  max(CASE WHEN type = 'purchase' THEN ts END) AS last_purchase_ts
FROM events WHERE ts >= ?1 AND ts < ?2 AND visitor_hash <> 'none'
GROUP BY visitor_hash`;

export async function activityBetween(db: D1Database, from: Date, to: Date, visitorHash?: string): Promise<ActivityRow[]> {
  const sql = visitorHash ? ACTIVITY_SQL.replace("AND visitor_hash <> 'none'", "AND visitor_hash = ?3") : ACTIVITY_SQL;
  const stmt = visitorHash ? db.prepare(sql).bind(from.toISOString(), to.toISOString(), visitorHash) : db.prepare(sql).bind(from.toISOString(), to.toISOString());
  return ((await stmt.all<ActivityRow>()).results ?? []) as ActivityRow[];
}

/** Visitors who bought in [from, to): the propensity model's positive labels. */
export async function purchasersBetween(db: D1Database, from: Date, to: Date): Promise<Set<string>> {
  const rows = await db.prepare("SELECT DISTINCT visitor_hash FROM events WHERE type = 'purchase' AND ts >= ?1 AND ts < ?2").bind(from.toISOString(), to.toISOString()).all<{ visitor_hash: string }>();
  return new Set((rows.results ?? []).map((r) => r.visitor_hash));
}
