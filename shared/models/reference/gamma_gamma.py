"""Reference values for shared/models/gamma-gamma.ts (scipy 1.17, numpy 2.4).

Log-likelihood per customer with x ≥ 1 repeat purchases of mean value m (Fader & Hardie 2013, "The Gamma-Gamma
model of monetary value"):
  lnΓ(px+q) − lnΓ(px) − lnΓ(q) + q ln γ + (px−1) ln m + px ln x − (px+q) ln(γ + x m)
E[M | x, m] = (γ + x m) p / (px + q − 1).

1. CDNOW (../fixtures/cdnow.ts, the 946 customers with x ≥ 1): scipy fit; the note reports p = 6.25, q = 3.74,
   γ = 15.44.
2. Synthetic: 20,000 customers with x ~ 1 + floor(10·U), ν ~ Gamma(q)/γ, x transaction values Gamma(p)/ν each,
   m their mean, from common.SeededUniform (bit-for-bit the TypeScript test's generator), p = 4, q = 5, γ = 40.
   Standard errors (relative, from the numerical Hessian in log-parameters) say how close recovery can be.
3. Customer value: CDNOW BG/NBD (published parameters, converted to days: α·7) × Gamma–Gamma E[M] for a few
   customers and horizons, undiscounted and with a monthly discount as the lifetimes package computes it:
   Σ_k [E[Y(min(30k, H))] − E[Y(30(k−1))]] / (1 + d)^k, E[Y] by eq. (10) of the BG/NBD paper with scipy hyp2f1.

Run: python3 shared/models/reference/gamma_gamma.py
"""
import math

import numpy as np
from scipy import optimize, special

from bgnbd import expected_conditional
from common import SeededUniform, cdnow, num, sample_gamma


def loglik(params, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    p, q, g = params
    px = p * x
    return (
        special.gammaln(px + q) - special.gammaln(px) - special.gammaln(q) + q * np.log(g) + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(g + x * m)
    )


def fit(x: np.ndarray, m: np.ndarray, start) -> tuple[np.ndarray, float]:
    def f(lp):
        return -float(np.sum(loglik(np.exp(lp), x, m)))

    nm = optimize.minimize(f, np.log(start), method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
    polished = optimize.minimize(f, nm.x, method="BFGS", options={"gtol": 1e-10})
    best = polished if polished.fun <= nm.fun else nm
    return best.x, -best.fun


def relative_se(x: np.ndarray, m: np.ndarray, log_params: np.ndarray, h: float = 1e-4) -> np.ndarray:
    def f(lp):
        return -float(np.sum(loglik(np.exp(lp), x, m)))

    n = len(log_params)
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei = np.zeros(n)
            ej = np.zeros(n)
            ei[i] = h
            ej[j] = h
            H[i, j] = (f(log_params + ei + ej) - f(log_params + ei - ej) - f(log_params - ei + ej) + f(log_params - ei - ej)) / (4 * h * h)
    return np.sqrt(np.diag(np.linalg.inv(H)))


SYNTHETIC = {"seed": 2027, "customers": 20000, "p": 4.0, "q": 5.0, "gamma": 40.0}


def simulate(seed: int, n: int, p: float, q: float, gamma: float):
    """Per customer, in this order: x = 1 + floor(10·U); ν = Gamma(q)/γ; x values Gamma(p)/ν, summed in order."""
    u = SeededUniform(seed)
    xs, ms = [], []
    for _ in range(n):
        x = 1 + math.floor(10 * u.next())
        nu = sample_gamma(u, q) / gamma
        total = 0.0
        for _ in range(x):
            total += sample_gamma(u, p) / nu
        xs.append(x)
        ms.append(total / x)
    return np.array(xs, dtype=float), np.array(ms)


def main() -> None:
    rows = cdnow()
    x = np.array([r[0] for r in rows if r[0] > 0], dtype=float)
    m = np.array([r[3] for r in rows if r[0] > 0])
    lp, ll = fit(x, m, [1.0, 1.0, 1.0])
    p, q, g = np.exp(lp)
    se = relative_se(x, m, lp)
    print(f"// CDNOW: {len(x)} customers with x ≥ 1")
    print(f"const CDNOW_SCIPY_FIT = {{ p: {num(p)}, q: {num(q)}, gamma: {num(g)}, log_likelihood: {num(ll)} }} as const;")
    print(f"// relative standard errors: p {se[0]:.4f}, q {se[1]:.4f}, gamma {se[2]:.4f}")
    published = (6.25, 3.74, 15.44)
    print("// E[M | x, m] at the published parameters: [x, m, value]")
    cases = [(1, 11.77), (2, 22.35), (7, 73.74), (29, 46.33)]
    ps, qs, gs = published
    print("const SPEND_CASES = [" + ", ".join(f"[{xx}, {num(mm)}, {num((gs + xx * mm) * ps / (ps * xx + qs - 1))}]" for xx, mm in cases) + "] as const;")
    print(f"const LOGLIK_CASE = {{ x: 3, m: 25.5, value: {num(loglik(published, np.array([3.0]), np.array([25.5]))[0])} }} as const;")

    bg_days = (0.243, 4.414 * 7, 0.793, 2.426)
    print("// customer value, BG/NBD published parameters in days (α·7), Gamma–Gamma published: [x, t_x, T, mean, horizon, d, E[Y], E[M], value]")
    print("const VALUE_CASES = [")
    for (xx, t_x, T, mm) in [(2, 30.43 * 7, 38.86 * 7, 22.35), (0, 0.0, 38.86 * 7, 0.0), (7, 29.43 * 7, 38.86 * 7, 73.74)]:
        for horizon, d in ((90, 0.0), (365, 0.0), (365, 0.01), (100, 0.02)):
            ey = expected_conditional(bg_days, horizon, xx, t_x, T)
            em = (gs + xx * mm) * ps / (ps * xx + qs - 1) if xx > 0 else ps * gs / (qs - 1)
            value = 0.0
            previous = 0.0
            for k in range(1, math.ceil(horizon / 30) + 1):
                cumulative = expected_conditional(bg_days, min(30 * k, horizon), xx, t_x, T)
                value += (cumulative - previous) / (1 + d) ** k
                previous = cumulative
            print(f"  [{xx}, {num(t_x)}, {num(T)}, {num(mm)}, {horizon}, {d}, {num(ey)}, {num(em)}, {num(value * em)}],")
    print("] as const;")

    s = SYNTHETIC
    xs, ms = simulate(s["seed"], s["customers"], s["p"], s["q"], s["gamma"])
    truth = np.array([s["p"], s["q"], s["gamma"]])
    lp, ll = fit(xs, ms, truth)
    est = np.exp(lp)
    se = relative_se(xs, ms, lp)
    print("// synthetic population: the design, then totals that show both sides simulated the same customers")
    print("const SYNTHETIC = { " + ", ".join(f"{k}: {num(v) if isinstance(v, float) else v}" for k, v in s.items()) + " } as const;")
    print(f"const SYNTHETIC_TOTALS = {{ x: {int(xs.sum())}, mean_spend: {num(ms.sum())} }} as const;")
    print(f"const SYNTHETIC_SCIPY_FIT = {{ p: {num(est[0])}, q: {num(est[1])}, gamma: {num(est[2])}, log_likelihood: {num(ll)} }} as const;")
    print("// relative error vs truth: " + ", ".join(f"{k} {v:+.4f}" for k, v in zip(["p", "q", "gamma"], est / truth - 1)))
    print(f"const SYNTHETIC_RELATIVE_SE = {{ p: {se[0]:.4f}, q: {se[1]:.4f}, gamma: {se[2]:.4f} }} as const;")
    mean_truth = s["p"] * s["gamma"] / (s["q"] - 1)
    mean_est = est[0] * est[2] / (est[1] - 1)
    print(f"// population mean spend pγ/(q−1): truth {mean_truth}, fitted {mean_est:.4f} ({mean_est / mean_truth - 1:+.4f})")


if __name__ == "__main__":
    main()
