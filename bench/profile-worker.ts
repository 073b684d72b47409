// CPU profile of the Worker bundle inside workerd under fixed-rate /v1/rank load, through the V8 inspector
// (Chrome DevTools protocol). Writes bench/.work/worker-<N>.cpuprofile (open it in Chrome DevTools or
// speedscope) and prints where the isolate's time goes: by bundled module and by function.
//
//   npx tsx bench/profile-worker.ts [--items 1000] [--rate 500] [--seconds 6] [--page]
//
// --page: the page benchmark's uncacheable 100 KB storefront page (page.ts: its Node origin on the load generator's
// core, its visitors, 120 of 200 with a profile) at --rate pages a second (200 by default) instead of /v1/rank.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpus } from "node:os";
import { flagOption, numberOption } from "./cli";
import { summarizeProfile, type CpuProfile } from "./cpuprofile";
import { withInspectedRankRun, type InspectedRankRun } from "./inspector";
import { fixedRate, type Target } from "./loadgen";
import { PAGE_RATE, pageLabel, pageView, pageVisitors, startOrigin, storefrontPage } from "./page";
import { planPinning, readWranglerConfig, WORK_DIR } from "./server";
import { catalog, createProfiles } from "./workload";

const items = numberOption("items", 1000);
const page = flagOption("page");
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
  const pinning = planPinning(false, cpus().length);
  const origin = page ? await startOrigin(storefrontPage(catalog(items)), pinning.enabled ? pinning.clientCore : null) : null;
  const cfg = readWranglerConfig();
  try {
    await withInspectedRankRun(page ? "profile-page" : "profile", items, rate, async (run) => {
      let target: Target = run.target;
      if (origin) {
        const visitors = pageVisitors();
        await createProfiles(run.served.url.origin, catalog(items), visitors);
        const requests = Array.from({ length: Math.ceil(rate * (seconds + 2)) }, (_, k) => pageView("/?cache=no", visitors[k % visitors.length]!));
        target = { origin: run.served.url.origin, method: "GET", path: "/", bodies: null, requests, firstByte: true, label: pageLabel };
        // Every visitor's first page and the page path's code warm before the profile starts.
        await fixedRate({ ...target, requests: requests.slice(0, rate * 2) }, { rate, durationS: 2, connections: 64, serverPid: run.served.pid });
        target = { ...target, requests: requests.slice(rate * 2) };
      }
      await profileRun({ ...run, target });
    }, origin ? { ...cfg, vars: { ...cfg.vars, ORIGIN_URL: origin.url } } : cfg);
  } finally {
    origin?.close();
  }
}

async function profileRun({ served, target, cdp, moduleOfFrame }: InspectedRankRun): Promise<void> {
  {
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
    await cdp.send("Profiler.start");
    const r = await fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid });
    const { profile } = await cdp.send<{ profile: CpuProfile }>("Profiler.stop");
    const out = join(WORK_DIR, `worker-${page ? "page-" : ""}${items}.cpuprofile`);
    writeFileSync(out, JSON.stringify(profile));
    console.log(`load during profile: ${r.achievedRps}/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, workerd ${r.serverCpuPct}% CPU, ${r.serverCpuUsPerRequest} µs/req (profiler overhead included)`);
    summarizeProfile(profile, moduleOfFrame, r.ok, console.log, GAP_AFTER_US);
    console.log(`\nprofile: ${out}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
