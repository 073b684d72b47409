// The isolate's experiment snapshot: running fixed-allocation experiments, and running bandit experiments with
// their per-segment counts, read from D1 and the BanditShard objects in the background every
// BANDIT_SNAPSHOT_TTL_SECONDS. /v1/rank reads only memory; a segment's Thompson win probabilities are computed
// on its first use after each refresh.
import { mathRandom } from "../../shared/bandit/random";
import { thompsonWinProbabilities } from "../../shared/bandit/thompson";
import { liveArms, priorPosterior, type SegmentPosterior } from "../../shared/experiments/assign";
import type { Experiment } from "../../shared/experiments/schema";
import { banditShard, type ArmCounts } from "../bandit/shard";
import { runningExperiments } from "./experiments";

/** Monte Carlo draws for win probabilities: ~0.7% standard error, a few ms per segment per refresh. */
const WIN_PROBABILITY_DRAWS = 4000;

export class ExperimentPosteriors {
  private readonly counts = new Map<string, ArmCounts[]>();
  private readonly computed = new Map<string, SegmentPosterior>();

  constructor(
    readonly experiment: Experiment,
    rows: readonly ArmCounts[],
  ) {
    for (const r of rows) {
      const list = this.counts.get(r.segment) ?? [];
      list.push(r);
      this.counts.set(r.segment, list);
    }
  }

  /** Beta(1 + successes, 1 + failures) per live arm, with Thompson win probabilities. */
  segment(key: string): SegmentPosterior {
    const cached = this.computed.get(key);
    if (cached) return cached;
    const rows = this.counts.get(key);
    let posterior: SegmentPosterior;
    if (!rows) {
      posterior = priorPosterior(this.experiment);
    } else {
      const byArm = new Map(rows.map((r) => [r.arm, r]));
      const arms = liveArms(this.experiment).map((v) => {
        const r = byArm.get(v.id);
        const pulls = r?.pulls ?? 0;
        const successes = Math.min(r?.successes ?? 0, pulls);
        return { arm: v.id, alpha: 1 + successes, beta: 1 + pulls - successes };
      });
      posterior = { arms, win: thompsonWinProbabilities(arms, mathRandom, WIN_PROBABILITY_DRAWS) };
    }
    this.computed.set(key, posterior);
    return posterior;
  }

  segments(): string[] {
    return [...this.counts.keys()].sort();
  }

  rows(key: string): readonly ArmCounts[] {
    return this.counts.get(key) ?? [];
  }
}

export interface BanditSnapshot {
  bySurface: Map<string, ExperimentPosteriors>;
  /** Running fixed-allocation experiments per surface, oldest first. */
  fixedBySurface: Map<string, Experiment[]>;
  builtAt: number;
}

let current: BanditSnapshot | null = null;
let loading: Promise<BanditSnapshot> | null = null;
/** Bumped by every invalidation: a load that started before it must not install its (stale) result. */
let generation = 0;

/** Every shard's counts for one experiment. */
export async function loadExperimentPosteriors(env: Env, experiment: Experiment): Promise<ExperimentPosteriors> {
  const shards = await Promise.all(Array.from({ length: experiment.shards }, (_, i) => banditShard(env.BANDIT_SHARDS, experiment.id, i).snapshot()));
  return new ExperimentPosteriors(experiment, shards.flat());
}

async function load(env: Env): Promise<BanditSnapshot> {
  const started = generation;
  const running = (await runningExperiments(env.DB)).sort((a, b) => a.created_at.localeCompare(b.created_at));
  const fixedBySurface = new Map<string, Experiment[]>();
  for (const e of running.filter((x) => x.allocation === "fixed")) fixedBySurface.set(e.surface_id, [...(fixedBySurface.get(e.surface_id) ?? []), e]);
  const bySurface = new Map<string, ExperimentPosteriors>();
  const loaded = await Promise.all(running.filter((x) => x.allocation === "bandit").map((e) => loadExperimentPosteriors(env, e)));
  // One bandit per surface: the oldest running one wins (creation is refused when one is already running).
  for (const p of loaded.sort((a, b) => a.experiment.created_at.localeCompare(b.experiment.created_at))) {
    if (!bySurface.has(p.experiment.surface_id)) bySurface.set(p.experiment.surface_id, p);
  }
  const snapshot = { bySurface, fixedBySurface, builtAt: Date.now() };
  if (started === generation) current = snapshot;
  return snapshot;
}

function startLoad(env: Env): Promise<BanditSnapshot> {
  const promise: Promise<BanditSnapshot> = load(env).finally(() => {
    if (loading === promise) loading = null;
  });
  loading = promise;
  return promise;
}

export async function getBanditSnapshot(env: Env, ctx: { waitUntil(p: Promise<unknown>): void }): Promise<BanditSnapshot> {
  const ttlMs = Number(env.BANDIT_SNAPSHOT_TTL_SECONDS || "30") * 1000;
  if (current) {
    if (Date.now() - current.builtAt > ttlMs && !loading) {
      // A failed refresh keeps the previous posteriors: learning pauses, serving does not.
      ctx.waitUntil(startLoad(env).catch((err) => console.warn(JSON.stringify({ level: "warn", bandit_snapshot: err instanceof Error ? err.message : String(err) }))));
    }
    return current;
  }
  if (loading) return loading;
  // The first load outlives the request that started it (a page stops waiting at its decision budget; see getSnapshot).
  const first = startLoad(env);
  ctx.waitUntil(first.catch(() => undefined));
  return first;
}

/** After an experiment changes in this isolate: the next request reloads, and no older load may land. */
export function invalidateBanditSnapshot(): void {
  generation++;
  current = null;
  loading = null;
}
