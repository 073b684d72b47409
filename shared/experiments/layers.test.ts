import { describe, expect, it } from "vitest";
import { freeLayerSlice } from "./layers";

describe("layer slices", () => {
  it("gives a new experiment the first gap that fits, or the widest gap when no share is asked for", () => {
    expect(freeLayerSlice([])).toEqual([0, 1]);
    expect(freeLayerSlice([], 0.3)).toEqual([0, 0.3]);
    expect(freeLayerSlice([[0, 0.3]], 0.5)).toEqual([0.3, 0.8]);
    expect(freeLayerSlice([[0, 0.3], [0.5, 0.6]])).toEqual([0.6, 1]);
    // A stopped experiment's slice is free again (the caller passes only live slices): the gap is reused.
    expect(freeLayerSlice([[0.5, 1]], 0.5)).toEqual([0, 0.5]);
  });

  it("refuses when nothing fits, so slices never overlap", () => {
    expect(freeLayerSlice([[0, 1]])).toBeNull();
    expect(freeLayerSlice([[0, 0.6]], 0.5)).toBeNull();
    expect(freeLayerSlice([[0, 0.3], [0.5, 1]], 0.25)).toBeNull();
  });
});
