// Timing of the Thompson draws /v1/rank makes per request (sampleBeta, chooseArm over 3 arms), and of the
// win-probability refresh the isolate makes per segment per snapshot, in Node's V8 like bench/micro.ts.
import { performance } from "node:perf_hooks";
import { sampleBeta, seededUniform } from "../../shared/bandit/random";
import { chooseArm, defaultThompsonPolicy, thompsonWinProbabilities, type ArmPosterior } from "../../shared/bandit/thompson";
import { percentileSorted, round } from "../stats";

export interface DrawTiming {
  id: string;
  name: string;
  /** Per operation, nanoseconds, over timed batches. */
  medianNs: number;
  p99Ns: number;
  /** Beta draws one operation makes on average: for the per-draw figure. */
  betaDrawsPerOp: number;
  opsPerBatch: number;
  batches: number;
  targetNs: number | null;
  /** Median per operation within the target (null without one). */
  met: boolean | null;
  note?: string;
}

const TARGET_NS = 150;
const MIN_BATCH_US = 200;
/** Every result is folded in here so V8 cannot drop the work. */
let sink = 0;

function time(id: string, name: string, op: () => number, opts: { quick: boolean; betaDrawsPerOp: number; targetNs: number | null; note?: string }): DrawTiming {
  // Warm-up long enough for the optimising tier, then batches of ≥ MIN_BATCH_US each.
  const warmUntil = performance.now() + (opts.quick ? 100 : 300);
  let calls = 0;
  const warmStart = performance.now();
  while (performance.now() < warmUntil) {
    sink += op();
    calls++;
  }
  const perCallUs = ((performance.now() - warmStart) * 1000) / Math.max(1, calls);
  const opsPerBatch = Math.max(1, Math.ceil(MIN_BATCH_US / perCallUs));
  const batches = opts.quick ? 200 : 1000;
  const samples = new Float64Array(batches);
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let i = 0; i < opsPerBatch; i++) sink += op();
    samples[b] = ((performance.now() - t0) * 1e6) / opsPerBatch;
  }
  samples.sort();
  const medianNs = round(percentileSorted(samples, 50), 1);
  return {
    id,
    name,
    medianNs,
    p99Ns: round(percentileSorted(samples, 99), 1),
    betaDrawsPerOp: opts.betaDrawsPerOp,
    opsPerBatch,
    batches,
    targetNs: opts.targetNs,
    met: opts.targetNs === null ? null : medianNs <= opts.targetNs,
    ...(opts.note ? { note: opts.note } : {}),
  };
}

export function runThompsonMicro(opts: { quick: boolean; log: (line: string) => void }): DrawTiming[] {
  const u = seededUniform(42);
  // A realistic experiment a few thousand requests in: CTRs around 4–7%.
  const arms: ArmPosterior[] = [
    { arm: "a", alpha: 41, beta: 961 },
    { arm: "b", alpha: 51, beta: 951 },
    { arm: "c", alpha: 71, beta: 931 },
  ];
  const win = thompsonWinProbabilities(arms, u, 4000);
  const floorMass = Math.min(1, arms.length * defaultThompsonPolicy.trafficFloor);
  const rows = [
    time("sample_beta_prior", "sampleBeta(1, 1): a new arm's prior", () => sampleBeta(u, 1, 1), { ...opts, betaDrawsPerOp: 1, targetNs: TARGET_NS }),
    time("sample_beta_posterior", "sampleBeta(71, 931): an arm after ~1,000 pulls", () => sampleBeta(u, 71, 931), { ...opts, betaDrawsPerOp: 1, targetNs: TARGET_NS }),
    time("choose_arm_3", "chooseArm, 3 arms, default policy (0.5% floor)", () => chooseArm(arms, u, defaultThompsonPolicy, win).index, {
      ...opts,
      // With probability K·floor the floor picks uniformly with no Beta draw; otherwise one draw per arm.
      betaDrawsPerOp: round((1 - floorMass) * arms.length, 2),
      targetNs: TARGET_NS,
      note: "one call per request: the 150 ns target is read per call here; the per-Beta-draw figure divides by the draws it makes on average",
    }),
    time("win_probabilities_3x4000", "thompsonWinProbabilities, 3 arms × 4,000 draws (per segment per snapshot refresh)", () => thompsonWinProbabilities(arms, u, 4000)[0]!, {
      ...opts,
      betaDrawsPerOp: 12_000,
      targetNs: null,
    }),
  ];
  // Reading the sink once makes it observable, so the draws that fed it cannot be optimised away.
  if (!Number.isFinite(sink)) opts.log("  (non-finite draw seen while timing)");
  for (const r of rows) opts.log(`  ${r.name}: ${r.medianNs >= 10_000 ? `${(r.medianNs / 1000).toFixed(1)} µs` : `${r.medianNs} ns`} median`);
  return rows;
}
