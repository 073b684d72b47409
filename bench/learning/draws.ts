// Thompson draw cost inside workerd: bundle draw-worker.ts with esbuild, serve it through Miniflare on a direct
// socket (like hello-world in server.ts), pin workerd, and read its CPU time from /proc around requests that do
// N operations; minus the CPU of an empty request, divided by N. workerd's timers do not advance inside
// synchronous code, so timing inside the Worker would read 0.
import { readFileSync, readdirSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { Pool } from "undici";
import { defaultThompsonPolicy } from "../../shared/bandit/thompson";
import { pin, processCpuMs, readWranglerConfig, serve, WORK_DIR, type Pinning, type ServedWorker } from "../server";
import { percentileSorted, round } from "../stats";

export interface WorkerdDrawRow {
  id: string;
  name: string;
  /** Operations per timed request. */
  n: number;
  repetitions: number;
  /** workerd CPU per operation (empty-request CPU subtracted), ns: median and the spread over repetitions. */
  medianNs: number;
  minNs: number;
  maxNs: number;
  /** Beta draws one operation makes on average (chooseArm: (1 − K·floor)·K). */
  betaDrawsPerOp: number;
  /** medianNs / betaDrawsPerOp. */
  perBetaDrawNs: number | null;
  targetNs: number | null;
  met: boolean | null;
}

export interface WorkerdDrawSection {
  cpuSource: string;
  pinned: boolean;
  /** workerd CPU of one empty request (n = 0), µs, median. */
  emptyRequestUs: number;
  bundleBytes: number;
  rows: WorkerdDrawRow[];
}

const TARGET_NS = 150;

/** CPU time of every thread of `pid` so far, ns, from /proc/<pid>/task/<tid>/schedstat (ns resolution). */
function schedstatNs(pid: number): number | null {
  try {
    let total = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
      } catch {
        // the thread exited
      }
    }
    return total;
  } catch {
    return null;
  }
}

export async function bundleDrawWorker(outDir: string): Promise<{ path: string; bytes: number }> {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, "draw-worker.js");
  await build({
    entryPoints: [new URL("./draw-worker.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    outfile: path,
    logLevel: "silent",
  });
  return { path, bytes: readFileSync(path).length };
}

export async function runWorkerdDraws(opts: {
  quick: boolean;
  pinning: Pinning;
  log: (line: string) => void;
  track: (w: ServedWorker | null) => void;
}): Promise<WorkerdDrawSection> {
  const bundle = await bundleDrawWorker(join(WORK_DIR, "learning-draws"));
  const cfg = readWranglerConfig();
  const logs: string[] = [];
  const served = await serve(
    {
      host: "127.0.0.1",
      port: 0,
      workers: [
        {
          name: "draws",
          modules: true,
          scriptPath: bundle.path,
          compatibilityDate: cfg.compatibilityDate,
          compatibilityFlags: cfg.compatibilityFlags,
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      ],
    },
    "draws",
    logs,
  );
  opts.track(served);
  try {
    if (served.pid === null) throw new Error("workerd's process was not found: no CPU accounting");
    const pid = served.pid;
    const pinned = opts.pinning.enabled && opts.pinning.serverCore !== null ? pin(pid, opts.pinning.serverCore) : false;
    const useSchedstat = schedstatNs(pid) !== null;
    const cpuNs = (): number => (useSchedstat ? schedstatNs(pid)! : (processCpuMs(pid) ?? Number.NaN) * 1e6);
    const pool = new Pool(served.url.origin, { connections: 1 });
    const hit = async (op: string, n: number): Promise<number> => {
      const c0 = cpuNs();
      const res = await pool.request({ method: "GET", path: `/?op=${op}&n=${n}` });
      const text = await res.body.text();
      const c1 = cpuNs();
      if (res.statusCode !== 200) throw new Error(`draw worker ${op} -> ${res.statusCode}: ${text.slice(0, 200)}`);
      return c1 - c0;
    };
    const reps = opts.quick ? 3 : 7;
    const n = opts.quick ? 500_000 : 2_000_000;
    // Warm up every operation past V8's optimising tier, and the empty path.
    for (const op of ["beta_prior", "beta_posterior", "choose_arm_3"]) await hit(op, 200_000);
    const empties: number[] = [];
    for (let i = 0; i < 21; i++) empties.push(await hit("noop", 0));
    empties.sort((a, b) => a - b);
    const emptyNs = percentileSorted(empties, 50);
    const floorMass = Math.min(1, 3 * defaultThompsonPolicy.trafficFloor);
    const ops = [
      { id: "workerd_sample_beta_prior", op: "beta_prior", name: "sampleBeta(1, 1), Math.random source", draws: 1 },
      { id: "workerd_sample_beta_posterior", op: "beta_posterior", name: "sampleBeta(71, 931), Math.random source", draws: 1 },
      { id: "workerd_choose_arm_3", op: "choose_arm_3", name: "chooseArm, 3 arms, precomputed win probabilities, default policy", draws: round((1 - floorMass) * 3, 2) },
    ];
    const rows: WorkerdDrawRow[] = [];
    for (const o of ops) {
      const per: number[] = [];
      for (let r = 0; r < reps; r++) per.push((((await hit(o.op, n)) - emptyNs) / n));
      per.sort((a, b) => a - b);
      const medianNs = round(percentileSorted(per, 50), 1);
      const perBeta = o.draws > 0 ? round(medianNs / o.draws, 1) : null;
      const row: WorkerdDrawRow = {
        id: o.id,
        name: o.name,
        n,
        repetitions: reps,
        medianNs,
        minNs: round(per[0]!, 1),
        maxNs: round(per[per.length - 1]!, 1),
        betaDrawsPerOp: o.draws,
        perBetaDrawNs: perBeta,
        targetNs: TARGET_NS,
        met: perBeta === null ? null : perBeta <= TARGET_NS,
      };
      rows.push(row);
      opts.log(`  workerd ${o.name}: ${medianNs} ns / op median (${row.minNs}–${row.maxNs}), ${perBeta} ns / Beta draw`);
    }
    await pool.close().catch(() => undefined);
    return {
      cpuSource: useSchedstat ? "/proc/<pid>/task/*/schedstat (ns)" : "/proc/<pid>/stat utime+stime (10 ms ticks)",
      pinned,
      emptyRequestUs: round(emptyNs / 1000, 1),
      bundleBytes: bundle.bytes,
      rows,
    };
  } finally {
    await served.mf.dispose().catch(() => undefined);
    opts.track(null);
  }
}
