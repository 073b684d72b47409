import { describe, expect, it } from "vitest";
import { Item } from "../catalog/item";
import { defaultConfig } from "../config/default";
import { buildRankIndex } from "./index";
import { entries, interestVector, withInterests } from "./interests";

const NOW = Date.parse("2026-11-21T12:00:00Z");
const index = buildRankIndex(
  ["photo", "vector", "guide"].map((category) =>
    Item.parse({ id: category, kind: "product", title: category, url: `/p/${category}`, category, cluster: `cl-${category}`, skill_level: "beginner", price: 10, margin: 0.5, inventory: null, trend: 0.5, popularity: 0.5, published_at: "2026-11-01T00:00:00Z" }),
  ),
  defaultConfig,
  NOW,
);

describe("interestVector", () => {
  it("keeps what ranking can use, as a Map would hold it: known features with a positive weight, first place, last weight", () => {
    const v = interestVector(index, [
      ["category:vector", 0.4],
      ["category:nowhere", 0.9], // no item has it: matches nothing
      ["category:photo", 1],
      ["skill:pro", 0], // explicit "not pro": adds to nothing
      ["category:vector", 0.7], // given again: its weight changes, its place does not
      ["category:guide", 0.2],
      ["category:guide", -1], // lowered to nothing after all
    ]);
    expect([...entries(v)]).toEqual([
      ["category:vector", 0.7],
      ["category:photo", 1],
    ]);
    expect(v.features).toBeInstanceOf(Int32Array);
    expect(v.weights).toBeInstanceOf(Float64Array);
    expect([...v.features].map((f) => index.featureNames[f])).toEqual(["category:vector", "category:photo"]);
  });

  it("replaces or appends overrides in order, leaving the original as it was", () => {
    const inferred = interestVector(index, [["category:photo", 0.25], ["category:vector", 0.5]]);
    const stated = withInterests(inferred, [["category:vector", 1], ["category:guide", 1]]);
    expect([...entries(stated)]).toEqual([["category:photo", 0.25], ["category:vector", 1], ["category:guide", 1]]);
    expect([...entries(inferred)]).toEqual([["category:photo", 0.25], ["category:vector", 0.5]]);
  });
});
