// Checks fixed-allocation bucketing against reference MurmurHash3 values, for uniformity (chi-square), for
// sticky rebalancing (fast-check, fixed seed), and for holdout, layer and eligibility shares over many units.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { unitDraw } from "../hash";
import { defaultThompsonPolicy } from "../bandit/thompson";
import { seededUniform } from "../bandit/random";
import { assignBanditArm, priorPosterior } from "./assign";
import {
  BUCKETS,
  BucketMap,
  assignFixed,
  bucketCount,
  bucketCounts,
  bucketOf,
  inGlobalHoldout,
  initialBucketMap,
  layerShares,
  murmur3_32,
  rebalanceBucketMap,
  variantForBucket,
  type FixedExperiment,
  type VariantWeight,
} from "./bucketing";
import type { Experiment } from "./schema";

/** Fixed fast-check seed: the properties below see the same cases on every run. */
const FC_SEED = 20_260_611;

/**
 * From shared/experiments/reference/bucketing_vectors.py (mmh3 5.3.0: `mmh3.hash(bytes, seed, signed=False)`;
 * scipy 1.17.1: `chi2.ppf(0.999, df)`). Re-run the script to regenerate.
 */
const MURMUR_VECTORS: [label: string, key: string, seed: number, expected: number][] = [
  ["empty, seed 0", "", 0x0, 0x00000000],
  ["empty, seed 1", "", 0x1, 0x514e28b7],
  ["empty, seed 0xffffffff", "", 0xffffffff, 0x81f16f39],
  ["1 byte (tail 1)", "a", 0x0, 0x3c2569b2],
  ["2 bytes (tail 2)", "ab", 0x0, 0x9bbfd75f],
  ["3 bytes (tail 3)", "abc", 0x0, 0xb3dd93fa],
  ["4 bytes (one block, no tail)", "abcd", 0x0, 0x43ed676a],
  ["5 bytes (block + tail 1)", "abcde", 0x0, 0xe89b9af6],
  ["hello", "hello", 0x0, 0x248bfa47],
  ["hello, seed 42", "hello", 0x2a, 0xe2dbd2e1],
  ["quick brown fox", "The quick brown fox jumps over the lazy dog", 0x0, 0x2e4ff723],
  ["quick brown fox, seed 0x9747b28c", "The quick brown fox jumps over the lazy dog", 0x9747b28c, 0x2fa826cd],
  ["2-byte UTF-8", "h\u00e9llo", 0x0, 0xbc9fa068],
  ["3-byte UTF-8", "\u65e5\u672c\u8a9e", 0x0, 0xa5a47297],
  ["4-byte UTF-8 (surrogate pair)", "\u{1F600}", 0x0, 0xbeb42efa],
  ["mixed scripts", "na\u00efve caf\u00e9 \u2615 \u{1F600}", 0x0, 0x8ec2942b],
  ["lone surrogate -> U+FFFD", "\ud800", 0x0, 0xb69ca6c1],
];
const BUCKET_VECTORS: [salt: string, unitId: string, bucket: number][] = [
  ["exp_hero", "anon_0", 6556],
  ["exp_hero", "anon_1", 55],
  ["exp_hero", "anon_999999", 2234],
  ["checkout-cta", "v:42", 3963],
];
/** Upper 0.1% points of chi-square with 9,999 and 99 degrees of freedom. */
const CHI2_999_DF9999 = 10441.708713915372;
const CHI2_999_DF99 = 148.23035916510173;
/** What the reference script measures for the uniformity sample below: the test must reproduce it exactly. */
const REFERENCE_CHI2 = { buckets: 10082.52, bins100: 94.3772 };

/** The textbook byte-at-a-time MurmurHash3 x86_32, to check the buffered implementation on arbitrary strings. */
function murmurOfBytes(bytes: Uint8Array, seed: number): number {
  const mix = (block: number) => {
    const k = Math.imul(block, 0xcc9e2d51);
    return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
  };
  let h = seed | 0;
  const blocks = bytes.length >> 2;
  for (let b = 0; b < blocks; b++) {
    const i = b * 4;
    h ^= mix(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let t = bytes.length & 3; t > 0; t--) k ^= bytes[blocks * 4 + t - 1]! << (8 * (t - 1));
  if (bytes.length & 3) h ^= mix(k);
  h ^= bytes.length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Which variant owns each bucket, as a flat array. */
function owners(map: BucketMap): string[] {
  const out = new Array<string>(BUCKETS);
  for (const { variant, ranges } of map) for (const [start, end] of ranges) out.fill(variant, start, end);
  return out;
}

function totalRanges(map: BucketMap): number {
  return map.reduce((s, e) => s + e.ranges.length, 0);
}

/** Half the L1 distance between two allocations, as shares of traffic (absent variants weigh 0). */
function totalVariation(a: readonly VariantWeight[], b: readonly VariantWeight[]): number {
  const share = (vs: readonly VariantWeight[]) => {
    const total = vs.reduce((s, v) => s + v.weight, 0);
    return new Map(vs.map((v) => [v.id, v.weight / total]));
  };
  const pa = share(a);
  const pb = share(b);
  let sum = 0;
  for (const id of new Set([...pa.keys(), ...pb.keys()])) sum += Math.abs((pa.get(id) ?? 0) - (pb.get(id) ?? 0));
  return sum / 2;
}

function experiment(overrides: Partial<FixedExperiment> = {}): FixedExperiment {
  return {
    id: "exp_hero",
    holdout: 0,
    layer: null,
    bucketMap: initialBucketMap([
      { id: "control", weight: 0.5 },
      { id: "treatment", weight: 0.5 },
    ]),
    eligibleSegments: null,
    ...overrides,
  };
}

function countStatuses(n: number, assign: (unitId: string) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = assign(`anon_${i}`);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

describe("murmur3_32", () => {
  it.each(MURMUR_VECTORS)("matches the reference for %s", (_label, key, seed, expected) => {
    expect(murmur3_32(key, seed)).toBe(expected);
  });

  it("defaults to seed 0", () => {
    expect(murmur3_32("hello")).toBe(murmur3_32("hello", 0));
  });

  it("agrees with the byte-at-a-time reference on any UTF-16 string, lone surrogates and long keys included", () => {
    const encoder = new TextEncoder();
    const anyUtf16 = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 400 }).map((units) => String.fromCharCode(...units));
    fc.assert(
      fc.property(anyUtf16, fc.nat(), (key, seed) => {
        expect(murmur3_32(key, seed)).toBe(murmurOfBytes(encoder.encode(key), seed));
      }),
      { seed: FC_SEED, numRuns: 500 },
    );
  });
});

describe("bucketOf", () => {
  it.each(BUCKET_VECTORS)("puts %s:%s in bucket %i, as murmur3_32 % 10,000 in Python does", (salt, unitId, bucket) => {
    expect(bucketOf(salt, unitId)).toBe(bucket);
  });

  it("spreads 1,000,000 units uniformly over the 10,000 buckets and over 100 runs of contiguous buckets", () => {
    const n = 1_000_000;
    const counts = new Uint32Array(BUCKETS);
    for (let i = 0; i < n; i++) counts[bucketOf("exp_uniformity", `anon_${i}`)]! += 1;

    const expected = n / BUCKETS;
    let chi2 = 0;
    for (const c of counts) chi2 += (c - expected) ** 2 / expected;
    // Variants own contiguous runs of buckets, so runs must be even too, not only single buckets.
    const bins = new Array<number>(100).fill(0);
    counts.forEach((c, bucket) => (bins[Math.floor(bucket / 100)]! += c));
    let chi2Bins = 0;
    for (const c of bins) chi2Bins += (c - n / 100) ** 2 / (n / 100);

    expect(chi2).toBeLessThan(CHI2_999_DF9999);
    expect(chi2Bins).toBeLessThan(CHI2_999_DF99);
    expect(chi2).toBeCloseTo(REFERENCE_CHI2.buckets, 6);
    expect(chi2Bins).toBeCloseTo(REFERENCE_CHI2.bins100, 6);
  });
});

describe("initialBucketMap", () => {
  it("gives each variant one contiguous run in proportion to its weight", () => {
    const map = initialBucketMap([
      { id: "control", weight: 0.57 },
      { id: "a", weight: 0.29 },
      { id: "b", weight: 0.14 },
    ]);
    expect(map).toEqual([
      { variant: "control", ranges: [[0, 5700]] },
      { variant: "a", ranges: [[5700, 8600]] },
      { variant: "b", ranges: [[8600, 10_000]] },
    ]);
  });

  it("rounds by largest remainder so the counts sum to 10,000, ties going to the earlier variant", () => {
    expect(bucketCounts([{ id: "a", weight: 1 }, { id: "b", weight: 1 }, { id: "c", weight: 1 }])).toEqual([3334, 3333, 3333]);
    expect(bucketCounts([{ id: "a", weight: 0.33335 }, { id: "b", weight: 0.33335 }, { id: "c", weight: 0.3333 }])).toEqual([3334, 3333, 3333]);
    expect(bucketCounts([{ id: "a", weight: 2 }, { id: "b", weight: 1 }])).toEqual([6667, 3333]);
  });

  it("keeps a zero-weight variant in its place with no buckets", () => {
    const map = initialBucketMap([
      { id: "control", weight: 0 },
      { id: "b", weight: 1 },
    ]);
    expect(map).toEqual([
      { variant: "control", ranges: [] },
      { variant: "b", ranges: [[0, 10_000]] },
    ]);
  });

  it("refuses allocations that cannot fill the buckets", () => {
    expect(() => initialBucketMap([])).toThrow(RangeError);
    expect(() => initialBucketMap([{ id: "a", weight: 0 }])).toThrow(/sum to zero/);
    expect(() => initialBucketMap([{ id: "a", weight: -0.1 }, { id: "b", weight: 1.1 }])).toThrow(/weight/);
    expect(() => initialBucketMap([{ id: "a", weight: 0.5 }, { id: "a", weight: 0.5 }])).toThrow(/unique/);
  });
});

describe("BucketMap schema", () => {
  it("accepts the maps this module builds, so they round-trip through the experiment row", () => {
    const map = rebalanceBucketMap(initialBucketMap([{ id: "a", weight: 0.5 }, { id: "b", weight: 0.5 }]), [{ id: "a", weight: 0.3 }, { id: "c", weight: 0.7 }]);
    expect(BucketMap.parse(JSON.parse(JSON.stringify(map)))).toEqual(map);
  });

  it("rejects gaps, overlaps and repeated variants", () => {
    expect(BucketMap.safeParse([{ variant: "a", ranges: [[0, 9999]] }]).success).toBe(false);
    expect(BucketMap.safeParse([{ variant: "a", ranges: [[0, 6000]] }, { variant: "b", ranges: [[5000, 10_000]] }]).success).toBe(false);
    expect(BucketMap.safeParse([{ variant: "a", ranges: [[0, 5000]] }, { variant: "a", ranges: [[5000, 10_000]] }]).success).toBe(false);
    expect(BucketMap.safeParse([{ variant: "a", ranges: [[0, 10_001]] }]).success).toBe(false);
    expect(BucketMap.safeParse([]).success).toBe(false);
  });
});

describe("rebalanceBucketMap", () => {
  const half = initialBucketMap([
    { id: "control", weight: 0.5 },
    { id: "treatment", weight: 0.5 },
  ]);

  it("changes nothing when the weights do not change", () => {
    expect(rebalanceBucketMap(half, [{ id: "control", weight: 0.5 }, { id: "treatment", weight: 0.5 }])).toEqual(half);
  });

  it("moves only the shrinking variant's last buckets to the growing one", () => {
    const map = rebalanceBucketMap(half, [
      { id: "control", weight: 0.2 },
      { id: "treatment", weight: 0.8 },
    ]);
    expect(map).toEqual([
      { variant: "control", ranges: [[0, 2000]] },
      { variant: "treatment", ranges: [[2000, 10_000]] },
    ]);
  });

  it("hands a removed variant's buckets to the variants that grow, and a new variant takes only freed buckets", () => {
    const three = initialBucketMap([
      { id: "control", weight: 0.4 },
      { id: "a", weight: 0.3 },
      { id: "b", weight: 0.3 },
    ]);
    const map = rebalanceBucketMap(three, [
      { id: "control", weight: 0.4 },
      { id: "b", weight: 0.4 },
      { id: "c", weight: 0.2 },
    ]);
    expect(map).toEqual([
      { variant: "control", ranges: [[0, 4000]] },
      { variant: "b", ranges: [[4000, 5000], [7000, 10_000]] },
      { variant: "c", ranges: [[5000, 7000]] },
    ]);
  });

  const universe = ["control", "a", "b", "c", "d", "e", "f", "g"];
  /** A subset of the universe, in a shuffled order, with integer weights (0 allowed) that do not all vanish. */
  const allocation = fc
    .shuffledSubarray(universe, { minLength: 1 })
    .chain((ids) => fc.tuple(...ids.map((id) => fc.nat(100).map((weight): VariantWeight => ({ id, weight })))))
    .filter((vs) => vs.some((v) => v.weight > 0));

  it("moves exactly the buckets the weight change requires: the total variation distance, within rounding", () => {
    fc.assert(
      fc.property(allocation, allocation, (before, after) => {
        const previous = initialBucketMap(before);
        const next = rebalanceBucketMap(previous, after);
        expect(BucketMap.safeParse(next).success).toBe(true);
        expect(next.map((e) => e.variant)).toEqual(after.map((v) => v.id));

        const was = owners(previous);
        const now = owners(next);
        const moved = was.filter((variant, bucket) => now[bucket] !== variant).length;
        // No assignment can move fewer buckets than the count changes demand, and this one moves no more.
        const counts = bucketCounts(after);
        let required = 0;
        for (const entry of previous) {
          const target = counts[after.findIndex((v) => v.id === entry.variant)] ?? 0;
          required += Math.max(0, bucketCount(previous, entry.variant) - target);
        }
        expect(moved).toBe(required);
        const variants = new Set([...before, ...after].map((v) => v.id)).size;
        expect(Math.abs(moved - totalVariation(before, after) * BUCKETS)).toBeLessThanOrEqual(variants);

        // Sticky: a variant that did not grow only lost buckets; one that grew kept every bucket it had.
        for (const id of new Set([...was, ...now])) {
          const lost = was.some((v, bucket) => v === id && now[bucket] !== id);
          const gained = now.some((v, bucket) => v === id && was[bucket] !== id);
          expect(lost && gained).toBe(false);
        }
      }),
      { seed: FC_SEED, numRuns: 200 },
    );
  });

  it("stays valid and compact over a long run of reweights: each adds at most one range per variant involved", () => {
    fc.assert(
      fc.property(allocation, fc.array(allocation, { minLength: 1, maxLength: 30 }), (first, reweights) => {
        let map = initialBucketMap(first);
        let weights = first;
        for (const next of reweights) {
          const rebalanced = rebalanceBucketMap(map, next);
          expect(BucketMap.safeParse(rebalanced).success).toBe(true);
          const involved = new Set([...weights, ...next].map((v) => v.id)).size;
          expect(totalRanges(rebalanced)).toBeLessThanOrEqual(totalRanges(map) + involved);
          map = rebalanced;
          weights = next;
        }
      }),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it("refuses a stored map that does not cover every bucket", () => {
    expect(() => rebalanceBucketMap([{ variant: "a", ranges: [[0, 10]] }], [{ id: "a", weight: 1 }])).toThrow(/no owner/);
  });
});

describe("variantForBucket", () => {
  it("finds the owner at range edges and refuses buckets outside the map", () => {
    const map = initialBucketMap([
      { id: "control", weight: 0.25 },
      { id: "treatment", weight: 0.75 },
    ]);
    expect(variantForBucket(map, 0)).toBe("control");
    expect(variantForBucket(map, 2499)).toBe("control");
    expect(variantForBucket(map, 2500)).toBe("treatment");
    expect(variantForBucket(map, 9999)).toBe("treatment");
    expect(() => variantForBucket(map, 10_000)).toThrow(RangeError);
  });
});

describe("assignFixed", () => {
  it("splits 1,000,000 units between two 50/50 variants within 0.3% of even, with propensity 0.5", () => {
    const n = 1_000_000;
    const exp = experiment();
    let treatment = 0;
    for (let i = 0; i < n; i++) {
      const a = assignFixed({ experiment: exp, unitId: `anon_${i}`, segmentId: null, globalHoldout: 0 });
      if (a.variant === "treatment") treatment++;
      if (i === 0) expect(a).toMatchObject({ status: "assigned", propensity: 0.5 });
    }
    expect(Math.abs(treatment / n - 0.5)).toBeLessThan(0.003);
  });

  it("is deterministic, and reports the variant's bucket share as its propensity", () => {
    const exp = experiment({ bucketMap: initialBucketMap([{ id: "control", weight: 0.9 }, { id: "treatment", weight: 0.1 }]) });
    const input = { experiment: exp, unitId: "anon_7", segmentId: "seg_1", globalHoldout: 0.05 };
    expect(assignFixed(input)).toEqual(assignFixed(input));
    const seen = new Map<string, number>();
    for (let i = 0; i < 2000; i++) {
      const a = assignFixed({ experiment: exp, unitId: `anon_${i}`, segmentId: null, globalHoldout: 0 });
      seen.set(a.variant!, a.propensity);
    }
    expect(Object.fromEntries(seen)).toEqual({ control: 0.9, treatment: 0.1 });
  });

  it("keeps the global holdout's share of all traffic out of every experiment, within 0.5% over 200,000 units", () => {
    const exp = experiment();
    const counts = countStatuses(200_000, (unitId) => assignFixed({ experiment: exp, unitId, segmentId: null, globalHoldout: 0.1 }).status);
    expect(Math.abs(counts.get("global_holdout")! / 200_000 - 0.1)).toBeLessThan(0.005);
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: null, globalHoldout: 1 })).toEqual({ status: "global_holdout", variant: null, propensity: 1 });
    // The same units are out of every experiment: the draw does not depend on the experiment.
    for (let i = 0; i < 1000; i++) {
      const unitId = `anon_${i}`;
      const other = experiment({ id: "exp_other", bucketMap: initialBucketMap([{ id: "x", weight: 1 }, { id: "y", weight: 1 }]) });
      const held = assignFixed({ experiment: other, unitId, segmentId: null, globalHoldout: 0.1 }).status === "global_holdout";
      expect(held).toBe(inGlobalHoldout(unitId, 0.1));
    }
  });

  it("holds out the experiment's share within 0.5% over 200,000 units, independently of the global holdout", () => {
    const exp = experiment({ holdout: 0.2 });
    const alone = countStatuses(200_000, (unitId) => assignFixed({ experiment: exp, unitId, segmentId: null, globalHoldout: 0 }).status);
    expect(Math.abs(alone.get("holdout")! / 200_000 - 0.2)).toBeLessThan(0.005);
    const both = countStatuses(200_000, (unitId) => assignFixed({ experiment: exp, unitId, segmentId: null, globalHoldout: 0.1 }).status);
    expect(Math.abs(both.get("holdout")! / 200_000 - 0.9 * 0.2)).toBeLessThan(0.005);
    expect(Math.abs(both.get("global_holdout")! / 200_000 - 0.1)).toBeLessThan(0.005);
  });

  it("shows holdouts control with propensity 1, and holds out the same units assignBanditArm does", () => {
    const exp = experiment({ holdout: 0.3 });
    // assignBanditArm reads only these fields; the rest of a stored experiment does not bear on the holdout.
    const banditFields: Pick<Experiment, "id" | "variants" | "holdout" | "retired_arms"> = {
      id: exp.id,
      variants: [
        { id: "control", weight: 0.5, payload: {} },
        { id: "treatment", weight: 0.5, payload: {} },
      ],
      holdout: 0.3,
      retired_arms: [],
    };
    const bandit = banditFields as Experiment;
    const posterior = priorPosterior(bandit);
    const u = seededUniform(1);
    for (let i = 0; i < 5000; i++) {
      const unitId = `anon_${i}`;
      const fixed = assignFixed({ experiment: exp, unitId, segmentId: null, globalHoldout: 0 });
      const arm = assignBanditArm(bandit, posterior, unitId, u, defaultThompsonPolicy);
      expect(fixed.status === "holdout").toBe(arm.holdout);
      expect(fixed.status === "holdout").toBe(unitDraw(`holdout:${exp.id}`, unitId) < 0.3);
      if (fixed.status === "holdout") expect(fixed).toEqual({ status: "holdout", variant: "control", propensity: 1 });
    }
  });

  it("admits only eligible segments, and lets everyone in when the list is null", () => {
    const exp = experiment({ eligibleSegments: ["seg_bargain", "seg_loyal"] });
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: "seg_bargain", globalHoldout: 0 }).status).toBe("assigned");
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: "seg_browser", globalHoldout: 0 })).toEqual({ status: "ineligible", variant: null, propensity: 1 });
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: null, globalHoldout: 0 }).status).toBe("ineligible");
    expect(assignFixed({ experiment: experiment(), unitId: "anon_1", segmentId: "seg_browser", globalHoldout: 0 }).status).toBe("assigned");
    // Order: the global holdout is decided before eligibility.
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: "seg_browser", globalHoldout: 1 }).status).toBe("global_holdout");
    expect(assignFixed({ experiment: experiment({ eligibleSegments: [] }), unitId: "anon_1", segmentId: "seg_bargain", globalHoldout: 0 }).status).toBe("ineligible");
  });

  it("also admits a unit by its customer cluster or lifecycle stage", () => {
    const exp = experiment({ eligibleSegments: ["at_risk", "cust_cluster_2"] });
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: "seg_buy_mobile_at_risk", alsoIn: ["cust_cluster_0", "at_risk"], globalHoldout: 0 }).status).toBe("assigned");
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: null, alsoIn: ["cust_cluster_2", "champions"], globalHoldout: 0 }).status).toBe("assigned");
    expect(assignFixed({ experiment: exp, unitId: "anon_1", segmentId: "seg_buy_mobile_new", alsoIn: ["new"], globalHoldout: 0 }).status).toBe("ineligible");
  });

  it("puts each unit in at most one experiment of a layer, with the configured shares within 0.5%", () => {
    const ids = ["exp_a", "exp_b", "exp_c"];
    const shares = layerShares(ids, [0.5, 0.3, 0.2]);
    const exps = ids.map((id) => experiment({ id, layer: "home_hero", layerShare: shares[id]! }));
    const n = 200_000;
    const inExperiment = new Map(ids.map((id) => [id, 0]));
    let treatmentInA = 0;
    let notInExactlyOne = 0;
    for (let i = 0; i < n; i++) {
      const unitId = `anon_${i}`;
      const entered = exps.map((e) => assignFixed({ experiment: e, unitId, segmentId: null, globalHoldout: 0 })).filter((a, j) => {
        if (a.status === "assigned") inExperiment.set(ids[j]!, inExperiment.get(ids[j]!)! + 1);
        if (j === 0 && a.variant === "treatment") treatmentInA++;
        return a.status === "assigned";
      });
      if (entered.length !== 1) notInExactlyOne++;
    }
    // The shares fill the layer, so every unit is in exactly one of its experiments.
    expect(notInExactlyOne).toBe(0);
    expect(Math.abs(inExperiment.get("exp_a")! / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(inExperiment.get("exp_b")! / n - 0.3)).toBeLessThan(0.005);
    expect(Math.abs(inExperiment.get("exp_c")! / n - 0.2)).toBeLessThan(0.005);
    // The layer draw and the variant draw are independent: exp_a's own 50/50 split survives the layer filter.
    expect(Math.abs(treatmentInA / inExperiment.get("exp_a")! - 0.5)).toBeLessThan(0.005);
  });

  it("leaves the unclaimed part of a layer out of all its experiments", () => {
    const shares = layerShares(["exp_a", "exp_b"], [0.25, 0.25]);
    const exps = Object.entries(shares).map(([id, share]) => experiment({ id, layer: "checkout", layerShare: share }));
    const counts = countStatuses(200_000, (unitId) =>
      exps.some((e) => assignFixed({ experiment: e, unitId, segmentId: null, globalHoldout: 0 }).status === "assigned") ? "in" : "out",
    );
    expect(Math.abs(counts.get("out")! / 200_000 - 0.5)).toBeLessThan(0.005);
    expect(assignFixed({ experiment: experiment({ layer: "checkout", layerShare: [0, 0] }), unitId: "anon_1", segmentId: null, globalHoldout: 0 })).toEqual({
      status: "not_in_layer",
      variant: null,
      propensity: 1,
    });
  });

  it("draws independently across experiments, and a new salt reshuffles an experiment's units", () => {
    const a = experiment({ id: "exp_a" });
    const b = experiment({ id: "exp_b" });
    const resalted = experiment({ id: "exp_a", salt: "exp_a:v2" });
    const n = 200_000;
    let bothTreatment = 0;
    let aTreatment = 0;
    let sameAfterResalt = 0;
    for (let i = 0; i < n; i++) {
      const unitId = `anon_${i}`;
      const va = assignFixed({ experiment: a, unitId, segmentId: null, globalHoldout: 0 }).variant;
      if (va === "treatment") {
        aTreatment++;
        if (assignFixed({ experiment: b, unitId, segmentId: null, globalHoldout: 0 }).variant === "treatment") bothTreatment++;
      }
      if (assignFixed({ experiment: resalted, unitId, segmentId: null, globalHoldout: 0 }).variant === va) sameAfterResalt++;
    }
    expect(Math.abs(bothTreatment / aTreatment - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(sameAfterResalt / n - 0.5)).toBeLessThan(0.005);
  });

  it("keeps units on their variant when a ramp-up moves 10% of traffic: only those units switch, all to treatment", () => {
    const before = experiment({ bucketMap: initialBucketMap([{ id: "control", weight: 0.9 }, { id: "treatment", weight: 0.1 }]) });
    const after = experiment({ bucketMap: rebalanceBucketMap(before.bucketMap, [{ id: "control", weight: 0.8 }, { id: "treatment", weight: 0.2 }]) });
    const n = 200_000;
    const switches = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const unitId = `anon_${i}`;
      const was = assignFixed({ experiment: before, unitId, segmentId: null, globalHoldout: 0 }).variant;
      const now = assignFixed({ experiment: after, unitId, segmentId: null, globalHoldout: 0 }).variant;
      if (was !== now) switches.set(`${was}->${now}`, (switches.get(`${was}->${now}`) ?? 0) + 1);
    }
    expect([...switches.keys()]).toEqual(["control->treatment"]);
    const switched = switches.get("control->treatment")!;
    expect(Math.abs(switched / n - 0.1)).toBeLessThan(0.005);
  });
});

describe("layerShares", () => {
  it("splits the layer equally by default and ends exactly at 1", () => {
    const shares = layerShares(["a", "b", "c"]);
    expect(shares.a).toEqual([0, 1 / 3]);
    expect(shares.b![0]).toBe(shares.a![1]);
    expect(shares.c![0]).toBe(shares.b![1]);
    expect(shares.c![1]).toBe(1);
  });

  it("lays given shares end to end and refuses more than the whole layer", () => {
    expect(layerShares(["a", "b"], [0.5, 0.3])).toEqual({ a: [0, 0.5], b: [0.5, 0.8] });
    expect(() => layerShares(["a", "b"], [0.7, 0.4])).toThrow(RangeError);
    expect(() => layerShares(["a", "b"], [0.5])).toThrow(/one share/);
    expect(() => layerShares(["a", "a"])).toThrow(/unique/);
  });
});
