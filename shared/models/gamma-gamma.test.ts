// Gamma–Gamma against the CDNOW estimates of Fader & Hardie's note, a scipy fit of the same customers, and a
// synthetic population from known parameters; customer value against eq. (10) × E[M] computed in
// reference/gamma_gamma.py (which prints every constant below).
import { beforeAll, describe, expect, it } from "vitest";
import { sampleGamma, seededUniform } from "../bandit/random";
import { expectClose } from "../stats/expect-close";
import type { BgNbdParams } from "./bgnbd";
import { cdnowCustomers } from "./fixtures/cdnow";
import {
  customerValue,
  expectedAverageSpend,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  type GammaGammaFit,
  type GammaGammaParams,
  type SpendHistory,
} from "./gamma-gamma";

// reference/gamma_gamma.py
// CDNOW: 946 customers with x ≥ 1
const CDNOW_SCIPY_FIT = { p: 6.248803137454335, q: 3.7445883943368363, gamma: 15.447746296427946, log_likelihood: -4055.9232435028584 } as const;
// relative standard errors: p 0.1904, q 0.0775, gamma 0.2693
// E[M | x, m] at the published parameters: [x, m, value]
const SPEND_CASES = [[1, 11.77, 18.916852057842046], [2, 22.35, 24.663713910761153], [7, 73.74, 71.46967089696709], [29, 46.33, 46.16453339855427]] as const;
const LOGLIK_CASE = { x: 3, m: 25.5, value: -3.6121980483206926 } as const;
// customer value, BG/NBD published parameters in days (α·7), Gamma–Gamma published: [x, t_x, T, mean, horizon, d, E[Y], E[M], value]
const VALUE_CASES = [
  [2, 213.01, 272.02, 22.35, 90, 0.0, 0.45250112476373405, 24.663713910761153, 11.160358285470375],
  [2, 213.01, 272.02, 22.35, 365, 0.0, 1.5622242704303582, 24.663713910761153, 38.53025247034192],
  [2, 213.01, 272.02, 22.35, 365, 0.01, 1.5622242704303582, 24.663713910761153, 36.26194589163066],
  [2, 213.01, 272.02, 22.35, 100, 0.02, 0.4993068933187638, 24.663713910761153, 11.801136303071187],
  [0, 0.0, 272.02, 0.0, 90, 0.0, 0.06918885230762674, 35.21897810218978, 2.436760674337949],
  [0, 0.0, 272.02, 0.0, 365, 0.0, 0.2526817469126383, 35.21897810218978, 8.899192911339268],
  [0, 0.0, 272.02, 0.0, 365, 0.01, 0.2526817469126383, 35.21897810218978, 8.362539485957049],
  [0, 0.0, 272.02, 0.0, 100, 0.02, 0.07653825972383697, 35.21897810218978, 2.5824295697160853],
  [7, 206.01, 272.02, 73.74, 90, 0.0, 1.2661986152718465, 71.46967089696709, 90.49479832367432],
  [7, 206.01, 272.02, 73.74, 365, 0.0, 4.207851867389226, 71.46967089696709, 300.73378814549636],
  [7, 206.01, 272.02, 73.74, 365, 0.01, 4.207851867389226, 71.46967089696709, 283.32384001788967],
  [7, 206.01, 272.02, 73.74, 100, 0.02, 1.3946039742215566, 71.46967089696709, 95.53527484285269],
] as const;
// synthetic population: the design, then totals that show both sides simulated the same customers
const SYNTHETIC = { seed: 2027, customers: 20000, p: 4.0, q: 5.0, gamma: 40.0 } as const;
const SYNTHETIC_TOTALS = { x: 109526, mean_spend: 797884.6600859852 } as const;
const SYNTHETIC_SCIPY_FIT = { p: 4.046746573392058, q: 4.9488763042407165, gamma: 39.02148140369498, log_likelihood: -86568.72878693094 } as const;
// relative error vs truth: p +0.0117, q -0.0102, gamma -0.0245
const SYNTHETIC_RELATIVE_SE = { p: 0.0415, q: 0.0154, gamma: 0.0548 } as const;
// population mean spend pγ/(q−1): truth 40.0, fitted 39.9604 (-0.0010)

/** Fader & Hardie (2013), "The Gamma-Gamma model of monetary value": the CDNOW estimates. */
const PUBLISHED: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };
/** The CDNOW BG/NBD estimates (Fader, Hardie & Lee 2005) with α converted from weeks to days. */
const BGNBD_DAYS: BgNbdParams = { r: 0.243, alpha: 4.414 * 7, a: 0.793, b: 2.426 };
const PARAM_NAMES = ["p", "q", "gamma"] as const;

/** Drawn exactly as reference/gamma_gamma.py simulate() draws it. */
function simulate(seed: number, n: number, truth: GammaGammaParams): SpendHistory[] {
  const u = seededUniform(seed);
  const customers: SpendHistory[] = [];
  for (let i = 0; i < n; i++) {
    const x = 1 + Math.floor(10 * u.next());
    const rate = sampleGamma(u, truth.q) / truth.gamma;
    let total = 0;
    for (let k = 0; k < x; k++) total += sampleGamma(u, truth.p) / rate;
    customers.push({ x, mean_spend: total / x });
  }
  return customers;
}

describe("fitGammaGamma on CDNOW", () => {
  let fit: GammaGammaFit;
  beforeAll(() => {
    fit = fitGammaGamma(cdnowCustomers());
  });

  it("uses the 946 customers with a repeat purchase and reproduces the published estimates", () => {
    expect(fit.customers).toBe(946);
    expect(fit.converged).toBe(true);
    // The note prints two decimals; γ = 15.4477 prints as 15.45 in lifetimes and 15.44 in the note.
    expect(Math.abs(fit.params.p - PUBLISHED.p)).toBeLessThan(0.005);
    expect(Math.abs(fit.params.q - PUBLISHED.q)).toBeLessThan(0.005);
    expect(Math.abs(fit.params.gamma - PUBLISHED.gamma)).toBeLessThan(0.01);
  });

  it("agrees with scipy's fit of the same customers", () => {
    for (const name of PARAM_NAMES) expectClose(fit.params[name], CDNOW_SCIPY_FIT[name], { rel: 1e-5 }, name);
    expectClose(fit.logLikelihood, CDNOW_SCIPY_FIT.log_likelihood, { rel: 1e-12 });
  });
});

describe("per-customer spend", () => {
  it("log-likelihood matches scipy", () => {
    expectClose(gammaGammaLogLikelihood(PUBLISHED, LOGLIK_CASE.x, LOGLIK_CASE.m), LOGLIK_CASE.value, { rel: 1e-13 });
  });

  it("E[M | x, m̄] matches eq. (5) and shrinks a customer's mean towards the population mean", () => {
    for (const [x, m, value] of SPEND_CASES) expectClose(expectedAverageSpend(PUBLISHED, x, m), value, { rel: 1e-14 }, `x=${x}`);
    const population = (PUBLISHED.p * PUBLISHED.gamma) / (PUBLISHED.q - 1);
    expectClose(expectedAverageSpend(PUBLISHED, 0, 0), population, { rel: 1e-15 });
    // One $200 purchase says little; twenty say a lot.
    const once = expectedAverageSpend(PUBLISHED, 1, 200);
    const often = expectedAverageSpend(PUBLISHED, 20, 200);
    expect(once).toBeGreaterThan(population);
    expect(once).toBeLessThan(often);
    expect(often).toBeLessThan(200);
  });

  it("refuses a population mean that does not exist (q ≤ 1) and impossible spend", () => {
    expect(() => expectedAverageSpend({ p: 1, q: 0.9, gamma: 1 }, 2, 10)).toThrow(/q > 1/);
    expect(() => expectedAverageSpend(PUBLISHED, 2, -5)).toThrow(/mean spend/);
    expect(() => gammaGammaLogLikelihood(PUBLISHED, 0, 10)).toThrow(/x ≥ 1/);
    expect(() => fitGammaGamma([{ x: 0, mean_spend: 0 }])).toThrow(/no customer/);
  });
});

describe("synthetic customers from known parameters", () => {
  const truth: GammaGammaParams = { p: SYNTHETIC.p, q: SYNTHETIC.q, gamma: SYNTHETIC.gamma };
  let customers: SpendHistory[];
  let fit: GammaGammaFit;
  beforeAll(() => {
    customers = simulate(SYNTHETIC.seed, SYNTHETIC.customers, truth);
    fit = fitGammaGamma(customers);
  });

  it("simulates the very customers reference/gamma_gamma.py simulated", () => {
    expect(customers.reduce((s, c) => s + c.x, 0)).toBe(SYNTHETIC_TOTALS.x);
    expectClose(
      customers.reduce((s, c) => s + c.mean_spend, 0),
      SYNTHETIC_TOTALS.mean_spend,
      { rel: 1e-12 },
    );
  });

  it("agrees with scipy's fit of the same customers", () => {
    expect(fit.converged).toBe(true);
    for (const name of PARAM_NAMES) expectClose(fit.params[name], SYNTHETIC_SCIPY_FIT[name], { rel: 1e-5 }, name);
    expectClose(fit.logLikelihood, SYNTHETIC_SCIPY_FIT.log_likelihood, { rel: 1e-12 });
  });

  it("recovers p, q and γ within a few per cent (three standard errors) and the mean spend within 1%", () => {
    for (const name of PARAM_NAMES) {
      const relativeError = fit.params[name] / truth[name] - 1;
      expect(Math.abs(relativeError), name).toBeLessThan(Math.min(0.05, 3 * SYNTHETIC_RELATIVE_SE[name]));
    }
    const meanSpend = (params: GammaGammaParams): number => (params.p * params.gamma) / (params.q - 1);
    expect(Math.abs(meanSpend(fit.params) / meanSpend(truth) - 1)).toBeLessThan(0.01);
  });
});

describe("customerValue", () => {
  it("is BG/NBD E[Y(H)] × Gamma–Gamma E[M], discounted month by month as the reference computes it", () => {
    for (const [x, t_x, T, mean, horizon, discount, purchases, spend, value] of VALUE_CASES) {
      const label = `x=${x} H=${horizon} d=${discount}`;
      const result = customerValue(BGNBD_DAYS, PUBLISHED, { x, t_x, T, mean_spend: mean }, horizon, discount);
      expectClose(result.expected_purchases, purchases, { rel: 1e-11 }, `${label} E[Y]`);
      expectClose(result.expected_average_spend, spend, { rel: 1e-14 }, `${label} E[M]`);
      expectClose(result.value, value, { rel: 1e-11 }, `${label} value`);
    }
  });

  it("discounting only ever lowers the value, and a zero rate changes nothing", () => {
    const customer = { x: 3, t_x: 120, T: 200, mean_spend: 40 };
    const plain = customerValue(BGNBD_DAYS, PUBLISHED, customer, 365);
    expect(customerValue(BGNBD_DAYS, PUBLISHED, customer, 365, 0).value).toBe(plain.value);
    expect(customerValue(BGNBD_DAYS, PUBLISHED, customer, 365, 0.01).value).toBeLessThan(plain.value);
    expect(customerValue(BGNBD_DAYS, PUBLISHED, customer, 0).value).toBe(0);
  });

  it("refuses a negative horizon or discount", () => {
    const customer = { x: 3, t_x: 120, T: 200, mean_spend: 40 };
    expect(() => customerValue(BGNBD_DAYS, PUBLISHED, customer, -1)).toThrow(/horizonDays/);
    expect(() => customerValue(BGNBD_DAYS, PUBLISHED, customer, 90, -0.1)).toThrow(/monthlyDiscount/);
  });
});
