// Small statistics and formatting helpers shared by the micro-benchmarks and the load generator.
import { studentTQuantile } from "../shared/stats/distributions";

/** Nearest-rank percentile of an ascending-sorted array (p in 0..100). */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(values as ArrayLike<number>).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    n: sorted.length,
    min: sorted.length ? sorted[0]! : Number.NaN,
    p50: percentileSorted(sorted, 50),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length ? sum / sorted.length : Number.NaN,
  };
}

/** Rounds for JSON output so results files stay readable. */
export function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A duration given in milliseconds, printed in the most readable unit. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function fmtRate(rps: number): string {
  if (!Number.isFinite(rps)) return "n/a";
  return rps >= 100 ? `${Math.round(rps).toLocaleString("en-US")}/s` : `${rps.toFixed(1)}/s`;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Mean of paired differences with its 95 % interval from Student's t (a dozen pairs are too few for the
 * normal's 2: t is 2.20 at 11 degrees of freedom), and their median. Null bounds with fewer than two pairs.
 */
export function pairedInterval(diffs: readonly number[]): { mean: number; median: number; low: number | null; high: number | null } {
  const { mean, p50 } = summarize(diffs);
  if (diffs.length < 2) return { mean, median: p50, low: null, high: null };
  const sd = Math.sqrt(diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / (diffs.length - 1));
  const halfWidth = studentTQuantile(0.975, diffs.length - 1) * (sd / Math.sqrt(diffs.length));
  return { mean, median: p50, low: mean - halfWidth, high: mean + halfWidth };
}
