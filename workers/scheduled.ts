// Cron work. Every minute: judge again feedback rejected for an unknown decision whose decision has been logged
// since, and re-send reward-ledger batches whose consumer could not reach the bandit shards (the consumer does
// both too, but only while messages flow; a quiet queue must not strand learned rewards).
// Every minute too: advance campaigns that are running (resume a long run) or scheduled and due.
// Nightly: the jobs in workers/jobs/nightly.ts.
import { drizzle } from "drizzle-orm/d1";
import { advanceCampaign, dueCampaigns } from "./campaigns/pipeline";
import { nightKey, runNightly } from "./jobs/nightly";
import { reconcileAndReport, sweepLedger } from "./queue/consumer";

export const LEDGER_SWEEP_CRON = "* * * * *";
export const NIGHTLY_CRON = "0 3 * * *";

export async function handleScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (controller.cron === LEDGER_SWEEP_CRON) {
    const db = drizzle(env.DB);
    // A success it adds whose shard cannot be reached stays pending; the sweep below re-sends it. Its failure does
    // not hold back the ledger sweep and the campaigns.
    await reconcileAndReport(env, db, { cron: controller.cron });
    const swept = await sweepLedger(env, db);
    if (swept.batches > 0) console.log(JSON.stringify({ level: "info", job: "ledger_sweep", ...swept }));
    for (const id of await dueCampaigns(env.DB, new Date(controller.scheduledTime))) {
      const after = await advanceCampaign(env, id, Number(env.CAMPAIGN_RUN_BUDGET_MS || "20000"));
      console.log(JSON.stringify({ level: "info", job: "campaign", campaign_id: id, status: after?.status, stage: after?.stage, done: after?.done, total: after?.total }));
    }
  } else if (controller.cron === NIGHTLY_CRON) {
    const at = new Date(controller.scheduledTime);
    const results = await runNightly(env, nightKey(at), at);
    console.log(JSON.stringify({ level: "info", nightly: results.map((r) => ({ job: r.job, status: r.status, duration_ms: r.duration_ms })) }));
  }
}
