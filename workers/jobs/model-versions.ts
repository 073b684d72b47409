// model_versions in D1: every nightly model is stored as a version; at most one per kind is active (serving).
import { and, eq } from "drizzle-orm";
import { modelVersions } from "../../shared/db/schema";
import type { Db } from "./runner";

export type ModelVersionRow = Omit<typeof modelVersions.$inferInsert, "id" | "kind" | "createdAt">;

/**
 * Writes a version (a rerun of the same night rewrites its own row); an active one retires the version that
 * served before it, in the same D1 batch, so a kind never has two active versions.
 */
export async function saveModelVersion(db: Db, kind: string, id: string, row: ModelVersionRow, stamp: string): Promise<void> {
  const upsert = db.insert(modelVersions).values({ id, kind, createdAt: stamp, ...row }).onConflictDoUpdate({ target: modelVersions.id, set: row });
  if (row.status === "active") await db.batch([db.update(modelVersions).set({ status: "retired" }).where(and(eq(modelVersions.kind, kind), eq(modelVersions.status, "active"))), upsert]);
  else await upsert;
}

export async function activeModel<T>(db: Db, kind: string): Promise<{ id: string; params: T } | null> {
  const [row] = await db.select({ id: modelVersions.id, params: modelVersions.params }).from(modelVersions).where(and(eq(modelVersions.kind, kind), eq(modelVersions.status, "active"))).limit(1);
  return row ? { id: row.id, params: row.params as T } : null;
}
