// L2-regularised logistic regression fitted by Newton–Raphson (IRLS) with a Cholesky solve: the
// purchase-propensity model behind next-best-action. Pure and allocation-light, for up to ~100k rows × ~30 features.

/** Feature rows as callers hold them: typed rows from a feature store or plain arrays from JSON. */
export type FeatureRow = Float64Array | readonly number[];

/** Per-feature centring and scaling, kept with the model so prediction applies the transform the fit saw. */
export interface FeatureScaler {
  mean: number[];
  scale: number[];
}

export interface LogisticOptions {
  /**
   * Ridge strength λ in Σ logloss + (λ/2)·‖w‖², the loss summed (not averaged) over rows. This is scikit-learn's
   * LogisticRegression(C = 1/λ, penalty="l2") after dividing its objective C·Σ logloss + ½‖w‖² by C. 0 = plain MLE.
   */
  l2: number;
  /** Fit an intercept (default true). It is never penalised, as in scikit-learn's lbfgs/newton solvers. */
  fitIntercept?: boolean;
  /** Standardise features (fitScaler) before fitting; the weights are then on the standardised scale. */
  standardize?: boolean;
  /** Newton steps allowed (default 100; a well-posed fit needs 5–10). */
  maxIter?: number;
  /** Converged when no coefficient moves by more than this in a full Newton step (default 1e-10). */
  tol?: number;
}

export interface LogisticModel {
  weights: number[];
  intercept: number;
  /** Newton steps taken. */
  iterations: number;
  /** False when maxIter ran out first, e.g. separable data with l2 = 0, where the MLE does not exist. */
  converged: boolean;
  /** The transform applied to raw features before the weights, or null when the fit used raw features. */
  scaler: FeatureScaler | null;
}

/**
 * Column means and population standard deviations (ddof = 0, as scikit-learn's StandardScaler); a constant
 * column gets scale 1 so it maps to 0 instead of dividing by zero.
 */
export function fitScaler(rows: readonly FeatureRow[]): FeatureScaler {
  const d = featureCount(rows);
  const n = rows.length;
  const mean = new Float64Array(d);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (row[j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
  // Two passes: the one-pass Σx² − n·x̄² loses every digit for a column like 10⁶ ± 1.
  const sumSquares = new Float64Array(d);
  for (const row of rows) {
    for (let j = 0; j < d; j++) {
      const dev = (row[j] as number) - (mean[j] as number);
      sumSquares[j] = (sumSquares[j] as number) + dev * dev;
    }
  }
  const scale = Array.from(sumSquares, (ss) => {
    const sd = Math.sqrt(ss / n);
    return sd > 0 ? sd : 1;
  });
  return { mean: Array.from(mean), scale };
}

/** One row on the scaler's standardised scale. */
export function applyScaler(scaler: FeatureScaler, row: FeatureRow): Float64Array {
  const d = scaler.mean.length;
  if (row.length !== d) throw new RangeError(`row has ${row.length} features, the scaler ${d}`);
  const out = new Float64Array(d);
  for (let j = 0; j < d; j++) out[j] = ((row[j] as number) - (scaler.mean[j] as number)) / (scaler.scale[j] as number);
  return out;
}

/** P(y = 1 | x) for one raw feature row (the model's scaler, if any, is applied here). */
export function predictProba(model: LogisticModel, row: FeatureRow): number {
  const x = model.scaler === null ? row : applyScaler(model.scaler, row);
  if (x.length !== model.weights.length) throw new RangeError(`row has ${x.length} features, the model ${model.weights.length}`);
  let eta = model.intercept;
  for (let j = 0; j < x.length; j++) eta += (model.weights[j] as number) * (x[j] as number);
  return sigmoid(eta);
}

/**
 * Minimises Σ_i [log(1 + e^{η_i}) − y_i·η_i] + (l2/2)·‖w‖², η_i = x_i·w + b, by Newton's method. Each step
 * solves H·Δ = −g with H = Xᵀ·diag(p(1−p))·X + l2·I (intercept row unpenalised) by Cholesky, then halves
 * the step until the objective falls enough (Armijo), so a far start or near-separable data cannot diverge.
 */
export function fitLogistic(rows: readonly FeatureRow[], labels: Uint8Array | readonly number[], opts: LogisticOptions): LogisticModel {
  const { l2 } = opts;
  const fitIntercept = opts.fitIntercept ?? true;
  const maxIter = opts.maxIter ?? 100;
  const tol = opts.tol ?? 1e-10;
  if (!(l2 >= 0 && Number.isFinite(l2))) throw new RangeError(`l2 must be a finite number ≥ 0 (got ${l2})`);
  const n = rows.length;
  const d = featureCount(rows);
  if (labels.length !== n) throw new RangeError(`${n} rows but ${labels.length} labels`);

  const scaler = opts.standardize === true ? fitScaler(rows) : null;
  // Row-major copy in one typed array: the Hessian loop below is the hot path and wants contiguous doubles.
  const X = new Float64Array(n * d);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i] as FeatureRow;
    if (row.length !== d) throw new RangeError(`row ${i} has ${row.length} features, row 0 has ${d}`);
    for (let j = 0; j < d; j++) {
      const v = row[j] as number;
      if (!Number.isFinite(v)) throw new RangeError(`row ${i}, feature ${j} is not a finite number`);
      X[i * d + j] = scaler === null ? v : (v - (scaler.mean[j] as number)) / (scaler.scale[j] as number);
    }
    const label = labels[i] as number;
    if (label !== 0 && label !== 1) throw new RangeError(`label ${i} must be 0 or 1 (got ${label})`);
    y[i] = label;
  }

  // Coefficients β = [w_0 .. w_{d−1}, b]; without an intercept b stays 0 and only the first d are solved for.
  const k = d + (fitIntercept ? 1 : 0);
  const beta = new Float64Array(d + 1);
  const eta = new Float64Array(n);
  const trialEta = new Float64Array(n);
  const gradient = new Float64Array(k);
  const hessian = new Float64Array(k * k);
  const step = new Float64Array(k);
  const trial = new Float64Array(d + 1);

  const penalty = (b: Float64Array): number => {
    let s = 0;
    for (let j = 0; j < d; j++) s += (b[j] as number) ** 2;
    return 0.5 * l2 * s;
  };
  const linearPredictor = (b: Float64Array, out: Float64Array): number => {
    let loss = 0;
    const intercept = b[d] as number;
    for (let i = 0; i < n; i++) {
      let e = intercept;
      const offset = i * d;
      for (let j = 0; j < d; j++) e += (X[offset + j] as number) * (b[j] as number);
      out[i] = e;
      loss += softplus(e) - (y[i] as number) * e;
    }
    return loss + penalty(b);
  };

  let objective = linearPredictor(beta, eta);
  let iterations = 0;
  let converged = false;
  const row = new Float64Array(k);
  if (fitIntercept) row[d] = 1;

  while (iterations < maxIter) {
    gradient.fill(0);
    hessian.fill(0);
    for (let i = 0; i < n; i++) {
      const p = sigmoid(eta[i] as number);
      const residual = p - (y[i] as number);
      const weight = p * (1 - p);
      const offset = i * d;
      for (let j = 0; j < d; j++) row[j] = X[offset + j] as number;
      // Lower triangle only: H is symmetric and the Cholesky below reads no more.
      for (let a = 0; a < k; a++) {
        const va = row[a] as number;
        gradient[a] = (gradient[a] as number) + residual * va;
        const wa = weight * va;
        const base = a * k;
        for (let c = 0; c <= a; c++) hessian[base + c] = (hessian[base + c] as number) + wa * (row[c] as number);
      }
    }
    for (let j = 0; j < d; j++) {
      gradient[j] = (gradient[j] as number) + l2 * (beta[j] as number);
      hessian[j * k + j] = (hessian[j * k + j] as number) + l2;
    }

    for (let a = 0; a < k; a++) step[a] = -(gradient[a] as number);
    if (!choleskySolveInPlace(hessian, k, step)) {
      throw new RangeError("the Hessian is not positive definite: collinear or constant features with l2 = 0? Use l2 > 0.");
    }
    iterations++;

    let largestMove = 0;
    let slope = 0; // gᵀΔ, negative for a descent direction
    for (let a = 0; a < k; a++) {
      largestMove = Math.max(largestMove, Math.abs(step[a] as number));
      slope += (gradient[a] as number) * (step[a] as number);
    }

    // Armijo backtracking from the full Newton step, which is accepted at once near the optimum.
    let t = 1;
    let trialObjective = Infinity;
    for (let halvings = 0; halvings < 60; halvings++) {
      for (let j = 0; j < d; j++) trial[j] = (beta[j] as number) + t * (step[j] as number);
      trial[d] = fitIntercept ? (beta[d] as number) + t * (step[d] as number) : 0;
      trialObjective = linearPredictor(trial, trialEta);
      if (trialObjective <= objective + 1e-4 * t * slope) break;
      // Round-off floor: within an ulp or so of the optimum the objective cannot show a decrease.
      if (Math.abs(trialObjective - objective) <= 1e-13 * Math.abs(objective) && largestMove * t <= 1e-6) break;
      t /= 2;
    }
    if (!(trialObjective <= objective + 1e-12 * Math.abs(objective))) break; // no progress is possible
    beta.set(trial);
    eta.set(trialEta);
    objective = trialObjective;

    if (largestMove <= tol) {
      converged = true;
      break;
    }
  }

  return {
    weights: Array.from(beta.subarray(0, d)),
    intercept: beta[d] as number,
    iterations,
    converged,
    scaler,
  };
}

/**
 * Solves A·x = b in place (b becomes x) for symmetric positive-definite A given by its lower triangle
 * (row-major k × k). Returns false when A is not numerically positive definite.
 */
function choleskySolveInPlace(a: Float64Array, k: number, b: Float64Array): boolean {
  // A = L·Lᵀ, L overwriting the lower triangle.
  for (let j = 0; j < k; j++) {
    let diag = a[j * k + j] as number;
    for (let m = 0; m < j; m++) diag -= (a[j * k + m] as number) ** 2;
    if (!(diag > 0)) return false;
    const ljj = Math.sqrt(diag);
    a[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j] as number;
      for (let m = 0; m < j; m++) s -= (a[i * k + m] as number) * (a[j * k + m] as number);
      a[i * k + j] = s / ljj;
    }
  }
  // L·z = b, then Lᵀ·x = z.
  for (let i = 0; i < k; i++) {
    let s = b[i] as number;
    for (let m = 0; m < i; m++) s -= (a[i * k + m] as number) * (b[m] as number);
    b[i] = s / (a[i * k + i] as number);
  }
  for (let i = k - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let m = i + 1; m < k; m++) s -= (a[m * k + i] as number) * (b[m] as number);
    b[i] = s / (a[i * k + i] as number);
  }
  return true;
}

function featureCount(rows: readonly FeatureRow[]): number {
  const first = rows[0];
  if (first === undefined) throw new RangeError("at least one row is needed");
  if (first.length === 0) throw new RangeError("rows need at least one feature");
  return first.length;
}

/** σ(η) without overflow: e^{−|η|} is always ≤ 1. */
function sigmoid(eta: number): number {
  if (eta >= 0) return 1 / (1 + Math.exp(-eta));
  const e = Math.exp(eta);
  return e / (1 + e);
}

/** log(1 + e^η), exact for large |η| where the naive form overflows or rounds to 0. */
function softplus(eta: number): number {
  return Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta)));
}
