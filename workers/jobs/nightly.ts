// The nightly jobs in order: retention first (less to read), then what learns from the data, then drift.
// The cron runs them under the night's date; POST /v1/admin/segments/retrain runs them under a manual key.
import { driftJob } from "./drift";
import { segmentationJob } from "./segmentation";
import { collaborativeFilteringJob } from "./collaborative";
import { customerValueJob, propensityJob } from "./models";
import { personaRefreshJob } from "./persona";
import { retentionJob } from "./retention";
import { runJob, type Job, type JobRunResult } from "./runner";

export const NIGHTLY_JOBS: Job[] = [retentionJob, segmentationJob, propensityJob, customerValueJob, collaborativeFilteringJob, personaRefreshJob, driftJob];

export async function runNightly(env: Env, runKey: string, now = new Date()): Promise<JobRunResult[]> {
  const results: JobRunResult[] = [];
  // One after another: later jobs read what earlier ones wrote, and a night's CPU stays within one invocation.
  for (const job of NIGHTLY_JOBS) results.push(await runJob(env, job, runKey, now));
  return results;
}

/** The night a run belongs to: its UTC date. */
export function nightKey(at: Date): string {
  return at.toISOString().slice(0, 10);
}
