// Offline metrics on hand-computed cases, then the offline evaluation itself on a shop with planted taste groups:
// collaborative models must find what content and popularity cannot.
import { beforeAll, describe, expect, it } from "vitest";
import { trainAls } from "./als";
import {
  alsRecommender,
  evaluateModels,
  foldInAffinityRecommender,
  hybridRecommender,
  ndcgAtK,
  neighboursRecommender,
  popularityRecommender,
  recallAtK,
  topIndices,
  trainingHistories,
  type ModelScore,
} from "./evaluate";
import { buildInteractionMatrix, type InteractionEvent, itemAudience, splitByTime } from "./interactions";
import { itemItemNeighbours } from "./neighbours";
import { contentOverlapMatch, contentOverlapRecommender, simulateShop } from "./synthetic";
import { decodeItemVectors, encodeItemVectors } from "./vectors";

const log2 = Math.log2;

describe("recall@10 and NDCG@10", () => {
  it("scores hits by position against the ideal list", () => {
    const relevant = new Set(["b", "d"]);
    expect(recallAtK(["a", "b", "c", "d"], relevant)).toBe(1);
    // (1/log2 3 + 1/log2 5) / (1 + 1/log2 3)
    expect(ndcgAtK(["a", "b", "c", "d"], relevant)).toBeCloseTo(0.6509209298071326, 12);
  });

  it("divides recall by the test items when there are fewer than 10", () => {
    const relevant = new Set(["a", "b", "c"]);
    expect(recallAtK(["x", "y", "a"], relevant)).toBeCloseTo(1 / 3, 12);
    // (1/log2 4) / (1 + 1/log2 3 + 1/log2 4)
    expect(ndcgAtK(["x", "y", "a"], relevant)).toBeCloseTo(0.23463936301137822, 12);
  });

  it("ignores everything after position 10", () => {
    const ranked = Array.from({ length: 11 }, (_, k) => `i${k}`);
    expect(recallAtK(ranked, new Set(["i10"]))).toBe(0);
    expect(ndcgAtK(ranked, new Set(["i10"]))).toBe(0);
  });

  it("gives a perfect top 10 full marks even with more than 10 test items", () => {
    const relevant = new Set(Array.from({ length: 12 }, (_, k) => `i${k}`));
    const ranked = Array.from({ length: 10 }, (_, k) => `i${k}`);
    expect(recallAtK(ranked, relevant)).toBe(1);
    expect(ndcgAtK(ranked, relevant)).toBeCloseTo(1, 12);
  });

  it("scores a visitor with no test items 0 rather than dividing by zero", () => {
    expect(recallAtK(["a"], new Set())).toBe(0);
    expect(ndcgAtK(["a"], new Set())).toBe(0);
  });
});

describe("evaluateModels", () => {
  const T0 = Date.parse("2026-03-01T00:00:00.000Z");
  const at = (day: number) => new Date(T0 + day * 86_400_000).toISOString();
  const events: InteractionEvent[] = [
    { visitor: "ann", item: "a", type: "page_view", ts: at(1) },
    { visitor: "ann", item: "b", type: "purchase", ts: at(2) },
    { visitor: "ann", item: "c", type: "click", ts: at(11) },
    { visitor: "bob", item: "a", type: "page_view", ts: at(3) },
    { visitor: "bob", item: "b", type: "page_view", ts: at(12) },
    { visitor: "bob", item: "d", type: "page_view", ts: at(13) },
  ];
  const split = splitByTime(events, at(10));

  it("drops each visitor's own items from the list, then averages over visitors with test items", () => {
    // ann: [c, d] → c first. bob: [b, c, d] → b first and d third: DCG 1 + 1/2 over 1 + 1/log2 3.
    const [fixed, empty, content] = evaluateModels(split, {
      fixed: () => ["a", "b", "c", "d"],
      empty: () => [],
      // The lead's content ranker has this shape: train items → ranked ids.
      content: (items: readonly string[]) => (items.includes("b") ? ["d", "c"] : ["c", "d"]),
    });
    expect(fixed).toEqual({ model: "fixed", recall_at_10: 1, ndcg_at_10: expect.closeTo((1 + 1.5 / (1 + 1 / log2(3))) / 2, 12), users: 2 });
    expect(empty).toEqual({ model: "empty", recall_at_10: 0, ndcg_at_10: 0, users: 2 });
    // ann [d, c]: c second; bob [c, d]: d second of two test items.
    const annNdcg = 1 / log2(3);
    const bobNdcg = 1 / log2(3) / (1 + 1 / log2(3));
    expect(content!.recall_at_10).toBeCloseTo((1 + 0.5) / 2, 12);
    expect(content!.ndcg_at_10).toBeCloseTo((annNdcg + bobNdcg) / 2, 12);
  });

  it("hands models each visitor's training items in order of first touch", () => {
    expect(trainingHistories(split)).toEqual(new Map([["ann", ["a", "b"]], ["bob", ["a"]]]));
  });

  it("picks the top scores best first, ties to the lower index", () => {
    expect(topIndices([0.1, 0.5, 0.5, 0.9, 0.2], 3)).toEqual([3, 1, 2]);
    expect(topIndices([1, 1, 1], 5)).toEqual([0, 1, 2]);
    expect(topIndices([], 5)).toEqual([]);
  });
});

describe("offline evaluation on planted taste groups", () => {
  // 2,000 visitors in 8 taste groups over 400 items, ~30 interactions each over 60 days; hold out the last 15.
  const shop = simulateShop();
  const split = splitByTime(shop.events, shop.start + 0.75 * (shop.end - shop.start));
  let table: ModelScore[] = [];
  beforeAll(() => {
    const train = buildInteractionMatrix(split.train);
    const model = trainAls(train, { factors: 32 });
    const snapshot = decodeItemVectors(JSON.parse(JSON.stringify(encodeItemVectors(model.items, model.params))));
    table = evaluateModels(split, {
      als: alsRecommender(model),
      als_published: foldInAffinityRecommender(snapshot, train),
      item_item: neighboursRecommender(itemItemNeighbours(train, 50)),
      hybrid: hybridRecommender(contentOverlapMatch(shop.items), snapshot, train),
      popularity: popularityRecommender(train),
      content: contentOverlapRecommender(shop.items, itemAudience(train)),
    });
  });
  const row = (name: string): ModelScore => table.find((r) => r.model === name)!;

  it("averages over every visitor with a test item", () => {
    expect(split.test.size).toBeGreaterThan(1_900);
    for (const r of table) expect(r.users).toBe(split.test.size);
  });

  it("ALS beats popularity and content by a clear margin on recall@10 and NDCG@10", () => {
    const als = row("als");
    for (const baseline of [row("popularity"), row("content")]) {
      expect(als.recall_at_10).toBeGreaterThan(2 * baseline.recall_at_10);
      expect(als.recall_at_10 - baseline.recall_at_10).toBeGreaterThan(0.15);
      expect(als.ndcg_at_10).toBeGreaterThan(2 * baseline.ndcg_at_10);
      expect(als.ndcg_at_10 - baseline.ndcg_at_10).toBeGreaterThan(0.15);
    }
  });

  it("loses nothing material between the trained model and the edge path (fold-in from published int8 vectors)", () => {
    expect(Math.abs(row("als_published").recall_at_10 - row("als").recall_at_10)).toBeLessThan(0.02);
    expect(Math.abs(row("als_published").ndcg_at_10 - row("als").ndcg_at_10)).toBeLessThan(0.02);
  });

  it("finds the same structure with item–item co-occurrence, and the hybrid improves on content alone", () => {
    expect(row("item_item").recall_at_10).toBeGreaterThan(2 * row("popularity").recall_at_10);
    expect(row("hybrid").recall_at_10).toBeGreaterThan(row("content").recall_at_10 + 0.1);
    expect(row("hybrid").ndcg_at_10).toBeGreaterThan(row("content").ndcg_at_10 + 0.1);
  });
});
