"""Reference values for shared/stats/simpson.ts: the kidney-stone data of Charig et al. (1986), BMJ 292:879.
Treatment A (open surgery): small stones 81/87, large 192/263. Treatment B (PCNL): small 234/270, large 55/80.
A is better within both strata but worse pooled (273/350 vs 289/350). Control = B, treatment = A below.

Run: python3 shared/stats/reference/simpson.py
"""
from fractions import Fraction

from common import num

SEGMENTS = {"small stones": ((234, 270), (81, 87)), "large stones": ((55, 80), (192, 263))}


def kidney_stones() -> None:
    for name, ((xc, nc), (xt, nt)) in SEGMENTS.items():
        print(f'  segment "{name}": lift {num(float(Fraction(xt, nt) - Fraction(xc, nc)))}')
    xc = sum(c[0] for c, _ in SEGMENTS.values())
    nc = sum(c[1] for c, _ in SEGMENTS.values())
    xt = sum(t[0] for _, t in SEGMENTS.values())
    nt = sum(t[1] for _, t in SEGMENTS.values())
    print(f"  pooled: control {xc}/{nc}, treatment {xt}/{nt}, lift {num(float(Fraction(xt, nt) - Fraction(xc, nc)))}")


if __name__ == "__main__":
    print("// kidney_stones")
    kidney_stones()
