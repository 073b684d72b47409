// Adjusted Rand index against sklearn.metrics.adjusted_rand_score (reference/clustering.py).
import { describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import { expectClose } from "../stats/expect-close";
import { adjustedRandIndex } from "./ari";

/** reference/clustering.py noisy_labels: the flip draw comes before the replacement label, as in Python. */
function noisyLabels(seed: number, n: number, k: number, flip: number): { truth: number[]; predicted: number[] } {
  const rng = createRng(seed);
  const truth: number[] = [];
  const predicted: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = Math.floor(rng.next() * k);
    truth.push(t);
    predicted.push(rng.next() < flip ? Math.floor(rng.next() * k) : t);
  }
  return { truth, predicted };
}

describe("adjustedRandIndex", () => {
  // reference/clustering.py ARI_CASES: [name, truth, predicted, adjusted_rand_score]
  const cases: [string, number[], number[], number][] = [
    ["identical", [0, 0, 1, 1, 2, 2], [0, 0, 1, 1, 2, 2], 1.0],
    ["renamed", [0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1], 1.0],
    ["split", [0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2], 0.24242424242424243],
    ["one moved", [0, 0, 1, 2], [0, 0, 1, 1], 0.5714285714285714],
    ["crossed", [0, 0, 1, 1], [0, 1, 0, 1], -0.5],
    ["one cluster vs singletons", [0, 0, 0, 0], [0, 1, 2, 3], 0.0],
    ["both one cluster", [7, 7, 7], [1, 1, 1], 1.0],
    ["both singletons", [0, 1, 2, 3], [3, 2, 1, 0], 1.0],
    ["merged", [0, 0, 1, 1], [0, 0, 0, 0], 0.0],
    ["uneven", [0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 3], [1, 1, 1, 0, 0, 0, 2, 2, 2, 3, 3], 0.25961538461538464],
  ];
  it.each(cases)("%s matches sklearn", (_name, truth, predicted, expected) => {
    expectClose(adjustedRandIndex(truth, predicted), expected, { rel: 1e-14, abs: 1e-15 });
  });

  // reference/clustering.py noisy_labels(seed, n, k, flip)
  const noisy: [number, number, number, number, number][] = [
    [11, 500, 4, 0.2, 0.6172931479362771],
    [12, 500, 6, 0.6, 0.16147619660172974],
    [13, 2000, 3, 1.0, 0.0004916911185775777],
  ];
  it.each(noisy)("noisy labels (seed %d, n %d, k %d, flip %d) match sklearn", (seed, n, k, flip, expected) => {
    const { truth, predicted } = noisyLabels(seed, n, k, flip);
    expectClose(adjustedRandIndex(truth, predicted), expected, { rel: 1e-12 });
  });

  it("is symmetric and takes typed arrays", () => {
    const { truth, predicted } = noisyLabels(11, 500, 4, 0.2);
    expect(adjustedRandIndex(Int32Array.from(predicted), truth)).toBe(adjustedRandIndex(truth, predicted));
  });

  it("is 1 for fewer than two points and rejects labelings of different lengths", () => {
    expect(adjustedRandIndex([], [])).toBe(1);
    expect(adjustedRandIndex([3], [0])).toBe(1);
    expect(() => adjustedRandIndex([0, 1], [0])).toThrow(RangeError);
  });
});
