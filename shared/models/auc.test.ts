// AUC and log loss against scikit-learn on the 60 scores reference/auc.py printed (many tied, across classes).
import { describe, expect, it } from "vitest";
import { expectClose } from "../stats/expect-close";
import { logLoss, rocAuc } from "./auc";

// reference/auc.py
const LABELS = [0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0];
const SCORES = [0.21, 0.39, 0.26, 0.63, 0.36, 0.23, 0.56, 0.53, 0.58, 0.09, 0.44, 0.73, 0.2, 0.26, 0.33, 0.6, 0.49, 0.28, 0.28, 0.3, 0.9, 0.51, 0.29, 0.67, 0.58, 0.31, 0.13, 0.35, 0.26, 0.58, 0.48, 0.6, 0.73, 0.53, 0.56, 0.6, 0.72, 0.34, 0.42, 0.26, 0.19, 0.29, 0.17, 0.38, 0.8, 0.18, 0.48, 0.39, 0.45, 0.31, 0.56, 0.49, 0.7, 0.39, 0.58, 0.61, 0.14, 0.65, 0.18, 0.54];
// distinct scores 40 of 60
const AUC = 0.7857142857142857;
const LOG_LOSS = 0.5643988591301093;
// log_loss([1, 0, 1, 0], [1.0, 0.0, 0.0, 1.0]) with eps = float64 machine epsilon
const LOG_LOSS_CLIPPED = 18.021826694558577;

/** The definition itself: every positive–negative pair, a tie counting ½. */
function pairwiseAuc(labels: readonly number[], scores: readonly number[]): number {
  let wins = 0;
  let pairs = 0;
  labels.forEach((li, i) => {
    if (li !== 1) return;
    labels.forEach((lj, j) => {
      if (lj !== 0) return;
      pairs++;
      const si = scores[i] as number;
      const sj = scores[j] as number;
      wins += si > sj ? 1 : si === sj ? 0.5 : 0;
    });
  });
  return wins / pairs;
}

describe("rocAuc", () => {
  it("matches scikit-learn roc_auc_score with tied scores", () => {
    expectClose(rocAuc(LABELS, SCORES), AUC, { rel: 1e-14 });
    expectClose(rocAuc(Uint8Array.from(LABELS), Float64Array.from(SCORES)), AUC, { rel: 1e-14 });
  });

  it("equals the pairwise definition", () => {
    expectClose(rocAuc(LABELS, SCORES), pairwiseAuc(LABELS, SCORES), { rel: 1e-14 });
  });

  it("is 1 for a perfect ranking, 0 for a reversed one and ½ when every score ties", () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([1, 1, 0, 0], [0.1, 0.2, 0.8, 0.9])).toBe(0);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it("is undefined without both classes", () => {
    expect(() => rocAuc([1, 1], [0.2, 0.4])).toThrow(/positive and one negative/);
    expect(() => rocAuc([0, 1], [0.2])).toThrow(RangeError);
    expect(() => rocAuc([0, 1], [0.2, Number.NaN])).toThrow(/NaN/);
  });
});

describe("logLoss", () => {
  it("matches scikit-learn log_loss", () => {
    expectClose(logLoss(LABELS, SCORES), LOG_LOSS, { rel: 1e-14 });
  });

  it("clips certain mistakes at machine epsilon as scikit-learn does", () => {
    expectClose(logLoss([1, 0, 1, 0], [1, 0, 0, 1]), LOG_LOSS_CLIPPED, { rel: 1e-12 });
  });

  it("refuses probabilities outside [0, 1] and mismatched lengths", () => {
    expect(() => logLoss([1], [1.2])).toThrow(RangeError);
    expect(() => logLoss([1, 0], [0.5])).toThrow(RangeError);
    expect(() => logLoss([], [])).toThrow(RangeError);
  });
});
