"""Reference values for shared/models/logistic.ts (statsmodels 0.15, scikit-learn 1.9, scipy 1.17).

Data: 200 rows × 4 features from numpy's default_rng(20260517), rounded and printed; the test embeds them.
The features have very different scales (one is binary, one spans 0..100) so standardisation matters.

Objective correspondence (what both sides minimise over weights w and intercept b):
  ours:    Σ_i logloss(y_i, σ(x_i·w + b)) + (l2 / 2)·‖w‖²          (intercept not penalised)
  sklearn: C·Σ_i logloss(...) + ½‖w‖²  (LogisticRegression, l2 penalty, lbfgs/newton-cholesky leave the
           intercept unpenalised) — the same minimiser with C = 1/l2, dividing by C.
  l2 = 0:  the maximum-likelihood fit, statsmodels Logit(y, add_constant(X)).fit().
scipy.optimize.minimize on our objective is run as well and printed as a check on that correspondence.

Run: python3 shared/models/reference/logistic.py
"""
import warnings

import numpy as np
import statsmodels.api as sm
from scipy import optimize
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from common import num

warnings.filterwarnings("ignore", category=FutureWarning)


def dataset() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20260517)
    n = 200
    sessions = np.round(rng.normal(0, 1, n), 3)  # standardised engagement
    pages = np.round(rng.normal(5, 2, n), 3)  # pages per visit
    returning = (rng.random(n) < 0.3).astype(float)
    minutes = np.round(rng.uniform(0, 100, n), 2)  # minutes on site this week
    X = np.column_stack([sessions, pages, returning, minutes])
    eta = -1.0 + 0.8 * sessions - 0.3 * (pages - 5) + 1.2 * returning + 0.01 * minutes
    y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return X, y


def ours(X: np.ndarray, y: np.ndarray, l2: float, fit_intercept: bool) -> np.ndarray:
    d = X.shape[1]

    def objective(beta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = beta[:d], (beta[d] if fit_intercept else 0.0)
        eta = X @ w + b
        loss = np.sum(np.logaddexp(0, eta) - y * eta) + 0.5 * l2 * w @ w
        p = 1 / (1 + np.exp(-eta))
        grad_w = X.T @ (p - y) + l2 * w
        grad = np.append(grad_w, np.sum(p - y)) if fit_intercept else grad_w
        return loss, grad

    start = np.zeros(d + (1 if fit_intercept else 0))
    res = optimize.minimize(objective, start, jac=True, method="BFGS", options={"gtol": 1e-11, "maxiter": 10000})
    return res.x


def sk(X: np.ndarray, y: np.ndarray, l2: float, fit_intercept: bool) -> np.ndarray:
    model = LogisticRegression(C=1 / l2, solver="newton-cholesky", tol=1e-14, max_iter=1000, fit_intercept=fit_intercept)
    model.fit(X, y)
    coef = model.coef_[0]
    return np.append(coef, model.intercept_[0]) if fit_intercept else coef


def show(name: str, beta: np.ndarray, fit_intercept: bool, check: np.ndarray) -> None:
    weights = beta[:4]
    intercept = beta[4] if fit_intercept else 0.0
    print(f"  {name}: {{ weights: [{', '.join(num(w) for w in weights)}], intercept: {num(intercept)} }},")
    print(f"  // max |sklearn/statsmodels − scipy on our objective| = {np.max(np.abs(beta - check)):.1e}")


def main() -> None:
    X, y = dataset()
    print("// reference/logistic.py dataset: [sessions, pages, returning, minutes, y]")
    print("const ROWS: readonly (readonly [number, number, number, number, number])[] = [")
    for i in range(0, len(y), 4):
        print("  " + " ".join(f"[{num(a)}, {num(b)}, {int(c)}, {num(d)}, {int(t)}]," for (a, b, c, d), t in zip(X[i : i + 4], y[i : i + 4])))
    print("];")

    print("const REFERENCE = {")
    logit = sm.Logit(y, sm.add_constant(X)).fit(method="newton", maxiter=100, tol=1e-14, disp=0)
    mle = np.append(logit.params[1:], logit.params[0])
    show("l2_0", mle, True, ours(X, y, 0.0, True))
    print(f"  // statsmodels log-likelihood {num(logit.llf)}, converged {logit.mle_retvals['converged']}")
    show("l2_1", sk(X, y, 1.0, True), True, ours(X, y, 1.0, True))
    show("l2_10", sk(X, y, 10.0, True), True, ours(X, y, 10.0, True))
    show("l2_1_no_intercept", sk(X, y, 1.0, False), False, ours(X, y, 1.0, False))
    scaler = StandardScaler().fit(X)
    Z = scaler.transform(X)
    show("l2_1_standardized", sk(Z, y, 1.0, True), True, ours(Z, y, 1.0, True))
    print(f"  scaler: {{ mean: [{', '.join(num(v) for v in scaler.mean_)}], scale: [{', '.join(num(v) for v in scaler.scale_)}] }},")
    model = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(Z, y)
    probe = np.array([[0.5, 4.0, 1.0, 30.0], [-1.2, 8.5, 0.0, 90.0]])
    proba = model.predict_proba(scaler.transform(probe))[:, 1]
    print(f"  standardized_probe: [{', '.join(f'[{num(a)}, {num(b)}, {num(c)}, {num(d)}]' for a, b, c, d in probe)}],")
    print(f"  standardized_probe_proba: [{', '.join(num(p) for p in proba)}],")
    print("} as const;")


if __name__ == "__main__":
    main()
