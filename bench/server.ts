// Serving the Worker for the HTTP benchmarks: bundle it like a deploy (`wrangler deploy --dry-run`), run the
// bundle in workerd through Miniflare's programmatic API with wrangler.toml's bindings, and reach it on a
// direct workerd socket (no entry worker, no Node proxy). Also: CPU pinning and per-process CPU accounting.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, mkdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { Miniflare, type MiniflareOptions, type WorkerOptions } from "miniflare";
import { sleep } from "./stats";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
export const BUNDLE_DIR = join(ROOT, "bench", ".bundle");
export const WORK_DIR = join(ROOT, "bench", ".work");
/**
 * Where the served Worker keeps its local D1 and Durable Object state: memory-backed when the machine has
 * /dev/shm. Locally, SQLite's commits and checkpoints (every D1 batch, every Durable Object closing) fsync on
 * workerd's one thread, in the middle of the requests being timed; on ext4 here that stalled the thread for
 * 50–280 ms a few times a run (seen with `perf record`). In production that storage lives elsewhere and never
 * blocks the Worker's thread, so the bench keeps it in memory. The SQL work itself still runs, on that thread.
 */
export const STATE_DIR = (() => {
  try {
    if (statSync("/dev/shm").isDirectory()) return join("/dev/shm", `aura-bench-${process.getuid?.() ?? 0}`);
  } catch {
    // No /dev/shm (not Linux): disk it is.
  }
  return WORK_DIR;
})();

type TomlValue = string | number | boolean | string[];
type TomlTable = Record<string, TomlValue>;

/**
 * Just enough TOML for wrangler.toml: top-level keys, [tables], [[arrays of tables]], and string / number /
 * boolean / string-array values on one line. Returns tables keyed by header ("" for the top level); arrays of
 * tables as arrays.
 */
export function parseWranglerToml(text: string): { top: TomlTable; tables: Record<string, TomlTable>; arrays: Record<string, TomlTable[]> } {
  const top: TomlTable = {};
  const tables: Record<string, TomlTable> = {};
  const arrays: Record<string, TomlTable[]> = {};
  let current = top;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\s+#.*$/, "").trim();
    if (!line || line.startsWith("#")) continue;
    let m: RegExpExecArray | null;
    if ((m = /^\[\[([\w.]+)\]\]$/.exec(line))) {
      current = {};
      (arrays[m[1]!] ??= []).push(current);
    } else if ((m = /^\[([\w.]+)\]$/.exec(line))) {
      current = tables[m[1]!] ??= {};
    } else if ((m = /^([\w-]+)\s*=\s*(.+)$/.exec(line))) {
      const v = m[2]!.trim();
      current[m[1]!] = v.startsWith("{")
        ? v // an inline table, kept as its text
        : v.startsWith("[")
        ? (JSON.parse(v) as string[])
        : v.startsWith('"')
          ? (JSON.parse(v) as string)
          : v === "true" || v === "false"
            ? v === "true"
            : Number(v);
    }
  }
  return { top, tables, arrays };
}

export interface WranglerConfig {
  compatibilityDate: string;
  compatibilityFlags: string[];
  vars: Record<string, string>;
  d1: { binding: string; databaseId: string };
  /** Every [[durable_objects.bindings]] entry: the visitor profiles and the bandit shards. */
  durableObjects: { binding: string; className: string; sqlite: boolean }[];
  queueProducer: { binding: string; queue: string };
  /** Every [[queues.consumers]] entry: the main queue and its dead-letter queue. */
  queueConsumers: { queue: string; maxBatchSize?: number; maxBatchTimeout?: number; maxRetries?: number; deadLetterQueue?: string }[];
  /** The [[ratelimits]] bindings: name and period (their limits are raised for the bench, see auraOptions). */
  rateLimits: { name: string; period: number }[];
}

/** The bindings and settings the benchmark reproduces, read from wrangler.toml (so the two cannot drift). */
export function readWranglerConfig(): WranglerConfig {
  const { top, tables, arrays } = parseWranglerToml(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new Error(`wrangler.toml: expected ${what}`);
    return v;
  };
  const d1 = need(arrays.d1_databases?.[0], "a [[d1_databases]] entry");
  const dobs = need(arrays["durable_objects.bindings"], "[[durable_objects.bindings]] entries");
  const producer = need(arrays["queues.producers"]?.[0], "a [[queues.producers]] entry");
  const consumers = need(arrays["queues.consumers"], "[[queues.consumers]] entries");
  const sqliteClasses = (arrays.migrations ?? []).flatMap((m) => (Array.isArray(m.new_sqlite_classes) ? m.new_sqlite_classes : []));
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(tables.vars ?? {})) vars[k] = String(v);
  const num = (v: TomlValue | undefined) => (typeof v === "number" ? v : undefined);
  // `simple = { limit = 600, period = 60 }` is an inline table, which the little parser keeps as text.
  const rateLimits = (arrays.ratelimits ?? []).map((r) => ({ name: String(r.name), period: Number(/period\s*=\s*(\d+)/.exec(String(r.simple))?.[1] ?? "60") }));
  return {
    compatibilityDate: String(need(top.compatibility_date, "compatibility_date")),
    compatibilityFlags: Array.isArray(top.compatibility_flags) ? top.compatibility_flags : [],
    vars,
    d1: { binding: String(d1.binding), databaseId: String(d1.database_id) },
    durableObjects: dobs.map((dob) => ({ binding: String(dob.name), className: String(dob.class_name), sqlite: sqliteClasses.includes(String(dob.class_name)) })),
    queueProducer: { binding: String(producer.binding), queue: String(producer.queue) },
    queueConsumers: consumers.map((consumer) => ({
      queue: String(consumer.queue),
      ...(num(consumer.max_batch_size) !== undefined ? { maxBatchSize: num(consumer.max_batch_size)! } : {}),
      ...(num(consumer.max_batch_timeout) !== undefined ? { maxBatchTimeout: num(consumer.max_batch_timeout)! } : {}),
      ...(num(consumer.max_retries) !== undefined ? { maxRetries: num(consumer.max_retries)! } : {}),
      ...(typeof consumer.dead_letter_queue === "string" ? { deadLetterQueue: consumer.dead_letter_queue } : {}),
    })),
    rateLimits,
  };
}

/**
 * The bench's rate limits: every [[ratelimits]] binding is bound, so each public request pays the checks a
 * deployment does (an HMAC of the client address, the per-visitor key read from the body, the counters), but at a
 * limit no run reaches. wrangler.toml's own limits are per visitor per minute, and the bench's 1,000 visitors at
 * 1,000-4,000 requests a second would be refused within seconds: a real site at that rate has tens of thousands.
 */
export const BENCH_RATE_LIMIT = 1_000_000_000;

/** Secrets (.dev.vars in development) get fixed bench values; they are not in wrangler.toml. */
export const BENCH_SECRETS = { ADMIN_API_KEY: "bench-admin-key", VISITOR_ID_SALT: "bench-salt" } as const;

/**
 * `wrangler deploy --dry-run --outdir bench/.bundle`: the exact module a deploy would upload. `root` and `outDir`
 * bundle another checkout (bench/ab.ts builds the commit it compares with).
 */
export function bundleWorker(root = ROOT, outDir = BUNDLE_DIR): { path: string; bytes: number } {
  rmSync(outDir, { recursive: true, force: true });
  // The Worker imports the storefront SDK's generated module (workers/generated/sdk.ts, not committed): build it
  // here too, so the profiling tools run straight after a clone, not only through `npm run bench` (0.4 s).
  execFileSync("node", ["scripts/build-sdk.mjs"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  // Every tool bundles first, then writes its scratch (profiles, pages, perf data) under bench/.work.
  mkdirSync(WORK_DIR, { recursive: true });
  execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--outdir", outDir], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" },
  });
  const path = join(outDir, "index.js");
  if (!existsSync(path)) throw new Error(`wrangler did not write ${path}`);
  return { path, bytes: statSync(path).size };
}

export interface ServedWorker {
  mf: Miniflare;
  url: URL;
  /** workerd's process id (null if it could not be found). */
  pid: number | null;
  /** Lines the Worker logged (console.*), for counting warnings. */
  logs: string[];
  /** The workerd serving its D1 database, when that is a process of its own (`serveAura`). */
  storage?: ServedWorker;
}

function captureStdio(logs: string[]) {
  return (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
    for (const stream of [stdout, stderr]) {
      let partial = "";
      stream.on("data", (chunk: Buffer | string) => {
        const lines = (partial + chunk.toString()).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) if (line.trim() && logs.length < 100_000) logs.push(line);
      });
    }
  };
}

/**
 * Options for the aura bundle, configured like wrangler.toml; state persisted under `persistDir`. With `d1Url`,
 * the D1 binding reaches a database served by another workerd (`serveD1`) over HTTP instead of one emulated
 * inside this workerd.
 */
export function auraOptions(bundlePath: string, persistDir: string, logs: string[], cfg: WranglerConfig = readWranglerConfig(), d1Url?: URL): MiniflareOptions {
  return {
    host: "127.0.0.1",
    port: 0,
    handleRuntimeStdio: captureStdio(logs),
    defaultPersistRoot: persistDir,
    d1Persist: join(persistDir, "d1"),
    durableObjectsPersist: join(persistDir, "do"),
    workers: [
      {
        name: "aura",
        scriptPath: bundlePath,
        modules: true,
        compatibilityDate: cfg.compatibilityDate,
        compatibilityFlags: cfg.compatibilityFlags,
        bindings: { ...cfg.vars, ...BENCH_SECRETS },
        // Miniflare's remote-binding client: the binding is still workerd's own D1 API; its inner fetcher posts
        // each query to `d1Url` (the URL type is branded in Miniflare's typings, hence the cast).
        d1Databases: { [cfg.d1.binding]: d1Url ? { id: cfg.d1.databaseId, remoteProxyConnectionString: d1Url as never } : cfg.d1.databaseId },
        // Locally an idle Durable Object is evicted on workerd's one thread, closing (and checkpointing) its
        // SQLite database there; a thousand visitors going idle together stalled requests for 100+ ms. In
        // production eviction happens in the object's own process, so the bench keeps objects resident.
        durableObjects: Object.fromEntries(cfg.durableObjects.map((d) => [d.binding, { className: d.className, useSQLite: d.sqlite, unsafePreventEviction: true }])),
        queueProducers: { [cfg.queueProducer.binding]: { queueName: cfg.queueProducer.queue } },
        ratelimits: Object.fromEntries(cfg.rateLimits.map((r) => [r.name, { simple: { limit: BENCH_RATE_LIMIT, period: r.period } }])),
        // The dead-letter queue's consumer too: a message the main queue gives up on is parked in D1, as deployed.
        queueConsumers: Object.fromEntries(cfg.queueConsumers.map(({ queue, ...settings }) => [queue, settings])),
        // A socket straight into this worker: requests skip Miniflare's entry worker (which production lacks).
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
    ],
  };
}

/**
 * The D1 end of `auraOptions(..., d1Url)`: unwraps what Miniflare's remote-binding client sends (the original
 * URL and headers in MF-URL / MF-Header-*) and hands it to the database's own fetcher, the one workerd's D1 API
 * calls in-process.
 */
const D1_HOST_SCRIPT = `export default {
  async fetch(request, env) {
    const url = request.headers.get("mf-url");
    // Miniflare's client also opens an RPC WebSocket (no MF-URL) each time the binding is used. D1 only ever
    // fetches, so that session is refused here, instead of a fetch(null) that threw an uncaught exception (its
    // stack logged by workerd) for every D1 call of every run.
    if (url === null) return new Response("this D1 host serves fetches only", { status: 400 });
    const headers = new Headers();
    for (const [name, value] of request.headers) if (name.startsWith("mf-header-")) headers.set(name.slice(10), value);
    return env.DB.fetcher.fetch(url, { method: request.method, headers, body: request.body });
  },
};`;

/**
 * D1 in a workerd of its own over `persistDir`'s D1 state. Emulated inside the Worker's workerd, every query's
 * SQL ran on the Worker's one thread, and a chain of them (the decision log's consumer) completed without a
 * turn of the event loop, holding every request back for tens of milliseconds. In production D1 runs on its
 * own machines and a query is network I/O; here it is loopback HTTP to this process (pinned to the server core
 * with the Worker, so the CPU the machine spends is unchanged; it shows as "other CPU" in the tables).
 */
export async function serveD1(persistDir: string, logs: string[], cfg: WranglerConfig = readWranglerConfig()): Promise<ServedWorker> {
  return serve(
    {
      host: "127.0.0.1",
      port: 0,
      handleRuntimeStdio: captureStdio(logs),
      defaultPersistRoot: persistDir,
      d1Persist: join(persistDir, "d1"),
      workers: [
        {
          name: "d1",
          modules: true,
          script: D1_HOST_SCRIPT,
          compatibilityDate: cfg.compatibilityDate,
          d1Databases: { DB: cfg.d1.databaseId },
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      ],
    },
    "d1",
    logs,
  );
}

/**
 * The aura bundle as the HTTP benchmarks serve it: its workerd, and D1 in a second one (`serveD1`).
 * `adjust` edits the options (a var, the inspector, no consumer). Stop it with `stopServed`.
 */
export async function serveAura(bundlePath: string, persistDir: string, logs: string[], cfg: WranglerConfig = readWranglerConfig(), adjust: (o: MiniflareOptions) => MiniflareOptions = (o) => o): Promise<ServedWorker> {
  const d1 = await serveD1(persistDir, logs, cfg);
  try {
    return { ...(await serve(adjust(auraOptions(bundlePath, persistDir, logs, cfg, d1.url)), "aura", logs)), storage: d1 };
  } catch (err) {
    await d1.mf.dispose();
    throw err;
  }
}

/** The aura worker without its queue consumer: producers still send, nothing consumes (diagnostic runs only). */
export function withoutQueueConsumer(options: MiniflareOptions): MiniflareOptions {
  if (!("workers" in options)) return options;
  return {
    ...options,
    workers: options.workers.map((w: WorkerOptions) => {
      const { queueConsumers: _dropped, ...rest } = w;
      return rest;
    }),
  };
}

/** Disposes a served Worker and its D1 process. */
export async function stopServed(served: ServedWorker): Promise<void> {
  try {
    await served.mf.dispose();
  } finally {
    await served.storage?.mf.dispose();
  }
}

/** Pins a served Worker, and its D1 process, to `core`; false if any could not be pinned. */
export function pinServed(served: ServedWorker, core: number): boolean {
  return [served, ...(served.storage ? [served.storage] : [])].every((w) => w.pid !== null && pin(w.pid, core));
}

export const HELLO_WORLD_SCRIPT = `export default { async fetch() { return new Response("Hello World!"); } };`;

/**
 * What any /v1/rank costs before it decides anything: read the request's body as bytes, decode it strictly and
 * parse it (as aura's readBodyText does), then answer `answerJson` (a real rank answer, captured) serialized again
 * with a fresh request id and the headers aura's answer carries. No routing, middleware, profile or ranking.
 */
export function rankFloorScript(answerJson: string): string {
  return `const answer = JSON.parse(${JSON.stringify(answerJson)});
const utf8 = new TextDecoder("utf-8", { fatal: true });
export default {
  async fetch(request) {
    const body = JSON.parse(utf8.decode(await request.arrayBuffer()));
    answer.request_id = crypto.randomUUID();
    const headers = { "content-type": "application/json", "cache-control": "private, no-store", "x-request-id": answer.request_id, "x-content-type-options": "nosniff", vary: "Origin" };
    return new Response(JSON.stringify(answer), { headers });
  },
};`;
}

export function helloOptions(logs: string[], cfg: WranglerConfig = readWranglerConfig(), script = HELLO_WORLD_SCRIPT): MiniflareOptions {
  return {
    host: "127.0.0.1",
    port: 0,
    handleRuntimeStdio: captureStdio(logs),
    workers: [
      {
        name: "hello",
        modules: true,
        script,
        compatibilityDate: cfg.compatibilityDate,
        compatibilityFlags: cfg.compatibilityFlags,
        unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
      },
    ],
  };
}

/** Children of this process named workerd, newest first. */
function workerdChildren(): number[] {
  const found: { pid: number; start: number }[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const comm = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      if (comm === "workerd" && Number(fields[1]) === process.pid) found.push({ pid: Number(entry), start: Number(fields[19]) });
    } catch {
      // The process went away while we looked.
    }
  }
  return found.sort((a, b) => b.start - a.start).map((f) => f.pid);
}

export async function serve(options: MiniflareOptions, workerName: string, logs: string[]): Promise<ServedWorker> {
  const before = new Set(workerdChildren());
  const mf = new Miniflare(options);
  await mf.ready;
  const url = await mf.unsafeGetDirectURL(workerName);
  const pid = workerdChildren().find((p) => !before.has(p)) ?? null;
  return { mf, url, pid, logs };
}

// ---- CPU pinning and accounting -------------------------------------------------------------------------

export interface Pinning {
  enabled: boolean;
  reason: string;
  serverCore: number | null;
  clientCore: number | null;
}

export function planPinning(disabled: boolean, cores: number): Pinning {
  if (disabled) return { enabled: false, reason: "disabled with --no-pin", serverCore: null, clientCore: null };
  if (process.platform !== "linux") return { enabled: false, reason: "taskset needs Linux", serverCore: null, clientCore: null };
  if (cores < 2) return { enabled: false, reason: `only ${cores} core(s)`, serverCore: null, clientCore: null };
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
  } catch {
    return { enabled: false, reason: "taskset not available", serverCore: null, clientCore: null };
  }
  return { enabled: true, reason: "workerd on core 0, load generator (this Node process) on core 1", serverCore: 0, clientCore: 1 };
}

/** Pins every thread of `pid` (existing ones; new threads inherit) to `core`. */
export function pin(pid: number, core: number): boolean {
  try {
    execFileSync("taskset", ["-a", "-p", "-c", String(core), String(pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time (user + system, ms) a process has used so far, from /proc (10 ms resolution). */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/** Busy CPU time of the whole machine (all cores, all processes), ms, from /proc/stat. */
export function machineBusyMs(): number | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    const busy = f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
    return (busy * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

/**
 * Machine-wide TCP loss recovery so far. `retransmits` counts every segment sent again (/proc/net/snmp); of the
 * TcpExt counters (/proc/net/netstat), `lossProbes` are tail-loss probes (sent because an ACK was late, not
 * because a segment was known lost: the last segment again, or new data when there is some, so a probe is not
 * always a retransmit and this count may pass `retransmits`), `timeouts` retransmission timeouts (the segment, or
 * a SYN, waits ≥ 200 ms, the minimum RTO, or 1 s for a SYN), and `alreadyReceived` the D-SACKs that came back: the
 * peer already had what was sent again, so nothing waited for that copy. On loopback here the retransmits are
 * almost all spurious probes: with one segment in flight Linux waits two round trips plus the minimum RTO before
 * probing, and a client's delayed ACK (up to 200 ms on a keep-alive connection it is not using) can lose that race.
 */
export interface TcpLossCounters {
  retransmits: number;
  lossProbes: number;
  timeouts: number;
  alreadyReceived: number;
}

/** The `Prefix:` header and value rows of a /proc/net file's text, as one name → value map. */
export function procNetCounters(text: string, prefix: string): Map<string, number> {
  const rows = text.split("\n").filter((l) => l.startsWith(`${prefix}:`));
  const head = rows[0]?.trim().split(/\s+/) ?? [];
  const vals = rows[1]?.trim().split(/\s+/) ?? [];
  return new Map(head.slice(1).map((name, i) => [name, Number(vals[i + 1])]));
}

export function tcpLossCounters(): TcpLossCounters | null {
  try {
    const tcp = procNetCounters(readFileSync("/proc/net/snmp", "utf8"), "Tcp");
    const ext = procNetCounters(readFileSync("/proc/net/netstat", "utf8"), "TcpExt");
    const counters = {
      retransmits: tcp.get("RetransSegs"),
      lossProbes: ext.get("TCPLossProbes"),
      timeouts: ext.get("TCPTimeouts"),
      alreadyReceived: ext.get("TCPDSACKRecv"),
    };
    return Object.values(counters).every((v) => v !== undefined && Number.isFinite(v)) ? (counters as TcpLossCounters) : null;
  } catch {
    return null;
  }
}

/** What happened between two readings of `tcpLossCounters`. */
export function tcpLossBetween(a: TcpLossCounters | null, b: TcpLossCounters | null): TcpLossCounters | null {
  if (!a || !b) return null;
  return { retransmits: b.retransmits - a.retransmits, lossProbes: b.lossProbes - a.lossProbes, timeouts: b.timeouts - a.timeouts, alreadyReceived: b.alreadyReceived - a.alreadyReceived };
}

/**
 * Retired instructions of a process (user and kernel, all threads) from now until `stop()`, counted by `perf stat`.
 * On this shared VM CPU time per request moves 10-20 % within minutes (and ~3x between machines) with the host's
 * contention, which instructions do not see; the Worker's own GC and JIT move both (bench/README.md, ab.ts).
 * `stop()` gives null where there is no such counter (many VMs answer "not supported"), no perf, or no pid.
 */
export async function countInstructions(pid: number | null): Promise<{ stop(): Promise<number | null> }> {
  if (pid === null) return { stop: async () => null };
  let stderr = "";
  let failed = false;
  const child = spawn("perf", ["stat", "-e", "instructions", "-x", ",", "-p", String(pid)], { stdio: ["ignore", "ignore", "pipe"] });
  child.on("error", () => {
    failed = true;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  // perf attaches to the process's threads after it starts: give it that moment before the counted work begins.
  await sleep(100);
  return {
    async stop() {
      if (!failed) child.kill("SIGINT");
      await closed;
      const line = stderr.split("\n").find((l) => l.split(",")[2]?.startsWith("instructions"));
      const count = line === undefined ? NaN : Number(line.split(",")[0]);
      return failed || !Number.isFinite(count) ? null : count;
    },
  };
}

/** CPU time of this Node process (all threads), ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * `rev` checked out into bench/.work/<name> (a git worktree sharing this node_modules), for a tool that serves a
 * commit beside the working tree; `remove` takes the worktree away again. bundleWorker builds what it imports.
 */
export function checkoutWorktree(rev: string, name: string): { root: string; commit: string; remove: () => void } {
  const root = join(WORK_DIR, name);
  const remove = () => {
    try {
      execFileSync("git", ["worktree", "remove", "--force", root], { cwd: ROOT, stdio: "ignore" });
    } catch {
      // Already gone.
    }
  };
  const commit = execFileSync("git", ["rev-parse", "--short", rev], { cwd: ROOT, encoding: "utf8" }).trim();
  remove();
  execFileSync("git", ["worktree", "prune"], { cwd: ROOT, stdio: "ignore" });
  execFileSync("git", ["worktree", "add", "--force", "--detach", root, commit], { cwd: ROOT, stdio: "ignore" });
  if (!existsSync(join(root, "node_modules"))) symlinkSync(join(ROOT, "node_modules"), join(root, "node_modules"));
  return { root, commit, remove };
}

export function freshDir(path: string): string {
  rmSync(path, { recursive: true, force: true });
  mkdirSync(path, { recursive: true });
  return path;
}

/** `package.json` version of an installed package, or null. */
export function installedVersion(pkgDir: string): string | null {
  try {
    return (JSON.parse(readFileSync(join(ROOT, "node_modules", pkgDir, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
}
