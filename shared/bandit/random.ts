// Random variates for the bandit policies: a seeded uniform source (sfc32), standard normals (ziggurat), and the
// Gamma (Marsaglia–Tsang) and Beta draws Thompson sampling makes on the request path.

/** A stream of uniform numbers in [0, 1). */
export interface UniformSource {
  next(): number;
}

/** 2^-32: sfc32 turns one 32-bit word into a uniform in [0, 1) on this grid. */
const TWO_POW_MINUS_32 = 1 / 4_294_967_296;
/** The largest double below 1: where a Beta draw that rounds up to 1 is put back inside (0, 1). */
const BELOW_ONE = 1 - 2 ** -53;

/** sfc32, Chris Doty-Humphrey's small fast chaotic generator from PractRand: 128 bits of state, 32-bit ops only. */
class Sfc32 implements UniformSource {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // The three chaotic words come from a splitmix-style hash of a Weyl sequence over the seed, so nearby
    // seeds give unrelated streams; d is the counter that guarantees a period of at least 2^32.
    let s = seed >>> 0;
    const mix = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = 1;
    // The usual warm-up: the first outputs of a fresh state are still correlated with the seed.
    for (let i = 0; i < 12; i++) this.next();
  }

  next(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) * TWO_POW_MINUS_32;
  }
}

/**
 * A deterministic source for tests and simulations: the same seed gives the same stream everywhere.
 * The seed is folded to 32 bits (`seed >>> 0`), so pass integers; 2^32 distinct streams.
 */
export function seededUniform(seed: number): UniformSource {
  return new Sfc32(seed);
}

/** Production source: Math.random, which workerd seeds from the platform's CSPRNG per isolate. */
export const mathRandom: UniformSource = { next: () => Math.random() };

/*
 * The ziggurat of Marsaglia and Tsang (2000), "The Ziggurat Method for Generating Random Variables", J. Stat.
 * Software 5(8), with its 128 layers: the normal density's right half is covered by 127 rectangles and a base
 * strip of equal area v, and ~98.8 % of draws fall inside a rectangle's core, where one multiplication is the
 * whole draw (no logarithm, no square root). Marsaglia's polar method, used before, took a logarithm and a square
 * root per pair and rejected 21 % of its uniform pairs; with the ziggurat a Thompson draw took 7–21 % less time in
 * paired runs (bench/README.md). The layer and the value come from two separate uniforms: deriving both from one
 * 32-bit word, as the paper's C code does, correlates the layer with the value's low bits (Doornik 2005).
 */
const ZIGGURAT_R = 3.442619855899; // where the base strip's tail begins
const ZIGGURAT_V = 9.91256303526217e-3; // the area of each layer
const TWO_POW_31 = 2_147_483_648;
/** |hz| < KN[i]: the value lies under layer i's core rectangle and is accepted outright. */
const KN = new Float64Array(128);
/** Layer i's width divided by 2^31: hz · WN[i] is the candidate. */
const WN = new Float64Array(128);
/** exp(−x²/2) at layer i's outer edge. */
const FN = new Float64Array(128);
{
  let dn = ZIGGURAT_R;
  let tn = dn;
  const q = ZIGGURAT_V / Math.exp(-0.5 * dn * dn);
  KN[0] = Math.floor((dn / q) * TWO_POW_31);
  KN[1] = 0;
  WN[0] = q / TWO_POW_31;
  WN[127] = dn / TWO_POW_31;
  FN[0] = 1;
  FN[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(ZIGGURAT_V / dn + Math.exp(-0.5 * dn * dn)));
    KN[i + 1] = Math.floor((dn / tn) * TWO_POW_31);
    tn = dn;
    FN[i] = Math.exp(-0.5 * dn * dn);
    WN[i] = dn / TWO_POW_31;
  }
}

/** One standard normal draw (the ziggurat above). */
export function sampleStandardNormal(u: UniformSource): number {
  for (;;) {
    // A signed 32-bit value (its sign is the draw's) and, from another uniform, one of the 128 layers.
    const hz = (u.next() * 4_294_967_296) | 0;
    const layer = (u.next() * 128) | 0;
    const x = hz * WN[layer]!;
    if (Math.abs(hz) < KN[layer]!) return x;
    if (layer === 0) {
      // Beyond R: Marsaglia's exact tail method, from two exponentials.
      let t: number;
      let y: number;
      do {
        t = -Math.log(1 - u.next()) / ZIGGURAT_R;
        y = -Math.log(1 - u.next());
      } while (y + y < t * t);
      return hz > 0 ? ZIGGURAT_R + t : -ZIGGURAT_R - t;
    }
    // In the wedge between the layer's core and the curve: accept under the density, else draw again.
    if (FN[layer]! + u.next() * (FN[layer - 1]! - FN[layer]!) < Math.exp(-0.5 * x * x)) return x;
  }
}

function checkShape(name: string, shape: number): void {
  if (!(shape > 0 && shape < Infinity)) throw new RangeError(`${name} must be a positive finite number (got ${shape})`);
}

/** Marsaglia–Tsang (2000) for shape ≥ 1: a squeeze accepts ~98% of proposals without a logarithm. */
function gammaAtLeastOne(u: UniformSource, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = sampleStandardNormal(u);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const x2 = x * x;
    // 1 - U rather than U: in (0, 1], so the logarithm below is finite.
    const w = 1 - u.next();
    if (w < 1 - 0.0331 * x2 * x2) return d * v;
    if (Math.log(w) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}

/**
 * One Gamma(shape, 1) draw. Shape ≥ 1: Marsaglia–Tsang. Shape < 1: Gamma(shape + 1) · U^(1/shape), the
 * paper's boost, since the squeeze is only valid from shape 1. For very small shapes (below ~0.03) the
 * result can underflow to 0 in double precision; sampleBeta works in logarithms for that reason.
 */
export function sampleGamma(u: UniformSource, shape: number): number {
  checkShape("shape", shape);
  if (shape >= 1) return gammaAtLeastOne(u, shape);
  return gammaAtLeastOne(u, shape + 1) * Math.pow(1 - u.next(), 1 / shape);
}

/** log Gamma(shape) variate for shape < 1, exact where the boosted product itself would underflow. */
function logGammaBelowOne(u: UniformSource, shape: number): number {
  return Math.log(gammaAtLeastOne(u, shape + 1)) + Math.log(1 - u.next()) / shape;
}

/**
 * One Beta(alpha, beta) draw as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta); always strictly inside
 * (0, 1). With a shape below 1 the ratio is formed from logarithms (a tiny Gamma draw must not underflow to
 * 0), and a draw closer to 0 or 1 than a double can express is put at the nearest representable interior
 * point (Number.MIN_VALUE or 1 - 2^-53), which only happens for shapes well below 1.
 */
export function sampleBeta(u: UniformSource, alpha: number, beta: number): number {
  checkShape("alpha", alpha);
  checkShape("beta", beta);
  let p: number;
  if (alpha >= 1 && beta >= 1) {
    const x = gammaAtLeastOne(u, alpha);
    p = x / (x + gammaAtLeastOne(u, beta));
  } else {
    const logX = alpha >= 1 ? Math.log(gammaAtLeastOne(u, alpha)) : logGammaBelowOne(u, alpha);
    const logY = beta >= 1 ? Math.log(gammaAtLeastOne(u, beta)) : logGammaBelowOne(u, beta);
    p = 1 / (1 + Math.exp(logY - logX));
  }
  if (p >= 1) return BELOW_ONE;
  if (p <= 0) return Number.MIN_VALUE;
  return p;
}
