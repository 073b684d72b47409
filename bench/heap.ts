// Where the isolate's old generation fills from, under fixed-rate /v1/rank load against the bundle in workerd.
// Major GCs are what the rank p99 at 1,000/s is made of (bench/stalls.ts --perf puts 50 % of the 130-260 ms
// stalls in mark and sweep), and a major GC comes when enough promoted garbage has piled up: objects that
// outlived two scavenges and died after. This prints the heap's use second by second, how often the young
// generation is collected and how much each collection frees (from Runtime.getHeapUsage polled back to back),
// and, through V8's sampling heap profiler with objects that die young left out, the allocation sites of what
// reached the old generation.
//
//   npx tsx bench/heap.ts [--items 1000] [--rate 1000] [--seconds 15] [--path /health] [--all-allocations] [--page]
//
// --page: the page scenario's uncacheable 100 KB page (inspector.ts, withInspectedPageRun) at --rate pages a second
// (200 by default), "request" then meaning a page.
import { flagOption, numberOption, option } from "./cli";
import { allocationSites, withInspectedPageRun, withInspectedRankRun, type Cdp, type InspectedRankRun, type SamplingNode } from "./inspector";
import { fixedRate, type Target } from "./loadgen";
import { PAGE_RATE } from "./page";
import { percentileSorted, round } from "./stats";

const page = flagOption("page");
const items = numberOption("items", 1000);
const rate = numberOption("rate", page ? PAGE_RATE : 1000);
const seconds = numberOption("seconds", 15);
/** Another route under the same load (a GET, e.g. /health: the middleware and runtime without any decision). */
const path = option("path", "/v1/rank");
/** Every allocation, not only what outlived the young generation: where the young generation's churn comes from. */
const allAllocations = flagOption("all-allocations");

interface HeapUsage {
  usedSize: number;
  totalSize: number;
}

/** How long the young generation's collections are counted, in the middle of the run. */
const SCAVENGE_WINDOW_MS = 3000;

const mb = (bytes: number) => `${round(bytes / 1e6, 1)} MB`;

/** Young-generation collections seen as drops of the used heap, polling for `ms`. */
async function scavenges(cdp: Cdp, ms: number): Promise<{ polls: number; drops: number[] }> {
  const drops: number[] = [];
  let polls = 0;
  let previous = 0;
  const start = Date.now();
  while (Date.now() - start < ms) {
    const { usedSize } = await cdp.send<HeapUsage>("Runtime.getHeapUsage");
    polls++;
    // A drop smaller than this is noise between two polls of an otherwise growing heap.
    if (usedSize < previous - 100_000) drops.push(previous - usedSize);
    previous = usedSize;
  }
  return { polls, drops };
}

async function main(): Promise<void> {
  if (page) await withInspectedPageRun("heap-page", items, rate, seconds, measure);
  else await withInspectedRankRun("heap", items, rate, measure);
}

async function measure({ served, target: given, cdp, moduleOfFrame }: InspectedRankRun): Promise<void> {
  const target: Target = page || path === "/v1/rank" ? given : { origin: served.url.origin, method: "GET", path, bodies: null };
  const usage = () => cdp.send<HeapUsage>("Runtime.getHeapUsage");
  await cdp.send("HeapProfiler.enable");
  await cdp.send("HeapProfiler.collectGarbage");
  const live = await usage();
  console.log(`live heap after warm-up and a full GC: ${mb(live.usedSize)}`);
  // Objects collected by a minor GC are left out: what remains was promoted (or is still live).
  await cdp.send("HeapProfiler.startSampling", { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: allAllocations });
  const t0 = Date.now();
  const timeline: string[] = [];
  const ticker = setInterval(() => {
    void usage().then((u) => timeline.push(`${round((Date.now() - t0) / 1000, 1)} s ${mb(u.usedSize)} of ${mb(u.totalSize)}`));
  }, 1000);
  const run = fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid });
  // Counted mid-run only: the polling itself costs the isolate a little.
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 500 - SCAVENGE_WINDOW_MS / 2)));
  const young = await scavenges(cdp, SCAVENGE_WINDOW_MS);
  const result = await run;
  clearInterval(ticker);
  // workerd seemed to leave these inspector calls unanswered while the isolate had nothing else to do: a run of
  // /health hung here, where /v1/rank's queue consumer kept the isolate busy. A request every 20 ms wakes it.
  const poke = setInterval(() => void fetch(new URL("/health", served.url)).then((r) => r.arrayBuffer()).catch(() => undefined), 20);
  const { profile } = await cdp.send<{ profile: { head: SamplingNode } }>("HeapProfiler.stopSampling");
  await cdp.send("HeapProfiler.collectGarbage");
  const after = await usage();
  clearInterval(poke);

  console.log(`${page ? "page" : path}, ${items} items, ${rate}/s for ${seconds} s: p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms, ${result.serverCpuUsPerRequest} µs workerd CPU/req`);
  console.log(`heap used, second by second (a fall of tens of MB is a major GC):\n  ${timeline.join("\n  ")}`);
  console.log(`live heap after the run and a full GC: ${mb(after.usedSize)} (before: ${mb(live.usedSize)})`);
  const drops = [...young.drops].sort((a, b) => a - b);
  const freed = drops.reduce((a, b) => a + b, 0);
  console.log(
    `young generation, ${SCAVENGE_WINDOW_MS / 1000} s mid-run (${young.polls} polls): ${drops.length} collections, one every ${round(SCAVENGE_WINDOW_MS / Math.max(1, drops.length))} ms, median ${mb(drops.length > 0 ? percentileSorted(drops, 0.5) : 0)} freed;` +
      ` ≈ ${round(freed / (SCAVENGE_WINDOW_MS / 1000) / rate / 1000, 1)} KB allocated per request`,
  );
  const sites = allocationSites(profile.head, (f) => `${f.functionName || "(anonymous)"} [${moduleOfFrame(f) ?? "runtime"}]`);
  const total = [...sites.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${allAllocations ? "allocated" : "reached the old generation"} during the run (sampled): ${mb(total)}, ${mb(total / seconds)}/s, ${round(total / seconds / rate)} bytes per request; by allocation site:`);
  for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${(round((100 * bytes) / total, 1) + "%").padStart(7)} ${mb(bytes).padStart(9)}  ${site}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
