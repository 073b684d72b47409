"""Reference values for shared/stats/srm.ts sampleRatioMismatch (scipy.stats.chisquare, scipy 1.17).

Run: python3 shared/stats/reference/srm.py
"""
import numpy as np
from scipy import stats

from common import num

CASES = [
    ("split_50_48", [50000, 48000], [50, 50]),
    ("split_50_49.9", [50000, 49900], [50, 50]),
    ("three_arms_1_1_2", [2510, 2440, 5050], [1, 1, 2]),
    ("ninety_ten", [9130, 870], [90, 10]),
    ("tiny", [7, 2], [1, 1]),
]


def sample_ratio_mismatch() -> None:
    for name, observed, weights in CASES:
        obs = np.array(observed, dtype=float)
        expected = obs.sum() * np.array(weights, dtype=float) / sum(weights)
        res = stats.chisquare(obs, expected)
        print(f'  {{ name: "{name}", observed: {observed}, weights: {weights}, chi_square: {num(res.statistic)}, '
              f"df: {len(observed) - 1}, p_value: {num(res.pvalue)} }},")


if __name__ == "__main__":
    print("// sample_ratio_mismatch")
    sample_ratio_mismatch()
