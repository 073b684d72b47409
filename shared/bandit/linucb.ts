// Disjoint LinUCB (Li et al. 2010): one ridge regression per arm over the visitor's context (persona, device,
// time of day, referrer class), choosing the arm with the highest upper confidence bound on its reward.

/** The values each context feature can take; one one-hot block per feature, in this order. */
export interface ContextVocabulary {
  personas: readonly string[];
  devices: readonly string[];
  timesOfDay: readonly string[];
  referrerClasses: readonly string[];
}

/** What LinUCB knows about a request. */
export interface BanditContext {
  persona: string;
  device: string;
  timeOfDay: string;
  referrerClass: string;
}

export const timesOfDay = ["morning", "afternoon", "evening", "night"] as const;
export type TimeOfDay = (typeof timesOfDay)[number];

/**
 * Written out rather than imported from the persona and signal modules on purpose: the vocabulary fixes
 * the layout of every stored A and b, so it must change only deliberately (with a state reset), never as a
 * side effect of someone adding a persona or device elsewhere.
 */
export const defaultContextVocabulary: ContextVocabulary = {
  personas: ["novice_shopper", "shopper_pro", "photo_first", "vector_first", "general"],
  devices: ["mobile", "tablet", "desktop"],
  timesOfDay,
  referrerClasses: ["social", "search", "email", "direct", "internal", "other"],
};

/** The visitor's local hour (0–23) as a time of day: morning 5–11, afternoon 12–16, evening 17–21, night 22–4. */
export function timeOfDayFromHour(hour: number): TimeOfDay {
  const h = ((Math.floor(hour) % 24) + 24) % 24;
  if (h >= 5 && h < 12) return "morning";
  if (h >= 12 && h < 17) return "afternoon";
  if (h >= 17 && h < 22) return "evening";
  return "night";
}

/** Length of a context vector: the bias plus one entry per vocabulary value (19 for the default). */
export function contextDimension(vocab: ContextVocabulary = defaultContextVocabulary): number {
  return 1 + vocab.personas.length + vocab.devices.length + vocab.timesOfDay.length + vocab.referrerClasses.length;
}

/**
 * [bias = 1 | persona one-hot | device one-hot | time-of-day one-hot | referrer-class one-hot]. A value not
 * in the vocabulary leaves its block all zero, so an unknown persona is scored by the bias and the other
 * features alone. The blocks each sum to the bias and are therefore collinear with it; the ridge term in A
 * keeps every solve well posed.
 */
export function contextVector(ctx: BanditContext, vocab: ContextVocabulary = defaultContextVocabulary): Float64Array {
  const x = new Float64Array(contextDimension(vocab));
  x[0] = 1;
  let offset = 1;
  for (const [values, value] of [
    [vocab.personas, ctx.persona],
    [vocab.devices, ctx.device],
    [vocab.timesOfDay, ctx.timeOfDay],
    [vocab.referrerClasses, ctx.referrerClass],
  ] as const) {
    const at = values.indexOf(value);
    if (at >= 0) x[offset + at] = 1;
    offset += values.length;
  }
  return x;
}

/** One arm's ridge regression: A = λI + Σ x xᵀ (d×d, row-major) and b = Σ reward · x over its plays. */
export interface LinUcbArm {
  arm: string;
  A: Float64Array;
  b: Float64Array;
}

/** An arm that has seen nothing: A = λI (the ridge prior), b = 0. */
export function newLinUcbArm(arm: string, d: number, lambda = 1): LinUcbArm {
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`dimension must be a positive integer (got ${d})`);
  if (!(lambda > 0 && lambda < Infinity)) throw new RangeError(`lambda must be positive (got ${lambda})`);
  const A = new Float64Array(d * d);
  for (let i = 0; i < d; i++) A[i * d + i] = lambda;
  return { arm, A, b: new Float64Array(d) };
}

function checkShapes(arm: LinUcbArm, x: Float64Array): number {
  const d = arm.b.length;
  if (arm.A.length !== d * d) throw new RangeError(`arm ${arm.arm}: A has ${arm.A.length} entries for dimension ${d}`);
  if (x.length !== d) throw new RangeError(`arm ${arm.arm}: context has ${x.length} entries, the arm ${d}`);
  return d;
}

// Scratch space for the solves, grown on demand and reused: scoring allocates nothing per arm. Safe because
// every function here runs to completion synchronously.
let factor = new Float64Array(0);
let solvedX = new Float64Array(0);
let solvedB = new Float64Array(0);

function ensureScratch(d: number): void {
  if (solvedX.length < d) {
    factor = new Float64Array(d * d);
    solvedX = new Float64Array(d);
    solvedB = new Float64Array(d);
  }
}

/** Cholesky A = L Lᵀ into L (lower triangle, row-major); reads only A's lower triangle. */
function choleskyInto(A: Float64Array, L: Float64Array, d: number, arm: string): void {
  for (let j = 0; j < d; j++) {
    const rowJ = j * d;
    let diagonal = A[rowJ + j]!;
    for (let k = 0; k < j; k++) diagonal -= L[rowJ + k]! * L[rowJ + k]!;
    // A = λI + Σ x xᵀ is positive definite; anything else is corrupted state and must not be served.
    if (!(diagonal > 0)) throw new RangeError(`arm ${arm}: A is not positive definite`);
    const ljj = Math.sqrt(diagonal);
    L[rowJ + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      const rowI = i * d;
      let t = A[rowI + j]!;
      for (let k = 0; k < j; k++) t -= L[rowI + k]! * L[rowJ + k]!;
      L[rowI + j] = t / ljj;
    }
  }
}

/** z = L⁻¹ v by forward substitution. */
function forwardSolve(L: Float64Array, v: Float64Array, z: Float64Array, d: number): void {
  for (let i = 0; i < d; i++) {
    const rowI = i * d;
    let t = v[i]!;
    for (let k = 0; k < i; k++) t -= L[rowI + k]! * z[k]!;
    z[i] = t / L[rowI + i]!;
  }
}

/**
 * UCB = θᵀx + α·√(xᵀA⁻¹x) with θ = A⁻¹b. With A = L Lᵀ both terms come from two forward solves:
 * θᵀx = (L⁻¹b)·(L⁻¹x) and xᵀA⁻¹x = |L⁻¹x|², so A is never inverted.
 */
function ucb(arm: LinUcbArm, x: Float64Array, alpha: number): number {
  const d = checkShapes(arm, x);
  ensureScratch(d);
  const L = factor;
  const zx = solvedX;
  const zb = solvedB;
  choleskyInto(arm.A, L, d, arm.arm);
  forwardSolve(L, x, zx, d);
  forwardSolve(L, arm.b, zb, d);
  let mean = 0;
  let variance = 0;
  for (let i = 0; i < d; i++) {
    mean += zb[i]! * zx[i]!;
    variance += zx[i]! * zx[i]!;
  }
  return mean + alpha * Math.sqrt(variance);
}

function checkAlpha(alpha: number): void {
  if (!(alpha >= 0 && alpha < Infinity)) throw new RangeError(`alpha must be a non-negative number (got ${alpha})`);
}

/** Each arm's upper confidence bound for context x; alpha scales the exploration bonus. */
export function linUcbScores(arms: readonly LinUcbArm[], x: Float64Array, alpha: number): Float64Array {
  checkAlpha(alpha);
  const scores = new Float64Array(arms.length);
  for (let i = 0; i < arms.length; i++) scores[i] = ucb(arms[i]!, x, alpha);
  return scores;
}

/** The arm with the highest UCB, ties to the lowest index: deterministic, so its propensity is 1. */
export function chooseLinUcb(
  arms: readonly LinUcbArm[],
  x: Float64Array,
  alpha: number,
): { index: number; propensity: number } {
  if (arms.length === 0) throw new RangeError("LinUCB needs at least one arm");
  checkAlpha(alpha);
  let index = 0;
  let best = -Infinity;
  for (let i = 0; i < arms.length; i++) {
    const score = ucb(arms[i]!, x, alpha);
    if (score > best) {
      best = score;
      index = i;
    }
  }
  return { index, propensity: 1 };
}

/** θ = A⁻¹b, the arm's current reward model (for diagnostics and reports). */
export function linUcbTheta(arm: LinUcbArm): Float64Array {
  const d = checkShapes(arm, arm.b);
  ensureScratch(d);
  const L = factor;
  choleskyInto(arm.A, L, d, arm.arm);
  forwardSolve(L, arm.b, solvedB, d);
  // Back substitution Lᵀθ = L⁻¹b.
  const theta = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let t = solvedB[i]!;
    for (let k = i + 1; k < d; k++) t -= L[k * d + i]! * theta[k]!;
    theta[i] = t / L[i * d + i]!;
  }
  return theta;
}

/** Records one play of `arm` in context x with the observed reward: A += x xᵀ, b += reward · x, in place. */
export function updateLinUcb(arm: LinUcbArm, x: Float64Array, reward: number): void {
  const d = checkShapes(arm, x);
  // A NaN or infinite reward would poison the arm for good; refuse it before touching the state.
  if (!Number.isFinite(reward)) throw new RangeError(`arm ${arm.arm}: reward must be finite (got ${reward})`);
  for (let i = 0; i < d; i++) {
    if (!Number.isFinite(x[i]!)) throw new RangeError(`arm ${arm.arm}: context entry ${i} is ${x[i]}`);
  }
  for (let i = 0; i < d; i++) {
    const xi = x[i]!;
    if (xi === 0) continue; // One-hot contexts: most rows are zero.
    arm.b[i] = arm.b[i]! + reward * xi;
    for (let j = 0; j < d; j++) arm.A[i * d + j] = arm.A[i * d + j]! + xi * x[j]!;
  }
}
