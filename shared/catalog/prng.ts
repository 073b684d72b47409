// Seeded pseudo-random numbers (mulberry32) for the demo and synthetic catalogs.
// Pure and dependency-free, so the same seed yields the same catalog in Workers, Node and tests.

/** A deterministic random source; every method advances the same 32-bit state. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both ends inclusive. */
  int(min: number, max: number): number;
  /** Uniform float in [min, max). */
  float(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** True with probability p (p <= 0 never, p >= 1 always). */
  chance(p: number): boolean;
}

/** mulberry32: 32 bits of state, passes the usual statistical batteries well enough for test data. */
export function createRng(seed: number): Rng {
  // `>>> 0` folds any number (negative, fractional, NaN) into a valid 32-bit state.
  let state = seed >>> 0;

  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };

  return {
    next,
    int(min, max) {
      const lo = Math.ceil(Math.min(min, max));
      const hi = Math.floor(Math.max(min, max));
      return lo + Math.floor(next() * (hi - lo + 1));
    },
    float(min, max) {
      return min + next() * (max - min);
    },
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError("pick() needs a non-empty array");
      // The index is always in range, so the element exists even under noUncheckedIndexedAccess.
      return items[Math.floor(next() * items.length)] as T;
    },
    chance(p) {
      return next() < p;
    },
  };
}

/** FNV-1a hash of a string, for deriving a stable per-entity seed (e.g. from an item id). */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
