/**
 * @file The standard normal's log-CDF, the slope of that log (φ/Φ) and its quantile, scalar kernels.
 * With t = −x/√2, Φ(x) = ½ erfc(t); for t ≥ 1 erfc(t) = e^{−t²} F(t) with F the rational factor
 * of Cody's/Cephes' tail form (src/random/erf.ts), so log Φ and φ/Φ never underflow.
 */
import { erf, erfc } from '../../tensor/kernels/erf.js';
// Giles' polynomial erf⁻¹ (XLA's; ~1e−16, no iterations) as Newton's start: one or two steps finish.
import { erfinv, logErfcFactor } from '../../random/erf.js';

const SQRT1_2 = Math.SQRT1_2;
const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

/**
 * log Φ(x): log1p(−½ erfc(x/√2)) for x > 0 (no cancellation as Φ → 1), log(½ erfc(−x/√2)) down
 * to x = −√2, and −t² + log F(t) − log 2 below, as far as x = −1.3e154 (then x² overflows: −∞).
 */
export function logNdtr(x: number): number {
  if (x > 0) return Math.log1p(-0.5 * erfc(x * SQRT1_2));
  const t = -x * SQRT1_2;
  if (t < 1) return Math.log(0.5 * erfc(t));
  return -t * t + logErfcFactor(t) - Math.LN2;
}

/**
 * φ(x)/Φ(x), the derivative of log Φ: for t ≥ 1 it is √(2/π)/F(t) (the e^{−t²} cancel exactly),
 * ≈ −x for x ≪ 0; above, φ(x)/Φ(x) directly (0 once φ underflows).
 */
export function logNdtrSlope(x: number): number {
  const t = -x * SQRT1_2;
  if (t >= 1) return SQRT_2_OVER_PI / Math.exp(logErfcFactor(t));
  return (INV_SQRT_2PI * Math.exp(-0.5 * x * x)) / (0.5 * erfc(t));
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
