"""Reference values for shared/campaigns/attribution.ts attributeResponse (statsmodels 0.15, scikit-learn 1.9).

Data: 400 customers drawn with mulberry32 (bit-for-bit createRng, so the test regenerates them instead of
embedding them). Per customer, in this order: tenure_days = floor(u·1500), age = 18 + floor(u·60), treated =
u < 0.75, converted = u < rate with rate 0.12 in control, 0.15 treated with tenure ≤ 365 and 0.35 treated with
tenure > 365: tenure changes the treatment's effect and nothing else, age is noise. Only comparisons of
uniforms with decimal constants, so both languages draw identical data.

Design, as attribution.ts builds it: attributes sorted by name [age, tenure_days], standardised with the
population sd (StandardScaler), columns [z_age, z_tenure, T, T·z_age, T·z_tenure] plus an intercept.

- l2 = 0: statsmodels Logit (maximum likelihood): params and bse.
- l2 = 1: scikit-learn LogisticRegression(C = 1/l2) (ours minimises Σ logloss + (l2/2)·‖w‖², the same
  minimiser; intercept unpenalised); standard errors from the penalised Hessian Xᵀ·diag(p(1−p))·X + l2·I.
Interaction p-values: two-sided Wald, Holm-adjusted over the two attributes (multipletests).

Run: python3 shared/campaigns/reference/attribution.py
"""
import pathlib
import sys
import warnings

import numpy as np
import statsmodels.api as sm
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from statsmodels.stats.multitest import multipletests

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "stats" / "reference"))
from common import Mulberry32, num  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)

N = 400
SEED = 4242


def dataset() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = Mulberry32(SEED)
    tenure, age, treated, y = [], [], [], []
    for _ in range(N):
        t = int(rng.next() * 1500)
        a = 18 + int(rng.next() * 60)
        tr = rng.next() < 0.75
        rate = (0.35 if t > 365 else 0.15) if tr else 0.12
        tenure.append(t)
        age.append(a)
        treated.append(1.0 if tr else 0.0)
        y.append(1 if rng.next() < rate else 0)
    return np.column_stack([age, tenure]).astype(float), np.array(treated), np.array(y)


def design(X: np.ndarray, T: np.ndarray) -> np.ndarray:
    Z = StandardScaler().fit_transform(X)
    return np.column_stack([Z, T, T[:, None] * Z])


def interaction_p(coef: np.ndarray, se: np.ndarray) -> np.ndarray:
    z = coef[3:5] / se[3:5]
    return multipletests(2 * stats.norm.sf(np.abs(z)), method="holm")[1]


def show(name: str, coef: np.ndarray, intercept: float, se: np.ndarray) -> None:
    p = interaction_p(coef, se)
    print(f"  {name}: {{")
    print(f"    intercept: {num(intercept)}, treatment: {num(coef[2])},")
    print(f"    main_effect: {{ age: {num(coef[0])}, tenure_days: {num(coef[1])} }},")
    print(f"    treatment_interaction: {{ age: {num(coef[3])}, tenure_days: {num(coef[4])} }},")
    print(f"    interaction_se: {{ age: {num(se[3])}, tenure_days: {num(se[4])} }},")
    print(f"    interaction_p_value: {{ age: {num(p[0])}, tenure_days: {num(p[1])} }},")
    print("  },")


def main() -> None:
    X, T, y = dataset()
    D = design(X, T)
    print(f"// {N} rows, {int(y.sum())} conversions, {int(T.sum())} treated")
    print("const ATTRIBUTION_REFERENCE = {")

    logit = sm.Logit(y, sm.add_constant(D)).fit(method="newton", maxiter=100, tol=1e-14, disp=0)
    show("l2_0", logit.params[1:], logit.params[0], logit.bse[1:])

    l2 = 1.0
    model = LogisticRegression(C=1 / l2, solver="newton-cholesky", tol=1e-14, max_iter=1000).fit(D, y)
    coef, intercept = model.coef_[0], model.intercept_[0]
    A = np.column_stack([D, np.ones(len(y))])
    p = model.predict_proba(D)[:, 1]
    H = A.T @ (A * (p * (1 - p))[:, None]) + np.diag([l2] * D.shape[1] + [0.0])
    se = np.sqrt(np.diag(np.linalg.inv(H)))
    show("l2_1", coef, intercept, se)
    print("} as const;")


if __name__ == "__main__":
    main()
