// CPU profile of the Worker bundle inside workerd under fixed-rate /v1/rank load, through the V8 inspector
// (Chrome DevTools protocol). Writes bench/.work/worker-<N>.cpuprofile (open it in Chrome DevTools or
// speedscope) and prints where the isolate's time goes: by bundled module and by function.
//
//   npx tsx bench/profile-worker.ts [--items 1000] [--rate 500] [--seconds 6]
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { WebSocket } from "undici";
import { numberOption } from "./cli";
import { fixedRate } from "./loadgen";
import { bundleWorker, freshDir, pin, pinServed, planPinning, serveAura, STATE_DIR, stopServed, WORK_DIR } from "./server";
import { prepareRankRun } from "./workload";
import { cpus } from "node:os";
import { summarizeProfile, type CpuProfile } from "./cpuprofile";

const items = numberOption("items", 1000);
const rate = numberOption("rate", 500);
const seconds = numberOption("seconds", 6);

/** esbuild leaves a `// path/to/module.ts` comment before each module: line -> module. */
function moduleMarkers(bundle: string): { line: number; module: string }[] {
  const out: { line: number; module: string }[] = [];
  bundle.split("\n").forEach((l, i) => {
    const m = /^\/\/ ((?:node_modules|shared|workers|\.\.)\/\S+\.(?:m?js|ts))$/.exec(l);
    if (m) out.push({ line: i, module: m[1]! });
  });
  return out;
}

function moduleOf(markers: { line: number; module: string }[], line: number): string {
  let lo = 0;
  let hi = markers.length - 1;
  let found = "(bundle prelude)";
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (markers[mid]!.line <= line) {
      found = markers[mid]!.module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Groups a module path into a package (node_modules/x) or its source file. */
function groupOf(module: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return m ? m[1]! : module;
}

class Cdp {
  private nextId = 1;
  private pending = new Map<number, (v: unknown) => void>();
  constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: unknown };
      if (msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg.error ? Promise.reject(new Error(JSON.stringify(msg.error))) : msg.result);
        this.pending.delete(msg.id);
      }
    });
  }
  static async connect(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.addEventListener("open", resolve, { once: true });
      ws.addEventListener("error", reject, { once: true });
    });
    return new Cdp(ws);
  }
  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise<T>((resolve) => this.pending.set(id, resolve as (v: unknown) => void));
  }
  close() {
    this.ws.close();
  }
}

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

    const inspector = await served.mf.getInspectorURL();
    const list = (await (await fetch(`http://${inspector.host}/json/list`)).json()) as { title?: string; id?: string; webSocketDebuggerUrl?: string }[];
    const entry = list.find((t) => (t.title ?? t.id ?? "").includes("aura")) ?? list[0];
    if (!entry?.webSocketDebuggerUrl) throw new Error(`no inspector target: ${JSON.stringify(list)}`);
    const cdp = await Cdp.connect(entry.webSocketDebuggerUrl);
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
