// Which customer attributes drive response to a campaign, and which make a customer respond more (or less) to
// being emailed: an L2 logistic regression with treatment × attribute interactions, and permutation importance.
import { createRng } from "../catalog/prng";
import { unitDraw } from "../hash";
import { rocAuc } from "../models/auc";
import { fitLogistic, fitScaler } from "../models/logistic";
import { normalCdf } from "../stats/distributions";
import { holm } from "../stats/multiple";
import type { CampaignOutcome } from "./report";

export type CampaignMetric = "converted" | "clicked" | "opened";

export interface FeatureAttribution {
  feature: string;
  /** Log-odds change per standard deviation of the attribute in control (the attribute's pull on response anyway). */
  main_effect: number;
  /** Extra log-odds change per standard deviation among treated customers: positive = the email works better on high values. */
  treatment_interaction: number;
  /** Drop in total log-likelihood (nats over all rows) when the attribute, and so its interaction, is shuffled. */
  importance: number;
  /** Wald standard error of treatment_interaction (from the penalised Hessian). */
  interaction_se: number;
  /** Two-sided Wald p-value of treatment_interaction, Holm-adjusted over the attributes. */
  interaction_p_value: number;
  /** The sign of treatment_interaction when its adjusted p-value is below 0.05, else neutral. */
  direction: "more_responsive" | "less_responsive" | "neutral";
}

export interface AttributionResult {
  method: string;
  metric: string;
  /** Ranked by importance, most important first. Empty when the data cannot support a fit (see notes). */
  features: FeatureAttribution[];
  notes: string[];
  /** The fitted model's other terms, or null when nothing was fitted. */
  model: {
    rows: number;
    events: number;
    l2: number;
    intercept: number;
    /** Log-odds effect of treatment at average attribute values. */
    treatment: number;
    /** In-sample ROC AUC. */
    auc: number;
    converged: boolean;
  } | null;
}

export interface AttributionOptions {
  /** Ridge strength λ in Σ logloss + (λ/2)·‖w‖² (shared/models/logistic.ts's convention); default 1. */
  l2?: number;
  /** Seed of the permutation shuffles. */
  seed?: number;
  /** Shuffles per attribute, averaged. */
  permutations?: number;
  /** Most attributes kept (after the events-per-parameter limit below). */
  maxFeatures?: number;
}

/** At most this many attributes enter the model: 61 coefficients already want thousands of events. */
export const MAX_FEATURES = 30;
/** Rows beyond this are subsampled by hash: the coefficients are settled long before, and the fit is O(n·k²). */
export const MAX_ROWS = 50_000;
/** Fewer events (or non-events) than this, and no logistic fit says anything. */
export const MIN_EVENTS = 10;
/** The usual rule of thumb for logistic regression: ≥ 10 events (of the rarer class) per coefficient. */
const EVENTS_PER_PARAMETER = 10;
/** A small ridge keeps the fit finite when an attribute separates the classes; negligible against thousands of rows. */
const DEFAULT_L2 = 1;
const DEFAULT_SEED = 20_260_601;
const DEFAULT_PERMUTATIONS = 3;
const SIGNIFICANCE = 0.05;

const METHOD =
  "L2 logistic regression (ridge λ = {l2} on the summed log loss, intercept unpenalised) of {metric} on standardised attributes, " +
  "a treatment indicator and treatment × attribute interactions; Wald z-tests of the interactions from the penalised Hessian, " +
  "Holm-adjusted; importance = in-sample drop in log-likelihood when an attribute (and its interaction) is shuffled, " +
  "averaged over {permutations} seeded shuffles";

const round = (x: number, digits = 6): number => Math.round(x * 10 ** digits) / 10 ** digits;

const empty = (metric: string, l2: number, permutations: number, notes: string[]): AttributionResult => ({
  method: describeMethod(metric, l2, permutations),
  metric,
  features: [],
  notes,
  model: null,
});

function describeMethod(metric: string, l2: number, permutations: number): string {
  return METHOD.replace("{l2}", String(l2)).replace("{metric}", metric).replace("{permutations}", String(permutations));
}

/** Pearson correlation; 0 when either side is constant. */
function correlation(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] as number;
    my += y[i] as number;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (x[i] as number) - mx;
    const dy = (y[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** Inverse of a symmetric positive-definite matrix (row-major k × k) by Gauss–Jordan with partial pivoting. */
function invertSymmetric(a: Float64Array, k: number): Float64Array | null {
  const m = new Float64Array(a);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * k + col] as number) > Math.abs(m[pivot * k + col] as number)) pivot = r;
    const p = m[pivot * k + col] as number;
    if (!(Math.abs(p) > 1e-300)) return null;
    if (pivot !== col) {
      for (let c = 0; c < k; c++) {
        const t1 = m[col * k + c] as number;
        m[col * k + c] = m[pivot * k + c] as number;
        m[pivot * k + c] = t1;
        const t2 = inv[col * k + c] as number;
        inv[col * k + c] = inv[pivot * k + c] as number;
        inv[pivot * k + c] = t2;
      }
    }
    for (let c = 0; c < k; c++) {
      m[col * k + c] = (m[col * k + c] as number) / p;
      inv[col * k + c] = (inv[col * k + c] as number) / p;
    }
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = m[r * k + col] as number;
      if (f === 0) continue;
      for (let c = 0; c < k; c++) {
        m[r * k + c] = (m[r * k + c] as number) - f * (m[col * k + c] as number);
        inv[r * k + c] = (inv[r * k + c] as number) - f * (inv[col * k + c] as number);
      }
    }
  }
  return inv;
}

function sigmoid(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

/** Σ [y·η − log(1 + e^η)], the log-likelihood, overflow-free. */
function logLikelihood(eta: Float64Array, y: Uint8Array): number {
  let ll = 0;
  for (let i = 0; i < eta.length; i++) {
    const e = eta[i] as number;
    ll += (y[i] as number) * e - (Math.max(e, 0) + Math.log1p(Math.exp(-Math.abs(e))));
  }
  return ll;
}

/**
 * Which attributes drive `metric`, and which modify the treatment's effect on it.
 *
 * Design: attributes (numeric; the caller one-hots categoricals) are standardised (mean 0, population sd 1),
 * then the columns are [z₁..z_p, T, T·z₁..T·z_p] with T = 1 for any treatment arm. main_effect is z_j's
 * coefficient (its slope in control), treatment_interaction T·z_j's (how much steeper it is among the emailed):
 * the uplift driver. Missing or non-finite values are imputed with the attribute's mean (a note says how many);
 * constant attributes carry no information and are dropped. Only as many attributes are kept as the rarer class
 * supports at 10 events per coefficient (and at most 30), preferring those most correlated with the metric
 * within control or within treatment, so a pure effect modifier is not screened out.
 */
export function attributeResponse(outcomes: readonly CampaignOutcome[], metric: CampaignMetric, options: AttributionOptions = {}): AttributionResult {
  const l2 = options.l2 ?? DEFAULT_L2;
  const permutations = options.permutations ?? DEFAULT_PERMUTATIONS;
  const maxFeatures = Math.min(options.maxFeatures ?? MAX_FEATURES, MAX_FEATURES);
  const seed = options.seed ?? DEFAULT_SEED;
  const notes: string[] = [];

  // Subsample by a hash of the customer id: deterministic and independent of input order.
  let rows: readonly CampaignOutcome[] = outcomes;
  if (rows.length > MAX_ROWS) {
    const keep = MAX_ROWS / rows.length;
    rows = rows.filter((o) => unitDraw("attribution-sample", o.customer_id) < keep);
    notes.push(`Fitted on a hash-sampled ${rows.length} of ${outcomes.length} customers to bound the cost; coefficients at this size are stable.`);
  }
  const n = rows.length;
  if (n === 0) return empty(metric, l2, permutations, ["No outcomes: nothing to attribute."]);

  const y = Uint8Array.from(rows, (o) => (o[metric] ? 1 : 0));
  const treated = Uint8Array.from(rows, (o) => (o.arm === "control" ? 0 : 1));
  const events = y.reduce((s, v) => s + v, 0);
  const treatedCount = treated.reduce((s, v) => s + v, 0);
  const minority = Math.min(events, n - events);
  if (minority < MIN_EVENTS) {
    return empty(metric, l2, permutations, [
      ...notes,
      `Only ${events} of ${n} customers ${metric} (${n - events} did not): at least ${MIN_EVENTS} of each are needed before attributes can be told apart from chance.`,
    ]);
  }
  if (treatedCount === 0 || treatedCount === n) {
    return empty(metric, l2, permutations, [
      ...notes,
      `All ${n} customers are in ${treatedCount === 0 ? "control" : "treatment arms"}: with nothing to compare, no attribute can be said to change the treatment's effect.`,
    ]);
  }

  // Attribute columns: the union of keys, sorted so the design (and the fit) does not depend on key order.
  const names = [...new Set(rows.flatMap((o) => Object.keys(o.features)))].sort();
  const columns: { name: string; values: number[] }[] = [];
  const constant: string[] = [];
  for (const name of names) {
    let sum = 0;
    let present = 0;
    for (const o of rows) {
      const v = o.features[name];
      if (v !== undefined && Number.isFinite(v)) {
        sum += v;
        present++;
      }
    }
    const mean = present > 0 ? sum / present : 0;
    const values = rows.map((o) => {
      const v = o.features[name];
      return v !== undefined && Number.isFinite(v) ? v : mean;
    });
    if (present < n) notes.push(`${name}: ${n - present} of ${n} customers have no value; imputed with the mean (${round(mean, 4)}).`);
    const first = values[0] as number;
    if (values.every((v) => v === first)) constant.push(name);
    else columns.push({ name, values });
  }
  if (constant.length > 0) notes.push(`Constant attributes dropped (they cannot explain any difference): ${constant.join(", ")}.`);
  if (columns.length === 0) return empty(metric, l2, permutations, [...notes, "No attribute varies across customers: nothing to attribute."]);

  // 2p + 2 coefficients (with intercept and T) at 10 events each.
  const supported = Math.floor((minority / EVENTS_PER_PARAMETER - 2) / 2);
  const limit = Math.min(maxFeatures, supported);
  if (limit < 1) {
    return empty(metric, l2, permutations, [
      ...notes,
      `${minority} ${events === minority ? "events" : "non-events"} support fewer than the 4 coefficients of a one-attribute model at ${EVENTS_PER_PARAMETER} events per coefficient.`,
    ]);
  }
  if (columns.length > limit) {
    const yValues = Array.from(y);
    const screen = (values: number[]) => {
      const inArm = (arm: 0 | 1) => values.filter((_, i) => treated[i] === arm);
      const yArm = (arm: 0 | 1) => yValues.filter((_, i) => treated[i] === arm);
      return Math.max(Math.abs(correlation(inArm(0), yArm(0))), Math.abs(correlation(inArm(1), yArm(1))));
    };
    const scored = columns.map((c) => ({ c, score: screen(c.values) })).sort((a, b) => b.score - a.score || (a.c.name < b.c.name ? -1 : 1));
    const dropped = scored.slice(limit).map((s) => s.c.name);
    columns.length = 0;
    columns.push(...scored.slice(0, limit).map((s) => s.c).sort((a, b) => (a.name < b.name ? -1 : 1)));
    notes.push(
      `${dropped.length} attribute(s) left out (${limit} kept: ${limit === supported ? `${minority} events support ${limit} at ${EVENTS_PER_PARAMETER} per coefficient` : `the cap is ${maxFeatures}`}), ` +
        `those least correlated with ${metric} within control or treatment: ${dropped.join(", ")}.`,
    );
  }

  const p = columns.length;
  const raw = rows.map((_, i) => columns.map((c) => c.values[i] as number));
  const scaler = fitScaler(raw);
  const k = 2 * p + 1;
  const design = raw.map((r, i) => {
    const row = new Float64Array(k);
    const t = treated[i] as number;
    for (let j = 0; j < p; j++) {
      const z = ((r[j] as number) - (scaler.mean[j] as number)) / (scaler.scale[j] as number);
      row[j] = z;
      row[p + 1 + j] = t * z;
    }
    row[p] = t;
    return row;
  });

  const model = fitLogistic(design, y, { l2 });
  if (!model.converged) notes.push("The logistic fit did not converge; coefficients are approximate.");
  const w = model.weights;

  const eta = new Float64Array(n);
  const prob = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = design[i] as Float64Array;
    let e = model.intercept;
    for (let j = 0; j < k; j++) e += (w[j] as number) * (row[j] as number);
    eta[i] = e;
    prob[i] = sigmoid(e);
  }

  // Penalised Hessian H = Xᵀ·diag(p(1−p))·X + λ·I (intercept unpenalised), last row/column the intercept.
  const dim = k + 1;
  const hessian = new Float64Array(dim * dim);
  const x = new Float64Array(dim);
  x[k] = 1;
  for (let i = 0; i < n; i++) {
    const pi = prob[i] as number;
    const weight = pi * (1 - pi);
    x.set(design[i] as Float64Array);
    for (let a = 0; a < dim; a++) {
      const wa = weight * (x[a] as number);
      for (let c = 0; c <= a; c++) hessian[a * dim + c] = (hessian[a * dim + c] as number) + wa * (x[c] as number);
    }
  }
  for (let a = 0; a < dim; a++) for (let c = 0; c < a; c++) hessian[c * dim + a] = hessian[a * dim + c] as number;
  for (let j = 0; j < k; j++) hessian[j * dim + j] = (hessian[j * dim + j] as number) + l2;
  const covariance = invertSymmetric(hessian, dim);
  if (covariance === null) notes.push("The information matrix is singular (collinear attributes?); interaction tests are unavailable.");

  const interactionSe = columns.map((_, j) => {
    const idx = p + 1 + j;
    return covariance === null ? NaN : Math.sqrt(Math.max(0, covariance[idx * dim + idx] as number));
  });
  const rawP = columns.map((_, j) => {
    const se = interactionSe[j] as number;
    if (!(se > 0)) return 1;
    return Math.min(1, 2 * normalCdf(-Math.abs((w[p + 1 + j] as number) / se)));
  });
  const adjustedP = holm(rawP);

  // Permutation importance: shuffling z_j moves η by w_j·Δz + w_int·T·Δz; no refit, the model is what is probed.
  const baseLl = logLikelihood(eta, y);
  const rng = createRng(seed);
  const shuffledEta = new Float64Array(n);
  const order = new Uint32Array(n);
  const importance = columns.map((_, j) => {
    const wMain = w[j] as number;
    const wInt = w[p + 1 + j] as number;
    let drop = 0;
    for (let r = 0; r < permutations; r++) {
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const swap = Math.floor(rng.next() * (i + 1));
        const tmp = order[i] as number;
        order[i] = order[swap] as number;
        order[swap] = tmp;
      }
      for (let i = 0; i < n; i++) {
        const own = (design[i] as Float64Array)[j] as number;
        const other = (design[order[i] as number] as Float64Array)[j] as number;
        const delta = other - own;
        shuffledEta[i] = (eta[i] as number) + wMain * delta + wInt * (treated[i] as number) * delta;
      }
      drop += baseLl - logLikelihood(shuffledEta, y);
    }
    return drop / permutations;
  });

  const features: FeatureAttribution[] = columns.map((c, j) => {
    const interaction = w[p + 1 + j] as number;
    const adjusted = adjustedP[j] as number;
    const direction = adjusted < SIGNIFICANCE ? (interaction > 0 ? "more_responsive" : "less_responsive") : "neutral";
    return {
      feature: c.name,
      main_effect: round(w[j] as number),
      treatment_interaction: round(interaction),
      importance: round(importance[j] as number),
      interaction_se: round(interactionSe[j] as number),
      interaction_p_value: Number(adjusted.toPrecision(6)),
      direction,
    };
  });
  features.sort((a, b) => b.importance - a.importance || Math.abs(b.treatment_interaction) - Math.abs(a.treatment_interaction) || (a.feature < b.feature ? -1 : 1));

  if (p > 1) notes.push("Interaction p-values are Holm-adjusted over the attributes; attributes that move together share their effects, so read correlated ones as a group.");

  return {
    method: describeMethod(metric, l2, permutations),
    metric,
    features,
    notes,
    model: {
      rows: n,
      events,
      l2,
      intercept: round(model.intercept),
      treatment: round(w[p] as number),
      auc: round(rocAuc(y, prob)),
      converged: model.converged,
    },
  };
}
