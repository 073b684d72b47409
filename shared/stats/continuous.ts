// Welch's unequal-variance t-test for a continuous metric (revenue, time on page), from per-arm running
// sums, so reports never need the unit-level rows.
import { studentTCdf, studentTQuantile } from "./distributions";
import { relativeLiftVariance, type LiftEstimate } from "./proportions";

/** One arm of a continuous metric as the aggregates store it: n, Σy and Σy². */
export interface ContinuousSummary {
  n: number;
  sum: number;
  sum_squares: number;
}

/** Mean and unbiased sample variance from the sums. */
export function summaryMoments(arm: ContinuousSummary): { mean: number; variance: number } {
  const mean = arm.sum / arm.n;
  // Σy² − (Σy)²/n can round to slightly below zero for a constant metric; a variance is never negative.
  const variance = Math.max(0, (arm.sum_squares - arm.sum * mean) / (arm.n - 1));
  return { mean, variance };
}

function checkContinuousSummary(arm: ContinuousSummary, label: string): void {
  if (!Number.isInteger(arm.n) || arm.n < 2) throw new RangeError(`${label}: a variance needs n ≥ 2 units (got ${arm.n})`);
  if (!Number.isFinite(arm.sum) || !Number.isFinite(arm.sum_squares) || arm.sum_squares < 0) {
    throw new RangeError(`${label}: sum and sum_squares must be finite, sum_squares non-negative`);
  }
}

/**
 * Welch's t-test of treatment mean minus control mean (scipy.stats.ttest_ind, equal_var=False), two-sided.
 * control_rate / treatment_rate carry the means. Both intervals use the Welch–Satterthwaite t quantile;
 * relative_ci applies the delta-method variance of m_t/m_c − 1 (NaN when the control mean is 0).
 *
 * When both arms have zero variance the test is degenerate: equal means give statistic 0 and p 1, different
 * means ±Infinity and p 0, and df falls back to n_c + n_t − 2 (the Welch formula is 0/0 there).
 */
export function welchTest(control: ContinuousSummary, treatment: ContinuousSummary, confidence = 0.95): LiftEstimate & { df: number } {
  checkContinuousSummary(control, "control");
  checkContinuousSummary(treatment, "treatment");
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1) (got ${confidence})`);
  const c = summaryMoments(control);
  const t = summaryMoments(treatment);
  const varMeanC = c.variance / control.n;
  const varMeanT = t.variance / treatment.n;
  const se2 = varMeanC + varMeanT;
  const se = Math.sqrt(se2);
  const diff = t.mean - c.mean;

  const df =
    se2 === 0
      ? control.n + treatment.n - 2
      : (se2 * se2) / ((varMeanC * varMeanC) / (control.n - 1) + (varMeanT * varMeanT) / (treatment.n - 1));
  const statistic = se === 0 ? (diff === 0 ? 0 : Math.sign(diff) * Infinity) : diff / se;
  const pValue = Math.min(1, 2 * studentTCdf(-Math.abs(statistic), df));
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);

  const relative = c.mean === 0 ? NaN : t.mean / c.mean - 1;
  const relativeSe = Math.sqrt(relativeLiftVariance(c.mean, t.mean, varMeanC, varMeanT));

  return {
    control_rate: c.mean,
    treatment_rate: t.mean,
    absolute_lift: diff,
    absolute_ci: [diff - q * se, diff + q * se],
    relative_lift: relative,
    relative_ci: [relative - q * relativeSe, relative + q * relativeSe],
    statistic,
    p_value: pValue,
    df,
  };
}
