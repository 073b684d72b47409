// Offline quality of a propensity model: ROC AUC (the Mann–Whitney statistic) and mean log loss, as
// scikit-learn's roc_auc_score and log_loss compute them.

/**
 * Probabilities are clipped to [ε, 1 − ε] with ε the double machine epsilon (scikit-learn ≥ 1.5's eps="auto"
 * for float64), so one confident mistake costs ~36 nats instead of Infinity.
 */
const LOG_LOSS_EPSILON = 2.220446049250313e-16;

/**
 * P(score of a random positive > score of a random negative), a tie counting ½: the Mann–Whitney U over
 * n⁺·n⁻, from mid-ranks of the sorted scores (O(n log n)). Throws when either class is absent, where AUC
 * is undefined (scikit-learn raises too).
 */
export function rocAuc(labels: Uint8Array | readonly number[], scores: Float64Array | readonly number[]): number {
  const n = labels.length;
  if (scores.length !== n) throw new RangeError(`${n} labels but ${scores.length} scores`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    if (label !== 0 && label !== 1) throw new RangeError(`label ${i} must be 0 or 1 (got ${label})`);
    if (Number.isNaN(scores[i] as number)) throw new RangeError(`score ${i} is NaN`);
    positives += label;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) throw new RangeError("AUC needs at least one positive and one negative label");

  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  // Sum of the positives' ranks (1-based), each tie group sharing its mean rank.
  let positiveRankSum = 0;
  for (let start = 0; start < n; ) {
    const value = scores[order[start] as number] as number;
    let end = start + 1;
    while (end < n && scores[order[end] as number] === value) end++;
    const midRank = (start + 1 + end) / 2;
    for (let i = start; i < end; i++) positiveRankSum += (labels[order[i] as number] as number) * midRank;
    start = end;
  }
  const u = positiveRankSum - (positives * (positives + 1)) / 2;
  return u / (positives * negatives);
}

/** Mean negative log-likelihood −(1/n)·Σ [y·ln p + (1 − y)·ln(1 − p)], with p clipped away from 0 and 1. */
export function logLoss(labels: Uint8Array | readonly number[], probabilities: Float64Array | readonly number[]): number {
  const n = labels.length;
  if (probabilities.length !== n) throw new RangeError(`${n} labels but ${probabilities.length} probabilities`);
  if (n === 0) throw new RangeError("log loss needs at least one prediction");
  let total = 0;
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    const raw = probabilities[i] as number;
    if (label !== 0 && label !== 1) throw new RangeError(`label ${i} must be 0 or 1 (got ${label})`);
    if (!(raw >= 0 && raw <= 1)) throw new RangeError(`probability ${i} must be in [0, 1] (got ${raw})`);
    const p = Math.min(Math.max(raw, LOG_LOSS_EPSILON), 1 - LOG_LOSS_EPSILON);
    // log1p(−p) keeps the digits of ln(1 − p) for small p.
    total -= label === 1 ? Math.log(p) : Math.log1p(-p);
  }
  return total / n;
}
