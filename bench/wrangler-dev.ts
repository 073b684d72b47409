// For reference only: the 1k fixed-rate scenario against `wrangler dev` (what developers run locally), to show
// how much the dev server's proxy layers cost compared with workerd served directly. Not the headline.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { anonPool } from "./fixtures";
import type { Scenario } from "./http";
import { fixedRate, onePass } from "./loadgen";
import { BENCH_SECRETS, freshDir, processCpuMs, ROOT, WORK_DIR, type Pinning } from "./server";
import { round, sleep } from "./stats";
import { catalog, createProfiles, POOL_SIZE, rankTarget, visitorPassTarget } from "./workload";
import { catalogSql } from "../scripts/catalog-sql";
import { DEMO_ANCHOR_DATE } from "../shared/catalog/demo";

export interface WranglerDevSection {
  scenario: Scenario;
  note: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

/** All descendants of `root` (inclusive), from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** The reference run's copy of wrangler.toml (gitignored). */
const BENCH_WRANGLER_CONFIG = ".wrangler.bench.toml";

export async function runWranglerDev(opts: { quick: boolean; pinning: Pinning; log: (l: string) => void; track: (c: ChildProcess | null) => void }): Promise<WranglerDevSection> {
  const persist = freshDir(join(WORK_DIR, "wrangler-dev"));
  const env = { ...process.env, CI: "1", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };
  const items = catalog(1000);
  const seedFile = join(WORK_DIR, "seed-1k.sql");
  writeFileSync(seedFile, catalogSql(items, "synthetic-1000", DEMO_ANCHOR_DATE));
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", persist], { cwd: ROOT, env, stdio: "ignore" });
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persist, `--file=${seedFile}`], { cwd: ROOT, env, stdio: "ignore" });

  const port = await freePort();
  // All the load comes from one client address, which the per-IP rate limits ([[ratelimits]], 600 a minute on
  // /v1/rank) would answer with 429 after the first 600 requests: the reference run uses wrangler.toml with those
  // limits raised (the limiter still runs), written next to it so its relative paths hold.
  const config = join(ROOT, BENCH_WRANGLER_CONFIG);
  writeFileSync(config, readFileSync(join(ROOT, "wrangler.toml"), "utf8").replace(/simple = \{ limit = \d+, period = (\d+) \}/g, "simple = { limit = 1000000, period = $1 }"));
  const args = ["wrangler", "dev", "--config", config, "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist, "--log-level", "warn", "--show-interactive-dev-session=false"];
  for (const [k, v] of Object.entries(BENCH_SECRETS)) args.push("--var", `${k}:${v}`);
  // The whole dev server tree (wrangler's Node process, its proxy and workerd) on the server core.
  const [cmd, cmdArgs] = opts.pinning.enabled ? ["taskset", ["-c", String(opts.pinning.serverCore), "npx", ...args]] : ["npx", args];
  const child = spawn(cmd as string, cmdArgs as string[], { cwd: ROOT, env, stdio: "ignore", detached: true });
  opts.track(child);
  try {
    const origin = `http://127.0.0.1:${port}`;
    const started = Date.now();
    for (;;) {
      try {
        const res = await fetch(`${origin}/health`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() - started > 60_000) throw new Error("wrangler dev did not answer /health within 60 s");
      if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`);
      await sleep(250);
    }
    opts.log(`  wrangler dev ready on ${origin} after ${Date.now() - started} ms`);
    const profiles = await createProfiles(origin, items, anonPool(POOL_SIZE));
    await sleep(2500);
    // As for workerd: wake every visitor's Durable Object first, then warm up at the target rate.
    await onePass(visitorPassTarget(origin, items), 4, null);
    const target = rankTarget(origin, items);
    const durationS = opts.quick ? 5 : 10;
    await fixedRate(target, { rate: 1000, durationS: 2, connections: 64, serverPid: null });
    const tree = () => processTree(child.pid!);
    const cpu = (pids: number[]) => pids.reduce((sum, p) => sum + (processCpuMs(p) ?? 0), 0);
    const pids = tree();
    const c0 = cpu(pids);
    const t0 = Date.now();
    const r = await fixedRate(target, { rate: 1000, durationS, connections: 64, serverPid: null });
    const cpuMs = cpu(pids) - c0;
    r.serverCpuPct = round((cpuMs / (Date.now() - t0)) * 100, 1);
    r.serverCpuUsPerRequest = r.ok ? round((cpuMs * 1000) / r.ok, 1) : null;
    opts.log(`  wrangler dev rank 1k @ 1,000/s: ${r.achievedRps}/s, errors ${r.errors}, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms, max ${r.latencyMs.max} ms`);
    return {
      scenario: {
        id: "wrangler_dev_rank_1k_fixed_1000",
        name: "wrangler dev: /v1/rank, 1,000 items, 1,000 req/s fixed rate",
        catalogItems: 1000,
        result: r,
        criteria: null,
      },
      note: `wrangler dev (all of its processes pinned to the server core), ${profiles.profiles} profiles stored via /v1/events, ${durationS} s run. CPU is summed over the dev server's whole process tree.`,
    };
  } finally {
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await new Promise((resolve) => {
      if (child.exitCode !== null) resolve(undefined);
      else {
        child.once("exit", resolve);
        setTimeout(resolve, 5000);
      }
    });
    opts.track(null);
  }
}
