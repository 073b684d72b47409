// The persona refit against planted truth: labels drawn from a softmax over known weights.
import { describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import { defaultConfig } from "../config/default";
import type { PersonaConfig } from "../config/schema";
import { personaLogLoss, refitPersonaWeights, type LabelledSession } from "./refit";

const prior = defaultConfig.persona;
const features = [...new Set(prior.personas.flatMap((p) => Object.keys(p.weights)))].sort();

/** The truth: the configured weights with one feature's weights moved a lot (e.g. tastes shifted). */
function plantedTruth(): PersonaConfig {
  const moved = features[0]!;
  return { ...prior, personas: prior.personas.map((p, k) => ({ ...p, weights: { ...p.weights, [moved]: k === 0 ? 3 : -1 } })) };
}

function sample(truth: PersonaConfig, n: number, seed: number): LabelledSession[] {
  const rng = createRng(seed);
  const out: LabelledSession[] = [];
  for (let i = 0; i < n; i++) {
    const f = new Map<string, number>();
    for (const name of features) if (rng.chance(0.3)) f.set(name, rng.next());
    const scores = truth.personas.map((p) => p.bias + [...f].reduce((s, [k, v]) => s + (p.weights[k] ?? 0) * v, 0));
    const max = Math.max(...scores.map((s) => s * truth.temperature));
    const e = scores.map((s) => Math.exp(s * truth.temperature - max));
    let u = rng.next() * e.reduce((a, b) => a + b, 0);
    const k = e.findIndex((v) => (u -= v) < 0);
    out.push({ features: f, label: truth.personas[k < 0 ? e.length - 1 : k]!.id });
  }
  return out;
}

describe("persona refit", () => {
  it("moves the weights towards the truth the outcomes reveal, so held-out log-loss falls below the configuration's", { timeout: 60_000 }, () => {
    const truth = plantedTruth();
    const train = sample(truth, 3000, 1);
    const test = sample(truth, 3000, 2);
    const refit = refitPersonaWeights(prior, train, { priorStrength: 1 });
    expect(personaLogLoss(refit, test)).toBeLessThan(personaLogLoss(prior, test) - 0.01);
    // The moved feature's weight for the first persona went up from its configured value towards 3.
    const moved = features[0]!;
    expect(refit.personas[0]!.weights[moved]!).toBeGreaterThan((prior.personas[0]!.weights[moved] ?? 0) + 0.5);
    // Nothing else in the configuration changed: rules, temperature, taxonomy.
    expect(refit.cold_start).toEqual(prior.cold_start);
    expect(refit.personas.map((p) => p.id)).toEqual(prior.personas.map((p) => p.id));
  });

  it("keeps the configuration where there is no evidence, and stays close to it under a strong prior", () => {
    expect(refitPersonaWeights(prior, [], { priorStrength: 1 })).toBe(prior);
    const strong = refitPersonaWeights(prior, sample(plantedTruth(), 500, 3), { priorStrength: 1e6 });
    for (const [k, p] of strong.personas.entries()) {
      for (const [f, w] of Object.entries(prior.personas[k]!.weights)) expect(Math.abs(p.weights[f]! - w)).toBeLessThan(0.01);
    }
  });
});
