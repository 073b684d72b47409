// The V8 inspector (Chrome DevTools protocol) of the aura isolate inside workerd, for the profiling tools
// (profile-worker.ts: CPU; heap.ts: the heap and what reaches its old generation).
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import type { MiniflareOptions } from "miniflare";
import { WebSocket } from "undici";
import { fixedRate, type Target } from "./loadgen";
import { pageAuraConfig, pageLabel, pageVisitors, startOrigin, storefrontPage, uncacheablePageViews } from "./page";
import { bundleWorker, freshDir, pin, pinServed, planPinning, readWranglerConfig, serveAura, STATE_DIR, stopServed, type ServedWorker, type WranglerConfig } from "./server";
import { catalog, createProfiles, prepareRankRun } from "./workload";

export class Cdp {
  private nextId = 1;
  private pending = new Map<number, (v: unknown) => void>();
  private listeners: ((method: string, params: unknown) => void)[] = [];
  constructor(private readonly ws: WebSocket) {
    ws.addEventListener("message", (ev) => {
      const msg = JSON.parse(String(ev.data)) as { id?: number; result?: unknown; error?: unknown; method?: string; params?: unknown };
      if (msg.id !== undefined) {
        this.pending.get(msg.id)?.(msg.error ? Promise.reject(new Error(JSON.stringify(msg.error))) : msg.result);
        this.pending.delete(msg.id);
      } else if (msg.method !== undefined) {
        for (const listener of this.listeners) listener(msg.method, msg.params);
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
  /** Protocol events (messages without an id), e.g. HeapProfiler.addHeapSnapshotChunk. */
  onEvent(listener: (method: string, params: unknown) => void): void {
    this.listeners.push(listener);
  }
  close() {
    this.ws.close();
  }
}

/** The inspector of the named Worker's isolate (served with `inspectorPort: 0`): aura's by default. */
export async function connectInspector(served: ServedWorker, workerName = "aura"): Promise<Cdp> {
  const inspector = await served.mf.getInspectorURL();
  const list = (await (await fetch(`http://${inspector.host}/json/list`)).json()) as { title?: string; id?: string; webSocketDebuggerUrl?: string }[];
  const entry = list.find((t) => (t.title ?? t.id ?? "").includes(workerName)) ?? list[0];
  if (!entry?.webSocketDebuggerUrl) throw new Error(`no inspector target: ${JSON.stringify(list)}`);
  return Cdp.connect(entry.webSocketDebuggerUrl);
}

/** esbuild leaves a `// path/to/module.ts` comment before each module: line -> module. */
export function moduleMarkers(bundle: string): { line: number; module: string }[] {
  const out: { line: number; module: string }[] = [];
  bundle.split("\n").forEach((l, i) => {
    const m = /^\/\/ ((?:node_modules|shared|workers|\.\.)\/\S+\.(?:m?js|ts))$/.exec(l);
    if (m) out.push({ line: i, module: m[1]! });
  });
  return out;
}

export function moduleOf(markers: { line: number; module: string }[], line: number): string {
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

/**
 * The module a profiled frame belongs to: a frame of the bundle by its line (moduleOf, grouped by package), one of
 * the runtime's own scripts (`cloudflare-internal:d1-api`, `node-internal:internal_timers`, ...) by its URL, and
 * null for a frame with none (native code). Until 2026-11-22 every frame with a URL was looked up in the bundle's
 * lines, so the runtime's D1, rate-limit and timer scripts were charged to whichever bundled module sat at their
 * line numbers: 12 µs per rank request went to @anthropic-ai/sdk, which the rank path never calls.
 */
export function frameModule(markers: { line: number; module: string }[], bundlePath: string, frame: { url: string; lineNumber: number }): string | null {
  if (!frame.url) return null;
  // V8 names the bundle by the path workerd was given (relative here) or as a file:// URL.
  const inBundle = bundlePath.endsWith(frame.url) || frame.url.endsWith(bundlePath);
  return inBundle ? groupOf(moduleOf(markers, frame.lineNumber)) : frame.url;
}

/** Groups a module path into a package (node_modules/x) or its source file. */
export function groupOf(module: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(module);
  return m ? m[1]! : module;
}

export interface InspectedRankRun {
  served: ServedWorker;
  /** The rank scenario's requests (prepareRankRun: catalog, stored profiles, warm-up done). */
  target: Target;
  cdp: Cdp;
  /** The module of a frame V8 reports (frameModule over this run's bundle). */
  moduleOfFrame: (frame: { url: string; lineNumber: number }) => string | null;
}

/**
 * The rank scenario against the bundle in a pinned workerd with its inspector open: `body` profiles it, then the
 * inspector is closed and workerd stopped. `stateName` names its state directory.
 */
export async function withInspectedRankRun<T>(
  stateName: string,
  items: number,
  rate: number,
  body: (run: InspectedRankRun) => Promise<T>,
  cfg?: WranglerConfig,
  adjust: (options: MiniflareOptions) => MiniflareOptions = (o) => o,
): Promise<T> {
  const pinning = planPinning(false, cpus().length);
  if (pinning.enabled) pin(process.pid, pinning.clientCore!);
  const bundle = bundleWorker();
  const markers = moduleMarkers(readFileSync(bundle.path, "utf8"));
  const served = await serveAura(bundle.path, freshDir(join(STATE_DIR, stateName)), [], cfg, (o) => ({ ...adjust(o), inspectorPort: 0 }));
  try {
    if (pinning.enabled) pinServed(served, pinning.serverCore!);
    const { target } = await prepareRankRun(served, items, rate);
    const cdp = await connectInspector(served);
    try {
      return await body({ served, target, cdp, moduleOfFrame: (frame) => frameModule(markers, bundle.path, frame) });
    } finally {
      cdp.close();
    }
  } finally {
    await stopServed(served);
  }
}

/** A node of V8's sampling heap profile (HeapProfiler.stopSampling). */
export interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

/** Sampled bytes per allocating function and its caller, each named by `label`. */
export function allocationSites(head: SamplingNode, label: (frame: SamplingNode["callFrame"]) => string): Map<string, number> {
  const sites = new Map<string, number>();
  const walk = (n: SamplingNode, caller: string) => {
    const name = label(n.callFrame);
    if (n.selfSize > 0) {
      const key = `${name} <- ${caller}`;
      sites.set(key, (sites.get(key) ?? 0) + n.selfSize);
    }
    for (const child of n.children) walk(child, name);
  };
  walk(head, "(root)");
  return sites;
}

/**
 * withInspectedRankRun with the page scenario's load instead: its 100 KB storefront page from a Node origin on the
 * load generator's core (page.ts), not cacheable, viewed by its 200 visitors (120 with a profile) with consent.
 * `target` holds `seconds` of page views at `rate` after a 2 s unmeasured warm-up the helper has already run.
 */
export async function withInspectedPageRun<T>(
  stateName: string,
  items: number,
  rate: number,
  seconds: number,
  body: (run: InspectedRankRun) => Promise<T>,
  adjust?: (options: MiniflareOptions) => MiniflareOptions,
): Promise<T> {
  const pinning = planPinning(false, cpus().length);
  const origin = await startOrigin(storefrontPage(catalog(items)), pinning.enabled ? pinning.clientCore : null);
  const cfg = readWranglerConfig();
  try {
    return await withInspectedRankRun(
      stateName,
      items,
      rate,
      async (run) => {
        const visitors = pageVisitors();
        await createProfiles(run.served.url.origin, catalog(items), visitors);
        const warmCount = rate * 2;
        const requests = uncacheablePageViews(warmCount + Math.ceil(rate * seconds));
        const target: Target = { origin: run.served.url.origin, method: "GET", path: "/", bodies: null, requests, firstByte: true, label: pageLabel };
        // Every visitor's first page and the page path's code warm before the body measures.
        await fixedRate({ ...target, requests: requests.slice(0, warmCount) }, { rate, durationS: 2, connections: 64, serverPid: run.served.pid });
        return body({ ...run, target: { ...target, requests: requests.slice(warmCount) } });
      },
      pageAuraConfig(cfg, origin.url),
      adjust,
    );
  } finally {
    origin.close();
  }
}
