// Derivative-free minimisation for the small maximum-likelihood fits (BG/NBD, Gamma–Gamma): Nelder–Mead with
// restarts. Deterministic: the same function and start always take the same path.

export interface NelderMeadOptions {
  /** Edge of the starting simplex along each axis (default 0.5; the fits work on log-parameters). */
  initialStep?: number;
  /** Converged when every vertex is within this of the best one, coordinate-wise (default 1e-10). */
  xTolerance?: number;
  /** …and every vertex's value within this of the best value, relative to max(1, |best value|) (default 1e-14). */
  fTolerance?: number;
  /** Function evaluations allowed across all restarts (default 20,000). */
  maxEvaluations?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
  converged: boolean;
}

/**
 * Minimises f from x0 with the standard coefficients (reflect 1, expand 2, contract ½, shrink ½). A collapsed
 * simplex can stall short of the optimum, so on convergence the search restarts from the best point with a fresh
 * simplex, and stops once a restart no longer improves the value. Non-finite values count as +∞, so a
 * likelihood that overflows at an extreme trial point just rejects that point.
 */
export function minimizeNelderMead(f: (x: readonly number[]) => number, x0: readonly number[], opts: NelderMeadOptions = {}): NelderMeadResult {
  const initialStep = opts.initialStep ?? 0.5;
  const xTolerance = opts.xTolerance ?? 1e-10;
  const fTolerance = opts.fTolerance ?? 1e-14;
  const maxEvaluations = opts.maxEvaluations ?? 20_000;
  const n = x0.length;
  if (n === 0) throw new RangeError("nothing to minimise: x0 is empty");

  let evaluations = 0;
  const evaluate = (x: number[]): number => {
    evaluations++;
    const value = f(x);
    return Number.isFinite(value) ? value : Infinity;
  };

  let best = { x: [...x0], value: evaluate([...x0]) };
  let converged = false;
  // Each restart shrinks the starting simplex: the first restart still looks around, later ones only polish.
  for (let restart = 0, step = initialStep; restart < 8 && evaluations < maxEvaluations; restart++, step = Math.max(step / 4, 1e-4)) {
    const run = nelderMeadRun(evaluate, best, step, xTolerance, fTolerance, () => evaluations < maxEvaluations);
    const improvement = (best.value - run.value) / Math.max(1, Math.abs(run.value));
    if (run.value <= best.value) best = { x: run.x, value: run.value };
    converged = run.converged;
    if (run.converged && !(improvement > fTolerance)) break;
  }
  return { x: best.x, value: best.value, evaluations, converged };
}

interface Vertex {
  x: number[];
  value: number;
}

function nelderMeadRun(
  evaluate: (x: number[]) => number,
  start: Vertex,
  step: number,
  xTolerance: number,
  fTolerance: number,
  budgetLeft: () => boolean,
): Vertex & { converged: boolean } {
  const n = start.x.length;
  const simplex: Vertex[] = [start];
  for (let i = 0; i < n; i++) {
    const x = [...start.x];
    x[i] = (x[i] as number) + step;
    simplex.push({ x, value: evaluate(x) });
  }
  const at = (i: number): Vertex => simplex[i] as Vertex;
  const along = (from: number[], to: number[], t: number): number[] => from.map((v, j) => v + t * ((to[j] as number) - v));

  while (budgetLeft()) {
    simplex.sort((p, q) => p.value - q.value);
    const bestVertex = at(0);
    let spread = 0;
    let valueSpread = 0;
    for (let i = 1; i <= n; i++) {
      valueSpread = Math.max(valueSpread, Math.abs(at(i).value - bestVertex.value));
      for (let j = 0; j < n; j++) spread = Math.max(spread, Math.abs((at(i).x[j] as number) - (bestVertex.x[j] as number)));
    }
    // Relative in f: a log-likelihood summed over 10⁵ customers carries ~1e-10 of rounding noise by itself.
    if (spread <= xTolerance && valueSpread <= fTolerance * Math.max(1, Math.abs(bestVertex.value))) return { ...bestVertex, converged: true };

    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] = (centroid[j] as number) + (at(i).x[j] as number) / n;
    const worst = at(n);
    const reflected = along(centroid, worst.x, -1);
    const reflectedValue = evaluate(reflected);

    if (reflectedValue < bestVertex.value) {
      const expanded = along(centroid, worst.x, -2);
      const expandedValue = evaluate(expanded);
      simplex[n] = expandedValue < reflectedValue ? { x: expanded, value: expandedValue } : { x: reflected, value: reflectedValue };
      continue;
    }
    if (reflectedValue < at(n - 1).value) {
      simplex[n] = { x: reflected, value: reflectedValue };
      continue;
    }
    // Contract towards the better of the reflected and the worst point; shrink if even that fails.
    const outside = reflectedValue < worst.value;
    const contracted = outside ? along(centroid, reflected, 0.5) : along(centroid, worst.x, 0.5);
    const contractedValue = evaluate(contracted);
    if (contractedValue < (outside ? reflectedValue : worst.value)) {
      simplex[n] = { x: contracted, value: contractedValue };
      continue;
    }
    for (let i = 1; i <= n; i++) {
      const x = along(bestVertex.x, at(i).x, 0.5);
      simplex[i] = { x, value: evaluate(x) };
    }
  }
  simplex.sort((p, q) => p.value - q.value);
  return { ...at(0), converged: false };
}
