// The tiny Worker bench/learning/draws.ts bundles (esbuild) and serves in workerd: per request, `n` iterations of
// one Thompson operation from shared/bandit, so workerd's CPU time per request (read from /proc by the harness,
// since workerd's clock does not advance inside synchronous code) divided by `n` is the cost of one operation.
import { mathRandom, sampleBeta, seededUniform } from "../../shared/bandit/random";
import { chooseArm, defaultThompsonPolicy, thompsonWinProbabilities, type ArmPosterior } from "../../shared/bandit/thompson";

const ARMS: ArmPosterior[] = [
  { arm: "a", alpha: 41, beta: 961 },
  { arm: "b", alpha: 51, beta: 951 },
  { arm: "c", alpha: 71, beta: 931 },
];
// Precomputed once per isolate, as the bandit snapshot does per segment.
const WIN = thompsonWinProbabilities(ARMS, seededUniform(7), 4000);

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const n = Math.max(0, Math.min(50_000_000, Number(url.searchParams.get("n") ?? "0") || 0));
    const op = url.searchParams.get("op") ?? "noop";
    // Production's source (Math.random) unless asked for the seeded one.
    const u = url.searchParams.get("u") === "seeded" ? seededUniform(42) : mathRandom;
    let sink = 0;
    if (op === "beta_prior") for (let i = 0; i < n; i++) sink += sampleBeta(u, 1, 1);
    else if (op === "beta_posterior") for (let i = 0; i < n; i++) sink += sampleBeta(u, 71, 931);
    else if (op === "choose_arm_3") for (let i = 0; i < n; i++) sink += chooseArm(ARMS, u, defaultThompsonPolicy, WIN).index;
    // The sink goes back in the answer, so the work cannot be optimised away.
    return new Response(`${op} ${n} ${sink}`);
  },
};
