/**
 * @file Scalar error functions: erf and erfc by W. J. Cody's rational Chebyshev approximations
 * (Math. Comp. 23 (1969) 631–637; the coefficients of SPECFUN's CALERF, netlib.org/specfun/erf),
 * and erfinv by M. Giles' approximation ("Approximating the erfinv function", GPU Computing Gems,
 * 2010) polished by Halley steps on erf — or on erfc near ±1, so the tails keep relative accuracy.
 */

// erf(x) = x · A(x²)/B(x²) for |x| ≤ 0.46875.
const A = [3.16112374387056560e0, 1.13864154151050156e2, 3.77485237685302021e2, 3.20937758913846947e3, 1.85777706184603153e-1];
const B = [2.36012909523441209e1, 2.44024637934444173e2, 1.28261652607737228e3, 2.84423683343917062e3];
// erfc(x) = e^{−x²} · C(x)/D(x) for 0.46875 < x ≤ 4.
const C = [
  5.64188496988670089e-1, 8.88314979438837594e0, 6.61191906371416295e1, 2.98635138197400131e2,
  8.81952221241769090e2, 1.71204761263407058e3, 2.05107837782607147e3, 1.23033935479799725e3, 2.15311535474403846e-8,
];
const D = [
  1.57449261107098347e1, 1.17693950891312499e2, 5.37181101862009858e2, 1.62138957456669019e3,
  3.29079923573345963e3, 4.36261909014324716e3, 3.43936767414372164e3, 1.23033935480374942e3,
];
// erfc(x) = e^{−x²}/x · (1/√π + P(1/x²)/(x² Q(1/x²))) for x > 4.
const P = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2];
const Q = [2.56852019228982242e0, 1.87295284992346047e0, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];
const ONE_OVER_SQRT_PI = 0.5641895835477563;
const TWO_OVER_SQRT_PI = 1.1283791670955126;
/** erfc(x) underflows to 0 beyond 27.3 (Cody's XBIG is 26.543 where results turn subnormal). */
const ERFC_ZERO = 27.3;

/** Cody's coefficients and constants, for the ONNX exporter's erf and erfc (src/onnx/exportSpecial.ts), which write this algorithm as graph nodes. */
export const CODY = { A, B, C, D, P, Q, ONE_OVER_SQRT_PI, SMALL: 0.46875, ERFC_ZERO } as const;

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = A[4]! * z;
  let den = z;
  for (let i = 0; i < 3; i++) { num = (num + A[i]!) * z; den = (den + B[i]!) * z; }
  return (x * (num + A[3]!)) / (den + B[3]!);
}

/**
 * erfc(y + lo) for 0.46875 < y ≤ 27.3 and lo a correction of an ulp or so (0 for erfc(y) itself; ndtr's
 * −x/√2 in double-double passes its low part): erfc(y) − lo·(2/√π)e^{−y²}, to 2⁻¹⁰⁰ relative. e^{−y²} is
 * formed as e^{−s²} e^{−(y−s)(y+s)} with s = y rounded down to a multiple of 1/16, so s² is exact and
 * the rounding of y² is not amplified by y².
 */
export function erfcLarge(y: number, lo = 0): number {
  const r = erfcxLarge(y);
  const s = Math.trunc(16 * y) / 16;
  return Math.exp(-s * s) * Math.exp(-(y - s) * (y + s)) * (r - lo * TWO_OVER_SQRT_PI);
}

/**
 * e^{y²} erfc(y) for y > 0.46875 (Cody's rational forms without their Gaussian factor: CALERF's
 * JINT = 2); 0 at y = ∞, 1/(y√π) to the last bit once 1/y² is below an ulp.
 */
export function erfcxLarge(y: number): number {
  if (y <= 4) {
    let num = C[8]! * y;
    let den = y;
    for (let i = 0; i < 7; i++) { num = (num + C[i]!) * y; den = (den + D[i]!) * y; }
    return (num + C[7]!) / (den + D[7]!);
  }
  const z = 1 / (y * y);
  let num = P[5]! * z;
  let den = z;
  for (let i = 0; i < 4; i++) { num = (num + P[i]!) * z; den = (den + Q[i]!) * z; }
  return (ONE_OVER_SQRT_PI - (z * (num + P[4]!)) / (den + Q[4]!)) / y;
}

/** erf(x) for |x| ≤ 0.46875, Cody's first interval (erfcx's: e^{x²}(1 − erf x) there). */
export function erfNearZero(x: number): number {
  return erfSmall(x);
}

/**
 * e^{−c·x²} for c = ±1 or ±½ (the Gaussians in erf′ and ndtr′, their reciprocals in erfinv′, erfcinv′ and ndtri′), as e^{−c·h²}·e^{−c·(|x| − h)(|x| + h)} with h = |x|
 * rounded down to a sixteenth (c·h² exact, 0 ≤ |x| − h < 1/16), so the rounding of x² — relative c·x²ε, 5.7e−14 of
 * erfc′ at x = 21 — is not in it (as erfcLarge's e^{−y²}). 0 beyond |x| = 40, where it underflows. (ops/special.ts' expNegSquare, Φ′ and erf′.)
 */
export function expNegSquareScalar(x: number, c: number): number {
  const y = Math.abs(x);
  if (y > 40) return c > 0 ? 0 : Infinity; // c < 0 (e^{+|c|x²}, the inverses' derivatives) overflows there
  const h = Math.floor(16 * y) / 16;
  return Math.exp(-c * h * h) * Math.exp(-c * (y - h) * (y + h));
}
/** The error function 2/√π ∫₀ˣ e^{−t²} dt; erf(±0) = ±0, erf(±∞) = ±1. */
export function erf(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return erfSmall(x); // NaN falls through every comparison to here
  const r = y > ERFC_ZERO ? 1 : 1 - erfcLarge(y);
  return x < 0 ? -r : r;
}

/** 1 − erf(x), without cancellation for large x (relative accuracy down to the subnormals). */
export function erfc(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.46875) return 1 - erfSmall(x);
  if (x !== x) return x;
  const r = y > ERFC_ZERO ? 0 : erfcLarge(y);
  return x < 0 ? 2 - r : r;
}

/** Giles' single-precision erfinv (relative error ≈ 1e-7 for |x| < 1 − 6e-8; cruder beyond): the starting point. */
function gilesErfinv(x: number): number {
  let w = -Math.log((1 - x) * (1 + x));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w; p = 1.50140941 + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w; p = 2.83297682 + p * w;
  }
  return p * x;
}

/**
 * The inverse of erf on (−1, 1); ±1 give ±∞, |x| > 1 and NaN give NaN, erfinv(±0) = ±0.
 * Halley's method on f(y) = erf(y) − a, with f' = 2/√π e^{−y²} and f''/f' = −2y: the step is
 * u/(1 + yu) with u = f/f'. For a > ½, f = (1 − a) − erfc(y): 1 − a is exact there, so y keeps
 * full relative accuracy however close a is to 1 (|y| ≤ 5.9 for doubles below 1).
 */
export function erfinv(x: number): number {
  const a = Math.abs(x);
  if (!(a < 1)) return a === 1 ? x * Infinity : NaN;
  if (a === 0) return x;
  const q = 1 - a;
  let y = gilesErfinv(a);
  for (let i = 0; i < 40; i++) {
    const f = a <= 0.5 ? erf(y) - a : q - erfc(y);
    const u = f / (TWO_OVER_SQRT_PI * Math.exp(-y * y));
    const step = u / (1 + y * u);
    y -= step;
    if (!(Math.abs(step) > 1e-17 * y)) break;
  }
  return x < 0 ? -y : y;
}
