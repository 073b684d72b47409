// Sample ratio mismatch: whether the units that reached each arm fit the configured split. A mismatch means
// assignment or logging is broken, and every other statistic of the experiment is suspect until it is fixed.
import { chiSquareSf } from "./distributions";

/**
 * Conventional SRM threshold: strict, because the check runs on every look of every experiment and a
 * false alarm halts analysis, while a real SRM at any useful sample size gives p-values far below it.
 */
export const SRM_THRESHOLD = 0.001;

/**
 * Pearson's chi-square goodness of fit of the observed unit counts to the expected split (scipy.stats.chisquare),
 * df = arms − 1. `expectedWeights` need not sum to 1 (e.g. [50, 50] or [1, 1, 2]).
 *
 * Arms with weight 0 are outside the split: with no units they are left out (and do not count towards df); with
 * units they make the observed split impossible under the configured one, so chi-square is Infinity, p 0 and the
 * check flags. Fewer than two weighted arms, or no units at all, is no evidence of a mismatch: chi-square 0, p 1.
 */
export function sampleRatioMismatch(
  observed: readonly number[],
  expectedWeights: readonly number[],
  threshold = SRM_THRESHOLD,
): { chi_square: number; df: number; p_value: number; flag: boolean } {
  if (observed.length !== expectedWeights.length) throw new RangeError("observed and expectedWeights must have one entry per arm");
  if (observed.length < 2) throw new RangeError("a sample ratio needs at least two arms");
  if (observed.some((o) => !Number.isFinite(o) || o < 0)) throw new RangeError("observed counts must be finite and non-negative");
  if (expectedWeights.some((w) => !Number.isFinite(w) || w < 0)) throw new RangeError("expected weights must be finite and non-negative");
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`threshold must lie in (0, 1) (got ${threshold})`);

  if (observed.some((o, i) => o > 0 && expectedWeights[i] === 0)) {
    return { chi_square: Infinity, df: observed.length - 1, p_value: 0, flag: true };
  }
  const arms = observed.map((o, i) => ({ observed: o, weight: expectedWeights[i] as number })).filter((arm) => arm.weight > 0);
  const df = Math.max(arms.length - 1, 0);
  const total = arms.reduce((sum, arm) => sum + arm.observed, 0);
  if (arms.length < 2 || total === 0) return { chi_square: 0, df, p_value: 1, flag: false };
  const weightTotal = arms.reduce((sum, arm) => sum + arm.weight, 0);
  let chiSquare = 0;
  for (const arm of arms) {
    const expected = (total * arm.weight) / weightTotal;
    chiSquare += ((arm.observed - expected) * (arm.observed - expected)) / expected;
  }
  const pValue = chiSquareSf(chiSquare, df);
  return { chi_square: chiSquare, df, p_value: pValue, flag: pValue < threshold };
}
