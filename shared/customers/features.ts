// Customer features from the clickstream, as of a point in time: what segmentation, the purchase-propensity
// model and the customer-value models read. Pure: the aggregation SQL hands over one row per visitor.

/** One visitor's activity in a window, summed in SQL. Timestamps are ISO strings (null when none). */
export interface ActivityRow {
  visitor_hash: string;
  events: number;
  sessions: number;
  views: number;
  carts: number;
  purchases: number;
  spend: number;
  first_ts: string;
  last_ts: string;
  first_purchase_ts: string | null;
  last_purchase_ts: string | null;
}

export const FEATURE_NAMES = ["log_events", "log_sessions", "log_views", "log_carts", "log_purchases", "log_spend", "recency_days", "tenure_days", "days_since_purchase", "cart_conversion"] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

const DAY_MS = 86_400_000;
/** "Never purchased" reads as a long time ago, not as zero days. */
const NO_PURCHASE_DAYS = 365;

export function featureVector(row: ActivityRow, asOf: Date): number[] {
  const days = (iso: string | null, fallback: number) => (iso ? Math.max(0, (asOf.getTime() - Date.parse(iso)) / DAY_MS) : fallback);
  return [
    Math.log1p(row.events),
    Math.log1p(row.sessions),
    Math.log1p(row.views),
    Math.log1p(row.carts),
    Math.log1p(row.purchases),
    Math.log1p(row.spend),
    days(row.last_ts, NO_PURCHASE_DAYS),
    days(row.first_ts, 0),
    Math.min(NO_PURCHASE_DAYS, days(row.last_purchase_ts, NO_PURCHASE_DAYS)),
    row.carts > 0 ? row.purchases / row.carts : 0,
  ];
}

/** RFM inputs from the same row: recency in days since the last purchase (or visit), purchases, spend. */
export function rfmInputs(row: ActivityRow, asOf: Date): { recency_days: number; frequency: number; monetary: number } {
  const last = row.last_purchase_ts ?? row.last_ts;
  return { recency_days: Math.max(0, (asOf.getTime() - Date.parse(last)) / DAY_MS), frequency: row.purchases, monetary: row.spend };
}

/**
 * BG/NBD inputs in days: x repeat purchases (after the first), t_x the time of the last purchase after the
 * first, T the time since the first purchase. Visitors who never bought have no purchase process yet.
 */
export function repeatPurchaseInputs(row: ActivityRow, asOf: Date): { x: number; t_x: number; T: number } | null {
  if (!row.first_purchase_ts || !row.last_purchase_ts) return null;
  const first = Date.parse(row.first_purchase_ts);
  return { x: Math.max(0, row.purchases - 1), t_x: (Date.parse(row.last_purchase_ts) - first) / DAY_MS, T: Math.max((asOf.getTime() - first) / DAY_MS, 1e-6) };
}

/**
 * Engagement in [0, 1): activity volume (saturating at a few dozen events) discounted by how long ago the
 * visitor was last seen (half-life 14 days). A description of the recent past, not a prediction.
 */
export function engagementScore(row: ActivityRow, asOf: Date): number {
  const volume = 1 - Math.exp(-(row.events + 2 * row.carts + 4 * row.purchases) / 20);
  const idleDays = Math.max(0, (asOf.getTime() - Date.parse(row.last_ts)) / DAY_MS);
  return volume * Math.pow(0.5, idleDays / 14);
}
