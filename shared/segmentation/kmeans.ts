// k-means clustering of customers' feature vectors: z-scoring, seeded k-means++ with Lloyd iterations and
// restarts, the silhouette to judge a clustering, and the choice of k by it. Flat Float64Arrays throughout, because
// the nightly job clusters tens of thousands of customers for every k in a range inside one Worker invocation.
import { createRng, type Rng } from "../catalog/prng";

/** Points stored row-major in one flat array: point i's feature j is data[i * d + j]. */
export interface FeatureMatrix {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
}

/** Points as rows of numbers, or already flattened (callers clustering the same data repeatedly flatten once). */
export type Points = readonly (readonly number[])[] | FeatureMatrix;

export function toFeatureMatrix(points: Points): FeatureMatrix {
  if (!Array.isArray(points)) return points as FeatureMatrix;
  const rows = points as readonly (readonly number[])[];
  const n = rows.length;
  const d = n === 0 ? 0 : (rows[0] as readonly number[]).length;
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as readonly number[];
    if (row.length !== d) throw new RangeError(`row ${i} has ${row.length} features, expected ${d}`);
    for (let j = 0; j < d; j++) {
      const value = row[j] as number;
      if (!Number.isFinite(value)) throw new RangeError(`row ${i}, feature ${j} is not a finite number`);
      data[i * d + j] = value;
    }
  }
  return { data, n, d };
}

/**
 * Z-scores each column with its population standard deviation (ddof 0, as sklearn's StandardScaler), so that
 * features in days, counts and currency weigh alike in Euclidean distance. A constant column carries no
 * information and would divide by zero: it is left at 0 and its sd reported as 0.
 */
export function standardize(rows: readonly (readonly number[])[]): { rows: number[][]; means: number[]; sds: number[] } {
  const { data, n, d } = toFeatureMatrix(rows);
  const means = new Array<number>(d).fill(0);
  const sds = new Array<number>(d).fill(0);
  for (let j = 0; j < d; j++) {
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = data[i * d + j] as number;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = n === 0 ? 0 : sum / n;
    means[j] = mean;
    // Tested on min = max rather than on the variance, which rounding can leave a hair above 0 for a constant column.
    if (n === 0 || min === max) continue;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const dev = (data[i * d + j] as number) - mean;
      squares += dev * dev;
    }
    sds[j] = Math.sqrt(squares / n);
  }
  const out: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = new Array<number>(d);
    for (let j = 0; j < d; j++) {
      const sd = sds[j] as number;
      row[j] = sd === 0 ? 0 : ((data[i * d + j] as number) - (means[j] as number)) / sd;
    }
    out[i] = row;
  }
  return { rows: out, means, sds };
}

export interface KMeansOptions {
  /** Independent k-means++ starts; the lowest inertia wins. Default 4. */
  nInit?: number;
  /** Cap on Lloyd iterations per start. Default 300. */
  maxIterations?: number;
  /**
   * Convergence: stop when the summed squared centroid movement of an iteration is at most tolerance × the mean
   * feature variance (sklearn's rule; scale-free). Lloyd also stops as soon as no point changes cluster. Default 1e-4.
   */
  tolerance?: number;
  /** Explicit starting centroids (k rows) instead of k-means++; one start is run. */
  init?: readonly (readonly number[])[];
}

export interface KMeansResult {
  /** The mean of each cluster's points. */
  centroids: number[][];
  /** Cluster of each point, 0..k−1. Every cluster has at least one point when n ≥ k. */
  assignment: Int32Array;
  /** Sum of squared distances of the points to their centroids. */
  inertia: number;
  /** Lloyd iterations of the winning start. */
  iterations: number;
}

/**
 * k-means: k-means++ seeding (greedy, with 2 + ⌊ln k⌋ candidates per centre as in sklearn, which avoids most bad
 * seeds for the cost of a few extra distance passes), Lloyd iterations (accelerated with Hamerly's bounds, same
 * result), nInit starts drawn one after another from `rng` (so a seed fixes the result), lowest inertia kept
 * (the earlier start on a tie).
 *
 * A cluster that empties during Lloyd is re-seeded at the point farthest from its own centroid (taken from a
 * cluster that keeps at least one point): that point is the worst-served one, and the move can only lower the
 * inertia. Hence every cluster ends non-empty when n ≥ k, even with fewer distinct points than k.
 */
export function kmeans(points: Points, k: number, rng: Rng, opts: KMeansOptions = {}): KMeansResult {
  const x = toFeatureMatrix(points);
  const { n, d } = x;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer (got ${k})`);
  if (n < k) throw new RangeError(`k-means needs at least k points (k = ${k}, n = ${n})`);
  const nInit = opts.nInit ?? 4;
  const maxIterations = opts.maxIterations ?? 300;
  const tolerance = opts.tolerance ?? 1e-4;
  if (!Number.isInteger(nInit) || nInit < 1) throw new RangeError(`nInit must be a positive integer (got ${nInit})`);
  if (!Number.isInteger(maxIterations) || maxIterations < 1) throw new RangeError(`maxIterations must be a positive integer (got ${maxIterations})`);
  if (!(tolerance >= 0)) throw new RangeError(`tolerance must be non-negative (got ${tolerance})`);

  const shiftTolerance = tolerance * meanVariance(x);
  const work = new LloydWorkspace(n, d, k);
  let best: KMeansResult | null = null;

  if (opts.init !== undefined) {
    const init = toFeatureMatrix(opts.init);
    if (init.n !== k || init.d !== d) throw new RangeError(`init must be ${k} centroids of ${d} features`);
    work.centers.set(init.data);
    return lloyd(x, k, work, maxIterations, shiftTolerance);
  }
  for (let start = 0; start < nInit; start++) {
    seedKMeansPlusPlus(x, k, rng, work);
    const result = lloyd(x, k, work, maxIterations, shiftTolerance);
    if (best === null || result.inertia < best.inertia) best = result;
  }
  return best as KMeansResult;
}

/** Buffers reused across starts, so no start allocates per point or per iteration. */
class LloydWorkspace {
  readonly centers: Float64Array;
  readonly previousCenters: Float64Array;
  readonly sums: Float64Array;
  readonly counts: Int32Array;
  readonly labels: Int32Array;
  /** Hamerly bounds: upper[i] ≥ distance to the assigned centre, lower[i] ≤ distance to every other centre. */
  readonly upper: Float64Array;
  readonly lower: Float64Array;
  /** Half the distance from each centre to its nearest other centre. */
  readonly halfGap: Float64Array;
  /** How far each centre moved in the last update. */
  readonly moves: Float64Array;
  /** k-means++: squared distance of each point to its closest chosen centre, and their running sum. */
  readonly closest: Float64Array;
  readonly cumulative: Float64Array;

  constructor(n: number, d: number, k: number) {
    this.centers = new Float64Array(k * d);
    this.previousCenters = new Float64Array(k * d);
    this.sums = new Float64Array(k * d);
    this.counts = new Int32Array(k);
    this.labels = new Int32Array(n);
    this.upper = new Float64Array(n);
    this.lower = new Float64Array(n);
    this.halfGap = new Float64Array(k);
    this.moves = new Float64Array(k);
    this.closest = new Float64Array(n);
    this.cumulative = new Float64Array(n);
  }
}

function meanVariance(x: FeatureMatrix): number {
  const { data, n, d } = x;
  if (n === 0 || d === 0) return 0;
  let total = 0;
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += data[i * d + j] as number;
    const mean = sum / n;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const dev = (data[i * d + j] as number) - mean;
      squares += dev * dev;
    }
    total += squares / n;
  }
  return total / d;
}

/** Squared distance between point i of `a` and row c of the flat `centers`. */
function squaredDistance(a: Float64Array, i: number, centers: Float64Array, c: number, d: number): number {
  let sum = 0;
  const pi = i * d;
  const pc = c * d;
  for (let j = 0; j < d; j++) {
    const diff = (a[pi + j] as number) - (centers[pc + j] as number);
    sum += diff * diff;
  }
  return sum;
}

function seedKMeansPlusPlus(x: FeatureMatrix, k: number, rng: Rng, work: LloydWorkspace): void {
  const { data, n, d } = x;
  const { centers, closest, cumulative } = work;
  const localTrials = 2 + Math.floor(Math.log(k));

  const first = Math.min(n - 1, Math.floor(rng.next() * n));
  centers.set(data.subarray(first * d, first * d + d), 0);
  let potential = 0;
  for (let i = 0; i < n; i++) {
    const dist = squaredDistance(data, i, data, first, d);
    closest[i] = dist;
    potential += dist;
  }

  for (let c = 1; c < k; c++) {
    let running = 0;
    for (let i = 0; i < n; i++) {
      running += closest[i] as number;
      cumulative[i] = running;
    }
    let bestCandidate = -1;
    let bestPotential = Infinity;
    for (let trial = 0; trial < localTrials; trial++) {
      // D² sampling; when every point already sits on a centre (potential 0) any point is as good as another.
      const candidate = potential > 0 ? searchCumulative(cumulative, rng.next() * running) : Math.min(n - 1, Math.floor(rng.next() * n));
      let candidatePotential = 0;
      for (let i = 0; i < n; i++) {
        const dist = squaredDistance(data, i, data, candidate, d);
        const prev = closest[i] as number;
        candidatePotential += dist < prev ? dist : prev;
      }
      if (candidatePotential < bestPotential) {
        bestPotential = candidatePotential;
        bestCandidate = candidate;
      }
    }
    centers.set(data.subarray(bestCandidate * d, bestCandidate * d + d), c * d);
    for (let i = 0; i < n; i++) {
      const dist = squaredDistance(data, i, data, bestCandidate, d);
      if (dist < (closest[i] as number)) closest[i] = dist;
    }
    potential = bestPotential;
  }
}

/** First index whose cumulative weight exceeds `target` (numpy searchsorted side="right"), clamped to the last. */
function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Nearest and second-nearest centre of point i by a scan of all k: sets its label and both Hamerly bounds exactly.
 * Returns whether the label changed.
 */
function scanPoint(x: FeatureMatrix, i: number, k: number, work: LloydWorkspace): boolean {
  const { data, d } = x;
  const { centers, labels, upper, lower } = work;
  let best = 0;
  let bestDistance = Infinity;
  let secondDistance = Infinity;
  for (let c = 0; c < k; c++) {
    const dist = squaredDistance(data, i, centers, c, d);
    if (dist < bestDistance) {
      secondDistance = bestDistance;
      bestDistance = dist;
      best = c;
    } else if (dist < secondDistance) {
      secondDistance = dist;
    }
  }
  upper[i] = Math.sqrt(bestDistance);
  lower[i] = Math.sqrt(secondDistance);
  const previous = labels[i] as number;
  if (previous === best) return false;
  labels[i] = best;
  movePoint(x, i, previous, best, work);
  return true;
}

/**
 * Keeps the per-cluster sums and counts current as a point changes cluster (previous −1: not yet assigned), so the
 * update step costs O(k·d) instead of a pass over all points. Rounding drift is removed by the exact recount at
 * the end of each start.
 */
function movePoint(x: FeatureMatrix, i: number, previous: number, next: number, work: LloydWorkspace): void {
  const { data, d } = x;
  const { sums, counts } = work;
  const pi = i * d;
  if (previous >= 0) {
    counts[previous] = (counts[previous] as number) - 1;
    const pp = previous * d;
    for (let j = 0; j < d; j++) sums[pp + j] = (sums[pp + j] as number) - (data[pi + j] as number);
  }
  counts[next] = (counts[next] as number) + 1;
  const pn = next * d;
  for (let j = 0; j < d; j++) sums[pn + j] = (sums[pn + j] as number) + (data[pi + j] as number);
}

/** Recomputes the cluster sums and counts from the labels, exactly. */
function recount(x: FeatureMatrix, work: LloydWorkspace): void {
  const { data, n, d } = x;
  const { sums, counts, labels } = work;
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) {
    const c = labels[i] as number;
    counts[c] = (counts[c] as number) + 1;
    const pi = i * d;
    const pc = c * d;
    for (let j = 0; j < d; j++) sums[pc + j] = (sums[pc + j] as number) + (data[pi + j] as number);
  }
}

/**
 * Lloyd's assignment step with Hamerly's bounds (Hamerly 2010): a point whose distance to its own centre is at most
 * half the gap from that centre to the next, or at most its lower bound on every other centre, cannot have moved, so
 * only the few points near a boundary are rescanned. Same assignments as the plain step (up to exact ties), at a
 * fraction of the distance computations once centres settle. Returns how many points changed cluster.
 */
function assignNearest(x: FeatureMatrix, k: number, work: LloydWorkspace): number {
  const { data, n, d } = x;
  const { centers, labels, upper, lower, halfGap } = work;
  for (let c = 0; c < k; c++) {
    let nearest = Infinity;
    for (let other = 0; other < k; other++) {
      if (other === c) continue;
      const dist = squaredDistance(centers, c, centers, other, d);
      if (dist < nearest) nearest = dist;
    }
    halfGap[c] = Math.sqrt(nearest) / 2;
  }
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const own = labels[i] as number;
    const gap = halfGap[own] as number;
    const low = lower[i] as number;
    const bound = gap > low ? gap : low;
    if ((upper[i] as number) <= bound) continue;
    const exact = Math.sqrt(squaredDistance(data, i, centers, own, d));
    upper[i] = exact;
    if (exact <= bound) continue;
    if (scanPoint(x, i, k, work)) changed++;
  }
  return changed;
}

/**
 * Moves every centre to the mean of its points (re-seeding empty clusters) and loosens the Hamerly bounds by how
 * far the centres moved. Returns the summed squared movement.
 */
function updateCenters(x: FeatureMatrix, k: number, work: LloydWorkspace): number {
  const { data, n, d } = x;
  const { centers, previousCenters, sums, counts, labels, upper, lower, moves } = work;
  let donors: number[] | null = null;
  for (let c = 0; c < k; c++) {
    if (counts[c] !== 0) continue;
    // Farthest point from its own centre (lowest index on ties) among clusters that can spare one. The bounds
    // are not distances, so this rare path measures them.
    let donor = -1;
    let farthest = -1;
    for (let i = 0; i < n; i++) {
      const from = labels[i] as number;
      if ((counts[from] as number) < 2) continue; // also skips earlier donors, alone in their new clusters
      const dist = squaredDistance(data, i, centers, from, d);
      if (dist > farthest) {
        farthest = dist;
        donor = i;
      }
    }
    if (donor < 0) continue; // only possible with n < k, which kmeans rejects
    const from = labels[donor] as number;
    labels[donor] = c;
    movePoint(x, donor, from, c, work);
    (donors ??= []).push(donor);
  }
  previousCenters.set(centers);
  let shift = 0;
  let largestMove = 0;
  let secondMove = 0;
  let largestMover = -1;
  for (let c = 0; c < k; c++) {
    const count = counts[c] as number;
    let moved = 0;
    if (count > 0) {
      for (let j = 0; j < d; j++) {
        const next = (sums[c * d + j] as number) / count;
        centers[c * d + j] = next;
      }
      moved = squaredDistance(centers, c, previousCenters, c, d);
    }
    shift += moved;
    const distance = Math.sqrt(moved);
    moves[c] = distance;
    if (distance > largestMove) {
      secondMove = largestMove;
      largestMove = distance;
      largestMover = c;
    } else if (distance > secondMove) {
      secondMove = distance;
    }
  }
  for (let i = 0; i < n; i++) {
    const own = labels[i] as number;
    upper[i] = (upper[i] as number) + (moves[own] as number);
    lower[i] = (lower[i] as number) - (own === largestMover ? secondMove : largestMove);
  }
  // A donor now sits exactly on its new centre, but its old centre may be nearer than its lower bound says.
  if (donors !== null) {
    for (const donor of donors) {
      upper[donor] = 0;
      lower[donor] = 0;
    }
  }
  return shift;
}

function lloyd(x: FeatureMatrix, k: number, work: LloydWorkspace, maxIterations: number, shiftTolerance: number): KMeansResult {
  const { data, n, d } = x;
  const { centers, labels, sums, counts } = work;
  labels.fill(-1);
  sums.fill(0);
  counts.fill(0);
  for (let i = 0; i < n; i++) scanPoint(x, i, k, work);
  let iterations = 0;
  while (iterations < maxIterations) {
    const shift = updateCenters(x, k, work);
    iterations++;
    const changed = assignNearest(x, k, work);
    if (changed === 0) break;
    // Small shifts stop early only when no cluster emptied: a stopped run must still honour "every cluster has a point".
    if (shift <= shiftTolerance && !hasEmptyCluster(counts)) break;
  }
  // Reached only at the iteration cap: re-seed the emptied clusters, leaving the points where that puts them.
  if (hasEmptyCluster(counts)) updateCenters(x, k, work);
  // Centroids are reported as the exact means of the reported assignment (at convergence they already are, up to
  // the rounding of the running sums; after an early stop this is one more centre update, which lowers the inertia).
  recount(x, work);
  for (let c = 0; c < k; c++) {
    const count = counts[c] as number;
    if (count === 0) continue; // n < k only, which kmeans rejects
    for (let j = 0; j < d; j++) centers[c * d + j] = (sums[c * d + j] as number) / count;
  }
  let inertia = 0;
  for (let i = 0; i < n; i++) inertia += squaredDistance(data, i, centers, labels[i] as number, d);
  const centroids: number[][] = [];
  for (let c = 0; c < k; c++) centroids.push(Array.from(centers.subarray(c * d, c * d + d)));
  return { centroids, assignment: labels.slice(), inertia, iterations };
}

function hasEmptyCluster(counts: Int32Array): boolean {
  return counts.includes(0);
}

/** Above this many points the silhouette is computed on a sample: the exact one costs O(n²) distances. */
export const SILHOUETTE_SAMPLE_SIZE = 3000;
/** Fixed, so that every k of one chooseK call (and every rerun) is judged on the same sample. */
export const SILHOUETTE_SAMPLE_SEED = 0x5eed5;

export interface SilhouetteOptions {
  /** Largest n computed exactly; above it a sample of this size is used. Default SILHOUETTE_SAMPLE_SIZE. */
  sampleSize?: number;
  /** Seed of the sample. Default SILHOUETTE_SAMPLE_SEED. */
  seed?: number;
}

/**
 * Mean silhouette coefficient (Rousseeuw 1987) with Euclidean distance, as sklearn's silhouette_score: a point's
 * a is its mean distance to the rest of its cluster, b the least mean distance to another cluster, s = (b − a) /
 * max(a, b), and s = 0 for a point alone in its cluster.
 *
 * Exact for n ≤ sampleSize (3,000). Above that, like silhouette_score(sample_size=3000), it is the exact silhouette
 * of a sample of 3,000 distinct points: a partial Fisher–Yates shuffle driven by createRng(seed), seed fixed by
 * default, so the value is deterministic. Its standard error is roughly sd(s)/√3000, about 0.005 for customer data.
 *
 * Fewer than two occupied clusters leave nothing to separate: the silhouette is then 0 (sklearn raises instead).
 */
export function silhouette(points: Points, assignment: Int32Array | readonly number[], k: number, opts: SilhouetteOptions = {}): number {
  const x = toFeatureMatrix(points);
  const { data, n, d } = x;
  if (assignment.length !== n) throw new RangeError(`assignment has ${assignment.length} labels for ${n} points`);
  for (let i = 0; i < n; i++) {
    const c = assignment[i] as number;
    if (!Number.isInteger(c) || c < 0 || c >= k) throw new RangeError(`assignment[${i}] = ${c} is not a cluster 0..${k - 1}`);
  }
  const sampleSize = opts.sampleSize ?? SILHOUETTE_SAMPLE_SIZE;
  const sample = n > sampleSize ? sampleIndices(n, sampleSize, opts.seed ?? SILHOUETTE_SAMPLE_SEED) : null;
  const m = sample === null ? n : sample.length;
  if (m === 0) return 0;

  const index = (s: number): number => (sample === null ? s : (sample[s] as number));
  const labels = new Int32Array(m);
  const counts = new Int32Array(k);
  for (let s = 0; s < m; s++) {
    const c = assignment[index(s)] as number;
    labels[s] = c;
    counts[c] = (counts[c] as number) + 1;
  }
  let occupied = 0;
  for (let c = 0; c < k; c++) if ((counts[c] as number) > 0) occupied++;
  if (occupied < 2) return 0;

  // Gather the sample contiguously so the O(m²) loop reads memory in order.
  const points2 = new Float64Array(m * d);
  for (let s = 0; s < m; s++) points2.set(data.subarray(index(s) * d, index(s) * d + d), s * d);
  // distanceSums[s * k + c]: summed distance from sample point s to the sample points of cluster c.
  const distanceSums = new Float64Array(m * k);
  for (let s = 0; s < m; s++) {
    const ls = labels[s] as number;
    const ps = s * d;
    for (let t = s + 1; t < m; t++) {
      const pt = t * d;
      let sum = 0;
      for (let j = 0; j < d; j++) {
        const diff = (points2[ps + j] as number) - (points2[pt + j] as number);
        sum += diff * diff;
      }
      const dist = Math.sqrt(sum);
      const toT = s * k + (labels[t] as number);
      const toS = t * k + ls;
      distanceSums[toT] = (distanceSums[toT] as number) + dist;
      distanceSums[toS] = (distanceSums[toS] as number) + dist;
    }
  }
  let total = 0;
  for (let s = 0; s < m; s++) {
    const own = labels[s] as number;
    const ownCount = counts[own] as number;
    if (ownCount < 2) continue;
    const a = (distanceSums[s * k + own] as number) / (ownCount - 1);
    let b = Infinity;
    for (let c = 0; c < k; c++) {
      const count = counts[c] as number;
      if (c === own || count === 0) continue;
      const mean = (distanceSums[s * k + c] as number) / count;
      if (mean < b) b = mean;
    }
    const scale = Math.max(a, b);
    if (scale > 0) total += (b - a) / scale;
  }
  return total / m;
}

/** `size` distinct indices of 0..n−1 from a seeded partial Fisher–Yates shuffle, returned in ascending order. */
function sampleIndices(n: number, size: number, seed: number): Int32Array {
  const rng = createRng(seed);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const swap = pool[i] as number;
    pool[i] = pool[j] as number;
    pool[j] = swap;
  }
  return pool.slice(0, size).sort();
}

export interface KChoice {
  k: number;
  silhouette: number;
  /** The clustering at the chosen k. */
  result: KMeansResult;
  /** Every k tried, for the job's logs. */
  candidates: { k: number; silhouette: number; inertia: number }[];
}

/**
 * Fits k-means for every k in kRange (inclusive, capped at n) and keeps the k with the highest silhouette; on a
 * tie the smaller k wins, since fewer segments are easier to act on. The inertia alone cannot choose, as it always
 * falls with k. Each k draws its starts from the same `rng` in turn, so one seed fixes the whole choice.
 */
export function chooseK(
  points: Points,
  kRange: readonly [number, number] = [2, 8],
  rng: Rng,
  opts: KMeansOptions & { silhouette?: SilhouetteOptions } = {},
): KChoice {
  const x = toFeatureMatrix(points);
  const [low, high] = kRange;
  if (!Number.isInteger(low) || !Number.isInteger(high) || low < 2 || high < low) {
    throw new RangeError(`kRange must be integers 2 ≤ low ≤ high (got [${low}, ${high}])`);
  }
  if (x.n < low) throw new RangeError(`choosing k in [${low}, ${high}] needs at least ${low} points (got ${x.n})`);
  const { silhouette: silhouetteOpts, ...kmeansOpts } = opts;
  let best: KChoice | null = null;
  const candidates: KChoice["candidates"] = [];
  for (let k = low; k <= Math.min(high, x.n); k++) {
    const result = kmeans(x, k, rng, kmeansOpts);
    const score = silhouette(x, result.assignment, k, silhouetteOpts);
    candidates.push({ k, silhouette: score, inertia: result.inertia });
    if (best === null || score > best.silhouette) best = { k, silhouette: score, result, candidates };
  }
  return best as KChoice;
}
