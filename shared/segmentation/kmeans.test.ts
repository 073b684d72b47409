// k-means, silhouette and the choice of k: planted clusters are recovered, seeds fix results, empty clusters are
// re-seeded, and silhouette/inertia match scikit-learn (reference/clustering.py) on data regenerated from createRng.
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../catalog/prng";
import { expectClose } from "../stats/expect-close";
import { adjustedRandIndex } from "./ari";
import { chooseK, kmeans, silhouette, standardize, toFeatureMatrix } from "./kmeans";

/** Standard normal by Box–Muller (only used in TypeScript-only tests, where libm's last bit does not matter). */
function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** `perBlob` points around each centre with unit sd per feature; truth labels blob by blob. */
function gaussianBlobs(seed: number, perBlob: number, centers: number[][]): { rows: number[][]; truth: number[] } {
  const rng = createRng(seed);
  const rows: number[][] = [];
  const truth: number[] = [];
  centers.forEach((center, label) => {
    for (let i = 0; i < perBlob; i++) {
      rows.push(center.map((c) => c + gaussian(rng)));
      truth.push(label);
    }
  });
  return { rows, truth };
}

/** reference/clustering.py uniform_blobs: centre + (u − 0.5)·spread, exact in IEEE arithmetic in both languages. */
function uniformBlobs(seed: number, perBlob: number, centers: number[][], spread: number): number[][] {
  const rng = createRng(seed);
  const rows: number[][] = [];
  for (const center of centers) {
    for (let i = 0; i < perBlob; i++) rows.push(center.map((c) => c + (rng.next() - 0.5) * spread));
  }
  return rows;
}

// Four blobs in 5-D, 250 points each with unit sd: the origin and one 8 sd out along each of three axes (so 8 sd
// from the origin blob, 8√2 ≈ 11.3 sd from each other).
const BLOB_CENTERS_5D = [
  [0, 0, 0, 0, 0],
  [8, 0, 0, 0, 0],
  [0, 8, 0, 0, 0],
  [0, 0, 8, 0, 0],
];
const BLOB_CENTERS_3D = [
  [0, 0, 0],
  [4, 0, 1],
  [0, 5, -2],
  [3, 3, 3],
];

describe("standardize", () => {
  it("z-scores columns with the population sd and leaves a constant column at 0", () => {
    const { rows, means, sds } = standardize([
      [1, 10, 0.1],
      [2, 10, 0.1],
      [3, 10, 0.1],
      [6, 10, 0.1],
    ]);
    expect(means).toEqual([3, 10, 0.1]);
    // Population variance of 1, 2, 3, 6: (4 + 1 + 0 + 9) / 4 = 3.5.
    expectClose(sds[0] as number, Math.sqrt(3.5), { rel: 1e-15 });
    expect(sds.slice(1)).toEqual([0, 0]);
    expect(rows.map((r) => r[0] as number).reduce((a, b) => a + b, 0)).toBeCloseTo(0, 14);
    expectClose(rows[3]?.[0] as number, 3 / Math.sqrt(3.5), { rel: 1e-15 });
    expect(rows.every((r) => r[1] === 0 && r[2] === 0)).toBe(true);
  });

  it("rejects ragged and non-finite rows", () => {
    expect(() => standardize([[1, 2], [3]])).toThrow(RangeError);
    expect(() => standardize([[1, Number.POSITIVE_INFINITY]])).toThrow(RangeError);
  });
});

describe("kmeans", () => {
  it("recovers four well-separated Gaussian blobs in 5-D (ARI against the truth)", () => {
    const { rows, truth } = gaussianBlobs(42, 250, BLOB_CENTERS_5D);
    const result = kmeans(rows, 4, createRng(7));
    const ari = adjustedRandIndex(truth, result.assignment);
    expect(ari).toBeGreaterThanOrEqual(0.9);
    expect(ari).toBe(1);
    // Inertia of a perfect recovery ≈ n·d·σ² = 1000·5·1.
    expect(result.inertia).toBeGreaterThan(4500);
    expect(result.inertia).toBeLessThan(5500);
    for (const centroid of result.centroids) {
      const nearest = Math.min(...BLOB_CENTERS_5D.map((c) => Math.hypot(...c.map((v, j) => v - (centroid[j] as number)))));
      expect(nearest).toBeLessThan(0.3);
    }
  });

  it("finds sklearn's optimum on uniform blobs (reference/clustering.py)", () => {
    const rows = uniformBlobs(21, 75, BLOB_CENTERS_3D, 3);
    const truth = rows.map((_, i) => Math.floor(i / 75));
    const result = kmeans(rows, 4, createRng(3));
    expectClose(result.inertia, 613.2560450458013, { rel: 1e-12 });
    expect(adjustedRandIndex(truth, result.assignment)).toBe(1);
  });

  it("converges to a Lloyd fixed point: centroids are their points' means, every point is at its nearest centroid", () => {
    // Overlapping blobs and k = 7 put many points near boundaries, where the Hamerly bounds must not skip a move.
    const { rows } = gaussianBlobs(9, 300, [
      [0, 0, 0],
      [2, 0, 0],
      [0, 2, 0],
    ]);
    const result = kmeans(rows, 7, createRng(4), { tolerance: 0 });
    expect(result.iterations).toBeLessThan(300);
    const sums = result.centroids.map((c) => c.map(() => 0));
    const counts = result.centroids.map(() => 0);
    rows.forEach((row, i) => {
      const own = result.assignment[i] as number;
      const distances = result.centroids.map((c) => c.reduce((sum, v, j) => sum + (v - (row[j] as number)) ** 2, 0));
      expect(distances[own]).toBeLessThanOrEqual(Math.min(...distances) + 1e-12);
      counts[own] = (counts[own] as number) + 1;
      row.forEach((v, j) => ((sums[own] as number[])[j] = ((sums[own] as number[])[j] as number) + v));
    });
    result.centroids.forEach((centroid, c) =>
      centroid.forEach((v, j) => expect(v).toBeCloseTo(((sums[c] as number[])[j] as number) / (counts[c] as number), 12)),
    );
  });

  it("is deterministic for a seed, and the seed matters", () => {
    const { rows } = gaussianBlobs(5, 100, [
      [0, 0],
      [1.5, 0],
      [0, 1.5],
    ]);
    const a = kmeans(rows, 5, createRng(99), { nInit: 1 });
    const b = kmeans(rows, 5, createRng(99), { nInit: 1 });
    expect(b.centroids).toEqual(a.centroids);
    expect(b.assignment).toEqual(a.assignment);
    expect(b.inertia).toBe(a.inertia);
    expect(b.iterations).toBe(a.iterations);
    // Overlapping blobs at k = 5 have many local optima: some other seed lands elsewhere.
    const others = [1, 2, 3, 4, 5, 6, 7, 8].map((seed) => kmeans(rows, 5, createRng(seed), { nInit: 1 }).inertia);
    expect(others.some((inertia) => inertia !== a.inertia)).toBe(true);
  });

  it("keeps the best of several starts", () => {
    const { rows } = gaussianBlobs(5, 100, [
      [0, 0],
      [1.5, 0],
      [0, 1.5],
    ]);
    const rng = createRng(11);
    const singles = [0, 1, 2, 3].map(() => kmeans(rows, 5, rng, { nInit: 1 }).inertia);
    // Four starts from the same seed draw the same four seedings in turn.
    expect(kmeans(rows, 5, createRng(11), { nInit: 4 }).inertia).toBe(Math.min(...singles));
  });

  it("re-seeds a cluster that empties at the point farthest from its centroid", () => {
    // Centroid −100 attracts no point. Of the points farthest from their centres (1 and 11, at distance 1) the lower
    // index, 1, re-seeds it: clusters {1}, {0}, {10, 11}, which Lloyd keeps.
    const rows = [[0], [1], [10], [11]];
    const result = kmeans(rows, 3, createRng(1), { init: [[-100], [0], [10]] });
    const sizes = [0, 0, 0];
    for (const c of result.assignment) sizes[c] = (sizes[c] ?? 0) + 1;
    expect(sizes.every((s) => s > 0)).toBe(true);
    expect(result.centroids.flat().every(Number.isFinite)).toBe(true);
    expect(Array.from(result.assignment)).toEqual([1, 0, 2, 2]);
    // Only {10, 11} is not a single point: 2 · 0.5².
    expect(result.inertia).toBe(0.5);
  });

  it("fills every cluster even with fewer distinct points than k", () => {
    const rows = [[1, 1], [1, 1], [1, 1], [5, 5], [5, 5], [9, 9]];
    const result = kmeans(rows, 5, createRng(3));
    const sizes = new Array<number>(5).fill(0);
    for (const c of result.assignment) sizes[c] = (sizes[c] ?? 0) + 1;
    expect(sizes.every((s) => s > 0)).toBe(true);
    expect(result.inertia).toBe(0);
    expect(result.centroids.flat().every(Number.isFinite)).toBe(true);
  });

  it("handles k = 1 and k = n", () => {
    const rows = [[0], [2], [4]];
    expect(kmeans(rows, 1, createRng(1)).centroids).toEqual([[2]]);
    expect(kmeans(rows, 3, createRng(1)).inertia).toBe(0);
  });

  it("rejects k outside 1..n", () => {
    expect(() => kmeans([[0], [1]], 3, createRng(1))).toThrow(RangeError);
    expect(() => kmeans([[0], [1]], 0, createRng(1))).toThrow(RangeError);
  });
});

describe("silhouette", () => {
  it("matches sklearn on hand points, ignoring an empty cluster id", () => {
    // reference/clustering.py SILHOUETTE_POINTS/LABELS; cluster 2 ({10,0}, {9,1}) has two points, cluster 0 four.
    const points = [[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5], [6, 6], [10, 0], [2, 2], [9, 1]];
    const labels = [0, 0, 0, 1, 1, 1, 1, 2, 0, 2];
    expectClose(silhouette(points, labels, 3), 0.7692626650466433, { rel: 1e-13 });
    expectClose(silhouette(points, labels, 5), 0.7692626650466433, { rel: 1e-13 });
  });

  it("scores a point alone in its cluster 0, and a single occupied cluster 0", () => {
    const points = [[0], [1], [10]];
    const s = silhouette(points, [0, 0, 1], 2);
    // Point 0: a = 1, b = 10 → 0.9. Point 1: a = 1, b = 9 → 8/9. Point 2 alone: 0.
    expectClose(s, (0.9 + 8 / 9 + 0) / 3, { rel: 1e-15 });
    expect(silhouette(points, [1, 1, 1], 2)).toBe(0);
  });

  it("samples 3,000 points deterministically above n = 3,000, close to the exact value", () => {
    const { rows, truth } = gaussianBlobs(8, 1000, [
      [0, 0, 0],
      [2.5, 0, 0],
      [0, 2.5, 0],
      [0, 0, 2.5],
    ]);
    const x = toFeatureMatrix(rows);
    const sampled = silhouette(x, truth, 4);
    expect(silhouette(x, truth, 4)).toBe(sampled);
    const exact = silhouette(x, truth, 4, { sampleSize: Number.POSITIVE_INFINITY });
    expect(sampled).not.toBe(exact);
    expect(Math.abs(sampled - exact)).toBeLessThan(0.01);
  });

  it("rejects labels outside 0..k−1", () => {
    expect(() => silhouette([[0], [1]], [0, 2], 2)).toThrow(RangeError);
  });
});

describe("chooseK", () => {
  it("picks 4 for four well-separated blobs in 5-D", () => {
    const { rows, truth } = gaussianBlobs(42, 250, BLOB_CENTERS_5D);
    const choice = chooseK(standardize(rows).rows, [2, 8], createRng(1));
    expect(choice.k).toBe(4);
    expect(choice.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(Math.max(...choice.candidates.map((c) => c.silhouette))).toBe(choice.silhouette);
    expect(adjustedRandIndex(truth, choice.result.assignment)).toBe(1);
  });

  it("agrees with sklearn on uniform blobs (reference/clustering.py, best of 300 KMeans starts per k)", () => {
    const rows = uniformBlobs(21, 75, BLOB_CENTERS_3D, 3);
    const choice = chooseK(rows, [2, 6], createRng(5));
    expect(choice.k).toBe(4);
    expectClose(choice.silhouette, 0.5496323611329147, { rel: 1e-12 });
    // [k, inertia, silhouette] of sklearn's best clustering; k = 5 and 6 are left out: their optima are not unique
    // enough for four starts to be sure to find them.
    const references: [number, number, number][] = [
      [2, 2057.0443294064294, 0.4778421976391087],
      [3, 1152.656316367643, 0.48559440662911013],
      [4, 613.2560450458013, 0.5496323611329147],
    ];
    for (const [k, inertia, score] of references) {
      const candidate = choice.candidates.find((c) => c.k === k);
      expectClose(candidate?.inertia ?? Number.NaN, inertia, { rel: 1e-12 }, `k = ${k} inertia`);
      expectClose(candidate?.silhouette ?? Number.NaN, score, { rel: 1e-12 }, `k = ${k} silhouette`);
    }
  });

  it("is deterministic for a seed", () => {
    const { rows } = gaussianBlobs(3, 150, [
      [0, 0],
      [3, 3],
    ]);
    const a = chooseK(rows, [2, 5], createRng(17));
    const b = chooseK(rows, [2, 5], createRng(17));
    expect(b.candidates).toEqual(a.candidates);
    expect(b.result.assignment).toEqual(a.result.assignment);
  });

  it("caps k at n and rejects bad ranges", () => {
    expect(chooseK([[0], [1], [10]], [2, 8], createRng(1)).candidates.map((c) => c.k)).toEqual([2, 3]);
    expect(() => chooseK([[0], [1]], [1, 3], createRng(1))).toThrow(RangeError);
    expect(() => chooseK([[0], [1]], [4, 3], createRng(1))).toThrow(RangeError);
  });
});
