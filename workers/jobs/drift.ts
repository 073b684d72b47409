// Drift: today's distributions against yesterday's (two-sample Kolmogorov–Smirnov). Persona confidence moves
// when traffic or the classifier changes; the top rank score moves when the catalog, weights or visitors do.
import { ksTwoSample } from "../../shared/stats/ks";
import type { Job } from "./runner";

const DAY_MS = 86_400_000;
/** Below this many values a day, KS has no power worth a flag. */
const MIN_SAMPLE = 50;
/** Flag only strong evidence: nightly checks on big samples find tiny shifts otherwise. */
const DRIFT_P = 0.001;
/** At most this many values per day are compared (the most recent); KS's exact path is costly beyond it. */
const MAX_SAMPLE = 5000;

interface Check {
  name: string;
  sql: string;
}

const CHECKS: Check[] = [
  { name: "persona_confidence", sql: "SELECT confidence AS v FROM segment_assignments WHERE assigned_at >= ? AND assigned_at < ? ORDER BY assigned_at DESC LIMIT ?" },
  { name: "top_score", sql: "SELECT top_score AS v FROM decisions WHERE decided_at >= ? AND decided_at < ? AND top_score IS NOT NULL ORDER BY decided_at DESC LIMIT ?" },
];

export const driftJob: Job = {
  name: "drift",
  async run({ env, now }) {
    const today = [new Date(now.getTime() - DAY_MS).toISOString(), now.toISOString()] as const;
    const yesterday = [new Date(now.getTime() - 2 * DAY_MS).toISOString(), today[0]] as const;
    const checks: Record<string, unknown>[] = [];
    for (const c of CHECKS) {
      const [a, b] = await env.DB.batch([env.DB.prepare(c.sql).bind(yesterday[0], yesterday[1], MAX_SAMPLE), env.DB.prepare(c.sql).bind(today[0], today[1], MAX_SAMPLE)]);
      const before = ((a!.results ?? []) as { v: number }[]).map((r) => r.v);
      const after = ((b!.results ?? []) as { v: number }[]).map((r) => r.v);
      if (before.length < MIN_SAMPLE || after.length < MIN_SAMPLE) {
        checks.push({ name: c.name, yesterday: before.length, today: after.length, drift: false, note: `fewer than ${MIN_SAMPLE} values on a day` });
        continue;
      }
      const ks = ksTwoSample(before, after, "asymp");
      checks.push({ name: c.name, yesterday: before.length, today: after.length, statistic: ks.statistic, p_value: ks.p_value, drift: ks.p_value < DRIFT_P });
    }
    return { drift: checks.some((c) => c.drift === true), checks };
  },
};
