// Persona classification: a linear model per persona over session features with a softmax for confidence,
// ordered rules for cold start, and a fallback persona below the confidence threshold.
import type { PersonaConfig } from "../config/schema";
import type { DeviceClass } from "./signals";
import type { SessionFeatures } from "./features";

export interface DecidingFeature {
  feature: string;
  /** The feature's contribution to the winning score (weight x value), or 1 for a cold-start rule. */
  contribution: number;
}

export interface PersonaResult {
  /** The persona to act on: the best guess, or the fallback persona when unsure or held out. */
  persona: string;
  /** The best guess's probability (softmax), or the cold-start rule's stated confidence. */
  confidence: number;
  intent: string;
  decided_by: DecidingFeature[];
  cold_start: boolean;
  /** True when confidence fell below the threshold and the fallback persona was used. */
  fallback: boolean;
  /** True when the visitor is in the personalization holdout. */
  holdout: boolean;
  /** The best guess even when the fallback is used, for diagnostics and learning. */
  best_guess: string;
}

/** The config compiled into arrays once per snapshot so classification is a few map lookups. */
export interface PersonaModel {
  config: PersonaConfig;
  personaIds: string[];
  bias: Float64Array;
  /** feature name -> weight per persona (index aligned with personaIds). */
  weights: Map<string, Float64Array>;
  intentIds: string[];
  intentBias: Float64Array;
  intentWeights: Map<string, Float64Array>;
}

function compileLinear(defs: readonly { id: string; bias: number; weights: Record<string, number> }[]) {
  const ids = defs.map((d) => d.id);
  const bias = Float64Array.from(defs.map((d) => d.bias));
  const weights = new Map<string, Float64Array>();
  defs.forEach((d, i) => {
    for (const [feature, w] of Object.entries(d.weights)) {
      let row = weights.get(feature);
      if (!row) weights.set(feature, (row = new Float64Array(defs.length)));
      row[i] = w;
    }
  });
  return { ids, bias, weights };
}

export function compilePersonaModel(config: PersonaConfig): PersonaModel {
  const personas = compileLinear(config.personas);
  const intents = compileLinear(config.intents);
  return {
    config,
    personaIds: personas.ids,
    bias: personas.bias,
    weights: personas.weights,
    intentIds: intents.ids,
    intentBias: intents.bias,
    intentWeights: intents.weights,
  };
}

function linearScores(features: SessionFeatures, bias: Float64Array, weights: Map<string, Float64Array>): Float64Array {
  const scores = Float64Array.from(bias);
  for (const [feature, value] of features) {
    const row = weights.get(feature);
    if (!row) continue;
    for (let i = 0; i < row.length; i++) scores[i]! += row[i]! * value;
  }
  return scores;
}

function argmax(xs: Float64Array): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i]! > xs[best]!) best = i;
  return best;
}

/** Numerically stable softmax probability of entry `k`. */
function softmaxAt(scores: Float64Array, k: number, temperature: number): number {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s * temperature);
  let sum = 0;
  for (const s of scores) sum += Math.exp(s * temperature - max);
  return Math.exp(scores[k]! * temperature - max) / sum;
}

export function classifyIntent(features: SessionFeatures, model: PersonaModel): string {
  const scores = linearScores(features, model.intentBias, model.intentWeights);
  const best = argmax(scores);
  return scores[best]! > 0 ? model.intentIds[best]! : model.config.default_intent;
}

/**
 * Classifies a session. `eventCount` is how many events we know of the visitor (cold start below the
 * configured minimum); `holdoutDraw` is a stable uniform draw in [0,1) per visitor (hash of the anon id).
 */
export function classifyPersona(
  features: SessionFeatures,
  eventCount: number,
  model: PersonaModel,
  holdoutDraw = 1,
): PersonaResult {
  const cfg = model.config;
  const intent = classifyIntent(features, model);
  const holdout = holdoutDraw < cfg.holdout_share;
  const coldStart = eventCount < cfg.cold_start.min_events;

  let bestGuess: string;
  let confidence: number;
  let decidedBy: DecidingFeature[];
  // Stated facts first (any event count), then cold-start rules; rules are tried in configured order.
  const rule = cfg.cold_start.rules.find((r) => (r.always || coldStart) && r.when.every((f) => (features.get(f) ?? 0) > 0));
  if (rule) {
    bestGuess = rule.persona;
    confidence = rule.confidence;
    decidedBy = rule.when.map((feature) => ({ feature, contribution: 1 }));
  } else {
    const scores = linearScores(features, model.bias, model.weights);
    const best = argmax(scores);
    bestGuess = model.personaIds[best]!;
    confidence = softmaxAt(scores, best, cfg.temperature);
    decidedBy = [];
    for (const [feature, value] of features) {
      const w = model.weights.get(feature)?.[best] ?? 0;
      if (w * value > 0) decidedBy.push({ feature, contribution: w * value });
    }
    decidedBy.sort((a, b) => b.contribution - a.contribution || a.feature.localeCompare(b.feature));
    decidedBy = decidedBy.slice(0, 4);
  }
  const fallback = !holdout && confidence < cfg.min_confidence;
  return {
    persona: holdout || fallback ? cfg.fallback_persona : bestGuess,
    confidence: round(confidence, 4),
    intent,
    decided_by: decidedBy.map((d) => ({ feature: d.feature, contribution: round(d.contribution, 4) })),
    cold_start: coldStart,
    fallback,
    holdout,
    best_guess: bestGuess,
  };
}

export type RecencyClass = "new" | "returning" | "lapsed";

/** New: first seen recently; lapsed: the previous visit was long ago; otherwise returning. */
export function classifyRecency(
  firstSeen: number | null,
  previousVisit: number | null,
  now: number,
  cfg: PersonaConfig["recency"],
): RecencyClass {
  if (firstSeen === null || now - firstSeen < cfg.new_hours * 3_600_000) return "new";
  if (previousVisit !== null && now - previousVisit > cfg.lapsed_days * 86_400_000) return "lapsed";
  return "returning";
}

export interface MicroSegment {
  id: string;
  name: string;
  persona: string;
  intent: string;
  device_class: DeviceClass;
  recency: RecencyClass;
  lifecycle: string;
  customer_segment: string | null;
}

/** What the nightly segmentation knows about a visitor (absent for visitors it has not seen). */
export interface CustomerSegmentInput {
  cluster: string;
  lifecycle: string | null;
}

/**
 * The lifecycle stage: the RFM segment of a customer who bought (champions, at_risk, ...), else the session
 * recency class, so it refines recency for known customers and equals it for everyone else.
 */
export function lifecycleStage(recency: RecencyClass, customer: CustomerSegmentInput | null): string {
  return customer?.lifecycle ?? recency;
}

/** Combines persona, intent, device class, recency and the customer segment into a stable id and a name. */
export function microSegment(
  persona: string,
  intent: string,
  device: DeviceClass,
  recency: RecencyClass,
  cfg: PersonaConfig,
  customer: CustomerSegmentInput | null = null,
): MicroSegment {
  const lifecycle = lifecycleStage(recency, customer);
  const id = cfg.segment_template
    .replace("{persona}", persona)
    .replace("{intent}", intent)
    .replace("{device}", device)
    .replace("{recency}", recency)
    .replace("{lifecycle}", lifecycle)
    .replace("{cluster}", customer?.cluster ?? "none");
  const intentLabel = cfg.intents.find((i) => i.id === intent)?.label ?? intent;
  const stage = customer?.lifecycle ? (cfg.labels.lifecycle[lifecycle] ?? lifecycle) : (cfg.labels.recency[recency] ?? recency);
  const name = `${intentLabel} ${cfg.labels.device[device] ?? device} Users (${stage})`;
  return { id, name, persona, intent, device_class: device, recency, lifecycle, customer_segment: customer?.cluster ?? null };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
