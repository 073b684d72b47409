"""Reference values for shared/stats/proportions.ts twoProportionTest (statsmodels 0.15).

- statistic / p_value: statsmodels.stats.proportion.proportions_ztest (pooled variance, two-sided), with the
  treatment first so the sign is that of treatment − control.
- absolute_ci: statsmodels.stats.proportion.confint_proportions_2indep(method="wald", compare="diff").
- relative_ci: the delta method written out with numpy (statsmodels has no log-free ratio interval):
  var(r) ≈ var(pt)/pc² + pt²·var(pc)/pc⁴, var(p) = p(1 − p)/n, r ± z·√var(r).

Run: python3 shared/stats/reference/proportions.py
"""
import numpy as np
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from common import num, pair

CASES = {
    "typical": ((1000, 10000), (1100, 10000)),
    "small_n": ((10, 100), (15, 100)),
    "unequal_sizes": ((30, 1000), (80, 3000)),
    "tiny": ((3, 7), (5, 9)),
    "near_one": ((495, 500), (499, 500)),
    "p_1e-10": ((10000, 100000), (10880, 100000)),
    "zero_control": ((0, 500), (5, 500)),
}


def two_proportion_test(name: str, confidence: float) -> None:
    (xc, nc), (xt, nt) = CASES[name]
    z_crit = stats.norm.ppf(1 - (1 - confidence) / 2)
    z, p = proportions_ztest([xt, xc], [nt, nc])
    lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff", alpha=1 - confidence)
    pc, pt = xc / nc, xt / nt
    if pc > 0:
        r = pt / pc - 1
        var_r = (pt * (1 - pt) / nt) / pc**2 + pt**2 * (pc * (1 - pc) / nc) / pc**4
        rel_lo, rel_hi = r - z_crit * np.sqrt(var_r), r + z_crit * np.sqrt(var_r)
    else:
        r = rel_lo = rel_hi = float("nan")
    print(f'  {{ name: "{name}", confidence: {confidence}, control: {{ units: {nc}, conversions: {xc} }}, '
          f"treatment: {{ units: {nt}, conversions: {xt} }},")
    print(f"    statistic: {num(z)}, p_value: {num(p)}, absolute_lift: {num(pt - pc)}, absolute_ci: {pair(lo, hi)},")
    print(f"    relative_lift: {num(r)}, relative_ci: {pair(rel_lo, rel_hi)} }},")


if __name__ == "__main__":
    print("// two_proportion_test")
    for case in CASES:
        two_proportion_test(case, 0.95)
    for case in ["typical", "near_one"]:
        two_proportion_test(case, 0.9)
