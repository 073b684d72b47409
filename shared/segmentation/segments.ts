// The nightly segmentation in one call: z-score the customers' features, cluster them with the k of best
// silhouette, fold segments too small to target anonymously into their neighbours, then name each segment.
import { createRng } from "../catalog/prng";
import { MIN_SEGMENT_SIZE, mergeSmallClusters } from "./anonymity";
import { chooseK, silhouette as silhouetteOf, standardize, toFeatureMatrix } from "./kmeans";
import { rfmScores, rfmSegment, type CustomerRfm, type RfmSegment } from "./rfm";

export interface CustomerFeatures {
  customer_id: string;
  /** The same feature names for every customer; values in their natural units. */
  features: Record<string, number>;
  rfm?: CustomerRfm;
}

export interface SegmentationOptions {
  /** Inclusive range of k to try. Default [2, 8]. */
  kRange?: [number, number];
  /** k-anonymity floor for a segment. Default MIN_SEGMENT_SIZE (50). */
  minSegmentSize?: number;
  seed: number;
}

export interface CustomerSegment {
  /** "cluster_0", "cluster_1", ... */
  id: string;
  size: number;
  /** Mean of the members' features, in the features' own units. */
  centroid: Record<string, number>;
  /** Short description from the most distinctive features, e.g. "high frequency, high monetary". */
  label: string;
}

export interface Segmentation {
  /** Segments published (after small ones were merged). */
  k: number;
  /** Mean silhouette of the published segmentation (0 when there is a single segment). */
  silhouette: number;
  segments: CustomerSegment[];
  assignments: { customer_id: string; segment_id: string; rfm_segment: RfmSegment | null }[];
}

/** A feature names a segment when its centroid lies at least this many population sds from the mean. */
const DISTINCTIVE_Z = 0.5;
/** At most this many features in a label: a longer one stops being a name. */
const LABEL_FEATURES = 2;

/**
 * Segments customers. Deterministic for a seed and an input order. RFM segments, when customers carry RFM
 * summaries, are scored against the customers that have them (quintiles are relative to that population).
 */
export function segmentCustomers(customers: readonly CustomerFeatures[], opts: SegmentationOptions): Segmentation {
  const n = customers.length;
  const rfm = rfmSegments(customers);
  if (n === 0) return { k: 0, silhouette: 0, segments: [], assignments: [] };

  const featureNames = Object.keys((customers[0] as CustomerFeatures).features).sort();
  const raw = customers.map((customer) => {
    const keys = Object.keys(customer.features);
    if (keys.length !== featureNames.length || featureNames.some((name) => !(name in customer.features))) {
      throw new RangeError(`customer ${customer.customer_id}: features must be exactly ${featureNames.join(", ")}`);
    }
    return featureNames.map((name) => customer.features[name] as number);
  });
  const rawMatrix = toFeatureMatrix(raw);
  const z = toFeatureMatrix(standardize(raw).rows);

  const [low, high] = opts.kRange ?? [2, 8];
  const minSize = opts.minSegmentSize ?? MIN_SEGMENT_SIZE;
  let assignment: Int32Array;
  let zCentroids: number[][];
  let sizes: number[];
  let silhouette = 0;
  if (n < 2) {
    // One customer cannot be split; it is its own (single) segment.
    assignment = new Int32Array(n);
    zCentroids = [Array.from(z.data)];
    sizes = [n];
  } else {
    const choice = chooseK(z, [Math.min(low, n), Math.min(high, n)], createRng(opts.seed));
    const merged = mergeSmallClusters(z, choice.result.assignment, choice.result.centroids, minSize);
    assignment = merged.assignment;
    zCentroids = merged.centroids;
    sizes = merged.sizes;
    if (sizes.length === choice.k) silhouette = choice.silhouette;
    else if (sizes.length > 1) silhouette = silhouetteOf(z, assignment, sizes.length);
  }

  const d = featureNames.length;
  const sums = new Float64Array(sizes.length * d);
  for (let i = 0; i < n; i++) {
    const c = assignment[i] as number;
    for (let j = 0; j < d; j++) sums[c * d + j] = (sums[c * d + j] as number) + (rawMatrix.data[i * d + j] as number);
  }
  const segments = sizes.map((size, c) => ({
    id: segmentId(c),
    size,
    centroid: Object.fromEntries(featureNames.map((name, j) => [name, size === 0 ? 0 : (sums[c * d + j] as number) / size])),
    label: describe(featureNames, zCentroids[c] as number[]),
  }));
  const assignments = customers.map((customer, i) => ({
    customer_id: customer.customer_id,
    segment_id: segmentId(assignment[i] as number),
    rfm_segment: rfm[i] ?? null,
  }));
  return { k: sizes.length, silhouette, segments, assignments };
}

function segmentId(cluster: number): string {
  return `cluster_${cluster}`;
}

/**
 * Names a segment by its standardized centroid: the features furthest from the population mean (|z| ≥ 0.5, at
 * most two, largest first, ties by name), each "high" or "low". A segment near the mean on every feature is
 * "typical": saying so is more honest than naming its least small deviation.
 */
function describe(featureNames: readonly string[], zCentroid: readonly number[]): string {
  const distinctive = featureNames
    .map((name, j) => ({ name, z: zCentroid[j] as number }))
    .filter((f) => Math.abs(f.z) >= DISTINCTIVE_Z)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, LABEL_FEATURES);
  if (distinctive.length === 0) return "typical";
  return distinctive.map((f) => `${f.z > 0 ? "high" : "low"} ${f.name.replaceAll("_", " ")}`).join(", ");
}

/** RFM segment of each customer by input index (undefined for customers without an RFM summary). */
function rfmSegments(customers: readonly CustomerFeatures[]): (RfmSegment | undefined)[] {
  const withRfm: number[] = [];
  const summaries: CustomerRfm[] = [];
  customers.forEach((customer, i) => {
    if (customer.rfm !== undefined) {
      withRfm.push(i);
      summaries.push(customer.rfm);
    }
  });
  const out = new Array<RfmSegment | undefined>(customers.length);
  rfmScores(summaries).forEach((score, s) => {
    out[withRfm[s] as number] = rfmSegment(score);
  });
  return out;
}
