// Cron work. Every minute: re-send reward-ledger batches whose consumer could not reach the bandit shards
// (the consumer also sweeps, but only while messages flow; a quiet queue must not strand learned rewards).
import { drizzle } from "drizzle-orm/d1";
import { sweepLedger } from "./queue/consumer";

export const LEDGER_SWEEP_CRON = "* * * * *";

export async function handleScheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
  if (controller.cron === LEDGER_SWEEP_CRON) {
    const swept = await sweepLedger(env, drizzle(env.DB));
    if (swept.batches > 0) console.log(JSON.stringify({ level: "info", job: "ledger_sweep", ...swept }));
  }
}
