// Always-valid inference for peeking: the normal-mixture mSPRT of Johari, Pekelis & Walsh (2017, "Always
// valid inference: continuous monitoring of A/B tests"). Its p-value may be read after every batch of
// traffic without inflating the false-positive rate, unlike a fixed-horizon z-test.
import { checkProportionSummary, type ProportionSummary } from "./proportions";

/**
 * Default mixing variance τ² of the lift under the alternative: τ = 0.01, i.e. effects of about one
 * percentage point in absolute conversion rate, the scale of a typical personalization win. τ² only tunes
 * power (the test is sharpest once the lift's variance has shrunk to about τ²); validity holds for any τ² > 0.
 */
export const DEFAULT_MIXING_VARIANCE = 1e-4;

/**
 * The mixture likelihood ratio Λ = √(V/(V+τ²)) · exp(τ²θ̂² / (2V(V+τ²))) for θ̂ = p̂_t − p̂_c with the unpooled
 * variance V = p̂_c(1−p̂_c)/n_c + p̂_t(1−p̂_t)/n_t, and the p-value min(1, 1/Λ) of this look.
 *
 * The p-value is always valid only as a running minimum over looks: fold each look in with
 * alwaysValidPValue. While V = 0 (neither arm has shown both outcomes) the variance is unknown and the look
 * carries no evidence: statistic 1, p-value 1. Conservative by design: a degenerate look never rejects.
 */
export function msprtTwoProportions(
  control: ProportionSummary,
  treatment: ProportionSummary,
  tau2: number = DEFAULT_MIXING_VARIANCE,
): { statistic: number; p_value: number } {
  checkProportionSummary(control, "control");
  checkProportionSummary(treatment, "treatment");
  if (!(tau2 > 0 && Number.isFinite(tau2))) throw new RangeError(`tau2 must be positive and finite (got ${tau2})`);
  const pc = control.conversions / control.units;
  const pt = treatment.conversions / treatment.units;
  const v = (pc * (1 - pc)) / control.units + (pt * (1 - pt)) / treatment.units;
  if (v === 0) return { statistic: 1, p_value: 1 };
  const theta = pt - pc;
  const logLambda = 0.5 * Math.log(v / (v + tau2)) + (tau2 * theta * theta) / (2 * v * (v + tau2));
  // exp(−log Λ) rather than 1/exp(log Λ): no overflow when the evidence is overwhelming.
  return { statistic: Math.exp(logLambda), p_value: Math.min(1, Math.exp(-logLambda)) };
}

/** Folds one look's mSPRT p-value into the running always-valid p-value (start from 1). */
export function alwaysValidPValue(previous: number, current: number): number {
  return Math.min(previous, current);
}
