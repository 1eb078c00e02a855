/** @file Product kernels along an axis: row products, cumulative products, linear recurrences and leave-one-out products. */
import { sizeOf, type Shape } from '../shape.js';

/** Splits `shape` around `axis` into the product before it, its length, and the product after it. */
export function aroundAxis(shape: Shape, axis: number): [outer: number, n: number, inner: number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** The smallest positive normal float64; below it a product has lost relative precision. */
const MIN_NORMAL = 2.2250738585072014e-308;

/** True when y is a finite, non-zero number with full relative precision (not subnormal). */
function isNormal(y: number): boolean {
  const a = Math.abs(y);
  return a >= MIN_NORMAL && a < Infinity;
}

/**
 * The product along `axis`, kept as length 1, multiplied left to right (one accumulator, so the
 * rounding is that of the obvious loop). An empty axis gives 1.
 */
export function prodKernel(x: Float64Array, shape: Shape, axis: number): Float64Array {
  const [outer, n, inner] = aroundAxis(shape, axis);
  const out = new Float64Array(outer * inner).fill(1);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    if (inner === 1) {
      let acc = 1;
      for (let p = base, end = base + n; p < end; p++) acc *= x[p]!;
      out[o] = acc;
      continue;
    }
    // Strided axis: sweep the rows in memory order, multiplying into the inner accumulators.
    const ob = o * inner;
    for (let i = 0, p = base; i < n; i++) for (let j = 0; j < inner; j++, p++) out[ob + j] *= x[p]!;
  }
  return out;
}

/**
 * Cumulative product along `axis`: inclusive c_k = Π_{j≤k} x_j, or exclusive e_k = Π_{j<k} x_j
 * (e_0 = 1); `reverse` runs from the end (Π_{j≥k}, Π_{j>k}).
 */
export function cumprodKernel(x: Float64Array, shape: Shape, axis: number, reverse: boolean, exclusive: boolean): Float64Array {
  const out = new Float64Array(x.length);
  if (x.length === 0) return out;
  const [outer, n, inner] = aroundAxis(shape, axis);
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let p = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      let acc = 1;
      if (exclusive) for (let i = 0; i < n; i++, p += step) { out[p] = acc; acc *= x[p]!; }
      else for (let i = 0; i < n; i++, p += step) { acc *= x[p]!; out[p] = acc; }
    }
  }
  return out;
}

/**
 * The first-order linear recurrence r_k = a_k · r_{k−1} + b_k along `axis`, r_{−1} = 0; with
 * `reverse`, r_k = a_k · r_{k+1} + b_k from the end. `a` and `b` have the same shape.
 */
export function linearRecurrenceKernel(a: Float64Array, b: Float64Array, shape: Shape, axis: number, reverse: boolean): Float64Array {
  const out = new Float64Array(a.length);
  if (a.length === 0 || shape[axis] === 0) return out;
  const [outer, n, inner] = aroundAxis(shape, axis);
  const step = reverse ? -inner : inner;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let p = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      let r = b[p]!; // r_0 = b_0: a_0 multiplies nothing (not even as ∞ · 0)
      out[p] = r;
      p += step;
      for (let i = 1; i < n; i++, p += step) { r = a[p]! * r + b[p]!; out[p] = r; }
    }
  }
  return out;
}

/** out[p] = c / x[p] over a contiguous range: the division trick's loop, kept monomorphic and tight. */
function divideInto(out: Float64Array, x: Float64Array, c: number, start: number, end: number): void {
  for (let p = start; p < end; p++) out[p] = c / x[p]!;
}

function allFinite(x: Float64Array, start: number, end: number, stride: number): boolean {
  for (let p = start; p < end; p += stride) if (!Number.isFinite(x[p]!)) return false;
  return true;
}

/**
 * Leave-one-out products along `axis`: out_i = s · Π_{j≠i} x_j, with `scale` s one value per
 * row (the shape with `axis` removed; 1 when null) and `rowProducts` the rows' full products if
 * the caller has them. Each row takes the cheapest exact method for its values:
 *
 * - a full product y that is normal (not 0, not subnormal, not ±∞ or NaN) proves that no factor is
 *   0, ±∞ or NaN, so the division trick out_i = s · (y / x_i) is exact: one pass, O(1) extra memory;
 * - otherwise one pass finds the zeros and the product q of the other factors. Two or more zeros
 *   (all factors finite): every leave-one-out product contains a zero, so the row is 0. Exactly one
 *   zero at z: out_z = s · q, the rest 0. No zero and q normal (y was not given): the division
 *   trick with q;
 * - what is left (y underflowed or overflowed without a zero factor, ±∞ or NaN factors): exclusive
 *   prefix products written forward into `out`, then multiplied in place by the exclusive suffix
 *   products on a backward pass — no division, and ±∞ · 0 = NaN exactly where the plain product of
 *   the others has it.
 *
 * A zero scale gives a zero row whatever the factors (the strong zero of derivative rules).
 */
export function leaveOneOutKernel(
  x: Float64Array, shape: Shape, axis: number, scale: Float64Array | null, rowProducts: Float64Array | null,
): Float64Array {
  const out = new Float64Array(x.length);
  if (x.length === 0) return out;
  const [outer, n, inner] = aroundAxis(shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const row = o * inner + j;
      const s = scale === null ? 1 : scale[row]!;
      if (s === 0) continue;
      const start = o * n * inner + j;
      const end = start + n * inner;
      let y = rowProducts === null ? NaN : rowProducts[row]!;
      if (!isNormal(y)) {
        // Two interleaved products halve the multiply chain's latency (this pass costs as much as f).
        let q0 = 1, q1 = 1, zeros = 0, z = -1;
        let p = start;
        for (const last = end - inner; p < last; p += 2 * inner) {
          const v0 = x[p]!, v1 = x[p + inner]!;
          if (v0 === 0) { if (zeros++ === 0) z = p; } else q0 *= v0;
          if (v1 === 0) { if (zeros++ === 0) z = p + inner; } else q1 *= v1;
        }
        if (p < end) { const v = x[p]!; if (v === 0) { if (zeros++ === 0) z = p; } else q0 *= v; }
        const q = q0 * q1;
        // q = ±∞ from overflow alone still means every factor is finite (rare: look again).
        const finiteFactors = Number.isFinite(q) || (Math.abs(q) === Infinity && allFinite(x, start, end, inner));
        if (finiteFactors && zeros >= 2) continue;
        if (finiteFactors && zeros === 1) { out[z] = s * q; continue; }
        y = zeros === 0 ? q : NaN;
      }
      if (isNormal(y)) {
        const sy = s * y;
        if (isNormal(sy) && inner === 1) divideInto(out, x, sy, start, end);
        else for (let p = start; p < end; p += inner) out[p] = s * (y / x[p]!);
        continue;
      }
      let acc = 1;
      for (let p = start; p < end; p += inner) { out[p] = acc; acc *= x[p]!; }
      acc = 1;
      for (let p = end - inner; p >= start; p -= inner) { out[p] = s * (out[p]! * acc); acc *= x[p]!; }
    }
  }
  return out;
}

const TWO_600 = 2 ** 600, TWO_M600 = 2 ** -600, TWO_400 = 2 ** 400, TWO_M400 = 2 ** -400;
const TWO_500 = 2 ** 500, TWO_M500 = 2 ** -500, TWO_200 = 2 ** 200, TWO_M200 = 2 ** -200;

/**
 * log |Π x_i| along `axis` (kept as length 1), without underflow or overflow and with a single
 * logarithm per row: the magnitudes are multiplied with a separate binary exponent e, so the
 * running product p stays in [2⁻²⁰⁰, 2²⁰⁰] (factors outside [2⁻⁵⁰⁰, 2⁵⁰⁰] are first scaled by
 * 2^∓600, and p by 2^∓400 when it leaves its range — powers of two, so exactly), and the result is
 * log p + e·ln 2. The error is that of the n roundings of p (≈ n·2⁻⁵³ absolute in the log), not
 * that of summing n logarithms. A zero factor gives −∞.
 */
export function logAbsProdKernel(x: Float64Array, shape: Shape, axis: number): Float64Array {
  const [outer, n, inner] = aroundAxis(shape, axis);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let p = 1, e = 0;
      for (let i = 0, q = o * n * inner + j; i < n; i++, q += inner) {
        let a = Math.abs(x[q]!);
        if (a < TWO_M500) { a *= TWO_600; e -= 600; }
        else if (a > TWO_500) { a *= TWO_M600; e += 600; }
        p *= a;
        if (p < TWO_M200 || p > TWO_200) {
          while (p < TWO_M200 && p > 0) { p *= TWO_400; e -= 400; }
          while (p > TWO_200 && p < Infinity) { p *= TWO_M400; e += 400; }
        }
      }
      out[o * inner + j] = Math.log(p) + e * Math.LN2;
    }
  }
  return out;
}
