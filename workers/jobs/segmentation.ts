// Nightly customer segmentation: RFM segments and behavioural clusters over the past year's activity, written
// per visitor (upserts: a rerun of the same night rewrites the same rows, it never double counts).
import { featureVector, FEATURE_NAMES, rfmInputs } from "../../shared/customers/features";
import { segmentCustomers } from "../../shared/segmentation/segments";
import { modelVersions } from "../../shared/db/schema";
import { activityBetween } from "./activity";
import type { Job } from "./runner";

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 365;
/** Rows per upsert statement (one JSON parameter each). */
const CHUNK = 2000;
/**
 * Cluster on behaviour, not on every derived column: these carry the distinct signals. Counts and spend enter
 * as log1p (they are heavily skewed) under their plain names, so labels read "high spend, high purchases";
 * the published centroids of those features are therefore in log1p units.
 */
const CLUSTER_FEATURES = [
  ["sessions", "log_sessions"],
  ["views", "log_views"],
  ["carts", "log_carts"],
  ["purchases", "log_purchases"],
  ["spend", "log_spend"],
  ["days_since_last_visit", "recency_days"],
] as const;

const UPSERT_SQL = `INSERT INTO customer_segments (visitor_hash, segment_id, rfm_segment, model_version, assigned_at)
  SELECT json_extract(value, '$.v'), json_extract(value, '$.s'), json_extract(value, '$.r'), ?2, ?3 FROM json_each(?1) WHERE true
  ON CONFLICT (visitor_hash) DO UPDATE SET segment_id = excluded.segment_id, rfm_segment = excluded.rfm_segment, model_version = excluded.model_version, assigned_at = excluded.assigned_at`;

export const segmentationJob: Job = {
  name: "segmentation",
  async run({ env, db, now, runKey }) {
    const rows = await activityBetween(env.DB, new Date(now.getTime() - WINDOW_DAYS * DAY_MS), now);
    const index = CLUSTER_FEATURES.map(([, source]) => FEATURE_NAMES.indexOf(source));
    const customers = rows.map((r) => {
      const v = featureVector(r, now);
      return {
        customer_id: r.visitor_hash,
        features: Object.fromEntries(CLUSTER_FEATURES.map(([name], i) => [name, v[index[i]!]!])),
        ...(r.purchases > 0 ? { rfm: { customer_id: r.visitor_hash, ...rfmInputs(r, now) } } : {}),
      };
    });
    const minSegmentSize = Number(env.MIN_SEGMENT_SIZE || "50");
    const result = segmentCustomers(customers, { seed: 20_261_121, kRange: [2, 8], minSegmentSize });
    const version = `segmentation:${runKey}`;
    const stamp = now.toISOString();
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < result.assignments.length; i += CHUNK) {
      const chunk = result.assignments.slice(i, i + CHUNK).map((a) => ({ v: a.customer_id, s: `cust_${a.segment_id}`, r: a.rfm_segment }));
      statements.push(env.DB.prepare(UPSERT_SQL).bind(JSON.stringify(chunk), version, stamp));
    }
    if (statements.length > 0) await env.DB.batch(statements);
    await db
      .insert(modelVersions)
      .values({ id: version, kind: "segmentation", status: "active", params: { segments: result.segments, features: CLUSTER_FEATURES.map(([name, source]) => ({ name, source })) }, metrics: { k: result.k, silhouette: result.silhouette, customers: customers.length }, trainedOn: stamp, createdAt: stamp, activatedAt: stamp })
      .onConflictDoUpdate({ target: modelVersions.id, set: { params: { segments: result.segments, features: CLUSTER_FEATURES.map(([name, source]) => ({ name, source })) }, metrics: { k: result.k, silhouette: result.silhouette, customers: customers.length }, trainedOn: stamp } });
    const rfmCounts: Record<string, number> = {};
    for (const a of result.assignments) if (a.rfm_segment) rfmCounts[a.rfm_segment] = (rfmCounts[a.rfm_segment] ?? 0) + 1;
    return {
      customers: customers.length,
      k: result.k,
      silhouette: Math.round(result.silhouette * 10_000) / 10_000,
      min_segment_size: minSegmentSize,
      segments: result.segments.map((s) => ({ id: `cust_${s.id}`, size: s.size, label: s.label })),
      rfm: rfmCounts,
      model_version: version,
    };
  },
};
