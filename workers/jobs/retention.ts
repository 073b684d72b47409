// Retention: deletes what is older than the configured days, in bounded batches so one run never holds D1
// long; whatever a run leaves (it stops at its batch budget) the next run takes, since the predicate is the date.
import type { Job } from "./runner";

/** Rows per DELETE, and DELETEs per table per run: at most 50,000 rows a table a night. */
const BATCH = 5000;
const MAX_BATCHES = 10;
const DAY_MS = 86_400_000;

interface Target {
  table: string;
  column: string;
  days: (env: Env) => number;
}

const days = (raw: string | undefined, fallback: number) => {
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

const TARGETS: Target[] = [
  { table: "events", column: "ts", days: (env) => days(env.EVENTS_RETENTION_DAYS, 395) },
  { table: "decisions", column: "decided_at", days: (env) => days(env.EVENTS_RETENTION_DAYS, 395) },
  { table: "feedback", column: "received_at", days: (env) => days(env.EVENTS_RETENTION_DAYS, 395) },
  // A dead letter older than the events it carries would be purged at once if replayed: it goes with them.
  { table: "dead_letters", column: "dead_at", days: (env) => days(env.EVENTS_RETENTION_DAYS, 395) },
  { table: "segment_assignments", column: "assigned_at", days: (env) => days(env.FEATURES_RETENTION_DAYS, 90) },
  { table: "customer_segments", column: "assigned_at", days: (env) => days(env.FEATURES_RETENTION_DAYS, 90) },
];

export const retentionJob: Job = {
  name: "retention",
  async run({ env, now }) {
    const deleted: Record<string, number> = {};
    let complete = true;
    for (const t of TARGETS) {
      const cutoff = new Date(now.getTime() - t.days(env) * DAY_MS).toISOString();
      let removed = 0;
      for (let i = 0; ; i++) {
        if (i === MAX_BATCHES) {
          complete = false;
          break;
        }
        const res = await env.DB.prepare(`DELETE FROM ${t.table} WHERE rowid IN (SELECT rowid FROM ${t.table} WHERE ${t.column} < ? LIMIT ${BATCH})`).bind(cutoff).run();
        removed += res.meta.changes;
        if (res.meta.changes < BATCH) break;
      }
      deleted[t.table] = removed;
    }
    // Applied ledger increments are already in the bandit state; pending ones are kept whatever their age.
    const ledger = await env.DB.prepare(`DELETE FROM reward_ledger WHERE applied = 1 AND created_at < ?`).bind(new Date(now.getTime() - days(env.EVENTS_RETENTION_DAYS, 395) * DAY_MS).toISOString()).run();
    deleted.reward_ledger = ledger.meta.changes;
    return { deleted, complete };
  },
};
