// workerd CPU per personalized /v1/rank request with the decision-log consumer detached, measured in repeated
// closed loops on one workerd: the figure for A/B runs of a rank-path change (run it on each variant, alternating,
// and compare medians; single runs of the full bench move by ±10 % on this VM).
//
//   npx tsx bench/rank-cpu.ts [--items 1000] [--reps 4] [--seconds 4]
import { cpus } from "node:os";
import { join } from "node:path";
import { numberOption } from "./cli";
import { closedLoop } from "./loadgen";
import { bundleWorker, freshDir, pin, pinServed, planPinning, readWranglerConfig, serveAura, STATE_DIR, stopServed, withoutQueueConsumer } from "./server";
import { seedDetachedRankRun } from "./workload";

const items = numberOption("items", 1000);
const reps = numberOption("reps", 4);
const seconds = numberOption("seconds", 4);

async function main(): Promise<void> {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  const logs: string[] = [];
  // Detached: the consumer's work shares workerd's thread and would blur the rank path's own cost.
  const served = await serveAura(bundleWorker().path, freshDir(join(STATE_DIR, "rank-cpu")), logs, readWranglerConfig(), withoutQueueConsumer);
  try {
    if (pinning.enabled) pinServed(served, pinning.serverCore!);
    const target = await seedDetachedRankRun(served, items);
    await closedLoop(target, { connections: 16, durationS: 4, serverPid: served.pid });
    const figures: number[] = [];
    for (let i = 0; i < reps; i++) {
      const run = await closedLoop(target, { connections: 16, durationS: seconds, serverPid: served.pid });
      if (run.serverCpuUsPerRequest === null) throw new Error("workerd's CPU time could not be read (no /proc for its pid)");
      figures.push(run.serverCpuUsPerRequest);
    }
    const sorted = [...figures].sort((a, b) => a - b);
    console.log(`personalized /v1/rank, ${items} items, consumer detached: ${figures.join(" ")} µs/req; median ${sorted[Math.floor(sorted.length / 2)]} µs/req`);
  } finally {
    await stopServed(served);
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
