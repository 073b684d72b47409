// Load generators.
//  - fixedRate: open loop. Request i is due at t0 + i/rate whether or not earlier ones have answered, and its
//    latency is measured from that scheduled time, so a stalled server cannot hide its queueing delay by
//    slowing the client down (no coordinated omission). Client-side lateness is reported separately.
//  - closedLoop: N connections each sending the next request as soon as the previous one answers; the
//    throughput at which latency and errors stay acceptable is the saturation rate.
//  - wrk (optional, only when the binary is on PATH): the same closed loop from a C client, as a cross-check
//    that the Node client is not the bottleneck.
import { execFile } from "node:child_process";
import { setMaxListeners } from "node:events";
import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import type { IncomingHttpHeaders } from "node:http";
import { Pool } from "undici";
import { machineBusyMs, processCpuMs, selfCpuMs, tcpLossBetween, tcpLossCounters, type TcpLossCounters } from "./server";
import { percentileSorted, round, sleep } from "./stats";

/** One request of a mixed target: its own path, body and headers, and the kind its latency is reported under. */
export interface TargetRequest {
  kind: string;
  path: string;
  body: string | null;
  headers?: Record<string, string> | undefined;
}

export interface Target {
  origin: string;
  method: "GET" | "POST";
  path: string;
  /** Request bodies used round-robin (null for GET). */
  bodies: readonly string[] | null;
  /**
   * Extracts a label to count from a 2xx response (e.g. rank's profile_status, or a header), or null to skip
   * reading it.
   */
  label?: ((text: string, headers: IncomingHttpHeaders) => string | null) | undefined;
  /**
   * Mixed traffic: requests used round-robin instead of `path`/`bodies`. fixedRate then also reports latency per
   * kind (`byKind`), and labels are counted per kind only (a rank label and an events label do not add up).
   */
  requests?: readonly TargetRequest[] | undefined;
  /**
   * Time to first byte: latency ends when the first body chunk arrives (headers alone can precede a slow body);
   * the rest of the body is still read, untimed.
   */
  firstByte?: boolean | undefined;
}

export interface LatencyMs {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult {
  mode: "fixed-rate" | "closed-loop" | "wrk";
  /** Requested rate (fixed-rate only). */
  targetRps: number | null;
  connections: number;
  durationS: number;
  sent: number;
  completed: number;
  ok: number;
  errors: number;
  /** Non-2xx status codes and client-side failures (connection errors, timeouts, aborted at the drain deadline). */
  errorKinds: Record<string, number>;
  achievedRps: number;
  latencyMs: LatencyMs;
  /** How late the client actually sent requests relative to schedule (fixed-rate only), ms. */
  sendLagMs: { p50: number; p99: number; max: number } | null;
  labels: Record<string, number>;
  /** CPU used during the run as a share of one core, and the server's CPU per answered request. */
  serverCpuPct: number | null;
  clientCpuPct: number;
  serverCpuUsPerRequest: number | null;
  /**
   * CPU used by everything else on the machine during the run (share of one core): other users' processes
   * competing with the pinned server and client. Above a few percent, treat the run as noisy.
   */
  otherCpuPct: number | null;
  /**
   * TCP retransmissions on the machine during the run, by kind (`tcpLossCounters` in server.ts). Only timeouts
   * hold a segment back (≥ 200 ms) for sure; a tail-loss probe the peer D-SACKed was spurious, one it did not may
   * have repaired a real loss.
   */
  tcpLoss: TcpLossCounters | null;
  /** Completions and worst latency per second of the run (to spot stalls, e.g. a snapshot rebuild). */
  timeline: { completed: number; maxMs: number }[];
  /** Mixed targets (fixed rate): the same figures per request kind. */
  byKind?: Record<string, KindResult>;
}

export interface KindResult {
  sent: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  latencyMs: LatencyMs;
  labels: Record<string, number>;
}

function latencySummary(values: Float64Array | number[], n: number): LatencyMs {
  const sorted = Float64Array.from(values.slice(0, n) as ArrayLike<number>).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    p50: round(percentileSorted(sorted, 50)),
    p95: round(percentileSorted(sorted, 95)),
    p99: round(percentileSorted(sorted, 99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : Number.NaN),
    mean: round(sorted.length ? sum / sorted.length : Number.NaN),
  };
}

/**
 * One result from fixed-rate blocks of the same target run at different times (interleaved with another
 * target's blocks, so both see the same machine): counts, labels and TCP counters summed, CPU figures weighted
 * by each block's duration or answers, the latency percentiles taken over `latencies`, every block's answered
 * latencies pooled (`onAnswer`). Send lag is each block's worst (a pooled percentile cannot be rebuilt from them).
 */
export function mergeBlocks(blocks: readonly LoadResult[], latencies: readonly number[]): LoadResult {
  if (blocks.length === 0) throw new Error("mergeBlocks: no blocks");
  const sum = (f: (r: LoadResult) => number) => blocks.reduce((a, r) => a + f(r), 0);
  const addCounts = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
    return into;
  };
  const durationS = sum((r) => r.durationS);
  const ok = sum((r) => r.ok);
  const weighted = (f: (r: LoadResult) => number | null, by: (r: LoadResult) => number, total: number) =>
    blocks.some((r) => f(r) === null) || total === 0 ? null : round(blocks.reduce((a, r) => a + f(r)! * by(r), 0) / total, 1);
  const lags = blocks.map((r) => r.sendLagMs).filter((l): l is NonNullable<LoadResult["sendLagMs"]> => l !== null);
  const tcp = blocks.every((r) => r.tcpLoss)
    ? { retransmits: sum((r) => r.tcpLoss!.retransmits), lossProbes: sum((r) => r.tcpLoss!.lossProbes), timeouts: sum((r) => r.tcpLoss!.timeouts), alreadyReceived: sum((r) => r.tcpLoss!.alreadyReceived) }
    : null;
  const kinds = new Map<string, KindResult>();
  for (const r of blocks) {
    for (const [kind, k] of Object.entries(r.byKind ?? {})) {
      const into = kinds.get(kind) ?? { sent: 0, ok: 0, errors: 0, errorKinds: {}, latencyMs: k.latencyMs, labels: {} };
      kinds.set(kind, { ...into, sent: into.sent + k.sent, ok: into.ok + k.ok, errors: into.errors + k.errors, errorKinds: addCounts(into.errorKinds, k.errorKinds), labels: addCounts(into.labels, k.labels) });
    }
  }
  const latencyMs = latencySummary([...latencies], latencies.length);
  // Blocks of one kind only: the pooled latencies are that kind's. With several kinds they are not kept apart.
  if (kinds.size === 1) for (const k of kinds.values()) k.latencyMs = latencyMs;
  const first = blocks[0]!;
  return {
    mode: first.mode,
    targetRps: first.targetRps,
    connections: first.connections,
    durationS,
    sent: sum((r) => r.sent),
    completed: sum((r) => r.completed),
    ok,
    errors: sum((r) => r.errors),
    errorKinds: blocks.reduce((a, r) => addCounts(a, r.errorKinds), {} as Record<string, number>),
    achievedRps: round(ok / sum((r) => (r.achievedRps > 0 ? r.ok / r.achievedRps : r.durationS)), 1),
    latencyMs,
    sendLagMs: lags.length ? { p50: Math.max(...lags.map((l) => l.p50)), p99: Math.max(...lags.map((l) => l.p99)), max: Math.max(...lags.map((l) => l.max)) } : null,
    labels: blocks.reduce((a, r) => addCounts(a, r.labels), {} as Record<string, number>),
    serverCpuPct: weighted((r) => r.serverCpuPct, (r) => r.durationS, durationS),
    clientCpuPct: weighted((r) => r.clientCpuPct, (r) => r.durationS, durationS) ?? Number.NaN,
    serverCpuUsPerRequest: weighted((r) => r.serverCpuUsPerRequest, (r) => r.ok, ok),
    otherCpuPct: weighted((r) => r.otherCpuPct, (r) => r.durationS, durationS),
    tcpLoss: tcp,
    timeline: blocks.flatMap((r) => r.timeline),
    ...(kinds.size ? { byKind: Object.fromEntries(kinds) } : {}),
  };
}

interface CpuSnapshot {
  server: number | null;
  client: number;
  machine: number | null;
  tcp: TcpLossCounters | null;
  at: number;
}

function cpuSnapshot(serverPid: number | null): CpuSnapshot {
  return { server: serverPid ? processCpuMs(serverPid) : null, client: selfCpuMs(), machine: machineBusyMs(), tcp: tcpLossCounters(), at: performance.now() };
}

/** CPU shares over [a, b] as percentages of one core, and server CPU per answered request. */
function cpuShares(a: CpuSnapshot, b: CpuSnapshot, ok: number) {
  const wall = b.at - a.at;
  const server = a.server !== null && b.server !== null ? b.server - a.server : null;
  const client = b.client - a.client;
  const machine = a.machine !== null && b.machine !== null ? b.machine - a.machine : null;
  return {
    serverCpuPct: server === null ? null : round((server / wall) * 100, 1),
    clientCpuPct: round((client / wall) * 100, 1),
    serverCpuUsPerRequest: server === null || ok === 0 ? null : round((server * 1000) / ok, 1),
    otherCpuPct: machine === null || server === null ? null : round((Math.max(0, machine - server - client) / wall) * 100, 1),
    tcpLoss: tcpLossBetween(a.tcp, b.tcp),
  };
}

/**
 * How long the load generator keeps an idle connection. workerd closes a keep-alive connection after 5 s without a
 * request and sends no `Keep-Alive: timeout` hint; with 60 s here, a pool's spare connections (idle while a few
 * carry the rate) were closed by workerd, and a stall that called them back into use sent requests onto sockets
 * being closed: ECONNRESET and "other side closed", counted as errors of the Worker (10 in the first full run of
 * 2026-11-22). Closing them here first, well inside workerd's 5 s, removes the race (bench/keep-alive.test.ts).
 */
export const LOADGEN_KEEP_ALIVE_MS = 3_000;

function newPool(origin: string, connections: number, timeoutMs: number): Pool {
  return new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: LOADGEN_KEEP_ALIVE_MS, keepAliveMaxTimeout: LOADGEN_KEEP_ALIVE_MS, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
}

class Recorder {
  readonly errorKinds: Record<string, number> = {};
  readonly labels: Record<string, number> = {};
  readonly timeline: { completed: number; maxMs: number }[] = [];
  latencies: Float64Array;
  n = 0;
  ok = 0;
  errors = 0;
  constructor(
    capacity: number,
    private readonly t0: number,
  ) {
    this.latencies = new Float64Array(Math.max(1024, capacity));
  }
  error(kind: string) {
    this.errors++;
    this.errorKinds[kind] = (this.errorKinds[kind] ?? 0) + 1;
  }
  success(latencyMs: number, label: string | null, at: number) {
    if (this.n === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
    }
    this.latencies[this.n++] = latencyMs;
    this.ok++;
    if (label !== null) this.labels[label] = (this.labels[label] ?? 0) + 1;
    const sec = Math.max(0, Math.floor((at - this.t0) / 1000));
    while (this.timeline.length <= sec) this.timeline.push({ completed: 0, maxMs: 0 });
    const slot = this.timeline[sec]!;
    slot.completed++;
    if (latencyMs > slot.maxMs) slot.maxMs = round(latencyMs, 2);
  }
}

/**
 * The client address Cloudflare's edge sets on every request it forwards (`cf-connecting-ip`), from a pool of 4,096:
 * aura's rate limiter checks a counter per address (an HMAC of it), work every deployed public request does. On the
 * direct socket no header would be set and that check would be skipped.
 */
export const CLIENT_ADDRESSES = 4096;
export const clientAddress = (k: number): string => {
  const n = k % CLIENT_ADDRESSES;
  return `10.0.${n >> 8}.${n & 255}`;
};

async function send(pool: Pool, target: Target, k: number, signal: AbortSignal | undefined): Promise<{ status: number; label: string | null; firstByteAt: number | null }> {
  const mixed = target.requests ? target.requests[k % target.requests.length]! : null;
  const body = mixed ? mixed.body : target.bodies ? target.bodies[k % target.bodies.length]! : null;
  const res = await pool.request({
    method: target.method,
    path: mixed ? mixed.path : target.path,
    headers: { "cf-connecting-ip": clientAddress(k), ...(mixed?.headers ?? {}), ...(body ? { "content-type": "application/json" } : {}) },
    body,
    ...(signal ? { signal } : {}),
  });
  const ok = res.statusCode >= 200 && res.statusCode < 300;
  if (target.firstByte) {
    let firstByteAt: number | null = null;
    const chunks: Buffer[] = [];
    for await (const chunk of res.body) {
      firstByteAt ??= performance.now();
      if (ok && target.label) chunks.push(chunk as Buffer);
    }
    const label = ok && target.label ? target.label(Buffer.concat(chunks).toString("utf8"), res.headers) : null;
    return { status: res.statusCode, label, firstByteAt: firstByteAt ?? performance.now() };
  }
  if (ok && target.label) {
    return { status: res.statusCode, label: target.label(await res.body.text(), res.headers), firstByteAt: null };
  }
  await res.body.dump();
  return { status: res.statusCode, label: null, firstByteAt: null };
}

function errorKind(err: unknown): string {
  const e = err as { code?: string; name?: string };
  return e?.code ?? e?.name ?? "error";
}

export interface FixedRateOptions {
  rate: number;
  durationS: number;
  connections: number;
  /** Per-request timeout; after the schedule ends, stragglers get at most this long before being aborted. */
  timeoutMs?: number;
  serverPid: number | null;
  /** Called for every answered request with its due time (performance.now()) and latency: for stall analysis. */
  onAnswer?: (dueAt: number, latencyMs: number) => void;
}

export async function fixedRate(target: Target, opts: FixedRateOptions): Promise<LoadResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const pool = newPool(target.origin, opts.connections, timeoutMs);
  const total = Math.max(1, Math.round(opts.rate * opts.durationS));
  const interval = 1000 / opts.rate;
  const lags = new Float64Array(total);
  const abort = new AbortController();
  // Every in-flight request listens on the drain-deadline signal.
  setMaxListeners(0, abort.signal);
  let finished = 0;
  const t0 = performance.now() + 20;
  const rec = new Recorder(total, t0);
  const kinds = new Map<string, { rec: Recorder; sent: number }>();
  for (const r of target.requests ?? []) if (!kinds.has(r.kind)) kinds.set(r.kind, { rec: new Recorder(total, t0), sent: 0 });
  const kindOf = (k: number) => (target.requests ? kinds.get(target.requests[k % target.requests.length]!.kind)! : null);
  const cpu0 = cpuSnapshot(opts.serverPid);

  let allDone!: () => void;
  const done = new Promise<void>((resolve) => (allDone = resolve));
  const settle = () => {
    if (++finished === total) allDone();
  };

  const fire = (k: number, due: number) => {
    lags[k] = performance.now() - due;
    const kind = kindOf(k);
    if (kind) kind.sent++;
    send(pool, target, k, abort.signal).then(
      ({ status, label, firstByteAt }) => {
        const now = performance.now();
        const latency = (firstByteAt ?? now) - due;
        if (status >= 200 && status < 300) {
          rec.success(latency, kind ? null : label, now);
          kind?.rec.success(latency, label, now);
          opts.onAnswer?.(due, latency);
        } else {
          rec.error(`http_${status}`);
          kind?.rec.error(`http_${status}`);
        }
        settle();
      },
      (err: unknown) => {
        const what = abort.signal.aborted ? "aborted_at_drain_deadline" : errorKind(err);
        rec.error(what);
        kind?.rec.error(what);
        settle();
      },
    );
  };

  const sentSoFar = scheduleOpenLoop(total, interval, t0, fire);

  const scheduleEnd = t0 + total * interval;
  await sleep(Math.max(0, scheduleEnd - performance.now()));
  const deadline = setTimeout(() => abort.abort(), timeoutMs);
  await done;
  clearTimeout(deadline);
  const end = performance.now();
  const cpu1 = cpuSnapshot(opts.serverPid);
  await pool.close().catch(() => undefined);

  const wall = end - t0;
  const sent = sentSoFar();
  const sortedLag = lags.slice(0, sent).sort();
  return {
    mode: "fixed-rate",
    targetRps: opts.rate,
    connections: opts.connections,
    durationS: opts.durationS,
    sent,
    completed: rec.ok + rec.errors,
    ok: rec.ok,
    errors: rec.errors,
    errorKinds: rec.errorKinds,
    // Answered requests over the scheduled window plus the drain of the last ones.
    achievedRps: round(rec.ok / (wall / 1000), 1),
    latencyMs: latencySummary(rec.latencies, rec.n),
    sendLagMs: { p50: round(percentileSorted(sortedLag, 50)), p99: round(percentileSorted(sortedLag, 99)), max: round(sortedLag[sortedLag.length - 1] ?? 0) },
    labels: rec.labels,
    ...cpuShares(cpu0, cpu1, rec.ok),
    timeline: rec.timeline,
    ...(kinds.size ? { byKind: Object.fromEntries([...kinds].map(([name, { rec: r, sent: n }]) => [name, { sent: n, ok: r.ok, errors: r.errors, errorKinds: r.errorKinds, latencyMs: latencySummary(r.latencies, r.n), labels: r.labels }])) } : {}),
  };
}

export interface ClosedLoopOptions {
  connections: number;
  durationS: number;
  timeoutMs?: number;
  serverPid: number | null;
}

export async function closedLoop(target: Target, opts: ClosedLoopOptions): Promise<LoadResult> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const pool = newPool(target.origin, opts.connections, timeoutMs);
  const t0 = performance.now();
  const end = t0 + opts.durationS * 1000;
  const rec = new Recorder(opts.durationS * 20_000, t0);
  const cpu0 = cpuSnapshot(opts.serverPid);
  let sent = 0;
  let lastAt = t0;
  const loop = async (worker: number) => {
    let k = worker * 7919;
    while (performance.now() < end) {
      const start = performance.now();
      sent++;
      try {
        const { status, label, firstByteAt } = await send(pool, target, k++, undefined);
        const now = performance.now();
        lastAt = Math.max(lastAt, now);
        if (status >= 200 && status < 300) rec.success((firstByteAt ?? now) - start, label, now);
        else rec.error(`http_${status}`);
      } catch (err) {
        rec.error(errorKind(err));
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, (_, w) => loop(w)));
  const cpu1 = cpuSnapshot(opts.serverPid);
  await pool.close().catch(() => undefined);
  return closedLoopResult(rec, sent, opts.connections, opts.durationS, lastAt - t0, cpu0, cpu1);
}

/**
 * Sends every body (or request, for a mixed target) of `target` exactly once with `concurrency` requests in flight
 * (e.g. one rank per visitor, to wake every visitor's Durable Object before a timed run); reports the latencies of
 * that pass.
 */
export async function onePass(target: Target, concurrency: number, serverPid: number | null): Promise<LoadResult> {
  const count = target.requests?.length ?? (target.bodies ?? []).length;
  const pool = newPool(target.origin, concurrency, 30_000);
  const t0 = performance.now();
  const rec = new Recorder(count, t0);
  const cpu0 = cpuSnapshot(serverPid);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const k = next++;
        const start = performance.now();
        try {
          const { status, label, firstByteAt } = await send(pool, target, k, undefined);
          const now = performance.now();
          if (status >= 200 && status < 300) rec.success((firstByteAt ?? now) - start, label, now);
          else rec.error(`http_${status}`);
        } catch (err) {
          rec.error(errorKind(err));
        }
      }
    }),
  );
  const cpu1 = cpuSnapshot(serverPid);
  await pool.close().catch(() => undefined);
  const wall = performance.now() - t0;
  return closedLoopResult(rec, count, concurrency, round(wall / 1000, 2), wall, cpu0, cpu1);
}

/** The result of a closed-loop run (timed or one pass): what every closed-loop scenario reports. */
function closedLoopResult(rec: Recorder, sent: number, connections: number, durationS: number, wallMs: number, cpu0: CpuSnapshot, cpu1: CpuSnapshot): LoadResult {
  return {
    mode: "closed-loop",
    targetRps: null,
    connections,
    durationS,
    sent,
    completed: rec.ok + rec.errors,
    ok: rec.ok,
    errors: rec.errors,
    errorKinds: rec.errorKinds,
    achievedRps: round(rec.ok / (wallMs / 1000), 1),
    latencyMs: latencySummary(rec.latencies, rec.n),
    sendLagMs: null,
    labels: rec.labels,
    ...cpuShares(cpu0, cpu1, rec.ok),
    timeline: rec.timeline,
  };
}

// ---- wrk (optional) -------------------------------------------------------------------------------------

export function findWrk(): Promise<string | null> {
  return new Promise((resolve) => execFile("sh", ["-c", "command -v wrk"], (err, out) => resolve(err ? null : out.trim() || null)));
}

function luaLong(s: string): string {
  let eq = "=";
  while (s.includes(`]${eq}]`)) eq += "=";
  return `[${eq}[${s}]${eq}]`;
}

/** A wrk Lua script that cycles through `bodies` and prints a JSON summary line at the end. */
function wrkScript(target: Target): string {
  const bodies = target.bodies ?? [];
  return [
    `local bodies = {${bodies.map(luaLong).join(",\n")}}`,
    `local reqs = {}`,
    `local i = 0`,
    `init = function(args)`,
    // Each body with its own client address, as send() gives each request one (clientAddress).
    `  for k, b in ipairs(bodies) do reqs[k] = wrk.format("${target.method}", "${target.path}", {["Content-Type"] = "application/json", ["cf-connecting-ip"] = string.format("10.0.%d.%d", math.floor(((k - 1) % ${CLIENT_ADDRESSES}) / 256), (k - 1) % 256)}, b) end`,
    `  if #reqs == 0 then reqs[1] = wrk.format("${target.method}", "${target.path}", {["cf-connecting-ip"] = "10.0.0.0"}) end`,
    `end`,
    `request = function() i = i % #reqs + 1; return reqs[i] end`,
    `done = function(s, lat, req)`,
    `  io.write(string.format('WRKJSON {"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%f}\\n',`,
    `    s.requests, s.duration, s.errors.connect, s.errors.read, s.errors.write, s.errors.status, s.errors.timeout,`,
    `    lat:percentile(50), lat:percentile(95), lat:percentile(99), lat.max, lat.mean))`,
    `end`,
  ].join("\n");
}

export async function wrkRun(wrk: string, target: Target, opts: ClosedLoopOptions & { scriptPath: string }): Promise<LoadResult> {
  // The Lua script cycles `path`/`bodies` only: a mixed target would silently be measured as something else.
  if (target.requests) throw new Error("wrkRun: mixed targets (requests) are not supported");
  writeFileSync(opts.scriptPath, wrkScript(target));
  const cpu0 = cpuSnapshot(opts.serverPid);
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      wrk,
      ["-t1", `-c${opts.connections}`, `-d${opts.durationS}s`, `--timeout`, `${Math.ceil((opts.timeoutMs ?? 10_000) / 1000)}s`, "-s", opts.scriptPath, `${target.origin}${target.path}`],
      { maxBuffer: 1 << 22 },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    ),
  );
  const cpu1 = cpuSnapshot(opts.serverPid);
  const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
  if (!line) throw new Error(`wrk printed no summary:\n${out}`);
  const s = JSON.parse(line.slice(8)) as Record<string, number>;
  const errorKinds: Record<string, number> = {};
  for (const k of ["connect", "read", "write", "status", "timeout"]) if (s[k]) errorKinds[k === "status" ? "http_non_2xx_3xx" : k] = s[k]!;
  const errors = Object.values(errorKinds).reduce((a, b) => a + b, 0);
  const ok = s.requests! - (s.status ?? 0);
  // wrk is a separate process: its CPU lands in "other", so report the server's share only.
  const shares = cpuShares(cpu0, cpu1, ok);
  const us = (v: number | undefined) => round((v ?? Number.NaN) / 1000);
  return {
    mode: "wrk",
    targetRps: null,
    connections: opts.connections,
    durationS: opts.durationS,
    sent: s.requests!,
    completed: s.requests!,
    ok,
    errors,
    errorKinds,
    achievedRps: round(s.requests! / (s.duration_us! / 1e6), 1),
    latencyMs: { p50: us(s.p50), p95: us(s.p95), p99: us(s.p99), max: us(s.max), mean: us(s.mean) },
    sendLagMs: null,
    labels: {},
    serverCpuPct: shares.serverCpuPct,
    clientCpuPct: Number.NaN,
    serverCpuUsPerRequest: shares.serverCpuUsPerRequest,
    otherCpuPct: null,
    tcpLoss: shares.tcpLoss,
    timeline: [],
  };
}

/**
 * Calls `fire(k, due)` for k = 0..total-1 at due = t0 + k·interval, never waiting for answers (open loop).
 * Returns a function telling how many have been fired so far.
 */
export function scheduleOpenLoop(total: number, interval: number, t0: number, fire: (k: number, due: number) => void): () => number {
  let next = 0;
  const tick = () => {
    const now = performance.now();
    while (next < total && t0 + next * interval <= now) {
      fire(next, t0 + next * interval);
      next++;
    }
    if (next < total) {
      const wait = t0 + next * interval - performance.now();
      // Timers have ~1 ms granularity: sleep until just before the next due time, then send everything due.
      if (wait > 1.5) setTimeout(tick, wait - 1);
      else if (wait > 0.2) setTimeout(tick, 0);
      else setImmediate(tick);
    }
  };
  setTimeout(tick, 20);
  return () => next;
}
