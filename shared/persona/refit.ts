// Re-fits the persona classifier's linear weights from labelled outcomes, keeping the configured weights as
// the prior: a softmax (multinomial logistic) regression, maximum a posteriori under a Gaussian prior centred
// on the configuration. Features the data never shows keep their configured weights exactly; the more
// evidence a weight has, the further it may move. Cold-start rules are untouched (they are rules, not weights).
import type { PersonaConfig } from "../config/schema";
import type { SessionFeatures } from "./features";

export interface LabelledSession {
  features: SessionFeatures;
  /** The persona the outcome revealed (e.g. what the visitor bought was made for). */
  label: string;
}

export interface RefitOptions {
  /** Prior precision λ in Σ log-loss + (λ/2)·‖w − w_config‖² (the loss summed over samples). */
  priorStrength: number;
  iterations?: number;
}

/** Mean log-loss of a persona configuration's weights on labelled sessions (lower is better). */
export function personaLogLoss(config: PersonaConfig, samples: readonly LabelledSession[]): number {
  const ids = config.personas.map((p) => p.id);
  let total = 0;
  let n = 0;
  for (const s of samples) {
    const k = ids.indexOf(s.label);
    if (k < 0) continue;
    const probs = softmax(config.personas.map((p) => score(p.bias, p.weights, s.features)), config.temperature);
    total -= Math.log(Math.max(probs[k]!, 1e-12));
    n++;
  }
  return n > 0 ? total / n : Number.NaN;
}

/**
 * New weights and biases for the configured personas over the configured features. Full-batch gradient
 * descent on a convex objective (step 1/L with L the usual bound for softmax regression), deterministic.
 */
export function refitPersonaWeights(config: PersonaConfig, samples: readonly LabelledSession[], opts: RefitOptions): PersonaConfig {
  const ids = config.personas.map((p) => p.id);
  const usable = samples.filter((s) => ids.includes(s.label));
  if (usable.length === 0) return config;
  const featureNames = [...new Set(config.personas.flatMap((p) => Object.keys(p.weights)))].sort();
  const K = ids.length;
  const D = featureNames.length;
  const t = config.temperature;
  // Parameters: per persona a bias then D weights; the prior mean is the configuration.
  const prior = new Float64Array(K * (D + 1));
  config.personas.forEach((p, k) => {
    prior[k * (D + 1)] = p.bias;
    featureNames.forEach((f, d) => (prior[k * (D + 1) + 1 + d] = p.weights[f] ?? 0));
  });
  const theta = Float64Array.from(prior);
  const X = usable.map((s) => Float64Array.from(featureNames, (f) => s.features.get(f) ?? 0));
  const Y = usable.map((s) => ids.indexOf(s.label));
  // Lipschitz bound of the gradient: t²·Σ(1 + ‖x‖²)/2 for the loss, plus λ for the prior.
  let lipschitz = opts.priorStrength;
  for (const x of X) lipschitz += (t * t * (1 + x.reduce((a, v) => a + v * v, 0))) / 2;
  const step = 1 / lipschitz;
  const grad = new Float64Array(theta.length);
  const scores = new Float64Array(K);
  for (let it = 0; it < (opts.iterations ?? 500); it++) {
    for (let j = 0; j < grad.length; j++) grad[j] = opts.priorStrength * (theta[j]! - prior[j]!);
    for (let i = 0; i < X.length; i++) {
      const x = X[i]!;
      for (let k = 0; k < K; k++) {
        let s = theta[k * (D + 1)]!;
        for (let d = 0; d < D; d++) s += theta[k * (D + 1) + 1 + d]! * x[d]!;
        scores[k] = s;
      }
      const p = softmax(Array.from(scores), t);
      for (let k = 0; k < K; k++) {
        const r = t * (p[k]! - (Y[i] === k ? 1 : 0));
        grad[k * (D + 1)]! += r;
        for (let d = 0; d < D; d++) if (x[d] !== 0) grad[k * (D + 1) + 1 + d]! += r * x[d]!;
      }
    }
    for (let j = 0; j < theta.length; j++) theta[j]! -= step * grad[j]!;
  }
  return {
    ...config,
    personas: config.personas.map((p, k) => {
      const weights: Record<string, number> = {};
      featureNames.forEach((f, d) => {
        const w = theta[k * (D + 1) + 1 + d]!;
        // Keep the configuration's sparsity: a feature absent for a persona stays absent unless the data moved it.
        if (f in p.weights || Math.abs(w) > 1e-3) weights[f] = Math.round(w * 1e6) / 1e6;
      });
      return { ...p, bias: Math.round(theta[k * (D + 1)]! * 1e6) / 1e6, weights };
    }),
  };
}

function score(bias: number, weights: Readonly<Record<string, number>>, features: SessionFeatures): number {
  let s = bias;
  for (const [f, v] of features) s += (weights[f] ?? 0) * v;
  return s;
}

function softmax(scores: readonly number[], temperature: number): number[] {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s * temperature);
  const e = scores.map((s) => Math.exp(s * temperature - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
