// Frequentist comparison of two conversion rates: the pooled two-proportion z-test, the unpooled Wald
// interval on the absolute lift, and a delta-method interval on the relative lift.
import { normalCdf, normalQuantile } from "./distributions";

/** One arm's binary metric: how many units were exposed and how many converted. */
export interface ProportionSummary {
  units: number;
  conversions: number;
}

/**
 * A treatment-versus-control comparison. For proportions the "rates" are conversion rates; the continuous
 * tests reuse the shape with means in their place.
 *
 * relative_lift and relative_ci are NaN when the control rate (or mean) is 0: the ratio is undefined there,
 * not infinite. JSON.stringify writes NaN as null, so a report shows "no relative lift" rather than a number.
 */
export interface LiftEstimate {
  control_rate: number;
  treatment_rate: number;
  absolute_lift: number;
  absolute_ci: [number, number];
  relative_lift: number;
  relative_ci: [number, number];
  statistic: number;
  p_value: number;
}

/** Rejects what no experiment can produce, so a bad count fails loudly instead of skewing a report. */
export function checkProportionSummary(arm: ProportionSummary, label: string): void {
  const { units, conversions } = arm;
  if (!Number.isFinite(units) || units <= 0) throw new RangeError(`${label}: units must be a positive number (got ${units})`);
  if (!Number.isFinite(conversions) || conversions < 0 || conversions > units) {
    throw new RangeError(`${label}: conversions must lie in [0, units] (got ${conversions} of ${units})`);
  }
}

/** The two-sided normal critical value for a confidence level, e.g. 1.959964 for 0.95. */
export function twoSidedZ(confidence: number): number {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must lie in (0, 1) (got ${confidence})`);
  return normalQuantile(1 - (1 - confidence) / 2);
}

/**
 * Delta-method variance of r = m_t/m_c − 1 for independent arms, without the log transform:
 * var(r) ≈ var(m_t)/m_c² + m_t²·var(m_c)/m_c⁴ (first-order Taylor expansion of the ratio). NaN when m_c = 0.
 */
export function relativeLiftVariance(controlMean: number, treatmentMean: number, controlVariance: number, treatmentVariance: number): number {
  if (controlMean === 0) return NaN;
  const c2 = controlMean * controlMean;
  return treatmentVariance / c2 + (treatmentMean * treatmentMean * controlVariance) / (c2 * c2);
}

/** Two-sided p-value of a standard normal statistic, exact in the tails (no 1 − Φ cancellation). */
export function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z)));
}

/**
 * Treatment versus control on a conversion rate.
 *
 * - statistic / p_value: the pooled two-proportion z-test (statsmodels proportions_ztest), two-sided. When
 *   the pooled rate is 0 or 1 (no conversions anywhere, or all units converted) the arms cannot differ:
 *   statistic 0, p-value 1.
 * - absolute_ci: the unpooled Wald interval, pt − pc ± z·√(pc(1−pc)/nc + pt(1−pt)/nt) (statsmodels
 *   confint_proportions_2indep, method "wald").
 * - relative_ci: relative_lift ± z·√var(r) with the delta-method variance above; NaN when pc = 0.
 */
export function twoProportionTest(control: ProportionSummary, treatment: ProportionSummary, confidence = 0.95): LiftEstimate {
  checkProportionSummary(control, "control");
  checkProportionSummary(treatment, "treatment");
  const z = twoSidedZ(confidence);
  const pc = control.conversions / control.units;
  const pt = treatment.conversions / treatment.units;
  const diff = pt - pc;

  const varC = (pc * (1 - pc)) / control.units;
  const varT = (pt * (1 - pt)) / treatment.units;
  const se = Math.sqrt(varC + varT);

  const relative = pc === 0 ? NaN : pt / pc - 1;
  const relativeSe = Math.sqrt(relativeLiftVariance(pc, pt, varC, varT));

  const pooled = (control.conversions + treatment.conversions) / (control.units + treatment.units);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / control.units + 1 / treatment.units));
  const statistic = pooledSe === 0 ? 0 : diff / pooledSe;

  return {
    control_rate: pc,
    treatment_rate: pt,
    absolute_lift: diff,
    absolute_ci: [diff - z * se, diff + z * se],
    relative_lift: relative,
    relative_ci: [relative - z * relativeSe, relative + z * relativeSe],
    statistic,
    p_value: twoSidedNormalP(statistic),
  };
}
