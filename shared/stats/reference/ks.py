"""Reference values for shared/stats/ks.ts (scipy 1.17: scipy.stats.kstwo.sf and scipy.stats.ks_2samp).

Samples come from Mulberry32 (common.py), bit-for-bit createRng in shared/catalog/prng.ts, through transforms
that use only +, *, / and floor (exact in IEEE arithmetic in both languages), so the test regenerates them.

Run: python3 shared/stats/reference/ks.py
"""
import math
import warnings

from scipy import stats

from common import Mulberry32, num

TRANSFORMS = {
    "uniform": lambda u: u,
    "shifted": lambda u: u * 0.9 + 0.1,
    "squared": lambda u: u * u,
    "nudged": lambda u: u * 0.96 + 0.04,
    "coarse": lambda u: math.floor(u * 20) / 20,  # heavy ties
}


def sample(seed: int, n: int, transform: str) -> list[float]:
    rng = Mulberry32(seed)
    f = TRANSFORMS[transform]
    return [f(rng.next()) for _ in range(n)]


def kstwo_sf() -> None:
    # One case per branch of scipy's _kolmogn(n, x, cdf=False); the comment names the branch.
    cases = [
        (5, 0.15, "n·x ≤ 1: Ruben–Gambino product"),
        (141, 0.8 / 141, "n·x ≤ 1, n > 140: Stirling form"),
        (5, 0.9, "n·x ≥ n − 1: 2(1 − x)^n"),
        (10, 0.6, "x ≥ 1/2: 2·smirnov"),
        (50, 0.1, "n ≤ 140, n·x² ≤ 0.754693: Durbin matrix"),
        (50, 0.2, "n ≤ 140, n·x² ≤ 4: Pomeranz"),
        (50, 0.35, "n ≤ 140: 2·smirnov"),
        (1000, 0.012, "n·x^1.5 ≤ 1.4: Durbin matrix"),
        (1000, 0.03, "Pelz–Good"),
        (1000, 0.06, "n·x² ≥ 2.2: 2·smirnov"),
        (2000, 0.077, "2·smirnov, p ≈ 1e-10"),
        (5000, 0.04, "2·smirnov, p ≈ 1e-7"),
        (200000, 0.002, "n > 100000: Pelz–Good"),
        (400, 0.8, "x ≥ 1/2, far tail"),
    ]
    for n, x, branch in cases:
        print(f"  [{n}, {num(x)}, {num(stats.kstwo.sf(x, n))}],  // {branch}")


def ks_2samp() -> None:
    handmade_a = [0.61, 0.29, 0.06, 0.59, -1.73, -0.74, 0.51, -0.56]
    handmade_b = [0.39, 1.64, 0.05, -0.06, 0.64, -0.82]
    res = stats.ks_2samp(handmade_a, handmade_b, method="exact")
    print(f'  {{ name: "handmade 8 vs 6", method: "exact", statistic: {num(res.statistic)}, p_value: {num(res.pvalue)} }},')
    generated = [
        ("20 vs 20 equal sizes", (1, 20, "uniform"), (2, 20, "squared"), ["exact", "asymp"]),
        ("300 vs 200", (3, 300, "uniform"), (4, 200, "shifted"), ["exact", "asymp"]),
        ("ties 250 vs 400", (5, 250, "coarse"), (6, 400, "coarse"), ["exact", "asymp"]),
        ("3000 vs 2000 shifted", (7, 3000, "uniform"), (8, 2000, "shifted"), ["exact", "asymp"]),
        ("12000 vs 11000 auto is asymp", (9, 12000, "uniform"), (10, 11000, "nudged"), ["auto"]),
        ("12000 vs 11000 same law", (11, 12000, "uniform"), (12, 11000, "uniform"), ["auto"]),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a silent exact→asymp switch would make the label below a lie
        for name, (sa, na, ta), (sb, nb, tb), methods in generated:
            a, b = sample(sa, na, ta), sample(sb, nb, tb)
            for method in methods:
                res = stats.ks_2samp(a, b, method=method)
                used = method if method != "auto" else ("exact" if max(na, nb) <= 10000 else "asymp")
                print(f'  {{ name: "{name}", a: [{sa}, {na}, "{ta}"], b: [{sb}, {nb}, "{tb}"], method: "{method}", used: "{used}", '
                      f"statistic: {num(res.statistic)}, p_value: {num(res.pvalue)} }},")


if __name__ == "__main__":
    print("// kstwo_sf")
    kstwo_sf()
    print("// ks_2samp")
    ks_2samp()
