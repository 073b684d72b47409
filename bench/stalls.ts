// Where a p99 comes from. Runs the rank scenario (or any GET path) at a fixed rate against the bundle in workerd,
// groups every request's latency into stall episodes (consecutive requests over 8 ms), and with --perf records
// workerd's native stacks (`perf record -g`) during the run and breaks its busy stretches down by what the thread
// was doing: D1 / Durable Object SQL, fsync, Durable Object eviction, garbage collection, destruction of request
// and response objects, V8's compile threads. A stall with the server idle points outside workerd (client, kernel).
// It also lists the garbage collections on workerd's thread: each scavenge (or mark-compact) with the epilogue
// after it, in which workerd frees every runtime object (Request, Response, Headers...) whose JavaScript wrapper
// the collection found dead, all of them at once.
//
//   npx tsx bench/stalls.ts [--items 1000] [--rate 1000] [--seconds 8] [--path /health] [--page [--floor]] [--perf [--core]] [--no-consumer]
//
// --page: the page scenario instead (page.ts's uncacheable 100 KB page from its Node origin, its visitors) at --rate
// pages a second (200 by default); the helper opens workerd's inspector, which stays idle.
// --floor (with --page): the same pages through the rewriter floor (page.ts's plain proxy filling the slots with fixed
// HTML, deciding nothing), served alone on the server core: what any Worker rewriting this page pays.
// --core (with --perf): perf records the whole server core instead of workerd's process, and for every slow answer
// lists what the core ran in the 10 ms before it, by process: the Worker's workerd, its D1 workerd (the consumer's
// writes), V8's helper threads, anything else. A thread waiting for the core is invisible in a per-process recording.
//
// This is how the tails of issue 9 were traced (bench/README.md, "What the profile showed").
import { execFile, spawn } from "node:child_process";
import { cpus } from "node:os";
import { join } from "node:path";
import { flagOption, numberOption, option } from "./cli";
import { withInspectedPageRun } from "./inspector";
import { fixedRate, type Target } from "./loadgen";
import { PAGE_RATE, plainProxyOptions, rewriterScript, startOrigin, storefrontPage, uncacheablePageViews, withScript } from "./page";
import { bundleWorker, freshDir, pin, pinServed, planPinning, readWranglerConfig, serve, serveAura, STATE_DIR, stopServed, withoutQueueConsumer, WORK_DIR, type ServedWorker } from "./server";
import { describeTcpLoss } from "./report";
import { catalog, prepareRankRun } from "./workload";

const items = numberOption("items", 1000);
const page = flagOption("page");
const rate = numberOption("rate", page ? PAGE_RATE : 1000);
const seconds = numberOption("seconds", 8);
const path = option("path", "/v1/rank");
const withPerf = flagOption("perf");
/** Without the queue consumer: decisions pile up on the local queue, nothing writes them (diagnostic). */
const noConsumer = flagOption("no-consumer");
const floor = flagOption("floor");
const wholeCore = flagOption("core");

/** A request slower than this is part of an episode; an episode is reported when its worst request passes 15 ms. */
const SLOW_MS = 8;
const REPORT_MS = 15;
const PERF_HZ = 2999;
/** Samples further apart than this (three sampling periods) end a collection. */
const GC_GAP_MS = 3000 / PERF_HZ;
/** A collection is listed when it holds the thread at least this long. */
const GC_REPORT_MS = 5;
/** Perf bins (ms) and the share of samples that makes a bin "busy". */
const BIN_MS = 20;
const BUSY_SHARE = 0.85;

/** A collection's epilogue, where workerd frees the runtime objects whose wrappers it found dead. */
const GC_EPILOGUE = /CallGCEpilogueCallbacks/;

/** First match wins: eviction and fsync stacks also contain SQLite frames. */
const CATEGORIES: { name: string; frame: RegExp }[] = [
  { name: "Durable Object eviction", frame: /Actor::~Actor|ActorContainer::handleShutdown/ },
  { name: "fsync", frame: /fsync/ },
  { name: "D1 / Durable Object SQL", frame: /SqlStorage|sqlite3/ },
  // Inside a GC (minor or major), workerd's epilogue callback destroys at once the C++ objects (requests,
  // responses, headers and their strings) whose JavaScript wrappers the collection found dead.
  { name: "GC epilogue: the runtime frees objects of dead wrappers", frame: GC_EPILOGUE },
  { name: "GC: minor (scavenge, wrapper tracing)", frame: /MinorGC|Scavenge|HeapTracer/ },
  { name: "GC: major (mark, sweep)", frame: /MarkCompact|Sweeper|IncrementalMarking|ConcurrentMarking/ },
  { name: "destroying requests, responses, headers", frame: /~Request|~Response|~Headers|RefToDelete/ },
  { name: "V8 compile threads", frame: /Compile|OptimizingCompileDispatcher/ },
  { name: "JSON", frame: /JsonStringif|JsonParse/ },
];

function episodes(answers: { due: number; ms: number }[], t0: number): string[] {
  answers.sort((a, b) => a.due - b.due);
  const out: string[] = [];
  for (let i = 0; i < answers.length; ) {
    if (answers[i]!.ms <= SLOW_MS) {
      i++;
      continue;
    }
    let j = i;
    let worst = 0;
    while (j < answers.length && answers[j]!.ms > SLOW_MS) worst = Math.max(worst, answers[j++]!.ms);
    if (worst > REPORT_MS) out.push(`  ${((answers[i]!.due - t0) / 1000).toFixed(3)} s: ${j - i} requests over ${SLOW_MS} ms, worst ${worst.toFixed(1)} ms`);
    i = j;
  }
  return out;
}

interface PerfSample {
  comm: string;
  pid: number;
  tid: number;
  /** CLOCK_MONOTONIC, ms. */
  at: number;
  frames: string;
}

/** `perf script` output: one sample per block (header line, then one frame per line). */
function perfSamples(text: string): PerfSample[] {
  const out: PerfSample[] = [];
  for (const block of text.split("\n\n")) {
    const [head, ...frames] = block.split("\n");
    const m = head ? /^\s*(.*?)\s+(\d+)\/(\d+)\s+([\d.]+):/.exec(head) : null;
    if (m) out.push({ comm: m[1]!, pid: Number(m[2]), tid: Number(m[3]), at: Number(m[4]) * 1000, frames: frames.join("\n") });
  }
  return out;
}

const categoryOf = (frames: string): string => CATEGORIES.find((k) => k.frame.test(frames))?.name ?? "other (the Worker's JS, HTTP, the runtime)";

/** What the server core ran in the 10 ms before each slow answer (one line per 30 ms at most), by process. */
function slowAnswers(samples: PerfSample[], answers: { due: number; ms: number }[], t0: number, monoOffset: number, served: ServedWorker): string[] {
  const who = (s: PerfSample) =>
    s.pid === served.pid ? `workerd ${s.comm === "workerd" ? "thread" : s.comm}: ${categoryOf(s.frames)}` : s.pid === served.storage?.pid ? "its D1 workerd" : s.pid === 0 ? "idle" : s.comm;
  const out: string[] = [];
  const firstAt = samples.length ? samples[0]!.at : Infinity;
  let last = -Infinity;
  for (const a of [...answers].sort((x, y) => x.due - y.due)) {
    if (a.ms <= SLOW_MS || a.due - last < 30) continue;
    last = a.due;
    const end = a.due + a.ms + monoOffset;
    const counts = new Map<string, number>();
    let n = 0;
    for (const s of samples) {
      if (s.at < end - 10 || s.at >= end) continue;
      const k = who(s);
      counts.set(k, (counts.get(k) ?? 0) + 1);
      n++;
    }
    const parts = [...counts].sort((x, y) => y[1] - x[1]).map(([k, v]) => `${k} ${Math.round((100 * v) / n)}%`);
    out.push(`  ${((a.due - t0) / 1000).toFixed(3)} s, ${a.ms.toFixed(1)} ms: ${n ? parts.join(", ") : end < firstAt ? "before perf was recording" : "no samples"}`);
  }
  return out.length ? out : ["  none"];
}

function breakdown(samples: { frames: string }[]): string {
  const counts = new Map<string, number>();
  for (const s of samples) {
    const c = categoryOf(s.frames);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${Math.round((100 * n) / samples.length)}%`)
    .join(", ");
}

function busyStretches(samples: { at: number; frames: string }[]): string[] {
  if (samples.length === 0) return ["  no samples"];
  const t0 = samples[0]!.at;
  const bins = new Map<number, { at: number; frames: string }[]>();
  for (const s of samples) {
    const b = Math.floor((s.at - t0) / BIN_MS);
    const bin = bins.get(b);
    if (bin) bin.push(s);
    else bins.set(b, [s]);
  }
  const full = (BIN_MS / 1000) * PERF_HZ;
  const last = Math.max(...bins.keys());
  const out: string[] = [];
  const inStretches: { frames: string }[] = [];
  for (let i = 0; i <= last; ) {
    if ((bins.get(i)?.length ?? 0) < BUSY_SHARE * full) {
      i++;
      continue;
    }
    let j = i;
    const stretch: { frames: string }[] = [];
    while (j <= last && (bins.get(j)?.length ?? 0) >= BUSY_SHARE * full) stretch.push(...bins.get(j++)!);
    inStretches.push(...stretch);
    if ((j - i) * BIN_MS >= 40) out.push(`  ${((i * BIN_MS) / 1000).toFixed(2)} s, ${(j - i) * BIN_MS} ms: ${breakdown(stretch)}`);
    i = j;
  }
  out.push(`  all busy stretches (${inStretches.length} samples): ${inStretches.length ? breakdown(inStretches) : "none"}`);
  out.push(`  whole run (${samples.length} samples): ${breakdown(samples)}`);
  return out;
}

/** What a sample says about garbage collection on the thread, if anything. */
function gcPhase(frames: string): "epilogue" | "scavenge" | "mark-compact" | null {
  if (GC_EPILOGUE.test(frames)) return "epilogue";
  if (/Scaveng/.test(frames)) return "scavenge";
  if (/MarkCompact|IncrementalMarking|Sweeper|MarkingVisitor/.test(frames)) return "mark-compact";
  return null;
}

/**
 * The collections on workerd's busiest thread (its event loop): runs of consecutive GC samples, each with its
 * collector and its epilogue, the runtime freeing what the collection found dead.
 */
function gcPauses(samples: PerfSample[]): string[] {
  const perThread = new Map<number, number>();
  for (const s of samples) perThread.set(s.tid, (perThread.get(s.tid) ?? 0) + 1);
  const loop = [...perThread].sort((a, b) => b[1] - a[1])[0]?.[0];
  const mine = samples.filter((s) => s.tid === loop);
  if (mine.length === 0) return ["  no samples"];
  const period = 1000 / PERF_HZ;
  const pauses: { at: number; collector: number; epilogue: number; kind: "scavenge" | "mark-compact" }[] = [];
  let last = -Infinity;
  for (const s of mine) {
    const phase = gcPhase(s.frames);
    if (phase === null) continue;
    let cur = pauses[pauses.length - 1];
    if (!cur || s.at - last > GC_GAP_MS) {
      cur = { at: s.at - mine[0]!.at, collector: 0, epilogue: 0, kind: "scavenge" };
      pauses.push(cur);
    }
    if (phase === "epilogue") cur.epilogue += period;
    else cur.collector += period;
    if (phase === "mark-compact") cur.kind = "mark-compact";
    last = s.at;
  }
  const long = pauses.filter((p) => p.collector + p.epilogue >= GC_REPORT_MS);
  const spanS = (mine[mine.length - 1]!.at - mine[0]!.at) / 1000;
  const epilogueMs = pauses.reduce((a, p) => a + p.epilogue, 0);
  const collectorMs = pauses.reduce((a, p) => a + p.collector, 0);
  return [
    `  ${pauses.length} collections in ${spanS.toFixed(1)} s: collector ${collectorMs.toFixed(0)} ms, epilogue ${epilogueMs.toFixed(0)} ms (${((100 * epilogueMs) / (mine.length * period)).toFixed(1)} % of the thread's busy samples); ${long.length} of them held the thread ${GC_REPORT_MS} ms or more:`,
    ...long.map((p) => `    ${(p.at / 1000).toFixed(2)} s: ${p.kind} ${p.collector.toFixed(1)} ms, then epilogue ${p.epilogue.toFixed(1)} ms`),
  ];
}

/** The page scenario through the rewriter floor: its origin and visitors, no aura. */
async function measureFloor(): Promise<void> {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  const origin = await startOrigin(storefrontPage(catalog(items)), pinning.enabled ? pinning.clientCore! : null);
  try {
    const served = await serve(withScript(plainProxyOptions([], readWranglerConfig(), origin.url), rewriterScript(true)), "plain-proxy", []);
    try {
      if (pinning.enabled) pinServed(served, pinning.serverCore!);
      const requests = uncacheablePageViews(Math.ceil(rate * (seconds + 2)));
      const target: Target = { origin: served.url.origin, method: "GET", path: "/", bodies: null, requests, firstByte: true };
      // The same 2 s unmeasured warm-up as aura's page run.
      await fixedRate({ ...target, requests: requests.slice(0, rate * 2) }, { rate, durationS: 2, connections: 64, serverPid: served.pid });
      await measure(served, { ...target, requests: requests.slice(rate * 2) }, `page through the rewriter floor, ${items} items`);
    } finally {
      await stopServed(served);
    }
  } finally {
    origin.close();
  }
}

async function main() {
  if (page && floor) {
    await measureFloor();
    return;
  }
  if (page) {
    await withInspectedPageRun("stalls-page", items, rate, seconds, ({ served, target }) => measure(served, target, `page, ${items} items`), noConsumer ? withoutQueueConsumer : undefined);
    return;
  }
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  const bundle = bundleWorker();
  const logs: string[] = [];
  const served = await serveAura(bundle.path, freshDir(join(STATE_DIR, "stalls")), logs, undefined, noConsumer ? withoutQueueConsumer : undefined);
  try {
    if (pinning.enabled) pinServed(served, pinning.serverCore!);
    const rank = await prepareRankRun(served, items, rate);
    const target: Target = path === "/v1/rank" ? rank.target : { origin: served.url.origin, method: "GET", path, bodies: null };
    if (path !== "/v1/rank") await fixedRate(target, { rate, durationS: 3, connections: 64, serverPid: served.pid });
    await measure(served, target, `${path}, ${items} items`);
  } finally {
    await stopServed(served);
  }
}

/** The measured run: latencies grouped into episodes, and (--perf) workerd's thread broken down. */
async function measure(served: ServedWorker, target: Target, label: string): Promise<void> {
  const perfData = join(WORK_DIR, "stalls.perf.data");
  const core = planPinning(false, cpus().length).serverCore;
  if (wholeCore && core === null) throw new Error("--core needs the server pinned to a core of its own (2 cores or more)");
  const scope = wholeCore ? ["-C", String(core)] : ["-p", String(served.pid)];
  const perf = withPerf && served.pid ? spawn("perf", ["record", "-F", String(PERF_HZ), "-g", "-k", "CLOCK_MONOTONIC", ...scope, "-o", perfData], { stdio: "ignore" }) : null;
  const answers: { due: number; ms: number }[] = [];
  const t0 = performance.now();
  // performance.now() is CLOCK_MONOTONIC less a constant on Linux: this puts answers on perf's clock.
  const monoOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  const r = await fixedRate(target, { rate, durationS: seconds, connections: 64, serverPid: served.pid, onAnswer: (due, ms) => answers.push({ due, ms }) });
  if (perf) {
    perf.kill("SIGINT");
    await new Promise((resolve) => perf.on("exit", resolve));
  }
  console.log(`${label}, ${rate} req/s for ${seconds} s${noConsumer ? ", consumer detached" : ""}: p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms, ${r.serverCpuUsPerRequest} µs workerd CPU/req, client send lag p99 ${r.sendLagMs?.p99} ms${r.tcpLoss ? `, ${describeTcpLoss(r.tcpLoss)}` : ""}`);
  console.log(`stall episodes (time from the start of the run):`);
  console.log(episodes(answers, t0).join("\n") || "  none");
  if (perf) {
    const text = await new Promise<string>((resolve, reject) =>
      execFile("perf", ["script", "-i", perfData, "-F", "comm,pid,tid,time,ip,sym"], { maxBuffer: 1 << 30 }, (err, out) => (err ? reject(err) : resolve(out))),
    );
    const all = perfSamples(text);
    // The breakdowns below are of the Worker's own workerd; the whole core's samples serve the slow answers.
    const samples = all.filter((x) => x.pid === served.pid);
    if (wholeCore) {
      console.log(`slow answers (over ${SLOW_MS} ms, one per 30 ms): what the server core ran in the 10 ms before each, by process and, for the Worker's workerd, by what its thread was doing:`);
      console.log(slowAnswers(all, answers, t0, monoOffset, served).join("\n"));
    }
    console.log(`workerd busy stretches (≥ ${BUSY_SHARE * 100}% of ${BIN_MS} ms bins sampled busy; perf's clock, starts with the run):`);
    console.log(busyStretches(samples).join("\n"));
    console.log(`garbage collections on workerd's event-loop thread (perf's clock, from its first sample):`);
    console.log(gcPauses(samples).join("\n"));
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
