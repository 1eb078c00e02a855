/** @file log |Π x| along an axis with one logarithm per row (the product kept with a separate exponent, ./scaledProducts.ts), and its first-order cotangent. */
import { aroundAxis } from './products.js';
import { LN2_HI, LN2_LO } from './signedSum.js';
import { magnitude, scaledAbsProduct } from './scaledProducts.js';
import type { Shape } from '../shape.js';

/**
 * log(p · 2^e) for p in [2⁻²⁵⁶, 2²⁵⁶] (or 0, ∞, NaN): p is first brought to m = p · 2^−k in
 * [√½, √2] (exactly), so log m is small (|log m| ≤ ½ ln 2) and the exponent's part (e + k)·ln 2 is
 * added in two pieces (ln 2 = LN2_HI + LN2_LO, E·LN2_HI exact for |E| < 2²¹): the error is about an ulp of the result plus the relative error of p. The
 * plain log p + e·ln 2 adds two terms of up to 140 that cancel (p = 10⁶⁰, e = −200): its error is
 * an ulp of 140, 3·10⁻¹⁴, for a result near 1.
 */
function logScaled(p: number, e: number): number {
  if (!(p > 0 && p < Infinity)) return Math.log(p) + e * Math.LN2; // −∞ for a zero factor, ∞, NaN
  if (e === 0) return Math.log(p); // nothing to cancel: log p itself (a lone factor's log|x| exactly Math.log's)
  const k = Math.round(Math.log2(p));
  const E = e + k;
  return E * LN2_HI + (E * LN2_LO + Math.log(p * 2 ** -k));
}

/**
 * log |Π x_i| along `axis` (kept as length 1), without underflow or overflow and with a single
 * logarithm per row: the magnitudes are multiplied with a separate binary exponent e
 * (scaledAbsProduct: the running product p stays in [2⁻²⁵⁶, 2²⁵⁶], rescaled by powers of two, so
 * exactly, only when it leaves that range), and the result is log p + e·ln 2. The error is that of the n roundings of p (≈ n·2⁻⁵³ absolute in the log), not
 * that of summing n logarithms. A zero factor gives −∞.
 */
export function logAbsProdKernel(x: Float64Array, shape: Shape, axis: number): Float64Array {
  const [outer, n, inner] = aroundAxis(shape, axis);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j;
      scaledAbsProduct(x, start, start + n * inner, inner);
      out[o * inner + j] = logScaled(magnitude.m, magnitude.bits);
    }
  }
  return out;
}

/**
 * The first-order cotangent of log|Π x| along `axis`: out_i = g · (1/x_i), with g one value per
 * row; +0 where x_i = 0 (the convention of logAbsProd's rule) and, as mulStrong, where g or 1/x_i is
 * 0. In one pass, and bit for bit what the rule's ops give (1/x rounded, then times g).
 */
export function logAbsProdCotangentKernel(x: Float64Array, shape: Shape, axis: number, g: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  const [outer, n, inner] = aroundAxis(shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const s = g[o * inner + j]!;
      if (s === 0) continue;
      for (let i = 0, q = o * n * inner + j; i < n; i++, q += inner) {
        const v = x[q]!;
        const d = v === 0 ? 0 : 1 / v;
        if (d !== 0) out[q] = s * d; // mulStrong: 0 where either factor is 0 (±0, and 1/±∞)
      }
    }
  }
  return out;
}
