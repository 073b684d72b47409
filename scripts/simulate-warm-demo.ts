// Replays the demo warm-up offline, with the Worker's own Thompson policy (shared/bandit/thompson.ts), to show
// how reliably it teaches each channel's best creative: rounds of SNAPSHOT_ROUND visitors served from the last
// snapshot, clicks drawn from TRUTH, then the probability that one more visitor is served the best creative.
// Usage: npx tsx scripts/simulate-warm-demo.ts [warm-ups per channel, default 2000] [seed]
import { choiceProbabilities, chooseArm, defaultThompsonPolicy, thompsonWinProbabilities, type ArmPosterior } from "../shared/bandit/thompson";
import { seededUniform } from "../shared/bandit/random";
import { percentileSorted } from "../bench/stats";
import { HERO_EXPERIMENT, SNAPSHOT_ROUND, TRUTH, VISITORS_PER_CHANNEL } from "./warm-demo-plan";

const runs = Number(process.argv[2] ?? 2000);
const u = seededUniform(Number(process.argv[3] ?? 7));
if (!(Number.isInteger(runs) && runs > 0)) throw new Error("usage: simulate-warm-demo.ts [warm-ups per channel] [seed]");
const armIds = HERO_EXPERIMENT.variants.map((v) => v.id);

function warmUp(ctr: Record<string, number>): ArmPosterior[] {
  const arms = armIds.map((arm) => ({ arm, alpha: 1, beta: 1 }));
  let snapshot = arms.map((a) => ({ ...a }));
  let win = thompsonWinProbabilities(snapshot, u, 2000);
  for (let i = 0; i < VISITORS_PER_CHANNEL; i++) {
    if (i > 0 && i % SNAPSHOT_ROUND === 0) {
      snapshot = arms.map((a) => ({ ...a }));
      win = thompsonWinProbabilities(snapshot, u, 2000);
    }
    const served = arms[chooseArm(snapshot, u, defaultThompsonPolicy, win).index]!;
    if (u.next() < (ctr[served.arm] ?? 0)) served.alpha++;
    else served.beta++;
  }
  return arms;
}

for (const [channel, truth] of Object.entries(TRUTH)) {
  const best = armIds.indexOf(Object.entries(truth.ctr).sort((a, b) => b[1] - a[1])[0]![0]);
  const served: number[] = [];
  for (let r = 0; r < runs; r++) {
    const arms = warmUp(truth.ctr);
    served.push(choiceProbabilities(arms, thompsonWinProbabilities(arms, u, 4000), defaultThompsonPolicy, 0)[best]!);
  }
  served.sort((a, b) => a - b);
  const mean = served.reduce((s, p) => s + p, 0) / runs;
  console.log(
    `${channel}: best creative ${armIds[best]}, served with probability mean ${mean.toFixed(4)}, median ${percentileSorted(served, 50).toFixed(4)}, ` +
      `p1 ${percentileSorted(served, 1).toFixed(4)}, p0.1 ${percentileSorted(served, 0.1).toFixed(4)}, min ${served[0]!.toFixed(4)}; ` +
      `below 0.6 in ${served.filter((p) => p < 0.6).length} of ${runs} warm-ups`,
  );
}
