"""Reference values for shared/stats/cuped.ts (numpy 2.4 per-unit adjustment, scipy 1.17 Welch test).

40 simulated units per arm (seeded), rounded to cents and printed: the test embeds them, recomputes the sums
in TypeScript and must land on the values computed here unit by unit:
  θ = cov(x, y)/var(x) over both arms' units pooled, x̄ the pooled mean of x,
  y' = y − θ(x − x̄) per unit, then scipy.stats.ttest_ind(y'_t, y'_c, equal_var=False) and its
  confidence_interval(); relative interval by the delta method with the Welch t quantile;
  variance_reduction = 1 − [var(y'_c)/n_c + var(y'_t)/n_t] / [var(y_c)/n_c + var(y_t)/n_t].

Run: python3 shared/stats/reference/cuped.py
"""
import math

import numpy as np
from scipy import stats

from common import num, pair


def simulate(rng: np.random.Generator, n: int, effect: float) -> tuple[np.ndarray, np.ndarray]:
    x = np.round(rng.normal(100, 20, n), 2)  # pre-period spend
    y = np.round(30 + 0.7 * x + rng.normal(0, 10, n) + effect, 2)  # spend during the experiment
    return x, y


def cuped_welch() -> None:
    rng = np.random.default_rng(42)
    xc, yc = simulate(rng, 40, 0.0)
    xt, yt = simulate(rng, 40, 4.0)
    print("const CONTROL_UNITS: [number, number][] = [")
    print("  " + ", ".join(f"[{num(a)}, {num(b)}]" for a, b in zip(xc, yc)))
    print("];")
    print("const TREATMENT_UNITS: [number, number][] = [")
    print("  " + ", ".join(f"[{num(a)}, {num(b)}]" for a, b in zip(xt, yt)))
    print("];")

    x_all, y_all = np.concatenate([xc, xt]), np.concatenate([yc, yt])
    theta = np.cov(x_all, y_all)[0, 1] / np.var(x_all, ddof=1)
    x_bar = x_all.mean()
    adj_c, adj_t = yc - theta * (xc - x_bar), yt - theta * (xt - x_bar)
    res = stats.ttest_ind(adj_t, adj_c, equal_var=False)
    ci = res.confidence_interval(0.95)
    mc, mt = adj_c.mean(), adj_t.mean()
    vmc, vmt = adj_c.var(ddof=1) / len(adj_c), adj_t.var(ddof=1) / len(adj_t)
    q = stats.t.ppf(0.975, res.df)
    r = mt / mc - 1
    se_r = math.sqrt(vmt / mc**2 + mt**2 * vmc / mc**4)
    raw = yc.var(ddof=1) / len(yc) + yt.var(ddof=1) / len(yt)
    unadjusted = stats.ttest_ind(yt, yc, equal_var=False)
    print("// reference/cuped.py cuped_welch")
    print(f"const EXPECTED = {{ theta: {num(theta)}, grand_mean_x: {num(x_bar)}, control_rate: {num(mc)}, treatment_rate: {num(mt)},")
    print(f"  statistic: {num(res.statistic)}, p_value: {num(res.pvalue)}, df: {num(res.df)},")
    print(f"  absolute_lift: {num(mt - mc)}, absolute_ci: {pair(ci.low, ci.high)},")
    print(f"  relative_lift: {num(r)}, relative_ci: {pair(r - q * se_r, r + q * se_r)},")
    print(f"  variance_reduction: {num(1 - (vmc + vmt) / raw)},")
    print(f"  adjusted_control: {{ sum: {num(adj_c.sum())}, sum_squares: {num((adj_c**2).sum())} }},")
    print(f"  unadjusted_p_value: {num(unadjusted.pvalue)} }} as const;")


if __name__ == "__main__":
    cuped_welch()
