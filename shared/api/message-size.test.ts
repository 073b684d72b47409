import { describe, expect, it } from "vitest";
import { messagePieces, utf8Length } from "./message-size";

const envelope = (items: unknown[]) => ({ kind: "decisions", decisions: items });
const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

describe("utf8Length", () => {
  it("counts as TextEncoder does, for 1- to 4-byte characters", () => {
    for (const text of ["", "plain ascii", "café", "€ and ₹", "emoji 😀 and 𝄞", "mixed é€😀a"]) {
      expect(utf8Length(text), text).toBe(new TextEncoder().encode(text).byteLength);
    }
  });
});

describe("messagePieces", () => {
  it("keeps a window that fits as one piece", () => {
    const items = Array.from({ length: 30 }, (_, i) => ({ id: `d${i}`, items: ["p1", "p2"] }));
    expect(messagePieces(items, envelope)).toEqual([{ start: 0, end: 30, fits: true }]);
    expect(messagePieces([], envelope)).toEqual([]);
  });

  it("cuts a large window into consecutive pieces that each fit, as full as they can be", () => {
    // ~1.8 KB a decision: a hundred ranks of a hundred items is about 180 KB.
    const items = Array.from({ length: 100 }, (_, i) => ({ request_id: `req_${i}`, items: Array.from({ length: 100 }, (_, k) => `prod_${k}_${"x".repeat(5)}`) }));
    const max = 120_000;
    const pieces = messagePieces(items, envelope, max);
    expect(pieces.length).toBe(Math.ceil(bytesOf(envelope(items)) / max));
    expect(pieces[0]!.start).toBe(0);
    expect(pieces.at(-1)!.end).toBe(100);
    for (let p = 0; p < pieces.length; p++) {
      const piece = pieces[p]!;
      expect(piece.fits).toBe(true);
      if (p > 0) expect(piece.start).toBe(pieces[p - 1]!.end);
      const body = envelope(items.slice(piece.start, piece.end));
      expect(bytesOf(body)).toBeLessThanOrEqual(max);
      // Full: one more item would not have fit.
      if (piece.end < items.length) expect(bytesOf(envelope(items.slice(piece.start, piece.end + 1)))).toBeGreaterThan(max);
    }
  });

  it("packs to the exact byte, multi-byte text included", () => {
    const items = Array.from({ length: 40 }, (_, i) => ({ n: i, text: "é€😀".repeat(20 + (i % 7)) }));
    for (const max of [600, 1_000, 2_345, 10_000]) {
      const pieces = messagePieces(items, envelope, max);
      expect(pieces.flatMap((p) => items.slice(p.start, p.end))).toEqual(items);
      for (const p of pieces) {
        expect(bytesOf(envelope(items.slice(p.start, p.end)))).toBeLessThanOrEqual(max);
        if (p.end < items.length) expect(bytesOf(envelope(items.slice(p.start, p.end + 1)))).toBeGreaterThan(max);
      }
    }
  });

  it("sets apart an item too large for any message, and packs its neighbours around it", () => {
    const items = [{ a: "small" }, { a: "y".repeat(2_000) }, { a: "small too" }, { a: "last" }];
    const pieces = messagePieces(items, envelope, 1_000);
    expect(pieces).toEqual([
      { start: 0, end: 1, fits: true },
      { start: 1, end: 2, fits: false },
      { start: 2, end: 4, fits: true },
    ]);
  });
});
