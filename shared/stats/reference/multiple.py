"""Reference values for shared/stats/multiple.ts (statsmodels.stats.multitest.multipletests, statsmodels 0.15).

Run: python3 shared/stats/reference/multiple.py
"""
from statsmodels.stats.multitest import multipletests

from common import num

P_VALUES = {
    "mixed": [0.01, 0.04, 0.03, 0.005, 0.2, 0.04, 0.9],
    "ties_and_ones": [0.5, 1.0, 0.001, 0.5, 0.02],
    "tiny": [1e-10, 3e-9, 0.049],
    "single": [0.03],
}


def adjusted() -> None:
    for name, ps in P_VALUES.items():
        holm = multipletests(ps, method="holm")[1]
        bh = multipletests(ps, method="fdr_bh")[1]
        print(f'  {{ name: "{name}", p: [{", ".join(num(p) for p in ps)}],')
        print(f'    holm: [{", ".join(num(p) for p in holm)}],')
        print(f'    bh: [{", ".join(num(p) for p in bh)}] }},')


if __name__ == "__main__":
    print("// adjusted")
    adjusted()
