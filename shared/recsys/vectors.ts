// Item vectors as the isolate snapshot carries them, and how the rank path uses them: collaborative affinity per
// item and its blend with the content-based user_match.
//
// Published form: one signed byte per factor with a per-item scale (q = round(v / s), s = max|v| / 127), item
// ids alongside, the bytes base64 in JSON: a quarter of float32, and for cosine the rounding is noise (each
// component is off by at most s/2; the tests hold the cosine to the float vector within 0.02 and the
// predicted preference within 0.02).
// The fold-in parameters travel with the vectors because a visitor folded in with a different α or λ than
// training used would land on a different scale from the vectors it is compared with.
import * as z from "zod";
import { type FoldInParams, type ItemFactors, itemFactors } from "./als";

export const ITEM_VECTORS_FORMAT = "aura.item-vectors.int8.v1";

export const PublishedItemVectors = z.object({
  format: z.literal(ITEM_VECTORS_FORMAT),
  factors: z.number().int().min(1).max(256),
  alpha: z.number().positive(),
  regularization: z.number().positive(),
  items: z.array(z.string().min(1)),
  /** Per item: the value of one quantisation step (0 for an all-zero vector). */
  scales: z.array(z.number().nonnegative()),
  /** base64 of items × factors signed bytes, item-major. */
  codes: z.string(),
});
export type PublishedItemVectors = z.infer<typeof PublishedItemVectors>;

/** What the rank path needs from a snapshot: the (dequantised) item vectors and how to fold a visitor in. */
export interface ItemVectorSnapshot {
  items: ItemFactors;
  foldIn: FoldInParams;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  // Chunked: String.fromCharCode with one argument per byte would overflow the stack on a large catalog.
  for (let k = 0; k < bytes.length; k += 0x8000) binary += String.fromCharCode(...bytes.subarray(k, k + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let k = 0; k < binary.length; k++) bytes[k] = binary.charCodeAt(k);
  return bytes;
}

export function encodeItemVectors(items: ItemFactors, foldIn: FoldInParams): PublishedItemVectors {
  const f = items.factors;
  const n = items.ids.length;
  const codes = new Int8Array(n * f);
  const scales: number[] = [];
  for (let r = 0; r < n; r++) {
    let maxAbs = 0;
    for (let k = r * f; k < (r + 1) * f; k++) maxAbs = Math.max(maxAbs, Math.abs(items.vectors[k]!));
    // Rounded to float32 first so encoder and decoder divide and multiply by the same number.
    const scale = Math.fround(maxAbs / 127);
    scales.push(scale);
    if (scale === 0) continue;
    for (let k = r * f; k < (r + 1) * f; k++) codes[k] = Math.max(-127, Math.min(127, Math.round(items.vectors[k]! / scale)));
  }
  return {
    format: ITEM_VECTORS_FORMAT,
    factors: f,
    alpha: foldIn.alpha,
    regularization: foldIn.regularization,
    items: [...items.ids],
    scales,
    codes: toBase64(new Uint8Array(codes.buffer)),
  };
}

/** Validates a snapshot read from storage (a trust boundary: it may be stale, truncated or another format). */
export function decodeItemVectors(published: unknown): ItemVectorSnapshot {
  const p = PublishedItemVectors.parse(published);
  const n = p.items.length;
  const f = p.factors;
  if (p.scales.length !== n) throw new RangeError(`item vectors: ${p.scales.length} scales for ${n} items`);
  if (new Set(p.items).size !== n) throw new RangeError("item vectors: duplicate item ids");
  const bytes = fromBase64(p.codes);
  if (bytes.length !== n * f) throw new RangeError(`item vectors: ${bytes.length} codes for ${n} items × ${f} factors`);
  const codes = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  const vectors = new Float32Array(n * f);
  for (let r = 0; r < n; r++) {
    const scale = p.scales[r]!;
    for (let k = r * f; k < (r + 1) * f; k++) vectors[k] = codes[k]! * scale;
  }
  return { items: itemFactors(p.items, vectors, f), foldIn: { alpha: p.alpha, regularization: p.regularization } };
}

/**
 * Collaborative affinity of a visitor for one item, in [0, 1]: the model's predicted preference xᵀy, clamped.
 * ALS fits xᵀy to p ∈ {0, 1} (1 = "would interact"), so the raw score is already on user_match's scale and
 * clamping only trims the few overshoots (under 0.3% of pairs on the synthetic shop). Not the cosine: cosine
 * divides out the item's norm, which carries how broadly liked the item is within the visitor's taste, and on
 * the synthetic holdout ranking by cosine lost a third of ALS's recall@10 (0.27 against 0.39 for xᵀy).
 * null when the item has no vector (new since the last training run: cold start).
 */
export function cfAffinity(userVector: ArrayLike<number>, itemId: string, items: ItemFactors): number | null {
  const r = items.index.get(itemId);
  if (r === undefined) return null;
  checkFactors(userVector, items);
  return predictedPreference(userVector, items, r);
}

/** cfAffinity for every item of the snapshot at once, in table order (the rank hot loop's form). */
export function cfAffinities(userVector: ArrayLike<number>, items: ItemFactors): Float32Array {
  checkFactors(userVector, items);
  const out = new Float32Array(items.ids.length);
  for (let r = 0; r < out.length; r++) out[r] = predictedPreference(userVector, items, r);
  return out;
}

function checkFactors(userVector: ArrayLike<number>, items: ItemFactors): void {
  if (userVector.length !== items.factors) throw new RangeError(`user vector has ${userVector.length} factors, items have ${items.factors}`);
}

function predictedPreference(userVector: ArrayLike<number>, items: ItemFactors, r: number): number {
  const f = items.factors;
  let dot = 0;
  const o = r * f;
  for (let k = 0; k < f; k++) dot += userVector[k]! * items.vectors[o + k]!;
  return Math.min(1, Math.max(0, dot));
}

/** Cosine of two vectors (0 when either is all zeros): how faithfully a quantised vector keeps its direction. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`cosine of vectors of ${a.length} and ${b.length} factors`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!;
    na += a[k]! * a[k]!;
    nb += b[k]! * b[k]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * How far collaborative affinity is trusted against content match, by how many interactions the visitor's
 * vector was folded in from: w = max_weight · n / (n + half_point). A vector from one or two items is mostly
 * that item's neighbourhood (content already covers it); by ten or so it has found the visitor's taste group.
 * Content keeps at least 1 − max_weight because it carries what a nightly vector cannot: this session's intent,
 * explicit preferences, and the reason shown to the visitor.
 */
export const HybridSchedule = z.object({
  half_point: z.number().positive().default(5),
  max_weight: z.number().min(0).max(1).default(0.7),
});
export type HybridSchedule = z.infer<typeof HybridSchedule>;
/** The schema's defaults, written out rather than parsed at module load (start-up); a test keeps them equal. */
export const DEFAULT_HYBRID_SCHEDULE: HybridSchedule = { half_point: 5, max_weight: 0.7 };

export function cfWeight(interactions: number, schedule: HybridSchedule = DEFAULT_HYBRID_SCHEDULE): number {
  const n = Math.max(0, interactions);
  return (schedule.max_weight * n) / (n + schedule.half_point);
}

/** user_match with collaborative affinity blended in; an item without a vector (cfMatch null) keeps its content match. */
export function hybridUserMatch(
  contentMatch: number,
  cfMatch: number | null,
  interactions: number,
  schedule: HybridSchedule = DEFAULT_HYBRID_SCHEDULE,
): number {
  if (cfMatch === null) return contentMatch;
  const w = cfWeight(interactions, schedule);
  return (1 - w) * contentMatch + w * cfMatch;
}
