"""Reference scores for shared/segmentation/rfm.test.ts: the hand-checked RFM table scored by pandas (3.0),
`pd.qcut(s.rank(method="first"), 5, labels=...)`, the rule rfmScores documents. R takes labels 5..1 (fewest days
best), F and M labels 1..5. The test writes the expected scores out by hand; this script confirms them.

Run: python3 shared/segmentation/reference/rfm.py
"""
import pandas as pd

# customer_id, recency_days, frequency, monetary (identical to HAND_TABLE in rfm.test.ts)
TABLE = [
    ("c01", 2, 12, 1500),
    ("c02", 5, 8, 900),
    ("c03", 10, 1, 40),
    ("c04", 15, 3, 300),
    ("c05", 30, 5, 450),
    ("c06", 30, 2, 120),
    ("c07", 60, 1, 60),
    ("c08", 90, 6, 800),
    ("c09", 120, 1, 25),
    ("c10", 200, 10, 1200),
    ("c11", 300, 1, 100),
    ("c12", 400, 4, 200),
]


def scores(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({"customer_id": df.customer_id})
    out["r"] = pd.qcut(df.recency_days.rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    out["f"] = pd.qcut(df.frequency.rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    out["m"] = pd.qcut(df.monetary.rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    return out


def main() -> None:
    df = pd.DataFrame(TABLE, columns=["customer_id", "recency_days", "frequency", "monetary"])
    for row in scores(df).itertuples(index=False):
        print(f'["{row.customer_id}", {row.r}, {row.f}, {row.m}],')
    # Bin sizes for n = 1..13 (ranks 1..n): the outer quintiles take the remainder.
    for n in range(2, 14):
        labels = pd.qcut(pd.Series(range(1, n + 1), dtype=float), 5, labels=[1, 2, 3, 4, 5]).astype(int)
        print(n, labels.tolist())


if __name__ == "__main__":
    main()
