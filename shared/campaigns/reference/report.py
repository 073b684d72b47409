"""Reference values for shared/campaigns/report.ts buildCampaignReport (statsmodels 0.15, scipy 1.17).

A hand-made campaign: two segments, control and three treatments each, with fixed counts of customers and
conversions (the report's metric). For every treatment-versus-control comparison in a segment:

- p_value: statsmodels proportions_ztest (pooled variance, two-sided), treatment first;
- absolute_ci: confint_proportions_2indep(method="wald", compare="diff");
- relative_ci: delta method r ± z·√(var(pt)/pc² + pt²·var(pc)/pc⁴);
- p_value_holm: multipletests(method="holm") over all six comparisons of the campaign;
- probability_to_beat_control / expected_loss: Beta(1 + x, 1 + n − x) posteriors integrated with scipy.quad.

Plus the pooled overall comparison, the per-arm-slot family (Holm over three) and scipy.stats.chisquare of each
segment's arm split against equal weights (the SRM check).

Run: python3 shared/campaigns/reference/report.py
"""
import pathlib
import sys

import numpy as np
from scipy import integrate, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "stats" / "reference"))
from common import num, pair  # noqa: E402

# segment -> arm -> (units, conversions); the test builds one outcome row per customer from these counts.
TABLE = {
    "at_risk": {"control": (800, 12), "treatment_1": (790, 25), "treatment_2": (805, 9), "treatment_3": (812, 14)},
    "cust_cluster_0": {"control": (1200, 60), "treatment_1": (1180, 84), "treatment_2": (1210, 62), "treatment_3": (1195, 97)},
}
CONFIDENCE = 0.95


def bayes(control: tuple[int, int], treatment: tuple[int, int]) -> tuple[float, float]:
    (nc, xc), (nt, xt) = control, treatment
    ac, bc, at, bt = 1 + xc, 1 + nc - xc, 1 + xt, 1 + nt - xt
    # P(pt > pc) = ∫ f_c(x)·P(pt > x) dx; E[max(pc − pt, 0)] = ∫∫_{x>y} (x − y) f_c(x) f_t(y).
    grid = sorted({0.0, 1.0, *stats.beta.ppf([1e-12, 0.001, 0.5, 0.999, 1 - 1e-12], ac, bc), *stats.beta.ppf([1e-12, 0.001, 0.5, 0.999, 1 - 1e-12], at, bt)})
    prob = sum(integrate.quad(lambda x: stats.beta.pdf(x, ac, bc) * stats.beta.sf(x, at, bt), lo, hi, epsabs=1e-14, epsrel=1e-12, limit=200)[0] for lo, hi in zip(grid, grid[1:]))

    def partial_expectation(x: float) -> float:
        # E[(x − pt)·1{pt < x}] = x·F_t(x) − mean_t·F_{t+1}(x)
        return x * stats.beta.cdf(x, at, bt) - at / (at + bt) * stats.beta.cdf(x, at + 1, bt)

    loss = sum(integrate.quad(lambda x: stats.beta.pdf(x, ac, bc) * partial_expectation(x), lo, hi, epsabs=1e-15, epsrel=1e-12, limit=200)[0] for lo, hi in zip(grid, grid[1:]))
    return prob, loss


def compare(control: tuple[int, int], treatment: tuple[int, int]) -> dict[str, object]:
    (nc, xc), (nt, xt) = control, treatment
    z_crit = stats.norm.ppf(1 - (1 - CONFIDENCE) / 2)
    _, p = proportions_ztest([xt, xc], [nt, nc])
    lo, hi = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff", alpha=1 - CONFIDENCE)
    pc, pt = xc / nc, xt / nt
    r = pt / pc - 1
    var_r = (pt * (1 - pt) / nt) / pc**2 + pt**2 * (pc * (1 - pc) / nc) / pc**4
    prob, loss = bayes(control, treatment)
    return {
        "absolute": pt - pc,
        "absolute_ci": (lo, hi),
        "relative": r,
        "relative_ci": (r - z_crit * np.sqrt(var_r), r + z_crit * np.sqrt(var_r)),
        "p_value": p,
        "probability_to_beat_control": prob,
        "expected_loss": loss,
    }


def show(segment: str, arm: str, c: dict[str, object], holm: float) -> None:
    a_lo, a_hi = c["absolute_ci"]  # type: ignore[misc]
    r_lo, r_hi = c["relative_ci"]  # type: ignore[misc]
    print(f'  {{ segment: "{segment}", arm: "{arm}", absolute: {num(c["absolute"])}, absolute_ci: {pair(a_lo, a_hi)},')  # type: ignore[arg-type]
    print(f'    relative: {num(c["relative"])}, relative_ci: {pair(r_lo, r_hi)}, p_value: {num(c["p_value"])}, p_value_holm: {num(holm)},')  # type: ignore[arg-type]
    print(f'    probability_to_beat_control: {num(c["probability_to_beat_control"])}, expected_loss: {num(c["expected_loss"])} }},')  # type: ignore[arg-type]


def main() -> None:
    rows = []
    for segment, arms in TABLE.items():
        for arm in ["treatment_1", "treatment_2", "treatment_3"]:
            rows.append((segment, arm, compare(arms["control"], arms[arm])))
    holm = multipletests([float(r[2]["p_value"]) for r in rows], method="holm")[1]  # type: ignore[arg-type]
    print("const SEGMENT_REFERENCE = [")
    for (segment, arm, c), h in zip(rows, holm):
        show(segment, arm, c, h)
    print("] as const;")

    def pooled(arms: list[str]) -> tuple[int, int]:
        return (sum(TABLE[s][a][0] for s in TABLE for a in arms), sum(TABLE[s][a][1] for s in TABLE for a in arms))

    control = pooled(["control"])
    overall = compare(control, pooled(["treatment_1", "treatment_2", "treatment_3"]))
    print("const OVERALL_REFERENCE = {")
    print(f'  absolute: {num(overall["absolute"])}, absolute_ci: {pair(*overall["absolute_ci"])}, p_value: {num(overall["p_value"])},')  # type: ignore[misc]
    print(f'  probability_to_beat_control: {num(overall["probability_to_beat_control"])},')  # type: ignore[arg-type]
    slots = [compare(control, pooled([arm])) for arm in ["treatment_1", "treatment_2", "treatment_3"]]
    slot_holm = multipletests([float(s["p_value"]) for s in slots], method="holm")[1]  # type: ignore[arg-type]
    print(f'  slot_p_values: [{", ".join(num(s["p_value"]) for s in slots)}],')  # type: ignore[arg-type]
    print(f'  slot_p_values_holm: [{", ".join(num(h) for h in slot_holm)}],')
    print("} as const;")

    print("const SRM_REFERENCE = {")
    for segment, arms in TABLE.items():
        chi, p = stats.chisquare([arms[a][0] for a in ["control", "treatment_1", "treatment_2", "treatment_3"]])
        print(f'  "{segment}": {{ chi_square: {num(chi)}, p_value: {num(p)} }},')
    print("} as const;")


if __name__ == "__main__":
    main()
