// Job bookkeeping in D1: each (job, run key) runs to success once. A rerun of a finished key is skipped; a run
// that failed or died halfway is resumed from its saved cursor; a run still in progress elsewhere is left alone.
import { and, desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { jobRuns } from "../../shared/db/schema";

export type Db = ReturnType<typeof drizzle>;

export interface JobContext {
  env: Env;
  db: Db;
  runKey: string;
  now: Date;
  /** Progress saved by an earlier attempt of this run (null on the first). */
  cursor: Record<string, unknown> | null;
  saveCursor(cursor: Record<string, unknown>): Promise<void>;
}

export interface Job {
  name: string;
  run(ctx: JobContext): Promise<Record<string, unknown>>;
}

export interface JobRunResult {
  job: string;
  run_key: string;
  status: "succeeded" | "failed" | "skipped";
  duration_ms: number;
  outcome: Record<string, unknown> | null;
  error: string | null;
}

/** A run marked running for longer than this died with its isolate: it may be resumed. */
const STALE_RUN_MS = 15 * 60_000;

export async function runJob(env: Env, job: Job, runKey: string, now = new Date()): Promise<JobRunResult> {
  const db = drizzle(env.DB);
  const started = Date.now();
  const stamp = now.toISOString();
  const [fresh] = await db.insert(jobRuns).values({ job: job.name, runKey, status: "running", startedAt: stamp }).onConflictDoNothing().returning();
  let cursor: Record<string, unknown> | null = null;
  if (!fresh) {
    const [existing] = await db.select().from(jobRuns).where(and(eq(jobRuns.job, job.name), eq(jobRuns.runKey, runKey)));
    if (!existing) throw new Error(`job run ${job.name}/${runKey} vanished`);
    const stale = Date.parse(existing.startedAt) < now.getTime() - STALE_RUN_MS;
    if (existing.status === "succeeded" || (existing.status === "running" && !stale)) {
      return { job: job.name, run_key: runKey, status: "skipped", duration_ms: 0, outcome: existing.outcome ?? null, error: null };
    }
    cursor = existing.cursor ?? null;
    await db
      .update(jobRuns)
      .set({ status: "running", attempts: sql`${jobRuns.attempts} + 1`, startedAt: stamp, error: null })
      .where(and(eq(jobRuns.job, job.name), eq(jobRuns.runKey, runKey)));
  }
  const where = and(eq(jobRuns.job, job.name), eq(jobRuns.runKey, runKey));
  try {
    const outcome = await job.run({
      env,
      db,
      runKey,
      now,
      cursor,
      saveCursor: async (c) => {
        await db.update(jobRuns).set({ cursor: c }).where(where);
      },
    });
    const duration = Date.now() - started;
    await db.update(jobRuns).set({ status: "succeeded", finishedAt: new Date().toISOString(), durationMs: duration, outcome }).where(where);
    return { job: job.name, run_key: runKey, status: "succeeded", duration_ms: duration, outcome, error: null };
  } catch (err) {
    const duration = Date.now() - started;
    const message = err instanceof Error ? err.message : String(err);
    await db.update(jobRuns).set({ status: "failed", finishedAt: new Date().toISOString(), durationMs: duration, error: message.slice(0, 2000) }).where(where);
    console.error(JSON.stringify({ level: "error", job: job.name, run_key: runKey, error: message }));
    return { job: job.name, run_key: runKey, status: "failed", duration_ms: duration, outcome: null, error: message };
  }
}

/** The latest run of each job, for admin health. */
export async function latestRuns(db: Db): Promise<(typeof jobRuns.$inferSelect)[]> {
  const rows = await db.select().from(jobRuns).orderBy(desc(jobRuns.startedAt)).limit(200);
  const seen = new Set<string>();
  return rows.filter((r) => (seen.has(r.job) ? false : (seen.add(r.job), true)));
}
