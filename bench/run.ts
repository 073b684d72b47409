// `npm run bench [-- --quick] [--no-pin] [--no-wrk] [--no-wrangler-dev] [--wrangler-dev] [--only micro|http|bandit|experiments|campaigns|safety|fuzz] [--check]`
// One reproducible run: in-process micro-benchmarks, then HTTP load against the Worker bundle in workerd, then
// (optionally) the same load under `wrangler dev`, then the bandit section (bench/bandit/README.md). Writes
// bench/results/latest.{json,md} (a full run) or <section>-latest.{json,md} (--only), a copy in
// bench/results/runs/<UTC timestamp>.json, and prints the markdown table; --check then compares against the
// committed results (bench/check.ts). See bench/README.md.
import { execFileSync, type ChildProcess } from "node:child_process";
import { cpus, release } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runBandit, runLearning, withBanditSection, type BanditSection } from "./bandit/index";
import { renderCampaignMarkdown, runCampaignBench, type CampaignBenchSection } from "./campaigns";
import { runSafetyBench } from "./safety";
import { runCheck, SECTIONS } from "./check";
import { renderFuzzMarkdown, runFuzzBench, type FuzzBenchSection } from "./fuzz";
import { renderNightlyMarkdown, runNightlyBench, type NightlyBenchSection } from "./experiments/nightly";
import { renderReportMarkdown, runReportBench, type ReportBenchSection } from "./experiments/report";
import { runHttp } from "./http";
import { runMicro } from "./micro";
import { renderMarkdown, type Results } from "./report";
import { installedVersion, machineBusyMs, pin, planPinning, ROOT, selfCpuMs, stopServed, type ServedWorker } from "./server";
import { sleep } from "./stats";
import { runWranglerDev } from "./wrangler-dev";

const args = new Set(process.argv.slice(2));
const known = ["--quick", "--no-pin", "--no-wrk", "--no-wrangler-dev", "--wrangler-dev", "--wait-quiet", "--only", "--check", ...SECTIONS];
for (const a of args) {
  if (!known.includes(a)) {
    console.error(`unknown argument ${a}\nusage: npm run bench [-- --quick] [--no-pin] [--no-wrk] [--no-wrangler-dev|--wrangler-dev] [--wait-quiet] [--only ${SECTIONS.join("|")}] [--check]`);
    process.exit(2);
  }
}
const quick = args.has("--quick");
const check = args.has("--check");
// Written into every results file and its markdown, so each figure comes with the command that produced it.
const command = ["npm run bench", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" ");
const only = args.has("--only") ? (SECTIONS.find((s) => args.has(s)) ?? null) : null;
// wrangler dev costs ~30 s: on by default for full runs, off for --quick unless asked for.
const withWranglerDev = !args.has("--no-wrangler-dev") && (args.has("--wrangler-dev") || !quick) && (only === null || only === "http");

const log = (line: string) => console.log(line);
const started = Date.now();
const timestamp = new Date().toISOString();

// ---- cleanup of everything this run started -----------------------------------------------------------
let liveServer: ServedWorker | null = null;
/** The HTTP section's servers: the page scenario keeps two up at once. */
const liveServers = new Set<ServedWorker>();
let liveChild: ChildProcess | null = null;
async function cleanup() {
  const servers = [...liveServers, ...(liveServer ? [liveServer] : [])];
  liveServer = null;
  liveServers.clear();
  for (const server of servers) {
    await stopServed(server).catch(() => undefined);
    // Belt and braces: workerd (and its D1 process) should be gone after dispose.
    for (const pid of [server.pid, server.storage?.pid ?? null]) {
      if (pid === null) continue;
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already exited
      }
    }
  }
  const child = liveChild;
  liveChild = null;
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already exited
    }
  }
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    console.error(`\n${sig}: stopping the servers this run started`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** CPU other processes used over `ms` (share of one core): a busy machine makes every number here noisy. */
async function backgroundCpuPct(ms: number): Promise<number | null> {
  const m0 = machineBusyMs();
  const s0 = selfCpuMs();
  const t0 = Date.now();
  await sleep(ms);
  const m1 = machineBusyMs();
  if (m0 === null || m1 === null) return null;
  return Math.round((Math.max(0, m1 - m0 - (selfCpuMs() - s0)) / (Date.now() - t0)) * 1000) / 10;
}

/** Waits (up to `maxS`) until other processes use under 10% of a core for a whole second. */
async function waitQuiet(maxS: number): Promise<number | null> {
  const until = Date.now() + maxS * 1000;
  let pct = await backgroundCpuPct(1000);
  while (pct !== null && pct > 10 && Date.now() < until) {
    log(`  machine busy (${pct}% of a core used by other processes), waiting…`);
    pct = await backgroundCpuPct(2000);
  }
  return pct;
}

function git(...a: string[]): string {
  try {
    return execFileSync("git", a, { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "unknown";
  }
}

async function main() {
  const pinning = planPinning(args.has("--no-pin"), cpus().length);
  if (pinning.enabled && pinning.clientCore !== null) pin(process.pid, pinning.clientCore);
  // The bandit section rides along in the same results file; report.ts renders the rest, bandit/report.ts this part.
  const results: Results & { bandit: BanditSection | null } = {
    meta: {
      timestamp,
      quick,
      commit: git("rev-parse", "--short", "HEAD"),
      dirty: git("status", "--porcelain").length > 0,
      node: process.versions.node,
      v8: process.versions.v8,
      os: `${process.platform} ${release()}`,
      cpuModel: cpus()[0]?.model.trim() ?? "unknown",
      cores: cpus().length,
      pinning: pinning.enabled ? pinning.reason : `off (${pinning.reason})`,
      command,
      miniflare: installedVersion("miniflare"),
      workerd: installedVersion("miniflare/node_modules/workerd") ?? installedVersion("workerd"),
      wrangler: installedVersion("wrangler"),
      undici: installedVersion("undici"),
      backgroundCpuPctAtStart: null as number | null,
      durationS: 0,
    },
    micro: null,
    http: null,
    wranglerDev: null,
    bandit: null,
    errors: [],
  };
  log(`aura bench ${quick ? "(quick) " : ""}— ${timestamp}, pinning: ${results.meta.pinning}`);
  const background = args.has("--wait-quiet") ? await waitQuiet(300) : await backgroundCpuPct(1000);
  results.meta.backgroundCpuPctAtStart = background;
  if (background !== null && background > 10) {
    log(`  warning: other processes are using ${background}% of a core; on a 2-core machine that skews every figure (see "other CPU")`);
  }

  if (only === null || only === "micro") {
    log("\n[1/3] in-process micro-benchmarks");
    results.micro = runMicro({ quick, log });
  }
  if (only === null || only === "http") {
    log("\n[2/3] HTTP load against the Worker bundle in workerd");
    try {
      results.http = await runHttp({
        quick,
        pinning,
        useWrk: !args.has("--no-wrk"),
        log,
        track: (w, live) => {
          if (live) liveServers.add(w);
          else liveServers.delete(w);
        },
      });
    } catch (err) {
      results.errors.push(`HTTP section failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(results.errors.at(-1));
      await cleanup();
    }
  }
  if (withWranglerDev) {
    log("\n[3/3] for reference: the 1k fixed-rate scenario under wrangler dev");
    try {
      results.wranglerDev = await runWranglerDev({
        quick,
        pinning,
        log,
        track: (c) => {
          liveChild = c;
        },
      });
    } catch (err) {
      results.errors.push(`wrangler dev section failed: ${err instanceof Error ? err.message : String(err)}`);
      console.error(results.errors.at(-1));
      await cleanup();
    }
  }

  // In-process and ~30 s (~15 s with --quick): part of every run except --only micro/http.
  if (only === null || only === "bandit") {
    log("\n[bandits] regret simulation, off-policy evaluation on the Open Bandit Dataset, Thompson draw timing");
    results.bandit = runBandit({ quick, log });
    results.errors.push(...results.bandit.errors);
    // Async, serves workerd: Thompson draws inside workerd and the feedback pipeline (bench/learning).
    const learning = await runLearning({
      quick,
      pinning,
      log,
      track: (w) => {
        liveServer = w;
      },
    });
    results.bandit.learning = learning;
    results.errors.push(...learning.errors);
  }

  let experiments: ReportBenchSection | null = null;
  let nightly: NightlyBenchSection | null = null;
  if (only === null || only === "experiments") {
    log("\n[experiments] the statistics report over 100,000 units per variant");
    try {
      experiments = await runReportBench({ quick, log, track: (w) => (liveServer = w) });
      log("\n[experiments] the nightly jobs over 25,000 customers");
      nightly = await runNightlyBench({ quick, log, track: (w) => (liveServer = w) });
    } catch (err) {
      results.errors.push(`experiments section failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(results.errors.at(-1));
      await cleanup();
    }
  }

  let campaigns: CampaignBenchSection | null = null;
  if (only === null || only === "campaigns") {
    log("\n[campaigns] the campaign pipeline over 10,000 customers (template generator)");
    try {
      campaigns = await runCampaignBench({ quick, log, track: (w) => (liveServer = w) });
    } catch (err) {
      results.errors.push(`campaigns section failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(results.errors.at(-1));
      await cleanup();
    }
  }

  let safety: { markdown: string; json: Record<string, unknown> } | null = null;
  if (only === null || only === "safety") {
    log("\n[safety] the content-safety screen on labelled public data, clean copy and obfuscations");
    try {
      safety = await runSafetyBench({ quick, log });
    } catch (err) {
      results.errors.push(`safety section failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(results.errors.at(-1));
    }
  }

  let fuzz: FuzzBenchSection | null = null;
  if (only === null || only === "fuzz") {
    log("\n[fuzz] random, malformed, oversized and adversarial requests to every endpoint (target: 0 5xx)");
    try {
      fuzz = await runFuzzBench({ quick, log, track: (w) => (liveServer = w) });
    } catch (err) {
      results.errors.push(`fuzz section failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(results.errors.at(-1));
      await cleanup();
    }
  }

  results.meta.durationS = Math.round((Date.now() - started) / 100) / 10;
  const dir = join(ROOT, "bench", "results");
  mkdirSync(join(dir, "runs"), { recursive: true });
  const output = { ...results, experiments, nightly, campaigns, safety: safety?.json ?? null, fuzz };
  const json = `${JSON.stringify(output, null, 2)}\n`;
  const stamp = timestamp.replace(/[:.]/g, "-");
  // A full run is latest.*; an --only run is that section's own file, so it never overwrites the other sections'
  // figures. The timestamped copy is the local history (gitignored); the committed *-latest files are the baseline.
  const name = only === null ? "latest" : `${only}-latest`;
  writeFileSync(join(dir, "runs", `${stamp}.json`), json);
  writeFileSync(join(dir, `${name}.json`), json);
  const [title = "", ...body] = [withBanditSection(renderMarkdown(results), results.bandit), ...(experiments || nightly ? ["", "## Experiments and nightly jobs", "", ...renderReportMarkdown(experiments), ...renderNightlyMarkdown(nightly)] : []), ...(campaigns ? ["", "## Campaigns", "", ...renderCampaignMarkdown(campaigns)] : []), ...(safety ? ["", safety.markdown] : []), ...(fuzz ? ["", ...renderFuzzMarkdown(fuzz)] : [])].join("\n").split("\n");
  const md = [title, "", `Command: \`${command}\``, ...body].join("\n");
  writeFileSync(join(dir, `${name}.md`), `${md}\n`);
  log(`\n${md}`);
  log(`results: bench/results/${name}.json and ${name}.md (this run also in bench/results/runs/${stamp}.json), ${results.meta.durationS} s`);
  if (results.errors.length) process.exitCode = 1;
  if (check) {
    const verdict = runCheck(output, { sections: only === null ? SECTIONS : [only] });
    log(`\n${verdict.text}`);
    if (verdict.failed) process.exitCode = 1;
  }
}

main()
  .catch(async (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
  });
