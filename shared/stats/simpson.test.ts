// Simpson's paradox check on the kidney-stone data (Charig et al. 1986; lifts from reference/simpson.py
// kidney_stones, exact fractions): open surgery (A) wins on small and on large stones yet loses pooled.
import { describe, expect, it } from "vitest";
import { expectClose } from "./expect-close";
import { simpsonsParadox } from "./simpson";

const KIDNEY_STONES = [
  { segment: "small stones", control: { units: 270, conversions: 234 }, treatment: { units: 87, conversions: 81 } },
  { segment: "large stones", control: { units: 80, conversions: 55 }, treatment: { units: 263, conversions: 192 } },
];

describe("simpsonsParadox", () => {
  it("detects the kidney-stone paradox", () => {
    const result = simpsonsParadox(KIDNEY_STONES);
    expect(result.paradox).toBe(true);
    // reference/simpson.py kidney_stones
    expectClose(result.pooled_lift, -0.045714285714285714, { rel: 1e-14 });
    expect(result.segment_lifts.map((s) => s.segment)).toEqual(["small stones", "large stones"]);
    expectClose(result.segment_lifts[0]?.lift ?? NaN, 0.06436781609195402, { rel: 1e-14 });
    expectClose(result.segment_lifts[1]?.lift ?? NaN, 0.042538022813688216, { rel: 1e-14 });
    expect(result.message).toMatch(/wins in every one of 2 segments but loses when pooled/);
  });

  it("sees the mirror image when the arms are swapped", () => {
    const swapped = KIDNEY_STONES.map((s) => ({ segment: s.segment, control: s.treatment, treatment: s.control }));
    const result = simpsonsParadox(swapped);
    expect(result.paradox).toBe(true);
    expect(result.message).toMatch(/loses in every one of 2 segments but wins when pooled/);
  });

  it("stays quiet when segments disagree, agree with the pooled lift, or only one segment has data", () => {
    const consistent = [
      { segment: "mobile", control: { units: 100, conversions: 10 }, treatment: { units: 100, conversions: 12 } },
      { segment: "desktop", control: { units: 100, conversions: 20 }, treatment: { units: 100, conversions: 23 } },
    ];
    expect(simpsonsParadox(consistent)).toMatchObject({ paradox: false, message: null });
    const mixed = [consistent[0]!, { segment: "tablet", control: { units: 100, conversions: 20 }, treatment: { units: 100, conversions: 18 } }];
    expect(simpsonsParadox(mixed).paradox).toBe(false);
    const withEmpty = [KIDNEY_STONES[0]!, { segment: "new", control: { units: 0, conversions: 0 }, treatment: { units: 40, conversions: 3 } }];
    const result = simpsonsParadox(withEmpty);
    expect(result.paradox).toBe(false);
    expect(result.segment_lifts[1]?.lift).toBeNaN();
  });

  it("ignores segments missing an arm but still finds the paradox in the rest", () => {
    const result = simpsonsParadox([...KIDNEY_STONES, { segment: "unknown size", control: { units: 0, conversions: 0 }, treatment: { units: 0, conversions: 0 } }]);
    expect(result.paradox).toBe(true);
    expect(result.segment_lifts).toHaveLength(3);
  });
});
