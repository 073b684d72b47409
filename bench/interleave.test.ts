// The page comparison's interleaved measurement: blocks of two targets pooled into one result per target, the
// schedule that alternates them, and the interval on the per-round differences.
import { describe, expect, it } from "vitest";
import { mergeBlocks, type LoadResult } from "./loadgen";
import { INTERLEAVED_SIDES, interleavedSchedule, pageLabel, pagesFilled, roundOrder } from "./page";
import { pairedInterval } from "./stats";

function block(over: Partial<LoadResult>): LoadResult {
  return {
    mode: "fixed-rate",
    targetRps: 200,
    connections: 64,
    durationS: 2,
    sent: 400,
    completed: 400,
    ok: 400,
    errors: 0,
    errorKinds: {},
    achievedRps: 200,
    latencyMs: { p50: 1, p95: 2, p99: 3, max: 4, mean: 1.2 },
    sendLagMs: { p50: 0.1, p99: 1, max: 2 },
    labels: { "bypass, 3/3 slots filled": 400 },
    serverCpuPct: 40,
    clientCpuPct: 10,
    serverCpuUsPerRequest: 2000,
    otherCpuPct: 1,
    tcpLoss: { retransmits: 3, lossProbes: 3, timeouts: 0, alreadyReceived: 3 },
    timeline: [{ completed: 200, maxMs: 4 }],
    byKind: { page: { sent: 400, ok: 400, errors: 0, errorKinds: {}, latencyMs: { p50: 1, p95: 2, p99: 3, max: 4, mean: 1.2 }, labels: { "bypass, 3/3 slots filled": 400 } } },
    ...over,
  };
}

describe("mergeBlocks", () => {
  it("takes the percentiles over the pooled latencies, not an average of the blocks' percentiles", () => {
    // Block one is quiet, block two has a 100 ms stall on 10 of its 400 answers: pooled, 10 of 800 (1.25 %) are
    // slow, so the pooled p99 is in the stall, while the blocks' own p99s average to about half of it.
    const quiet = Array.from({ length: 400 }, (_, i) => 1 + (i % 10) / 10);
    const stalled = [...Array.from({ length: 390 }, (_, i) => 1 + (i % 10) / 10), ...Array.from({ length: 10 }, () => 100)];
    const merged = mergeBlocks([block({ latencyMs: { p50: 1.5, p95: 1.9, p99: 1.9, max: 1.9, mean: 1.45 } }), block({ latencyMs: { p50: 1.5, p95: 1.9, p99: 100, max: 100, mean: 3.9 } })], [...quiet, ...stalled]);
    expect(merged.latencyMs.p99).toBe(100);
    expect(merged.latencyMs.max).toBe(100);
    expect(merged.latencyMs.p50).toBeCloseTo(1.5, 5);
    expect(merged.byKind?.page?.latencyMs).toEqual(merged.latencyMs);
  });

  it("sums counts, labels, error kinds and TCP counters, and weights CPU by duration or answers", () => {
    const a = block({ ok: 400, serverCpuUsPerRequest: 1000, serverCpuPct: 20, errors: 1, errorKinds: { ECONNRESET: 1 }, labels: { x: 399 } });
    const b = block({ ok: 200, serverCpuUsPerRequest: 4000, serverCpuPct: 80, durationS: 2, labels: { x: 200, y: 1 }, tcpLoss: { retransmits: 5, lossProbes: 4, timeouts: 1, alreadyReceived: 4 } });
    const merged = mergeBlocks([a, b], [1, 2, 3]);
    expect(merged.ok).toBe(600);
    expect(merged.errors).toBe(1);
    expect(merged.errorKinds).toEqual({ ECONNRESET: 1 });
    expect(merged.labels).toEqual({ x: 599, y: 1 });
    expect(merged.durationS).toBe(4);
    // (400 × 1000 + 200 × 4000) / 600 µs per answer; (20 × 2 + 80 × 2) / 4 % of the core.
    expect(merged.serverCpuUsPerRequest).toBe(2000);
    expect(merged.serverCpuPct).toBe(50);
    expect(merged.tcpLoss).toEqual({ retransmits: 8, lossProbes: 7, timeouts: 1, alreadyReceived: 7 });
    expect(merged.timeline).toHaveLength(2);
    expect(merged.byKind?.page?.ok).toBe(800);
    // A block without a server CPU reading makes the pooled reading unknown, not a smaller number.
    expect(mergeBlocks([a, block({ serverCpuUsPerRequest: null })], [1]).serverCpuUsPerRequest).toBeNull();
  });

  it("leaves the inputs as they were", () => {
    const a = block({});
    const before = JSON.stringify(a);
    mergeBlocks([a, block({})], [1, 2]);
    expect(JSON.stringify(a)).toBe(before);
  });
});

describe("the interleaved schedule", () => {
  it("covers the case's measured seconds per side in whole rotations, each side in each place equally often", () => {
    for (const [durationS, quick] of [[12, false], [3, true]] as const) {
      const s = interleavedSchedule(durationS, quick);
      expect(s.rounds % INTERLEAVED_SIDES).toBe(0);
      expect(s.rounds * s.blockS).toBeCloseTo(durationS, 9);
      // places[side][place]: how many rounds put that side in that place.
      const places = Array.from({ length: INTERLEAVED_SIDES }, () => new Array<number>(INTERLEAVED_SIDES).fill(0));
      for (let k = 0; k < s.rounds; k++) {
        const order = roundOrder(k);
        expect([...order].sort()).toEqual(Array.from({ length: INTERLEAVED_SIDES }, (_, i) => i));
        order.forEach((side, place) => places[side]![place]!++);
      }
      for (const row of places) expect(row).toEqual(new Array<number>(INTERLEAVED_SIDES).fill(s.rounds / INTERLEAVED_SIDES));
    }
  });
});

describe("pairedInterval", () => {
  it("matches Student's t interval computed by hand", () => {
    // mean 3, sd √2.5, t(0.975, 4) = 2.776445: half width 2.776445 × √2.5 / √5 = 1.963243.
    const r = pairedInterval([1, 2, 3, 4, 5]);
    expect(r.mean).toBe(3);
    expect(r.median).toBe(3);
    expect(r.low!).toBeCloseTo(3 - 1.963243, 5);
    expect(r.high!).toBeCloseTo(3 + 1.963243, 5);
    expect(pairedInterval([2])).toEqual({ mean: 2, median: 2, low: null, high: null });
  });
});

describe("pages counted as filled", () => {
  const page = (slots: number) => `<html>${'<section data-aura-rendered="server"></section>'.repeat(slots)}</html>`;
  it("counts only answers with every slot filled, whatever their cache outcome, per kind or overall", () => {
    const labels: Record<string, number> = {};
    for (const [slots, cache, n] of [[3, "bypass", 5], [3, "hit", 2], [1, "miss", 4], [0, "bypass", 1]] as const) {
      const label = pageLabel(page(slots), { "x-aura-cache": cache });
      labels[label] = (labels[label] ?? 0) + n;
    }
    expect(labels["bypass, 3/3 slots filled"]).toBe(5);
    // A fixed-rate run keeps labels per kind; a closed loop keeps them overall.
    expect(pagesFilled(block({ byKind: { page: { sent: 12, ok: 12, errors: 0, errorKinds: {}, latencyMs: block({}).latencyMs, labels } } }))).toBe(7);
    expect(pagesFilled(block({ labels, byKind: undefined }))).toBe(7);
    expect(pagesFilled(block({ labels: { "bypass, 1/3 slots filled": 9 }, byKind: undefined }))).toBe(0);
  });
});
