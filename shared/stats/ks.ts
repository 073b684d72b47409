// Two-sample Kolmogorov–Smirnov test: do two arms' metric distributions differ anywhere, not just in the
// mean? A port of scipy.stats.ks_2samp (two-sided) with both its p-value methods, so reports match scipy.
//
// - "exact": the exact null distribution of D for these sample sizes (Hodges' lattice-path counts).
// - "asymp": scipy's large-sample method, which is *not* the Kolmogorov limit: it evaluates the exact
//   one-sample distribution kstwo.sf(D, n) at the effective size n = round(n₁n₂/(n₁+n₂)), computed as
//   scipy's _ksstats.py does (Simard & L'Ecuyer's choice among Durbin's matrix, Pomeranz's recursion,
//   Pelz–Good's expansion and the one-sided Smirnov sum).
// - "auto" (scipy's default): exact when both samples have at most 10,000 values, else asymp.

export type KsMethod = "auto" | "exact" | "asymp";

/** scipy's MAX_AUTO_N: the largest sample for which "auto" attempts the exact distribution. */
const MAX_AUTO_N = 10_000;
const INT32_MAX = 2_147_483_647;
const EPSILON = 2.220446049250313e-16;
const TWO_POW_128 = 2 ** 128;
const TWO_POW_MINUS_128 = 2 ** -128;

// ------------------------------------------------------------------------------------- small numerics

/** numpy's round: halves go to the even neighbour (np.round(2.5) = 2), unlike Math.round. */
function roundHalfEven(v: number): number {
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff < 0.5) return floor;
  if (diff > 0.5) return floor + 1;
  return floor % 2 === 0 ? floor : floor + 1;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** x·2^e without the intermediate overflow or underflow of x * 2 ** e when |e| > 1023. */
function ldexp(x: number, e: number): number {
  let value = x;
  let rest = e;
  while (rest > 1000) {
    value *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    value *= 2 ** -1000;
    rest += 1000;
  }
  return value * 2 ** rest;
}

/** n·x as p + e exactly (Dekker's product via Veltkamp splitting), for floor(n·x) without rounding. */
function exactProduct(n: number, x: number): { product: number; error: number } {
  const split = (v: number): [number, number] => {
    const c = 134217729 * v; // 2^27 + 1
    const hi = c - (c - v);
    return [hi, v - hi];
  };
  const product = n * x;
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const error = nh * xh - product + nh * xl + nl * xh + nl * xl;
  return { product, error };
}

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

// ------------------------------------------------------------------------- one-sided Smirnov (cephes)

/**
 * P(D⁺_n ≥ x), the one-sided one-sample statistic's survival function, by the Birnbaum–Tingey sum
 * x·Σ_{v=0}^{⌊n(1−x)⌋} C(n,v)(x + v/n)^{v−1}(1 − x − v/n)^{n−v}, as scipy's cephes smirnov (lower sum) with
 * terms in logs instead of double-double. kolmogn only calls it where n·x² ≥ 2.2 or x ≥ ½, where every term is
 * positive and cephes also sums from below.
 */
function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { product, error } = exactProduct(n, x);
  let nxFloor = Math.floor(product);
  let alpha = product - nxFloor + error;
  if (alpha < 0) {
    nxFloor -= 1;
    alpha += 1;
  }
  if (alpha >= 1) {
    nxFloor += 1;
    alpha = 0;
  }
  let lastV = n - nxFloor - (alpha === 0 ? 0 : 1);
  // When n·x is an integer the last term would be 0^0; cephes leaves it out of the sum.
  if (alpha === 0) lastV -= 1;
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < -708.39641853226410622) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > 1_000_000) {
    // cephes' approximation for huge n: p ≈ exp(−(6nx + 1)²/(18n)).
    const logP = -((6 * n * x + 1) ** 2) / 18 / n;
    return logP < -Math.LN2 ? Math.exp(logP) : 1 + Math.expm1(logP);
  }
  const nTerms = lastV + 1;
  const vMid = Math.floor(n / 2);
  // log C(n, v) accumulated with Neumaier compensation: n can be in the hundreds of thousands.
  let logBinomial = 0;
  let logBinomialCarry = 0;
  let sum = (1 - x) ** n / x; // v = 0
  for (let v = 1; v < nTerms; v++) {
    const step = Math.log((n - v + 1) / v);
    const t = logBinomial + step;
    logBinomialCarry += Math.abs(logBinomial) >= Math.abs(step) ? logBinomial - t + step : step - t + logBinomial;
    logBinomial = t;
    // x + v/n and 1 − x − v/n from the exact n·x, so neither loses digits to cancellation.
    const above = (product + v + error) / n;
    const below = (n - v - product - error) / n;
    const logBelow = above < 0.5 ? Math.log1p(-above) : Math.log(below);
    const term = Math.exp(logBinomial + logBinomialCarry + (v - 1) * Math.log(above) + (n - v) * logBelow);
    if (Number.isFinite(term) && term !== 0) sum += term;
    if (term !== 0) {
      if (4 * (nTerms - v) * term < EPSILON * sum && v !== nTerms - 1) break;
    } else if (v > vMid) {
      break;
    }
  }
  return clip01(x * sum);
}

// ------------------------------------------------------------ two-sided one-sample distribution (kstwo)

/** Pr(D_n ≤ d) by Durbin's matrix algorithm as Marsaglia, Tsang & Wang compute it (scipy _kolmogn_DMTW). */
function kolmogorovCdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  let H: Float64Array = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * factorial;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1] as number;
  for (let r = 0; r < m; r++) H[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c] as number;

  const multiply = (A: Float64Array, B: Float64Array): Float64Array => {
    const C = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < m; l++) {
        const a = A[i * m + l] as number;
        if (a === 0) continue;
        for (let j = 0; j < m; j++) C[i * m + j] = (C[i * m + j] as number) + a * (B[l * m + j] as number);
      }
    }
    return C;
  };
  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let remaining = n;
  let exponent = 0;
  let hExponent = 0;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      power = multiply(power, H);
      exponent += hExponent;
    }
    H = multiply(H, H);
    hExponent *= 2;
    if (Math.abs(H[(k - 1) * m + (k - 1)] as number) > TWO_POW_128) {
      for (let i = 0; i < H.length; i++) H[i] = (H[i] as number) / TWO_POW_128;
      hExponent += 128;
    }
    remaining = Math.floor(remaining / 2);
  }
  let p = power[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < TWO_POW_MINUS_128) {
      p *= TWO_POW_128;
      exponent -= 128;
    }
  }
  return clip01(exponent !== 0 ? ldexp(p, exponent) : p);
}

/** The live column range of row i in Pomeranz's recursion (scipy _pomeranz_compute_j1j2). */
function pomeranzRange(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n ≤ x) by Pomeranz's recursion (scipy _kolmogn_Pomeranz), used for n ≤ 140. */
function kolmogorovCdfPomeranz(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  const gPower = new Float64Array(size);
  const twoGPower = new Float64Array(size);
  const oneMinusTwoGPower = new Float64Array(size);
  gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1;
  for (let m = 1; m < size; m++) {
    gPower[m] = ((gPower[m - 1] as number) * (g / n)) / m;
    twoGPower[m] = ((twoGPower[m - 1] as number) * ((2 * g) / n)) / m;
    oneMinusTwoGPower[m] = ((oneMinusTwoGPower[m - 1] as number) * ((1 - 2 * g) / n)) / m;
  }
  let v0 = new Float64Array(size);
  let v1 = new Float64Array(size);
  v1[0] = 1;
  let v0Start = 0;
  let v1Start = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzRange(0, n, ll, ceilF, roundF);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0Start, v1Start] = [v1Start, v0Start];
    v1.fill(0);
    [j1, j2] = pomeranzRange(i, n, ll, ceilF, roundF);
    const powers = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const span = j2 - k1 + 1;
    if (span > 0) {
      // numpy.convolve(V0[k1 − V0s : k1 − V0s + span], powers[:span]), keeping entries j1 − k1 … j2 − k1.
      const from = k1 - v0Start;
      const segment = Math.min(span, size - from);
      const convStart = j1 - k1;
      const convLength = j2 - j1 + 1;
      for (let out = 0; out < convLength; out++) {
        const c = convStart + out;
        let acc = 0;
        for (let s = Math.max(0, c - span + 1); s <= Math.min(c, segment - 1); s++) {
          acc += (v0[from + s] as number) * (powers[c - s] as number);
        }
        v1[out] = acc;
      }
      let max = 0;
      for (const value of v1) if (value > max) max = value;
      if (max > 0 && max < TWO_POW_MINUS_128) {
        for (let s = 0; s < size; s++) v1[s] = (v1[s] as number) * TWO_POW_128;
        exponent -= 128;
      }
      v1Start = v0Start + j1 - k1;
    }
  }
  let answer = v1[n - v1Start] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > TWO_POW_128) {
      answer *= TWO_POW_MINUS_128;
      exponent += 128;
    }
    answer *= m;
  }
  return clip01(exponent !== 0 ? ldexp(answer, exponent) : answer);
}

/** Pr(D_n ≤ x) by the Pelz–Good expansion in 1/√n (scipy _kolmogn_PelzGood), for large n. */
function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qLog = -(Math.PI * Math.PI) / 8 / z2;
  if (qLog < -708) return 0;
  const q = Math.exp(qLog);
  const pi2 = Math.PI * Math.PI;
  const pi4 = pi2 * pi2;
  const pi6 = pi4 * pi2;
  const k1a = -z2;
  const k1b = pi2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * pi2) / 4;
  const k2c = (pi4 * (1 - 2 * z2)) / 16;
  const k3d = (pi6 * (5 - 30 * z2)) / 64;
  const k3c = (pi4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = (K[i] as number) * qPower + (coefficients[i] as number);
  }
  const sqrt2pi = Math.sqrt(2 * Math.PI);
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = ((K[i] as number) * q * sqrt2pi) / (divisors[i] as number);
  const q2 = Math.exp(-pi2 / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k > 0; k--) {
    const k2 = k * k;
    const qk = q2 ** k2;
    k2Extra += k2 * qk;
    const kPi = Math.PI * k;
    k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qk;
  }
  K[2] = (K[2] as number) + (k2Extra * pi2 * sqrt2pi) / (-36 * z3);
  K[3] = (K[3] as number) + (k3Extra * pi2 * sqrt2pi) / (216 * z6);
  let total = 0;
  for (let i = 0; i < 4; i++) total += (K[i] as number) / n ** (i / 2);
  return total;
}

/** Stirling coefficients B_{2j}/(2j(2j−1)), j = 8…1, highest first (scipy _STIRLING_COEFFS). */
const STIRLING_COEFFS = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4, -5.952380952380952381e-4,
  7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

/** log(n!/nⁿ) with n·log n removed before it can cancel. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING_COEFFS) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * poly;
}

/**
 * kstwo.sf(x, n) = Pr(D_n > x) for the two-sided one-sample statistic, choosing the method exactly as scipy's
 * _kolmogn(n, x, cdf=False) does.
 */
export function kolmogorovSmirnovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    // Ruben–Gambino: exact for 1/(2n) ≤ x ≤ 1/n.
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - kolmogorovCdfDurbin(n, x));
    if (nxSquared <= 4) return clip01(1 - kolmogorovCdfPomeranz(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? kolmogorovCdfDurbin(n, x) : kolmogorovCdfPelzGood(n, x);
  return clip01(1 - cdf);
}

// ---------------------------------------------------------------------------- exact two-sample (Hodges)

/** Pr(D_{n,n} ≥ h/n) for equal sample sizes, by the alternating reflection sum in Horner form. */
function probOutsideSquare(n: number, h: number): number {
  let P = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    P = p1 * (1 - P);
  }
  return 2 * P;
}

/**
 * The share of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm(m,n): Pr(D ≥ h/lcm)
 * (scipy _compute_outer_prob_inside_method, Viehmann's recursion for 1 − p, one sliding column).
 */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = m / g;
  const ng = n / g;
  let minJ = 0;
  let maxJ = Math.min(Math.ceil(h / mg), n + 1);
  let curLen = maxJ - minJ;
  const lenA = Math.min(2 * maxJ + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minJ, maxJ);
  for (let i = 1; i <= m; i++) {
    const lastMinJ = minJ;
    const lastLen = curLen;
    minJ = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxJ = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxJ <= minJ) return 1;
    let val = minJ === 0 ? 0 : 1;
    for (let jj = 0; jj < maxJ - minJ; jj++) {
      const j = jj + minJ;
      val = ((A[jj + minJ - lastMinJ] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curLen = maxJ - minJ;
    if (lastLen > curLen) A.fill(1, maxJ - minJ, maxJ - minJ + (lastLen - curLen));
  }
  return A[maxJ - minJ - 1] as number;
}

// ------------------------------------------------------------------------------------------- the test

function sortedSample(values: readonly number[], label: string): Float64Array {
  if (values.length === 0) throw new RangeError(`${label}: a KS test needs a non-empty sample`);
  const sorted = Float64Array.from(values);
  if (sorted.some(Number.isNaN)) throw new RangeError(`${label}: NaN in sample`);
  return sorted.sort();
}

/**
 * D = sup |F_a − F_b| over the pooled values, ties included (scipy evaluates both ECDFs at every observed
 * value with searchsorted(side="right"); the same float divisions here give the same D bit for bit).
 */
function ksStatistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    const value = Math.min(i < n1 ? (a[i] as number) : Infinity, j < n2 ? (b[j] as number) : Infinity);
    while (i < n1 && (a[i] as number) <= value) i++;
    while (j < n2 && (b[j] as number) <= value) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  return Math.max(maxDiff, Math.min(1, -minDiff));
}

/**
 * Two-sided two-sample KS test. Returns the statistic D, the p-value, and which method produced it ("exact"
 * falls back to "asymp" as scipy does: when lcm(n₁, n₂) is too large or the exact sum leaves [0, 1]).
 */
export function ksTwoSample(
  a: readonly number[],
  b: readonly number[],
  method: KsMethod = "auto",
): { statistic: number; p_value: number; method: "exact" | "asymp" } {
  const x = sortedSample(a, "a");
  const y = sortedSample(b, "b");
  const n1 = x.length;
  const n2 = y.length;
  let d = ksStatistic(x, y);
  const g = gcd(n1, n2);
  const n1g = n1 / g;
  const n2g = n2 / g;
  let mode: "exact" | "asymp" = method === "auto" ? (Math.max(n1, n2) <= MAX_AUTO_N ? "exact" : "asymp") : method;
  if (mode === "exact" && n1g >= INT32_MAX / n2g) mode = "asymp";

  if (mode === "exact") {
    // The exact distribution lives on multiples of 1/lcm: snap D to the nearest one, as scipy does.
    const lcm = n1g * n2;
    const h = roundHalfEven(d * lcm);
    d = h / lcm;
    if (h === 0) return { statistic: d, p_value: 1, method: "exact" };
    const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
    if (p >= 0 && p <= 1) return { statistic: d, p_value: p, method: "exact" };
  }
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const effectiveN = roundHalfEven((m * n) / (m + n));
  return { statistic: d, p_value: clip01(kolmogorovSmirnovSf(effectiveN, d)), method: "asymp" };
}
