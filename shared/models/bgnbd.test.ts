// BG/NBD against the paper's CDNOW estimates, a scipy fit of the same data, scipy's hyp2f1 and eq. (10), and a
// synthetic population simulated from known parameters (reference/bgnbd.py prints every constant below).
import { beforeAll, describe, expect, it } from "vitest";
import { sampleBeta, sampleGamma, seededUniform } from "../bandit/random";
import { expectClose } from "../stats/expect-close";
import {
  bgnbdLogLikelihood,
  bgnbdTotalLogLikelihood,
  expectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  hyp2f1,
  probabilityAlive,
  type BgNbdFit,
  type BgNbdParams,
  type PurchaseHistory,
} from "./bgnbd";
import { cdnowCustomers } from "./fixtures/cdnow";

// reference/bgnbd.py fit (scipy Nelder–Mead + BFGS on log-parameters)
const SCIPY_FIT = { r: 0.24259290542295983, alpha: 4.41353173328468, a: 0.7928859878007515, b: 2.425752930983, log_likelihood: -9582.42556056736 } as const;
// LL at the published (rounded) parameters: -9582.426831182365
// relative standard errors (the paper's data are only so informative): r 0.0518, alpha 0.0857, a 0.2342, b 0.2908
// at the published parameters: [x, t_x, T, loglik, p_alive, E[Y(39)], E[Y(10)], E[Y(200)]]
const CUSTOMER_CASES = [
  [0, 0.0, 38.86, -0.5547132764381585, 1.0, 0.19509805201125396, 0.05429984838044943, 0.7559129066405761],
  [1, 1.71, 38.86, -4.469093275032589, 0.2121009853773791, 0.2031869870797511, 0.05818583967862392, 0.7244339329723768],
  [2, 30.43, 38.86, -9.45860630706627, 0.726578570080673, 1.226028174767135, 0.3569733602656468, 4.185927065957676],
  [7, 29.43, 38.86, -21.863276271463516, 0.6417563459461072, 3.3370532748513515, 1.0027225865863933, 10.614568461200786],
  [29, 37.71, 38.0, -43.86951405362069, 0.9691295181593396, 20.052948986497928, 6.162868637319848, 61.17152014143081],
  [2, 4.0, 32.0, -7.418304789782369, 0.13909872606118023, 0.2713766738572286, 0.08045468762190507, 0.8939299004729889],
] as const;
// E[X(t)] for a new customer at the published parameters: [t, value]
const UNCONDITIONAL = [[1, 0.05326789117165627], [39, 1.1967231933207985], [78, 1.8605190579427455], [500, 4.887868155290883]] as const;
// scipy.special.hyp2f1: [a, b, c, z, value]
const HYP2F1 = [[0.5, 1.5, 2.5, 0.3, 1.1080625510569324], [2.243, 4.426, 5.219, 0.5, 3.614707706823282], [30.243, 31.426, 32.219, 0.9, 2.9516554928034946e+29], [1.0, 1.0, 2.0, -0.5, 0.8109302162163285], [-0.5, 0.2, 3.0, 0.99, 0.9636790965366795]] as const;
// synthetic population: the design, then totals that show both sides simulated the same customers
const SYNTHETIC = { seed: 2026, customers: 20000, r: 0.8, alpha: 20.0, a: 1.2, b: 4.0, T_min: 180.0, T_max: 365.0 } as const;
const SYNTHETIC_TOTALS = { x: 77624, t_x: 2124789.716133233, T: 5447783.357456047 } as const; // mean x 3.8812
const SYNTHETIC_SCIPY_FIT = { r: 0.7948841396549364, alpha: 20.02787865677433, a: 1.2588797637791045, b: 4.2857581803323415, log_likelihood: -361073.6687167685 } as const;
// relative error vs truth: r -0.0064, alpha +0.0014, a +0.0491, b +0.0714
const SYNTHETIC_RELATIVE_SE = { r: 0.0124, alpha: 0.0175, a: 0.0351, b: 0.0463 } as const;

/** Fader, Hardie & Lee (2005), section 5: the CDNOW estimates, and the log-likelihood −9582.4. */
const PUBLISHED: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const PARAM_NAMES = ["r", "alpha", "a", "b"] as const;

/** The generative story behind the likelihood, drawn exactly as reference/bgnbd.py simulate() draws it. */
function simulate(seed: number, n: number, truth: BgNbdParams, tMin: number, tMax: number): PurchaseHistory[] {
  const u = seededUniform(seed);
  const customers: PurchaseHistory[] = [];
  for (let i = 0; i < n; i++) {
    const T = tMin + (tMax - tMin) * u.next();
    const rate = sampleGamma(u, truth.r) / truth.alpha;
    const dropout = sampleBeta(u, truth.a, truth.b);
    let t = 0;
    let x = 0;
    let t_x = 0;
    for (;;) {
      t += -Math.log(1 - u.next()) / rate;
      if (t > T) break;
      x++;
      t_x = t;
      if (u.next() < dropout) break;
    }
    customers.push({ x, t_x, T });
  }
  return customers;
}

const cdnow = cdnowCustomers();

describe("fitBgNbd on CDNOW", () => {
  let fit: BgNbdFit;
  beforeAll(() => {
    fit = fitBgNbd(cdnow);
  });

  it("reproduces the paper's estimates to the three decimals it prints", () => {
    expect(cdnow).toHaveLength(2357);
    expect(fit.converged).toBe(true);
    for (const name of PARAM_NAMES) expect(Math.abs(fit.params[name] - PUBLISHED[name]), name).toBeLessThanOrEqual(0.0005);
    expect(fit.logLikelihood.toFixed(1)).toBe("-9582.4");
  });

  it("agrees with scipy's fit of the same data", () => {
    // The likelihood is flat along a and b (standard errors ~25%), so ~1e-6 is what either optimiser can resolve.
    for (const name of PARAM_NAMES) expectClose(fit.params[name], SCIPY_FIT[name], { rel: 5e-6 }, name);
    expectClose(fit.logLikelihood, SCIPY_FIT.log_likelihood, { rel: 1e-12 });
    expectClose(bgnbdTotalLogLikelihood(SCIPY_FIT, cdnow), SCIPY_FIT.log_likelihood, { rel: 1e-13 });
  });
});

describe("per-customer quantities at the published parameters", () => {
  it("log-likelihood, P(alive) and E[Y(t)] match scipy (eq. 10 with scipy.special.hyp2f1)", () => {
    for (const [x, t_x, T, logLik, alive, ey39, ey10, ey200] of CUSTOMER_CASES) {
      const label = `x=${x} t_x=${t_x} T=${T}`;
      expectClose(bgnbdLogLikelihood(PUBLISHED, { x, t_x, T }), logLik, { rel: 1e-12 }, `${label} loglik`);
      expectClose(probabilityAlive(PUBLISHED, x, t_x, T), alive, { rel: 1e-13 }, `${label} P(alive)`);
      expectClose(expectedPurchases(PUBLISHED, 39, x, t_x, T), ey39, { rel: 1e-12 }, `${label} E[Y(39)]`);
      expectClose(expectedPurchases(PUBLISHED, 10, x, t_x, T), ey10, { rel: 1e-12 }, `${label} E[Y(10)]`);
      expectClose(expectedPurchases(PUBLISHED, 200, x, t_x, T), ey200, { rel: 1e-12 }, `${label} E[Y(200)]`);
    }
  });

  it("gives the paper's worked example: 1.226 purchases in the next 39 weeks for x = 2, t_x = 30.43, T = 38.86", () => {
    expect(expectedPurchases(PUBLISHED, 39, 2, 30.43, 38.86).toFixed(3)).toBe("1.226");
  });

  it("gives E[X(t)] for a new customer (eq. 9)", () => {
    for (const [t, value] of UNCONDITIONAL) expectClose(expectedPurchasesNewCustomer(PUBLISHED, t), value, { rel: 1e-11 }, `t=${t}`);
    expect(expectedPurchasesNewCustomer(PUBLISHED, 0)).toBe(0);
  });

  it("does not depend on the time unit: weeks × 7 with α × 7 gives the same answers in days", () => {
    const days: BgNbdParams = { ...PUBLISHED, alpha: PUBLISHED.alpha * 7 };
    for (const [x, t_x, T] of CUSTOMER_CASES) {
      expectClose(expectedPurchases(days, 39 * 7, x, t_x * 7, T * 7), expectedPurchases(PUBLISHED, 39, x, t_x, T), { rel: 1e-12 });
      expectClose(probabilityAlive(days, x, t_x * 7, T * 7), probabilityAlive(PUBLISHED, x, t_x, T), { rel: 1e-12 });
    }
  });

  it("is continuous through a = 1, where eq. (10)'s 1/(a − 1) is only apparent", () => {
    const at = (a: number): number => expectedPurchases({ ...PUBLISHED, a }, 39, 2, 30.43, 38.86);
    expectClose(at(1), (at(1 - 1e-6) + at(1 + 1e-6)) / 2, { rel: 1e-10 });
  });

  it("stays finite for a heavy buyer far into the future, where the untransformed series overflows", () => {
    const value = expectedPurchases(PUBLISHED, 5000, 300, 38, 38.86);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThan(expectedPurchases(PUBLISHED, 1000, 300, 38, 38.86));
  });

  it("treats a customer with no repeat purchase as alive, and one long silent as likely gone", () => {
    expect(probabilityAlive(PUBLISHED, 0, 0, 38.86)).toBe(1);
    expect(probabilityAlive(PUBLISHED, 5, 2, 38.86)).toBeLessThan(0.01);
    expect(probabilityAlive(PUBLISHED, 5, 38, 38.86)).toBeGreaterThan(0.85);
  });
});

describe("hyp2f1", () => {
  it("matches scipy.special.hyp2f1", () => {
    for (const [a, b, c, z, value] of HYP2F1) expectClose(hyp2f1(a, b, c, z), value, { rel: 1e-13 }, `2F1(${a}, ${b}; ${c}; ${z})`);
  });

  it("knows closed forms: ₂F₁(1, 1; 2; z) = −ln(1 − z)/z, and a terminating polynomial", () => {
    expectClose(hyp2f1(1, 1, 2, 0.75), -Math.log(0.25) / 0.75, { rel: 1e-14 });
    expectClose(hyp2f1(-2, 1, 1, 0.5), 0.25, { rel: 1e-15 }); // (1 − z)²
  });

  it("refuses arguments where the series is not the function", () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(/\|z\| < 1/);
    expect(() => hyp2f1(1, 1, -2, 0.5)).toThrow(/undefined/);
  });
});

describe("synthetic customers from known parameters", () => {
  const truth: BgNbdParams = { r: SYNTHETIC.r, alpha: SYNTHETIC.alpha, a: SYNTHETIC.a, b: SYNTHETIC.b };
  let customers: PurchaseHistory[];
  let fit: BgNbdFit;
  beforeAll(() => {
    customers = simulate(SYNTHETIC.seed, SYNTHETIC.customers, truth, SYNTHETIC.T_min, SYNTHETIC.T_max);
    fit = fitBgNbd(customers);
  });

  it("simulates the very customers reference/bgnbd.py simulated", () => {
    let x = 0;
    let tx = 0;
    let T = 0;
    for (const c of customers) {
      x += c.x;
      tx += c.t_x;
      T += c.T;
    }
    expect(x).toBe(SYNTHETIC_TOTALS.x);
    expectClose(tx, SYNTHETIC_TOTALS.t_x, { rel: 1e-12 });
    expectClose(T, SYNTHETIC_TOTALS.T, { rel: 1e-12 });
  });

  it("agrees with scipy's fit of the same customers", () => {
    expect(fit.converged).toBe(true);
    for (const name of PARAM_NAMES) expectClose(fit.params[name], SYNTHETIC_SCIPY_FIT[name], { rel: 1e-5 }, name);
    expectClose(fit.logLikelihood, SYNTHETIC_SCIPY_FIT.log_likelihood, { rel: 1e-12 });
  });

  it("recovers every generating parameter within three standard errors (r, α within 2%)", () => {
    for (const name of PARAM_NAMES) {
      const relativeError = fit.params[name] / truth[name] - 1;
      expect(Math.abs(relativeError), name).toBeLessThan(3 * SYNTHETIC_RELATIVE_SE[name]);
    }
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.02);
    expect(Math.abs(fit.params.alpha / truth.alpha - 1)).toBeLessThan(0.02);
  });
});

describe("input checks", () => {
  it("refuses impossible histories and parameters", () => {
    expect(() => probabilityAlive(PUBLISHED, 1.5, 1, 2)).toThrow(/x must be/);
    expect(() => probabilityAlive(PUBLISHED, 2, 3, 2)).toThrow(/t_x/);
    expect(() => probabilityAlive({ ...PUBLISHED, r: 0 }, 2, 1, 2)).toThrow(/parameter r/);
    expect(() => expectedPurchases(PUBLISHED, -1, 2, 1, 2)).toThrow(/horizon/);
    expect(() => fitBgNbd([{ x: 0, t_x: 0, T: 10 }])).toThrow(/no customer made a repeat purchase/);
    expect(() => fitBgNbd([])).toThrow(RangeError);
  });
});

describe("the dropout prior (MAP), for histories that cannot identify dropout heterogeneity", () => {
  it("barely moves a fit the data identify: CDNOW stays within 2% of the published estimates", () => {
    const fit = fitBgNbd(cdnow, { dropoutPriorSd: 2 });
    for (const name of PARAM_NAMES) expect(Math.abs(fit.params[name] / PUBLISHED[name] - 1), name).toBeLessThan(0.02);
  });

  /** n customers who all drop out with chance 0.1 after each repeat purchase, simulated on past T to count
   *  what each went on to buy in the next `horizon` days. Histories start at the first purchase. */
  function homogeneousDropout(seed: number, n: number, horizon: number): { customers: PurchaseHistory[]; future: number } {
    const u = seededUniform(seed);
    const customers: PurchaseHistory[] = [];
    let future = 0;
    for (let i = 0; i < n; i++) {
      const T = 60 + 120 * u.next();
      const rate = sampleGamma(u, 1.2) / 150;
      let t = -Math.log(1 - u.next()) / rate;
      const first = t;
      let x = 0;
      let t_x = 0;
      for (;;) {
        t += -Math.log(1 - u.next()) / rate;
        if (t - first > T + horizon) break;
        if (t - first > T) future++;
        else {
          x++;
          t_x = t - first;
        }
        if (u.next() < 0.1) break;
      }
      customers.push({ x, t_x, T });
    }
    return { customers, future };
  }

  it("ends the ridge when every customer shares one dropout chance, and still predicts the next 90 days", () => {
    // No spread in dropout is the limit a, b → ∞ with a/(a+b) = 0.1. On these populations (seeds found to
    // show it: of seeds 1–11, maximum likelihood ran off in 3, 4, 6, 7, 8, 9 and 11) it runs off along that ridge
    // and its predictions fail; the prior stops it.
    for (const seed of [3, 4, 7]) {
      const { customers, future } = homogeneousDropout(seed, 1000, 90);
      const plain = fitBgNbd(customers);
      const map = fitBgNbd(customers, { dropoutPriorSd: 2 });
      expect(plain.params.a + plain.params.b, `seed ${seed}`).toBeGreaterThan(1e5);
      expect(map.params.a + map.params.b, `seed ${seed}`).toBeLessThan(100);
      // The likelihood is flat along the ridge: MAP gives up almost nothing in fit.
      expect(plain.logLikelihood - map.logLikelihood).toBeLessThan(1);
      let predicted = 0;
      for (const c of customers) predicted += expectedPurchases(map.params, 90, c.x, c.t_x, c.T);
      // What these customers really bought next, within 10% (about 1,000 purchases: ±3% is sampling noise).
      expect(Math.abs(predicted / future - 1), `seed ${seed}: ${predicted} vs ${future}`).toBeLessThan(0.1);
    }
  });
});
