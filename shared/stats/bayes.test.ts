// betaBinomialComparison against scipy.integrate.quad over the Beta posteriors (reference/bayes.py
// beta_binomial_comparison, which also cross-checks Evan Miller's exact sum with mpmath). Integer posteriors
// run the exact sum here, the Jeffreys-prior cases the tanh-sinh quadrature: both paths are covered.
import { describe, expect, it } from "vitest";
import { betaBinomialComparison, probabilityGreater, type BetaPrior } from "./bayes";
import { expectClose } from "./expect-close";
import type { ProportionSummary } from "./proportions";

interface Case {
  name: string;
  prior: BetaPrior;
  control: ProportionSummary;
  treatment: ProportionSummary;
  probability_to_beat: number;
  expected_loss: number;
}

// reference/bayes.py beta_binomial_comparison (printed verbatim)
const CASES: Case[] = [
  { name: "uniform_small", prior: { alpha: 1, beta: 1 }, control: { units: 100, conversions: 10 }, treatment: { units: 100, conversions: 15 },
    probability_to_beat: 0.8532837899339663, expected_loss: 0.003578088130711049 },
  { name: "zero_control_conversions", prior: { alpha: 1, beta: 1 }, control: { units: 50, conversions: 0 }, treatment: { units: 50, conversions: 3 },
    probability_to_beat: 0.9411941194119416, expected_loss: 0.0010869645590399226 },
  { name: "jeffreys_treatment_behind", prior: { alpha: 0.5, beta: 0.5 }, control: { units: 1000, conversions: 120 }, treatment: { units: 1000, conversions: 100 },
    probability_to_beat: 0.07639476785791363, expected_loss: 0.020460985882514514 },
  { name: "uniform_large", prior: { alpha: 1, beta: 1 }, control: { units: 10000, conversions: 1000 }, treatment: { units: 10000, conversions: 1100 },
    probability_to_beat: 0.9894573544317135, expected_loss: 1.5582443832206628e-05 },
  { name: "informative_prior_extremes", prior: { alpha: 2, beta: 3 }, control: { units: 5, conversions: 5 }, treatment: { units: 5, conversions: 0 },
    probability_to_beat: 0.007610037021801729, expected_loss: 0.5005596570612052 },
  { name: "uniform_million", prior: { alpha: 1, beta: 1 }, control: { units: 1000000, conversions: 50000 }, treatment: { units: 1000000, conversions: 50500 },
    probability_to_beat: 0.9472097507401068, expected_loss: 6.8751947235600635e-06 },
  { name: "jeffreys_no_conversions", prior: { alpha: 0.5, beta: 0.5 }, control: { units: 200, conversions: 0 }, treatment: { units: 200, conversions: 0 },
    probability_to_beat: 0.4999999999999989, expected_loss: 0.0015816579045410683 },
  { name: "jeffreys_rare_events", prior: { alpha: 0.5, beta: 0.5 }, control: { units: 40000, conversions: 3 }, treatment: { units: 40000, conversions: 12 },
    probability_to_beat: 0.9915461854082638, expected_loss: 2.90317780951066e-07 },
];

describe("betaBinomialComparison", () => {
  it.each(CASES)("$name matches scipy quad", (c) => {
    const result = betaBinomialComparison(c.control, c.treatment, c.prior);
    expectClose(result.probability_to_beat, c.probability_to_beat, { rel: 1e-9 }, "probability_to_beat");
    expectClose(result.expected_loss, c.expected_loss, { rel: 1e-8 }, "expected_loss");
  });

  it("uses the uniform prior by default", () => {
    const [first] = CASES;
    if (!first) throw new Error("no cases");
    expect(betaBinomialComparison(first.control, first.treatment)).toEqual(betaBinomialComparison(first.control, first.treatment, { alpha: 1, beta: 1 }));
  });

  it("is a probability: swapping the arms gives the complement, identical arms give one half", () => {
    const a = { units: 730, conversions: 41 };
    const b = { units: 690, conversions: 52 };
    const forward = betaBinomialComparison(a, b).probability_to_beat;
    const backward = betaBinomialComparison(b, a).probability_to_beat;
    expectClose(forward + backward, 1, { rel: 1e-12 });
    expectClose(betaBinomialComparison(a, a).probability_to_beat, 0.5, { rel: 1e-12 });
    expectClose(betaBinomialComparison(a, a, { alpha: 0.5, beta: 0.5 }).probability_to_beat, 0.5, { rel: 1e-10 });
  });

  it("agrees between the exact sum and the quadrature", () => {
    // Integer parameters take Miller's sum; nudging one off the integers forces the quadrature.
    expectClose(probabilityGreater(31, 470, 22, 481.0000001), probabilityGreater(31, 470, 22, 481), { rel: 1e-7 });
    expectClose(probabilityGreater(31.5, 470.5, 22.5, 481.5), 1 - probabilityGreater(22.5, 481.5, 31.5, 470.5), { rel: 1e-11 });
  });

  it("rejects an improper prior", () => {
    expect(() => betaBinomialComparison({ units: 10, conversions: 1 }, { units: 10, conversions: 2 }, { alpha: 0, beta: 1 })).toThrow(RangeError);
  });
});
