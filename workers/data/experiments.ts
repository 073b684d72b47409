// D1 access for experiments.
import { and, eq, ne } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { experiments } from "../../shared/db/schema";
import { BucketMap, initialBucketMap, rebalanceBucketMap } from "../../shared/experiments/bucketing";
import type { CreateExperiment, Experiment } from "../../shared/experiments/schema";

type Row = typeof experiments.$inferSelect;

function toExperiment(r: Row): Experiment {
  return {
    id: r.id,
    surface_id: r.surfaceId,
    variants: r.variants,
    allocation: r.allocation,
    holdout: r.holdout,
    layer: r.layer,
    metric: r.metric as Experiment["metric"],
    guardrails: r.guardrails as Experiment["guardrails"],
    segmented: r.segmented,
    segment_by: r.segmentBy,
    status: r.status,
    shards: r.shards,
    retired_arms: r.retiredArms,
    bucket_map: r.bucketMap === null ? null : BucketMap.parse(r.bucketMap),
    eligible_segments: r.eligibleSegments ?? null,
    layer_range: r.layerRange ?? null,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

/** `layerRange`: the slice of its layer the caller found free (null without a layer). */
export async function insertExperiment(db: D1Database, e: CreateExperiment, now: Date, layerRange: [number, number] | null = null): Promise<Experiment> {
  const stamp = now.toISOString();
  const [row] = await drizzle(db)
    .insert(experiments)
    .values({
      id: e.id,
      surfaceId: e.surface_id,
      variants: e.variants,
      allocation: e.allocation,
      holdout: e.holdout,
      layer: e.layer ?? null,
      metric: e.metric,
      guardrails: e.guardrails,
      segmented: e.segmented,
      segmentBy: e.segment_by,
      shards: e.shards,
      bucketMap: e.allocation === "fixed" ? initialBucketMap(e.variants) : null,
      eligibleSegments: e.eligible_segments ?? null,
      layerRange,
      createdAt: stamp,
      updatedAt: stamp,
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw new ExperimentExistsError(e.id);
  return toExperiment(row);
}

export class ExperimentExistsError extends Error {
  constructor(readonly id: string) {
    super(`experiment ${id} already exists`);
  }
}

export async function listExperiments(db: D1Database): Promise<Experiment[]> {
  return (await drizzle(db).select().from(experiments).orderBy(experiments.createdAt)).map(toExperiment);
}

export async function getExperiment(db: D1Database, id: string): Promise<Experiment | null> {
  const [row] = await drizzle(db).select().from(experiments).where(eq(experiments.id, id));
  return row ? toExperiment(row) : null;
}

export async function runningOnSurface(db: D1Database, surfaceId: string): Promise<Experiment[]> {
  const rows = await drizzle(db).select().from(experiments).where(and(eq(experiments.surfaceId, surfaceId), eq(experiments.status, "running")));
  return rows.map(toExperiment);
}

export async function runningExperiments(db: D1Database): Promise<Experiment[]> {
  const rows = await drizzle(db).select().from(experiments).where(eq(experiments.status, "running"));
  return rows.map(toExperiment);
}

/** Experiments of a layer that still hold their slice (running or paused). */
export async function layerMembers(db: D1Database, layer: string): Promise<Experiment[]> {
  const rows = await drizzle(db).select().from(experiments).where(and(eq(experiments.layer, layer), ne(experiments.status, "stopped")));
  return rows.map(toExperiment);
}

/** New weights for a fixed-allocation experiment: the bucket map moves as few units as the change allows. */
export async function reweightExperiment(db: D1Database, existing: Experiment, weights: Record<string, number>, now: Date): Promise<Experiment | null> {
  const variants = existing.variants.map((v) => ({ ...v, weight: weights[v.id] ?? v.weight }));
  const bucketMap = existing.bucket_map ? rebalanceBucketMap(existing.bucket_map, variants) : initialBucketMap(variants);
  const [row] = await drizzle(db).update(experiments).set({ variants, bucketMap, updatedAt: now.toISOString() }).where(eq(experiments.id, existing.id)).returning();
  return row ? toExperiment(row) : null;
}

export async function setExperimentStatus(db: D1Database, id: string, status: Experiment["status"], now: Date): Promise<Experiment | null> {
  const [row] = await drizzle(db).update(experiments).set({ status, updatedAt: now.toISOString() }).where(eq(experiments.id, id)).returning();
  return row ? toExperiment(row) : null;
}

/** Takes an arm out of rotation (kept in history and posteriors, never chosen again). */
export async function retireArm(db: D1Database, id: string, arm: string, now: Date): Promise<Experiment | null> {
  const existing = await getExperiment(db, id);
  if (!existing) return null;
  const retired = [...new Set([...existing.retired_arms, arm])];
  const [row] = await drizzle(db).update(experiments).set({ retiredArms: retired, updatedAt: now.toISOString() }).where(eq(experiments.id, id)).returning();
  return row ? toExperiment(row) : null;
}
