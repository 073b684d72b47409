// Arm values for bandit-allocated experiments. A bandit shifts traffic towards arms that look good, so raw
// per-arm means are biased; weighting each logged reward by 1/propensity (Horvitz–Thompson) undoes that.
import { twoSidedZ } from "./proportions";

/** One logged decision: the arm served, the probability the policy gave it at that moment, and the reward. */
export interface LoggedReward {
  arm: string;
  propensity: number;
  reward: number;
}

export interface ArmValue {
  arm: string;
  /** Horvitz–Thompson estimate of the arm's mean reward had every unit been served it. */
  value: number;
  /** Normal-approximation 95% interval from the sample variance of the per-row terms. */
  ci: [number, number];
  /** Rows in which this arm was served (the rows that carry information about it). */
  n: number;
  /**
   * Self-normalised (Hájek) estimate Σ r/p / Σ 1/p over the arm's rows: a little biased, but bounded by the
   * observed rewards and far less variable when propensities are small. NaN when the arm was never served.
   */
  self_normalised_value: number;
}

const Z95 = twoSidedZ(0.95);

function checkRows(rows: readonly LoggedReward[]): void {
  if (rows.length === 0) throw new RangeError("IPW needs at least one logged row");
  rows.forEach((row, i) => {
    if (!(row.propensity > 0 && row.propensity <= 1)) throw new RangeError(`row ${i}: propensity must lie in (0, 1] (got ${row.propensity})`);
    if (!Number.isFinite(row.reward)) throw new RangeError(`row ${i}: reward must be finite`);
  });
}

/** Mean of the per-row terms and its normal 95% interval (sample variance, ddof 1; NaN bounds for one row). */
function meanWithInterval(terms: Float64Array): { mean: number; ci: [number, number] } {
  const n = terms.length;
  let mean = 0;
  for (const t of terms) mean += t;
  mean /= n;
  let squares = 0;
  for (const t of terms) squares += (t - mean) * (t - mean);
  const se = n > 1 ? Math.sqrt(squares / (n - 1) / n) : NaN;
  return { mean, ci: [mean - Z95 * se, mean + Z95 * se] };
}

/** The per-row Horvitz–Thompson terms 1[a_i = arm]·r_i/p_i over all N rows. */
function armTerms(rows: readonly LoggedReward[], arm: string): Float64Array {
  return Float64Array.from(rows, (row) => (row.arm === arm ? row.reward / row.propensity : 0));
}

/**
 * value(arm) = (1/N) Σ_i 1[a_i = arm]·r_i/p_i over all N logged rows, with a normal interval on the mean of
 * those N terms. Arms never served get value 0 with a zero-width interval: IPW has no information on them.
 */
export function ipwArmValues(rows: readonly LoggedReward[], arms: readonly string[]): ArmValue[] {
  checkRows(rows);
  return arms.map((arm) => {
    const { mean, ci } = meanWithInterval(armTerms(rows, arm));
    let served = 0;
    let weightedReward = 0;
    let weight = 0;
    for (const row of rows) {
      if (row.arm !== arm) continue;
      served++;
      weightedReward += row.reward / row.propensity;
      weight += 1 / row.propensity;
    }
    return { arm, value: mean, ci, n: served, self_normalised_value: served > 0 ? weightedReward / weight : NaN };
  });
}

/**
 * Treatment value minus control value, with the interval from the per-row differences of their terms:
 * both estimates read the same rows, so their errors are correlated (negatively: a row serves one arm or the
 * other) and the difference's variance is not the sum of the two.
 */
export function ipwLift(rows: readonly LoggedReward[], control: string, treatment: string): { absolute_lift: number; ci: [number, number] } {
  checkRows(rows);
  const c = armTerms(rows, control);
  const t = armTerms(rows, treatment);
  const { mean, ci } = meanWithInterval(t.map((value, i) => value - (c[i] as number)));
  return { absolute_lift: mean, ci };
}
