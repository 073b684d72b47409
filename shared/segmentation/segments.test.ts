// The nightly facade end to end: synthetic customers from four behaviours come back as four named segments,
// small segments are merged away, RFM segments ride along, and a seed fixes the whole answer.
import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../catalog/prng";
import { adjustedRandIndex } from "./ari";
import { segmentCustomers, type CustomerFeatures } from "./segments";

function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

// Group means; each customer varies by 5 % of the mean, so the groups stay apart after z-scoring.
const BEHAVIOURS = {
  loyal: { frequency: 20, monetary: 2000, recency_days: 5, discount_share: 0.1 },
  bargain: { frequency: 6, monetary: 300, recency_days: 20, discount_share: 0.8 },
  lapsed: { frequency: 2, monetary: 150, recency_days: 300, discount_share: 0.2 },
  fresh: { frequency: 1, monetary: 80, recency_days: 3, discount_share: 0.1 },
} as const;
type Behaviour = keyof typeof BEHAVIOURS;

function syntheticCustomers(seed: number, perBehaviour: Partial<Record<Behaviour, number>>): { customers: CustomerFeatures[]; truth: Behaviour[] } {
  const rng = createRng(seed);
  const customers: CustomerFeatures[] = [];
  const truth: Behaviour[] = [];
  for (const [behaviour, count] of Object.entries(perBehaviour) as [Behaviour, number][]) {
    const means = BEHAVIOURS[behaviour];
    for (let i = 0; i < count; i++) {
      const features = Object.fromEntries(Object.entries(means).map(([name, mean]) => [name, mean * (1 + 0.05 * gaussian(rng))]));
      const customer_id = `${behaviour}-${i}`;
      // Every tenth customer has no order history summary: its rfm_segment must be null.
      const rfm =
        i % 10 === 9
          ? undefined
          : { customer_id, recency_days: Math.round(features.recency_days as number), frequency: Math.max(1, Math.round(features.frequency as number)), monetary: features.monetary as number };
      customers.push(rfm === undefined ? { customer_id, features } : { customer_id, features, rfm });
      truth.push(behaviour);
    }
  }
  return { customers, truth };
}

describe("segmentCustomers", () => {
  const { customers, truth } = syntheticCustomers(77, { loyal: 300, bargain: 250, lapsed: 250, fresh: 200 });
  const result = segmentCustomers(customers, { seed: 1 });

  it("finds the four behaviours", () => {
    expect(result.k).toBe(4);
    expect(result.segments.map((s) => s.id)).toEqual(["cluster_0", "cluster_1", "cluster_2", "cluster_3"]);
    expect(result.silhouette).toBeGreaterThan(0.7);
    const truthIds = truth.map((b) => Object.keys(BEHAVIOURS).indexOf(b));
    const found = result.assignments.map((a) => Number(a.segment_id.slice("cluster_".length)));
    expect(adjustedRandIndex(truthIds, found)).toBe(1);
  });

  it("reports sizes and centroids in the features' own units, and names segments by their distinctive features", () => {
    const segmentOf = (behaviour: Behaviour) => {
      const id = result.assignments[truth.indexOf(behaviour)]?.segment_id;
      const segment = result.segments.find((s) => s.id === id);
      if (segment === undefined) throw new Error(`no segment for ${behaviour}`);
      return segment;
    };
    const loyal = segmentOf("loyal");
    expect(loyal.size).toBe(300);
    expect(loyal.centroid.monetary).toBeGreaterThan(1950);
    expect(loyal.centroid.monetary).toBeLessThan(2050);
    expect(loyal.centroid.frequency).toBeCloseTo(20, 0);
    expect(Object.keys(loyal.centroid).sort()).toEqual(["discount_share", "frequency", "monetary", "recency_days"]);
    // Population z of the group means: loyal ≈ +1.7 on monetary and frequency; bargain +1.7 discount share and
    // −0.52 monetary (the 300 loyal customers pull the mean spend to ≈ 730, sd ≈ 820); lapsed +1.7 recency, −0.7
    // frequency; fresh is 0.6–0.8 below the mean on everything, frequency and monetary the furthest.
    expect(loyal.label).toBe("high monetary, high frequency");
    expect(segmentOf("bargain").label).toBe("high discount share, low monetary");
    expect(segmentOf("lapsed").label).toBe("high recency days, low frequency");
    expect(segmentOf("fresh").label).toBe("low frequency, low monetary");
    expect(result.segments.reduce((sum, s) => sum + s.size, 0)).toBe(customers.length);
  });

  it("attaches RFM segments to customers with an order summary and null to the rest", () => {
    expect(result.assignments).toHaveLength(customers.length);
    result.assignments.forEach((a, i) => {
      expect(a.customer_id).toBe(customers[i]?.customer_id);
      expect(a.rfm_segment === null).toBe(customers[i]?.rfm === undefined);
    });
    const rfmOf = (behaviour: Behaviour) => new Set(result.assignments.filter((a, i) => truth[i] === behaviour && a.rfm_segment !== null).map((a) => a.rfm_segment));
    // Fresh customers bought once, 3 days ago: the most recent fifth (R5), F1. Loyal ones, 5 days ago and 20
    // orders: R4 behind them, F5.
    expect(rfmOf("fresh")).toEqual(new Set(["new"]));
    expect(rfmOf("loyal")).toEqual(new Set(["loyal"]));
    expect(rfmOf("lapsed")).toEqual(new Set(["hibernating", "at_risk"]));
  });

  it("is deterministic for a seed", () => {
    expect(segmentCustomers(customers, { seed: 1 })).toEqual(result);
  });

  it("merges a segment below the anonymity floor into its nearest neighbour", () => {
    // 30 "fresh" customers form their own tight cluster but are too few to target.
    const small = syntheticCustomers(5, { loyal: 200, bargain: 200, lapsed: 200, fresh: 30 });
    const merged = segmentCustomers(small.customers, { seed: 3, minSegmentSize: 50 });
    expect(merged.segments.every((s) => s.size >= 50)).toBe(true);
    expect(merged.k).toBeLessThanOrEqual(3);
    const open = segmentCustomers(small.customers, { seed: 3, minSegmentSize: 10 });
    expect(open.k).toBe(4);
    expect(open.segments.some((s) => s.size === 30)).toBe(true);
  });

  it("honours kRange", () => {
    const two = segmentCustomers(customers, { seed: 1, kRange: [2, 2] });
    expect(two.k).toBe(2);
    expect(two.segments).toHaveLength(2);
  });

  it("handles no customers, one customer, and rejects inconsistent features", () => {
    expect(segmentCustomers([], { seed: 1 })).toEqual({ k: 0, silhouette: 0, segments: [], assignments: [] });
    const one = segmentCustomers([{ customer_id: "solo", features: { a: 1, b: 2 } }], { seed: 1 });
    expect(one.k).toBe(1);
    expect(one.segments).toEqual([{ id: "cluster_0", size: 1, centroid: { a: 1, b: 2 }, label: "typical" }]);
    expect(one.assignments).toEqual([{ customer_id: "solo", segment_id: "cluster_0", rfm_segment: null }]);
    expect(() =>
      segmentCustomers(
        [
          { customer_id: "a", features: { x: 1, y: 2 } },
          { customer_id: "b", features: { x: 1, z: 2 } },
        ],
        { seed: 1 },
      ),
    ).toThrow(RangeError);
  });
});
