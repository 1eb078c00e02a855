/** @file The kernel of SignedLog.sum: Σ sᵢ·e^{lᵢ} along an axis, exact when terms cancel exactly, accurate to a few roundings of Σ|terms| otherwise, at any magnitude. */

// ln 2 split as in fdlibm's exp (Cody & Waite 1980): LN2_HI has 32 significant bits, so k·LN2_HI
// is exact for |k| < 2²⁰ and d − k·LN2_HI is exact; LN2_LO is the rest of ln 2.
export const LN2_HI = 6.93147180369123816490e-01;
export const LN2_LO = 1.90821492927058770002e-10;

/** x·2^n, exact unless the result is subnormal: in two steps, since 2^n alone overflows for n > 1023. */
function scaleByPowerOfTwo(x: number, n: number): number {
  if (n === 0) return x;
  const half = Math.trunc(n / 2);
  return x * 2 ** half * 2 ** (n - half);
}

/**
 * A sum in double-double arithmetic times a power of two, (hi + lo)·2^E, renormalised after each
 * addition so that 1 ≤ |hi| < 2: it neither underflows nor overflows however far the sum falls by
 * cancellation, and additions lose about 2⁻¹⁰⁶ of the magnitudes added (Dekker 1971; Knuth's TwoSum).
 */
class ScaledDoubleDouble {
  hi = 0;
  lo = 0;
  E = 0;

  /** Adds a·2^k (a finite, k an integer). */
  add(a: number, k: number): void {
    if (a === 0) return;
    if (this.hi === 0 && this.lo === 0) this.E = k;
    if (k > this.E) {
      // The sum cancelled below this (smaller-log but larger-exponent) term: rebase the sum on k.
      this.hi = scaleByPowerOfTwo(this.hi, this.E - k);
      this.lo = scaleByPowerOfTwo(this.lo, this.E - k);
      this.E = k;
    }
    const shift = k - this.E;
    if (shift < -1074) return; // below 2⁻¹⁰⁷⁴ of a sum normalised to [1, 2): nothing a double-double holds
    const x = scaleByPowerOfTwo(a, shift);
    const s = this.hi + x; // TwoSum: s + e = hi + x exactly
    const bp = s - this.hi;
    const e = (this.hi - (s - bp)) + (x - bp);
    const lo = this.lo + e;
    this.hi = s + lo; // FastTwoSum: renormalise (|s| ≥ |lo| up to rounding)
    this.lo = lo - (this.hi - s);
    this.normalise();
  }

  private normalise(): void {
    if (this.hi === 0) {
      if (this.lo === 0) return;
      this.hi = this.lo;
      this.lo = 0;
    }
    const f = Math.floor(Math.log2(Math.abs(this.hi)));
    if (f === 0) return;
    this.hi = scaleByPowerOfTwo(this.hi, -f); // |hi| ∈ [0.5, 4) after
    this.lo = scaleByPowerOfTwo(this.lo, -f);
    this.E += f;
  }
}

/** [sign, log|Σ|] of one row of terms sᵢ·e^{lᵢ}; `order` is scratch space of the row's length. */
function sumRow(s: Float64Array, l: Float64Array, base: number, stride: number, n: number, order: number[]): [number, number] {
  let count = 0;
  let positiveInfinity = false;
  let negativeInfinity = false;
  for (let k = 0; k < n; k++) {
    const sk = s[base + k * stride]!;
    const lk = l[base + k * stride]!;
    if (Number.isNaN(sk) || Number.isNaN(lk)) return [NaN, NaN];
    if (sk === 0 || lk === -Infinity) continue; // an exact zero term
    if (lk === Infinity) {
      if (sk > 0) positiveInfinity = true;
      else negativeInfinity = true;
      continue;
    }
    order[count++] = base + k * stride;
  }
  if (positiveInfinity && negativeInfinity) return [NaN, NaN]; // ∞ − ∞
  if (positiveInfinity || negativeInfinity) return [positiveInfinity ? 1 : -1, Infinity];
  if (count === 0) return [0, -Infinity];
  const terms = order.slice(0, count).sort((a, b) => l[b]! - l[a]!);
  // Terms of equal log-magnitude are combined first, as an integer count c = Σ sᵢ: exact, so terms
  // that cancel exactly give exactly nothing, however large (e^800 − e^800 + e^−5 keeps its e^−5).
  const sum = new ScaledDoubleDouble();
  let M = NaN; // the largest log-magnitude that did not cancel: the sum is Σ c·e^{l − M}, times e^M
  for (let i = 0; i < count;) {
    const lg = l[terms[i]!]!;
    let c = 0;
    for (; i < count && l[terms[i]!] === lg; i++) c += s[terms[i]!]! > 0 ? 1 : -1;
    if (c === 0) continue;
    if (Number.isNaN(M)) M = lg;
    // e^{l−M} = 2^k·e^r with |r| ≤ ln2/2 (as exp itself reduces its argument), and e^r = 1 + expm1(r):
    // the 1 is exact and expm1(r) accurate to an ulp of itself, so terms that nearly cancel keep
    // the relative accuracy of their difference (e^{−5} − e^{−5.000001}).
    const d = lg - M;
    const k = Math.round(d / Math.LN2);
    const r = (d - k * LN2_HI) - k * LN2_LO;
    sum.add(c, k);
    sum.add(c * Math.expm1(r), k);
  }
  if (sum.hi === 0) return [0, -Infinity]; // the rest cancelled too, to the double-double's precision
  // log|(hi + lo)·2^E·e^M| = M + E·ln 2 + log|hi| + log1p(lo/hi).
  const logAbs = M + (sum.E * LN2_HI + (sum.E * LN2_LO + (Math.log(Math.abs(sum.hi)) + Math.log1p(sum.lo / sum.hi))));
  return [Math.sign(sum.hi), logAbs];
}

/**
 * Σ sᵢ·e^{lᵢ} along `axis` of `shape` (signs and log-magnitudes of the same shape), as interleaved
 * [sign, log|Σ|] pairs in row-major order of the other axes (the result shape with the axis kept as
 * 1, then a trailing 2).
 *
 * Exactness and accuracy: terms with equal log-magnitudes are counted exactly (an integer per
 * distinct log-magnitude), so exact cancellation gives sign 0 and −∞ whatever the magnitudes.
 * The remaining terms t are added, largest log-magnitude M first, each as c·2^k·(1 + expm1(r)) in
 * double-double arithmetic scaled by powers of two (no underflow after cancellation). Each term then
 * carries the error of its own reduction l − M (at most u·|l − M|·|t|, u = 2⁻⁵³, which the rounding
 * of l itself already costs) plus about u·|t| for expm1, and the additions about 2⁻¹⁰⁶·Σ|t|: the
 * computed sum S̃ satisfies |S̃ − S| ≤ 2u·Σ|tᵢ|·(1 + |lᵢ − M|), and log|S̃| has a further rounding
 * of u·(|M| + |log|S̃||). NaN in a sign or log-magnitude, or +∞ magnitudes of both signs, give NaN.
 */
export function signedLogSumKernel(sign: Float64Array, logAbs: Float64Array, shape: readonly number[], axis: number): Float64Array {
  const n = shape[axis]!;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  const out = new Float64Array(2 * outer * inner);
  const order: number[] = new Array<number>(n);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const [s, l] = sumRow(sign, logAbs, o * n * inner + j, inner, n, order);
      const at = 2 * (o * inner + j);
      out[at] = s;
      out[at + 1] = l;
    }
  }
  return out;
}
