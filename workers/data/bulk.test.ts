// bulkInsert against real D1: conflicts are ignored by default, and with `upsertOn` the later row replaces the
// stored one, also when both arrive in the same statement.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { segmentAssignments } from "../../shared/db/schema";
import { bulkInsert } from "./bulk";

type Assignment = typeof segmentAssignments.$inferInsert;

const assignment = (visitorHash: string, segmentId: string, assignedAt: string): Assignment => ({
  visitorHash, segmentId, persona: "novice_shopper", confidence: 0.5, intent: "browse", deviceClass: "mobile", recency: "new", assignedAt,
});

async function stored(prefix: string): Promise<Record<string, string>> {
  const { results } = await env.DB.prepare("SELECT visitor_hash, segment_id FROM segment_assignments WHERE visitor_hash LIKE ? ORDER BY visitor_hash").bind(`${prefix}%`).all<{ visitor_hash: string; segment_id: string }>();
  return Object.fromEntries(results.map((r) => [r.visitor_hash, r.segment_id]));
}

describe("bulkInsert", () => {
  it("ignores a row whose key is stored already", async () => {
    await env.DB.batch(bulkInsert(env.DB, segmentAssignments, [assignment("vh_bulk_keep_a", "seg_1", "2026-11-01T00:00:00.000Z")]));
    await env.DB.batch(bulkInsert(env.DB, segmentAssignments, [assignment("vh_bulk_keep_a", "seg_2", "2026-11-02T00:00:00.000Z"), assignment("vh_bulk_keep_b", "seg_3", "2026-11-02T00:00:00.000Z")]));
    expect(await stored("vh_bulk_keep_")).toEqual({ vh_bulk_keep_a: "seg_1", vh_bulk_keep_b: "seg_3" });
  });

  it("with upsertOn, replaces the stored row, and the later of two rows with one key in a statement stays", async () => {
    await env.DB.batch(bulkInsert(env.DB, segmentAssignments, [assignment("vh_bulk_up_a", "seg_1", "2026-11-01T00:00:00.000Z")], "visitorHash"));
    const statements = bulkInsert(
      env.DB,
      segmentAssignments,
      [assignment("vh_bulk_up_a", "seg_2", "2026-11-02T00:00:00.000Z"), assignment("vh_bulk_up_b", "seg_3", "2026-11-02T00:00:00.000Z"), assignment("vh_bulk_up_b", "seg_4", "2026-11-03T00:00:00.000Z")],
      "visitorHash",
    );
    expect(statements).toHaveLength(1);
    await env.DB.batch(statements);
    expect(await stored("vh_bulk_up_")).toEqual({ vh_bulk_up_a: "seg_2", vh_bulk_up_b: "seg_4" });
    const row = await env.DB.prepare("SELECT assigned_at, confidence FROM segment_assignments WHERE visitor_hash = 'vh_bulk_up_b'").first<{ assigned_at: string; confidence: number }>();
    expect(row).toEqual({ assigned_at: "2026-11-03T00:00:00.000Z", confidence: 0.5 });
  });

  it("keeps a statement per table, key set and upsert column: a plain insert after an upsert of the same rows ignores", async () => {
    const upsert = (segmentId: string) => env.DB.batch(bulkInsert(env.DB, segmentAssignments, [assignment("vh_bulk_mix_a", segmentId, "2026-11-01T00:00:00.000Z")], "visitorHash"));
    await upsert("seg_1");
    await env.DB.batch(bulkInsert(env.DB, segmentAssignments, [assignment("vh_bulk_mix_a", "seg_2", "2026-11-02T00:00:00.000Z")]));
    expect(await stored("vh_bulk_mix_")).toEqual({ vh_bulk_mix_a: "seg_1" });
    await upsert("seg_3");
    expect(await stored("vh_bulk_mix_")).toEqual({ vh_bulk_mix_a: "seg_3" });
    // A row carrying a field that is not a column: the field is left out of the statement, as before.
    const extra = { ...assignment("vh_bulk_mix_b", "seg_4", "2026-11-04T00:00:00.000Z"), notAColumn: 1 } as Assignment;
    await env.DB.batch(bulkInsert(env.DB, segmentAssignments, [extra]));
    expect(await stored("vh_bulk_mix_")).toEqual({ vh_bulk_mix_a: "seg_3", vh_bulk_mix_b: "seg_4" });
  });
});
