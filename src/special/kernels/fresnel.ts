/**
 * @file The Fresnel integrals S(x) = ∫₀ˣ sin(πt²/2) dt and C(x) = ∫₀ˣ cos(πt²/2) dt, and their derivatives
 * sin(πx²/2), cos(πx²/2), scalar kernels for special/fresnel.ts.
 *
 * The phase πx²/2 is never rounded: x² is the exact pair hi + lo (Dekker's product), each reduced modulo 4
 * exactly, so sin(πx²/2) has full relative accuracy for every x (its zeros included; Math.sin(Math.PI*x*x/2)
 * is off by ~x²ε absolute: 1e−8 at x = 10⁴). For |x| ≤ 1 S and C are their power series (A&S 7.3.11–13),
 * beyond Numerical Recipes' (§6.8) continued fraction for C + iS = ½(1 + i)(1 − e^{iπx²/2} w),
 * w = (1 − i)x / (1 − iπx² − 1·2/(5 − iπx² − 3·4/(9 − iπx² − …))) (from erfc's at (1 − i)√π x/2), evaluated
 * backward from the depth a forward (Lentz) pass finds.
 */
import { productError, twoSumError } from './doubleDouble.js';

const HALF_PI = Math.PI / 2;

/** v − 4·round(v/4), exact (v/4 and the product are exact; the difference is, by Sterbenz, or 0 past 2⁵⁴). */
const mod4 = (v: number) => v - 4 * Math.round(v / 4);

/**
 * sin(πx²/2) (cosine = false) or cos(πx²/2): x² = hi + lo exactly, r = (hi mod 4) + (lo mod 4) as a pair,
 * n = round(r), f = r − n ∈ [−½, ½] (relative accuracy kept), then the quadrant n mod 4. |x| ≥ 2⁵³ is an
 * even integer, x² ≡ 0 (mod 4).
 */
export function fresnelPhase(x: number, cosine: boolean): number {
  const ax = Math.abs(x);
  if (!(ax < Infinity)) return NaN;
  let n = 0, f = 0;
  if (ax < 9007199254740992) {
    const hi = ax * ax, lo = ax > 1e-150 ? productError(ax, ax, hi) : 0;
    const s1 = mod4(hi), s2 = mod4(lo), rh = s1 + s2, rl = twoSumError(s1, s2, rh);
    n = Math.round(rh);
    f = (rh - n) + rl;
  }
  const s = Math.sin(HALF_PI * f), c = Math.cos(HALF_PI * f);
  const q = ((n % 4) + 4) % 4;
  if (!cosine) return q === 0 ? s : q === 1 ? c : q === 2 ? -s : -c;
  return q === 0 ? c : q === 1 ? -s : q === 2 ? -c : s;
}

/** S and C of the last fresnelPair call. */
export const fresnelResult = new Float64Array(2);

/** S(|x|), C(|x|) for |x| ≤ 1 by the power series in t = πx²/2: C = x Σ (−t²)ⁿ/((2n)!(4n + 1)), S = x t Σ (−t²)ⁿ/((2n + 1)!(4n + 3)). */
function fresnelSeries(ax: number): void {
  const t = HALF_PI * ax * ax, t2 = t * t;
  let c = 0, s = 0, pc = 1, ps = 1; // pc = (−t²)ⁿ/(2n)!, ps = (−t²)ⁿ/(2n + 1)!
  const cs: number[] = [], ss: number[] = [];
  for (let k = 0; k < 40; k++) {
    cs.push(pc / (4 * k + 1)); ss.push(ps / (4 * k + 3));
    if (Math.abs(pc) < 1e-18 && Math.abs(ps) < 1e-18) break;
    pc *= -t2 / ((2 * k + 1) * (2 * k + 2));
    ps *= -t2 / ((2 * k + 2) * (2 * k + 3));
  }
  for (let k = cs.length - 1; k >= 0; k--) { c += cs[k]!; s += ss[k]!; } // smallest first
  fresnelResult[0] = ax * t * s;
  fresnelResult[1] = ax * c;
}

/** S(|x|), C(|x|) for |x| > 1 by the complex continued fraction, summed backward. */
function fresnelFraction(ax: number): void {
  const p = Math.PI * ax * ax;
  // Forward (Lentz) pass for the depth: b_j = (4j − 3) − ip, a_j = −(2j − 3)(2j − 2).
  let br = 1, bi = -p;
  const tiny = 1e-300;
  let cr = 1 / tiny, ci = 0;
  let den = br * br + bi * bi, dr = br / den, di = -bi / den;
  let depth = 2;
  for (let j = 2; j < 10000; j++) {
    const a = -(2 * j - 3) * (2 * j - 2);
    br += 4;
    // d = 1/(a·d + b)
    let xr = a * dr + br, xi = a * di + bi;
    den = xr * xr + xi * xi;
    dr = xr / den; di = -xi / den;
    // c = b + a/c
    den = cr * cr + ci * ci;
    xr = br + a * cr / den; xi = bi - a * ci / den;
    cr = xr; ci = xi;
    const delr = cr * dr - ci * di, deli = cr * di + ci * dr;
    depth = j;
    if (Math.abs(delr - 1) + Math.abs(deli) < 1e-16) { depth = 2 * j + 10; break; }
  }
  // Backward: tail_j = a_j/(b_j + tail_{j+1}).
  let tr = 0, ti = 0;
  for (let j = depth; j >= 2; j--) {
    const a = -(2 * j - 3) * (2 * j - 2);
    const xr = 4 * j - 3 + tr, xi = -p + ti, d2 = xr * xr + xi * xi;
    tr = a * xr / d2; ti = -a * xi / d2;
  }
  const xr = 1 + tr, xi = -p + ti, d2 = xr * xr + xi * xi;
  const hr = xr / d2, hi = -xi / d2; // h = 1/(b₁ + tail)
  // w = (1 − i)·ax·h; e^{iφ}w with φ = πx²/2 (exact phase).
  const wr = ax * (hr + hi), wi = ax * (hi - hr);
  const c = fresnelPhase(ax, true), s = fresnelPhase(ax, false);
  const pr = c * wr - s * wi, pi = c * wi + s * wr;
  fresnelResult[0] = 0.5 * ((1 - pr) - pi);
  fresnelResult[1] = 0.5 * ((1 - pr) + pi);
}

/** S(x) and C(x) into fresnelResult (both odd; ±½ at ±∞, and past |x| = 1e150, where 1/(πx) is below their last digit). */
export function fresnelPair(x: number): void {
  const ax = Math.abs(x);
  if (ax !== ax) { fresnelResult[0] = NaN; fresnelResult[1] = NaN; return; }
  if (ax > 1e150) { fresnelResult[0] = 0.5; fresnelResult[1] = 0.5; }
  else if (ax <= 1) fresnelSeries(ax);
  else fresnelFraction(ax);
  if (x < 0 || (x === 0 && 1 / x < 0)) { fresnelResult[0] = -fresnelResult[0]!; fresnelResult[1] = -fresnelResult[1]!; } // odd, −0 included
}
