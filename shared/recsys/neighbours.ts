// Item–item co-occurrence, the simple collaborative baseline ("visitors who touched this also touched"):
// cosine similarity over binarised interactions, |U_i ∩ U_j| / √(|U_i|·|U_j|), keeping the top N per item.
//
// Binarised because strength already shapes ALS; here the question is only whether two items share an audience,
// and cosine (not raw counts) keeps the best sellers from being everyone's neighbour.
import type { InteractionMatrix } from "./interactions";

/** Top-N neighbours per item in compressed rows: item i's are entries start[i] .. start[i+1], best first. */
export interface ItemNeighbours {
  items: readonly string[];
  itemIndex: ReadonlyMap<string, number>;
  start: Int32Array;
  neighbour: Int32Array;
  similarity: Float32Array;
}

/**
 * Co-occurrence is accumulated one item at a time into a dense scratch row (memory O(items), not O(items²)),
 * walking item → its visitors → their items: time Σ over visitors of (items per visitor)².
 */
export function itemItemNeighbours(matrix: InteractionMatrix, topN = 50): ItemNeighbours {
  const n = matrix.items.length;
  const audience = new Float64Array(n);
  for (let i = 0; i < n; i++) audience[i] = matrix.itemStart[i + 1]! - matrix.itemStart[i]!;
  const shared = new Float64Array(n);
  const start = new Int32Array(n + 1);
  const neighbour: number[] = [];
  const similarity: number[] = [];
  const touched: number[] = [];
  for (let i = 0; i < n; i++) {
    start[i] = neighbour.length;
    for (let e = matrix.itemStart[i]!; e < matrix.itemStart[i + 1]!; e++) {
      const u = matrix.itemVisitors[e]!;
      for (let k = matrix.visitorStart[u]!; k < matrix.visitorStart[u + 1]!; k++) {
        const j = matrix.visitorItems[k]!;
        if (j === i) continue;
        if (shared[j] === 0) touched.push(j);
        shared[j]!++;
      }
    }
    const scored = touched.map((j) => ({ j, sim: shared[j]! / Math.sqrt(audience[i]! * audience[j]!) }));
    // Ties broken by index so the table is the same on every run.
    scored.sort((a, b) => b.sim - a.sim || a.j - b.j);
    for (const { j, sim } of scored.slice(0, topN)) {
      neighbour.push(j);
      similarity.push(sim);
    }
    for (const j of touched) shared[j] = 0;
    touched.length = 0;
  }
  start[n] = neighbour.length;
  return { items: matrix.items, itemIndex: matrix.itemIndex, start, neighbour: Int32Array.from(neighbour), similarity: Float32Array.from(similarity) };
}

/**
 * Score per candidate item: the summed similarity to each of the visitor's items (unknown items contribute
 * nothing). Only items reachable through some neighbour list appear; the visitor's own items are included
 * when they neighbour each other, so callers drop what the visitor already has.
 */
export function scoreByNeighbours(userItems: Iterable<string>, neighbours: ItemNeighbours): Map<string, number> {
  const scores = new Map<string, number>();
  const seen = new Set<number>();
  for (const id of userItems) {
    const i = neighbours.itemIndex.get(id);
    if (i === undefined || seen.has(i)) continue;
    seen.add(i);
    for (let e = neighbours.start[i]!; e < neighbours.start[i + 1]!; e++) {
      const j = neighbours.items[neighbours.neighbour[e]!]!;
      scores.set(j, (scores.get(j) ?? 0) + neighbours.similarity[e]!);
    }
  }
  return scores;
}
