// A visitor's interests as ranking reads them: weights by the rank index's feature ids, in two typed arrays.
// Ranking remembers one per cached profile and minute (shared/decision/decide.ts), so it is live for every
// visitor an isolate holds; a Map of names to numbers kept ~36 heap objects each (its table and a boxed number
// per weight), and every major GC marks what is live (issue 9: the worst stalls grow with the live heap).
import type { RankIndex } from "./index";

/** Per feature id, its place among the entries being read (-1 at rest): reused, as ranking's scratch buffers are. */
let slotOf = new Int32Array(256).fill(-1);

export interface InterestVector {
  /** The index whose feature ids these are (ranking refuses a vector built for another one). */
  readonly index: RankIndex;
  /** Feature ids, in the order the interests were given (ranking multiplies in that order). */
  readonly features: Int32Array;
  /** Each feature's weight, as given: explanations compare them unclamped, ranking caps them at 1. */
  readonly weights: Float64Array;
}

/**
 * The interests ranking can use: features the index knows, with a positive weight (an unknown feature matches
 * no item, and a weight of 0 or less never adds to a match or an explanation). A name given twice keeps its
 * first place and its last weight, as a Map's `set` would.
 */
export function interestVector(index: RankIndex, interests: Iterable<readonly [string, number]>): InterestVector {
  const n = index.featureNames.length;
  if (slotOf.length < n) slotOf = new Int32Array(n * 2).fill(-1);
  const ids: number[] = [];
  const given: number[] = [];
  for (const [name, weight] of interests) {
    const f = index.featureIds.get(name);
    if (f === undefined) continue;
    const k = slotOf[f]!;
    if (k >= 0) given[k] = weight;
    else {
      slotOf[f] = ids.length;
      ids.push(f);
      given.push(weight);
    }
  }
  // A weight that a later entry lowered to 0 or less is dropped here, once the order is settled.
  let kept = 0;
  for (const w of given) if (w > 0) kept++;
  const features = new Int32Array(kept);
  const weights = new Float64Array(kept);
  for (let k = 0, j = 0; k < ids.length; k++) {
    slotOf[ids[k]!] = -1;
    if (given[k]! > 0) {
      features[j] = ids[k]!;
      weights[j++] = given[k]!;
    }
  }
  return { index, features, weights };
}

/** The vector with these features' weights replaced (or appended, in order), e.g. a visitor's stated interests. */
export function withInterests(vector: InterestVector, overrides: Iterable<readonly [string, number]>): InterestVector {
  return interestVector(vector.index, [...entries(vector), ...overrides]);
}

/** (feature name, weight) pairs, in the vector's order. */
export function* entries(vector: InterestVector): IterableIterator<[string, number]> {
  for (let k = 0; k < vector.features.length; k++) yield [vector.index.featureNames[vector.features[k]!]!, vector.weights[k]!];
}
