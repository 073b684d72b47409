"""Reference values for shared/stats/ipw.ts, computed directly with numpy 2.4 on 40 simulated bandit-logged rows
(printed for the test to embed). For an arm a over all N rows:
  term_i = 1[a_i = a] · r_i / p_i,  value = mean(term),  ci = value ± z·sd(term, ddof=1)/√N, z = Φ⁻¹(0.975);
  self-normalised value = Σ_{a_i = a} r_i/p_i / Σ_{a_i = a} 1/p_i.
Lift of t over c: the same on the per-row differences term_t − term_c.

Run: python3 shared/stats/reference/ipw.py
"""
import numpy as np
from scipy import stats

from common import num, pair

ARMS = ["control", "blue", "green"]
Z = stats.norm.ppf(0.975)


def simulate() -> list[tuple[str, float, float]]:
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(40):
        probs = np.round(rng.dirichlet([4, 2, 1]), 3)
        probs[0] = round(1 - probs[1] - probs[2], 3)  # keep the three summing to 1 after rounding
        arm = int(rng.choice(3, p=probs))
        true_rate = [0.10, 0.14, 0.08][arm]
        reward = float(rng.uniform() < true_rate) * float(np.round(rng.uniform(5, 50), 2))  # revenue when it converts
        rows.append((ARMS[arm], float(probs[arm]), reward))
    return rows


def ipw() -> None:
    rows = simulate()
    print("const ROWS: LoggedReward[] = [")
    for arm, p, r in rows:
        print(f'  {{ arm: "{arm}", propensity: {num(p)}, reward: {num(r)} }},')
    print("];")
    arms = np.array([a for a, _, _ in rows])
    p = np.array([p for _, p, _ in rows])
    r = np.array([r for _, _, r in rows])
    n = len(rows)
    terms = {a: np.where(arms == a, r / p, 0.0) for a in ARMS + ["never served"]}
    print("// reference/ipw.py ipw")
    print("const EXPECTED_ARMS = [")
    for a in ARMS + ["never served"]:
        t = terms[a]
        se = t.std(ddof=1) / np.sqrt(n)
        served = arms == a
        snips = (r[served] / p[served]).sum() / (1 / p[served]).sum() if served.any() else float("nan")
        print(f'  {{ arm: "{a}", value: {num(t.mean())}, ci: {pair(t.mean() - Z * se, t.mean() + Z * se)}, n: {int(served.sum())}, '
              f"self_normalised_value: {num(snips)} }},")
    print("] as const;")
    d = terms["blue"] - terms["control"]
    se = d.std(ddof=1) / np.sqrt(n)
    print(f"const EXPECTED_LIFT = {{ absolute_lift: {num(d.mean())}, ci: {pair(d.mean() - Z * se, d.mean() + Z * se)} }} as const;")


if __name__ == "__main__":
    ipw()
