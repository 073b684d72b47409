// The learning-loop measurements of the bandit section: Thompson draws timed inside workerd, and the feedback
// pipeline's throughput with an exact reconciliation. Async (they serve workerd), so run.ts awaits runLearning
// after runBandit and stores the result in results.bandit.learning.
import type { Pinning, ServedWorker } from "../server";
import { runWorkerdDraws, type WorkerdDrawSection } from "./draws";
import { runPipeline, type PipelineSection } from "./pipeline";

export interface LearningSection {
  workerdDraws: WorkerdDrawSection | null;
  pipeline: PipelineSection | null;
  errors: string[];
  durationS: number;
}

export async function runLearning(opts: { quick: boolean; pinning: Pinning; log: (line: string) => void; track: (w: ServedWorker | null) => void }): Promise<LearningSection> {
  const started = Date.now();
  const section: LearningSection = { workerdDraws: null, pipeline: null, errors: [], durationS: 0 };
  const part = async <T>(name: string, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (err) {
      section.errors.push(`learning ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      console.error(section.errors.at(-1));
      return null;
    }
  };
  opts.log("  Thompson draws inside workerd (CPU from /proc)");
  section.workerdDraws = await part("workerd draws", () => runWorkerdDraws(opts));
  opts.log("  feedback pipeline throughput and reconciliation");
  section.pipeline = await part("feedback pipeline", () => runPipeline(opts));
  section.durationS = Math.round((Date.now() - started) / 100) / 10;
  return section;
}

const mark = (met: boolean | null) => (met === null ? "" : met ? "✅" : "❌");
const fmt = (v: number | null, unit = "") => (v === null ? "n/a" : `${v.toLocaleString("en-US")}${unit}`);

export function renderLearningMarkdown(l: LearningSection | null | undefined): string[] {
  if (!l) return [];
  const out: string[] = [];
  const d = l.workerdDraws;
  if (d) {
    out.push(
      "### Thompson draws inside workerd",
      "",
      `A bundled Worker importing shared/bandit runs N operations per request; workerd's CPU (${d.cpuSource}${d.pinned ? ", pinned" : ", not pinned"}) over the request minus an empty request's (${d.emptyRequestUs} µs), ÷ N. Median and range over repetitions.`,
      "",
      "| Operation | N per request | reps | median / op | range | Beta draws / op | per Beta draw | target | met |",
      "|---|---:|---:|---:|---:|---:|---:|---|---|",
    );
    for (const r of d.rows) {
      out.push(`| ${r.name} | ${r.n.toLocaleString("en-US")} | ${r.repetitions} | ${r.medianNs} ns | ${r.minNs}–${r.maxNs} ns | ${r.betaDrawsPerOp} | ${r.perBetaDrawNs ?? ""} ns | ≤ ${r.targetNs} ns / Beta draw | ${mark(r.met)} |`);
    }
    out.push("");
  }
  const p = l.pipeline;
  if (p) {
    out.push(
      "### Feedback pipeline: throughput with zero loss",
      "",
      `${p.rankOk.toLocaleString("en-US")} / ${p.rankCalls.toLocaleString("en-US")} rank calls on homepage.hero (${p.rankRps}/s, 32 in flight), ${p.experimentServed.toLocaleString("en-US")} in the bandit experiment (${p.holdouts} holdout); decision log in D1 after ${fmt(p.decisionsLoggedAfterS, " s")}. ` +
        "Each phase sends feedback for its own decisions, open loop at a fixed rate: clicks on 60% (10% of those sent twice, 5% with a second item clicked), 2% for an unserved item, 2% with an unknown request id. " +
        "Steady = feedback rows written per second from 2 s after the first send to the last answer. Drained = every distinct accepted feedback has its D1 row and no reward_ledger row is pending; unknown request ids are only rejected after the consumer's redeliveries (backoff), so the valid-only drain is shown too. " +
        "Everything (HTTP, the queue broker, the consumer, D1, the Durable Objects) shares one workerd thread.",
      "",
      "| Offered rate | sent | accepted (202) | accepted / s | p99 (from due time) | steady rows / s | valid drained after the last answer | drained after (all) | successes / s incl. drain | valid rows / s incl. drain | peak rows / s (1 s) | workerd CPU sending / until drained | reconciliation |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    );
    for (const ph of p.phases) {
      out.push(
        `| ${ph.targetRps}/s | ${ph.sent} | ${ph.accepted} | ${ph.acceptedRps} | ${ph.latencyMs.p99} ms | ${fmt(ph.steadyRowsPerS)} | ${fmt(ph.validDrainAfterSendS, " s")} | ${fmt(ph.drainedAfterS, " s")} | ${fmt(ph.appliedSuccessesPerS)} | ${fmt(ph.validProcessedRowsPerS)} | ${ph.peakRowsPerS} | ${fmt(ph.sendCpuPct, "%")} / ${fmt(ph.serverCpuPct, "%")} | ${ph.reconciliation.pass ? "✅ pass" : "❌ fail"} |`,
      );
    }
    const last = p.phases.at(-1);
    if (last) {
      out.push("", "Reconciliation after the last phase (cumulative):", "", "| Check | expected | actual | |", "|---|---:|---:|---|");
      for (const c of last.reconciliation.checks) out.push(`| ${c.name} | ${c.expected} | ${c.actual} | ${c.ok ? "✅" : "❌"} |`);
    }
    out.push("", `Target: sustains ≥ ${p.targetRps} rewards/s with zero loss (a phase with every feedback accepted, steady rows/s ≥ ${p.targetRps}, valid feedback drained ≤ 2 s after the last answer, and exact reconciliation): ${mark(p.met)}. Worker warnings logged: ${p.workerWarnings}.`, "");
  }
  if (l.errors.length) out.push(`${l.errors.length} learning part(s) failed: see Errors.`, "");
  return out;
}
