/**
 * @file The power series Σₖ (p)ₖ(q)ₖ/((r)ₖ k!) yᵏ of ₂F₁ summed in fixed-point BigInt arithmetic, for the arguments
 * where kernels/hyp2f1.ts's double sums cancel (large parameters of mixed sign, x near −1): p, q, r are given as
 * integers over one power of two (so c − a, c − b are exact) and y is a double, so each term's ratio to the last is
 * applied exactly and divided once (≤ 1 unit of 2^−F lost a term). F is 64 bits more than the cancellation the caller
 * measured in doubles (the largest term over the sum), and a second run 32 bits finer must agree to 2⁻⁵⁰ — "the series
 * with extra precision", the last resort of Pearson, Olver & Porter (2017, Numer. Algorithms 74, §3), as for ₁F₁.
 */
import { decompose } from './hyp1f1Exact.js';

/** The lowest exponent of a double's binary expansion (∞ for 0). */
export function lowestExponent(v: number): number {
  return v === 0 ? Infinity : decompose(v)[1];
}

/** v·2^E as a BigInt (exact for E ≥ −lowestExponent(v)). */
export function scaled(v: number, E: number): bigint {
  const [m, e] = decompose(v);
  return e + E >= 0 ? m << BigInt(e + E) : m >> BigInt(-(e + E));
}

function bitLength(v: bigint): number {
  if (v === 0n) return 0;
  const h = (v < 0n ? -v : v).toString(16);
  return (h.length - 1) * 4 + 32 - Math.clz32(parseInt(h[0]!, 16));
}

/** v·2^−F as a double (v rounded to 62 bits first). */
function toDouble(v: bigint, F: number): number {
  if (v === 0n) return 0;
  const shift = Math.max(0, bitLength(v) - 62);
  const e = shift - F, e1 = Math.trunc(e / 2);
  return Number(v >> BigInt(shift)) * 2 ** e1 * 2 ** (e - e1);
}

/** One run at F fractional bits; null if it did not converge within maxTerms. */
function run(P: bigint, Q: bigint, R: bigint, D: bigint, Y: bigint, yShift: number, F: number, maxTerms: number): bigint | null {
  let t = 1n << BigInt(F), sum = t;
  const up = yShift >= 0 ? 1n << BigInt(yShift) : 1n, down = yShift < 0 ? 1n << BigInt(-yShift) : 1n;
  let p = P, q = Q, r = R;
  for (let k = 0; k < maxTerms; k++) {
    const num = p * q * Y * up, den = r * D * BigInt(k + 1) * down;
    if (den === 0n) return null;
    t = (t * num) / den;
    if (t === 0n) return sum;
    sum += t;
    p += D; q += D; r += D;
    // Done once the terms fall (|ratio| < 1 for good: p + k, q + k, r + k all past 0 with |y| < 1) below 2^−F·…
    const abs = t < 0n ? -t : t;
    if (abs < 16n && p > 0n && q > 0n && r > 0n) return sum;
  }
  return null;
}

/**
 * Σₖ (p)ₖ(q)ₖ/((r)ₖ k!) yᵏ with p = P/2^E, q = Q/2^E, r = R/2^E exactly, |y| < 1 (or p or q a non-positive integer);
 * `cancelBits` is log₂(largest term/|sum|) measured in doubles. NaN if it fails (no convergence in maxTerms, or the
 * two precisions disagree).
 */
export function hyp2f1Exact(P: bigint, Q: bigint, R: bigint, E: number, y: number, cancelBits: number, maxTerms = 20000): number {
  if (!(Math.abs(y) < Infinity)) return NaN;
  const [ym, ye] = decompose(y);
  const D = 1n << BigInt(E);
  const F = Math.min(4096, Math.max(64, Math.ceil(cancelBits) + 64));
  const s1 = run(P, Q, R, D, ym, ye, F, maxTerms);
  if (s1 === null) return NaN;
  const s2 = run(P, Q, R, D, ym, ye, F + 32, maxTerms);
  if (s2 === null) return NaN;
  const v1 = toDouble(s1, F), v2 = toDouble(s2, F + 32);
  if (!(Math.abs(v1 - v2) <= 2 ** -50 * Math.abs(v2))) return NaN;
  return v2;
}
