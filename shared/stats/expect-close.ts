// Test helper for the statistics tests: relative-tolerance comparison against embedded reference values,
// which vitest's toBeCloseTo (absolute decimal places) cannot express for p-values of 1e-10 or 1e-300.
import { expect } from "vitest";

/**
 * Passes when |actual − expected| ≤ max(rel·|expected|, abs). Identical values (including equal infinities)
 * always pass; NaN never does unless both are NaN.
 */
export function expectClose(actual: number, expected: number, tolerance: { rel?: number; abs?: number } = {}, label = ""): void {
  if (actual === expected || (Number.isNaN(actual) && Number.isNaN(expected))) return;
  const allowed = Math.max((tolerance.rel ?? 1e-9) * Math.abs(expected), tolerance.abs ?? 0);
  if (!(Math.abs(actual - expected) <= allowed)) {
    expect.fail(`${label ? `${label}: ` : ""}expected ${actual} to be within ${allowed} of ${expected}`);
  }
}
