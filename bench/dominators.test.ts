// The dominator tree on small hand-built snapshots whose answers are known: what each node retains alone.
import { describe, expect, it } from "vitest";
import { dominatorParts, type HeapSnapshot } from "./dominators";

/** A snapshot in V8's layout from nodes (name, self size) and edges (from, to, type, name). Node 0 is the root. */
function snapshot(nodes: [string, number][], edges: [number, number, "property" | "weak" | "element", string | number][]): HeapSnapshot {
  const strings: string[] = [];
  const str = (x: string) => (strings.includes(x) ? strings.indexOf(x) : strings.push(x) - 1);
  const edgeTypes = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];
  const flatNodes: number[] = [];
  const flatEdges: number[] = [];
  nodes.forEach(([name, size], v) => {
    const out = edges.filter(([from]) => from === v);
    // node fields: type, name, id, self_size, edge_count
    flatNodes.push(3, str(name), v * 2 + 1, size, out.length);
    for (const [, to, type, name] of out) flatEdges.push(edgeTypes.indexOf(type), typeof name === "number" ? name : str(name), to * 5);
  });
  return {
    snapshot: {
      meta: {
        node_fields: ["type", "name", "id", "self_size", "edge_count"],
        node_types: [["hidden", "array", "string", "object"]],
        edge_fields: ["type", "name_or_index", "to_node"],
        edge_types: [edgeTypes],
      },
    },
    nodes: flatNodes,
    edges: flatEdges,
    strings,
  };
}

describe("dominatorParts", () => {
  it("charges a node shared by two holders to their common dominator, not to either", () => {
    // root -> a -> shared, root -> b -> shared, shared -> leaf; a -> own.
    const s = snapshot(
      [["root", 0], ["a", 10], ["b", 20], ["shared", 100], ["leaf", 1000], ["own", 5]],
      [[0, 1, "property", "a"], [0, 2, "property", "b"], [1, 3, "property", "x"], [2, 3, "property", "y"], [3, 4, "element", 0], [1, 5, "property", "own"]],
    );
    const { totalBytes, totalObjects, parts } = dominatorParts(s, 1);
    expect(totalBytes).toBe(1135);
    expect(totalObjects).toBe(6);
    const by = new Map(parts.map((p) => [p.what, p]));
    expect(by.get("object:a")).toMatchObject({ depth: 0, via: "a", retainedBytes: 15, objects: 2 });
    expect(by.get("object:b")).toMatchObject({ depth: 0, retainedBytes: 20, objects: 1 });
    // Dominated by the root (two paths reach it), reached from the root by no edge of its own.
    expect(by.get("object:shared")).toMatchObject({ depth: 0, via: "(shared)", retainedBytes: 1100, objects: 2 });
    expect(by.get("object:leaf")).toMatchObject({ depth: 1, via: "[0]", retainedBytes: 1000, objects: 1 });
  });

  it("lets a weak edge retain nothing, and lists only parts over the threshold", () => {
    // root -> holder -> cached; root -weak-> cached: only holder keeps cached alive.
    const s = snapshot(
      [["root", 0], ["holder", 1], ["cached", 50], ["small", 1]],
      [[0, 1, "property", "holder"], [0, 2, "weak", "w"], [1, 2, "property", "cached"], [0, 3, "property", "small"]],
    );
    const { parts } = dominatorParts(s, 2);
    expect(parts).toEqual([{ depth: 0, via: "holder", what: "object:holder", retainedBytes: 51, objects: 2 }]);
  });
});
