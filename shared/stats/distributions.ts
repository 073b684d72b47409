// The distribution functions the experiment statistics stand on: normal, Student t, chi-square and Beta,
// in double precision without a numerics library (Workers ship none), accurate far into the tails.

const LN_SQRT_2PI = 0.918938533204672741780329736406; // ln √(2π)
const ONE_OVER_SQRT_2PI = 0.398942280401432677939946059934;
const SQRT_32 = 5.656854249492380195206754896838;
const EPSILON = 2.220446049250313e-16;
/** Lentz's guard: a partial denominator this small is replaced by it, so no step divides by zero. */
const TINY = 1e-300;

// ---------------------------------------------------------------------------------------------- normal

// W. J. Cody's rational Chebyshev approximations (ACM TOMS 715), the ones R's pnorm runs: about 1e-16
// relative error in each tail, where 1 − erf(x) would have lost every digit.
const CODY_A = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113];
const CODY_B = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956];
const CODY_C = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
  6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
];
const CODY_D = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
  34900.952721145977266, 38912.003286093271411, 19685.429676859990727,
];
const CODY_P = [0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303];
const CODY_Q = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5];

/** c = coefficient arrays are fixed-length constants, so every index below exists. */
const at = (c: readonly number[], i: number): number => c[i] as number;

/** exp(−y²/2)·factor, with y² split at a multiple of 1/16 so the exponent's rounding error stays tiny. */
function gaussianTail(y: number, factor: number): number {
  const ySplit = Math.trunc(y * 16) / 16;
  const rest = (y - ySplit) * (y + ySplit);
  return Math.exp(-ySplit * ySplit * 0.5) * Math.exp(-rest * 0.5) * factor;
}

/** Φ(z), the standard normal CDF, with full relative precision in the lower tail (down to ~1e-308). */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const y = Math.abs(z);
  if (y <= 0.67448975) {
    let num = 0;
    let den = 0;
    if (y > EPSILON * 0.5) {
      const zz = z * z;
      num = at(CODY_A, 4) * zz;
      den = zz;
      for (let i = 0; i < 3; i++) {
        num = (num + at(CODY_A, i)) * zz;
        den = (den + at(CODY_B, i)) * zz;
      }
    }
    return 0.5 + (z * (num + at(CODY_A, 3))) / (den + at(CODY_B, 3));
  }
  let upper: number; // P(Z > y)
  if (y <= SQRT_32) {
    let num = at(CODY_C, 8) * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + at(CODY_C, i)) * y;
      den = (den + at(CODY_D, i)) * y;
    }
    upper = gaussianTail(y, (num + at(CODY_C, 7)) / (den + at(CODY_D, 7)));
  } else if (y < 37.5193) {
    const inv = 1 / (z * z);
    let num = at(CODY_P, 5) * inv;
    let den = inv;
    for (let i = 0; i < 4; i++) {
      num = (num + at(CODY_P, i)) * inv;
      den = (den + at(CODY_Q, i)) * inv;
    }
    const r = (inv * (num + at(CODY_P, 4))) / (den + at(CODY_Q, 4));
    upper = gaussianTail(y, (ONE_OVER_SQRT_2PI - r) / y);
  } else {
    upper = 0;
  }
  return z > 0 ? 1 - upper : upper;
}

// Wichura's AS 241 (PPND16): rational approximations good to about 1e-16 relative, in three regions.
const AS241_CENTRAL_NUM = [3.387132872796366608, 133.14166789178437745, 1971.5909503065514427, 13731.693765509461125, 45921.953931549871457, 67265.770927008700853, 33430.575583588128105, 2509.0809287301226727];
const AS241_CENTRAL_DEN = [1, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077, 21213.794301586595867, 39307.89580009271061, 28729.085735721942674, 5226.495278852854561];
const AS241_MIDDLE_NUM = [1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055, 3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177, 0.0227238449892691845833, 7.7454501427834140764e-4];
const AS241_MIDDLE_DEN = [1, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455, 0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4, 1.05075007164441684324e-9];
const AS241_TAIL_NUM = [6.6579046435011037772, 5.4637849111641143699, 1.7848265399172913358, 0.29656057182850489123, 0.026532189526576123093, 0.0012426609473880784386, 2.71155556874348757815e-5, 2.01033439929228813265e-7];
const AS241_TAIL_DEN = [1, 0.59983220655588793769, 0.13692988092273580531, 0.0148753612908506148525, 7.868691311456132591e-4, 1.8463183175100546818e-5, 1.4215117583164458887e-7, 2.04426310338993978564e-15];

function polynomial(coefficients: readonly number[], x: number): number {
  let value = 0;
  for (let i = coefficients.length - 1; i >= 0; i--) value = value * x + at(coefficients, i);
  return value;
}

/** Φ⁻¹(p): Wichura's AS 241. Returns ∓Infinity at p = 0 / 1 and NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(AS241_CENTRAL_NUM, r)) / polynomial(AS241_CENTRAL_DEN, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value = polynomial(AS241_MIDDLE_NUM, r) / polynomial(AS241_MIDDLE_DEN, r);
  } else {
    r -= 5;
    value = polynomial(AS241_TAIL_NUM, r) / polynomial(AS241_TAIL_DEN, r);
  }
  return q < 0 ? -value : value;
}

// --------------------------------------------------------------------------------------- gamma and beta

// Lanczos (g = 7, n = 9; Godfrey's coefficients): about 1e-15 relative for the small arguments it serves.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/**
 * δ(x) = lnΓ(x) − [(x − ½)ln x − x + ln√(2π)], Stirling's correction, for x ≥ 10. Keeping it apart is what
 * lets logBeta and the incomplete-function prefactors cancel the huge (x − ½)ln x terms exactly.
 */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  // Bernoulli-number series; at x = 10 the first omitted term is below 1e-17.
  return (
    (1 / 12 - x2 * (1 / 360 - x2 * (1 / 1260 - x2 * (1 / 1680 - x2 * (1 / 1188 - x2 * (691 / 360360 - x2 / 156)))))) / x
  );
}

/** ln Γ(x) for x > 0 (reflection below ½ for other non-integers). */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + stirlingCorrection(x);
  if (x < 0.5) {
    // Γ(x)Γ(1 − x) = π / sin(πx); poles at the non-positive integers.
    const s = Math.sin(Math.PI * x);
    if (s === 0) return Infinity;
    return Math.log(Math.PI / Math.abs(s)) - logGamma(1 - x);
  }
  const z = x - 1;
  let sum = at(LANCZOS, 0);
  for (let i = 1; i < LANCZOS.length; i++) sum += at(LANCZOS, i) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), arranged (as R's lbeta) so large arguments do not cancel. */
export function logBeta(a: number, b: number): number {
  if (!(a > 0 && b > 0)) return NaN;
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  const s = p + q;
  if (p >= 10) {
    const correction = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(s);
    return -0.5 * Math.log(q) + LN_SQRT_2PI + correction + (p - 0.5) * Math.log(p / s) + q * Math.log1p(-p / s);
  }
  if (q >= 10) {
    const correction = stirlingCorrection(q) - stirlingCorrection(s);
    return logGamma(p) + correction + p - p * Math.log(s) + (q - 0.5) * Math.log1p(-p / s);
  }
  return logGamma(p) + logGamma(q) - logGamma(s);
}

/** log(1 + u) − u without cancellation for small u (via r = u/(2 + u), log(1 + u) = 2 atanh r). */
function log1pMinusX(u: number): number {
  if (Math.abs(u) > 0.1) return Math.log1p(u) - u;
  const r = u / (2 + u);
  const r2 = r * r;
  let term = r * r2;
  let sum = 0;
  for (let k = 3; k < 60; k += 2) {
    const next = term / k;
    sum += next;
    if (Math.abs(next) <= 1e-17 * Math.abs(sum)) break;
    term *= r2;
  }
  return -r * u + 2 * sum;
}

/**
 * ln[x^a (1 − x)^b / B(a, b)], the prefactor of the incomplete beta ratio and of the Beta density. For large
 * a and b it is written around the mode (Boost's ibeta_power_terms), so no term of size a·ln x is ever formed.
 * `y` is 1 − x, passed separately so callers that know it exactly (t tails) keep its digits.
 */
function logBetaPowerTerms(x: number, y: number, a: number, b: number): number {
  if (a < 10 || b < 10) {
    // ln x as log1p(−y) when x is near 1: a large `a` would otherwise multiply the rounding of x itself.
    const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
    const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
    return a * logX + b * logY - logBeta(a, b);
  }
  const s = a + b;
  const correction = stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(s);
  const deviance = a * logRatioDeviance(x, a / s) + b * logRatioDeviance(y, b / s);
  return deviance + 0.5 * Math.log((a * b) / (2 * Math.PI * s)) - correction;
}

/** ln(v/v0) − (v/v0 − 1): the series near v0, the plain form far from it (where v/v0 − 1 would round). */
function logRatioDeviance(v: number, v0: number): number {
  const ratio = v / v0;
  if (Math.abs(ratio - 1) <= 0.1) return log1pMinusX((v - v0) / v0);
  return Math.log(ratio) - (ratio - 1);
}

/** Continued fraction for I_x(a, b) (Numerical Recipes' betacf, modified Lentz). */
function incompleteBetaFraction(x: number, a: number, b: number): number {
  const sumAb = a + b;
  const aPlus = a + 1;
  const aMinus = a - 1;
  let c = 1;
  let d = 1 - (sumAb * x) / aPlus;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  // Convergence takes O(√max(a, b)) steps; the cap only stops a runaway on pathological input.
  const maxIterations = 1000 + Math.ceil(20 * Math.sqrt(Math.max(a, b)));
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((aMinus + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (sumAb + m) * x) / ((a + m2) * (aPlus + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** I_x(a, b) straight from the continued fraction: accurate left of the mean, where it converges fast. */
function lowerIncompleteBeta(x: number, y: number, a: number, b: number): number {
  return (Math.exp(logBetaPowerTerms(x, y, a, b)) * incompleteBetaFraction(x, a, b)) / a;
}

/** ODD_FACTORIALS[k] = (2k + 1)! for k = 0..29, the factorials BGRAT's coefficients divide by. */
const ODD_FACTORIALS: readonly number[] = (() => {
  const out: number[] = [];
  let f = 1;
  for (let n = 1; n <= 59; n++) {
    f *= n;
    if (n % 2 === 1) out.push(f);
  }
  return out;
})();

/**
 * I_x(a, b) for large a and b < 1 with x near 1: DiDonato & Morris's BGRAT asymptotic expansion (TOMS 708,
 * eq. 9–9.6, as Boost's beta_small_b_large_a_series writes it). The continued fraction is ill-conditioned
 * there (its first denominators cancel to O(1/a)), which is exactly the Student t CDF at large df.
 */
function incompleteBetaLargeA(x: number, y: number, a: number, b: number): number {
  const bMinus1 = b - 1;
  const t = a + bMinus1 / 2;
  const lx = y < 0.35 ? Math.log1p(-y) : Math.log(x);
  const u = -t * lx;
  // prefix = [u^b e^{−u}/Γ(b)] · [Γ(a + b)/Γ(a)] / t^b, in logs; Γ(a + b)/Γ(a) = Γ(b)/B(a, b) keeps its digits.
  const prefix = Math.exp(b * Math.log(u) - u - logBeta(a, b) - b * Math.log(t));
  if (prefix === 0) return 0;
  const p: number[] = [1];
  let j = upperGammaOverPrefactor(b, u); // J_0 = Q(b, u) / [u^b e^{−u}/Γ(b)]
  let sum = prefix * j;
  const lx2 = (lx / 2) * (lx / 2);
  let lxPower = 1;
  const t4 = 4 * t * t;
  let b2n = b;
  for (let n = 1; n < 30; n++) {
    let pn = 0;
    for (let m = 1; m < n; m++) pn += ((m * b - n) * (p[n - m] as number)) / (ODD_FACTORIALS[m] as number);
    pn = pn / n + bMinus1 / (ODD_FACTORIALS[n] as number);
    p.push(pn);
    j = (b2n * (b2n + 1) * j + (u + b2n + 1) * lxPower) / t4;
    lxPower *= lx2;
    b2n += 2;
    const term = prefix * pn * j;
    sum += term;
    if (Math.abs(term) < EPSILON * sum) break;
  }
  return sum;
}

/**
 * I_x(a, b) by the method that is well conditioned for it: BGRAT for large a and b < 1 with x near 1 (Boost's
 * region for it), the continued fraction otherwise.
 */
function incompleteBetaDirect(x: number, y: number, a: number, b: number): number {
  if (a >= 15 && b < 1 && x > 0.7) return incompleteBetaLargeA(x, y, a, b);
  return lowerIncompleteBeta(x, y, a, b);
}

/**
 * [I_x(a, b), 1 − I_x(a, b)]. Whichever side of the mean x lies on, the tail that is (usually) the smaller
 * one is computed directly and the other as its complement, so small tails keep their relative precision.
 */
function incompleteBetaPair(x: number, y: number, a: number, b: number): [number, number] {
  if (x <= (a + 1) / (a + b + 2)) {
    const lower = incompleteBetaDirect(x, y, a, b);
    return [lower, 1 - lower];
  }
  const upper = incompleteBetaDirect(y, x, b, a);
  return [1 - upper, upper];
}

/**
 * I_x(a, b), the regularized incomplete beta function (the Beta(a, b) CDF at x). `y` = 1 − x may be given
 * when the caller knows it more precisely than 1 − x would be (the t tails do).
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  // Test y, not x: x can round to 1 while y (say t²/df at huge df) still carries the answer.
  if (y <= 0) return 1;
  return incompleteBetaPair(x, y, a, b)[0];
}

/** 1 − I_x(a, b), computed directly where it is small, so upper tails keep their relative precision. */
export function regularizedIncompleteBetaUpper(x: number, a: number, b: number, y: number = 1 - x): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (y <= 0) return 0;
  return incompleteBetaPair(x, y, a, b)[1];
}

/** The Beta(a, b) density at x. */
export function betaDensity(x: number, a: number, b: number): number {
  if (!(x > 0 && x < 1)) {
    if (x === 0) return a < 1 ? Infinity : a === 1 ? b : 0;
    if (x === 1) return b < 1 ? Infinity : b === 1 ? a : 0;
    return 0;
  }
  return Math.exp(logBetaPowerTerms(x, 1 - x, a, b)) / (x * (1 - x));
}

// --------------------------------------------------------------------------------------------- Student t

/** P(T ≤ t) for Student's t with `df` degrees of freedom (any real df > 0, as Welch's test produces). */
export function studentTCdf(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (df === Infinity) return normalCdf(t);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const t2 = t * t;
  // P(|T| > |t|) = I_x(df/2, 1/2) with x = df/(df + t²); 1 − x = t²/(df + t²) is passed exactly.
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t2), df / 2, 0.5, t2 / (df + t2));
  return t > 0 ? 1 - tail : tail;
}

/** The Student t density. */
export function studentTDensity(t: number, df: number): number {
  if (df === Infinity) return ONE_OVER_SQRT_2PI * Math.exp(-0.5 * t * t);
  const logDensity =
    logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI) - ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logDensity);
}

/**
 * The t quantile: Newton's method on studentTCdf from a Cornish–Fisher start, safeguarded by bisection.
 * Solves in the lower tail (and mirrors), where the CDF keeps its relative precision.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  if (p > 0.5) return -studentTQuantile(1 - p, df);
  const z = normalQuantile(p);
  let t = z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df * df);
  if (!Number.isFinite(t) || t >= 0) t = -1;
  // Bracket [lo, hi] with cdf(lo) ≤ p ≤ cdf(hi) = cdf(0) = ½.
  let hi = 0;
  let lo = Math.min(t, -1);
  while (studentTCdf(lo, df) > p) {
    hi = lo;
    lo *= 4;
    if (lo < -1e300) return -Infinity;
  }
  if (!(t > lo && t < hi)) t = (lo + hi) / 2;
  for (let i = 0; i < 200; i++) {
    const f = studentTCdf(t, df) - p;
    if (f === 0) return t;
    if (f > 0) hi = t;
    else lo = t;
    let next = t - f / studentTDensity(t, df);
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - t) <= 4 * EPSILON * Math.abs(next)) return next;
    t = next;
  }
  return t;
}

// ------------------------------------------------------------------------------------------- chi-square

/** ln[x^a e^{−x} / Γ(a)], around the mode for large a so that a·ln x and ln Γ(a) never cancel. */
function logGammaPowerTerms(a: number, x: number): number {
  if (a < 10) return a * Math.log(x) - x - logGamma(a);
  return a * logRatioDeviance(x, a) + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a);
}

/** Σ_n x^n / (a(a+1)…(a+n)): P(a, x) = [x^a e^{−x}/Γ(a)] · this sum. Converges in O(√a) steps at x ≈ a. */
function lowerGammaSeries(a: number, x: number): number {
  const maxIterations = 1000 + Math.ceil(50 * Math.sqrt(a));
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n <= maxIterations; n++) {
    term *= x / (a + n);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/** Legendre's continued fraction (modified Lentz): Q(a, x) = [x^a e^{−x}/Γ(a)] · this, for x ≥ a + 1. */
function upperGammaFraction(a: number, x: number): number {
  const maxIterations = 1000 + Math.ceil(50 * Math.sqrt(a));
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i <= maxIterations; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/**
 * Q(a, x) / [x^a e^{−x}/Γ(a)]: the upper incomplete gamma ratio without its prefactor, which BGRAT
 * multiplies back in logs (both parts underflow together in the far tail).
 */
function upperGammaOverPrefactor(a: number, x: number): number {
  if (x >= a + 1) return upperGammaFraction(a, x);
  return Math.exp(-logGammaPowerTerms(a, x)) - lowerGammaSeries(a, x);
}

/**
 * Q(a, x) = Γ(a, x)/Γ(a), the regularized upper incomplete gamma function: the power series for P below
 * x = a + 1 (where Q is not small, so 1 − P keeps its digits), the continued fraction above it.
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (!(a > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  const prefactor = Math.exp(logGammaPowerTerms(a, x));
  if (x < a + 1) return 1 - prefactor * lowerGammaSeries(a, x);
  return prefactor * upperGammaFraction(a, x);
}

/** P(χ²_df > x), the chi-square upper tail; good for df in the tens of thousands. */
export function chiSquareSf(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN;
  return regularizedUpperGamma(df / 2, x / 2);
}
