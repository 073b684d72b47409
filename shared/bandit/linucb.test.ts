// Checks LinUCB against hand-computed d = 2 examples and an explicit matrix inverse, and that it learns
// which arm pays in which context from seeded simulated traffic.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chooseLinUcb,
  contextDimension,
  contextVector,
  defaultContextVocabulary,
  linUcbScores,
  linUcbTheta,
  newLinUcbArm,
  timeOfDayFromHour,
  updateLinUcb,
  type BanditContext,
  type LinUcbArm,
} from "./linucb";
import { seededUniform, type UniformSource } from "./random";

const FC_SEED = 20_260_517;
const vec = (...xs: number[]) => Float64Array.from(xs);

/** A⁻¹ by Gauss–Jordan with partial pivoting: an independent check on the Cholesky solves. */
function inverse(A: Float64Array, d: number): Float64Array {
  const m = Float64Array.from(A);
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++) inv[i * d + i] = 1;
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r * d + col]!) > Math.abs(m[pivot * d + col]!)) pivot = r;
    for (let c = 0; c < d; c++) {
      [m[col * d + c], m[pivot * d + c]] = [m[pivot * d + c]!, m[col * d + c]!];
      [inv[col * d + c], inv[pivot * d + c]] = [inv[pivot * d + c]!, inv[col * d + c]!];
    }
    const p = m[col * d + col]!;
    for (let c = 0; c < d; c++) {
      m[col * d + c]! /= p;
      inv[col * d + c]! /= p;
    }
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = m[r * d + col]!;
      for (let c = 0; c < d; c++) {
        m[r * d + c]! -= f * m[col * d + c]!;
        inv[r * d + c]! -= f * inv[col * d + c]!;
      }
    }
  }
  return inv;
}

/** θᵀx + α√(xᵀA⁻¹x) with an explicit inverse, as the paper writes it. */
function referenceScore(arm: LinUcbArm, x: Float64Array, alpha: number): number {
  const d = x.length;
  const inv = inverse(arm.A, d);
  let mean = 0;
  let width = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      mean += x[i]! * inv[i * d + j]! * arm.b[j]!;
      width += x[i]! * inv[i * d + j]! * x[j]!;
    }
  }
  return mean + alpha * Math.sqrt(width);
}

function randomContext(u: UniformSource): BanditContext {
  const pick = (values: readonly string[]) => values[Math.floor(u.next() * values.length)]!;
  const v = defaultContextVocabulary;
  return {
    persona: pick(v.personas),
    device: pick(v.devices),
    timeOfDay: pick(v.timesOfDay),
    referrerClass: pick(v.referrerClasses),
  };
}

describe("context vectors", () => {
  it("lays out bias, persona, device, time of day and referrer class as one-hot blocks (d = 19)", () => {
    expect(contextDimension()).toBe(19);
    const x = contextVector({ persona: "photo_first", device: "tablet", timeOfDay: "night", referrerClass: "email" });
    const want = new Float64Array(19);
    // bias 0 | personas 1..5 | devices 6..8 | times 9..12 | referrers 13..18
    for (const i of [0, 1 + 2, 6 + 1, 9 + 3, 13 + 2]) want[i] = 1;
    expect(x).toEqual(want);
  });

  it("leaves the block of an unknown value all zero", () => {
    const x = contextVector({ persona: "someone_new", device: "mobile", timeOfDay: "morning", referrerClass: "nowhere" });
    expect(Array.from(x.subarray(1, 6))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(x.subarray(13))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(x.reduce((s, v) => s + v, 0)).toBe(3);
  });

  it("follows a custom vocabulary", () => {
    const vocab = { personas: ["a", "b"], devices: ["d"], timesOfDay: ["t1", "t2"], referrerClasses: ["r"] };
    const x = contextVector({ persona: "b", device: "d", timeOfDay: "t1", referrerClass: "x" }, vocab);
    expect(Array.from(x)).toEqual([1, 0, 1, 1, 1, 0, 0]);
  });

  it("maps local hours to times of day", () => {
    const hours = [0, 4, 5, 11, 12, 16, 17, 21, 22, 23, 24, -1];
    expect(hours.map(timeOfDayFromHour)).toEqual(
      ["night", "night", "morning", "morning", "afternoon", "afternoon", "evening", "evening", "night", "night", "night", "night"],
    );
  });
});

describe("LinUCB scores", () => {
  it("d = 2 by hand: after one play of x = (1,1) paying 1, A = [[2,1],[1,2]], b = (1,1)", () => {
    const played = newLinUcbArm("played", 2);
    const fresh = newLinUcbArm("fresh", 2);
    updateLinUcb(played, vec(1, 1), 1);
    expect(Array.from(played.A)).toEqual([2, 1, 1, 2]);
    expect(Array.from(played.b)).toEqual([1, 1]);
    // A⁻¹ = ⅓[[2,−1],[−1,2]], θ = A⁻¹b = (⅓, ⅓). For x = (1,0): θᵀx = ⅓, xᵀA⁻¹x = ⅔.
    // The fresh arm: θ = 0, xᵀA⁻¹x = 1.
    const theta = linUcbTheta(played);
    expect(theta[0]).toBeCloseTo(1 / 3, 14);
    expect(theta[1]).toBeCloseTo(1 / 3, 14);
    const x = vec(1, 0);
    for (const [alpha, played0, fresh0, chosen] of [
      [1, 1 / 3 + Math.sqrt(2 / 3), 1, 0],
      [0.5, 1 / 3 + 0.5 * Math.sqrt(2 / 3), 0.5, 0],
      // A large enough bonus prefers the arm it knows less about: 2 > ⅓ + 2·√⅔ ≈ 1.966.
      [2, 1 / 3 + 2 * Math.sqrt(2 / 3), 2, 1],
    ] as const) {
      const scores = linUcbScores([played, fresh], x, alpha);
      expect(scores[0]).toBeCloseTo(played0, 14);
      expect(scores[1]).toBeCloseTo(fresh0, 14);
      expect(chooseLinUcb([played, fresh], x, alpha)).toEqual({ index: chosen, propensity: 1 });
    }
  });

  it("d = 2 by hand with a non-trivial θ: plays (1,0)→2, (0,1)→0, (1,1)→1 give θ = (1, 0)", () => {
    const arm = newLinUcbArm("a", 2);
    updateLinUcb(arm, vec(1, 0), 2);
    updateLinUcb(arm, vec(0, 1), 0);
    updateLinUcb(arm, vec(1, 1), 1);
    // A = [[3,1],[1,3]], b = (3,1), A⁻¹ = ⅛[[3,−1],[−1,3]], θ = ⅛(8, 0) = (1, 0);
    // xᵀA⁻¹x = ⅜ for either unit x.
    expect(Array.from(arm.A)).toEqual([3, 1, 1, 3]);
    expect(Array.from(arm.b)).toEqual([3, 1]);
    const theta = linUcbTheta(arm);
    expect(theta[0]).toBeCloseTo(1, 14);
    expect(theta[1]).toBeCloseTo(0, 14);
    expect(linUcbScores([arm], vec(1, 0), 1)[0]).toBeCloseTo(1 + Math.sqrt(3 / 8), 14);
    expect(linUcbScores([arm], vec(0, 1), 1)[0]).toBeCloseTo(Math.sqrt(3 / 8), 14);
    expect(linUcbScores([arm], vec(0, 1), 0)[0]).toBeCloseTo(0, 14);
  });

  it("the ridge λ sets the prior width: a fresh arm scores α·|x|/√λ", () => {
    const arm = newLinUcbArm("a", 3, 4);
    expect(linUcbScores([arm], vec(1, 2, 2), 1.5)[0]).toBeCloseTo((1.5 * 3) / 2, 14);
  });

  it("agrees with θᵀx + α√(xᵀA⁻¹x) from an explicit inverse after random plays (d = 19)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 60 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        (seed, plays, alpha) => {
          const u = seededUniform(seed);
          const arm = newLinUcbArm("a", 19, 0.5 + u.next());
          for (let t = 0; t < plays; t++) updateLinUcb(arm, contextVector(randomContext(u)), u.next() < 0.3 ? 1 : 0);
          const x = contextVector(randomContext(u));
          expect(linUcbScores([arm], x, alpha)[0]).toBeCloseTo(referenceScore(arm, x, alpha), 10);
        },
      ),
      { seed: FC_SEED, numRuns: 100 },
    );
  });

  it("breaks ties by the lowest index: fresh arms all score alike, arm 0 is chosen with propensity 1", () => {
    const arms = ["a", "b", "c"].map((a) => newLinUcbArm(a, 19));
    expect(chooseLinUcb(arms, contextVector(randomContext(seededUniform(1))), 1)).toEqual({ index: 0, propensity: 1 });
  });

  it("refuses mismatched dimensions, bad rewards, negative α and a corrupted A", () => {
    const arm = newLinUcbArm("a", 3);
    expect(() => linUcbScores([arm], vec(1, 0), 1)).toThrow(RangeError);
    expect(() => updateLinUcb(arm, vec(1, 0, 0), Number.NaN)).toThrow(RangeError);
    expect(() => updateLinUcb(arm, vec(1, Infinity, 0), 1)).toThrow(RangeError);
    expect(Array.from(arm.A)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(() => linUcbScores([arm], vec(1, 0, 0), -1)).toThrow(RangeError);
    expect(() => newLinUcbArm("a", 0)).toThrow(RangeError);
    expect(() => newLinUcbArm("a", 3, 0)).toThrow(RangeError);
    arm.A[0] = -1;
    expect(() => chooseLinUcb([arm], vec(1, 0, 0), 1)).toThrow(RangeError);
  });
});

describe("LinUCB learning", () => {
  /** Plays `rounds` of seeded traffic, updating the chosen arm with its reward; returns the last `tail` choices. */
  type Reward = (ctx: BanditContext, arm: number, u: UniformSource) => number;
  function simulate(arms: LinUcbArm[], reward: Reward, rounds: number, tail: number, seed: number) {
    const u = seededUniform(seed);
    const last: { ctx: BanditContext; index: number }[] = [];
    for (let t = 0; t < rounds; t++) {
      const ctx = randomContext(u);
      const x = contextVector(ctx);
      const { index } = chooseLinUcb(arms, x, 0.5);
      updateLinUcb(arms[index]!, x, reward(ctx, index, u));
      if (t >= rounds - tail) last.push({ ctx, index });
    }
    return last;
  }

  it("in a fixed context where only arm 1 pays: the exact sequence of choices, ending on arm 1", () => {
    const arms = ["a0", "a1", "a2", "a3", "a4"].map((a) => newLinUcbArm(a, contextDimension()));
    const x = contextVector({ persona: "shopper_pro", device: "desktop", timeOfDay: "afternoon", referrerClass: "email" });
    const chosen: number[] = [];
    for (let t = 0; t < 200; t++) {
      const { index } = chooseLinUcb(arms, x, 0.5);
      chosen.push(index);
      updateLinUcb(arms[index]!, x, index === 1 ? 1 : 0);
    }
    // |x|² = 5. A fresh arm's bound is 0.5·√5 ≈ 1.1180; after one play paying 0 it is 0.5·√(5/6) ≈ 0.456;
    // after n plays paying 1 it is 5n/(1+5n) + 0.5·√(5/(1+5n)): 1.1186 at n = 14, 1.1151 at n = 15.
    // So: arm 0 (all tie, lowest index), arm 1 fifteen times, then arms 2, 3, 4 once each, then arm 1 only.
    const expected = [0, ...Array<number>(15).fill(1), 2, 3, 4, ...Array<number>(181).fill(1)];
    expect(chosen).toEqual(expected);
    expect(linUcbScores(arms, x, 0)[1]).toBeCloseTo(1, 2);
  });

  it("settles on the arm that always pays across random contexts", () => {
    const arms = ["a0", "a1", "a2", "a3", "a4"].map((a) => newLinUcbArm(a, contextDimension()));
    const last = simulate(arms, (_, arm, u) => (arm === 1 ? 1 : u.next() < 0.3 ? 1 : 0), 1500, 300, 31);
    expect(last.filter((c) => c.index === 1).length).toBeGreaterThanOrEqual(285);
  });

  it("learns a different best arm per persona", () => {
    // photo_first visitors reward arm 0, vector_first visitors arm 2, everyone else arm 1.
    const best = (ctx: BanditContext) => (ctx.persona === "photo_first" ? 0 : ctx.persona === "vector_first" ? 2 : 1);
    const arms = ["photo", "general", "vector"].map((a) => newLinUcbArm(a, contextDimension()));
    simulate(arms, (ctx, arm, u) => (u.next() < (arm === best(ctx) ? 0.7 : 0.2) ? 1 : 0), 4000, 0, 77);
    for (const persona of defaultContextVocabulary.personas) {
      for (const device of defaultContextVocabulary.devices) {
        const ctx = { persona, device, timeOfDay: "evening", referrerClass: "search" };
        const { index } = chooseLinUcb(arms, contextVector(ctx), 0.5);
        expect({ persona, device, index }).toEqual({ persona, device, index: best(ctx) });
      }
    }
  });
});
