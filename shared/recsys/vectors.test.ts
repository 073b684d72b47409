// The published item vectors: int8 rounding must not move what the rank path computes from them, the snapshot
// is validated on the way in, and user_match falls back to content wherever collaborative evidence is missing.
import { describe, expect, it } from "vitest";
import { factorVector, foldInUser, trainAls } from "./als";
import { buildInteractionMatrix, visitorStrengths } from "./interactions";
import { simulateShop } from "./synthetic";
import {
  cfAffinities,
  cfAffinity,
  cfWeight,
  cosine,
  DEFAULT_HYBRID_SCHEDULE,
  decodeItemVectors,
  encodeItemVectors,
  HybridSchedule,
  hybridUserMatch,
  ITEM_VECTORS_FORMAT,
} from "./vectors";

describe("published item vectors", () => {
  const shop = simulateShop({ visitors: 600, items: 200 });
  const matrix = buildInteractionMatrix(shop.events);
  const model = trainAls(matrix, { factors: 32 });
  const published = encodeItemVectors(model.items, model.params);
  // Through JSON, as the snapshot travels.
  const snapshot = decodeItemVectors(JSON.parse(JSON.stringify(published)));

  it("keeps every item's direction: cosine to the float vector within 0.02", () => {
    let worst = 1;
    for (const id of model.items.ids) worst = Math.min(worst, cosine(factorVector(model.items, id)!, factorVector(snapshot.items, id)!));
    expect(worst).toBeGreaterThan(0.98);
  });

  it("keeps each visitor's cosine to each item, and their affinity, within 0.02 of float", () => {
    for (const visitor of matrix.visitors.slice(0, 100)) {
      const strengths = visitorStrengths(matrix, visitor);
      const exact = foldInUser(strengths, model.items, model.params)!;
      const rounded = foldInUser(strengths, snapshot.items, snapshot.foldIn)!;
      for (const id of model.items.ids) {
        const c = cosine(exact, factorVector(model.items, id)!);
        expect(Math.abs(cosine(rounded, factorVector(snapshot.items, id)!) - c)).toBeLessThan(0.02);
        expect(Math.abs(cfAffinity(rounded, id, snapshot.items)! - cfAffinity(exact, id, model.items)!)).toBeLessThan(0.02);
      }
    }
  });

  it("spends one byte per factor (base64 in JSON) and carries the fold-in parameters", () => {
    expect(published.format).toBe(ITEM_VECTORS_FORMAT);
    expect(published.codes.length).toBe(Math.ceil((model.items.ids.length * 32) / 3) * 4);
    expect(snapshot.foldIn).toEqual({ alpha: model.params.alpha, regularization: model.params.regularization });
    expect(snapshot.items.ids).toEqual(model.items.ids);
  });

  it("rejects a snapshot that is truncated, duplicated or of another format", () => {
    expect(() => decodeItemVectors({ ...published, format: "aura.item-vectors.f32.v0" })).toThrow();
    expect(() => decodeItemVectors({ ...published, codes: published.codes.slice(0, 40) })).toThrow(RangeError);
    expect(() => decodeItemVectors({ ...published, scales: published.scales.slice(1) })).toThrow(RangeError);
    const ids = [...published.items];
    ids[1] = ids[0]!;
    expect(() => decodeItemVectors({ ...published, items: ids })).toThrow(RangeError);
    expect(() => decodeItemVectors(null)).toThrow();
  });

  it("gives affinities in [0, 1], the same one item at a time as all at once, and null for items it has no vector for", () => {
    const v = foldInUser(visitorStrengths(matrix, matrix.visitors[0]!), snapshot.items, snapshot.foldIn)!;
    const all = cfAffinities(v, snapshot.items);
    snapshot.items.ids.forEach((id, r) => {
      expect(all[r]).toBeGreaterThanOrEqual(0);
      expect(all[r]).toBeLessThanOrEqual(1);
      expect(cfAffinity(v, id, snapshot.items)).toBeCloseTo(all[r]!, 6);
    });
    expect(Math.max(...all)).toBeGreaterThan(0.3);
    expect(cfAffinity(v, "sku-launched-today", snapshot.items)).toBeNull();
    expect(() => cfAffinities(v.subarray(1), snapshot.items)).toThrow(RangeError);
  });

  it("round-trips an all-zero vector", () => {
    const zero = decodeItemVectors(encodeItemVectors({ ...model.items, vectors: new Float32Array(model.items.vectors.length) }, model.params));
    expect(zero.items.vectors.every((x) => x === 0)).toBe(true);
  });
});

describe("hybridUserMatch", () => {
  it("is content only before the visitor has any interaction", () => {
    expect(cfWeight(0)).toBe(0);
    expect(hybridUserMatch(0.42, 0.9, 0)).toBe(0.42);
  });

  it("writes out exactly the schema's defaults as the default schedule", () => {
    expect(HybridSchedule.parse({})).toStrictEqual(DEFAULT_HYBRID_SCHEDULE);
  });

  it("trusts collaborative affinity more as interactions grow, never beyond the cap", () => {
    const weights = [1, 2, 5, 10, 50, 1_000].map((n) => cfWeight(n));
    for (let k = 1; k < weights.length; k++) expect(weights[k]!).toBeGreaterThan(weights[k - 1]!);
    expect(cfWeight(DEFAULT_HYBRID_SCHEDULE.half_point)).toBeCloseTo(DEFAULT_HYBRID_SCHEDULE.max_weight / 2, 12);
    expect(weights.at(-1)!).toBeLessThan(DEFAULT_HYBRID_SCHEDULE.max_weight);
    expect(hybridUserMatch(0.2, 1, 5)).toBeCloseTo(0.65 * 0.2 + 0.35 * 1, 12);
  });

  it("falls back to content for a new item with no vector, however much the visitor has done", () => {
    for (const n of [0, 3, 30, 300]) expect(hybridUserMatch(0.37, null, n)).toBe(0.37);
  });

  it("takes the schedule as validated configuration", () => {
    const schedule = HybridSchedule.parse({ half_point: 2, max_weight: 1 });
    expect(hybridUserMatch(0, 1, 2, schedule)).toBeCloseTo(0.5, 12);
    expect(HybridSchedule.safeParse({ max_weight: 1.5 }).success).toBe(false);
  });

  it("ranks a new item on content alongside items that have vectors", () => {
    const shop = simulateShop({ visitors: 300, items: 100 });
    const matrix = buildInteractionMatrix(shop.events);
    const model = trainAls(matrix, { factors: 16 });
    const snapshot = decodeItemVectors(encodeItemVectors(model.items, model.params));
    const strengths = visitorStrengths(matrix, matrix.visitors[0]!);
    const v = foldInUser(strengths, snapshot.items, snapshot.foldIn)!;
    const newItem = hybridUserMatch(0.9, cfAffinity(v, "sku-new", snapshot.items), strengths.size);
    expect(newItem).toBe(0.9);
    // A known item with the same content match moves with its collaborative affinity instead.
    const known = snapshot.items.ids[0]!;
    const knownMatch = hybridUserMatch(0.9, cfAffinity(v, known, snapshot.items), strengths.size);
    const w = cfWeight(strengths.size);
    expect(knownMatch).toBeCloseTo((1 - w) * 0.9 + w * cfAffinity(v, known, snapshot.items)!, 12);
  });
});
