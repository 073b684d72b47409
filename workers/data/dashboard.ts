// Read-only D1 queries behind the operator dashboard: persona mix, the decision log, an experiment's time
// series and the campaign list. Aggregation happens in SQL so a busy day moves a few hundred rows, not millions.
import { and, desc, eq, lt, or, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { decisions } from "../../shared/db/schema";

// ---------------------------------------------------------------------------------------------- personas

export interface PersonaCount {
  persona: string;
  count: number;
}

export interface SegmentCount {
  segment_id: string;
  count: number;
}

/**
 * Visitors per persona and per micro-segment among those (re)assigned since `sinceIso`. segment_assignments holds
 * each visitor's latest placement, so a visitor counts once however many pages they ranked.
 */
export async function personaMix(db: D1Database, sinceIso: string, topSegments: number): Promise<{ personas: PersonaCount[]; segments: SegmentCount[] }> {
  const [personas, segments] = await db.batch([
    db.prepare("SELECT persona, count(*) AS count FROM segment_assignments WHERE assigned_at >= ?1 GROUP BY persona").bind(sinceIso),
    db.prepare("SELECT segment_id, count(*) AS count FROM segment_assignments WHERE assigned_at >= ?1 GROUP BY segment_id ORDER BY count DESC, segment_id LIMIT ?2").bind(sinceIso, topSegments),
  ]);
  return { personas: (personas!.results ?? []) as PersonaCount[], segments: (segments!.results ?? []) as SegmentCount[] };
}

// ---------------------------------------------------------------------------------------------- decisions

export interface DecisionFilter {
  surface?: string;
  segment?: string;
  experiment?: string;
  /** Only decisions strictly older than this (or, with beforeId, older than this decision in the same order). */
  before?: string;
  beforeId?: string;
  limit: number;
}

export interface DecisionView {
  request_id: string;
  surface_id: string;
  segment_id: string | null;
  experiment_id: string | null;
  arm: string | null;
  propensity: number;
  holdout: boolean;
  items: string[];
  policy_version: string;
  decided_at: string;
  top_score: number | null;
}

/**
 * Newest first, ordered by (decided_at, request_id) so a page boundary inside one millisecond loses nothing when
 * the caller passes both parts of the cursor. The visitor hash is never selected: it stays in D1.
 */
export async function browseDecisions(db: D1Database, f: DecisionFilter): Promise<{ rows: DecisionView[]; more: boolean }> {
  const conds: SQL[] = [];
  if (f.surface !== undefined) conds.push(eq(decisions.surfaceId, f.surface));
  if (f.segment !== undefined) conds.push(eq(decisions.segmentId, f.segment));
  if (f.experiment !== undefined) conds.push(eq(decisions.experimentId, f.experiment));
  if (f.before !== undefined) {
    conds.push(f.beforeId !== undefined ? or(lt(decisions.decidedAt, f.before), and(eq(decisions.decidedAt, f.before), lt(decisions.requestId, f.beforeId)))! : lt(decisions.decidedAt, f.before));
  }
  const rows = await drizzle(db)
    .select({
      request_id: decisions.requestId,
      surface_id: decisions.surfaceId,
      segment_id: decisions.segmentId,
      experiment_id: decisions.experimentId,
      arm: decisions.arm,
      propensity: decisions.propensity,
      holdout: decisions.holdout,
      items: decisions.items,
      policy_version: decisions.policyVersion,
      decided_at: decisions.decidedAt,
      top_score: decisions.topScore,
    })
    .from(decisions)
    .where(conds.length > 0 ? and(...conds) : undefined)
    .orderBy(desc(decisions.decidedAt), desc(decisions.requestId))
    .limit(f.limit + 1);
  return { rows: rows.slice(0, f.limit), more: rows.length > f.limit };
}

// ---------------------------------------------------------------------------------------------- timeseries

export type Bucket = "hour" | "day";

export const REWARD_TYPES = ["impression", "click", "add_to_cart", "purchase", "dismiss"] as const;
export type RewardCounts = Record<(typeof REWARD_TYPES)[number], number>;

export interface TimeseriesCell {
  /** "2026-11-21T14" (hour) or "2026-11-21" (day): the prefix of decided_at. */
  bucket: string;
  arm: string;
  holdout: number;
  decisions: number;
  clicks: number;
  conversions: number;
  impression: number;
  click: number;
  add_to_cart: number;
  purchase: number;
  dismiss: number;
}

/** Characters of an ISO timestamp that name its bucket. */
export const BUCKET_PREFIX: Record<Bucket, number> = { hour: 13, day: 10 };

/**
 * Per bucket and arm: decisions, decisions with a click, decisions that converted on the experiment's metric, and
 * accepted reward events by type. Feedback counts when it was accepted (applied or recorded): "applied" alone
 * marks only the metric reward that moved a bandit, so clicks on a purchase-metric experiment would vanish.
 * Rewards land in the bucket of the decision they reward (late feedback raises an old bucket's CTR).
 */
const TIMESERIES_SQL = `
WITH d AS (
  SELECT request_id, arm, holdout, substr(decided_at, 1, ?3) AS bucket
  FROM decisions WHERE experiment_id = ?1 AND decided_at >= ?2 AND arm IS NOT NULL
),
r AS (
  SELECT d.request_id,
    max(f.reward_type = 'click' AND f.value > 0) AS clicked,
    max(f.reward_type = ?4 AND f.value > 0) AS converted,
    sum(f.reward_type = 'impression' AND f.value > 0) AS impression,
    sum(f.reward_type = 'click' AND f.value > 0) AS click,
    sum(f.reward_type = 'add_to_cart' AND f.value > 0) AS add_to_cart,
    sum(f.reward_type = 'purchase' AND f.value > 0) AS purchase,
    sum(f.reward_type = 'dismiss' AND f.value > 0) AS dismiss
  FROM d JOIN feedback f ON f.request_id = d.request_id AND f.status <> 'rejected'
  GROUP BY d.request_id
)
SELECT d.bucket, d.arm, d.holdout, count(*) AS decisions,
  coalesce(sum(r.clicked), 0) AS clicks, coalesce(sum(r.converted), 0) AS conversions,
  coalesce(sum(r.impression), 0) AS impression, coalesce(sum(r.click), 0) AS click, coalesce(sum(r.add_to_cart), 0) AS add_to_cart,
  coalesce(sum(r.purchase), 0) AS purchase, coalesce(sum(r.dismiss), 0) AS dismiss
FROM d LEFT JOIN r ON r.request_id = d.request_id
GROUP BY d.bucket, d.arm, d.holdout`;

export async function experimentTimeseries(db: D1Database, experimentId: string, sinceIso: string, bucket: Bucket, metric: string): Promise<TimeseriesCell[]> {
  const res = await db.prepare(TIMESERIES_SQL).bind(experimentId, sinceIso, BUCKET_PREFIX[bucket], metric).all<TimeseriesCell>();
  return res.results ?? [];
}

// ---------------------------------------------------------------------------------------------- campaigns

export interface CampaignListing {
  campaign_id: string;
  name: string;
  status: string;
  stage: string;
  done: number;
  total: number;
  customers: number;
  generator: string | null;
  created_at: string;
  approved_at: string | null;
}

export async function listCampaigns(db: D1Database, limit: number): Promise<CampaignListing[]> {
  const res = await db
    .prepare("SELECT id AS campaign_id, name, status, stage, done, total, customers, generator, created_at, approved_at FROM campaigns ORDER BY created_at DESC, id DESC LIMIT ?")
    .bind(limit)
    .all<CampaignListing>();
  return res.results ?? [];
}
