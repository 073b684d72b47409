// Item–item cosine co-occurrence on a shop small enough to count by hand.
import { describe, expect, it } from "vitest";
import { buildInteractionMatrix, type InteractionEvent } from "./interactions";
import { itemItemNeighbours, scoreByNeighbours } from "./neighbours";

const T = "2026-01-01T00:00:00.000Z";
// Audiences: a {1,2,3}, b {1,2}, c {3,4}, d {4}. Strength is ignored: the purchase counts like a view.
const events: InteractionEvent[] = (
  [
    ["u1", "a", "purchase"], ["u1", "b", "page_view"],
    ["u2", "a", "page_view"], ["u2", "b", "page_view"],
    ["u3", "a", "page_view"], ["u3", "c", "page_view"],
    ["u4", "c", "page_view"], ["u4", "d", "page_view"],
  ] as const
).map(([visitor, item, type]) => ({ visitor, item, type, ts: T }));

/** Neighbours of one item as id → similarity, in the table's order. */
function neighboursOf(table: ReturnType<typeof itemItemNeighbours>, id: string): [string, number][] {
  const i = table.itemIndex.get(id)!;
  const out: [string, number][] = [];
  for (let e = table.start[i]!; e < table.start[i + 1]!; e++) out.push([table.items[table.neighbour[e]!]!, table.similarity[e]!]);
  return out;
}

describe("itemItemNeighbours", () => {
  const table = itemItemNeighbours(buildInteractionMatrix(events), 10);

  it("scores shared audience over the geometric mean of audience sizes, best first", () => {
    // a·b = 2/√(3·2), a·c = 1/√(3·2), c·d = 1/√(2·1); a and d share no one.
    const ab = Math.fround(2 / Math.sqrt(6));
    const ac = Math.fround(1 / Math.sqrt(6));
    const cd = Math.fround(1 / Math.sqrt(2));
    expect(neighboursOf(table, "a")).toEqual([["b", ab], ["c", ac]]);
    expect(neighboursOf(table, "b")).toEqual([["a", ab]]);
    expect(neighboursOf(table, "c")).toEqual([["d", cd], ["a", ac]]);
    expect(neighboursOf(table, "d")).toEqual([["c", cd]]);
  });

  it("keeps only the top N per item", () => {
    const top1 = itemItemNeighbours(buildInteractionMatrix(events), 1);
    expect(neighboursOf(top1, "a").map(([id]) => id)).toEqual(["b"]);
    expect(neighboursOf(top1, "c").map(([id]) => id)).toEqual(["d"]);
  });

  it("sums similarity to each of the visitor's items, once per item, ignoring unknown ones", () => {
    const scores = scoreByNeighbours(["b", "d", "b", "brand-new"], table);
    expect(scores.get("a")).toBeCloseTo(2 / Math.sqrt(6), 6);
    expect(scores.get("c")).toBeCloseTo(1 / Math.sqrt(2), 6);
    expect([...scores.keys()].sort()).toEqual(["a", "c"]);
    expect(scoreByNeighbours(["brand-new"], table).size).toBe(0);
  });
});
