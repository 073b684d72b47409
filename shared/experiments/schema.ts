// Experiments as the contract defines them: validated on create, stored in D1, served by /v1/rank.
import * as z from "zod";
import type { BucketMap } from "./bucketing";

export const rewardTypes = ["impression", "click", "add_to_cart", "purchase", "dismiss"] as const;
export type RewardType = (typeof rewardTypes)[number];

const key = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "1-64 chars: lowercase letters, digits, _ . -");

export const ExperimentVariant = z.object({
  id: key,
  weight: z.number().min(0).max(1).default(0),
  /** What the storefront renders for this arm (hero image, CTA copy, ...). */
  payload: z
    .record(z.string().max(64), z.unknown())
    .default({})
    .refine((p) => JSON.stringify(p).length <= 4096, "payload must serialise to at most 4 KiB"),
});

export const CreateExperiment = z
  .object({
    id: key,
    surface_id: z.string().min(1).max(64),
    variants: z.array(ExperimentVariant).min(2, "at least two variants").max(20),
    allocation: z.enum(["fixed", "bandit"]),
    holdout: z.number().min(0).max(0.5).default(0),
    layer: key.optional(),
    metric: z.enum(rewardTypes).default("click"),
    guardrails: z.array(z.enum(rewardTypes)).max(5).default([]),
    segmented: z.boolean().default(true),
    /**
     * What a segmented bandit learns per: the micro-segment (fine, needs traffic in each) or the persona
     * (coarse, learns fast: a demo or a low-traffic surface).
     */
    segment_by: z.enum(["micro_segment", "persona"]).default("micro_segment"),
    shards: z.number().int().min(1).max(64).default(4),
    /** Only visitors in these segments enter (default: everyone): micro-segment ids, nightly customer clusters
     *  (`cust_<n>`) or lifecycle stages (`at_risk`, `champions`, ... and `new`/`returning`/`lapsed`). */
    eligible_segments: z.array(z.string().min(1).max(80)).min(1).max(200).optional(),
    /** With a layer: the share of the layer's traffic this experiment takes (the rest is free for others). */
    layer_share: z.number().gt(0).max(1).optional(),
  })
  .superRefine((e, ctx) => {
    const ids = e.variants.map((v) => v.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: "custom", path: ["variants"], message: "variant ids must be unique" });
    if (e.layer_share !== undefined && e.layer === undefined) ctx.addIssue({ code: "custom", path: ["layer_share"], message: "layer_share needs a layer" });
    if (e.allocation === "fixed") {
      const total = e.variants.reduce((s, v) => s + v.weight, 0);
      if (Math.abs(total - 1) > 1e-6) ctx.addIssue({ code: "custom", path: ["variants"], message: `fixed allocation weights must sum to 1 (got ${total})` });
    }
  });
export type CreateExperiment = z.infer<typeof CreateExperiment>;

/** Status changes, or new weights for a fixed-allocation experiment (assignment stays sticky: see bucketing). */
export const PatchExperiment = z
  .strictObject({
    status: z.enum(["running", "paused", "stopped"]).optional(),
    weights: z.record(key, z.number().min(0).max(1)).optional(),
  })
  .refine((p) => p.status !== undefined || p.weights !== undefined, "give a status or weights");

export interface Experiment {
  id: string;
  surface_id: string;
  variants: { id: string; weight: number; payload: Record<string, unknown> }[];
  allocation: "fixed" | "bandit";
  holdout: number;
  layer: string | null;
  metric: RewardType;
  guardrails: RewardType[];
  segmented: boolean;
  segment_by: "micro_segment" | "persona";
  status: "running" | "paused" | "stopped";
  shards: number;
  retired_arms: string[];
  /** Fixed allocation only: the variant of each hash bucket. */
  bucket_map: BucketMap | null;
  eligible_segments: string[] | null;
  layer_range: [number, number] | null;
  created_at: string;
  updated_at: string;
}
