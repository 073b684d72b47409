// CPU profile of the Worker bundle inside workerd under fixed-rate /v1/rank load, through the V8 inspector
// (Chrome DevTools protocol). Writes bench/.work/worker-<N>.cpuprofile (open it in Chrome DevTools or
// speedscope) and prints where the isolate's time goes: by bundled module and by function.
//
//   npx tsx bench/profile-worker.ts [--items 1000] [--rate 500] [--seconds 6] [--page] [--no-consumer]
//
// --no-consumer: the queue consumer detached (diagnostic: what the isolate does without the decision log's writes).
//
// --page: the page benchmark's uncacheable 100 KB storefront page (page.ts: its Node origin on the load generator's
// core, its visitors, 120 of 200 with a profile) at --rate pages a second (200 by default) instead of /v1/rank.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { flagOption, numberOption } from "./cli";
import { summarizeProfile, type CpuProfile } from "./cpuprofile";
import { withInspectedPageRun, withInspectedRankRun, type InspectedRankRun } from "./inspector";
import { fixedRate } from "./loadgen";
import { PAGE_RATE } from "./page";
import { withoutQueueConsumer, WORK_DIR } from "./server";

const items = numberOption("items", 1000);
const page = flagOption("page");
const noConsumer = flagOption("no-consumer");
const adjust = noConsumer ? withoutQueueConsumer : undefined;
const rate = numberOption("rate", page ? PAGE_RATE : 500);
const seconds = numberOption("seconds", 6);
const SAMPLING_INTERVAL_US = 100;
/**
 * Deltas between samples longer than this are the thread outside the isolate, not the sampled function's time
 * (bench/cpuprofile.ts, sampledTimes). Busy, the sampler ticks every 100-200 µs here; an idle thread gives
 * gaps of milliseconds.
 */
const GAP_AFTER_US = 10 * SAMPLING_INTERVAL_US;

async function main() {
  if (page) await withInspectedPageRun("profile-page", items, rate, seconds, profileRun, adjust);
  else await withInspectedRankRun("profile", items, rate, profileRun, undefined, adjust);
}

async function profileRun({ served, target, cdp, moduleOfFrame }: InspectedRankRun): Promise<void> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await cdp.send("Profiler.start");
  const r = await fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid });
  const { profile } = await cdp.send<{ profile: CpuProfile }>("Profiler.stop");
  const out = join(WORK_DIR, `worker-${page ? "page-" : ""}${noConsumer ? "detached-" : ""}${items}.cpuprofile`);
  writeFileSync(out, JSON.stringify(profile));
  console.log(`load during profile: ${r.achievedRps}/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, workerd ${r.serverCpuPct}% CPU, ${r.serverCpuUsPerRequest} µs/req (profiler overhead included)`);
  summarizeProfile(profile, moduleOfFrame, r.ok, console.log, GAP_AFTER_US);
  console.log(`\nprofile: ${out}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
