// Chooses a bandit experiment's arm for one request: the holdout first (a stable hash of the visitor), then
// Thompson sampling over the segment's posterior with the policy's floor and exploration limits.
import type { ArmPosterior, ThompsonPolicy } from "../bandit/thompson";
import { chooseArm } from "../bandit/thompson";
import type { UniformSource } from "../bandit/random";
import type { SegmentBody } from "../api/schemas";
import { hash32, unitDraw } from "../hash";
import { assignFixed, type BucketMap, type FixedAssignmentInput } from "./bucketing";
import type { Experiment } from "./schema";

/** A segment's posterior as the isolate caches it: live arms and their Thompson win probabilities. */
export interface SegmentPosterior {
  arms: ArmPosterior[];
  win: Float64Array;
}

export interface ArmAssignment {
  variant: Experiment["variants"][number];
  holdout: boolean;
  /** Probability that this request got this arm under the policy that chose it. */
  propensity: number;
  exploratory: boolean;
}

/** Unsegmented experiments learn one posterior; segmented ones per micro-segment, or per persona. */
export function banditSegmentKey(experiment: Pick<Experiment, "segmented" | "segment_by">, segment: { id: string; persona: string } | null): string {
  if (!experiment.segmented) return "all";
  if (experiment.segment_by === "persona") return segment ? `persona_${segment.persona}` : "seg_nonpersonalized";
  return segment?.id ?? "seg_nonpersonalized";
}

/** The Durable Object shard that owns a segment's state. */
export function shardOf(segmentKey: string, shards: number): number {
  return hash32(segmentKey) % shards;
}

export function liveArms(experiment: Experiment): Experiment["variants"] {
  const retired = new Set(experiment.retired_arms);
  return experiment.variants.filter((v) => !retired.has(v.id));
}

/** Beta(1,1) for every live arm: a segment nobody has fed yet; every arm equally likely to win. */
export function priorPosterior(experiment: Experiment): SegmentPosterior {
  const arms = liveArms(experiment).map((v) => ({ arm: v.id, alpha: 1, beta: 1 }));
  return { arms, win: new Float64Array(arms.length).fill(1 / arms.length) };
}

export function assignBanditArm(
  experiment: Experiment,
  posterior: SegmentPosterior,
  anonId: string,
  u: UniformSource,
  policy: ThompsonPolicy,
): ArmAssignment {
  const control = experiment.variants[0]!;
  if (experiment.holdout > 0 && unitDraw(`holdout:${experiment.id}`, anonId) < experiment.holdout) {
    // Held-out visitors always see control: their propensity for control is 1 by construction.
    return { variant: control, holdout: true, propensity: 1, exploratory: false };
  }
  const choice = chooseArm(posterior.arms, u, policy, posterior.win);
  const armId = posterior.arms[choice.index]!.arm;
  const variant = experiment.variants.find((v) => v.id === armId) ?? control;
  return { variant, holdout: false, propensity: choice.propensity, exploratory: choice.exploratory };
}

/** A fixed-allocation experiment's arm for one request. */
export interface FixedArmChoice {
  experimentId: string;
  variant: string;
  propensity: number;
  holdout: boolean;
  payload: Record<string, unknown> | undefined;
}

/** A visitor's customer cluster and lifecycle stage, which fixed experiments can also target. */
export function segmentMemberships(segment: SegmentBody | null): string[] {
  if (!segment) return [];
  const f = segment.features;
  return f.customer_segment ? [f.customer_segment, f.lifecycle] : [f.lifecycle];
}

/** What assignFixed needs to place one visitor in one fixed experiment (targeting by segment and memberships). */
export function fixedAssignmentInput(e: Experiment, bucketMap: BucketMap, anonId: string, segment: SegmentBody | null, memberships = segmentMemberships(segment)): FixedAssignmentInput {
  return {
    experiment: { id: e.id, holdout: e.holdout, layer: e.layer, bucketMap, eligibleSegments: e.eligible_segments, ...(e.layer_range ? { layerShare: e.layer_range } : {}) },
    unitId: anonId,
    segmentId: segment?.id ?? null,
    alsoIn: memberships,
    globalHoldout: 0,
  };
}

/**
 * The first of a surface's fixed experiments whose targeting and hash buckets take the visitor (the rank path's
 * assignment; the global holdout is checked by the caller). Null when none does.
 */
export function chooseFixedArm(experiments: readonly Experiment[], anonId: string, segment: SegmentBody | null): FixedArmChoice | null {
  if (experiments.length === 0) return null;
  const memberships = segmentMemberships(segment);
  for (const e of experiments) {
    if (!e.bucket_map) continue;
    const a = assignFixed(fixedAssignmentInput(e, e.bucket_map, anonId, segment, memberships));
    if (a.status !== "assigned" && a.status !== "holdout") continue;
    const variant = e.variants.find((v) => v.id === a.variant) ?? e.variants[0]!;
    return { experimentId: e.id, variant: variant.id, propensity: Math.round(a.propensity * 1_000_000) / 1_000_000, holdout: a.status === "holdout", payload: variant.payload };
  }
  return null;
}
