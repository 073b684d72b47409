// CPU profile of the Worker bundle inside workerd under fixed-rate /v1/rank load, through the V8 inspector
// (Chrome DevTools protocol). Writes bench/.work/worker-<N>.cpuprofile (open it in Chrome DevTools or
// speedscope) and prints where the isolate's time goes: by bundled module and by function.
//
//   npx tsx bench/profile-worker.ts [--items 1000] [--rate 500] [--seconds 6]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { numberOption } from "./cli";
import { fixedRate } from "./loadgen";
import { bundleWorker, freshDir, pin, pinServed, planPinning, serveAura, STATE_DIR, stopServed, WORK_DIR } from "./server";
import { prepareRankRun } from "./workload";
import { cpus } from "node:os";
import { summarizeProfile, type CpuProfile } from "./cpuprofile";
import { connectAuraInspector, groupOf, moduleMarkers, moduleOf } from "./inspector";

const items = numberOption("items", 1000);
const rate = numberOption("rate", 500);
const seconds = numberOption("seconds", 6);

async function main() {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  const bundle = bundleWorker();
  const bundleText = readFileSync(bundle.path, "utf8");
  const markers = moduleMarkers(bundleText);
  const logs: string[] = [];
  const persist = freshDir(join(STATE_DIR, "profile"));
  const served = await serveAura(bundle.path, persist, logs, undefined, (o) => ({ ...o, inspectorPort: 0 }));
  try {
    if (pinning.enabled) pinServed(served, pinning.serverCore!);
    const { target } = await prepareRankRun(served, items, rate);

    const cdp = await connectAuraInspector(served);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
    const r = await fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid });
    const { profile } = await cdp.send<{ profile: CpuProfile }>("Profiler.stop");
    cdp.close();
    const out = join(WORK_DIR, `worker-${items}.cpuprofile`);
    writeFileSync(out, JSON.stringify(profile));
    console.log(`load during profile: ${r.achievedRps}/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, workerd ${r.serverCpuPct}% CPU, ${r.serverCpuUsPerRequest} µs/req (profiler overhead included)`);
    summarizeProfile(profile, (f) => (f.url ? groupOf(moduleOf(markers, f.lineNumber)) : null), r.ok, console.log);
    console.log(`\nprofile: ${out}`);
  } finally {
    await stopServed(served);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
