// What a fresh isolate spends before it can answer its first request: the bundle's top-level evaluation (module
// scope: schemas built, configuration parsed, tables compiled), sampled with `wrangler check startup` (workerd's
// own start-up profiler over the deploy bundle). Cloudflare rejects a Worker whose start-up takes more than its
// limit, and every cold isolate makes its first visitor wait this long; the work also stays in the heap that
// every major GC marks. Each run is a fresh workerd; the sampler ticks about once a millisecond, so the median
// of several runs is the figure, and the functions are the ones whose inclusive time passed --min-ms in the
// median run.
//
//   npx tsx bench/startup.ts [--runs 7] [--min-ms 3]
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inclusiveTimes, sampledTimes, type CpuProfile } from "./cpuprofile";
import { numberOption } from "./cli";
import { freshDir, ROOT, WORK_DIR } from "./server";
import { round } from "./stats";

const runs = numberOption("runs", 7);
const minMs = numberOption("min-ms", 3);

interface StartupRun {
  /** Sampled time the thread was not idle: evaluation, compilation, garbage collection. */
  busyMs: number;
  gcMs: number;
  /** Inclusive sampled time by function name (each name once per stack). */
  byFunction: Map<string, number>;
}

function analyse(profile: CpuProfile): StartupRun {
  // Every delta whole: the thread is busy evaluating the bundle throughout, and workerd marks its waits "(idle)".
  const { selfUs } = sampledTimes(profile);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let busyUs = 0;
  let gcUs = 0;
  for (const [id, us] of selfUs) {
    const name = byId.get(id)!.callFrame.functionName;
    if (name === "(idle)") continue;
    busyUs += us;
    if (name === "(garbage collector)") gcUs += us;
  }
  // By function name, the root and anonymous frames left out; idle samples count only under "(idle)".
  const byFunction = inclusiveTimes(profile, selfUs, (n) => n.callFrame.functionName);
  for (const skip of ["", "(root)", "(idle)"]) byFunction.delete(skip);
  return { busyMs: busyUs / 1000, gcMs: gcUs / 1000, byFunction: new Map([...byFunction].map(([k, us]) => [k, us / 1000])) };
}

const dir = freshDir(join(WORK_DIR, "startup"));
const results: StartupRun[] = [];
for (let i = 0; i < runs; i++) {
  const outfile = join(dir, `startup-${i}.cpuprofile`);
  execFileSync("npx", ["wrangler", "check", "startup", "--outfile", outfile], { cwd: ROOT, stdio: "ignore" });
  const run = analyse(JSON.parse(readFileSync(outfile, "utf8")) as CpuProfile);
  console.log(`  run ${i + 1}: ${round(run.busyMs, 1)} ms busy, ${round(run.gcMs, 1)} ms of it garbage collection`);
  results.push(run);
}
const byBusy = [...results].sort((a, b) => a.busyMs - b.busyMs);
const median = byBusy[Math.floor((byBusy.length - 1) / 2)]!;
console.log(
  `start-up, ${runs} fresh isolates (wrangler check startup): median ${round(median.busyMs, 1)} ms busy ` +
    `(${round(median.gcMs, 1)} ms garbage collection), min ${round(byBusy[0]!.busyMs, 1)}, max ${round(byBusy.at(-1)!.busyMs, 1)}`,
);
console.log(`functions over ${minMs} ms in the median run (inclusive):`);
for (const [fn, ms] of [...median.byFunction].sort((a, b) => b[1] - a[1])) if (ms >= minMs) console.log(`  ${round(ms, 1).toString().padStart(7)} ms  ${fn}`);
