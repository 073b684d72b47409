// The campaign pipeline over 10,000 customers with the template generator, against the bundle in workerd:
// upload (CSV), run (segment, generate, screen, assign), approve, export the sends, build the report. Each
// stage's wall time and the total, against the ≤ 20 s target.
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { demoCorpus } from "../shared/campaigns/demo-corpus";
import { syntheticCustomersCsv } from "../shared/campaigns/synthetic";
import { learningOptions } from "./learning/pipeline";
import { BENCH_SECRETS, bundleWorker, freshDir, serve, WORK_DIR, type ServedWorker } from "./server";
import { round } from "./stats";
import { migrate } from "./workload";

const ADMIN = { authorization: `Bearer ${BENCH_SECRETS.ADMIN_API_KEY}` };
export const CAMPAIGN_TARGET_S = 20;

export interface CampaignBenchSection {
  customers: number;
  csvBytes: number;
  runs: number;
  /** Per stage: median and slowest over the runs, and what the first run did. */
  stages: { stage: string; ms: number; maxMs: number; note: string }[];
  /** Median and slowest whole-pipeline time. */
  totalSeconds: number;
  maxTotalSeconds: number;
  segments: number;
  variants: number;
  blocked: number;
  met: boolean;
}

export async function runCampaignBench(opts: { quick: boolean; log: (line: string) => void; track: (w: ServedWorker | null) => void; customers?: number }): Promise<CampaignBenchSection> {
  const customers = opts.customers ?? (opts.quick ? 2000 : 10_000);
  const bundle = bundleWorker();
  const logs: string[] = [];
  const served = await serve(learningOptions(bundle.path, freshDir(join(WORK_DIR, "campaigns-miniflare")), logs), "aura", logs);
  opts.track(served);
  try {
    await migrate(await served.mf.getD1Database("DB"));
    const base = served.url.origin;
    const seeded = await fetch(`${base}/v1/content/approved`, { method: "POST", headers: { ...ADMIN, "content-type": "application/json" }, body: JSON.stringify(demoCorpus) });
    if (seeded.status !== 201) throw new Error(`seeding the corpus -> ${seeded.status}`);
    const csv = syntheticCustomersCsv(customers, 42);
    // Each run is a fresh campaign over the same file: upload, run to review, approve, export, report.
    const runs = opts.quick ? 1 : 5;
    const times = new Map<string, number[]>();
    const notes = new Map<string, string>();
    const totals: number[] = [];
    let view: { status: string; design: { segments: unknown[] }; variants: { status: string }[] } | null = null;
    for (let r = 0; r < runs; r++) {
      const timed = async <T>(stage: string, f: () => Promise<T>, note: (t: T) => string): Promise<T> => {
        const t0 = performance.now();
        const out = await f();
        const ms = performance.now() - t0;
        (times.get(stage) ?? times.set(stage, []).get(stage)!).push(ms);
        if (!notes.has(stage)) notes.set(stage, note(out));
        return out;
      };
      const t0 = performance.now();
      const created = await timed("upload", async () => {
        const res = await fetch(`${base}/v1/campaigns?name=bench&segments=kmeans`, { method: "POST", headers: { ...ADMIN, "content-type": "text/csv" }, body: csv });
        if (res.status !== 201) throw new Error(`upload -> ${res.status}: ${(await res.text()).slice(0, 300)}`);
        return (await res.json()) as { campaign_id: string; customers: number };
      }, (b) => `${b.customers.toLocaleString("en-US")} customers, ${(csv.length / 1024).toFixed(0)} KiB`);
      const id = created.campaign_id;
      view = await timed("run", async () => {
        for (;;) {
          const res = await fetch(`${base}/v1/campaigns/${id}/run`, { method: "POST", headers: ADMIN });
          const body = (await res.json()) as { status: string; design: { segments: unknown[] }; variants: { status: string }[] };
          if (body.status !== "running") return body;
        }
      }, (b) => `${b.status}: ${b.design.segments.length} segments, ${b.variants.length} variants screened`);
      if (view.status !== "awaiting_approval") throw new Error(`run ended ${view.status}`);
      await timed("approve", async () => (await fetch(`${base}/v1/campaigns/${id}/approve`, { method: "POST", headers: ADMIN })).status, (s) => `HTTP ${s}`);
      await timed("sends.csv", async () => (await (await fetch(`${base}/v1/campaigns/${id}/sends.csv`, { headers: ADMIN })).text()).split("\n").length - 2, (n) => `${n.toLocaleString("en-US")} sends`);
      await timed("report", async () => ((await (await fetch(`${base}/v1/campaigns/${id}/report`, { headers: ADMIN })).json()) as { segments: unknown[] }).segments.length, (n) => `${n} segments, simulated engagement, attribution`);
      totals.push((performance.now() - t0) / 1000);
      opts.log(`  run ${r + 1}/${runs}: ${totals.at(-1)!.toFixed(2)} s`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
    const stages = [...times].map(([stage, ms]) => ({ stage, ms: round(median(ms), 0), maxMs: round(Math.max(...ms), 0), note: notes.get(stage)! }));
    for (const st of stages) opts.log(`  ${st.stage.padEnd(10)} median ${String(st.ms).padStart(6)} ms, max ${String(st.maxMs).padStart(6)} ms  ${st.note}`);
    const totalSeconds = round(median(totals), 2);
    const maxTotalSeconds = round(Math.max(...totals), 2);
    opts.log(`  total median ${totalSeconds} s, max ${maxTotalSeconds} s over ${runs} runs (target ≤ ${CAMPAIGN_TARGET_S} s)`);
    return {
      customers,
      csvBytes: csv.length,
      runs,
      stages,
      totalSeconds,
      maxTotalSeconds,
      segments: view!.design.segments.length,
      variants: view!.variants.length,
      blocked: view!.variants.filter((v) => v.status === "blocked").length,
      met: maxTotalSeconds <= CAMPAIGN_TARGET_S,
    };
  } finally {
    await served.mf.dispose().catch(() => undefined);
    opts.track(null);
  }
}

export function renderCampaignMarkdown(r: CampaignBenchSection | null | undefined): string[] {
  if (!r) return [];
  return [
    "### Campaign pipeline (template generator)",
    "",
    `${r.customers.toLocaleString("en-US")} customers (${(r.csvBytes / 1024).toFixed(0)} KiB CSV) through the bundle in workerd: ${r.segments} segments, ${r.variants} variants screened (${r.blocked} blocked).`,
    "",
    `${r.runs} runs, each a fresh campaign over the same file.`,
    "",
    "| stage | median | slowest | |",
    "|---|---:|---:|---|",
    ...r.stages.map((s) => `| ${s.stage} | ${s.ms.toLocaleString("en-US")} ms | ${s.maxMs.toLocaleString("en-US")} ms | ${s.note} |`),
    `| **all** | **${r.totalSeconds} s** | **${r.maxTotalSeconds} s** | |`,
    "",
    `Target ≤ ${CAMPAIGN_TARGET_S} s locally (slowest run): ${r.met ? "✅" : "❌"}.`,
    "",
  ];
}
