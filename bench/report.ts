// Renders a results object as the markdown summary (bench/results/latest.md), also printed to the terminal.
import type { HttpSection, Scenario } from "./http";
import type { MicroResult } from "./micro";
import type { TcpLossCounters } from "./server";
import { fmtMs, fmtRate } from "./stats";
import type { WranglerDevSection } from "./wrangler-dev";

export interface Results {
  meta: Record<string, unknown> & { timestamp: string; quick: boolean };
  micro: MicroResult[] | null;
  http: HttpSection | null;
  wranglerDev: WranglerDevSection | null;
  errors: string[];
}

const mark = (met: boolean | null) => (met === null ? "" : met ? "✅" : "❌");
// Below a microsecond in nanoseconds, so a 150 ns target reads as such rather than as "0.15 µs".
const us = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} ms` : v < 1 ? `${(v * 1000).toFixed(v < 0.01 ? 1 : 0)} ns` : `${v.toFixed(v < 10 ? 2 : 1)} µs`);

function microTable(rows: MicroResult[]): string[] {
  const out = ["| Benchmark | median / op | p99 / op | batches × ops | target | met (median / p99) |", "|---|---:|---:|---:|---|---|"];
  for (const r of rows) {
    const met = r.target ? `${mark(r.medianMet)} / ${mark(r.p99Met)}` : "";
    out.push(`| ${r.name} | ${us(r.medianUs)} | ${us(r.p99Us)} | ${r.batches} × ${r.opsPerBatch} | ${r.target?.label ?? ""} | ${met} |`);
  }
  return out;
}

function httpRow(s: Scenario): string {
  const r = s.result;
  const offered = r.mode === "fixed-rate" ? `${fmtRate(r.targetRps ?? 0)} open loop` : `${r.connections} conns, ${r.mode === "wrk" ? "wrk" : "closed loop"}`;
  const cpu = r.serverCpuPct === null ? "n/a" : `${r.serverCpuPct}% (${r.serverCpuUsPerRequest} µs/req)`;
  const client = Number.isFinite(r.clientCpuPct) ? `${r.clientCpuPct}%` : "n/a";
  const other = r.otherCpuPct === null ? "n/a" : `${r.otherCpuPct}%`;
  const target = s.criteria ? `${s.criteria.label} ${mark(s.criteria.met)}` : s.id.startsWith("hello") || s.id === "page_plain_proxy" ? "baseline" : "diagnostic";
  const dag = r.mode === "wrk" ? " †" : "";
  const lat = (v: number) => `${fmtMs(v)}${dag}`;
  return `| ${s.name} | ${offered} | ${fmtRate(r.achievedRps)} | ${r.errors} | ${lat(r.latencyMs.p50)} | ${lat(r.latencyMs.p95)} | ${lat(r.latencyMs.p99)} | ${lat(r.latencyMs.max)} | ${cpu} | ${client} | ${other} | ${target} |`;
}

const HTTP_HEADER = [
  "| Scenario | load | achieved | errors | p50 | p95 | p99 | max | workerd CPU (per req) | client CPU | other CPU | target |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
];

/** Mixed runs: one row per request kind (labels: rank's profile_status, events accepted, feedback status). */
function kindTable(scenarios: Scenario[]): string[] {
  const mixed = scenarios.filter((s) => s.result.byKind && Object.keys(s.result.byKind).length > 1);
  if (!mixed.length) return [];
  const out = ["### Mixed traffic per request kind", "", "| Scenario | kind | sent | ok | errors | p50 | p95 | p99 | max | answers |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"];
  for (const s of mixed) {
    for (const [kind, k] of Object.entries(s.result.byKind!)) {
      const answers = Object.entries(k.labels).sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} × ${n}`).join(", ");
      out.push(`| ${s.name} | ${kind} | ${k.sent} | ${k.ok} | ${k.errors} | ${fmtMs(k.latencyMs.p50)} | ${fmtMs(k.latencyMs.p95)} | ${fmtMs(k.latencyMs.p99)} | ${fmtMs(k.latencyMs.max)} | ${answers} |`);
    }
  }
  return [...out, ""];
}

function profileMix(s: Scenario): string | null {
  const entries = Object.entries(s.result.labels);
  if (!entries.length) return null;
  const total = entries.reduce((a, [, n]) => a + n, 0);
  return entries
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${((n / total) * 100).toFixed(1)}%`)
    .join(", ");
}

/** Issue 9: /v1/rank on 1,000 items saturates at ≥ 10,000 req/s and at ≥ half of a hello-world Worker's rate. */
export const SATURATION_RPS = 10_000;

/**
 * The rank targets read against the rank floor measured in the same run: a Worker that reads the rank requests and
 * answers a captured rank answer, deciding nothing. What it cannot reach, no implementation of /v1/rank can here.
 */
export function rankFloorLine(scenarios: readonly Scenario[]): string | null {
  const find = (id: string) => scenarios.find((s) => s.id === id)?.result;
  const sat = find("rank_floor_saturation");
  const fixed = find("rank_floor_fixed_1000");
  if (!sat || !fixed) return null;
  const hello = find("hello_saturation");
  const helloFixed = find("hello_fixed_1000");
  const rank = find("rank_1k_saturation");
  const rankFixed = find("rank_1k_fixed_1000");
  const share = hello ? ` = ${((sat.achievedRps / hello.achievedRps) * 100).toFixed(1)}% of hello-world's` : "";
  const reach = sat.achievedRps >= SATURATION_RPS && (!hello || sat.achievedRps >= hello.achievedRps / 2) ? "reaches" : "does not reach";
  const others = [rankFixed && `aura's ${fmtMs(rankFixed.latencyMs.p99)}`, helloFixed && `hello-world's ${fmtMs(helloFixed.latencyMs.p99)}`].filter(Boolean).join(", ");
  return (
    `Rank floor, same run (a Worker that reads each rank request and answers a captured 1k rank answer, deciding nothing): ` +
    `saturation ${fmtRate(sat.achievedRps)}${share}, so the floor alone ${reach} the saturation target` +
    `${rank ? `; aura's rank does ${((rank.achievedRps / sat.achievedRps) * 100).toFixed(1)}% of the floor's rate` : ""}. ` +
    `At 1,000 req/s its p99 is ${fmtMs(fixed.latencyMs.p99)}${others ? ` (${others})` : ""}, against the 5 ms target.`
  );
}

export function renderMarkdown(res: Results): string {
  const m = res.meta;
  const lines: string[] = [`# aura benchmark — ${m.timestamp}${res.meta.quick ? " (quick)" : ""}`, ""];
  lines.push(
    `Commit \`${m.commit}\`${m.dirty ? " (with uncommitted changes)" : ""} · Node ${m.node} · workerd ${m.workerd} (miniflare ${m.miniflare}) · ${m.cpuModel} × ${m.cores} · pinning: ${m.pinning}`,
    "",
  );
  if (res.micro) {
    lines.push("## In-process micro-benchmarks (Node, shared/ imported directly)", "");
    lines.push(...microTable(res.micro), "");
    for (const r of res.micro) {
      const v = r.versus;
      if (!v) continue;
      lines.push(
        `Assignment vs ${v.peer}: aura ${us(r.medianUs)} vs ${us(v.peerMedianUs)} for ${v.peer} at its fastest (${v.peerMode}) → ratio ${v.ratio.toFixed(2)} ${mark(v.met)} (target ≤ ${v.maxRatio.toFixed(1)}).`,
        `Equivalence, checked before timing: ${v.equivalence}.`,
        "",
      );
    }
  }
  if (res.http) {
    const h = res.http;
    lines.push(`## HTTP: Worker bundle in workerd (${h.servedBy})`, "");
    lines.push(...HTTP_HEADER, ...h.scenarios.map(httpRow), "");
    const rank = h.scenarios.find((s) => s.id === "rank_1k_saturation");
    const hello = h.scenarios.find((s) => s.id === "hello_saturation");
    if (rank && hello) {
      lines.push(`Saturation, same run and client: /v1/rank (1k items) ${fmtRate(rank.result.achievedRps)} = ${((rank.result.achievedRps / hello.result.achievedRps) * 100).toFixed(1)}% of hello-world's ${fmtRate(hello.result.achievedRps)}.`);
      const rankW = h.scenarios.find((s) => s.id === "rank_1k_saturation_wrk");
      const helloW = h.scenarios.find((s) => s.id === "hello_saturation_wrk");
      if (rankW && helloW) {
        lines.push(`With wrk: ${fmtRate(rankW.result.achievedRps)} vs ${fmtRate(helloW.result.achievedRps)} (${((rankW.result.achievedRps / helloW.result.achievedRps) * 100).toFixed(1)}%).`);
      }
      lines.push("");
    }
    const floorLine = rankFloorLine(h.scenarios);
    if (floorLine) lines.push(floorLine, "");
    const doRank = h.scenarios.find((s) => s.id === "rank_1k_fixed_1000");
    const redisRank = h.scenarios.find((s) => s.id === "rank_1k_fixed_1000_redis");
    if (doRank && redisRank) {
      const lat = (r: Scenario["result"]) => `p50 ${fmtMs(r.latencyMs.p50)}, p99 ${fmtMs(r.latencyMs.p99)}, ${r.serverCpuUsPerRequest ?? "n/a"} µs workerd CPU/req`;
      lines.push(`Feature store, same rank 1k @ 1,000/s scenario: Durable Object ${lat(doRank.result)}; Redis ${lat(redisRank.result)}.`, "");
    }
    for (const s of h.scenarios) {
      const parts: string[] = [];
      const mix = profileMix(s);
      if (mix) parts.push(`profile_status ${mix}`);
      if (s.profileCacheHitEstimate !== undefined) parts.push(`≈${(s.profileCacheHitEstimate * 100).toFixed(0)}% of profile reads answered by the isolate profile cache without waiting on the store (estimate; includes copies past their TTL answered while revalidated)`);
      if (s.result.sendLagMs) parts.push(`client send lag p99 ${fmtMs(s.result.sendLagMs.p99)}`);
      if (s.result.tcpLoss?.retransmits) parts.push(describeTcpLoss(s.result.tcpLoss));
      if (s.sweep && s.sweep.length > 1) parts.push(`sweep: ${s.sweep.map((r) => `${r.connections} conns ${fmtRate(r.achievedRps)} p99 ${fmtMs(r.latencyMs.p99)}`).join("; ")}`);
      if (parts.length) lines.push(`- ${s.name}: ${parts.join("; ")}.`);
      if (s.details?.length) lines.push(...(parts.length ? s.details.map((d) => `  - ${d}`) : [`- ${s.name}:`, ...s.details.map((d) => `  - ${d}`)]));
    }
    if (h.scenarios.some((s) => s.result.mode === "wrk")) {
      lines.push("- † wrk's own latency statistics. On this machine they disagree with Little's law (wrk's mean latency is far above connections ÷ throughput), so read the wrk rows for throughput only.");
    }
    for (const f of h.failures ?? []) lines.push(`- **Not measured**: ${f}`);
    lines.push(`- Setup: ${Object.entries(h.setup).map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`).join(", ")}; bundle ${(h.bundleBytes / 1024).toFixed(0)} KiB; Worker warnings logged: ${h.workerWarnings}.`);
    const kinds = kindTable(h.scenarios);
    if (kinds.length) lines.push("", ...kinds);
    if (h.breakdown.length) {
      lines.push("", "### Where the Worker's CPU goes (same closed loop, 16 connections, 1,000 items)", "");
      lines.push("| Request | throughput | workerd CPU / request | p50 | p99 |", "|---|---:|---:|---:|---:|");
      for (const b of h.breakdown) {
        const r = b.result;
        lines.push(`| ${b.name} | ${fmtRate(r.achievedRps)} | ${r.serverCpuUsPerRequest ?? "n/a"} µs | ${fmtMs(r.latencyMs.p50)} | ${fmtMs(r.latencyMs.p99)} |`);
      }
      lines.push("");
    }
    lines.push("");
  }
  if (res.wranglerDev) {
    const w = res.wranglerDev;
    lines.push("## For reference only: the same 1k fixed-rate scenario under `wrangler dev` (not the headline)", "");
    lines.push(...HTTP_HEADER, httpRow(w.scenario), "");
    if (w.note) lines.push(w.note, "");
  }
  if (res.errors.length) {
    lines.push("## Errors", "", ...res.errors.map((e) => `- ${e}`), "");
  }
  return lines.join("\n");
}

/**
 * One line for a run's notes: how many retransmits, and how many could have delayed a request. A retransmit the
 * peer D-SACKed was spurious; one it did not may have repaired a real loss, its segment late by the probe's wait
 * (≥ 200 ms with one segment in flight) or the timeout's.
 */
export function describeTcpLoss(loss: TcpLossCounters): string {
  const unconfirmed = Math.max(0, loss.retransmits - loss.alreadyReceived);
  const delayed =
    loss.timeouts > 0
      ? `; a timeout holds its segment ≥ 200 ms (a SYN 1 s)`
      : unconfirmed > 0
        ? `: no timeout, but ${unconfirmed} without a D-SACK may each have repaired a lost segment, ≥ 200 ms late`
        : `: no timeout, so none held a segment back`;
  return `${loss.retransmits} machine-wide TCP retransmits during the run (${loss.lossProbes} tail-loss probes, ${loss.timeouts} timeout${loss.timeouts === 1 ? "" : "s"}; ${loss.alreadyReceived} already received by the peer)${delayed}`;
}
