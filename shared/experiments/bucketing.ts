// Deterministic assignment for fixed-allocation experiments: MurmurHash3 buckets, a bucket map that moves the
// fewest visitors when weights change, layers for mutually exclusive experiments, and holdouts.
import * as z from "zod";
import { fmix32, unitDraw } from "../hash";

/** Resolution of an allocation: weights are honoured to 1/10,000 (0.01%). */
export const BUCKETS = 10_000;
/** Salt for the share of all traffic that no experiment touches, so its baseline stays clean. */
export const GLOBAL_HOLDOUT_SALT = "aura:global-holdout";

const TWO_POW_32 = 4_294_967_296;

// ---------------------------------------------------------------------------------------------------------
// MurmurHash3 x86_32

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const utf8 = new TextEncoder();
// Keys are hashed millions of times per second on a hot path: encode into one reused buffer, not a new array.
let scratch = new Uint8Array(256);
let scratchView = new DataView(scratch.buffer);

/**
 * MurmurHash3 x86_32 of the key's UTF-8 bytes, unsigned. Byte-for-byte the reference algorithm, so Python
 * (`mmh3.hash(key, seed, signed=False)`), SQL and warehouse jobs reproduce any assignment. Lone surrogates
 * are encoded as U+FFFD, as TextEncoder does.
 */
export function murmur3_32(key: string, seed = 0): number {
  // A UTF-16 code unit never needs more than 3 UTF-8 bytes (a surrogate pair: 2 units, 4 bytes).
  if (scratch.length < key.length * 3) {
    scratch = new Uint8Array(key.length * 3);
    scratchView = new DataView(scratch.buffer);
  }
  const length = utf8.encodeInto(key, scratch).written;
  const view = scratchView;
  const blockEnd = length & ~3;
  let h = seed | 0;
  let k: number;
  for (let i = 0; i < blockEnd; i += 4) {
    k = view.getUint32(i, true);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    k = view.getUint8(blockEnd);
    if (tail > 1) k ^= view.getUint8(blockEnd + 1) << 8;
    if (tail > 2) k ^= view.getUint8(blockEnd + 2) << 16;
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  return fmix32(h ^ length);
}

/**
 * The unit's bucket in an experiment, in [0, BUCKETS). Plain modulo: 2^32 = 429,496 * 10,000 + 7,296, so
 * buckets below 7,296 are 1 / 429,496 (0.0002%) likelier than the rest. Multiply-shift would only move that
 * same bias to other buckets, and modulo is what other tools (and a one-line SQL query) reproduce.
 */
export function bucketOf(salt: string, unitId: string): number {
  return murmur3_32(`${salt}:${unitId}`) % BUCKETS;
}

/** A stable uniform draw in [0, 1) for (salt, unit): where the unit sits in a layer or the global holdout. */
function murmurDraw(salt: string, unitId: string): number {
  return murmur3_32(`${salt}:${unitId}`) / TWO_POW_32;
}

/** Whether the unit is in the share of all traffic that sees no experiment at all (fixed or bandit). */
export function inGlobalHoldout(unitId: string, share: number): boolean {
  return share > 0 && murmurDraw(GLOBAL_HOLDOUT_SALT, unitId) < share;
}

/** Where the unit sits in a layer, in [0, 1): one draw per unit and layer, shared by all its experiments. */
export function layerPosition(layer: string, unitId: string): number {
  return murmurDraw(`layer:${layer}`, unitId);
}

// ---------------------------------------------------------------------------------------------------------
// Bucket maps

/** Half-open [start, end) run of buckets. */
const BucketRange = z
  .tuple([z.number().int().min(0).max(BUCKETS), z.number().int().min(0).max(BUCKETS)])
  .refine(([start, end]) => start < end, "a bucket range is [start, end) with start < end");

/**
 * Which buckets each variant owns; stored as JSON on the experiment row. Every bucket belongs to exactly one
 * variant, and variants keep the experiment's order: the first is control (what holdouts see).
 */
export const BucketMap = z
  .array(z.object({ variant: z.string().min(1), ranges: z.array(BucketRange) }))
  .min(1)
  .superRefine((map, ctx) => {
    const problem = bucketMapProblem(map);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
export type BucketMap = z.infer<typeof BucketMap>;
type BucketRange = BucketMap[number]["ranges"][number];

export interface VariantWeight {
  id: string;
  weight: number;
}

/** Why a map is unusable (a gap, an overlap, a duplicate variant), or null when every bucket has one owner. */
export function bucketMapProblem(map: BucketMap): string | null {
  const seen = new Set<string>();
  const ranges: BucketRange[] = [];
  for (const entry of map) {
    if (seen.has(entry.variant)) return `variant ${entry.variant} appears twice`;
    seen.add(entry.variant);
    ranges.push(...entry.ranges);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  let next = 0;
  for (const [start, end] of ranges) {
    if (start < 0 || end > BUCKETS || start >= end) return `range [${start}, ${end}) is empty or outside [0, ${BUCKETS})`;
    if (start < next) return `bucket ${start} has two owners`;
    if (start > next) return `buckets [${next}, ${start}) have no owner`;
    next = end;
  }
  return next === BUCKETS ? null : `buckets [${next}, ${BUCKETS}) have no owner`;
}

function assertBucketMap(map: BucketMap): void {
  const problem = bucketMapProblem(map);
  if (problem) throw new RangeError(`invalid bucket map: ${problem}`);
}

function rangeSize(ranges: readonly BucketRange[]): number {
  let size = 0;
  for (const [start, end] of ranges) size += end - start;
  return size;
}

/** How many buckets each variant owns in the map. */
export function bucketCount(map: BucketMap, variant: string): number {
  const entry = map.find((e) => e.variant === variant);
  return entry ? rangeSize(entry.ranges) : 0;
}

/**
 * Buckets per variant in proportion to weight, by largest remainder so the counts sum to BUCKETS exactly;
 * ties go to the earlier variant so the result does not depend on sort stability.
 */
export function bucketCounts(variants: readonly VariantWeight[]): number[] {
  if (variants.length === 0) throw new RangeError("a bucket map needs at least one variant");
  if (new Set(variants.map((v) => v.id)).size !== variants.length) throw new RangeError("variant ids must be unique");
  let total = 0;
  for (const v of variants) {
    if (!Number.isFinite(v.weight) || v.weight < 0) throw new RangeError(`variant ${v.id} has weight ${v.weight}`);
    total += v.weight;
  }
  if (total <= 0) throw new RangeError("variant weights sum to zero");
  const quotas = variants.map((v) => (v.weight / total) * BUCKETS);
  // The epsilon absorbs float noise such as 0.7 * 10,000 = 7000.000000000001 vs 0.57 * 10,000 = 5699.999999999999.
  const counts = quotas.map((q) => Math.floor(q + 1e-7));
  let left = BUCKETS - counts.reduce((s, c) => s + c, 0);
  const order = quotas.map((q, i) => ({ i, remainder: q - Math.floor(q + 1e-7) })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]! += 1;
    left -= 1;
  }
  return counts;
}

/** A fresh map: each variant gets one contiguous run of buckets, in variant order. */
export function initialBucketMap(variants: readonly VariantWeight[]): BucketMap {
  const counts = bucketCounts(variants);
  let cursor = 0;
  return variants.map((v, i) => {
    const start = cursor;
    cursor += counts[i]!;
    return { variant: v.id, ranges: cursor > start ? [[start, cursor] as BucketRange] : [] };
  });
}

/** Sorts and joins touching ranges, so a map that has been rebalanced many times stays small. */
function mergeRanges(ranges: BucketRange[]): BucketRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const merged: BucketRange[] = [];
  for (const [start, end] of sorted) {
    const last = merged[merged.length - 1];
    if (last && last[1] === start) last[1] = end;
    else merged.push([start, end]);
  }
  return merged;
}

/** Splits ranges after their first `keep` buckets, in range order. */
function splitRanges(ranges: readonly BucketRange[], keep: number): { kept: BucketRange[]; released: BucketRange[] } {
  const kept: BucketRange[] = [];
  const released: BucketRange[] = [];
  let room = keep;
  for (const [start, end] of ranges) {
    const take = Math.min(room, end - start);
    if (take > 0) kept.push([start, start + take]);
    if (start + take < end) released.push([start + take, end]);
    room -= take;
  }
  return { kept, released };
}

/**
 * The map for new weights that reassigns the fewest buckets: shrinking variants give up buckets from the end
 * of their ranges, removed variants give up all of theirs, and growing or new variants take only those freed
 * buckets. Everyone else keeps their variant, and the share of units moved equals the total variation
 * distance between the old and new allocations. Variants follow the new list's order (first is control).
 */
export function rebalanceBucketMap(previous: BucketMap, variants: readonly VariantWeight[]): BucketMap {
  assertBucketMap(previous);
  const counts = bucketCounts(variants);
  const target = new Map(variants.map((v, i) => [v.id, counts[i]!]));
  const held = new Map<string, BucketRange[]>();
  let freed: BucketRange[] = [];
  for (const entry of previous) {
    const { kept, released } = splitRanges(entry.ranges, target.get(entry.variant) ?? 0);
    held.set(entry.variant, kept);
    freed.push(...released);
  }
  // Growing variants fill from the lowest freed bucket up: any fixed order would do, this one is reproducible.
  freed = mergeRanges(freed);
  return variants.map((v, i) => {
    const own = held.get(v.id) ?? [];
    const { kept: taken, released: rest } = splitRanges(freed, counts[i]! - rangeSize(own));
    freed = rest;
    return { variant: v.id, ranges: mergeRanges([...own, ...taken]) };
  });
}

/** The variant that owns a bucket. */
export function variantForBucket(map: BucketMap, bucket: number): string {
  for (const entry of map) {
    for (const [start, end] of entry.ranges) if (bucket >= start && bucket < end) return entry.variant;
  }
  throw new RangeError(`bucket ${bucket} has no variant`);
}

// ---------------------------------------------------------------------------------------------------------
// Layers

/**
 * Splits a layer's [0, 1) among its experiments in list order, equally by default. Shares may sum to less
 * than 1 to keep room for later experiments; appending one then leaves every running experiment's units put.
 */
export function layerShares(experimentIds: readonly string[], shares?: readonly number[]): Record<string, [number, number]> {
  if (new Set(experimentIds).size !== experimentIds.length) throw new RangeError("experiment ids must be unique");
  if (shares && shares.length !== experimentIds.length) throw new RangeError("one share per experiment");
  const given = shares ?? experimentIds.map(() => 1 / experimentIds.length);
  const total = given.reduce((s, x) => s + x, 0);
  if (given.some((x) => !Number.isFinite(x) || x < 0) || total > 1 + 1e-9) throw new RangeError("layer shares must be non-negative and sum to at most 1");
  const out: Record<string, [number, number]> = {};
  let cursor = 0;
  experimentIds.forEach((id, i) => {
    const start = cursor;
    cursor += given[i]!;
    // Float sums such as 3 * (1/3) may land a hair off 1: a full layer must end at exactly 1 to leave no gap.
    const end = i === experimentIds.length - 1 && Math.abs(total - 1) <= 1e-9 ? 1 : cursor;
    out[id] = [start, end];
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Assignment

export interface FixedExperiment {
  id: string;
  /** Reshuffles units without renaming the experiment; defaults to the id. */
  salt?: string;
  holdout: number;
  layer: string | null;
  bucketMap: BucketMap;
  /** Segments that may enter (micro-segment ids, customer clusters `cust_<n>`, lifecycle stages); null lets everyone in. */
  eligibleSegments: readonly string[] | null;
  /** This experiment's [start, end) of its layer; the whole layer when absent (it is alone there). */
  layerShare?: readonly [number, number];
}

export interface FixedAssignmentInput {
  experiment: FixedExperiment;
  unitId: string;
  segmentId: string | null;
  /** The unit's other memberships that eligibility also matches: its customer cluster and lifecycle stage. */
  alsoIn?: readonly string[];
  /** Share of all traffic kept out of every experiment. */
  globalHoldout: number;
}

export type FixedAssignmentStatus = "global_holdout" | "ineligible" | "not_in_layer" | "holdout" | "assigned";

export interface FixedAssignment {
  status: FixedAssignmentStatus;
  /** Null when the unit is not in the experiment at all; control for holdouts. */
  variant: string | null;
  /** Probability of what the unit got: the variant's bucket share when assigned, 1 when it was certain. */
  propensity: number;
}

function isEligible(eligible: readonly string[], segmentId: string | null, alsoIn: readonly string[] | undefined): boolean {
  if (segmentId !== null && eligible.includes(segmentId)) return true;
  return alsoIn?.some((s) => eligible.includes(s)) ?? false;
}

/**
 * One unit's assignment: global holdout, then segment eligibility, then the layer, then the experiment's
 * holdout, then the variant's buckets. Each step hashes with its own salt so the steps are independent.
 */
export function assignFixed(input: FixedAssignmentInput): FixedAssignment {
  const { experiment, unitId, segmentId } = input;
  if (inGlobalHoldout(unitId, input.globalHoldout)) return { status: "global_holdout", variant: null, propensity: 1 };
  if (experiment.eligibleSegments !== null && !isEligible(experiment.eligibleSegments, segmentId, input.alsoIn)) {
    return { status: "ineligible", variant: null, propensity: 1 };
  }
  if (experiment.layer !== null) {
    const [start, end] = experiment.layerShare ?? [0, 1];
    const position = layerPosition(experiment.layer, unitId);
    if (position < start || position >= end) return { status: "not_in_layer", variant: null, propensity: 1 };
  }
  const control = experiment.bucketMap[0];
  if (!control) throw new RangeError(`experiment ${experiment.id} has an empty bucket map`);
  // hash32-based unitDraw, not murmur: assignBanditArm already holds units out this way, and one experiment
  // must hold out the same units whichever allocation serves it.
  if (experiment.holdout > 0 && unitDraw(`holdout:${experiment.id}`, unitId) < experiment.holdout) {
    return { status: "holdout", variant: control.variant, propensity: 1 };
  }
  const variant = variantForBucket(experiment.bucketMap, bucketOf(experiment.salt ?? experiment.id, unitId));
  return { status: "assigned", variant, propensity: bucketCount(experiment.bucketMap, variant) / BUCKETS };
}
