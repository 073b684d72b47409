// CUPED (Deng et al. 2013): subtract from each unit's metric the part its pre-experiment covariate predicts,
// y − θ(x − x̄), which keeps the lift unbiased and shrinks its variance. Everything works from running sums.
import { summaryMoments, welchTest, type ContinuousSummary } from "./continuous";
import type { LiftEstimate } from "./proportions";

/** One arm's sums over units: y is the experiment metric, x the same unit's pre-period covariate. */
export interface CupedSummary {
  n: number;
  sum_y: number;
  sum_y2: number;
  sum_x: number;
  sum_x2: number;
  sum_xy: number;
}

function checkCupedSummary(group: CupedSummary, label: string): void {
  const values = [group.n, group.sum_y, group.sum_y2, group.sum_x, group.sum_x2, group.sum_xy];
  if (!values.every(Number.isFinite) || !Number.isInteger(group.n) || group.n < 2) {
    throw new RangeError(`${label}: CUPED sums must be finite with n ≥ 2 (got n = ${group.n})`);
  }
}

/**
 * θ = cov(x, y) / var(x) over all groups' units pooled together (the paper's choice: x is measured before
 * assignment, so pooling does not leak the treatment effect into θ). 0 when x has no variance: then x
 * predicts nothing and the adjustment must leave y alone.
 */
export function cupedTheta(groups: readonly CupedSummary[]): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const g of groups) {
    n += g.n;
    sx += g.sum_x;
    sy += g.sum_y;
    sxx += g.sum_x2;
    sxy += g.sum_xy;
  }
  if (n < 2) throw new RangeError("cupedTheta needs at least two units");
  // Both co-moments carry the same 1/(n − 1), which cancels in the ratio.
  const coMomentXY = sxy - (sx * sy) / n;
  const coMomentXX = sxx - (sx * sx) / n;
  return coMomentXX > 0 ? coMomentXY / coMomentXX : 0;
}

/**
 * The sums of y' = y − θ(x − x̄) for one group, exactly from its sums:
 *   Σy'  = Σy − θ(Σx − n·x̄)
 *   Σy'² = Σy² − 2θΣxy + θ²Σx² + 2θx̄(Σy − θΣx) + nθ²x̄²
 */
export function cupedAdjust(group: CupedSummary, theta: number, grandMeanX: number): ContinuousSummary {
  const { n, sum_y: sy, sum_y2: syy, sum_x: sx, sum_x2: sxx, sum_xy: sxy } = group;
  const sum = sy - theta * (sx - n * grandMeanX);
  const sumSquares =
    syy - 2 * theta * sxy + theta * theta * sxx + 2 * theta * grandMeanX * (sy - theta * sx) + n * theta * theta * grandMeanX * grandMeanX;
  return { n, sum, sum_squares: Math.max(0, sumSquares) };
}

/**
 * Welch's test on the CUPED-adjusted metric. θ is estimated from both arms and then treated as known (the
 * standard practice; its estimation error is O(1/n)). variance_reduction is 1 − Var(adjusted lift) /
 * Var(unadjusted lift): the share of the lift estimate's variance the covariate removed.
 */
export function cupedWelch(
  control: CupedSummary,
  treatment: CupedSummary,
  confidence = 0.95,
): LiftEstimate & { df: number; theta: number; variance_reduction: number } {
  checkCupedSummary(control, "control");
  checkCupedSummary(treatment, "treatment");
  const theta = cupedTheta([control, treatment]);
  const grandMeanX = (control.sum_x + treatment.sum_x) / (control.n + treatment.n);
  const adjustedControl = cupedAdjust(control, theta, grandMeanX);
  const adjustedTreatment = cupedAdjust(treatment, theta, grandMeanX);
  const adjusted = welchTest(adjustedControl, adjustedTreatment, confidence);

  const raw = (g: CupedSummary): ContinuousSummary => ({ n: g.n, sum: g.sum_y, sum_squares: g.sum_y2 });
  const varianceOfLift = (c: ContinuousSummary, t: ContinuousSummary): number =>
    summaryMoments(c).variance / c.n + summaryMoments(t).variance / t.n;
  const rawVariance = varianceOfLift(raw(control), raw(treatment));
  const adjustedVariance = varianceOfLift(adjustedControl, adjustedTreatment);
  const varianceReduction = rawVariance > 0 ? 1 - adjustedVariance / rawVariance : 0;

  return { ...adjusted, theta, variance_reduction: varianceReduction };
}
