// A/A simulation: both arms convert at the same rate, so every rejection is a false positive. It shows what
// the sequential test is for: the fixed-horizon z-test holds its 5% only if read once, naive peeking with it
// inflates the rate several-fold, and the mSPRT's always-valid p-value stays under 5% however often it is read.
import { beforeAll, describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import { twoProportionTest } from "./proportions";
import { alwaysValidPValue, msprtTwoProportions } from "./sequential";

const EXPERIMENTS = 4_000;
const RATE = 0.1;
const UNITS_PER_ARM = 2_000;
const LOOK_EVERY = 100;
const ALPHA = 0.05;

interface AaRates {
  fixedHorizon: number;
  naivePeeking: number;
  msprt: number;
}

/** Conversions among `units` Bernoulli(RATE) units: one uniform per unit (a Binomial draw by summing). */
function conversions(next: () => number, units: number): number {
  let count = 0;
  for (let i = 0; i < units; i++) if (next() < RATE) count++;
  return count;
}

function simulateAa(seed: number): AaRates {
  const rng = createRng(seed);
  const next = rng.next;
  let fixed = 0;
  let naive = 0;
  let sequential = 0;
  for (let e = 0; e < EXPERIMENTS; e++) {
    let units = 0;
    let control = 0;
    let treatment = 0;
    let naiveRejected = false;
    let alwaysValidP = 1;
    let lastP = 1;
    while (units < UNITS_PER_ARM) {
      units += LOOK_EVERY;
      control += conversions(next, LOOK_EVERY);
      treatment += conversions(next, LOOK_EVERY);
      const c = { units, conversions: control };
      const t = { units, conversions: treatment };
      lastP = twoProportionTest(c, t).p_value;
      if (lastP < ALPHA) naiveRejected = true;
      alwaysValidP = alwaysValidPValue(alwaysValidP, msprtTwoProportions(c, t).p_value);
    }
    if (lastP < ALPHA) fixed++;
    if (naiveRejected) naive++;
    if (alwaysValidP < ALPHA) sequential++;
  }
  return { fixedHorizon: fixed / EXPERIMENTS, naivePeeking: naive / EXPERIMENTS, msprt: sequential / EXPERIMENTS };
}

describe("A/A simulation: 4,000 experiments, 2 × 2,000 units at a 10% rate, a look every 100 units per arm", () => {
  let rates: AaRates;
  beforeAll(() => {
    rates = simulateAa(20_260_517);
  });

  it("fixed-horizon z-test read once: false-positive rate 5% ± 1.5%", () => {
    expect(rates.fixedHorizon).toBeGreaterThanOrEqual(0.035);
    expect(rates.fixedHorizon).toBeLessThanOrEqual(0.065);
  });

  it("the same z-test read at all 20 looks: well above 5%", () => {
    expect(rates.naivePeeking).toBeGreaterThan(0.1);
    expect(rates.naivePeeking).toBeGreaterThan(2 * rates.fixedHorizon);
  });

  it("mSPRT read at all 20 looks (running minimum of the always-valid p): at most 5%", () => {
    expect(rates.msprt).toBeLessThanOrEqual(ALPHA);
  });
});
