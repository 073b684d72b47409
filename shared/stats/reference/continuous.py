"""Reference values for shared/stats/continuous.ts welchTest (scipy 1.17, statsmodels 0.15 as a cross-check).

Raw-data cases: seeded numpy samples -> scipy.stats.ttest_ind(treatment, control, equal_var=False) and its
confidence_interval(); the sums are printed at full precision for the test to feed welchTest.
Summary cases: chosen sums -> scipy.stats.ttest_ind_from_stats, with the interval written out from
scipy.stats.t.ppf (the from_stats result has no confidence_interval()).
Both are checked against statsmodels CompareMeans(...).tconfint_diff(usevar="unequal").
The relative interval is the delta method with the same Welch t quantile:
r ± q·√(var(m_t)/m_c² + m_t²·var(m_c)/m_c⁴).

Run: python3 shared/stats/reference/continuous.py
"""
import math

import numpy as np
from scipy import stats
from statsmodels.stats.weightstats import CompareMeans, DescrStatsW

from common import num, pair


def summary(y: np.ndarray) -> tuple[int, float, float]:
    return len(y), float(np.sum(y)), float(np.sum(y * y))


def emit(name: str, confidence: float, c: tuple[int, float, float], t: tuple[int, float, float]) -> None:
    (nc, sc, ssc), (nt, st, sst) = c, t
    mc, mt = sc / nc, st / nt
    vc, vt = (ssc - sc * mc) / (nc - 1), (sst - st * mt) / (nt - 1)
    res = stats.ttest_ind_from_stats(mt, math.sqrt(vt), nt, mc, math.sqrt(vc), nc, equal_var=False)
    se = math.sqrt(vc / nc + vt / nt)
    df = (vc / nc + vt / nt) ** 2 / ((vc / nc) ** 2 / (nc - 1) + (vt / nt) ** 2 / (nt - 1))
    q = stats.t.ppf(1 - (1 - confidence) / 2, df)
    r = mt / mc - 1
    se_r = math.sqrt((vt / nt) / mc**2 + mt**2 * (vc / nc) / mc**4)
    print(f'  {{ name: "{name}", confidence: {confidence}, control: {{ n: {nc}, sum: {num(sc)}, sum_squares: {num(ssc)} }},')
    print(f"    treatment: {{ n: {nt}, sum: {num(st)}, sum_squares: {num(sst)} }},")
    print(f"    statistic: {num(res.statistic)}, p_value: {num(res.pvalue)}, df: {num(df)},")
    print(f"    absolute_lift: {num(mt - mc)}, absolute_ci: {pair(mt - mc - q * se, mt - mc + q * se)},")
    print(f"    relative_lift: {num(r)}, relative_ci: {pair(r - q * se_r, r + q * se_r)} }},")
    return mt - mc - q * se, mt - mc + q * se


def raw_case(name: str, control: np.ndarray, treatment: np.ndarray, confidence: float = 0.95) -> None:
    lo, hi = emit(name, confidence, summary(control), summary(treatment))
    res = stats.ttest_ind(treatment, control, equal_var=False)
    ci = res.confidence_interval(confidence)
    sm = CompareMeans(DescrStatsW(treatment), DescrStatsW(control)).tconfint_diff(alpha=1 - confidence, usevar="unequal")
    assert abs(ci.low - lo) < 1e-12 and abs(ci.high - hi) < 1e-12, (ci, lo, hi)
    assert abs(sm[0] - lo) < 1e-12 and abs(sm[1] - hi) < 1e-12, (sm, lo, hi)


def welch_test() -> None:
    rng = np.random.default_rng(20260517)
    raw_case("normal_40_vs_35", rng.normal(10, 2, 40), rng.normal(11, 3, 35))
    raw_case("skewed_revenue_12_vs_8", rng.lognormal(3, 1, 12), rng.lognormal(3.2, 1.2, 8))
    raw_case("normal_40_vs_35_at_90", rng.normal(10, 2, 40), rng.normal(10.5, 2, 35), 0.9)
    # Summary cases: a large experiment with p near 1e-10, and a treatment mean below control.
    emit("large_p_1e-10", 0.95, (50000, 50000 * 20.0, 50000 * (20.0**2 + 25.0) + 25.0), (50000, 50000 * 20.22, 50000 * (20.22**2 + 30.0) + 30.0))
    emit("negative_lift", 0.95, (200, 200 * 5.0, 200 * (25.0 + 4.0)), (150, 150 * 4.5, 150 * (20.25 + 9.0)))


if __name__ == "__main__":
    print("// welch_test")
    welch_test()
