// k-anonymity merges: small clusters fold into their nearest neighbour until every published cluster is big enough.
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../catalog/prng";
import { mergeSmallClusters } from "./anonymity";
import { kmeans } from "./kmeans";

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

/** `count` points at `position`, for hand-computable centroids. */
function repeated(position: number[], count: number): number[][] {
  return Array.from({ length: count }, () => [...position]);
}

function sizesOf(assignment: Int32Array, k: number): number[] {
  const sizes = new Array<number>(k).fill(0);
  for (const c of assignment) sizes[c] = (sizes[c] ?? 0) + 1;
  return sizes;
}

describe("mergeSmallClusters", () => {
  it("merges a planted 20-point cluster found by k-means into its nearest neighbour", () => {
    // Blobs of 200 at A (0, 0), B (12, 0), C (0, 12) and 20 at S (17, 4): S is 6.4 sd from B, 17+ from A and C.
    const rng = createRng(2024);
    const centers = [
      [0, 0],
      [12, 0],
      [0, 12],
      [17, 4],
    ];
    const counts = [200, 200, 200, 20];
    const rows: number[][] = [];
    const truth: number[] = [];
    centers.forEach((center, label) => {
      for (let i = 0; i < (counts[label] as number); i++) {
        rows.push(center.map((c) => c + gaussian(rng)));
        truth.push(label);
      }
    });
    const clustering = kmeans(rows, 4, createRng(1));
    const before = sizesOf(clustering.assignment, 4);
    expect([...before].sort((a, b) => a - b)).toEqual([20, 200, 200, 200]);
    const planted = clustering.assignment[600] as number; // the first S point
    const clusterOfB = clustering.assignment[200] as number;

    const merged = mergeSmallClusters(rows, clustering.assignment, clustering.centroids, 50);
    expect(merged.sizes).toHaveLength(3);
    expect(merged.sizes.every((size) => size >= 50)).toBe(true);
    expect(sizesOf(merged.assignment, 3)).toEqual(merged.sizes);
    expect(merged.mapping[planted]).toBe(merged.mapping[clusterOfB]);
    expect(merged.sizes[merged.mapping[clusterOfB] as number]).toBe(220);
    // Points keep their cluster apart from the renumbering.
    rows.forEach((_, i) => expect(merged.assignment[i]).toBe(merged.mapping[clustering.assignment[i] as number]));
  });

  it("renumbers the survivors in order of their old ids", () => {
    // Old cluster 1 (10 points at (11, 0)) is nearest old cluster 2 (at (10, 0)).
    const rows = [...repeated([0, 0], 60), ...repeated([11, 0], 10), ...repeated([10, 0], 60), ...repeated([0, 10], 60)];
    const assignment = [...new Array(60).fill(0), ...new Array(10).fill(1), ...new Array(60).fill(2), ...new Array(60).fill(3)];
    const centroids = [
      [0, 0],
      [11, 0],
      [10, 0],
      [0, 10],
    ];
    const merged = mergeSmallClusters(rows, assignment, centroids, 50);
    expect(Array.from(merged.mapping)).toEqual([0, 1, 1, 2]);
    expect(merged.sizes).toEqual([60, 70, 60]);
    // Centroid of the merged cluster: (11·10 + 10·60) / 70.
    expect(merged.centroids[1]?.[0]).toBeCloseTo(710 / 70, 12);
    expect(merged.centroids[1]?.[1]).toBe(0);
  });

  it("merges repeatedly, smallest first, measuring from the merged centroid", () => {
    // 1-D: 10 points at 0, 30 at 2, 100 at 10, 100 at 20. The 10 join the 30 (centroid 1.5, 40 points), still
    // under 50, so those 40 join the 100 at 10 (8.5 away, against 18.5).
    const rows = [...repeated([0], 10), ...repeated([2], 30), ...repeated([10], 100), ...repeated([20], 100)];
    const assignment = [...new Array(10).fill(0), ...new Array(30).fill(1), ...new Array(100).fill(2), ...new Array(100).fill(3)];
    const merged = mergeSmallClusters(rows, assignment, [[0], [2], [10], [20]], 50);
    expect(Array.from(merged.mapping)).toEqual([0, 0, 0, 1]);
    expect(merged.sizes).toEqual([140, 100]);
    expect(merged.centroids[0]?.[0]).toBeCloseTo((0 * 10 + 2 * 30 + 10 * 100) / 140, 12);
    expect(merged.centroids[1]).toEqual([20]);
  });

  it("stops at one cluster even if it is still too small", () => {
    const rows = [...repeated([0], 15), ...repeated([5], 15)];
    const assignment = [...new Array(15).fill(0), ...new Array(15).fill(1)];
    const merged = mergeSmallClusters(rows, assignment, [[0], [5]], 50);
    expect(Array.from(merged.mapping)).toEqual([0, 0]);
    expect(merged.sizes).toEqual([30]);
    expect(merged.centroids).toEqual([[2.5]]);
  });

  it("drops empty clusters and leaves big-enough clusters untouched", () => {
    const rows = [...repeated([0], 60), ...repeated([9], 60)];
    const assignment = [...new Array(60).fill(1), ...new Array(60).fill(2)];
    const merged = mergeSmallClusters(rows, assignment, [[8], [0], [9]], 50);
    expect(Array.from(merged.mapping)).toEqual([1, 0, 1]);
    expect(merged.sizes).toEqual([60, 60]);
    expect(merged.centroids).toEqual([[0], [9]]);

    const untouched = mergeSmallClusters(rows, [...new Array(60).fill(0), ...new Array(60).fill(1)], [[0], [9]], 50);
    expect(Array.from(untouched.mapping)).toEqual([0, 1]);
  });

  it("rejects mismatched inputs", () => {
    expect(() => mergeSmallClusters([[0], [1]], [0], [[0]], 1)).toThrow(RangeError);
    expect(() => mergeSmallClusters([[0], [1]], [0, 2], [[0], [1]], 1)).toThrow(RangeError);
    expect(() => mergeSmallClusters([[0, 0]], [0], [[0]], 1)).toThrow(RangeError);
  });
});
