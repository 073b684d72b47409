// The logistic fit against statsmodels (l2 = 0) and scikit-learn (l2 > 0, C = 1/l2) on the 200-row dataset that
// reference/logistic.py generated and printed; plus the scaler, the invariances, and a 100k-row fit for speed.
import { describe, expect, it } from "vitest";
import { createRng } from "../catalog/prng";
import { expectClose } from "../stats/expect-close";
import { applyScaler, fitLogistic, fitScaler, predictProba, type LogisticModel } from "./logistic";

// reference/logistic.py dataset: [sessions, pages, returning, minutes, y]
const ROWS: readonly (readonly [number, number, number, number, number])[] = [
  [0.663, 5.312, 0, 69.47, 0], [-1.02, 6.177, 1, 38.11, 0], [0.743, 6.595, 0, 95.71, 0], [-1.339, 4.864, 0, 29.45, 0],
  [0.187, 1.824, 0, 86.93, 1], [2.078, 5.343, 0, 9.59, 0], [0.141, 7.836, 0, 9.33, 0], [-0.182, 6.102, 0, 26.57, 0],
  [-1.031, 6.476, 0, 75.72, 1], [1.442, 3.944, 0, 20.56, 0], [-2.754, 0.68, 0, 6.9, 0], [0.392, 6.0, 1, 44.51, 1],
  [2.889, 4.327, 0, 36.82, 1], [2.182, 3.559, 0, 96.92, 1], [-1.27, 2.326, 0, 93.53, 1], [-0.632, 3.611, 0, 73.37, 1],
  [0.786, 5.797, 0, 86.12, 1], [-0.801, 3.371, 0, 54.81, 0], [-0.835, 6.076, 0, 18.88, 0], [-0.436, 5.672, 0, 98.41, 0],
  [1.646, 4.53, 0, 21.96, 0], [0.735, 0.74, 0, 44.17, 1], [-0.483, 6.878, 0, 33.35, 1], [0.42, 4.983, 1, 29.67, 1],
  [-0.204, 7.759, 1, 21.91, 0], [-0.461, 8.264, 1, 17.72, 0], [-0.737, 3.495, 0, 87.36, 0], [-0.761, 4.572, 0, 35.34, 1],
  [-1.763, 8.02, 0, 68.61, 0], [-1.276, 6.854, 0, 96.65, 0], [-1.312, 3.368, 0, 24.76, 0], [1.283, 3.795, 0, 67.1, 0],
  [-1.321, 3.197, 0, 5.8, 0], [-0.366, 2.523, 0, 11.17, 1], [-1.687, 5.429, 0, 6.5, 0], [-0.367, 4.967, 0, 89.79, 0],
  [1.084, 3.642, 0, 92.94, 1], [0.315, 7.503, 1, 20.69, 1], [0.744, 4.868, 0, 89.68, 0], [0.17, 4.073, 0, 32.99, 1],
  [0.078, 9.182, 0, 26.21, 0], [0.445, 6.268, 0, 65.59, 0], [0.869, 5.025, 0, 47.92, 0], [-0.644, 3.882, 0, 12.98, 0],
  [0.177, 9.657, 1, 23.81, 0], [0.686, 2.648, 0, 3.16, 0], [0.759, 6.252, 0, 65.88, 0], [-0.486, 5.081, 1, 42.1, 0],
  [-0.446, 4.631, 1, 71.59, 1], [-0.528, 5.887, 0, 38.0, 0], [-1.598, 5.781, 0, 31.15, 1], [-0.327, 3.429, 1, 16.51, 1],
  [-1.77, 4.779, 1, 57.6, 0], [1.56, 5.491, 0, 31.79, 0], [1.913, 1.837, 0, 51.72, 0], [-0.875, 5.744, 0, 8.17, 0],
  [1.649, 4.115, 1, 23.27, 1], [0.469, 6.383, 1, 34.35, 0], [-0.376, 7.573, 0, 13.57, 0], [-0.033, 4.51, 0, 6.75, 0],
  [-0.656, 8.801, 1, 20.05, 0], [1.47, 6.136, 0, 14.44, 0], [-0.286, 1.782, 0, 5.61, 1], [-1.191, 5.086, 0, 74.27, 1],
  [-0.706, 4.008, 1, 43.84, 0], [0.686, 3.967, 0, 7.09, 0], [0.854, 5.716, 0, 0.36, 0], [-0.521, 5.462, 0, 40.67, 1],
  [1.764, 2.94, 0, 39.73, 1], [0.504, 5.466, 0, 51.94, 0], [1.095, 1.813, 0, 78.51, 1], [1.658, 5.608, 0, 7.32, 0],
  [1.566, 0.875, 1, 83.07, 1], [0.236, 6.29, 0, 20.25, 1], [-0.582, 3.325, 0, 86.66, 1], [0.062, 5.459, 0, 80.28, 0],
  [0.469, 7.287, 0, 88.09, 0], [0.516, 6.522, 0, 47.02, 0], [-0.024, 7.403, 0, 13.22, 0], [-0.276, 7.665, 1, 29.86, 0],
  [0.094, -0.337, 0, 34.55, 1], [-0.44, 1.0, 1, 52.14, 0], [-1.885, 7.273, 1, 43.07, 0], [0.787, 3.904, 0, 64.74, 1],
  [-0.668, 6.35, 1, 21.31, 1], [-1.685, 5.198, 0, 81.02, 0], [-0.634, 6.813, 0, 76.69, 0], [-0.469, 7.667, 0, 96.8, 0],
  [-1.442, 5.394, 1, 27.33, 0], [0.935, 5.625, 1, 10.48, 0], [-1.423, 5.6, 1, 37.31, 0], [-0.589, 4.118, 0, 51.3, 0],
  [-0.042, 6.912, 0, 20.41, 0], [0.991, 3.399, 1, 42.04, 1], [0.497, 4.921, 0, 68.08, 0], [-0.242, 3.942, 1, 79.32, 0],
  [-0.343, 4.034, 1, 78.48, 1], [-0.774, 2.796, 1, 27.43, 0], [-1.25, 2.164, 1, 86.67, 1], [0.14, 3.365, 0, 91.52, 0],
  [-0.079, 4.541, 0, 15.95, 1], [0.651, 1.722, 0, 82.31, 1], [0.062, 4.374, 0, 93.09, 1], [0.674, 6.282, 1, 95.1, 1],
  [0.287, 4.017, 0, 88.82, 0], [-0.863, 3.977, 0, 18.83, 1], [1.514, 5.273, 1, 18.43, 1], [-0.949, 7.297, 0, 1.13, 0],
  [0.658, 3.125, 0, 56.27, 0], [-1.079, -2.454, 0, 55.27, 0], [2.062, 2.96, 1, 93.88, 1], [0.786, 5.688, 0, 44.79, 1],
  [1.387, 6.523, 1, 89.39, 1], [-0.821, 2.663, 0, 94.51, 0], [-0.577, 4.714, 0, 45.65, 0], [0.09, 5.569, 0, 34.64, 0],
  [-1.695, 2.705, 0, 3.13, 0], [-0.421, 4.836, 1, 58.65, 1], [-0.605, 3.673, 0, 84.15, 1], [-0.693, 8.073, 1, 19.45, 0],
  [0.663, 4.815, 1, 53.64, 1], [0.673, 4.4, 1, 36.49, 1], [0.583, 5.364, 0, 62.32, 1], [0.1, 7.865, 0, 68.61, 0],
  [0.236, 6.29, 0, 91.86, 0], [0.147, 6.767, 1, 45.33, 1], [-0.124, 1.686, 0, 75.05, 1], [-1.202, 2.919, 0, 60.71, 1],
  [1.886, 4.137, 0, 29.63, 1], [-2.338, 5.261, 0, 70.22, 0], [0.872, 3.978, 0, 65.84, 1], [0.89, 4.57, 1, 1.85, 0],
  [0.039, 6.677, 0, 5.29, 0], [-1.449, 6.632, 1, 30.99, 1], [-0.359, 4.075, 0, 43.56, 0], [-0.591, 3.251, 1, 53.22, 1],
  [-0.444, 5.912, 0, 78.51, 1], [-0.433, 5.568, 0, 60.72, 0], [0.294, 7.257, 0, 94.78, 1], [-0.686, 1.86, 0, 91.58, 1],
  [-1.514, 0.986, 1, 13.22, 1], [-0.471, 3.853, 0, 84.62, 1], [0.494, 7.294, 0, 61.4, 0], [1.221, 9.186, 0, 24.98, 0],
  [0.269, 5.889, 0, 99.98, 0], [-0.082, 6.353, 0, 57.74, 1], [0.162, 4.817, 1, 35.77, 1], [4.004, 7.167, 0, 26.06, 1],
  [-0.377, 4.812, 1, 57.16, 1], [0.633, 10.068, 1, 85.42, 0], [0.859, 2.776, 0, 86.27, 1], [1.206, 4.616, 0, 88.76, 1],
  [-0.497, 6.669, 1, 92.03, 0], [0.226, 6.858, 0, 27.08, 1], [-0.68, 8.69, 0, 45.41, 0], [1.019, 9.252, 0, 16.74, 0],
  [0.968, 5.189, 1, 45.54, 1], [-1.88, 7.209, 0, 54.68, 0], [0.828, 7.65, 0, 73.65, 0], [0.459, 5.387, 0, 21.92, 1],
  [0.111, 5.426, 0, 40.57, 0], [-1.92, 2.598, 0, 96.89, 0], [-0.906, 1.943, 0, 40.25, 1], [-0.197, 4.698, 0, 55.97, 0],
  [-0.634, 6.718, 0, 13.48, 0], [-1.2, 6.989, 1, 52.2, 1], [-0.109, 8.266, 0, 75.95, 0], [0.762, 5.374, 1, 8.82, 0],
  [-0.475, 6.136, 0, 68.38, 0], [0.456, 6.658, 0, 92.61, 1], [0.989, 3.749, 0, 26.24, 0], [1.114, 7.241, 0, 12.43, 1],
  [-1.102, 3.011, 0, 98.81, 0], [-0.168, 4.659, 1, 10.07, 1], [-0.908, 5.934, 0, 42.06, 0], [1.962, 7.385, 0, 35.02, 0],
  [0.234, 7.751, 0, 12.69, 0], [0.852, 4.998, 0, 37.79, 1], [2.043, 6.607, 1, 27.2, 1], [-1.201, 5.664, 0, 52.28, 0],
  [0.675, 4.793, 0, 58.13, 1], [-0.256, 5.072, 0, 8.66, 0], [-0.691, 3.103, 1, 63.18, 1], [-1.7, 3.604, 1, 93.13, 1],
  [-0.846, 5.609, 0, 51.93, 1], [-0.853, 0.781, 0, 36.95, 1], [0.283, 4.881, 0, 0.84, 0], [0.581, 3.001, 0, 67.14, 0],
  [-0.564, 7.286, 0, 19.99, 0], [-2.674, 4.202, 1, 39.22, 0], [1.793, 3.348, 0, 7.62, 1], [3.063, 4.488, 1, 39.46, 1],
  [-0.879, 2.701, 1, 32.0, 1], [-0.132, -2.327, 0, 6.88, 1], [-1.386, 4.366, 0, 43.9, 0], [-0.985, 9.503, 1, 97.54, 0],
  [1.452, 4.948, 0, 65.71, 1], [0.023, 3.004, 0, 47.2, 0], [0.315, 6.249, 0, 36.81, 0], [-0.032, 7.631, 0, 99.51, 1],
];
const REFERENCE = {
  l2_0: { weights: [0.5593982359664159, -0.3821975376510108, 1.2410630419454196, 0.013164886123463884], intercept: 0.6178593739892067 },
  // max |sklearn/statsmodels − scipy on our objective| = 3.0e-09
  // statsmodels log-likelihood -114.14364161435161, converged True
  l2_1: { weights: [0.5329854141377784, -0.371888462144083, 1.0852713782504069, 0.012707490433711959], intercept: 0.6354789132437427 },
  // max |sklearn/statsmodels − scipy on our objective| = 4.1e-10
  l2_10: { weights: [0.4102326633393622, -0.32749987719842805, 0.5214791141255126, 0.011132786038590305], intercept: 0.6604215703944021 },
  // max |sklearn/statsmodels − scipy on our objective| = 1.5e-09
  l2_1_no_intercept: { weights: [0.5328959322553904, -0.29757541333960763, 1.1528879948377468, 0.016491255604028917], intercept: 0.0 },
  // max |sklearn/statsmodels − scipy on our objective| = 4.2e-12
  l2_1_standardized: { weights: [0.5724199850222473, -0.7693030418922411, 0.5332195447687104, 0.37087874281024436], intercept: -0.31110026609248154 },
  // max |sklearn/statsmodels − scipy on our objective| = 1.9e-12
  scaler: { mean: [-0.0026850000000000064, 5.014334999999997, 0.28, 48.46270000000001], scale: [1.0680723738469224, 2.0930549258858453, 0.44899888641287294, 29.373181760068146] },
  standardized_probe: [[0.5, 4.0, 1.0, 30.0], [-1.2, 8.5, 0.0, 90.0]],
  standardized_probe_proba: [0.7217305414077778, 0.11486363221224416],
} as const;

const X = ROWS.map((r) => [r[0], r[1], r[2], r[3]]);
const Y = ROWS.map((r) => r[4]);
/**
 * Both sides run Newton to machine precision (statsmodels tol 1e-14, sklearn newton-cholesky tol 1e-14); the
 * coefficients agree to ~1e-15, so 1e-12 leaves room only for platform rounding.
 */
const AGREE = { rel: 1e-12, abs: 1e-12 };

function expectCoefficients(model: LogisticModel, expected: { weights: readonly number[]; intercept: number }, label: string): void {
  expected.weights.forEach((w, j) => expectClose(model.weights[j] as number, w, AGREE, `${label} w${j}`));
  expectClose(model.intercept, expected.intercept, AGREE, `${label} intercept`);
}

describe("fitLogistic", () => {
  it("matches statsmodels Logit for l2 = 0 (the maximum-likelihood fit)", () => {
    const model = fitLogistic(X, Y, { l2: 0 });
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThanOrEqual(10);
    expectCoefficients(model, REFERENCE.l2_0, "l2 = 0");
  });

  it("matches scikit-learn LogisticRegression(C = 1/l2) for l2 = 1 and l2 = 10", () => {
    expectCoefficients(fitLogistic(X, Y, { l2: 1 }), REFERENCE.l2_1, "l2 = 1");
    expectCoefficients(fitLogistic(X, Y, { l2: 10 }), REFERENCE.l2_10, "l2 = 10");
  });

  it("matches scikit-learn without an intercept", () => {
    const model = fitLogistic(X, Y, { l2: 1, fitIntercept: false });
    expect(model.intercept).toBe(0);
    expectCoefficients(model, REFERENCE.l2_1_no_intercept, "no intercept");
  });

  it("accepts typed rows and labels", () => {
    const model = fitLogistic(X.map((r) => Float64Array.from(r)), Uint8Array.from(Y), { l2: 1 });
    expectCoefficients(model, REFERENCE.l2_1, "typed");
  });

  it("standardises like StandardScaler, stores the scaler and applies it when predicting", () => {
    const model = fitLogistic(X, Y, { l2: 1, standardize: true });
    expect(model.scaler).not.toBeNull();
    REFERENCE.scaler.mean.forEach((m, j) => expectClose(model.scaler?.mean[j] as number, m, { rel: 1e-12, abs: 1e-14 }, `mean ${j}`));
    REFERENCE.scaler.scale.forEach((s, j) => expectClose(model.scaler?.scale[j] as number, s, { rel: 1e-12 }, `scale ${j}`));
    expectCoefficients(model, REFERENCE.l2_1_standardized, "standardised");
    REFERENCE.standardized_probe.forEach((row, i) =>
      expectClose(predictProba(model, row), REFERENCE.standardized_probe_proba[i] as number, AGREE, `probe ${i}`),
    );
  });

  it("gives the same probabilities with or without standardisation when unpenalised", () => {
    const raw = fitLogistic(X, Y, { l2: 0 });
    const standardised = fitLogistic(X, Y, { l2: 0, standardize: true });
    for (const row of X.slice(0, 20)) expectClose(predictProba(standardised, row), predictProba(raw, row), { rel: 1e-10 });
  });

  it("stops without converging on separable data with l2 = 0, and converges once penalised", () => {
    const rows = [[-2], [-1], [1], [2]];
    const labels = [0, 0, 1, 1];
    const mle = fitLogistic(rows, labels, { l2: 0, maxIter: 30 });
    expect(mle.converged).toBe(false);
    expect(mle.iterations).toBe(30);
    expect(mle.weights[0]).toBeGreaterThan(5);
    const ridge = fitLogistic(rows, labels, { l2: 1 });
    expect(ridge.converged).toBe(true);
    expect(Number.isFinite(ridge.weights[0])).toBe(true);
  });

  it("refuses bad input", () => {
    expect(() => fitLogistic([], [], { l2: 1 })).toThrow(RangeError);
    expect(() => fitLogistic([[1], [2, 3]], [0, 1], { l2: 1 })).toThrow(/row 1/);
    expect(() => fitLogistic([[1], [2]], [0, 2], { l2: 1 })).toThrow(/0 or 1/);
    expect(() => fitLogistic([[1], [2]], [0, 1], { l2: -1 })).toThrow(/l2/);
    // Two identical columns and no penalty: the Hessian is singular.
    expect(() => fitLogistic([[1, 1], [2, 2], [3, 3], [4, 4]], [0, 1, 0, 1], { l2: 0 })).toThrow(/positive definite/);
  });

  it("fits 100,000 rows × 30 features in a few Newton steps and recovers the generating weights", () => {
    const n = 100_000;
    const d = 30;
    const rng = createRng(7);
    const truth = Array.from({ length: d }, (_, j) => (j % 3 === 0 ? 0.5 : j % 3 === 1 ? -0.25 : 0) * (1 + j / d));
    const rows: Float64Array[] = [];
    const labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const row = new Float64Array(d);
      let eta = -0.5;
      for (let j = 0; j < d; j++) {
        // Sum of two uniforms: bounded, symmetric, unit-ish variance.
        row[j] = (rng.next() + rng.next() - 1) * 2.5;
        eta += (truth[j] as number) * (row[j] as number);
      }
      rows.push(row);
      labels[i] = rng.next() < 1 / (1 + Math.exp(-eta)) ? 1 : 0;
    }
    const started = performance.now();
    const model = fitLogistic(rows, labels, { l2: 1 });
    const elapsed = performance.now() - started;
    expect(model.converged).toBe(true);
    expect(model.iterations).toBeLessThanOrEqual(10);
    // Standard errors here are ~0.01; 0.05 is a 5σ band.
    truth.forEach((w, j) => expect(Math.abs((model.weights[j] as number) - w)).toBeLessThan(0.05));
    expect(Math.abs(model.intercept + 0.5)).toBeLessThan(0.05);
    expect(elapsed).toBeLessThan(5_000);
  });
});

describe("fitScaler / applyScaler", () => {
  it("centres and scales by the population standard deviation, leaving constant columns at scale 1", () => {
    const scaler = fitScaler([
      [1, 5],
      [3, 5],
    ]);
    expect(scaler).toEqual({ mean: [2, 5], scale: [1, 1] });
    expect(Array.from(applyScaler(scaler, [4, 5]))).toEqual([2, 0]);
  });

  it("keeps its digits for a large offset", () => {
    const scaler = fitScaler([[1e9 - 1], [1e9 + 1]]);
    expect(scaler.scale[0]).toBe(1);
  });

  it("rejects a row of the wrong width", () => {
    expect(() => applyScaler({ mean: [0], scale: [1] }, [1, 2])).toThrow(RangeError);
  });
});
