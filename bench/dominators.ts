// Dominator trees of V8 heap snapshots (.heapsnapshot), for bench/heap-snapshot.ts: a node's retained size and
// object count are what would be freed with it, so every part of the heap is counted once, under what holds it.
/** The parts of V8's .heapsnapshot format read here. */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapPart {
  depth: number;
  /** The edge it is reached by from its dominator: a property name or [index]. */
  via: string;
  /** Node type and name, e.g. "object:Map". */
  what: string;
  retainedBytes: number;
  objects: number;
}

/**
 * The dominator tree of a snapshot (Cooper, Harvey and Kennedy's iterative algorithm over a reverse postorder;
 * weak and shortcut edges do not retain), flattened top-down to the nodes retaining at least `minObjects`.
 */
export function dominatorParts(s: HeapSnapshot, minObjects: number): { totalBytes: number; totalObjects: number; parts: HeapPart[] } {
  const { meta } = s.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [nodeTypes] = meta.node_types;
  const [edgeTypes] = meta.edge_types;
  const iSize = meta.node_fields.indexOf("self_size");
  const iEdges = meta.node_fields.indexOf("edge_count");
  const eType = meta.edge_fields.indexOf("type");
  const eName = meta.edge_fields.indexOf("name_or_index");
  const eTo = meta.edge_fields.indexOf("to_node");
  const weak = edgeTypes.indexOf("weak");
  const shortcut = edgeTypes.indexOf("shortcut");
  const n = s.nodes.length / nf;
  const firstEdge = new Uint32Array(n + 1);
  for (let v = 0, e = 0; v < n; v++) {
    firstEdge[v] = e;
    e += s.nodes[v * nf + iEdges]! * ef;
  }
  firstEdge[n] = s.edges.length;
  const retains = (e: number) => s.edges[e + eType] !== weak && s.edges[e + eType] !== shortcut;

  // Postorder by an explicit-stack depth-first walk from the root (node 0).
  const postorder: number[] = [];
  const rank = new Int32Array(n).fill(-1);
  const seen = new Uint8Array(n);
  const cursor = new Uint32Array(n);
  const stack = [0];
  seen[0] = 1;
  cursor[0] = firstEdge[0]!;
  while (stack.length > 0) {
    const v = stack[stack.length - 1]!;
    let next = -1;
    for (let e = cursor[v]!; e < firstEdge[v + 1]!; e += ef) {
      const w = s.edges[e + eTo]! / nf;
      if (retains(e) && !seen[w]) {
        cursor[v] = e + ef;
        next = w;
        break;
      }
    }
    if (next === -1) {
      cursor[v] = firstEdge[v + 1]!;
      stack.pop();
      rank[v] = postorder.length;
      postorder.push(v);
    } else {
      seen[next] = 1;
      cursor[next] = firstEdge[next]!;
      stack.push(next);
    }
  }

  const predStart = new Uint32Array(n + 1);
  for (let v = 0; v < n; v++) if (seen[v]) for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += ef) if (retains(e)) predStart[s.edges[e + eTo]! / nf + 1]!++;
  for (let v = 0; v < n; v++) predStart[v + 1]! += predStart[v]!;
  const preds = new Uint32Array(predStart[n]!);
  const fill = predStart.slice(0, n);
  for (let v = 0; v < n; v++) if (seen[v]) for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += ef) if (retains(e)) preds[fill[s.edges[e + eTo]! / nf]!++] = v;

  const idom = new Int32Array(n).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (rank[a]! < rank[b]!) a = idom[a]!;
      while (rank[b]! < rank[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = postorder.length - 1; i >= 0; i--) {
      const v = postorder[i]!;
      if (v === 0) continue;
      let dom = -1;
      for (let p = predStart[v]!; p < predStart[v + 1]!; p++) {
        const u = preds[p]!;
        if (idom[u] !== -1) dom = dom === -1 ? u : intersect(u, dom);
      }
      if (dom !== idom[v]) {
        idom[v] = dom;
        changed = true;
      }
    }
  }

  const bytes = new Float64Array(n);
  const objects = new Float64Array(n);
  for (const v of postorder) {
    bytes[v]! += s.nodes[v * nf + iSize]!;
    objects[v]! += 1;
    if (v !== 0) {
      bytes[idom[v]!]! += bytes[v]!;
      objects[idom[v]!]! += objects[v]!;
    }
  }
  const children = new Map<number, number[]>();
  for (const v of postorder) {
    if (v === 0 || objects[v]! < minObjects) continue;
    const list = children.get(idom[v]!) ?? [];
    list.push(v);
    children.set(idom[v]!, list);
  }
  const via = (from: number, to: number) => {
    for (let e = firstEdge[from]!; e < firstEdge[from + 1]!; e += ef) {
      if (s.edges[e + eTo]! / nf !== to) continue;
      const type = edgeTypes[s.edges[e + eType]!];
      const name = s.edges[e + eName]!;
      return type === "element" || type === "hidden" ? `[${name}]` : s.strings[name]!;
    }
    // Its dominator reaches it only through others (two holders that share it): no edge of its own.
    return "(shared)";
  };
  const what = (v: number) => `${nodeTypes[s.nodes[v * nf]!]}:${s.strings[s.nodes[v * nf + 1]!]!.slice(0, 50).replace(/\s+/g, " ")}`;
  const parts: HeapPart[] = [];
  const walk = (v: number, depth: number) => {
    for (const c of (children.get(v) ?? []).sort((a, b) => objects[b]! - objects[a]!)) {
      parts.push({ depth, via: via(v, c), what: what(c), retainedBytes: bytes[c]!, objects: objects[c]! });
      walk(c, depth + 1);
    }
  };
  walk(0, 0);
  return { totalBytes: bytes[0]!, totalObjects: objects[0]!, parts };
}
