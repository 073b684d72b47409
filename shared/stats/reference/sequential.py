"""Reference values for shared/stats/sequential.ts msprtTwoProportions: the normal-mixture mSPRT of Johari,
Pekelis & Walsh (2017) written out with numpy, independently of the TypeScript:
  θ̂ = p̂_t − p̂_c, V = p̂_c(1 − p̂_c)/n_c + p̂_t(1 − p̂_t)/n_t,
  Λ = sqrt(V/(V + τ²)) · exp(τ² θ̂² / (2V(V + τ²))),  p = min(1, 1/Λ).

Run: python3 shared/stats/reference/sequential.py
"""
import numpy as np

from common import num

CASES = [
    ("no_difference", (200, 2000), (200, 2000), 1e-4),
    ("small_lift", (200, 2000), (240, 2000), 1e-4),
    ("clear_lift", (1000, 10000), (1150, 10000), 1e-4),
    ("wide_mixture", (1000, 10000), (1150, 10000), 1e-2),
    ("overwhelming", (1000, 100000), (2000, 100000), 1e-4),
]


def msprt() -> None:
    for name, (xc, nc), (xt, nt), tau2 in CASES:
        pc, pt = xc / nc, xt / nt
        v = pc * (1 - pc) / nc + pt * (1 - pt) / nt
        theta = pt - pc
        lam = np.sqrt(v / (v + tau2)) * np.exp(tau2 * theta**2 / (2 * v * (v + tau2)))
        print(f'  {{ name: "{name}", control: {{ units: {nc}, conversions: {xc} }}, treatment: {{ units: {nt}, conversions: {xt} }}, '
              f"tau2: {tau2}, statistic: {num(lam)}, p_value: {num(min(1.0, 1 / lam))} }},")


if __name__ == "__main__":
    print("// msprt")
    msprt()
