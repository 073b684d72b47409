// The 1k rank scenario at 1,000 req/s with the feature store on Redis instead of the Durable Object default:
// redis-server behind the local Upstash REST bridge (test-support/upstash-bridge.ts, the protocol @upstash/redis
// speaks), selected by UPSTASH_REDIS_REST_URL/TOKEN as in production (workers/services.ts). Profiles are created
// through POST /v1/events exactly as for the Durable Object store, in state of its own.
//
// redis-server and the bridge run on the load generator's core, in processes of their own: like Upstash, they are
// not on the Worker's machine, so workerd's core carries the Worker alone. The REST hop here is loopback, so this
// row measures aura's side of the Redis store (client, REST round trip, validation), not a remote Upstash's network
// latency.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { Pool } from "undici";
import type { Item } from "../shared/catalog/item";
import type { HttpKit, Scenario } from "./http";
import { fixedRate, onePass } from "./loadgen";
import { freshDir, pin, ROOT, STATE_DIR, WORK_DIR } from "./server";
import { anonPool } from "./fixtures";
import { warningKinds, warningsLine } from "./mix";
import { createExperiments, createProfiles, migrate, POOL_SIZE, rankTarget, seedCatalog, visitorPassTarget, waitForQueueDrain } from "./workload";
import { findRedisServer } from "../test-support/redis-binary";

const TOKEN = "bench-upstash-token";

/** Waits for redis on the socket, then serves the bridge and prints `BRIDGE <url>`. */
const BRIDGE_SCRIPT = `
import { RespConnection, startUpstashBridge } from ${JSON.stringify(join(ROOT, "test-support", "upstash-bridge.ts"))};
const socket = process.env.REDIS_SOCKET;
const deadline = Date.now() + 10000;
for (;;) {
  try {
    const conn = await RespConnection.open({ path: socket });
    await conn.send([["PING"]]);
    conn.close();
    break;
  } catch (err) {
    if (Date.now() > deadline) throw err;
    await new Promise((r) => setTimeout(r, 25));
  }
}
const bridge = await startUpstashBridge({ redis: { path: socket }, token: process.env.BRIDGE_TOKEN });
console.log("BRIDGE " + bridge.url);
process.on("SIGTERM", () => bridge.close().finally(() => process.exit(0)));
`;

interface Child {
  child: ChildProcess;
  output: string[];
  close(): void;
}

function startChild(command: string, args: string[], env: Record<string, string>, kit: HttpKit): Child {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  child.stdout!.on("data", (b: Buffer) => output.push(b.toString()));
  child.stderr!.on("data", (b: Buffer) => output.push(b.toString()));
  child.on("error", (err) => output.push(`could not start ${command}: ${err.message}\n`));
  // Should the run die without its finally (an error, Ctrl-C), the child goes with it.
  const kill = () => child.kill("SIGKILL");
  process.once("exit", kill);
  if (kit.opts.pinning.enabled && kit.opts.pinning.clientCore !== null && child.pid !== undefined) pin(child.pid, kit.opts.pinning.clientCore);
  return {
    child,
    output,
    close: () => {
      process.off("exit", kill);
      if (child.exitCode === null) child.kill("SIGTERM");
    },
  };
}

async function waitForLine(c: Child, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const m = pattern.exec(c.output.join(""));
    if (m) return m;
    if (c.child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not start:\n${c.output.join("").slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Profile hashes in Redis (`aura:profile:*`), through the bridge: the profiles really live there. */
async function profileKeys(url: string): Promise<number> {
  const pool = new Pool(url, { connections: 1 });
  try {
    const res = await pool.request({ method: "POST", path: "/", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(["EVAL", "return #redis.call('KEYS', ARGV[1])", "0", "aura:profile:*"]) });
    const body = (await res.body.json()) as { result?: number };
    return body.result ?? -1;
  } finally {
    await pool.close();
  }
}

/** The Redis row, or why it was skipped. */
export async function runRedis(kit: HttpKit, items: Item[]): Promise<Scenario | string> {
  const binary = findRedisServer();
  if (!binary) return "Redis feature store skipped: redis-server is not installed (apt-get install -y redis-server)";
  const dir = freshDir(join(WORK_DIR, "redis"));
  const socket = join(dir, "redis.sock");
  // No TCP listener, nothing persisted: a throwaway store for this run.
  const redis = startChild(binary, ["--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", dir, "--daemonize", "no", "--loglevel", "warning"], {}, kit);
  const bridge = startChild(process.execPath, ["--import", "tsx", "--input-type=module", "-e", BRIDGE_SCRIPT], { REDIS_SOCKET: socket, BRIDGE_TOKEN: TOKEN }, kit);
  try {
    const url = (await waitForLine(bridge, /BRIDGE (http:\/\/\S+)/, "the Upstash bridge"))[1]!;
    const cfg = { ...kit.wrangler, vars: { ...kit.wrangler.vars, UPSTASH_REDIS_REST_URL: url, UPSTASH_REDIS_REST_TOKEN: TOKEN } };
    const persist = freshDir(join(STATE_DIR, "miniflare-redis"));

    // Setup as for the Durable Object store: schema, catalog, profiles through the Worker's own /v1/events.
    let w = await kit.startAura(persist, cfg);
    let profiles: Awaited<ReturnType<typeof createProfiles>>;
    try {
      const db = await w.mf.getD1Database("DB");
      await migrate(db);
      await seedCatalog(db, items, `synthetic-${items.length}`);
      await createExperiments(w.url.origin);
      profiles = await createProfiles(w.url.origin, items, anonPool(POOL_SIZE));
      const drain = await waitForQueueDrain(db, profiles.profiles, 30_000);
      kit.opts.log(`  Redis feature store (Upstash REST bridge ${url}): ${profiles.profiles} profiles (${profiles.events} events, ${profiles.failures} failures); queue drained: ${drain.drained}`);
    } finally {
      await kit.stop(w);
    }

    // A fresh workerd, its first rank per visitor (cold), a warm-up, then the timed run: the Durable Object phases' order.
    const logMark = kit.logs.length;
    w = await kit.startAura(persist, cfg);
    try {
      const cold = await onePass(visitorPassTarget(w.url.origin, items), 4, w.pid);
      kit.opts.log(`  cold pass on Redis, 4 in flight: ${kit.describe(cold)} ${JSON.stringify(cold.labels)}`);
      const target = rankTarget(w.url.origin, items);
      await fixedRate(target, { rate: 1000, durationS: kit.warmS, connections: 64, serverPid: w.pid });
      const r = await fixedRate(target, { rate: 1000, durationS: kit.fixedS, connections: 64, serverPid: w.pid });
      const keys = await profileKeys(url);
      const unavailable = r.labels.unavailable ?? 0;
      kit.opts.log(`  rank 1k @ 1,000/s fixed rate on Redis, ${kit.fixedS} s: ${kit.describe(r)} ${JSON.stringify(r.labels)}; ${keys} profile hashes in Redis`);
      return {
        id: "rank_1k_fixed_1000_redis",
        name: "/v1/rank, 1,000 items, 1,000 req/s fixed rate, feature store on Redis (Upstash REST bridge on the client core)",
        catalogItems: items.length,
        result: r,
        // A fast answer without the profile is not a win for the store: reads that timed out or met an open circuit
        // breaker rank as cold start ("unavailable"), so the row also requires the store to have answered.
        criteria: { label: "p99 ≤ 5 ms, errors 0, profile reads unavailable ≤ 1%", met: r.errors === 0 && r.latencyMs.p99 <= 5 && r.achievedRps >= 990 && unavailable <= 0.01 * r.ok },
        profileCacheHitEstimate: kit.profileCacheHits(target, 1000, r.sent),
        details: [
          `${keys} profile hashes in Redis (${profiles.profiles} created through POST /v1/events); cold pass (first rank of each visitor on a fresh workerd) p50 ${cold.latencyMs.p50} ms, p99 ${cold.latencyMs.p99} ms`,
          `profile reads unavailable (store past FEATURE_STORE_TIMEOUT_MS or circuit breaker open: cold-start ranking): ${unavailable} of ${r.ok} (${r.ok ? ((unavailable / r.ok) * 100).toFixed(1) : "0"}%)`,
          warningsLine(warningKinds(kit.logs.slice(logMark))),
        ],
      };
    } finally {
      await kit.stop(w);
    }
  } finally {
    bridge.close();
    redis.close();
  }
}
