// Gamma–Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using iso-value curves for customer base
// analysis", JMR 42(4); Fader & Hardie 2013, "The Gamma-Gamma model of monetary value"), and customer value:
// BG/NBD expected purchases × Gamma–Gamma expected spend per purchase.

import { logGamma } from "../stats/distributions";
import { DEFAULT_MAX_EVALUATIONS, expectedPurchases, type BgNbdParams, type FitOptions } from "./bgnbd";
import { minimizeNelderMead } from "./nelder-mead";

/**
 * A customer's transaction values are Gamma(shape p, rate ν); ν varies across customers as Gamma(shape q,
 * rate γ). The population mean spend per transaction is p·γ/(q − 1), finite only for q > 1.
 */
export interface GammaGammaParams {
  p: number;
  q: number;
  gamma: number;
}

/** What the spend model sees of a customer: how many repeat purchases and their mean value. */
export interface SpendHistory {
  x: number;
  mean_spend: number;
}

export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers the fit used: those with x ≥ 1 and a positive mean spend. */
  customers: number;
  evaluations: number;
  converged: boolean;
}

/** A customer for customerValue: the BG/NBD history in days plus the spend history. */
export interface ValuedCustomer {
  x: number;
  t_x: number;
  T: number;
  mean_spend: number;
}

export interface CustomerValue {
  /** E[repeat purchases in the horizon] (BG/NBD eq. 10). */
  expected_purchases: number;
  /** E[spend per purchase] (Gamma–Gamma). */
  expected_average_spend: number;
  /** Their product, discounted month by month when a monthly discount rate is given. */
  value: number;
}

/** Month length for discounting, in days: lifetimes' convention, close enough to 365.25/12 for a rate per month. */
const DAYS_PER_MONTH = 30;

/**
 * ln f(m̄ | p, q, γ; x), the density of a customer's mean spend m̄ over x transactions with ν integrated out
 * (Fader & Hardie 2013):
 *   lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q·ln γ + (px−1)·ln m̄ + px·ln x − (px+q)·ln(γ + x·m̄)
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, meanSpend: number): number {
  checkParams(params);
  checkSpend(x, meanSpend);
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    logGamma(px + q) - logGamma(px) - logGamma(q) + q * Math.log(gamma) + (px - 1) * Math.log(meanSpend) + px * Math.log(x) - (px + q) * Math.log(gamma + x * meanSpend)
  );
}

/**
 * Maximum-likelihood (p, q, γ) over the customers with x ≥ 1 (the others carry no spend information): Nelder–Mead
 * on log-parameters, from p = 1, q = 3 and the γ that puts the model's mean spend at the observed average.
 */
export function fitGammaGamma(customers: readonly SpendHistory[], opts: FitOptions = {}): GammaGammaFit {
  const used = customers.filter((c) => c.x >= 1 && c.mean_spend > 0);
  if (used.length === 0) throw new RangeError("Gamma–Gamma cannot be fitted: no customer has a repeat purchase with a positive value");
  for (const c of used) checkSpend(c.x, c.mean_spend);
  const n = used.length;
  const x = Float64Array.from(used, (c) => c.x);
  const m = Float64Array.from(used, (c) => c.mean_spend);
  // Every term but ln(γ + x·m̄) splits into per-x Gamma functions and sums fixed by the data.
  const logM = Float64Array.from(m, Math.log);
  const logX = Float64Array.from(x, Math.log);
  let sumLogM = 0;
  let sumXLogM = 0;
  let sumXLogX = 0;
  let averageSpend = 0;
  for (let i = 0; i < n; i++) {
    sumLogM += logM[i] as number;
    sumXLogM += (x[i] as number) * (logM[i] as number);
    sumXLogX += (x[i] as number) * (logX[i] as number);
    averageSpend += (m[i] as number) / n;
  }
  const xs = [...new Set(x)];
  const xCounts = xs.map((v) => x.filter((xi) => xi === v).length);

  const logLikelihood = (params: GammaGammaParams): number => {
    const { p, q, gamma } = params;
    let total = n * (q * Math.log(gamma) - logGamma(q)) - sumLogM + p * (sumXLogM + sumXLogX);
    xs.forEach((v, k) => {
      total += (xCounts[k] as number) * (logGamma(p * v + q) - logGamma(p * v));
    });
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number;
      total -= (p * xi + q) * Math.log(gamma + xi * (m[i] as number));
    }
    return total;
  };
  const toParams = (v: readonly number[]): GammaGammaParams => ({ p: Math.exp(v[0] as number), q: Math.exp(v[1] as number), gamma: Math.exp(v[2] as number) });
  // Mean spend p·γ/(q − 1) = average at p = 1, q = 3: γ = 2·average.
  const result = minimizeNelderMead((v) => -logLikelihood(toParams(v)), [0, Math.log(3), Math.log(2 * averageSpend)], {
    maxEvaluations: opts.maxEvaluations ?? DEFAULT_MAX_EVALUATIONS,
  });
  return { params: toParams(result.x), logLikelihood: -result.value, customers: n, evaluations: result.evaluations, converged: result.converged };
}

/**
 * E[M | p, q, γ, m̄, x] = (γ + x·m̄)·p / (p·x + q − 1) (Fader & Hardie 2013): a weighted average of the
 * population mean p·γ/(q − 1) and the customer's own mean m̄, the latter weighing more the more purchases back it.
 * With x = 0 it is the population mean. Needs q > 1, below which the population mean is infinite.
 */
export function expectedAverageSpend(params: GammaGammaParams, x: number, meanSpend: number): number {
  checkParams(params);
  const { p, q, gamma } = params;
  if (!(q > 1)) throw new RangeError(`expected spend needs q > 1 (got q = ${q}): the population mean spend is infinite`);
  if (x === 0) return (p * gamma) / (q - 1);
  checkSpend(x, meanSpend);
  return ((gamma + x * meanSpend) * p) / (p * x + q - 1);
}

/**
 * Expected value of a customer's repeat purchases over the next `horizonDays`: BG/NBD E[Y(t)] × Gamma–Gamma
 * E[M]. The BG/NBD parameters must have been fitted on times in days. Given a monthly discount rate d, the
 * horizon is cut into 30-day months and month k's purchases, E[Y(30k)] − E[Y(30(k−1))] (the last month cut at
 * the horizon), are divided by (1 + d)^k, as the lifetimes package discounts; with d = 0 this is the product.
 */
export function customerValue(
  bgnbd: BgNbdParams,
  gg: GammaGammaParams,
  customer: ValuedCustomer,
  horizonDays: number,
  monthlyDiscount = 0,
): CustomerValue {
  if (!(horizonDays >= 0 && Number.isFinite(horizonDays))) throw new RangeError(`horizonDays must be a finite number ≥ 0 (got ${horizonDays})`);
  if (!(monthlyDiscount >= 0 && Number.isFinite(monthlyDiscount))) throw new RangeError(`monthlyDiscount must be a finite rate ≥ 0 (got ${monthlyDiscount})`);
  const { x, t_x, T } = customer;
  const spend = expectedAverageSpend(gg, x, customer.mean_spend);
  const purchases = expectedPurchases(bgnbd, horizonDays, x, t_x, T);
  if (monthlyDiscount === 0) return { expected_purchases: purchases, expected_average_spend: spend, value: purchases * spend };
  let discounted = 0;
  let previous = 0;
  for (let month = 1; (month - 1) * DAYS_PER_MONTH < horizonDays; month++) {
    const cumulative = expectedPurchases(bgnbd, Math.min(month * DAYS_PER_MONTH, horizonDays), x, t_x, T);
    discounted += (cumulative - previous) / (1 + monthlyDiscount) ** month;
    previous = cumulative;
  }
  return { expected_purchases: purchases, expected_average_spend: spend, value: discounted * spend };
}

function checkParams(params: GammaGammaParams): void {
  for (const name of ["p", "q", "gamma"] as const) {
    const value = params[name];
    if (!(value > 0 && Number.isFinite(value))) throw new RangeError(`Gamma–Gamma parameter ${name} must be a positive finite number (got ${value})`);
  }
}

function checkSpend(x: number, meanSpend: number): void {
  if (!(Number.isInteger(x) && x >= 1)) throw new RangeError(`the spend model needs x ≥ 1 repeat purchases (got ${x})`);
  if (!(meanSpend > 0 && Number.isFinite(meanSpend))) throw new RangeError(`mean spend must be a positive finite amount (got ${meanSpend})`);
}
