// Beta–Bernoulli Thompson sampling with a traffic floor and an exploration budget, reporting the exact
// probability (propensity) of every choice so rewards can be reweighted offline; plus top-two Thompson.
import { sampleBeta, type UniformSource } from "./random";

/** One live arm's Beta posterior over its success rate (e.g. alpha = 1 + successes, beta = 1 + failures). */
export interface ArmPosterior {
  arm: string;
  alpha: number;
  beta: number;
}

/** How far the served policy may depart from plain Thompson sampling. */
export interface ThompsonPolicy {
  /**
   * Minimum probability of every live arm on every choice (e.g. 0.02), so no arm starves and every
   * propensity is positive. Needs K·trafficFloor ≤ 1 for K arms; above that the floor is taken as 1/K
   * (uniform), so adding arms never breaks serving.
   */
  trafficFloor: number;
  /**
   * Maximum total probability given to arms other than the current best by posterior mean (the greedy
   * arm). 1 = unrestricted Thompson. Where it conflicts with the floor, the floor wins: the non-greedy
   * arms always get at least (K − 1)·trafficFloor.
   */
  explorationShare: number;
  /**
   * After this many exploratory choices (a non-greedy arm served) for one visitor, that visitor gets the
   * greedy arm with probability 1; the floor no longer applies to them. Infinity = no cap.
   */
  perVisitorCap: number;
}

/**
 * A 0.5% floor keeps every arm measurable and caps inverse-propensity weights at 200 (experiments have at
 * most 20 arms, so K·floor ≤ 0.1). It is the largest floor that still beat ε-greedy on regret in the bandit
 * simulation with production-like batched and delayed feedback (`npm run bench -- --only bandit`); 2% cost
 * 10-40% more regret there. The budget
 * is off by default: Thompson already stops exploring arms it has ruled out, and where the share cap binds
 * it favours the arm that leads by posterior mean, which under tied priors is merely the lowest index.
 * A per-visitor cap also needs the caller to count each visitor's explorations.
 */
export const defaultThompsonPolicy: ThompsonPolicy = {
  trafficFloor: 0.005,
  explorationShare: 1,
  perVisitorCap: Infinity,
};

/** Throws on a policy no choice can honour (NaN, negative, or a share outside [0, 1]). */
export function checkThompsonPolicy(policy: ThompsonPolicy): void {
  const { trafficFloor, explorationShare, perVisitorCap } = policy;
  if (!(trafficFloor >= 0 && trafficFloor <= 1)) {
    throw new RangeError(`trafficFloor must be in [0, 1] (got ${trafficFloor})`);
  }
  if (!(explorationShare >= 0 && explorationShare <= 1)) {
    throw new RangeError(`explorationShare must be in [0, 1] (got ${explorationShare})`);
  }
  if (!(perVisitorCap >= 0)) throw new RangeError(`perVisitorCap must be ≥ 0 or Infinity (got ${perVisitorCap})`);
}

function checkArms(arms: readonly ArmPosterior[], winProbabilities?: Float64Array): void {
  if (arms.length === 0) throw new RangeError("a bandit needs at least one live arm");
  if (winProbabilities !== undefined && winProbabilities.length !== arms.length) {
    throw new RangeError(`${winProbabilities.length} win probabilities for ${arms.length} arms`);
  }
}

/** The arm with the highest posterior mean alpha / (alpha + beta); ties go to the lowest index. */
export function greedyArm(arms: readonly ArmPosterior[]): number {
  let best = 0;
  let bestMean = -1;
  for (let i = 0; i < arms.length; i++) {
    const a = arms[i]!;
    const mean = a.alpha / (a.alpha + a.beta);
    if (mean > bestMean) {
      bestMean = mean;
      best = i;
    }
  }
  return best;
}

/**
 * One round of Thompson sampling: a Beta draw per arm, the index of the highest (ties: lowest index).
 * Allocation-free; `thompsonWinProbabilities` and `chooseArm` use the same rule, so they agree on ties.
 */
function thompsonWinner(arms: readonly ArmPosterior[], u: UniformSource): number {
  let best = 0;
  let bestDraw = -1;
  for (let i = 0; i < arms.length; i++) {
    const a = arms[i]!;
    const draw = sampleBeta(u, a.alpha, a.beta);
    if (draw > bestDraw) {
      bestDraw = draw;
      best = i;
    }
  }
  return best;
}

/**
 * P(arm i has the highest Beta draw), by Monte Carlo over `draws` rounds (standard error ≤ 0.5/√draws).
 * Each count gets half a pseudo-draw, (count + ½) / (draws + K/2): every arm's true win probability is
 * positive (Beta posteriors overlap everywhere on (0, 1)), and an estimate of exactly 0 would let
 * chooseArm log propensity 0 for an arm Thompson can still pick. The bias is at most 1/(2·draws).
 */
export function thompsonWinProbabilities(arms: readonly ArmPosterior[], u: UniformSource, draws = 20_000): Float64Array {
  checkArms(arms);
  if (!(Number.isInteger(draws) && draws >= 1)) throw new RangeError(`draws must be a positive integer (got ${draws})`);
  const k = arms.length;
  const win = new Float64Array(k);
  if (k === 1) {
    win[0] = 1;
    return win;
  }
  for (let n = 0; n < draws; n++) win[thompsonWinner(arms, u)]! += 1;
  const denominator = draws + k / 2;
  for (let i = 0; i < k; i++) win[i] = (win[i]! + 0.5) / denominator;
  return win;
}

/** min(trafficFloor, 1/K): the floor as applied to K arms. */
function effectiveFloor(policy: ThompsonPolicy, k: number): number {
  return Math.min(policy.trafficFloor, 1 / k);
}

/**
 * The probability that a Thompson winner other than the greedy arm is kept (else it is replaced by the
 * greedy arm), so that the non-greedy arms' Thompson mass m = Σ_{i≠g} w_i is cut to the share s̃ that the
 * floor leaves for it. Returns 1 when no cut is needed.
 */
function keepProbability(policy: ThompsonPolicy, k: number, floor: number, nonGreedyMass: number): number {
  const floorMass = k * floor;
  if (floorMass >= 1) return 1; // Everything is floor: the Thompson part has weight 0.
  const share = Math.min(1, Math.max(0, (policy.explorationShare - (k - 1) * floor) / (1 - floorMass)));
  return nonGreedyMass > share ? share / nonGreedyMass : 1;
}

/** Σ_{i≠g} w_i, summed rather than taken as 1 − w_g so rounding in w cannot make it negative. */
function nonGreedyMass(winProbabilities: Float64Array, greedy: number): number {
  let m = 0;
  for (let i = 0; i < winProbabilities.length; i++) if (i !== greedy) m += winProbabilities[i]!;
  return m;
}

/**
 * The exact choice probabilities of the full policy for K arms with Thompson win probabilities w, greedy
 * arm g (highest posterior mean, ties to the lowest index) and floor f = min(trafficFloor, 1/K):
 *
 * - Per-visitor cap: if visitorExplorations ≥ perVisitorCap (or K = 1), p = 1 on g and 0 elsewhere.
 * - Otherwise p_i = f + (1 − K·f)·q_i: with probability K·f a uniformly random arm, else a draw from q,
 *   the Thompson distribution with its non-greedy mass m = Σ_{i≠g} w_i cut to the share
 *   s̃ = clamp((explorationShare − (K−1)·f) / (1 − K·f), 0, 1) that the floor leaves over:
 *   with c = min(1, s̃/m), q_i = c·w_i for i ≠ g and q_g = 1 − c·m (a rejected non-greedy Thompson winner
 *   is replaced by g).
 *
 * So every p_i ≥ f, the non-greedy total is (K−1)·f + (1 − K·f)·min(m, s̃) ≤ max(explorationShare,
 * (K−1)·f), and Σ p_i = 1. With f = 0 and explorationShare = 1 this is plain Thompson: p = w.
 */
export function choiceProbabilities(
  arms: readonly ArmPosterior[],
  winProbabilities: Float64Array,
  policy: ThompsonPolicy,
  visitorExplorations: number,
): Float64Array {
  checkArms(arms, winProbabilities);
  checkThompsonPolicy(policy);
  const k = arms.length;
  const greedy = greedyArm(arms);
  const p = new Float64Array(k);
  if (k === 1 || visitorExplorations >= policy.perVisitorCap) {
    p[greedy] = 1;
    return p;
  }
  const floor = effectiveFloor(policy, k);
  const thompsonWeight = 1 - k * floor;
  const m = nonGreedyMass(winProbabilities, greedy);
  const keep = keepProbability(policy, k, floor, m);
  for (let i = 0; i < k; i++) {
    p[i] = floor + thompsonWeight * (i === greedy ? 1 - keep * m : keep * winProbabilities[i]!);
  }
  return p;
}

/** What chooseArm did: the arm, the probability it had, and whether it was exploration (not the greedy arm). */
export interface ArmChoice {
  index: number;
  /** choiceProbabilities(...)[index]: the probability this policy gave the chosen arm. */
  propensity: number;
  /** True when the chosen arm is not the greedy arm; what the per-visitor cap counts. */
  exploratory: boolean;
}

/**
 * Chooses an arm by the policy of `choiceProbabilities`, realised with real Thompson sampling: one uniform
 * decides floor vs Thompson (a floor choice reuses it to pick the arm uniformly, with no Beta draws);
 * otherwise one Beta draw per arm picks the Thompson winner, and a non-greedy winner is kept with
 * probability c (one more uniform) or replaced by the greedy arm. The realised distribution is exactly
 * choiceProbabilities(...) when `winProbabilities` are the true Thompson probabilities of `arms`; with
 * Monte Carlo estimates the logged propensity carries their error (standard error ≤ 0.5/√draws).
 */
export function chooseArm(
  arms: readonly ArmPosterior[],
  u: UniformSource,
  policy: ThompsonPolicy,
  winProbabilities: Float64Array,
  visitorExplorations = 0,
): ArmChoice {
  checkArms(arms, winProbabilities);
  checkThompsonPolicy(policy);
  const k = arms.length;
  const greedy = greedyArm(arms);
  if (k === 1 || visitorExplorations >= policy.perVisitorCap) return { index: greedy, propensity: 1, exploratory: false };

  const floor = effectiveFloor(policy, k);
  const floorMass = k * floor;
  const m = nonGreedyMass(winProbabilities, greedy);
  const keep = keepProbability(policy, k, floor, m);

  let index: number;
  const v = floorMass > 0 ? u.next() : 1;
  if (v < floorMass) {
    // v is uniform on [0, K·f), so v / f is uniform on [0, K): its integer part is a uniform arm.
    index = Math.min(k - 1, Math.floor(v / floor));
  } else {
    index = thompsonWinner(arms, u);
    if (index !== greedy && keep < 1 && u.next() >= keep) index = greedy;
  }
  const thompsonPart = index === greedy ? 1 - keep * m : keep * winProbabilities[index]!;
  return { index, propensity: floor + (1 - floorMass) * thompsonPart, exploratory: index !== greedy };
}

/**
 * Top-two Thompson sampling (Russo 2016) for best-arm identification: draw a leader by Thompson sampling;
 * with probability `beta` play it, else redraw until another arm wins and play that challenger. Returns
 * the arm index. After `maxResample` redraws (at least one) without a new winner, as happens once the
 * posterior is sure of its leader, the challenger is the best arm other than the leader in the last
 * redraw, so the 1 − beta share still goes to challengers rather than silently back to the leader.
 */
export function topTwoThompson(arms: readonly ArmPosterior[], u: UniformSource, beta = 0.5, maxResample = 100): number {
  checkArms(arms);
  if (!(beta >= 0 && beta <= 1)) throw new RangeError(`beta must be in [0, 1] (got ${beta})`);
  if (!(maxResample >= 0)) throw new RangeError(`maxResample must be ≥ 0 (got ${maxResample})`);
  const leader = thompsonWinner(arms, u);
  if (arms.length === 1 || u.next() < beta) return leader;
  let challenger = leader === 0 ? 1 : 0;
  const rounds = Math.max(1, maxResample);
  for (let r = 0; r < rounds; r++) {
    // One redraw: the leader's draw and the best draw among the others (ties: lowest index, as everywhere).
    let leaderDraw = 0;
    let bestOther = -1;
    let bestOtherDraw = -1;
    for (let i = 0; i < arms.length; i++) {
      const a = arms[i]!;
      const draw = sampleBeta(u, a.alpha, a.beta);
      if (i === leader) leaderDraw = draw;
      else if (draw > bestOtherDraw) {
        bestOtherDraw = draw;
        bestOther = i;
      }
    }
    challenger = bestOther;
    if (bestOtherDraw > leaderDraw || (bestOtherDraw === leaderDraw && bestOther < leader)) return challenger;
  }
  return challenger;
}
