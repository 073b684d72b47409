"""Reference values for shared/recsys/als.ts: implicit ALS (Hu, Koren & Volinsky 2008) written the textbook way,
with dense confidence matrices and numpy.linalg.solve, none of the Gramian shortcuts the TypeScript takes.

The initial item vectors come from Mulberry32 (shared/stats/reference/common.py, bit-for-bit createRng) through
(u - 0.5) * 0.1, as trainAls draws them, so both sides start from the same point and must end at the same one.

Run: python3 shared/recsys/reference/als.py
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "stats", "reference"))
from common import Mulberry32, num  # noqa: E402

WEIGHT = {"page_view": 1, "click": 2, "wishlist": 3, "add_to_cart": 4, "purchase": 8}
CAP = 24

# The same events as als.test.ts "tinyEvents" (visitor, item, type); ids sort as listed.
EVENTS = [
    ("ann", "i1", "page_view"), ("ann", "i1", "purchase"), ("ann", "i2", "click"), ("ann", "i3", "page_view"),
    ("bob", "i1", "page_view"), ("bob", "i2", "add_to_cart"), ("bob", "i2", "purchase"),
    ("cat", "i3", "wishlist"), ("cat", "i4", "page_view"), ("cat", "i5", "click"),
    ("dan", "i4", "purchase"), ("dan", "i5", "page_view"), ("dan", "i5", "page_view"),
    ("eve", "i2", "page_view"), ("eve", "i5", "add_to_cart"),
    ("fay", "i1", "click"), ("fay", "i3", "page_view"), ("fay", "i4", "page_view"),
]
FACTORS, ALPHA, LAMBDA, ITERATIONS, SEED = 3, 2.0, 0.5, 4, 7
# A visitor the model never saw, folded in against the trained item vectors.
NEWCOMER = {"i2": 2.0, "i5": 9.0}


def main() -> None:
    visitors = sorted({v for v, _, _ in EVENTS})
    items = sorted({i for _, i, _ in EVENTS})
    r = np.zeros((len(visitors), len(items)))
    for v, i, t in EVENTS:
        r[visitors.index(v), items.index(i)] += WEIGHT[t]
    r = np.minimum(r, CAP)
    c = 1 + ALPHA * r
    p = (r > 0).astype(float)

    rng = Mulberry32(SEED)
    y = np.array([(rng.next() - 0.5) * 0.1 for _ in range(len(items) * FACTORS)]).reshape(len(items), FACTORS)
    x = np.zeros((len(visitors), FACTORS))
    eye = LAMBDA * np.eye(FACTORS)
    for _ in range(ITERATIONS):
        for u in range(len(visitors)):
            cu = np.diag(c[u])
            x[u] = np.linalg.solve(y.T @ cu @ y + eye, y.T @ cu @ p[u])
        for i in range(len(items)):
            ci = np.diag(c[:, i])
            y[i] = np.linalg.solve(x.T @ ci @ x + eye, x.T @ ci @ p[:, i])

    # trainAls publishes float32; fold-in and the loss work from those.
    x32 = x.astype(np.float32).astype(float)
    y32 = y.astype(np.float32).astype(float)
    loss = float(np.sum(c * (p - x32 @ y32.T) ** 2) + LAMBDA * (np.sum(x32**2) + np.sum(y32**2)))

    cn = np.array([1 + ALPHA * NEWCOMER.get(i, 0.0) for i in items])
    pn = np.array([1.0 if i in NEWCOMER else 0.0 for i in items])
    newcomer = np.linalg.solve(y32.T @ np.diag(cn) @ y32 + eye, y32.T @ np.diag(cn) @ pn)

    print("// reference/als.py")
    print("const visitorVectors = [" + ", ".join(num(v) for v in x.ravel()) + "];")
    print("const itemVectors = [" + ", ".join(num(v) for v in y.ravel()) + "];")
    print(f"const loss = {num(loss)};")
    print("const newcomerVector = [" + ", ".join(num(v) for v in newcomer) + "];")


if __name__ == "__main__":
    main()
