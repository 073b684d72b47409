// Regret of our Thompson sampling against uniform, ε-greedy and UCB1 on Bernoulli arms with known rates,
// under the feedback production has: posteriors refreshed every B rounds, clicks arriving after a delay.
import { sampleBeta, seededUniform, type UniformSource } from "../../shared/bandit/random";
import { chooseArm, defaultThompsonPolicy, thompsonWinProbabilities, type ArmPosterior } from "../../shared/bandit/thompson";
import { round } from "../stats";

export interface ArmScenario {
  id: string;
  name: string;
  rates: number[];
}

/**
 * How feedback reaches the policy. Production: the decision (a pull) is counted as soon as the queue consumer
 * has it, the click only when it comes back, and the serving isolate sees both through a snapshot refreshed
 * every ~30 s. Here a refresh happens every `batch` rounds; it sees every pull made before it and every click
 * that has arrived by then (arrival = round + an exponential delay with mean `meanDelay` rounds). So a pull
 * whose click is still in flight counts as a failure until the click lands, as in the BanditShard counts.
 */
export interface FeedbackMode {
  id: string;
  name: string;
  batch: number;
  meanDelay: number;
}

export const SCENARIOS: ArmScenario[] = [
  { id: "spread", name: "3 arms, CTR 4% / 5% / 7%", rates: [0.04, 0.05, 0.07] },
  { id: "close", name: "4 close arms, CTR 5.0% / 5.2% / 5.5% / 5.8%", rates: [0.05, 0.052, 0.055, 0.058] },
];

export const MODES: FeedbackMode[] = [
  // A segment with ~3 decisions/s: 100 rounds per 30 s refresh, clicks counted before the next refresh.
  { id: "b100", name: "refresh every 100 rounds, no click delay", batch: 100, meanDelay: 0 },
  // ~17 decisions/s: 500 rounds per refresh; clicks come back ~9 s (150 rounds) after the decision.
  { id: "b500", name: "refresh every 500 rounds, click delay ~ Exp(mean 150 rounds)", batch: 500, meanDelay: 150 },
  // ~67 decisions/s: 2,000 rounds per refresh, same ~9 s click delay (600 rounds at this rate).
  { id: "b2000", name: "refresh every 2,000 rounds, click delay ~ Exp(mean 600 rounds)", batch: 2000, meanDelay: 600 },
];

/** Monte Carlo draws per win-probability refresh: the number the serving isolate uses (workers/data/posteriors.ts). */
const WIN_PROBABILITY_DRAWS = 4000;

/** What the policy sees at its last refresh. */
interface Visible {
  pulls: Float64Array;
  successes: Float64Array;
  total: number;
}

interface SimPolicy {
  /** Called at every refresh (and before round 0) with the counts the snapshot holds. */
  refresh(v: Visible): void;
  choose(t: number): number;
}

type PolicyFactory = (k: number, u: UniformSource) => SimPolicy;

const posteriorsOf = (v: Visible): ArmPosterior[] =>
  Array.from(v.pulls, (pulls, i) => ({ arm: String(i), alpha: 1 + v.successes[i]!, beta: 1 + pulls - v.successes[i]! }));

/** Highest empirical mean; an arm without pulls first (round-robin among those, so a batch spreads them). */
function greedyOf(v: Visible, u: UniformSource, t: number): number {
  const k = v.pulls.length;
  const untried: number[] = [];
  for (let i = 0; i < k; i++) if (v.pulls[i] === 0) untried.push(i);
  if (untried.length) return untried[t % untried.length]!;
  let best = 0;
  let bestMean = -1;
  let ties = 0;
  for (let i = 0; i < k; i++) {
    const mean = v.successes[i]! / v.pulls[i]!;
    if (mean > bestMean) {
      bestMean = mean;
      best = i;
      ties = 1;
    } else if (mean === bestMean && u.next() * ++ties < 1) {
      // Reservoir choice among tied arms: with few clicks many arms tie at 0.
      best = i;
    }
  }
  return best;
}

export const POLICIES: { id: string; name: string; make: PolicyFactory }[] = [
  {
    id: "thompson",
    name: "Thompson (ours: chooseArm, default policy)",
    make: (k, u) => {
      let arms: ArmPosterior[] = [];
      let win: Float64Array = new Float64Array(k).fill(1 / k);
      return {
        refresh(v) {
          arms = posteriorsOf(v);
          // As in the isolate: win probabilities once per refresh; chooseArm then draws per request.
          win = thompsonWinProbabilities(arms, u, WIN_PROBABILITY_DRAWS);
        },
        choose: () => chooseArm(arms, u, defaultThompsonPolicy, win).index,
      };
    },
  },
  {
    id: "thompson_plain",
    name: "Thompson, textbook (no floor)",
    make: (k, u) => {
      let arms: ArmPosterior[] = [];
      return {
        refresh(v) {
          arms = posteriorsOf(v);
        },
        choose() {
          let best = 0;
          let bestDraw = -1;
          for (let i = 0; i < k; i++) {
            const d = sampleBeta(u, arms[i]!.alpha, arms[i]!.beta);
            if (d > bestDraw) {
              bestDraw = d;
              best = i;
            }
          }
          return best;
        },
      };
    },
  },
  {
    id: "uniform",
    name: "Uniform random",
    make: (k, u) => ({ refresh() {}, choose: () => Math.min(k - 1, Math.floor(u.next() * k)) }),
  },
  {
    id: "egreedy",
    name: "ε-greedy (ε = 0.1)",
    make: (k, u) => {
      let v: Visible | null = null;
      return {
        refresh(next) {
          v = next;
        },
        choose: (t) => (u.next() < 0.1 || v === null ? Math.min(k - 1, Math.floor(u.next() * k)) : greedyOf(v, u, t)),
      };
    },
  },
  {
    id: "ucb1",
    name: "UCB1",
    make: (k) => {
      let index = 0;
      let untried: number[] = [];
      return {
        refresh(v) {
          // UCB1 is deterministic between refreshes: the whole batch goes to one arm (or round-robin over
          // untried arms). That is what batching does to it, so it is left so.
          untried = [];
          for (let i = 0; i < k; i++) if (v.pulls[i] === 0) untried.push(i);
          let best = -Infinity;
          for (let i = 0; i < k; i++) {
            if (v.pulls[i] === 0) continue;
            const ucb = v.successes[i]! / v.pulls[i]! + Math.sqrt((2 * Math.log(v.total)) / v.pulls[i]!);
            if (ucb > best) {
              best = ucb;
              index = i;
            }
          }
        },
        choose: (t) => (untried.length ? untried[t % untried.length]! : index),
      };
    },
  },
];

export interface RegretStat {
  mean: number;
  sd: number;
}

export interface RegretRow {
  scenario: string;
  mode: string;
  policy: string;
  policyName: string;
  /** Expected (pseudo-)regret Σ (best rate − chosen arm's rate), mean and sd over seeds, at each checkpoint. */
  checkpoints: { round: number; regret: RegretStat }[];
  final: RegretStat;
  /** Share of all rounds that went to the best arm, mean over seeds. */
  bestArmShare: number;
  /** Realised clicks per round, mean over seeds. */
  ctr: number;
}

export interface RegretSection {
  rounds: number;
  seeds: number;
  scenarios: ArmScenario[];
  modes: FeedbackMode[];
  rows: RegretRow[];
  durationS: number;
}

/** One run: the environment's randomness (click coin, delay) is drawn per round from `envSeed`, the same for every policy. */
function runOnce(rates: readonly number[], mode: FeedbackMode, policy: SimPolicy, env: { coin: Float64Array; delay: Float64Array }, checkpoints: readonly number[]) {
  const k = rates.length;
  const T = env.coin.length;
  const bestRate = Math.max(...rates);
  const bestArm = rates.indexOf(bestRate);
  const pulls = new Float64Array(k);
  const visible: Visible = { pulls: new Float64Array(k), successes: new Float64Array(k), total: 0 };
  // Clicks in flight: arrival round and arm, appended in decision order (arrivals are not sorted).
  const inFlight: { at: number; arm: number }[] = [];
  let regret = 0;
  let best = 0;
  let clicks = 0;
  const atCheckpoint: number[] = [];
  let next = 0;
  policy.refresh(visible);
  for (let t = 0; t < T; t++) {
    if (t > 0 && t % mode.batch === 0) {
      visible.pulls.set(pulls);
      visible.total = t;
      let w = 0;
      for (const c of inFlight) {
        if (c.at <= t) visible.successes[c.arm]! += 1;
        else inFlight[w++] = c;
      }
      inFlight.length = w;
      policy.refresh(visible);
    }
    const arm = policy.choose(t);
    pulls[arm]! += 1;
    regret += bestRate - rates[arm]!;
    if (arm === bestArm) best++;
    if (env.coin[t]! < rates[arm]!) {
      clicks++;
      inFlight.push({ at: t + 1 + env.delay[t]!, arm });
    }
    if (next < checkpoints.length && t + 1 === checkpoints[next]) {
      atCheckpoint.push(regret);
      next++;
    }
  }
  return { regret, atCheckpoint, bestShare: best / T, ctr: clicks / T };
}

function meanSd(xs: readonly number[]): RegretStat {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean: round(mean, 1), sd: round(sd, 1) };
}

export function runRegretSimulation(opts: { quick: boolean; log: (line: string) => void }): RegretSection {
  const started = Date.now();
  const rounds = opts.quick ? 10_000 : 20_000;
  const seeds = opts.quick ? 10 : 20;
  const checkpoints = [1000, 2500, 5000, 10_000, 20_000].filter((c) => c <= rounds);
  const rows: RegretRow[] = [];
  for (const scenario of SCENARIOS) {
    for (const mode of MODES) {
      const runs = POLICIES.map(() => [] as ReturnType<typeof runOnce>[]);
      for (let seed = 1; seed <= seeds; seed++) {
        // Common random numbers: every policy meets the same click coins and delays, so differences are the policies'.
        const eu = seededUniform(0x5eed0000 + seed);
        const coin = new Float64Array(rounds);
        const delay = new Float64Array(rounds);
        for (let t = 0; t < rounds; t++) {
          coin[t] = eu.next();
          delay[t] = mode.meanDelay > 0 ? Math.floor(-mode.meanDelay * Math.log(1 - eu.next())) : 0;
        }
        POLICIES.forEach((p, i) => {
          const policy = p.make(scenario.rates.length, seededUniform(seed * 7919 + i));
          runs[i]!.push(runOnce(scenario.rates, mode, policy, { coin, delay }, checkpoints));
        });
      }
      POLICIES.forEach((p, i) => {
        const r = runs[i]!;
        rows.push({
          scenario: scenario.id,
          mode: mode.id,
          policy: p.id,
          policyName: p.name,
          checkpoints: checkpoints.map((c, j) => ({ round: c, regret: meanSd(r.map((x) => x.atCheckpoint[j]!)) })),
          final: meanSd(r.map((x) => x.regret)),
          bestArmShare: round(r.reduce((a, x) => a + x.bestShare, 0) / r.length, 3),
          ctr: round(r.reduce((a, x) => a + x.ctr, 0) / r.length, 5),
        });
      });
      const ours = rows.find((r) => r.scenario === scenario.id && r.mode === mode.id && r.policy === "thompson")!;
      opts.log(`  ${scenario.id} / ${mode.id}: Thompson regret ${ours.final.mean} ± ${ours.final.sd} after ${rounds.toLocaleString("en-US")} rounds`);
    }
  }
  return { rounds, seeds, scenarios: SCENARIOS, modes: MODES, rows, durationS: round((Date.now() - started) / 1000, 1) };
}
