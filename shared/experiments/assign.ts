// Chooses a bandit experiment's arm for one request: the holdout first (a stable hash of the visitor), then
// Thompson sampling over the segment's posterior with the policy's floor and exploration limits.
import type { ArmPosterior, ThompsonPolicy } from "../bandit/thompson";
import { chooseArm } from "../bandit/thompson";
import type { UniformSource } from "../bandit/random";
import { hash32, unitDraw } from "../hash";
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
