// BanditShard: a SQLite-backed Durable Object holding the Beta-Bernoulli counts of one experiment's segments
// (experiment id + shard index in its name). The queue consumer sends it one aggregated batch per queue batch;
// each batch id is applied once, so a batch re-sent after a crash changes nothing.
import { DurableObject } from "cloudflare:workers";

export interface ArmDelta {
  segment: string;
  arm: string;
  pulls: number;
  successes: number;
}

export interface ArmCounts {
  segment: string;
  arm: string;
  pulls: number;
  successes: number;
}

/** Applied batch ids are remembered this long: far beyond any queue redelivery window. */
const BATCH_MEMORY_MS = 14 * 86_400_000;

export class BanditShard extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Idempotent schema on wake.
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS arms (
        segment TEXT NOT NULL, arm TEXT NOT NULL,
        pulls INTEGER NOT NULL DEFAULT 0, successes INTEGER NOT NULL DEFAULT 0,
        updated_at INTEGER NOT NULL, PRIMARY KEY (segment, arm));
      CREATE TABLE IF NOT EXISTS batches (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);
    `);
  }

  /** Adds a batch of deltas atomically; false when this batch id was applied before. */
  async applyBatch(batchId: string, deltas: ArmDelta[]): Promise<{ applied: boolean }> {
    const sql = this.ctx.storage.sql;
    const now = Date.now();
    return this.ctx.storage.transactionSync(() => {
      const seen = sql.exec("SELECT 1 FROM batches WHERE id = ?", batchId).toArray().length > 0;
      if (seen) return { applied: false };
      sql.exec("INSERT INTO batches (id, applied_at) VALUES (?, ?)", batchId, now);
      for (const d of deltas) {
        sql.exec(
          `INSERT INTO arms (segment, arm, pulls, successes, updated_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (segment, arm) DO UPDATE SET pulls = pulls + excluded.pulls, successes = successes + excluded.successes, updated_at = excluded.updated_at`,
          d.segment,
          d.arm,
          d.pulls,
          d.successes,
          now,
        );
      }
      sql.exec("DELETE FROM batches WHERE applied_at < ?", now - BATCH_MEMORY_MS);
      return { applied: true };
    });
  }

  async snapshot(): Promise<ArmCounts[]> {
    return this.ctx.storage.sql.exec<{ segment: string; arm: string; pulls: number; successes: number }>("SELECT segment, arm, pulls, successes FROM arms ORDER BY segment, arm").toArray();
  }

  /** Forgets what was learned about an arm (in one segment, or all): it restarts from the prior. */
  async resetArm(arm: string, segment: string | null): Promise<number> {
    const cursor = segment === null ? this.ctx.storage.sql.exec("DELETE FROM arms WHERE arm = ?", arm) : this.ctx.storage.sql.exec("DELETE FROM arms WHERE arm = ? AND segment = ?", arm, segment);
    return cursor.rowsWritten;
  }
}

/** Stub for shard `index` of an experiment. */
export function banditShard(ns: DurableObjectNamespace<BanditShard>, experimentId: string, index: number): DurableObjectStub<BanditShard> {
  return ns.get(ns.idFromName(`${experimentId}#${index}`));
}
