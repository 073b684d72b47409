// D1 aggregation for an experiment report: everything is summed in SQL (one row per variant × segment), so a
// report over hundreds of thousands of units moves a few dozen rows into the isolate.
import type { ExperimentAggregates, IpwSums, VariantAggregate } from "../../shared/experiments/report";
import type { Experiment } from "../../shared/experiments/schema";

/** CUPED's covariate: the unit's events in this window before its first exposure. */
const PRE_PERIOD = "-14 days";

/**
 * Units are visitors (salted hashes); a decision logged without a visitor id (no consent) is its own unit. A
 * unit counts in the arm and segment of its first exposure; it converts if any accepted feedback on any of its
 * decisions is the experiment's metric with a positive value; revenue sums its purchase values.
 */
const UNIT_AGGREGATES_SQL = `
WITH d AS (
  SELECT request_id, CASE WHEN visitor_hash = 'none' THEN request_id ELSE visitor_hash END AS unit, arm, segment_id, holdout, decided_at
  FROM decisions WHERE experiment_id = ?1 AND arm IS NOT NULL
),
first AS (
  -- SQLite takes bare columns from the row that holds the min()
  SELECT unit, arm, segment_id, holdout, min(decided_at) AS first_at FROM d GROUP BY unit
),
outcome AS (
  SELECT d.unit, max(f.reward_type = ?2 AND f.value > 0) AS converted, sum(CASE WHEN f.reward_type = 'purchase' THEN f.value ELSE 0 END) AS revenue
  FROM d JOIN feedback f ON f.request_id = d.request_id AND f.status <> 'rejected'
  GROUP BY d.unit
),
pre AS (
  SELECT first.unit, count(*) AS events
  FROM first JOIN events e ON e.visitor_hash = first.unit AND e.ts < first.first_at AND e.ts >= strftime('%Y-%m-%dT%H:%M:%fZ', first.first_at, ?3)
  GROUP BY first.unit
),
units AS (
  SELECT first.arm, first.segment_id, first.holdout, coalesce(o.converted, 0) AS y, coalesce(o.revenue, 0) AS r, coalesce(p.events, 0) AS x
  FROM first LEFT JOIN outcome o ON o.unit = first.unit LEFT JOIN pre p ON p.unit = first.unit
)
SELECT arm, segment_id, holdout, count(*) AS units, sum(y) AS conversions, sum(r) AS revenue, sum(r * r) AS revenue2,
  sum(x) AS x, sum(x * x) AS x2, sum(x * y) AS xy
FROM units GROUP BY arm, segment_id, holdout`;

/** Per decision (bandit arms are chosen per request): Σ r/p and Σ (r/p)² per arm, for inverse-propensity weighting. */
const IPW_SQL = `
WITH r AS (
  SELECT d.arm, d.propensity, coalesce(max(f.reward_type = ?2 AND f.value > 0), 0) AS reward
  FROM decisions d LEFT JOIN feedback f ON f.request_id = d.request_id AND f.status <> 'rejected'
  WHERE d.experiment_id = ?1 AND d.holdout = 0 AND d.arm IS NOT NULL AND d.propensity > 0
  GROUP BY d.request_id
)
SELECT arm, count(*) AS n, sum(reward / propensity) AS s1, sum((reward / propensity) * (reward / propensity)) AS s2 FROM r GROUP BY arm`;

interface UnitRow {
  arm: string;
  segment_id: string | null;
  holdout: number;
  units: number;
  conversions: number;
  revenue: number;
  revenue2: number;
  x: number;
  x2: number;
  xy: number;
}

export async function loadExperimentAggregates(db: D1Database, experiment: Experiment): Promise<ExperimentAggregates> {
  const statements = [db.prepare(UNIT_AGGREGATES_SQL).bind(experiment.id, experiment.metric, PRE_PERIOD)];
  if (experiment.allocation === "bandit") statements.push(db.prepare(IPW_SQL).bind(experiment.id, experiment.metric));
  const [units, ipw] = await db.batch(statements);
  const rows: VariantAggregate[] = [];
  let holdoutUnits = 0;
  let holdoutConversions = 0;
  for (const r of (units!.results ?? []) as UnitRow[]) {
    if (r.holdout) {
      holdoutUnits += r.units;
      holdoutConversions += r.conversions;
      continue;
    }
    rows.push({
      variant: r.arm,
      segment: r.segment_id,
      units: r.units,
      conversions: r.conversions,
      revenue: { n: r.units, sum: r.revenue, sum_squares: r.revenue2 },
      cuped: { n: r.units, sum_y: r.conversions, sum_y2: r.conversions, sum_x: r.x, sum_x2: r.x2, sum_xy: r.xy },
    });
  }
  const ipwSums = ipw ? ((ipw.results ?? []) as IpwSums[]) : null;
  return { rows, holdout: { units: holdoutUnits, conversions: holdoutConversions }, ipw: ipwSums };
}
