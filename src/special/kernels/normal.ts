/**
 * @file The standard normal's log-CDF, the slope of that log (φ/Φ) and its quantile, scalar kernels.
 * With t = −x/√2, Φ(x) = ½ erfc(t); for t ≥ 1 erfc(t) = e^{−t²} F(t) with F the rational factor
 * of Cody's/Cephes' tail form (src/random/erf.ts), so log Φ and φ/Φ never underflow.
 */
import { erf, erfc, erfcLarge, expNegSquareScalar } from '../../tensor/kernels/erf.js';
// Giles' polynomial erf⁻¹ (XLA's; ~1e−16, no iterations) as Newton's start: one or two steps finish.
import { erfcFactor, erfinv, logErfcFactor } from '../../random/erf.js';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)
const SQRT1_2_LO = -4.833646656726457e-17; // 1/√2 − SQRT1_2, from mpmath
const SH = 0.7071067839860916, SL = SQRT1_2 - SH; // SQRT1_2 split in 26-bit halves (Veltkamp), SL exact

/**
 * Φ(x) = ½ erfc(t), t = −x/√2. For x < 0 the rounding of t (½ ulp) is amplified by erfc's slope, relative
 * 2t·δt ≈ t²ε: ndtr(−37.26) was 1443 ulp off, ndtr(−5.3) 33 (SciPy's 35). So t = hi + lo to ~2⁻¹⁰⁶ (Dekker's
 * product of −x with 1/√2 in double-double) and erfc(hi + lo) = erfc(hi) − lo·(2/√π)e^{−hi²} (erfcLarge; the
 * next term is 2⁻¹⁰⁰ of it). For t ≤ 0.46875 (and x ≥ 0) t's rounding costs under ½ ulp of erfc(t) ≥ ½.
 */
export function ndtr(x: number): number {
  const hi = -x * SQRT1_2;
  if (!(hi > 0.46875) || hi > 27.3) return 0.5 * erfc(hi); // NaN, x > −0.66, and x < −38.6 (erfc(hi) = 0)
  const c = 134217729 * x, xh = c - (c - x), xl = x - xh; // Veltkamp's split of x; SQRT1_2 = SH + SL
  const lo = -((((xh * SH + hi) + xh * SL) + xl * SH) + xl * SL) - x * SQRT1_2_LO; // −(x·SQRT1_2 − fl(x·SQRT1_2)) − x·(1/√2 − SQRT1_2)
  return 0.5 * erfcLarge(hi, lo);
}

/**
 * log Φ(x): log1p(−Φ(−x)) for x > 0 (no cancellation as Φ → 1; Φ(−x) by `ndtr`, whose double-double
 * argument keeps the digits that ½ erfc(x/√2) lost: 2.5e−14 relative at x = 12), log(½ erfc(−x/√2)) down
 * to x = −√2, and −x²/2 + log F(t) − log 2 below, as far as x = −1.3e154 (then x² overflows: −∞).
 */
export function logNdtr(x: number): number {
  if (x > 0) return Math.log1p(-ndtr(-x));
  const t = -x * SQRT1_2;
  if (t < 1) return Math.log(0.5 * erfc(t));
  return -0.5 * x * x + logErfcFactor(t) - Math.LN2;
}

/**
 * φ(x)/Φ(x), the derivative of log Φ: for t ≥ 1 it is √(2/π)/F(t) (the e^{−t²} cancel exactly; F itself,
 * not e^{log F}, which cost 3.5e−15 at x = −3e4), from x = −20 u + K by Laplace's fraction (below; ten terms),
 * −x past 1e8 (the rest is 1/x²); above, φ(x)/Φ(x)
 * with e^{−x²/2} free of the rounding of x² (7e−15 at x = 12) and Φ by `ndtr` (0 once φ underflows).
 */
export function logNdtrSlope(x: number): number {
  if (x <= -20) return x < -1e8 ? -x : -x + millsK(-x); // r = u + K (logNdtrCurvature): the rational F kept 2e−15 there
  const t = -x * SQRT1_2;
  if (t >= 1) return SQRT_2_OVER_PI / erfcFactor(t);
  return (INV_SQRT_2PI * expNegSquareScalar(x, 0.5)) / ndtr(x);
}

/**
 * r′ for r = φ/Φ, the second derivative of log Φ: r′ = −r(x + r) (φ′ = −xφ, Φ′ = φ). For x ≪ 0, x + r is a
 * difference of two numbers near |x| (2.3e−13 relative at x = −19.8, 1.2e−13 at −14.5), so from u = −x = 3:
 * with the Mills ratio R(u) = Φ(−u)/φ(u) = 1/(u + K), r = u + K and r′ = −K(u + K), where K comes from
 * Laplace's continued fraction R(u) = 1/(u + 1/(u + 2/(u + 3/(u + …)))) (A&S 26.2.14), i.e.
 * K = 1/(u + 2/(u + 3/(u + …))), evaluated backward from N = ⌈560/u²⌉ + 9 terms (all positive, stable):
 * the fewest that give 2e−17 at every u ≥ 2 (mpmath: 61 terms at u = 3, 14 at 10, 9 at 20).
 */
export function logNdtrCurvature(x: number): number {
  if (!(x <= -3)) { const r = logNdtrSlope(x); return r === 0 ? -0 : -r * (x + r); } // also NaN; at x = +∞ not −0·∞
  const u = -x;
  if (u > 1e8) return -1; // K = 1/u to 1/u³: −K(u + K) = −1 − 1/u² rounds to −1
  const k = millsK(u);
  return -k * (u + k);
}

/**
 * r″ for r = φ/Φ, the third derivative of log Φ: −r′(x + r) − r(1 + r′) above x = −2; below, where that is a
 * difference of terms u⁴ times larger than r″ ≈ 2/u³ (autodiff of the curvature gave 6e3 relative at x = −1e5),
 * r = u + K(u) gives r″ = K″(u), by Laplace's fraction differentiated twice in u along its backward recurrence
 * (tₙ = n/(u + tₙ₊₁); every term of t′ₙ = −n(1 + t′ₙ₊₁)/(u + tₙ₊₁)² and t″ₙ has one sign: no cancellation).
 */
export function logNdtrThird(x: number): number {
  if (!(x <= -2)) { const r = logNdtrSlope(x), c = logNdtrCurvature(x); return r === 0 ? 0 : -c * (x + r) - r * (1 + c); } // also NaN
  const u = -x;
  let t = 0, dt = 0, d2t = 0;
  for (let n = Math.ceil(560 / (u * u)) + 9; n >= 2; n--) {
    const d = u + t, d1 = 1 + dt;
    d2t = (-n * d2t) / (d * d) + (2 * n * d1 * d1) / (d * d * d);
    dt = (-n * d1) / (d * d);
    t = n / d;
  }
  const d = u + t, d1 = 1 + dt; // K = 1/d, K″ = 2d′²/d³ − d″/d²
  return (2 * d1 * d1) / (d * d * d) - d2t / (d * d);
}

/** K = 1/R(u) − u = 1/(u + 2/(u + 3/(u + …))) for u ≥ 3 (see logNdtrCurvature), to 2e−17 relative. */
function millsK(u: number): number {
  let tail = 0;
  for (let n = Math.ceil(560 / (u * u)) + 9; n >= 2; n--) tail = n / (u + tail);
  return 1 / (u + tail);
}

/**
 * Φ⁻¹(p): 0 and 1 give ∓∞, outside [0, 1] NaN. Newton's method from erfinv's (or the tail
 * asymptote's) start: for |p − ½| ≤ 0.4 on ½ erf(x/√2) = p − ½ (p − ½ is exact there, so x is
 * accurate to rounding even near p = ½), in the tails on log Φ(x) = log p with p the smaller of
 * p and 1 − p (the slope φ/Φ above), which loses nothing however small p is.
 */
export function ndtri(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const d = p - 0.5;
  if (Math.abs(d) <= 0.4) {
    let x = Math.SQRT2 * erfinv(2 * d);
    for (let i = 0; i < 8; i++) {
      const step = (0.5 * erf(x * SQRT1_2) - d) / (INV_SQRT_2PI * Math.exp(-0.5 * x * x));
      x -= step;
      if (Math.abs(step) <= 1e-13 * Math.abs(x)) break; // Newton: the error left is ~step², below rounding
    }
    return x;
  }
  const lower = d < 0;
  const q = lower ? p : 1 - p; // exact for p ≥ ½ (Sterbenz)
  const x = lowerTail(q, Math.log(q));
  return lower ? x : -x;
}

/** Φ⁻¹(q) for q ≤ 0.1 given q and log q: Newton's method on log Φ(x) = log q. */
function lowerTail(q: number, logQ: number): number {
  const w = -2 * logQ;
  // Start: √2 erfinv(2q − 1) while 2q − 1 keeps digits, else the asymptote −√(w − log w − log 2π).
  let x = q > 1e-8 ? Math.SQRT2 * erfinv(2 * q - 1) : -Math.sqrt(w - Math.log(w) - Math.log(2 * Math.PI));
  for (let i = 0; i < 50; i++) {
    const step = (logNdtr(x) - logQ) / logNdtrSlope(x);
    x -= step;
    if (Math.abs(step) <= 1e-13 * Math.abs(x)) break;
  }
  return x;
}

/**
 * erfc⁻¹(y) for y in [0, 2] as −Φ⁻¹(y/2)/√2 (erfc(t) = 2Φ(−t√2)). y/2 is exact for y ≥ 2⁻¹⁰²¹; below,
 * it would round in the subnormals (erfcinv(5e−324) was +∞ for 27.213, erfcinv(1e−317) off by 2.6e6
 * ulp, as SciPy), so there the tail is solved for log(y/2) = log y − log 2, which y carries exactly.
 */
export function erfcinv(y: number): number {
  if (!(y >= 0 && y <= 2)) return NaN;
  if (y >= 4.450147717014403e-308 || y === 0) return 0 - SQRT1_2 * ndtri(0.5 * y); // 0 − (not −): erfcinv(1) = +0
  return -SQRT1_2 * lowerTail(0.5 * y, Math.log(y) - Math.LN2);
}
