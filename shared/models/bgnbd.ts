// BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", Marketing Science 24(2)): how many
// repeat purchases a customer will make and whether they are still "alive", from (x, t_x, T) alone.

import { logBeta, logGamma } from "../stats/distributions";
import { minimizeNelderMead } from "./nelder-mead";

/**
 * Purchase rate λ ~ Gamma(shape r, rate α) across customers; after each repeat purchase a customer drops out
 * with probability p ~ Beta(a, b). α is in the time unit of the data (CDNOW: weeks; the feature store: days).
 */
export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** A customer's repeat-purchase history, the paper's notation; times since the first purchase, in one unit. */
export interface PurchaseHistory {
  /** Repeat purchases (the first purchase is not counted). */
  x: number;
  /** Time of the last repeat purchase (0 when x = 0). */
  t_x: number;
  /** Length of the observation window: time from the first purchase to the end of the data. */
  T: number;
}

export interface FitOptions {
  /**
   * Likelihood evaluations allowed (default 5,000; CDNOW needs ~700). Each costs one pass over the distinct
   * histories, so this bounds the CPU a degenerate dataset (a maximum at the edge of the space) can take.
   */
  maxEvaluations?: number;
  /**
   * A normal prior on ln a and ln b with this standard deviation, centred on a = b = 1 (maximum a posteriori
   * instead of maximum likelihood). Sparse histories often cannot tell how dropout varies between customers:
   * the likelihood then keeps rising along a ridge where a and b grow together, and the predictions' series
   * stop converging. The prior ends the ridge at finite values with the same dropout mean a/(a+b); data that
   * do identify a and b outweigh it. Absent: plain maximum likelihood.
   */
  dropoutPriorSd?: number;
}

/** Enough for a 4-parameter fit with restarts several times over. */
export const DEFAULT_MAX_EVALUATIONS = 5_000;

export interface BgNbdFit {
  params: BgNbdParams;
  /** Summed log-likelihood at params. */
  logLikelihood: number;
  evaluations: number;
  converged: boolean;
}

/** A guard, not a budget: terms shrink like zⁿ and z = t/(α + T + t) stays well below 1 for horizons of months. */
const MAX_SERIES_TERMS = 100_000;
const SERIES_EPSILON = 1e-17;

/** ln L(r, α, a, b | x, t_x, T), eq. (6) of the paper, its two terms combined in log space. */
export function bgnbdLogLikelihood(params: BgNbdParams, customer: PurchaseHistory): number {
  checkParams(params);
  return makeObjective(groupHistories([customer]))(params);
}

/** Σ ln L over customers (eq. 7). */
export function bgnbdTotalLogLikelihood(params: BgNbdParams, customers: readonly PurchaseHistory[]): number {
  checkParams(params);
  return makeObjective(groupHistories(customers))(params);
}

/**
 * Maximum-likelihood (r, α, a, b): Nelder–Mead on the log-parameters (so every trial point is admissible)
 * from r = a = b = 1 and α = ΣT/Σx, which puts the mean purchase rate r/α at the observed one.
 */
export function fitBgNbd(customers: readonly PurchaseHistory[], opts: FitOptions = {}): BgNbdFit {
  const groups = groupHistories(customers);
  let purchases = 0;
  let exposure = 0;
  for (const g of groups) {
    purchases += g.count * g.x;
    exposure += g.count * g.T;
  }
  if (purchases === 0) throw new RangeError("BG/NBD cannot be fitted: no customer made a repeat purchase");
  const objective = makeObjective(groups);
  const toParams = (v: readonly number[]): BgNbdParams => ({
    r: Math.exp(v[0] as number),
    alpha: Math.exp(v[1] as number),
    a: Math.exp(v[2] as number),
    b: Math.exp(v[3] as number),
  });
  const sd = opts.dropoutPriorSd;
  if (sd !== undefined && !(sd > 0)) throw new RangeError("dropoutPriorSd must be positive");
  // Log-prior of (ln a, ln b), up to a constant; zero without a prior.
  const logPrior = (v: readonly number[]) => (sd === undefined ? 0 : -((v[2] as number) ** 2 + (v[3] as number) ** 2) / (2 * sd * sd));
  const result = minimizeNelderMead((v) => -objective(toParams(v)) - logPrior(v), [0, Math.log(exposure / purchases), 0, 0], {
    maxEvaluations: opts.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS,
  });
  const params = toParams(result.x);
  return { params, logLikelihood: sd === undefined ? -result.value : objective(params), evaluations: result.evaluations, converged: result.converged };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b + x − 1) · ((α + T)/(α + t_x))^(r+x)), as in Fader, Hardie &
 * Lee's note "Computing P(alive) using the BG/NBD model". A customer with no repeat purchase is alive
 * for certain, since BG/NBD drops customers out only right after a purchase.
 */
export function probabilityAlive(params: BgNbdParams, x: number, t_x: number, T: number): number {
  checkParams(params);
  checkHistory({ x, t_x, T });
  if (x === 0) return 1;
  return 1 / (1 + deadOdds(params, x, t_x, T));
}

/**
 * E[Y(t) | x, t_x, T], the expected repeat purchases in (T, T + t], eq. (10) of the paper:
 *
 *   [(a+b+x−1)/(a−1)] · [1 − ((α+T)/(α+T+t))^(r+x) · ₂F₁(r+x, b+x; a+b+x−1; z)] / [1 + 1{x>0}·a/(b+x−1)·((α+T)/(α+t_x))^(r+x)]
 *
 * with z = t/(α+T+t). Euler's transformation ₂F₁(A, B; C; z) = (1−z)^(C−A−B)·₂F₁(C−A, C−B; C; z) turns the
 * bracket into 1 − (1−z)^ε·₂F₁(a+b−1−r, ε; a+b+x−1; z) with ε = a − 1. Its series has parameters that do not
 * grow with x (the original's terms reach 1e200+ for a heavy buyer before the (1−z)^(r+x) factor cancels them),
 * and since (ε)_n = ε·(ε+1)_(n−1) the ε in front cancels the 1/(a − 1), so a = 1 is no singularity either.
 */
export function expectedPurchases(params: BgNbdParams, t: number, x: number, t_x: number, T: number): number {
  checkParams(params);
  checkHistory({ x, t_x, T });
  if (!(t >= 0 && Number.isFinite(t))) throw new RangeError(`horizon t must be a finite number ≥ 0 (got ${t})`);
  return expectedPurchasesUnchecked(params, t, x, t_x, T);
}

/** E[X(t)] for a customer just acquired (eq. 9): eq. (10) with x = t_x = T = 0. */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  checkParams(params);
  if (!(t >= 0 && Number.isFinite(t))) throw new RangeError(`horizon t must be a finite number ≥ 0 (got ${t})`);
  return expectedPurchasesUnchecked(params, t, 0, 0, 0);
}

function expectedPurchasesUnchecked(params: BgNbdParams, t: number, x: number, t_x: number, T: number): number {
  const { r, alpha, a, b } = params;
  if (t === 0) return 0;
  const c = a + b + x - 1;
  if (!(c > 0)) throw new RangeError(`E[Y(t)] needs a + b + x > 1 (got a + b = ${a + b}, x = ${x})`);
  const z = t / (alpha + T + t);
  const logOneMinusZ = Math.log1p(-z);
  const eps = a - 1;
  // [1 − (1−z)^ε·(1 + ε·S)] / ε = −expm1(ε·ln(1−z))/ε − (1−z)^ε·S, with the limit −ln(1−z) − S at ε = 0.
  const s = transformedSeries(b - r + eps, eps, c, z);
  const lead = eps === 0 ? -logOneMinusZ : -Math.expm1(eps * logOneMinusZ) / eps;
  const numerator = c * (lead - Math.exp(eps * logOneMinusZ) * s);
  return x === 0 ? numerator : numerator / (1 + deadOdds(params, x, t_x, T));
}

/**
 * S = Σ_{n≥1} (A)_n·(ε+1)_(n−1) / ((C)_n·n!) · zⁿ, i.e. [₂F₁(A, ε; C; z) − 1]/ε written so that ε = 0 is fine.
 */
function transformedSeries(A: number, eps: number, C: number, z: number): number {
  let term = (A * z) / C;
  let sum = term;
  for (let n = 1; n < MAX_SERIES_TERMS; n++) {
    const ratio = ((A + n) * (eps + n) * z) / ((C + n) * (n + 1));
    term *= ratio;
    sum += term;
    if (seriesExhausted(term, sum, ratio, z)) return sum;
  }
  throw new RangeError(`the BG/NBD hypergeometric series did not converge (z = ${z})`);
}

/**
 * The Gaussian hypergeometric function ₂F₁(a, b; c; z) = Σ (a)_n (b)_n / ((c)_n n!) zⁿ by its series, for
 * |z| < 1 and c not a non-positive integer. Stops once the remaining tail, bounded geometrically, is below
 * 1e-17 of the sum; throws rather than return a truncated value if that takes more than 100,000 terms.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(Math.abs(z) < 1)) throw new RangeError(`hyp2f1 series needs |z| < 1 (got ${z})`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1 is undefined for c = ${c}`);
  let term = 1;
  let sum = 1;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    const ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    term *= ratio;
    sum += term;
    // a or b a non-positive integer: a polynomial, finished exactly.
    if (term === 0) return sum;
    if (seriesExhausted(term, sum, ratio, z)) return sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) did not converge in ${MAX_SERIES_TERMS} terms`);
}

/**
 * Term ratios tend to z as n grows (from either side), so once below 1 the tail after `term` is at most
 * |term|·q/(1 − q) with q the larger of the current ratio and |z|.
 */
function seriesExhausted(term: number, sum: number, ratio: number, z: number): boolean {
  const q = Math.max(Math.abs(ratio), Math.abs(z));
  if (q >= 1) return false;
  return (Math.abs(term) * q) / (1 - q) <= SERIES_EPSILON * Math.abs(sum);
}

/** a/(b + x − 1) · ((α + T)/(α + t_x))^(r+x): the odds that a customer with x ≥ 1 has dropped out. */
function deadOdds(params: BgNbdParams, x: number, t_x: number, T: number): number {
  const { r, alpha, a, b } = params;
  return Math.exp(Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + t_x)));
}

interface HistoryGroup {
  x: number;
  t_x: number;
  T: number;
  count: number;
}

/** Identical histories share one likelihood term (a cohort's never-returned customers are most of it). */
function groupHistories(customers: readonly PurchaseHistory[]): HistoryGroup[] {
  if (customers.length === 0) throw new RangeError("at least one customer is needed");
  const groups = new Map<string, HistoryGroup>();
  for (const c of customers) {
    checkHistory(c);
    const t_x = c.x === 0 ? 0 : c.t_x;
    const key = `${c.x}|${t_x}|${c.T}`;
    const group = groups.get(key);
    if (group) group.count++;
    else groups.set(key, { x: c.x, t_x, T: c.T, count: 1 });
  }
  return [...groups.values()];
}

function makeObjective(groups: readonly HistoryGroup[]): (params: BgNbdParams) => number {
  // The Gamma and Beta functions depend on x only: evaluate them once per distinct x per call.
  const xs = [...new Set(groups.map((g) => g.x))];
  const xIndex = new Map(xs.map((x, i) => [x, i]));
  const groupX = Int32Array.from(groups, (g) => xIndex.get(g.x) as number);
  const counts = Float64Array.from(groups, (g) => g.count);
  const T = Float64Array.from(groups, (g) => g.T);
  const tx = Float64Array.from(groups, (g) => g.t_x);
  const perX = new Float64Array(xs.length);
  const aliveBeta = new Float64Array(xs.length);
  const droppedBeta = new Float64Array(xs.length);

  return (params) => {
    const { r, alpha, a, b } = params;
    const logBetaAB = logBeta(a, b);
    const logGammaR = logGamma(r);
    const rLogAlpha = r * Math.log(alpha);
    xs.forEach((x, i) => {
      perX[i] = logGamma(r + x) - logGammaR + rLogAlpha;
      aliveBeta[i] = logBeta(a, b + x) - logBetaAB;
      droppedBeta[i] = x === 0 ? -Infinity : logBeta(a + 1, b + x - 1) - logBetaAB;
    });
    let total = 0;
    for (let g = 0; g < counts.length; g++) {
      const i = groupX[g] as number;
      const x = xs[i] as number;
      const aliveAtT = (aliveBeta[i] as number) - (r + x) * Math.log(alpha + (T[g] as number));
      // Alive at T after x purchases in (0, T], or (x ≥ 1) dropped out right after the purchase at t_x.
      const term =
        x === 0 ? aliveAtT : logAddExp(aliveAtT, (droppedBeta[i] as number) - (r + x) * Math.log(alpha + (tx[g] as number)));
      total += (counts[g] as number) * ((perX[i] as number) + term);
    }
    return total;
  };
}

function logAddExp(u: number, v: number): number {
  const m = Math.max(u, v);
  if (m === -Infinity) return -Infinity;
  return m + Math.log1p(Math.exp(Math.min(u, v) - m));
}

function checkParams(params: BgNbdParams): void {
  for (const name of ["r", "alpha", "a", "b"] as const) {
    const value = params[name];
    if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`BG/NBD parameter ${name} must be a positive finite number (got ${value})`);
  }
}

function checkHistory(c: PurchaseHistory): void {
  if (!(Number.isInteger(c.x) && c.x >= 0)) throw new RangeError(`x must be a non-negative integer (got ${c.x})`);
  // T = 0 (first purchase just now) is allowed: such a customer's likelihood term is exactly 0.
  if (!(c.T >= 0 && Number.isFinite(c.T))) throw new RangeError(`T must be a finite time ≥ 0 (got ${c.T})`);
  if (c.x > 0 && !(c.t_x >= 0 && c.t_x <= c.T)) throw new RangeError(`t_x must lie in [0, T] (got t_x = ${c.t_x}, T = ${c.T})`);
}
