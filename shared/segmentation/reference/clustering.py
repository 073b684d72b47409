"""Reference values for shared/segmentation/ari.test.ts and kmeans.test.ts (scikit-learn 1.9:
sklearn.metrics.adjusted_rand_score, sklearn.metrics.silhouette_score, sklearn.cluster.KMeans).

Generated data come from Mulberry32, bit-for-bit createRng in shared/catalog/prng.ts (shared/stats/reference/
common.py), through +, -, * and floor only, which IEEE arithmetic rounds identically in both languages, so the
tests regenerate the data instead of embedding it.

Run: python3 shared/segmentation/reference/clustering.py
"""
import math
import os
import sys

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "stats", "reference"))
from common import Mulberry32, num  # noqa: E402

ARI_CASES = [
    ("identical", [0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2]),
    ("renamed", [0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1]),
    ("split", [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]),
    ("one moved", [0, 0, 1, 2], [0, 0, 1, 1]),
    ("crossed", [0, 0, 1, 1], [0, 1, 0, 1]),
    ("one cluster vs singletons", [0, 0, 0, 0], [0, 1, 2, 3]),
    ("both one cluster", [7, 7, 7], [1, 1, 1]),
    ("both singletons", [0, 1, 2, 3], [3, 2, 1, 0]),
    ("merged", [0, 0, 1, 1], [0, 0, 0, 0]),
    ("uneven", [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3], [1, 1, 1, 0, 0, 0, 2, 2, 2, 3, 3]),
]


def noisy_labels(seed: int, n: int, k: int, flip: float) -> tuple[list[int], list[int]]:
    """Truth uniform over k labels; prediction copies it, except that with probability `flip` it draws afresh."""
    rng = Mulberry32(seed)
    truth, predicted = [], []
    for _ in range(n):
        t = math.floor(rng.next() * k)
        truth.append(t)
        predicted.append(math.floor(rng.next() * k) if rng.next() < flip else t)
    return truth, predicted


def uniform_blobs(seed: int, per_blob: int, centers: list[list[float]], spread: float) -> np.ndarray:
    """Points center + (u − 0.5)·spread, blob after blob."""
    rng = Mulberry32(seed)
    rows = []
    for center in centers:
        for _ in range(per_blob):
            rows.append([c + (rng.next() - 0.5) * spread for c in center])
    return np.array(rows)


SILHOUETTE_POINTS = [[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5], [6, 6], [10, 0], [2, 2], [9, 1]]
SILHOUETTE_LABELS = [0, 0, 0, 1, 1, 1, 1, 2, 0, 2]
BLOB_CENTERS = [[0, 0, 0], [4, 0, 1], [0, 5, -2], [3, 3, 3]]


def main() -> None:
    print("// adjusted_rand_score: [name, truth, predicted, ari]")
    for name, a, b in ARI_CASES:
        print(f'["{name}", {a}, {b}, {num(adjusted_rand_score(a, b))}],')
    for seed, n, k, flip in [(11, 500, 4, 0.2), (12, 500, 6, 0.6), (13, 2000, 3, 1.0)]:
        truth, predicted = noisy_labels(seed, n, k, flip)
        print(f"noisy_labels({seed}, {n}, {k}, {flip}): {num(adjusted_rand_score(truth, predicted))}")

    print("// silhouette_score, hand points:", num(silhouette_score(np.array(SILHOUETTE_POINTS, float), SILHOUETTE_LABELS)))
    x = uniform_blobs(21, 75, BLOB_CENTERS, 3.0)
    truth = np.repeat(np.arange(4), 75)
    print("// silhouette_score, uniform_blobs(21, 75, BLOB_CENTERS, 3) with truth labels:", num(silhouette_score(x, truth)))
    # k = 3 merges two of the four blobs, with several local optima within 0.03 % of each other, so n_init=20 can
    # miss the best: the reference is the lowest inertia over 300 single starts, run to full convergence (tol=0).
    for k in range(2, 7):
        best = min((KMeans(n_clusters=k, n_init=1, random_state=s, tol=0).fit(x) for s in range(300)), key=lambda m: m.inertia_)
        print(f"//   k={k}: inertia {num(best.inertia_)}, silhouette {num(silhouette_score(x, best.labels_))},"
              f" ARI vs truth {num(adjusted_rand_score(truth, best.labels_))}")

if __name__ == "__main__":
    main()
