// Which posterior a bandit decision learns into.
import { describe, expect, it } from "vitest";
import { banditSegmentKey } from "./assign";

describe("banditSegmentKey", () => {
  const visitor = { id: "seg_buy_desktop_new", persona: "shopper_pro" };
  it("keeps one posterior per micro-segment, per persona, or for everyone, as the experiment says", () => {
    expect(banditSegmentKey({ segmented: true, segment_by: "micro_segment" }, visitor)).toBe("seg_buy_desktop_new");
    expect(banditSegmentKey({ segmented: true, segment_by: "persona" }, visitor)).toBe("persona_shopper_pro");
    expect(banditSegmentKey({ segmented: false, segment_by: "persona" }, visitor)).toBe("all");
    // Visitors without personalization consent share one posterior.
    expect(banditSegmentKey({ segmented: true, segment_by: "persona" }, null)).toBe("seg_nonpersonalized");
    expect(banditSegmentKey({ segmented: true, segment_by: "micro_segment" }, null)).toBe("seg_nonpersonalized");
  });
});
