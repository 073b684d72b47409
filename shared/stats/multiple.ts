// Multiple-comparison corrections for reports that test several arms or metrics at once: Holm controls the
// family-wise error rate, Benjamini–Hochberg the false discovery rate. Both return adjusted p-values.

function checkPValues(pValues: readonly number[]): void {
  for (const p of pValues) if (!(p >= 0 && p <= 1)) throw new RangeError(`p-values must lie in [0, 1] (got ${p})`);
}

/** Indices that sort the p-values ascending; ties keep input order so results are deterministic. */
function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((i, j) => (pValues[i] as number) - (pValues[j] as number) || i - j);
}

/**
 * Holm's step-down adjustment (statsmodels multipletests, method "holm"): the i-th smallest p (from 0) becomes
 * max over j ≤ i of (m − j)·p_(j), capped at 1, returned in the input order.
 */
export function holm(pValues: readonly number[]): number[] {
  checkPValues(pValues);
  const m = pValues.length;
  const adjusted = new Array<number>(m).fill(0);
  let runningMax = 0;
  ascendingOrder(pValues).forEach((index, rank) => {
    runningMax = Math.max(runningMax, Math.min(1, (m - rank) * (pValues[index] as number)));
    adjusted[index] = runningMax;
  });
  return adjusted;
}

/**
 * Benjamini–Hochberg step-up adjustment (statsmodels multipletests, method "fdr_bh"): the i-th smallest p (from
 * 1) becomes min over j ≥ i of m·p_(j)/j, capped at 1, returned in the input order.
 */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  checkPValues(pValues);
  const m = pValues.length;
  const order = ascendingOrder(pValues);
  const adjusted = new Array<number>(m).fill(0);
  let runningMin = 1;
  for (let rank = m; rank >= 1; rank--) {
    const index = order[rank - 1] as number;
    // p / (rank/m), not m·p/rank: the same rounding as statsmodels' ecdf factor, so equal inputs give equal outputs.
    runningMin = Math.min(runningMin, (pValues[index] as number) / (rank / m));
    adjusted[index] = runningMin;
  }
  return adjusted;
}
