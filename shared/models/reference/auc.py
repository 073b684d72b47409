"""Reference values for shared/models/auc.ts (scikit-learn 1.9 roc_auc_score and log_loss).

60 labelled scores from numpy's default_rng(7), rounded to 2 decimals so that many scores tie (ties must
count ½), plus a few probabilities at exactly 0 and 1 for the clipping.

Run: python3 shared/models/reference/auc.py
"""
import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

from common import num


def main() -> None:
    rng = np.random.default_rng(7)
    n = 60
    labels = (rng.random(n) < 0.4).astype(int)
    scores = np.round(np.clip(0.35 + 0.25 * labels + rng.normal(0, 0.2, n), 0.01, 0.99), 2)
    print(f"const LABELS = [{', '.join(str(v) for v in labels)}];")
    print(f"const SCORES = [{', '.join(num(v) for v in scores)}];")
    print(f"// distinct scores {len(set(scores))} of {n}")
    print(f"const AUC = {num(roc_auc_score(labels, scores))};")
    print(f"const LOG_LOSS = {num(log_loss(labels, scores))};")
    clipped_labels = [1, 0, 1, 0]
    clipped = [1.0, 0.0, 0.0, 1.0]
    print(f"// log_loss({clipped_labels}, {clipped}) with eps = float64 machine epsilon")
    print(f"const LOG_LOSS_CLIPPED = {num(log_loss(clipped_labels, clipped))};")


if __name__ == "__main__":
    main()
