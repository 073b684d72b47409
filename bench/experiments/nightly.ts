// The nightly jobs over 25,000 customers and ~100,000 events: the synthetic history written into D1, then
// POST /v1/admin/segments/retrain against the bundle in workerd; each job's wall time (from its run record)
// and workerd's CPU for the whole run (from /proc), against the ≤ 10 s target and the cron CPU limit.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { syntheticHistory } from "../../shared/catalog/history";
import { hashVisitorId } from "../../shared/privacy";
import { learningOptions } from "../learning/pipeline";
import { BENCH_SECRETS, bundleWorker, freshDir, parseWranglerToml, processCpuMs, ROOT, serve, WORK_DIR, type ServedWorker } from "../server";
import { round } from "../stats";
import { catalog, migrate, seedCatalog } from "../workload";

const ADMIN = { authorization: `Bearer ${BENCH_SECRETS.ADMIN_API_KEY}` };
export const NIGHTLY_TARGET_S = 10;

export interface NightlyBenchSection {
  customers: number;
  events: number;
  seedSeconds: number;
  jobs: { job: string; status: string; duration_ms: number; outcome: Record<string, unknown> | null }[];
  totalSeconds: number;
  workerdCpuSeconds: number | null;
  cpuLimitMs: number | null;
  met: boolean;
}

export async function runNightlyBench(opts: { quick: boolean; log: (line: string) => void; track: (w: ServedWorker | null) => void }): Promise<NightlyBenchSection> {
  const customers = opts.quick ? 5000 : 25_000;
  const bundle = bundleWorker();
  const logs: string[] = [];
  const served = await serve(learningOptions(bundle.path, freshDir(join(WORK_DIR, "nightly-miniflare")), logs), "aura", logs);
  opts.track(served);
  try {
    const db = await served.mf.getD1Database("DB");
    await migrate(db);
    const items = catalog(1000);
    await seedCatalog(db, items, "bench-nightly");
    const t0 = performance.now();
    const now = new Date();
    const history = syntheticHistory({ customers, days: 60, now, seed: 25, productIds: items.filter((i) => i.kind === "product").map((i) => i.id) });
    const hashes = new Map<string, string>();
    for (const c of history.customers) hashes.set(c.visitor, await hashVisitorId(BENCH_SECRETS.VISITOR_ID_SALT, c.visitor));
    const cols = ["id", "visitor_hash", "session_id", "type", "ts", "product_id", "category", "value", "received_at"];
    const sql = `INSERT INTO events (${cols.join(", ")}) SELECT ${cols.map((c) => `json_extract(value, '$.${c}')`).join(", ")} FROM json_each(?)`;
    for (let i = 0; i < history.events.length; i += 5000) {
      const chunk = history.events.slice(i, i + 5000).map((e) => ({ id: e.id, visitor_hash: hashes.get(e.visitor), session_id: e.session, type: e.type, ts: e.ts, product_id: e.product_id, category: e.category, value: e.value, received_at: e.ts }));
      await db.prepare(sql).bind(JSON.stringify(chunk)).run();
    }
    const seedSeconds = round((performance.now() - t0) / 1000, 1);
    opts.log(`  seeded ${history.events.length.toLocaleString("en-US")} events from ${customers.toLocaleString("en-US")} customers in ${seedSeconds} s`);

    const cpu0 = served.pid !== null ? processCpuMs(served.pid) : null;
    const s = performance.now();
    const res = await fetch(`${served.url.origin}/v1/admin/segments/retrain`, { method: "POST", headers: ADMIN });
    const body = (await res.json()) as { status: string; jobs: NightlyBenchSection["jobs"] };
    const totalSeconds = round((performance.now() - s) / 1000, 2);
    const cpu1 = served.pid !== null ? processCpuMs(served.pid) : null;
    if (res.status !== 200) throw new Error(`retrain -> ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
    const workerdCpuSeconds = cpu0 !== null && cpu1 !== null ? round((cpu1 - cpu0) / 1000, 2) : null;
    const cpuLimitMs = readCpuLimit();
    for (const j of body.jobs) opts.log(`  ${j.job}: ${j.status} in ${j.duration_ms} ms`);
    opts.log(`  all jobs ${totalSeconds} s (workerd CPU ${workerdCpuSeconds ?? "n/a"} s; cron CPU limit ${cpuLimitMs ?? "n/a"} ms)`);
    return {
      customers,
      events: history.events.length,
      seedSeconds,
      jobs: body.jobs.map((j) => ({ job: j.job, status: j.status, duration_ms: j.duration_ms, outcome: j.outcome })),
      totalSeconds,
      workerdCpuSeconds,
      cpuLimitMs,
      met: body.status === "succeeded" && totalSeconds <= NIGHTLY_TARGET_S && (cpuLimitMs === null || workerdCpuSeconds === null || workerdCpuSeconds * 1000 <= cpuLimitMs),
    };
  } finally {
    await served.mf.dispose().catch(() => undefined);
    opts.track(null);
  }
}

function readCpuLimit(): number | null {
  const limit = parseWranglerToml(readFileSync(join(ROOT, "wrangler.toml"), "utf8")).tables.limits?.cpu_ms;
  return typeof limit === "number" ? limit : null;
}

export function renderNightlyMarkdown(r: NightlyBenchSection | null | undefined): string[] {
  if (!r) return [];
  const out = [
    "### Nightly jobs: segmentation and model training",
    "",
    `${r.customers.toLocaleString("en-US")} synthetic customers, ${r.events.toLocaleString("en-US")} events over 60 days (written to D1 in ${r.seedSeconds} s); POST /v1/admin/segments/retrain against the bundle in workerd.`,
    "",
    "| job | status | wall time |",
    "|---|---|---:|",
    ...r.jobs.map((j) => `| ${j.job} | ${j.status} | ${j.duration_ms.toLocaleString("en-US")} ms |`),
    `| **all** | | **${r.totalSeconds} s** (workerd CPU ${r.workerdCpuSeconds ?? "n/a"} s) |`,
    "",
    `Target ≤ ${NIGHTLY_TARGET_S} s locally, and CPU under the cron trigger's limit (${r.cpuLimitMs ?? "not set"} ms): ${r.met ? "✅" : "❌"}.`,
    "",
  ];
  return out;
}
