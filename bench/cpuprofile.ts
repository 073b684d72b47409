// Summaries of V8 CPU profiles (.cpuprofile: Chrome DevTools format), shared by the workerd profiler and for
// Node's --cpu-prof output of the micro-benchmarks:
//
//   npx tsx bench/cpuprofile.ts <file.cpuprofile> [requests] [gap-after-µs]
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/**
 * Sampled time per profile node (µs, by node id). Sample i lasted until sample i+1 (timeDeltas[i + 1]), but at
 * most `gapAfterUs`. Under workerd the sampler takes no samples while the thread is outside the isolate (waiting
 * in its event loop, or the runtime's own C++ between JavaScript turns), so a long delta is not the time of the
 * function sampled before it: a 10k-item rank profile at 46 % CPU (100 µs interval) had a median delta of 181 µs
 * and a p99 of 26 ms, and whatever ran last before each wait (Response, a Durable Object lookup) was charged for
 * it. The cut-off remainder is `gapUs`, charged to no node. The default keeps every delta whole: right for a
 * thread that is busy throughout (Node's --cpu-prof of a benchmark, an isolate's start-up), whose intervals vary
 * too much (from 10 µs to over 1 ms in one start-up profile) for any cut-off derived from them.
 */
export function sampledTimes(profile: CpuProfile, gapAfterUs = Infinity): { selfUs: Map<number, number>; gapUs: number } {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const selfUs = new Map<number, number>();
  let gapUs = 0;
  for (let i = 0; i < samples.length; i++) {
    const delta = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.min(delta, gapAfterUs));
    gapUs += Math.max(0, delta - gapAfterUs);
  }
  return { selfUs, gapUs };
}

/** Inclusive time per label: each node's self time added once to every distinct label on its stack. */
export function inclusiveTimes(profile: CpuProfile, selfUs: ReadonlyMap<number, number>, label: (n: ProfileNode) => string): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = label(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
  return inclusive;
}

/**
 * Prints self time by module and by function, and inclusive time by function. `moduleOf` names a frame's
 * module or package (null for native/V8 frames); `ops` divides times into a per-operation figure; `gapAfterUs`
 * as in sampledTimes.
 */
export function summarizeProfile(profile: CpuProfile, moduleOf: (f: CallFrame) => string | null, ops: number, log: (line: string) => void, gapAfterUs = Infinity): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const { selfUs, gapUs } = sampledTimes(profile, gapAfterUs);
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const label = (n: ProfileNode) => {
    const mod = moduleOf(n.callFrame);
    return mod ? `${n.callFrame.functionName || "(anonymous)"} [${mod}:${n.callFrame.lineNumber + 1}]` : n.callFrame.functionName || "(native)";
  };
  const bySelf = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const key = label(n);
    bySelf.set(key, (bySelf.get(key) ?? 0) + us);
    const mod = moduleOf(n.callFrame) ?? (n.callFrame.functionName || "(native)");
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
  }
  const inclusive = inclusiveTimes(profile, selfUs, label);
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const per = (us: number) => `${(us / ops).toFixed(1).padStart(8)} µs/op`;
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  log(`sampled ${(total / 1000).toFixed(0)} ms over ${ops} operations (${(total / ops).toFixed(1)} µs/op, idle included)`);
  if (gapAfterUs !== Infinity) {
    log(`not sampled: ${(gapUs / 1000).toFixed(0)} ms (${(gapUs / ops).toFixed(1)} µs/op) in gaps over ${(gapAfterUs / 1000).toFixed(2)} ms between samples: idle, or the runtime outside the isolate; charged to no function`);
  }
  log("\nself time by module / package:");
  for (const [k, us] of top(byModule, 18)) log(`  ${pct(us)} ${per(us)}  ${k}`);
  log("\nself time by function:");
  for (const [k, us] of top(bySelf, 25)) log(`  ${pct(us)} ${per(us)}  ${k}`);
  log("\ninclusive time by function:");
  for (const [k, us] of top(inclusive, 30)) log(`  ${pct(us)} ${per(us)}  ${k}`);
}

/** Module of a Node frame: the package under node_modules, or the path relative to the repository. */
export function nodeModuleOf(f: CallFrame): string | null {
  if (!f.url) return null;
  const path = f.url.startsWith("file://") ? fileURLToPath(f.url) : f.url;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (pkg) return pkg[1]!;
  const repo = /\/(shared|workers|bench|scripts)\/(.+)$/.exec(path);
  return repo ? `${repo[1]}/${repo[2]}` : path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [file, ops, gapAfterUs] = process.argv.slice(2);
  if (!file) {
    console.error("usage: npx tsx bench/cpuprofile.ts <file.cpuprofile> [operations] [gap-after-µs]");
    process.exit(2);
  }
  summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, nodeModuleOf, Number(ops ?? 1), console.log, Number(gapAfterUs ?? Infinity));
}
