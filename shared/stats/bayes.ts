// Bayesian comparison of two conversion rates under conjugate Beta priors: the probability that treatment
// beats control, and the expected loss (in rate) of shipping treatment if it is in fact worse.
import { betaDensity, logBeta, regularizedIncompleteBetaUpper } from "./distributions";
import { checkProportionSummary, type ProportionSummary } from "./proportions";

export interface BetaPrior {
  alpha: number;
  beta: number;
}

/** The uniform prior: every rate equally likely before the experiment. */
export const UNIFORM_PRIOR: BetaPrior = { alpha: 1, beta: 1 };

/** Past this many terms the exact sum gives way to quadrature (a million terms take ~10 ms). */
const MAX_EXACT_TERMS = 1_000_000;

/**
 * Evan Miller's closed form: P(X_B > X_A) = Σ_{i=0}^{αB−1} B(αA+i, βA+βB) / ((βB+i) B(1+i, βB) B(αA, βA)),
 * for X_A ~ Beta(αA, βA), X_B ~ Beta(αB, βB), αB a positive integer. Consecutive terms differ by the factor
 * (αA+i)(βB+i) / ((αA+βA+βB+i)(i+1)), so the sum runs in logs (the first terms underflow for large counts)
 * without a Beta function per term.
 */
function millerSum(alphaA: number, betaA: number, alphaB: number, betaB: number): number {
  let logTerm = logBeta(alphaA, betaA + betaB) - logBeta(alphaA, betaA);
  // The log of the term walks through up to a million small steps: Neumaier-compensate the walk, or its
  // rounding (an ulp of a log in the thousands per step) would cost the probability its tenth digit.
  let carry = 0;
  let logMax = logTerm;
  let scaled = 1; // Σ exp(logTerm_i − logMax)
  for (let i = 0; i < alphaB - 1; i++) {
    const step = Math.log(((alphaA + i) * (betaB + i)) / ((alphaA + betaA + betaB + i) * (i + 1)));
    const next = logTerm + step;
    carry += Math.abs(logTerm) >= Math.abs(step) ? logTerm - next + step : step - next + logTerm;
    logTerm = next + carry;
    carry -= logTerm - next;
    if (logTerm > logMax) {
      scaled = scaled * Math.exp(logMax - logTerm) + 1;
      logMax = logTerm;
    } else {
      scaled += Math.exp(logTerm - logMax);
    }
  }
  return Math.min(1, Math.exp(logMax + Math.log(scaled)));
}

const isCount = (v: number): boolean => Number.isInteger(v) && v >= 1 && v <= MAX_EXACT_TERMS;

/** Tanh-sinh (double-exponential) nodes on [−1, 1] in t-steps of 1/8: exact to ~1e-15 for analytic integrands. */
const TANH_SINH: readonly { u: number; weight: number }[] = (() => {
  const h = 1 / 8;
  const nodes: { u: number; weight: number }[] = [];
  for (let k = -32; k <= 32; k++) {
    const t = k * h;
    const u = (Math.PI / 2) * Math.sinh(t);
    const weight = (h * (Math.PI / 2) * Math.cosh(t)) / (Math.cosh(u) * Math.cosh(u));
    nodes.push({ u, weight });
  }
  return nodes;
})();

/**
 * ∫_lo^hi f, by tanh-sinh. Nodes near an end are placed by their distance to it (2/(1 + e^{2|u|}) of the
 * half-width), so an integrable singularity of a Beta density at 0 or 1 is approached but never evaluated.
 */
function integrate(f: (x: number) => number, lo: number, hi: number): number {
  const half = (hi - lo) / 2;
  let total = 0;
  for (const { u, weight } of TANH_SINH) {
    const gap = (2 * half) / (1 + Math.exp(2 * Math.abs(u)));
    const x = u < 0 ? lo + gap : hi - gap;
    if (!(x > lo && x < hi) || weight === 0) continue;
    total += weight * f(x);
  }
  return total * half;
}

function betaMeanSd(a: number, b: number): { mean: number; sd: number } {
  const s = a + b;
  return { mean: a / s, sd: Math.sqrt((a * b) / (s * s * (s + 1))) };
}

/**
 * P(X1 > X2) = ∫ f₂(x)·(1 − I_x(a1, b1)) dx by quadrature, for non-integer parameters (a fractional prior) or
 * counts too large to sum. The panels break at both posteriors' mean ± {1.5, 3, 6, 12} sd, so a narrow
 * posterior, or the step of the other one's CDF, never falls inside one panel unseen.
 */
function probabilityGreaterByQuadrature(a1: number, b1: number, a2: number, b2: number): number {
  const breaks = new Set<number>([0, 1]);
  for (const { mean, sd } of [betaMeanSd(a1, b1), betaMeanSd(a2, b2)]) {
    for (const k of [-12, -6, -3, -1.5, 0, 1.5, 3, 6, 12]) {
      const x = mean + k * sd;
      if (x > 0 && x < 1) breaks.add(x);
    }
  }
  const points = [...breaks].sort((p, q) => p - q);
  let total = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i] as number;
    const hi = points[i + 1] as number;
    total += integrate((x) => betaDensity(x, a2, b2) * regularizedIncompleteBetaUpper(x, a1, b1), lo, hi);
  }
  return Math.min(1, Math.max(0, total));
}

/**
 * P(X1 > X2) for independent X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2): Miller's exact sum when a parameter it
 * can sum over is a (moderate) integer, preferring the two forms that give the probability directly over the
 * two that give its complement (which would lose the digits of a tiny probability), else quadrature.
 */
export function probabilityGreater(a1: number, b1: number, a2: number, b2: number): number {
  // Direct forms: sum over a1 (X1 as B), or, reflecting both (1 − X ~ Beta(b, a)), over b2.
  const direct: { terms: number; run: () => number }[] = [];
  if (isCount(a1)) direct.push({ terms: a1, run: () => millerSum(a2, b2, a1, b1) });
  if (isCount(b2)) direct.push({ terms: b2, run: () => millerSum(b1, a1, b2, a2) });
  if (direct.length > 0) return direct.reduce((best, next) => (next.terms < best.terms ? next : best)).run();
  // Complements: P(X1 > X2) = 1 − P(X2 > X1).
  const complement: { terms: number; run: () => number }[] = [];
  if (isCount(a2)) complement.push({ terms: a2, run: () => 1 - millerSum(a1, b1, a2, b2) });
  if (isCount(b1)) complement.push({ terms: b1, run: () => 1 - millerSum(b2, a2, b1, a1) });
  if (complement.length > 0) return complement.reduce((best, next) => (next.terms < best.terms ? next : best)).run();
  return probabilityGreaterByQuadrature(a1, b1, a2, b2);
}

/**
 * Beta–binomial comparison with posteriors Beta(α + conversions, β + units − conversions).
 *
 * - probability_to_beat: P(p_t > p_c).
 * - expected_loss: E[max(p_c − p_t, 0)], the conversion rate given up on average by choosing treatment. Since
 *   x·Beta(x; α, β) = mean·Beta(x; α + 1, β), it is mean_c·P(X_c⁺ > X_t) − mean_t·P(X_c > X_t⁺) with X⁺ the
 *   posterior with α + 1: two more calls of the same exact machinery, no double integral.
 */
export function betaBinomialComparison(
  control: ProportionSummary,
  treatment: ProportionSummary,
  prior: BetaPrior = UNIFORM_PRIOR,
): { probability_to_beat: number; expected_loss: number } {
  checkProportionSummary(control, "control");
  checkProportionSummary(treatment, "treatment");
  if (!(prior.alpha > 0 && prior.beta > 0 && Number.isFinite(prior.alpha) && Number.isFinite(prior.beta))) {
    throw new RangeError(`prior alpha and beta must be positive and finite (got ${prior.alpha}, ${prior.beta})`);
  }
  const ac = prior.alpha + control.conversions;
  const bc = prior.beta + control.units - control.conversions;
  const at = prior.alpha + treatment.conversions;
  const bt = prior.beta + treatment.units - treatment.conversions;

  const meanC = ac / (ac + bc);
  const meanT = at / (at + bt);
  const loss = meanC * probabilityGreater(ac + 1, bc, at, bt) - meanT * probabilityGreater(ac, bc, at + 1, bt);
  return {
    probability_to_beat: probabilityGreater(at, bt, ac, bc),
    // The two terms are computed separately; when treatment is far ahead their difference can round below 0.
    expected_loss: Math.max(0, loss),
  };
}
