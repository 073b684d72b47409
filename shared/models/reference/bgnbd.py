"""Reference values for shared/models/bgnbd.ts (scipy 1.17, numpy 2.4).

Data: the CDNOW sample in ../fixtures/cdnow.ts (2,357 customers, weeks). The BG/NBD log-likelihood is
Fader, Hardie & Lee (2005), "Counting your customers the easy way", Marketing Science 24(2), eq. (6):

  L(r, α, a, b | x, t_x, T) = B(a, b+x)/B(a, b) · Γ(r+x) α^r / [Γ(r) (α+T)^(r+x)]
                              + 1{x>0} · B(a+1, b+x−1)/B(a, b) · Γ(r+x) α^r / [Γ(r) (α+t_x)^(r+x)]

maximised here with scipy.optimize.minimize (Nelder–Mead, then BFGS to polish) over log-parameters.
The paper reports r = 0.243, α = 4.414, a = 0.793, b = 2.426, LL = −9582.4 for these data.

P(alive) as in Fader, Hardie & Lee's note "Computing P(alive) using the BG/NBD model", E[Y(t) | x, t_x, T] is eq. (10)
evaluated with scipy.special.hyp2f1 exactly as printed (no transformation), E[X(t)] is eq. (9).

Synthetic check: 20,000 customers simulated from the BG/NBD story with known parameters (r = 0.8, α = 20,
a = 1.2, b = 4, times in days, T ~ Uniform(180, 365)), drawn with common.SeededUniform / sample_gamma /
sample_beta — bit-for-bit the generator the TypeScript test uses — so both sides fit the same customers.
Standard errors from the numerical Hessian of −LL in log-parameters say how close a fit can be expected to
land on the truth (they are relative errors).

Run: python3 shared/models/reference/bgnbd.py
"""
import numpy as np
from scipy import optimize, special

import math

from common import SeededUniform, cdnow, num, sample_beta, sample_gamma

ROWS = cdnow()
X = np.array([r[0] for r in ROWS], dtype=float)
TX = np.array([r[1] for r in ROWS])
TT = np.array([r[2] for r in ROWS])


def loglik_terms(params: np.ndarray, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    r, alpha, a, b = params
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    log_a3 = special.betaln(a, b + x) - special.betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        log_a4 = np.where(
            x > 0,
            special.betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - special.betaln(a, b) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return common + np.logaddexp(log_a3, log_a4)


def negll(log_params: np.ndarray) -> float:
    return -float(np.sum(loglik_terms(np.exp(log_params), X, TX, TT)))


def fit() -> np.ndarray:
    start = np.log([1.0, 1.0, 1.0, 1.0])
    nm = optimize.minimize(negll, start, method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
    polished = optimize.minimize(negll, nm.x, method="BFGS", options={"gtol": 1e-10})
    best = polished if polished.fun <= nm.fun else nm
    return np.exp(best.x)


def p_alive(params, x, t_x, T):
    r, alpha, a, b = params
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def expected_conditional(params, t, x, t_x, T):
    r, alpha, a, b = params
    z = t / (alpha + T + t)
    f = special.hyp2f1(r + x, b + x, a + b + x - 1, z)
    numerator = (a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * f)
    denominator = 1 + (a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x) if x > 0 else 0.0)
    return numerator / denominator


def expected_unconditional(params, t):
    r, alpha, a, b = params
    return (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + t)) ** r * special.hyp2f1(r, b, a + b - 1, t / (alpha + t)))


SYNTHETIC = {"seed": 2026, "customers": 20000, "r": 0.8, "alpha": 20.0, "a": 1.2, "b": 4.0, "T_min": 180.0, "T_max": 365.0}


def simulate(seed: int, n: int, r: float, alpha: float, a: float, b: float, t_min: float, t_max: float):
    """Per customer, in this order: T ~ U(t_min, t_max); λ ~ Gamma(r)/α; p ~ Beta(a, b); then exponential
    inter-purchase times −ln(1 − U)/λ until T passes, a coin with P(drop) = p after each repeat purchase."""
    u = SeededUniform(seed)
    xs, txs, Ts = [], [], []
    for _ in range(n):
        T = t_min + (t_max - t_min) * u.next()
        lam = sample_gamma(u, r) / alpha
        p = sample_beta(u, a, b)
        t, x, t_x = 0.0, 0, 0.0
        while True:
            t += -math.log(1 - u.next()) / lam
            if t > T:
                break
            x += 1
            t_x = t
            if u.next() < p:
                break
        xs.append(x)
        txs.append(t_x)
        Ts.append(T)
    return np.array(xs, dtype=float), np.array(txs), np.array(Ts)


def hessian(f, x0: np.ndarray, h: float = 1e-4) -> np.ndarray:
    n = len(x0)
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            ei = np.zeros(n)
            ej = np.zeros(n)
            ei[i] = h
            ej[j] = h
            H[i, j] = (f(x0 + ei + ej) - f(x0 + ei - ej) - f(x0 - ei + ej) + f(x0 - ei - ej)) / (4 * h * h)
    return H


def synthetic() -> None:
    s = SYNTHETIC
    x, t_x, T = simulate(s["seed"], s["customers"], s["r"], s["alpha"], s["a"], s["b"], s["T_min"], s["T_max"])
    truth = np.array([s["r"], s["alpha"], s["a"], s["b"]])

    def f(lp):
        return -float(np.sum(loglik_terms(np.exp(lp), x, t_x, T)))

    nm = optimize.minimize(f, np.log(truth), method="Nelder-Mead", options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 40000, "maxfev": 40000})
    polished = optimize.minimize(f, nm.x, method="BFGS", options={"gtol": 1e-10})
    best = polished if polished.fun <= nm.fun else nm
    est = np.exp(best.x)
    se = np.sqrt(np.diag(np.linalg.inv(hessian(f, best.x))))
    print("// synthetic population: the design, then totals that show both sides simulated the same customers")
    print("const SYNTHETIC = { " + ", ".join(f"{k}: {num(v) if isinstance(v, float) else v}" for k, v in s.items()) + " } as const;")
    print(f"const SYNTHETIC_TOTALS = {{ x: {int(x.sum())}, t_x: {num(t_x.sum())}, T: {num(T.sum())} }} as const; // mean x {x.mean():.4f}")
    print(f"const SYNTHETIC_SCIPY_FIT = {{ r: {num(est[0])}, alpha: {num(est[1])}, a: {num(est[2])}, b: {num(est[3])}, log_likelihood: {num(-best.fun)} }} as const;")
    print("// relative error vs truth: " + ", ".join(f"{k} {v:+.4f}" for k, v in zip(["r", "alpha", "a", "b"], est / truth - 1)))
    print(f"const SYNTHETIC_RELATIVE_SE = {{ r: {se[0]:.4f}, alpha: {se[1]:.4f}, a: {se[2]:.4f}, b: {se[3]:.4f} }} as const;")


def main() -> None:
    params = fit()
    ll = -negll(np.log(params))
    print("// reference/bgnbd.py fit (scipy Nelder–Mead + BFGS on log-parameters)")
    print(f"const SCIPY_FIT = {{ r: {num(params[0])}, alpha: {num(params[1])}, a: {num(params[2])}, b: {num(params[3])}, log_likelihood: {num(ll)} }} as const;")
    published = np.array([0.243, 4.414, 0.793, 2.426])
    print(f"// LL at the published (rounded) parameters: {num(-negll(np.log(published)))}")
    se = np.sqrt(np.diag(np.linalg.inv(hessian(negll, np.log(params)))))
    print("// relative standard errors (the paper's data are only so informative): " + ", ".join(f"{n} {v:.4f}" for n, v in zip(["r", "alpha", "a", "b"], se)))

    # per-customer values at the published parameters (so they do not depend on either optimiser)
    cases = [(0, 0.0, 38.86), (1, 1.71, 38.86), (2, 30.43, 38.86), (7, 29.43, 38.86), (29, 37.71, 38.0), (2, 4.0, 32.0)]
    print("// at the published parameters: [x, t_x, T, loglik, p_alive, E[Y(39)], E[Y(10)], E[Y(200)]]")
    print("const CUSTOMER_CASES = [")
    for x, t_x, T in cases:
        ll_i = float(loglik_terms(published, np.array([float(x)]), np.array([t_x]), np.array([T]))[0])
        print(f"  [{x}, {num(t_x)}, {num(T)}, {num(ll_i)}, {num(p_alive(published, x, t_x, T))}, {num(expected_conditional(published, 39, x, t_x, T))}, {num(expected_conditional(published, 10, x, t_x, T))}, {num(expected_conditional(published, 200, x, t_x, T))}],")
    print("] as const;")
    print("// E[X(t)] for a new customer at the published parameters: [t, value]")
    print("const UNCONDITIONAL = [" + ", ".join(f"[{t}, {num(expected_unconditional(published, t))}]" for t in (1, 39, 78, 500)) + "] as const;")
    print("// scipy.special.hyp2f1: [a, b, c, z, value]")
    hyp = [(0.5, 1.5, 2.5, 0.3), (2.243, 4.426, 5.219, 0.5), (30.243, 31.426, 32.219, 0.9), (1.0, 1.0, 2.0, -0.5), (-0.5, 0.2, 3.0, 0.99)]
    print("const HYP2F1 = [" + ", ".join(f"[{a}, {b}, {c}, {z}, {num(special.hyp2f1(a, b, c, z))}]" for a, b, c, z in hyp) + "] as const;")


if __name__ == "__main__":
    main()
    synthetic()
