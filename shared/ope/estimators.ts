// Off-policy evaluation: what a target policy's mean reward would have been, estimated from rounds another
// (logging) policy played, with a standard error and a normal-approximation 95% interval for each estimator.

/** One logged round: the action the logging policy took, its reward, and the probability it took that action. */
export interface LoggedRound<C = unknown> {
  action: number;
  reward: number;
  /** P(logging policy takes `action` | context), in (0, 1]. */
  propensity: number;
  context?: C;
}

export interface OpeEstimate {
  /** Estimated mean reward per round of the target policy. */
  estimate: number;
  standardError: number;
  /** estimate ± 1.96 standard errors, intersected with `rewardRange` when one is given. */
  ci95: [number, number];
  /** Logged rounds the estimate read. */
  n: number;
  /**
   * Rounds' worth of information: for replay the accepted rounds, for the weighting estimators Kish's
   * (Σw)² / Σw² — far below n when a few rounds carry most of the weight.
   */
  effectiveSampleSize?: number;
  /** Replay only: rounds where the target policy agreed with the logged action. */
  accepted?: number;
}

/** A target policy that always takes one action per round (a greedy or oracle policy). */
export interface DeterministicTarget<C = unknown> {
  kind: "deterministic";
  choose(round: LoggedRound<C>, index: number): number;
}

/** A randomised target policy, given as its whole distribution over actions 0..K-1 in each round. */
export interface DistributionTarget<C = unknown> {
  kind: "distribution";
  distribution(round: LoggedRound<C>, index: number): ArrayLike<number>;
}

/**
 * A randomised target policy known only through the probability it gives the logged action: enough for
 * IPW and SNIPW, not for doubly robust, which also needs what the policy would have done otherwise.
 */
export interface LoggedActionTarget<C = unknown> {
  kind: "logged-action";
  probability(round: LoggedRound<C>, index: number): number;
}

export type TargetPolicy<C = unknown> = DeterministicTarget<C> | DistributionTarget<C> | LoggedActionTarget<C>;

export const deterministicTarget = <C>(choose: (round: LoggedRound<C>, index: number) => number): DeterministicTarget<C> => ({
  kind: "deterministic",
  choose,
});
export const distributionTarget = <C>(distribution: (round: LoggedRound<C>, index: number) => ArrayLike<number>): DistributionTarget<C> => ({
  kind: "distribution",
  distribution,
});
export const loggedActionTarget = <C>(probability: (round: LoggedRound<C>, index: number) => number): LoggedActionTarget<C> => ({
  kind: "logged-action",
  probability,
});

/** q̂(x, a): the caller's model of the expected reward of `action` in `round`'s context (used by doubly robust). */
export type RewardModel<C = unknown> = (round: LoggedRound<C>, action: number) => number;

export interface EstimateOptions {
  /**
   * The range rewards can take (e.g. [0, 1] for clicks). The policy value lies in it, so the interval is
   * clipped to it: with rare clicks the normal approximation otherwise reaches below zero.
   */
  rewardRange?: readonly [number, number];
}

const Z95 = 1.959963984540054;

function checkRound(round: LoggedRound<unknown>, index: number): void {
  if (!(round.propensity > 0 && round.propensity <= 1)) {
    throw new RangeError(`round ${index}: propensity ${round.propensity} is outside (0, 1]; IPW cannot reweight it`);
  }
  if (!Number.isFinite(round.reward)) throw new RangeError(`round ${index}: reward ${round.reward} is not finite`);
}

function interval(estimate: number, standardError: number, range: readonly [number, number] | undefined): [number, number] {
  let lo = estimate - Z95 * standardError;
  let hi = estimate + Z95 * standardError;
  if (range) {
    lo = Math.min(Math.max(lo, range[0]), range[1]);
    hi = Math.min(Math.max(hi, range[0]), range[1]);
  }
  return [lo, hi];
}

/** Mean of per-round terms with the normal-approximation standard error of that mean (sample variance, n − 1). */
function meanOfTerms(terms: Float64Array, count: number, options: EstimateOptions | undefined): Pick<OpeEstimate, "estimate" | "standardError" | "ci95"> {
  if (count === 0) return { estimate: Number.NaN, standardError: Number.NaN, ci95: [Number.NaN, Number.NaN] };
  let sum = 0;
  for (let i = 0; i < count; i++) sum += terms[i]!;
  const mean = sum / count;
  // Two passes: the terms are IPW-scaled, and a one-pass Σx² − n·mean² loses digits when weights are large.
  let ss = 0;
  for (let i = 0; i < count; i++) ss += (terms[i]! - mean) ** 2;
  const standardError = count > 1 ? Math.sqrt(ss / (count - 1) / count) : Number.NaN;
  return { estimate: mean, standardError, ci95: interval(mean, standardError, options?.rewardRange) };
}

/** π(logged action | x) / μ(logged action | x) for every round, plus Kish's effective sample size. */
function importanceWeights<C>(rounds: readonly LoggedRound<C>[], target: TargetPolicy<C>): { weights: Float64Array; ess: number } {
  const weights = new Float64Array(rounds.length);
  let sw = 0;
  let sw2 = 0;
  rounds.forEach((round, i) => {
    checkRound(round, i);
    const p = targetProbabilityOfLogged(target, round, i);
    const w = p / round.propensity;
    weights[i] = w;
    sw += w;
    sw2 += w * w;
  });
  return { weights, ess: sw2 > 0 ? (sw * sw) / sw2 : 0 };
}

function targetProbabilityOfLogged<C>(target: TargetPolicy<C>, round: LoggedRound<C>, index: number): number {
  switch (target.kind) {
    case "deterministic":
      return target.choose(round, index) === round.action ? 1 : 0;
    case "distribution":
      return target.distribution(round, index)[round.action] ?? 0;
    case "logged-action":
      return target.probability(round, index);
  }
}

/** A target policy for replay: picks an action per round (randomised choices are fine) and may learn. */
export interface ReplayPolicy<C = unknown> {
  choose(round: LoggedRound<C>, index: number): number;
  /**
   * Called for accepted rounds only, in log order, so a learning policy sees exactly the feedback it would
   * have seen had it been serving (Li et al. 2011).
   */
  learn?(round: LoggedRound<C>, index: number): void;
}

/**
 * Replay (rejection sampling, Li, Chu, Langford & Wang, WSDM 2011): walk the log in order, keep the rounds
 * where the target policy's choice equals the logged action, and average their rewards. Unbiased only when the
 * logging policy was uniform over actions and independent of context (each accepted round is then a fair
 * draw of what the target would have seen); otherwise use IPW/SNIPW/DR. Keeps about n/K rounds of n.
 */
export function replayEstimate<C>(
  rounds: readonly LoggedRound<C>[],
  policy: ReplayPolicy<C> | ((round: LoggedRound<C>, index: number) => number),
  options?: EstimateOptions,
): OpeEstimate {
  const target: ReplayPolicy<C> = typeof policy === "function" ? { choose: policy } : policy;
  const kept = new Float64Array(rounds.length);
  let accepted = 0;
  rounds.forEach((round, i) => {
    checkRound(round, i);
    if (target.choose(round, i) !== round.action) return;
    kept[accepted++] = round.reward;
    target.learn?.(round, i);
  });
  return { ...meanOfTerms(kept, accepted, options), n: rounds.length, effectiveSampleSize: accepted, accepted };
}

/**
 * Inverse propensity weighting: mean of w·r with w = π(a|x)/μ(a|x). Unbiased whenever the logging policy gave
 * every action the target might take a positive probability; its variance grows with the weights.
 */
export function ipwEstimate<C>(rounds: readonly LoggedRound<C>[], target: TargetPolicy<C>, options?: EstimateOptions): OpeEstimate {
  const { weights, ess } = importanceWeights(rounds, target);
  const terms = new Float64Array(rounds.length);
  rounds.forEach((round, i) => {
    terms[i] = weights[i]! * round.reward;
  });
  return { ...meanOfTerms(terms, rounds.length, options), n: rounds.length, effectiveSampleSize: ess };
}

/**
 * Self-normalised IPW: Σ w·r / Σ w. Slightly biased (a ratio), but bounded by the reward range and usually
 * far less variable than IPW. Standard error by the delta method: linearising the ratio around V̂ gives the
 * per-round influence terms z_i = w_i (r_i − V̂) / w̄ (they sum to zero), whose sample variance / n is
 * Var(V̂).
 */
export function snipwEstimate<C>(rounds: readonly LoggedRound<C>[], target: TargetPolicy<C>, options?: EstimateOptions): OpeEstimate {
  const n = rounds.length;
  const { weights, ess } = importanceWeights(rounds, target);
  let sw = 0;
  let swr = 0;
  rounds.forEach((round, i) => {
    sw += weights[i]!;
    swr += weights[i]! * round.reward;
  });
  if (n === 0 || sw === 0) {
    // No logged round the target would have played: nothing to normalise by.
    return { estimate: Number.NaN, standardError: Number.NaN, ci95: [Number.NaN, Number.NaN], n, effectiveSampleSize: ess };
  }
  const estimate = swr / sw;
  const meanWeight = sw / n;
  let ss = 0;
  rounds.forEach((round, i) => {
    ss += ((weights[i]! * (round.reward - estimate)) / meanWeight) ** 2;
  });
  const standardError = n > 1 ? Math.sqrt(ss / (n - 1) / n) : Number.NaN;
  return { estimate, standardError, ci95: interval(estimate, standardError, options?.rewardRange), n, effectiveSampleSize: ess };
}

/**
 * Doubly robust (Dudík, Langford & Li, ICML 2011): the reward model's prediction for what the target would
 * do, corrected by the importance-weighted residual on the logged action:
 *   term_i = Σ_a π(a|x_i) q̂(x_i, a) + w_i (r_i − q̂(x_i, a_i)).
 * Unbiased if either the propensities or q̂ are right; a good q̂ shrinks IPW's variance.
 */
export function doublyRobustEstimate<C>(
  rounds: readonly LoggedRound<C>[],
  target: DeterministicTarget<C> | DistributionTarget<C>,
  rewardModel: RewardModel<C>,
  options?: EstimateOptions,
): OpeEstimate {
  const terms = new Float64Array(rounds.length);
  let sw = 0;
  let sw2 = 0;
  rounds.forEach((round, i) => {
    checkRound(round, i);
    let direct = 0;
    let p = 0;
    if (target.kind === "deterministic") {
      // One call per round: a "deterministic" policy may still draw, and both parts must see the same choice.
      const chosen = target.choose(round, i);
      direct = rewardModel(round, chosen);
      p = chosen === round.action ? 1 : 0;
    } else {
      const dist = target.distribution(round, i);
      for (let a = 0; a < dist.length; a++) {
        const pa = dist[a]!;
        if (pa !== 0) direct += pa * rewardModel(round, a);
      }
      p = dist[round.action] ?? 0;
    }
    const w = p / round.propensity;
    sw += w;
    sw2 += w * w;
    terms[i] = direct + (w === 0 ? 0 : w * (round.reward - rewardModel(round, round.action)));
  });
  return { ...meanOfTerms(terms, rounds.length, options), n: rounds.length, effectiveSampleSize: sw2 > 0 ? (sw * sw) / sw2 : 0 };
}

/**
 * The simplest reward model for doubly robust: each action's mean logged reward, ignoring context (the
 * fallback for an action never logged is the overall mean). Fitted on the same log it corrects, so DR is
 * very slightly biased by the reuse; with uniformly logged data and no context that bias is negligible.
 */
export function empiricalRewardModel<C>(rounds: readonly LoggedRound<C>[]): RewardModel<C> {
  const sums = new Map<number, { reward: number; count: number }>();
  let total = 0;
  for (const round of rounds) {
    const s = sums.get(round.action) ?? { reward: 0, count: 0 };
    s.reward += round.reward;
    s.count += 1;
    sums.set(round.action, s);
    total += round.reward;
  }
  const overall = rounds.length ? total / rounds.length : 0;
  const means = new Map<number, number>();
  for (const [action, s] of sums) means.set(action, s.reward / s.count);
  return (_round, action) => means.get(action) ?? overall;
}
