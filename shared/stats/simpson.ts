// Simpson's paradox check for segmented reports: when every segment favours one arm but the pooled totals
// favour the other, the arms' traffic mix across segments differs and the pooled lift must not be trusted.
import { checkProportionSummary, type ProportionSummary } from "./proportions";

export interface SegmentComparison {
  segment: string;
  control: ProportionSummary;
  treatment: ProportionSummary;
}

/** Treatment rate minus control rate; NaN when either arm has no units in the segment. */
function absoluteLift(control: ProportionSummary, treatment: ProportionSummary): number {
  if (control.units === 0 || treatment.units === 0) return NaN;
  return treatment.conversions / treatment.units - control.conversions / control.units;
}

/**
 * paradox: at least two segments have data in both arms, all of them lift in the same direction (strictly),
 * and the pooled lift is non-zero with the opposite sign. segment_lifts lists every segment in input order
 * (NaN lift where an arm has no units; such segments are ignored for the verdict).
 */
export function simpsonsParadox(segments: readonly SegmentComparison[]): {
  paradox: boolean;
  pooled_lift: number;
  segment_lifts: { segment: string; lift: number }[];
  message: string | null;
} {
  const pooledControl: ProportionSummary = { units: 0, conversions: 0 };
  const pooledTreatment: ProportionSummary = { units: 0, conversions: 0 };
  const segmentLifts = segments.map(({ segment, control, treatment }) => {
    // Empty arms are allowed per segment (a segment may not have reached one arm yet); bad counts are not.
    if (control.units !== 0 || control.conversions !== 0) checkProportionSummary(control, `${segment} control`);
    if (treatment.units !== 0 || treatment.conversions !== 0) checkProportionSummary(treatment, `${segment} treatment`);
    pooledControl.units += control.units;
    pooledControl.conversions += control.conversions;
    pooledTreatment.units += treatment.units;
    pooledTreatment.conversions += treatment.conversions;
    return { segment, lift: absoluteLift(control, treatment) };
  });
  const pooledLift = absoluteLift(pooledControl, pooledTreatment);

  const withData = segmentLifts.filter((s) => !Number.isNaN(s.lift));
  const segmentSign = withData.length >= 2 && withData.every((s) => s.lift > 0) ? 1 : withData.length >= 2 && withData.every((s) => s.lift < 0) ? -1 : 0;
  const paradox = segmentSign !== 0 && pooledLift !== 0 && Math.sign(pooledLift) === -segmentSign;

  const message = paradox
    ? `Treatment ${segmentSign > 0 ? "wins" : "loses"} in every one of ${withData.length} segments but ${segmentSign > 0 ? "loses" : "wins"} when pooled ` +
      `(pooled lift ${(pooledLift * 100).toFixed(2)} pp): the arms' traffic differs in its segment mix, so read the per-segment lifts, not the pooled one.`
    : null;
  return { paradox, pooled_lift: pooledLift, segment_lifts: segmentLifts, message };
}
