// The rank targets read against the rank floor measured in the same run (report.ts, rankFloorLine).
import { describe, expect, it } from "vitest";
import { estimateProfileCacheHits, type Scenario } from "./http";
import type { LoadResult } from "./loadgen";
import { rankFloorLine } from "./report";

function scenario(id: string, achievedRps: number, p99: number): Scenario {
  const result = {
    mode: id.includes("saturation") ? "closed-loop" : "fixed-rate",
    achievedRps,
    latencyMs: { p50: p99 / 4, p95: p99 / 2, p99, max: p99 * 2, mean: p99 / 3 },
  } as LoadResult;
  return { id, name: id, catalogItems: null, result, criteria: null };
}

const rest = [scenario("hello_saturation", 16_000, 5), scenario("hello_fixed_1000", 1000, 3.9), scenario("rank_1k_saturation", 2_800, 43), scenario("rank_1k_fixed_1000", 1000, 43.5)];

describe("rankFloorLine", () => {
  it("says the floor does not reach the saturation target when it is under 10,000 req/s, with its share of hello-world and aura's of it", () => {
    const line = rankFloorLine([...rest, scenario("rank_floor_saturation", 8_000, 12), scenario("rank_floor_fixed_1000", 1000, 21.25)])!;
    expect(line).toContain("saturation 8,000/s = 50.0% of hello-world's");
    expect(line).toContain("does not reach the saturation target");
    expect(line).toContain("aura's rank does 35.0% of the floor's rate");
    expect(line).toContain("p99 is 21.3 ms");
    expect(line).toContain("aura's 43.5 ms");
  });

  it("says it reaches the target only when the floor passes both 10,000 req/s and half of hello-world's rate", () => {
    expect(rankFloorLine([...rest, scenario("rank_floor_saturation", 10_500, 12), scenario("rank_floor_fixed_1000", 1000, 4)])).toContain("floor alone reaches");
    // 10,500/s but hello-world at 22,000/s: under half of it.
    const fastHello = rest.map((s) => (s.id === "hello_saturation" ? scenario("hello_saturation", 22_000, 5) : s));
    expect(rankFloorLine([...fastHello, scenario("rank_floor_saturation", 10_500, 12), scenario("rank_floor_fixed_1000", 1000, 4)])).toContain("does not reach");
  });

  it("is absent from a run without the floor's rows (--quick)", () => {
    expect(rankFloorLine(rest)).toBeNull();
    expect(rankFloorLine([...rest, scenario("rank_floor_saturation", 9_000, 12)])).toBeNull();
  });
});

describe("estimateProfileCacheHits", () => {
  // Two visitors taking turns at 1,000 req/s: each returns every 2 ms.
  const target = { origin: "http://x", method: "POST" as const, path: "/v1/rank", bodies: ["a", "b"].map((id) => JSON.stringify({ user_ctx: { anon_id: id } })) };

  it("counts a return within the TTL as a hit, and one after it as a read of the store", () => {
    // TTL 3 ms: each visitor reads at 0 (1) ms, hits at 2 (3), reads at 4 (5), hits at 6 (7): 4 of 8.
    expect(estimateProfileCacheHits(target, 1000, 8, 3)).toBe(0.5);
  });

  it("counts a return within the stale-while-revalidate window as answered, refreshing the copy from then", () => {
    // Window 10 ms: the return at 4 (5) ms is answered from the copy and refreshes it; 6 (7) is then a hit: 6 of 8.
    expect(estimateProfileCacheHits(target, 1000, 8, 3, 10)).toBe(0.75);
    // Without a cache nothing is answered from it, window or not.
    expect(estimateProfileCacheHits(target, 1000, 8, 0, 10)).toBe(0);
  });
});
