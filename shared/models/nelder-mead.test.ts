// The optimiser behind the BG/NBD and Gamma–Gamma fits, on functions whose minimum is known.
import { describe, expect, it } from "vitest";
import { minimizeNelderMead } from "./nelder-mead";

describe("minimizeNelderMead", () => {
  it("finds the minimum of Rosenbrock's banana valley", () => {
    const rosenbrock = ([x, y]: readonly number[]): number => 100 * ((y as number) - (x as number) ** 2) ** 2 + (1 - (x as number)) ** 2;
    const result = minimizeNelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 8);
    expect(result.x[1]).toBeCloseTo(1, 8);
    expect(result.value).toBeLessThan(1e-15);
  });

  it("solves an ill-conditioned 4-dimensional quadratic, like a likelihood with one flat direction", () => {
    const centre = [0.3, -2, 5, 1];
    const scales = [1, 100, 0.01, 10];
    const f = (v: readonly number[]): number => v.reduce((s, x, i) => s + (scales[i] as number) * (x - (centre[i] as number)) ** 2, 0);
    const result = minimizeNelderMead(f, [0, 0, 0, 0]);
    expect(result.converged).toBe(true);
    result.x.forEach((x, i) => expect(Math.abs(x - (centre[i] as number))).toBeLessThan(1e-5));
  });

  it("treats non-finite values as +∞ and keeps to the admissible region", () => {
    const f = ([x]: readonly number[]): number => ((x as number) <= 0 ? NaN : (x as number) - Math.log(x as number));
    const result = minimizeNelderMead(f, [3]);
    expect(result.x[0]).toBeCloseTo(1, 8);
  });

  it("stops at the evaluation budget and says it did not converge", () => {
    const result = minimizeNelderMead(([x]) => -(x as number), [0], { maxEvaluations: 50 });
    expect(result.converged).toBe(false);
    expect(result.evaluations).toBeLessThanOrEqual(52);
  });
});
