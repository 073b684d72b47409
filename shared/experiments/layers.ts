// Layers hold mutually exclusive experiments: each takes a disjoint slice [start, end) of the layer's hash space.

/** The first free slice of `share` (default: the largest free gap) among `taken` slices, or null if none fits. */
export function freeLayerSlice(taken: readonly (readonly [number, number])[], share?: number): [number, number] | null {
  const sorted = [...taken].sort((a, b) => a[0] - b[0]);
  const gaps: [number, number][] = [];
  let at = 0;
  for (const [start, end] of sorted) {
    if (start > at + 1e-9) gaps.push([at, start]);
    at = Math.max(at, end);
  }
  if (at < 1 - 1e-9) gaps.push([at, 1]);
  if (share === undefined) {
    const widest = gaps.sort((a, b) => b[1] - b[0] - (a[1] - a[0]))[0];
    return widest ?? null;
  }
  const fit = gaps.find(([start, end]) => end - start >= share - 1e-9);
  return fit ? [fit[0], Math.min(1, fit[0] + share)] : null;
}
