// Adjusted Rand index (Hubert & Arabie 1985): agreement of two partitions of the same points, corrected for chance.
// The tests use it to score a clustering against planted truth, whatever numbers the clusters happen to get.

/**
 * ARI = (Σ C(n_ij, 2) − E) / (½(Σ C(a_i, 2) + Σ C(b_j, 2)) − E), E = Σ C(a_i, 2) · Σ C(b_j, 2) / C(n, 2), over the
 * contingency table n_ij of the two labelings (a_i, b_j its row and column sums). 1 for identical partitions up
 * to renaming, about 0 for independent ones, negative when worse than chance. When the denominator is 0 (both
 * partitions a single cluster, or both all singletons, or fewer than two points) the partitions are identical and
 * the index is 1, as sklearn.metrics.adjusted_rand_score returns.
 */
export function adjustedRandIndex(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const n = truth.length;
  if (predicted.length !== n) throw new RangeError(`labelings differ in length (${n} and ${predicted.length})`);
  const rows = new Map<number, number>();
  const columns = new Map<number, number>();
  const cells = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const a = truth[i] as number;
    const b = predicted[i] as number;
    rows.set(a, (rows.get(a) ?? 0) + 1);
    columns.set(b, (columns.get(b) ?? 0) + 1);
    const cell = `${a}\u0000${b}`;
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
  }
  const pairs = (m: number): number => (m * (m - 1)) / 2;
  let index = 0;
  for (const count of cells.values()) index += pairs(count);
  let rowPairs = 0;
  for (const count of rows.values()) rowPairs += pairs(count);
  let columnPairs = 0;
  for (const count of columns.values()) columnPairs += pairs(count);
  const totalPairs = pairs(n);
  // By AM–GM the denominator is 0 only in these identical-partition cases; tested on the exact integer pair
  // counts, because the float expression can miss 0 by a rounding residue when n is large.
  if (rowPairs === columnPairs && (rowPairs === 0 || rowPairs === totalPairs)) return 1;
  const expected = (rowPairs * columnPairs) / totalPairs;
  const maximum = (rowPairs + columnPairs) / 2;
  return (index - expected) / (maximum - expected);
}
