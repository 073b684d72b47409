// RFM scores on a table checked by hand (and by pandas: reference/rfm.py), the R×F segment grid, and the
// per-customer summaries built from raw orders.
import { describe, expect, it } from "vitest";
import { RFM_SEGMENTS, rfmFromOrders, rfmScores, rfmSegment, type CustomerRfm, type QuintileScore, type RfmScore } from "./rfm";

// [customer_id, recency_days, frequency, monetary, expected r, f, m, expected segment]
//
// n = 12, so the quintile edges on the ranks are 1 + q·11 = 3.2, 5.4, 7.6, 9.8 and ranks score
// 1–3 → 1, 4–5 → 2, 6–7 → 3, 8–9 → 4, 10–12 → 5 (three, two, two, two, three customers).
//
// Recency ascending: c01..c12 already are in order, c05 and c06 tie at 30 days on ranks 5 and 6, across the
// 5.4 edge: c05, first in the input, takes rank 5 (quintile 2, R = 4), c06 rank 6 (quintile 3, R = 3). R reverses
// the quintile (6 − q): c01–c03 R5; c04–c05 R4; c06–c07 R3; c08–c09 R2; c10–c12 R1.
//
// Frequency ascending: the four 1s are c03, c07, c09, c11 in input order, ranks 1–4, so c11 (rank 4) scores F2
// although it bought as often as c03; then c06 (2) rank 5 → F2; c04 (3) 6 and c12 (4) 7 → F3; c05 (5) 8 and
// c08 (6) 9 → F4; c02 (8), c10 (10), c01 (12) ranks 10–12 → F5.
//
// Monetary ascending: c09 25, c03 40, c07 60 → M1; c11 100, c06 120 → M2; c12 200, c04 300 → M3;
// c05 450, c08 800 → M4; c02 900, c10 1200, c01 1500 → M5.
//
// Segments from the R×F grid: R5F5 champions; R5F1 new; R4F3 potential_loyalist; R4F4 loyal; R3F1, R3F2
// about_to_sleep; R2F4, R1F3 at_risk; R2F1, R1F2 hibernating; R1F5 cant_lose.
const HAND_TABLE: [string, number, number, number, number, number, number, string][] = [
  ["c01", 2, 12, 1500, 5, 5, 5, "champions"],
  ["c02", 5, 8, 900, 5, 5, 5, "champions"],
  ["c03", 10, 1, 40, 5, 1, 1, "new"],
  ["c04", 15, 3, 300, 4, 3, 3, "potential_loyalist"],
  ["c05", 30, 5, 450, 4, 4, 4, "loyal"],
  ["c06", 30, 2, 120, 3, 2, 2, "about_to_sleep"],
  ["c07", 60, 1, 60, 3, 1, 1, "about_to_sleep"],
  ["c08", 90, 6, 800, 2, 4, 4, "at_risk"],
  ["c09", 120, 1, 25, 2, 1, 1, "hibernating"],
  ["c10", 200, 10, 1200, 1, 5, 5, "cant_lose"],
  ["c11", 300, 1, 100, 1, 2, 2, "hibernating"],
  ["c12", 400, 4, 200, 1, 3, 3, "at_risk"],
];

const customers: CustomerRfm[] = HAND_TABLE.map(([customer_id, recency_days, frequency, monetary]) => ({
  customer_id,
  recency_days,
  frequency,
  monetary,
}));

describe("rfmScores", () => {
  it("scores the hand-checked table (ties broken by input order)", () => {
    expect(rfmScores(customers)).toEqual(HAND_TABLE.map(([customer_id, , , , r, f, m]) => ({ customer_id, r, f, m })));
  });

  it("names the hand-checked table's segments", () => {
    expect(rfmScores(customers).map(rfmSegment)).toEqual(HAND_TABLE.map((row) => row[7]));
  });

  it("does not depend on the input order except through ties", () => {
    const reversed = rfmScores([...customers].reverse());
    const byId = new Map(reversed.map((s) => [s.customer_id, s]));
    // c05/c06 (recency) and c03/c11 (frequency) are the ties that straddle an edge: their order flips the scores.
    expect(byId.get("c06")).toMatchObject({ r: 4 });
    expect(byId.get("c05")).toMatchObject({ r: 3 });
    expect(byId.get("c11")).toMatchObject({ f: 1 });
    expect(byId.get("c03")).toMatchObject({ f: 2 });
    for (const id of ["c01", "c02", "c04", "c08", "c10", "c12"]) {
      expect(byId.get(id)).toEqual(rfmScores(customers).find((s) => s.customer_id === id));
    }
  });

  it("bins ranks as pandas qcut does for every small n", () => {
    // reference/rfm.py: qcut of ranks 1..n into 5 labels
    const pandas: Record<number, number[]> = {
      2: [1, 5],
      3: [1, 3, 5],
      4: [1, 2, 4, 5],
      5: [1, 2, 3, 4, 5],
      6: [1, 1, 2, 3, 4, 5],
      7: [1, 1, 2, 3, 4, 5, 5],
      8: [1, 1, 2, 3, 3, 4, 5, 5],
      9: [1, 1, 2, 2, 3, 4, 4, 5, 5],
      10: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
      11: [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
      12: [1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 5],
      13: [1, 1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 5, 5],
    };
    for (const [n, expected] of Object.entries(pandas)) {
      const population = Array.from({ length: Number(n) }, (_, i) => ({ customer_id: `x${i}`, recency_days: i, frequency: i, monetary: i }));
      const scores = rfmScores(population);
      expect(scores.map((s) => s.f)).toEqual(expected);
      expect(scores.map((s) => s.r)).toEqual(expected.map((q) => 6 - q));
    }
  });

  it("scores a lone customer in the middle and an empty population as nothing", () => {
    expect(rfmScores([{ customer_id: "solo", recency_days: 3, frequency: 1, monetary: 10 }])).toEqual([
      { customer_id: "solo", r: 3, f: 3, m: 3 },
    ]);
    expect(rfmScores([])).toEqual([]);
  });

  it("rejects non-finite inputs", () => {
    expect(() => rfmScores([{ customer_id: "bad", recency_days: Number.NaN, frequency: 1, monetary: 1 }])).toThrow(RangeError);
  });
});

describe("rfmSegment", () => {
  it("maps every cell of the R×F grid, whatever M is", () => {
    const grid: Record<number, string[]> = {
      5: ["new", "potential_loyalist", "potential_loyalist", "champions", "champions"],
      4: ["promising", "potential_loyalist", "potential_loyalist", "loyal", "loyal"],
      3: ["about_to_sleep", "about_to_sleep", "need_attention", "loyal", "loyal"],
      2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
      1: ["lost", "hibernating", "at_risk", "at_risk", "cant_lose"],
    };
    const seen = new Set<string>();
    for (const r of [1, 2, 3, 4, 5] as const) {
      for (const f of [1, 2, 3, 4, 5] as const) {
        for (const m of [1, 5] as const) {
          const score: RfmScore = { customer_id: "x", r, f, m };
          const segment = rfmSegment(score);
          expect(segment).toBe(grid[r]?.[f - 1]);
          seen.add(segment);
        }
      }
    }
    expect([...seen].sort()).toEqual([...RFM_SEGMENTS].sort());
  });

  it("rejects scores outside 1..5", () => {
    expect(() => rfmSegment({ r: 0 as QuintileScore, f: 3 })).toThrow(RangeError);
    expect(() => rfmSegment({ r: 3, f: 6 as QuintileScore })).toThrow(RangeError);
  });
});

describe("rfmFromOrders", () => {
  const asOf = new Date("2026-03-01T12:00:00Z");
  const orders = [
    { customer_id: "ana", order_date: "2026-02-20", amount: 30 },
    { customer_id: "ben", order_date: "2025-12-01T09:30:00Z", amount: 120 },
    { customer_id: "ana", order_date: "2026-02-28T18:00:00Z", amount: 45.5 },
    { customer_id: "ana", order_date: "2026-01-10", amount: 24.5 },
    { customer_id: "cyd", order_date: "2026-03-01T08:00:00Z", amount: 10 },
    // After asOf: not yet known on the night being computed.
    { customer_id: "ben", order_date: "2026-03-02", amount: 999 },
    { customer_id: "dee", order_date: "2026-03-05", amount: 50 },
  ];

  it("summarises recency (whole days), frequency (orders) and monetary (total spend)", () => {
    expect(rfmFromOrders(orders, asOf)).toEqual([
      // Latest 2026-02-28T18:00Z is 18 h before asOf: 0.75 days, floored to 0. Total 30 + 45.5 + 24.5.
      { customer_id: "ana", recency_days: 0, frequency: 3, monetary: 100 },
      // 2025-12-01T09:30Z to 2026-03-01T12:00Z: 31 + 31 + 28 = 90 days and 2.5 h. The 2026-03-02 order is ignored.
      { customer_id: "ben", recency_days: 90, frequency: 1, monetary: 120 },
      // Earlier the same day.
      { customer_id: "cyd", recency_days: 0, frequency: 1, monetary: 10 },
    ]);
  });

  it("treats a bare date as midnight UTC", () => {
    const [summary] = rfmFromOrders([{ customer_id: "eve", order_date: "2026-02-27", amount: 1 }], new Date("2026-03-01T00:00:00Z"));
    expect(summary?.recency_days).toBe(2);
  });

  it("rejects unparseable dates and amounts", () => {
    expect(() => rfmFromOrders([{ customer_id: "x", order_date: "yesterday", amount: 1 }], asOf)).toThrow(RangeError);
    expect(() => rfmFromOrders([{ customer_id: "x", order_date: "2026-01-01", amount: Number.NaN }], asOf)).toThrow(RangeError);
    expect(() => rfmFromOrders([], new Date(Number.NaN))).toThrow(RangeError);
  });

  it("feeds rfmScores", () => {
    const scores = rfmScores(rfmFromOrders(orders, asOf));
    // Three customers: ranks score 1, 3, 5. Recency 0 (ana), 90 (ben), 0 (cyd): ana rank 1 → R5, cyd rank 2 → R3.
    expect(scores).toEqual([
      { customer_id: "ana", r: 5, f: 5, m: 3 },
      { customer_id: "ben", r: 1, f: 1, m: 5 },
      { customer_id: "cyd", r: 3, f: 3, m: 1 },
    ]);
  });
});
