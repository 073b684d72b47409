"""Reference values for shared/stats/bayes.ts betaBinomialComparison (scipy 1.17 numerical integration).

Posteriors: Beta(alpha + conversions, beta + units - conversions).
- probability_to_beat = P(p_t > p_c) = ∫ f_c(x) · P(p_t > x) dx by scipy.integrate.quad over the Beta pdfs,
  split at both posteriors' mean ± {1, 3, 6, 12} sd so quad sees every sharp feature.
- expected_loss = E[max(p_c − p_t, 0)] = ∫ f_c(x) · E[(x − p_t)+] dx, with
  E[(x − p_t)+] = x·F_t(x) − mean_t·F_{t+}(x) (F_{t+}: the Beta(alpha_t + 1, beta_t) CDF), again by quad.
Cross-checks in the script: Evan Miller's exact sum (mpmath, 40 digits) where the treatment alpha is an integer.

Run: python3 shared/stats/reference/bayes.py
"""
import mpmath as mp
import numpy as np
from scipy import integrate, stats

from common import num

mp.mp.dps = 40


def breakpoints(*dists) -> list[float]:
    pts = {0.0, 1.0}
    for d in dists:
        for k in (-12, -6, -3, -1, 0, 1, 3, 6, 12):
            pts.add(float(np.clip(d.mean() + k * d.std(), 0.0, 1.0)))
    return sorted(pts)


def quad_sum(f, pts: list[float]) -> float:
    total = 0.0
    for lo, hi in zip(pts[:-1], pts[1:]):
        if hi > lo:
            value, _ = integrate.quad(f, lo, hi, epsabs=1e-16, epsrel=1e-13, limit=500)
            total += value
    return total


def miller(alpha_a, beta_a, alpha_b, beta_b) -> float:
    """P(X_B > X_A) exactly, alpha_b a positive integer (Evan Miller, 'Formulas for Bayesian A/B testing')."""
    return float(mp.fsum(mp.beta(alpha_a + i, beta_a + beta_b) / ((beta_b + i) * mp.beta(1 + i, beta_b) * mp.beta(alpha_a, beta_a))
                         for i in range(int(alpha_b))))


CASES = [
    ("uniform_small", (1, 1), (10, 100), (15, 100)),
    ("zero_control_conversions", (1, 1), (0, 50), (3, 50)),
    ("jeffreys_treatment_behind", (0.5, 0.5), (120, 1000), (100, 1000)),
    ("uniform_large", (1, 1), (1000, 10000), (1100, 10000)),
    ("informative_prior_extremes", (2, 3), (5, 5), (0, 5)),
    ("uniform_million", (1, 1), (50000, 1000000), (50500, 1000000)),
    ("jeffreys_no_conversions", (0.5, 0.5), (0, 200), (0, 200)),
    ("jeffreys_rare_events", (0.5, 0.5), (3, 40000), (12, 40000)),
]


def beta_binomial_comparison() -> None:
    for name, (pa, pb), (xc, nc), (xt, nt) in CASES:
        ac, bc, at, bt = pa + xc, pb + nc - xc, pa + xt, pb + nt - xt
        post_c, post_t, post_t1 = stats.beta(ac, bc), stats.beta(at, bt), stats.beta(at + 1, bt)
        pts = breakpoints(post_c, post_t)
        p_beat = quad_sum(lambda x: post_c.pdf(x) * post_t.sf(x), pts)
        mean_t = at / (at + bt)
        loss = quad_sum(lambda x: post_c.pdf(x) * (x * post_t.cdf(x) - mean_t * post_t1.cdf(x)), pts)
        if float(at).is_integer() and at <= 60000:
            exact = miller(ac, bc, at, bt)
            assert abs(exact - p_beat) < 1e-10, (name, exact, p_beat)
        print(f'  {{ name: "{name}", prior: {{ alpha: {pa}, beta: {pb} }}, control: {{ units: {nc}, conversions: {xc} }}, '
              f"treatment: {{ units: {nt}, conversions: {xt} }},")
        print(f"    probability_to_beat: {num(p_beat)}, expected_loss: {num(loss)} }},")


if __name__ == "__main__":
    print("// beta_binomial_comparison")
    beta_binomial_comparison()
