// k-anonymity for targeting: a segment small enough to single out a handful of customers must not be targetable,
// so clusters under a minimum size are folded into their nearest neighbour before segments are published.
import { toFeatureMatrix, type Points } from "./kmeans";

/** Fewest customers a published segment may hold. */
export const MIN_SEGMENT_SIZE = 50;

export interface MergedClusters {
  /** New cluster of each point, 0..k′−1. */
  assignment: Int32Array;
  /** mapping[old] = new cluster id, for every old cluster id 0..k−1. */
  mapping: Int32Array;
  /** Centroid of each new cluster: the mean of its points (the old centroid for a cluster left without points). */
  centroids: number[][];
  /** Points in each new cluster. */
  sizes: number[];
}

/**
 * Repeatedly merges the smallest cluster under minSize (lowest id on ties) into the cluster whose centroid is
 * nearest (Euclidean; lowest id on ties), until every cluster has at least minSize points or one cluster is left.
 * Smallest first, because a tiny cluster is the most identifying and its pull on the merged centroid the least.
 * A merged cluster's centroid is the size-weighted mean of its parts' centroids (the mean of its points when the
 * given centroids are means), so a chain of merges keeps measuring distance from where the points actually are.
 * Empty clusters are dropped first. Survivors are renumbered 0..k′−1 in order of their lowest old id.
 *
 * If all the points together are fewer than minSize the single remaining cluster is still below it; callers that
 * publish segments must check `sizes` for that case.
 */
export function mergeSmallClusters(
  rows: Points,
  assignment: Int32Array | readonly number[],
  centroids: readonly (readonly number[])[],
  minSize = MIN_SEGMENT_SIZE,
): MergedClusters {
  const x = toFeatureMatrix(rows);
  const { data, n, d } = x;
  const k = centroids.length;
  if (k === 0) throw new RangeError("mergeSmallClusters needs at least one centroid");
  if (assignment.length !== n) throw new RangeError(`assignment has ${assignment.length} labels for ${n} points`);
  if (!(minSize >= 0)) throw new RangeError(`minSize must be non-negative (got ${minSize})`);
  const centers = toFeatureMatrix(centroids);
  if (n > 0 && centers.d !== d) throw new RangeError(`centroids have ${centers.d} features, rows have ${d}`);
  const dims = centers.d;

  const sizes = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    const c = assignment[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new RangeError(`assignment[${i}] = ${c} is not a cluster 0..${k - 1}`);
    sizes[c] = (sizes[c] as number) + 1;
  }

  // parent[c] is the cluster c was merged into (itself while alive); resolved at the end.
  const parent = Array.from({ length: k }, (_, c) => c);
  const alive = new Array<boolean>(k).fill(true);
  let aliveCount = k;
  const center = (c: number): Float64Array => centers.data.subarray(c * dims, c * dims + dims);

  while (aliveCount > 1) {
    let smallest = -1;
    for (let c = 0; c < k; c++) {
      if (alive[c] && (sizes[c] as number) < minSize && (smallest < 0 || (sizes[c] as number) < (sizes[smallest] as number))) smallest = c;
    }
    if (smallest < 0) break;
    const from = center(smallest);
    let nearest = -1;
    let nearestDistance = Infinity;
    for (let c = 0; c < k; c++) {
      if (!alive[c] || c === smallest) continue;
      const to = center(c);
      let dist = 0;
      for (let j = 0; j < dims; j++) {
        const diff = (from[j] as number) - (to[j] as number);
        dist += diff * diff;
      }
      if (dist < nearestDistance) {
        nearestDistance = dist;
        nearest = c;
      }
    }
    const into = center(nearest);
    const total = (sizes[smallest] as number) + (sizes[nearest] as number);
    if (total > 0) {
      const wFrom = (sizes[smallest] as number) / total;
      for (let j = 0; j < dims; j++) into[j] = (into[j] as number) * (1 - wFrom) + (from[j] as number) * wFrom;
    }
    sizes[nearest] = total;
    sizes[smallest] = 0;
    alive[smallest] = false;
    parent[smallest] = nearest;
    aliveCount--;
  }

  const renumbered = new Array<number>(k).fill(-1);
  let next = 0;
  for (let c = 0; c < k; c++) if (alive[c]) renumbered[c] = next++;
  const mapping = new Int32Array(k);
  for (let c = 0; c < k; c++) {
    let root = c;
    while (parent[root] !== root) root = parent[root] as number;
    mapping[c] = renumbered[root] as number;
  }

  const newAssignment = new Int32Array(n);
  const newSizes = new Array<number>(next).fill(0);
  const sums = new Float64Array(next * dims);
  for (let i = 0; i < n; i++) {
    const c = mapping[assignment[i] as number] as number;
    newAssignment[i] = c;
    newSizes[c] = (newSizes[c] as number) + 1;
    for (let j = 0; j < d; j++) sums[c * dims + j] = (sums[c * dims + j] as number) + (data[i * d + j] as number);
  }
  const newCentroids: number[][] = [];
  for (let c = 0; c < k; c++) {
    const target = renumbered[c] as number;
    if (target < 0) continue;
    const size = newSizes[target] as number;
    newCentroids.push(
      size === 0 ? Array.from(center(c)) : Array.from(sums.subarray(target * dims, target * dims + dims), (sum) => sum / size),
    );
  }
  return { assignment: newAssignment, mapping, centroids: newCentroids, sizes: newSizes };
}
