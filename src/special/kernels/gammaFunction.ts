/**
 * @file Γ(x) over the whole real line, its sign, B(a, b), the Pochhammer symbol (z)ₘ = Γ(z + m)/Γ(z) and
 * ψ(s + t) − ψ(s): scalar kernels for special/gammaFunction.ts. Γ itself is gammaAtLeastOne (Stirling's form
 * with x^{x−½} split, within 5 ulp) for x ≥ 1, Γ(1 + x)/x below, and the reflection Γ(x) = −π/(x sin(πx) Γ(−x))
 * for x < −1 (A&S 6.1.17) with sin(πx) reduced exactly. Ratios of Γ read the rounding of a sum such as z + m
 * back in (Γ(s + lo) = Γ(s)(1 + ψ(s) lo), s + lo = z + m exactly), and for large arguments they are exp of a
 * difference of Stirling's forms written without cancellation (as betaln's): (z − ½) log1p(m/z) + m (log(z + m) − 1)
 * + stirlerr(z + m) − stirlerr(z).
 */
import { digamma, lgamma } from '../../tensor/kernels/gamma.js';
import { cotDerivativePolynomial, polygammaWith } from '../../tensor/kernels/polygamma.js';
import { betaln, gammaAtLeastOne, isPole, stirlerr } from './stirling.js';
import { twoSumError } from './doubleDouble.js';

/** sin(πx), reduced exactly: r = x − 2 round(x/2) ∈ [−1, 1], folded to [−½, ½] by sin(π(±1 − r)) (1 − r exact). */
export function sinPi(x: number): number {
  let r = x - 2 * Math.round(x / 2);
  if (r > 0.5) r = 1 - r;
  else if (r < -0.5) r = -1 - r;
  return Math.sin(Math.PI * r);
}

/** cos(πx), reduced exactly as sinPi. */
function cosPi(x: number): number {
  return Math.cos(Math.PI * (x - 2 * Math.round(x / 2)));
}

const SQRT_2PI = 2.5066282746310002;

/**
 * Γ(x) for every real x, with JAX's edges (C99's tgamma): ±0 give ±∞, the negative integers and −∞ NaN, +∞ +∞.
 * x ≥ 1: gammaAtLeastOne. 0 < x < 1: Γ(1 + x)/x (1 + x's rounding costs ψ(1 + x)·ε/2 ≤ 0.3 ulp). −1 < x < 0:
 * Γ(x + 2)/(x(x + 1)). x < −1: −π/(x sin(πx) Γ(−x)) (−x exact; 1 − x would round at binade edges, and ψ(1 − x)(1 − x)
 * times that half ulp is 400 ulp at −170.3); past −x = 171 Γ(−x) overflows, so Stirling's pieces are divided out
 * one at a time (the result is subnormal from x ≈ −177 and 0 past −184).
 */
export function gammaFn(x: number): number {
  if (x >= 1) return gammaAtLeastOne(x);
  if (x > 0) return gammaAtLeastOne(1 + x) / x;
  if (x === 0) return 1 / x;
  if (!(x > -Infinity) || x === Math.floor(x)) return NaN; // NaN, −∞, the poles
  if (x > -1) return gammaAtLeastOne(x + 2) / (x * (x + 1));
  const y = -x, s = sinPi(x);
  if (y < 171) return (-Math.PI / (x * s)) / gammaAtLeastOne(y); // x·s·Γ(y) itself would overflow near −171
  if (y > 200) return s > 0 ? 0 : -0; // |Γ(x)| < π/(y |sin πx| Γ(y)) < 1e−360: sin(πx) ≥ π·ulp(x) until x is an integer
  // Γ(y) = √(2π) h² e^{−y} e^{stirlerr(y)}, h = y^{(y−½)/2}: π/(y s Γ(y)) as ((c/h)·e^y)/h, nothing over- or underflowing early.
  const h = Math.pow(y, (y - 0.5) / 2);
  const c = Math.PI / (y * s * SQRT_2PI * Math.exp(stirlerr(y)));
  return ((c / h) * Math.exp(y)) / h;
}

/** The sign of Γ(x) (JAX's gammasgn): 1 for x > 0 and +∞, ±1 at ±0, (−1)^⌈−x⌉ between the poles, NaN at the poles, −∞ and NaN. */
export function gammaSign(x: number): number {
  if (x > 0) return 1;
  if (x === 0) return 1 / x > 0 ? 1 : -1;
  if (!(x > -Infinity)) return NaN;
  const f = Math.floor(x);
  if (f === x) return NaN;
  return f % 2 === 0 ? 1 : -1;
}

const isNonPositiveInteger = (v: number) => isPole(v) && v > -Infinity;

/**
 * Γ(x)/Γ(z) for z > 0 and x = z + m > 0, where x − lo is the rounded sum. With z and x ≥ 10 and |m| < z/4
 * (or Γ out of range) as exp of the Stirling difference above: its error is ε·|m log x|, the function's own
 * conditioning in m. Else from Γ itself, 1/Γ(z) as z/Γ(1 + z) below 1 (no overflow at tiny z), and past Γ's
 * range from logs (lgamma, Stirling's form).
 */
function gammaRatioPositive(z: number, m: number, x: number, lo: number): number {
  const bothLarge = z >= 10 && x >= 10;
  if (bothLarge && (Math.abs(m) < 0.25 * z || x > 170 || z > 170)) {
    // Written in the exact m, L is insensitive to x's rounding (it enters only through m·log x and stirlerr(x)).
    return Math.exp((z - 0.5) * Math.log1p(m / z) + m * (Math.log(x) - 1) + stirlerr(x) - stirlerr(z));
  }
  if (x <= 170 && z <= 170) {
    const gx = x < 1 ? gammaAtLeastOne(1 + x) / x : gammaAtLeastOne(x);
    const invGz = z < 1 ? z / gammaAtLeastOne(1 + z) : 1 / gammaAtLeastOne(z);
    if (gx < Infinity && invGz > 0 && invGz < Infinity) return gx * (1 + digamma(x) * lo) * invGz;
  }
  return Math.exp(lgamma(x) - lgamma(z) + lo * digamma(x));
}

/**
 * The Pochhammer symbol (z)ₘ = Γ(z + m)/Γ(z) for real z and m, with SciPy's values at the poles: the limit where
 * both Γ(z + m) and Γ(z) are at poles ((−1)ᵐ (−z)!/(−z − m)!), 0 where only Γ(z) is, +∞ where only Γ(z + m) is;
 * m = 0 gives 1. Integer |m| ≤ 8 is the product z(z + 1)⋯(z + m − 1) (or 1/((z − 1)⋯(z − |m|))); z and z + m both
 * negative reflect to the positive case: (z)ₘ = sin(πz)/sin(π(z + m)) · (1 − z − m)ₘ.
 */
export function poch(z: number, m: number): number {
  if (z !== z || m !== m) return NaN;
  if (m === 0) return 1;
  if (m === Math.floor(m) && Math.abs(m) <= 8) {
    let p = 1;
    if (m > 0) { for (let k = 0; k < m; k++) p *= z + k; return p + 0; } // + 0: the zero of (−1)(0) is +0, as SciPy's
    for (let k = 1; k <= -m; k++) p *= z - k;
    return p === 0 ? Infinity : 1 / p;
  }
  if (!(Math.abs(z) < Infinity && Math.abs(m) < Infinity)) {
    if (z === Infinity) return m > 0 ? Infinity : 0;
    return m === Infinity && z > 0 ? Infinity : NaN;
  }
  // m ≤ −2⁵³ with |z| < 2⁵²: |Γ(z + m)/Γ(z)| ≤ 1/Γ(2⁵²)·… is 0 (z + m and 1 − z − m round to integers there, which
  // would read as poles: ∞ or NaN).
  if (m <= -9007199254740992 && Math.abs(z) < 4503599627370496) return 0;
  const x = z + m, lo = twoSumError(z, m, x);
  const zPole = isNonPositiveInteger(z), xPole = isNonPositiveInteger(x);
  if (zPole) return xPole && lo === 0 ? (m % 2 === 0 ? 1 : -1) * poch(1 - x, m) : 0; // 1/Γ(z) = 0 unless Γ(z + m) is a pole too
  // z + m is a pole only if exactly so: (1e−20)₋₁₀ = 1/((z − 1)⋯(z − 10)) = 1/10! though z + m rounds to −10.
  if (xPole && lo === 0) return Infinity;
  if (z > 0 && x > 0) return gammaRatioPositive(z, m, x, lo);
  // sin(π(x + lo)), exact in lo (which may be up to ½ where x is a large integer).
  const sx = sinPi(x) * cosPi(lo) + cosPi(x) * sinPi(lo);
  if (z < 0 && x < 0) {
    // Γ(x)/Γ(z) = [sin(πz)/sin(πx)]·Γ(1 − z)/Γ(1 − x), and Γ(1 − z)/Γ(1 − x) = (1 − x)ₘ with 1 − x > 1.
    // 1 − (x + lo) = u + ulo exactly; moving both arguments of the ratio by ulo multiplies it by 1 + (ψ(v) − ψ(u))·ulo.
    const u = 1 - x, ulo = twoSumError(1, -x, u) - lo, v = u + m;
    const ratio = gammaRatioPositive(u, m, v, twoSumError(u, m, v)) * (1 + (digamma(v) - digamma(u)) * ulo);
    return (sinPi(z) / sx) * ratio;
  }
  if (x < 0) {
    // z > 0 > x: Γ(x + lo) = π/(sin(π(x + lo)) Γ(1 − x − lo)) (reflection; near a pole of Γ, Γ(x) itself is ∞ or NaN
    // while x + lo is not a pole), Γ(1 − x − lo) = Γ(u)(1 − ψ(u)·ulo) with u + ulo = 1 − x − lo exactly.
    const u = 1 - x, ulo = twoSumError(1, -x, u) - lo;
    const den = sx * gammaFn(u) * (1 - digamma(u) * ulo) * gammaFn(z);
    if (den !== 0 && Math.abs(den) < Infinity) return Math.PI / den;
    return Math.sign(sx) * gammaSign(z) * Math.exp(Math.log(Math.PI) - Math.log(Math.abs(sx)) - lgamma(u) - lgamma(z));
  }
  // z < 0 < x: Γ(x)/Γ(z), Γ itself, or logs with the signs past its range.
  const gx = gammaFn(x) * (1 + digamma(x) * lo), gz = gammaFn(z);
  const r = gx / gz;
  if (r !== 0 && Math.abs(r) < Infinity && Math.abs(gx) < Infinity && Math.abs(gz) < Infinity && gz !== 0 && gx !== 0) return r;
  return gammaSign(x) * gammaSign(z) * Math.exp(lgamma(x) - lgamma(z));
}

/**
 * B(a, b) = Γ(a)Γ(b)/Γ(a + b), with SciPy's values off the positive axis (Cephes' beta): a non-positive integer
 * a (or b) gives (−1)^b B(1 − a − b, b) when b is an integer with 1 − a − b > 0 and +∞ otherwise; a + b a
 * non-positive integer (a, b not) gives 0. Both below 10: from Γ, a + b's rounding read back in; else
 * exp(betaln(a, b)) (its Stirling form: no cancellation for large or unequal arguments).
 */
export function betaFn(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a > 0 && b > 0) {
    if (a + b < 171) {
      const s = a + b, lo = twoSumError(a, b, s);
      const ga = a < 1 ? gammaAtLeastOne(1 + a) / a : gammaAtLeastOne(a);
      const gb = b < 1 ? gammaAtLeastOne(1 + b) / b : gammaAtLeastOne(b);
      const gs = (s < 1 ? gammaAtLeastOne(1 + s) / s : gammaAtLeastOne(s)) * (1 + digamma(s) * lo);
      if (ga < Infinity && gb < Infinity) return ga > gb ? (ga / gs) * gb : (gb / gs) * ga;
    }
    return Math.exp(betaln(a, b));
  }
  if (isNonPositiveInteger(a)) return negativeIntegerBeta(a, b);
  if (isNonPositiveInteger(b)) return negativeIntegerBeta(b, a);
  if (a === -Infinity || b === -Infinity) return Infinity; // a pole of Γ, as SciPy's
  if (a === Infinity || b === Infinity) return gammaSign(Math.min(a, b)) * Math.exp(betaln(a, b)); // ±∞ (a negative partner), NaN
  const s = a + b, lo = twoSumError(a, b, s);
  if (isNonPositiveInteger(s) && lo === 0) return 0;
  const ga = gammaFn(a), gb = gammaFn(b), gs = gammaFn(s) * (1 + digamma(s) * lo);
  const r = Math.abs(ga) > Math.abs(gb) ? (ga / gs) * gb : (gb / gs) * ga;
  if (r !== 0 && Math.abs(r) < Infinity && Math.abs(ga) < Infinity && Math.abs(gb) < Infinity && Math.abs(gs) < Infinity) return r;
  // Γ overflowed or underflowed: the sign times exp(betaln), whose Stirling difference keeps B(−0.5, 1e10)'s digits
  // (exp of the three lgammas lost 2.6e−5 there, and all of B(−0.5, 1e300) = −3.5e150: it gave −1).
  return gammaSign(a) * gammaSign(b) * gammaSign(s) * Math.exp(betaln(a, b));
}

/** B(a, b) at a non-positive integer a: Cephes' beta_negint. */
function negativeIntegerBeta(a: number, b: number): number {
  if (b === Math.floor(b) && b > -Infinity && 1 - a - b > 0) return (b % 2 === 0 ? 1 : -1) * betaFn(1 - a - b, b);
  return Infinity;
}

/** B₂ₖ/(2k), k = 1 … 7 (A&S 6.3.18), as stirling.ts's psiDifference. */
const PSI_ASYMPTOTIC = [1 / 12, -1 / 120, 1 / 252, -1 / 240, 1 / 132, -691 / 32760, 1 / 12];

/**
 * ψ(s + t) − ψ(s) for any sign of t: psiDifference's method (ψ(x + 1) = ψ(x) + 1/x moves both arguments past 10,
 * each step adding t/((s + j)(s + j + t)), then the asymptotic series term by term in L = log1p(t/s)), shifting
 * until the smaller of s and s + t reaches 10, so it keeps its relative accuracy for t ≪ s of either sign (the
 * derivatives of poch and beta). Off the positive axis, digamma(s + t) − digamma(s).
 */
export function psiShift(s: number, t: number): number {
  const u = s + t;
  if (!(s > 0 && u > 0 && s < Infinity && u < Infinity)) return digamma(u) - digamma(s);
  if (t === 0) return 0;
  let shift = 0;
  while (s < 10 || s + t < 10) { shift += t / (s + t) / s; s += 1; }
  const L = Math.log1p(t / s), r = 1 / (s * s);
  let sum = 0, power = 1;
  for (let k = 0; k < PSI_ASYMPTOTIC.length; k++) { power *= r; sum += PSI_ASYMPTOTIC[k]! * power * Math.expm1(-2 * (k + 1) * L); }
  return shift + L + t / (s + t) / (2 * s) - sum;
}

/** B₂ₖ, k = 1 … 7: ψ′(x) ~ 1/x + 1/(2x²) + Σ B₂ₖ/x^{2k+1} (A&S 6.4.12). */
const TRIGAMMA_ASYMPTOTIC = [1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6];
const COT1 = cotDerivativePolynomial(1);
/** ψ′(v) (the polygamma kernel at order 1). @internal */
export const trigamma = (v: number): number => polygammaWith(1, COT1, v);

/**
 * ψ′(s + t) − ψ′(s), the derivative of psiShift in s (and of betaln's gradient), keeping its relative
 * accuracy for t ≪ s: the two trigammas agree to about t/s and subtracting them lost the rest
 * (∂²/∂a² betaln(a, 1e−6) at a = 1e10 came out 2.6e−26 for 1e−26, and 0 at 1e12). As psiShift: the
 * recurrence ψ′(x) = ψ′(x + 1) + 1/x² moves both arguments past 10, each step adding
 * 1/(s + t)² − 1/s² = −t(2s + t)/(s²(s + t)²), then the asymptotic series term by term,
 * 1/x^{2k+1} differences as expm1(−(2k + 1)·log1p(t/s))/s^{2k+1}. Off the positive axis, the plain difference.
 */
export function trigammaShift(s: number, t: number): number {
  const u = s + t;
  if (!(s > 0 && u > 0 && s < Infinity && u < Infinity)) return trigamma(u) - trigamma(s);
  if (t === 0) return 0;
  let shift = 0;
  while (s < 10 || s + t < 10) {
    const v = s + t;
    shift -= (t * (s + v)) / (s * s * v * v);
    s += 1;
  }
  const v = s + t, L = Math.log1p(t / s), r = 1 / (s * s);
  let sum = 0, power = 1 / s;
  for (let k = 0; k < TRIGAMMA_ASYMPTOTIC.length; k++) { power *= r; sum += TRIGAMMA_ASYMPTOTIC[k]! * power * Math.expm1(-(2 * k + 3) * L); }
  return shift - t / (s * v) - (t * (s + v)) / (2 * s * s * v * v) + sum;
}

/**
 * Γ(n)/Γ(d) for real n and d (₁F₁'s prefactors): both positive as poch's ratio (its Stirling difference for large
 * arguments, with n − d's rounding harmless there); 0 where only Γ(d) is at a pole, (−1)^{d−n} Γ(1 − d)/Γ(1 − n)
 * where both are, +∞ where only Γ(n) is; else Γ(n)/Γ(d), or its sign and logs past Γ's range.
 */
export function gammaRatio(n: number, d: number): number {
  if (n !== n || d !== d) return NaN;
  if (n > 0 && d > 0 && n < Infinity && d < Infinity) return gammaRatioPositive(d, n - d, n, 0);
  if (!(Math.abs(n) < Infinity && Math.abs(d) < Infinity)) return NaN;
  const dPole = isNonPositiveInteger(d), nPole = isNonPositiveInteger(n);
  if (dPole) return nPole ? ((d - n) % 2 === 0 ? 1 : -1) * gammaRatio(1 - d, 1 - n) : 0;
  if (nPole) return Infinity;
  const gn = gammaFn(n), gd = gammaFn(d), r = gn / gd;
  if (r !== 0 && Math.abs(r) < Infinity && Math.abs(gn) < Infinity && Math.abs(gd) < Infinity) return r;
  return gammaSign(n) * gammaSign(d) * Math.exp(lgamma(n) - lgamma(d));
}
