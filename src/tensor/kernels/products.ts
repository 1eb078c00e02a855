/** @file Product kernels along an axis: row products, cumulative products, linear recurrences and leave-one-out products (the log-magnitude of a product: ./logAbsProd.ts). */
import { CHAINS_MIN, MIN_NORMAL, divideInto, hasZero, isNormal, productChains, productSerial } from './rowProducts.js';
import { sizeOf, type Shape } from '../shape.js';
import { uninitializedF64 } from '../alloc.js';
import { scaledCumprod, scaledCumprodCotangent, scaledLeaveOneOut, scaledLeaveOneOutTangent, scaledProductExcept, scaledQuotients } from './scaledProducts.js';

/** Splits `shape` around `axis` into the product before it, its length, and the product after it. */
export function aroundAxis(shape: Shape, axis: number): [outer: number, n: number, inner: number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/**
 * The product along `axis`, kept as length 1. An empty axis gives 1.
 *
 * A contiguous row of 32 or more factors is multiplied with eight interleaved accumulators
 * (productChains): correct to rounding, but not bit-for-bit the left-to-right loop's value.
 * Shorter rows, and strided axes (whose rows are already independent accumulators), are
 * multiplied left to right. When a row's result is not a normal number (±∞, NaN, subnormal, or 0
 * — a partial product may have left the range although the product need not: 10⁻¹⁶⁰ twenty
 * times, then 10¹⁶⁰ twenty times, is 1, not the loop's 0), the row is multiplied again with a
 * separate binary exponent (scaledProductExcept), so the result is the true product rounded once
 * into range: 0 or ±∞ only where the product itself is out of range, NaN where a factor is NaN or
 * ∞ meets 0. A 0 from a contiguous row that holds a zero factor (a native search) is kept as is: it
 * is then the exact product (with a ±∞ or NaN factor the accumulators would have given NaN).
 * NumPy and PyTorch return the loop's 0 or ∞ there. The partial products are not watched (a
 * check per factor costs about half the loop): one that dips into the subnormals and comes back
 * to a normal result keeps the digits it lost there, as in NumPy and PyTorch (docs/products.md).
 */
export function prodKernel(x: Float64Array, shape: Shape, axis: number): Float64Array {
  const [outer, n, inner] = aroundAxis(shape, axis);
  const out = new Float64Array(outer * inner).fill(1);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    if (inner === 1) {
      const y = n < CHAINS_MIN ? productSerial(x, base, base + n, 1) : productChains(x, base, base + n);
      out[o] = isNormal(y) || (y === 0 && hasZero(x, base, base + n)) ? y : scaledProductExcept(x, 1, base, base + n, 1, -1);
      continue;
    }
    // Strided axis: sweep the rows in memory order, multiplying into the inner accumulators.
    const ob = o * inner;
    for (let i = 0, p = base; i < n; i++) for (let j = 0; j < inner; j++, p++) out[ob + j] *= x[p]!;
    for (let j = 0; j < inner; j++) if (!isNormal(out[ob + j]!)) out[ob + j] = scaledProductExcept(x, 1, base + j, base + j + n * inner, inner, -1);
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
      const first = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      let acc = 1, p = first;
      if (exclusive) for (let i = 0; i < n; i++, p += step) { out[p] = acc; acc *= x[p]!; }
      else for (let i = 0; i < n; i++, p += step) { acc *= x[p]!; out[p] = acc; }
      if (!isNormal(acc)) repairCumprod(x, out, first, step, n, exclusive);
    }
  }
  return out;
}

/**
 * A lane of cumprod whose full product is not normal (0, subnormal, ±∞ or NaN): the plain loop's
 * outputs are exact up to the first one that is not normal. If the factor that made it so is 0,
 * ±∞ or NaN, the loop's outputs from there on are exact too (IEEE products with 0, ∞ and NaN). If
 * it is finite and non-zero, the running product left the range by magnitude alone (10³⁰⁰, 10³⁰⁰,
 * 10⁻³⁰⁰ gave ∞ where the product is 10³⁰⁰), and the lane goes on from there with a separate
 * exponent (scaledCumprod). A lane whose product ends normal is not looked at again (a check per
 * factor costs about half the loop): a running product that dips into the subnormals and comes back
 * keeps the digits it lost there, as in NumPy and PyTorch.
 */
function repairCumprod(x: Float64Array, out: Float64Array, p: number, step: number, n: number, exclusive: boolean): void {
  // The first output that is not normal: out[i] for an inclusive product, made by factor i; an
  // exclusive product's out[i] is made by factor i − 1 (out[0] = 1).
  for (let i = exclusive ? 1 : 0, q = p + (exclusive ? step : 0); i < n; i++, q += step) {
    if (isNormal(out[q]!)) continue;
    const f = exclusive ? q - step : q; // the factor's position
    const v = x[f]!;
    if (v === 0 || !Number.isFinite(v)) return; // exact from here on
    const before = f === p ? 1 : exclusive ? out[f]! : out[f - step]!;
    scaledCumprod(x, out, f, step, exclusive ? n - i + 1 : n - i, before, exclusive);
    return;
  }
}

/**
 * The first-order linear recurrence r_k = a_k · r_{k−1} + b_k along `axis`, r_{−1} = 0; with
 * `reverse`, r_k = a_k · r_{k+1} + b_k from the end. `a` and `b` have the same shape. A zero r_{k−1}
 * or a_k contributes nothing (a strong zero, as mulStrong): a_k = ∞ or NaN against r_{k−1} = 0 gives r_k = b_k.
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
      // a_k · r_{k−1} as mulStrong (0 where either is 0, whatever the other): the recurrence runs
      // tangents and cotangents (cumprod's rules), where a zero is a strong zero.
      for (let i = 1; i < n; i++, p += step) { const ak = a[p]!; r = r === 0 || ak === 0 ? b[p]! : ak * r + b[p]!; out[p] = r; }
    }
  }
  return out;
}

function allFinite(x: Float64Array, start: number, end: number, stride: number): boolean {
  for (let p = start; p < end; p += stride) if (!Number.isFinite(x[p]!)) return false;
  return true;
}

function allNormal(y: Float64Array): boolean {
  for (let i = 0; i < y.length; i++) if (!isNormal(y[i]!)) return false;
  return true;
}

/**
 * s · Π_{j≠i} x_j for a row of n finite, non-zero factors whose product (or s times it) left the
 * float64 range: prefix and suffix products with a separate exponent for rows shorter than
 * CHAINS_MIN (the fewest roundings: no division), the division trick with a separate exponent for
 * longer ones (as fast as the trick in range; one rounding more, as there).
 */
function scaledLeaveOneOutOf(out: Float64Array, x: Float64Array, s: number, start: number, end: number, inner: number, n: number): void {
  if (n < CHAINS_MIN) scaledLeaveOneOut(out, x, s, start, end, inner);
  else scaledQuotients(out, x, s, start, end, inner);
}

/** Block length of the contiguous zero scan: each block is multiplied fast and looked at closely only if its product is not normal. */
const SCAN_BLOCK = 512;

/**
 * The result of scanRow: the product q of the non-zero factors, how many are zero, the first zero's
 * index, and `lost`: a partial product multiplied factor by factor passed below the normal range
 * (subnormal or 0), so q may have lost digits there even where it is normal again.
 */
const scanned = { q: 1, zeros: 0, z: -1, lost: false };

/**
 * One pass over a row: the product of its non-zero factors, the number of zeros and where the first
 * one is, into `scanned`. A contiguous row is taken in blocks multiplied with interleaved
 * accumulators (productChains); a block whose product is normal has no zero (nor ±∞, NaN) and is
 * simply multiplied in, and only the others are checked factor by factor — so a row with one zero
 * costs about one fast product, not a branch per factor.
 */
function scanRow(x: Float64Array, start: number, end: number, inner: number): void {
  let q = 1, zeros = 0, z = -1, lost = false;
  if (inner === 1 && end - start >= CHAINS_MIN) {
    for (let b = start; b < end; b += SCAN_BLOCK) {
      const e = Math.min(b + SCAN_BLOCK, end);
      const bq = productChains(x, b, e);
      if (isNormal(bq)) { q *= bq; continue; }
      for (let p = b; p < e; p++) {
        const v = x[p]!;
        if (v === 0) { if (zeros++ === 0) z = p; } else { q *= v; if (Math.abs(q) < MIN_NORMAL) lost = true; }
      }
    }
  } else {
    // Two interleaved products halve the multiply chain's latency.
    let q0 = 1, q1 = 1;
    let p = start;
    for (const last = end - inner; p < last; p += 2 * inner) {
      const v0 = x[p]!, v1 = x[p + inner]!;
      if (v0 === 0) { if (zeros++ === 0) z = p; } else q0 *= v0;
      if (v1 === 0) { if (zeros++ === 0) z = p + inner; } else q1 *= v1;
      if (Math.abs(q0) < MIN_NORMAL || Math.abs(q1) < MIN_NORMAL) lost = true;
    }
    if (p < end) { const v = x[p]!; if (v === 0) { if (zeros++ === 0) z = p; } else q0 *= v; }
    q = q0 * q1;
    if (Math.abs(q0) < MIN_NORMAL) lost = true;
  }
  scanned.q = q;
  scanned.zeros = zeros;
  scanned.z = z;
  scanned.lost = lost;
}

/** out[start], out[start + stride], … (before end) = 0. */
function zeroRow(out: Float64Array, start: number, end: number, stride: number): void {
  if (stride === 1) out.fill(0, start, end);
  else for (let p = start; p < end; p += stride) out[p] = 0;
}

/**
 * Leave-one-out products along `axis`: out_i = s · Π_{j≠i} x_j, with `scale` s one value per
 * row (the shape with `axis` removed; 1 when null) and `rowProducts` the rows' full products if
 * the caller has them. Each row takes the cheapest exact method for its values:
 *
 * - a full product y that is normal (not 0, not subnormal, not ±∞ or NaN) proves that no factor is
 *   0, ±∞ or NaN, so the division trick out_i = s · (y / x_i) is exact: one pass, O(1) extra memory.
 *   (Exact in the sense of one rounding more than y itself: y / x_i is the correctly rounded
 *   quotient. Multiplying by a precomputed 1 / x_i would add a rounding and save nothing — it is a
 *   division per factor too.) When every row takes this path, the output is not zero-filled first
 *   (uninitializedF64): the pass writes every entry;
 * - otherwise one pass finds the zeros and the product q of the other factors (scanRow). Two or
 *   more zeros (all factors finite): every leave-one-out product contains a zero, so the row is 0.
 *   Exactly one zero at z: out_z = s · q, the rest 0 (q out of range: the product of the others with
 *   a separate exponent). No zero and q normal (y was not given): the division trick with q;
 * - finite factors, no zero, and y (or q) out of range: the product left the float64 range although
 *   the leave-one-out products need not (10⁻¹⁰ forty times, then 10³⁰⁰ and 10¹⁰⁰: L_i = 10¹⁰ for the
 *   first forty, while plain prefix products underflow to 0 and suffix products overflow). Rows
 *   of 32 or more factors take the division trick again, with s · y kept as a mantissa and a
 *   separate binary exponent (scaledQuotients), each s · L_i rounded once into range — so a product
 *   of 10⁵ factors from (0, 1), which underflows, costs 3–4× one in range, not 30×; shorter rows
 *   take prefix and suffix products with a separate exponent (scaledLeaveOneOut: no division, the
 *   fewest roundings). So too where y is normal but s · y is not (a tiny or huge cotangent);
 * - what is left (±∞ or NaN factors): prefix and suffix products with a separate exponent
 *   (scaledLeaveOneOut) — no division, IEEE products of ±∞, 0 and NaN (±∞ · 0 = NaN exactly where
 *   the product of the others has it), each s · L_i rounded once.
 *
 * A zero scale gives a zero row whatever the factors (the strong zero of derivative rules).
 */
export function leaveOneOutKernel(
  x: Float64Array, shape: Shape, axis: number, scale: Float64Array | null, rowProducts: Float64Array | null,
): Float64Array {
  if (x.length === 0) return new Float64Array(0);
  // All rows by the division trick: every entry is written, so skip the zero fill.
  const zeroed = !(rowProducts !== null && allNormal(rowProducts));
  const out = zeroed ? new Float64Array(x.length) : uninitializedF64(x.length);
  const [outer, n, inner] = aroundAxis(shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const row = o * inner + j;
      const s = scale === null ? 1 : scale[row]!;
      const start = o * n * inner + j;
      const end = start + n * inner;
      if (s === 0) { if (!zeroed) zeroRow(out, start, end, inner); continue; }
      let y = rowProducts === null ? NaN : rowProducts[row]!;
      // A given product of exactly 0 with no zero factor is an underflow of finite, non-zero factors
      // (a NaN or ±∞ factor would have made it NaN or ±∞): no scan needed to know the row's case.
      if (y === 0 && !laneHasZero(x, start, inner, n)) { scaledLeaveOneOutOf(out, x, s, start, end, inner, n); continue; }
      if (!isNormal(y)) {
        scanRow(x, start, end, inner);
        const { q, zeros, z, lost } = scanned;
        // q is used as it is only where it is normal and never passed below the normal range: a
        // partial product that was subnormal kept only the digits above 2⁻¹⁰⁷⁴ (10⁻³⁰⁰ · 1.2345678901·10⁻¹⁵
        // · 10³⁰⁰ = 1.23456789·10⁻¹⁵, ten digits), which y / x_i would pass on to every L_i.
        const qExact = isNormal(q) && !lost;
        // q = ±∞ from overflow alone, or NaN from an underflowed 0 times an overflowed ∞, still means
        // every factor may be finite (rare: look again).
        const finiteFactors = Number.isFinite(q) || allFinite(x, start, end, inner);
        if (finiteFactors && zeros >= 2) continue;
        if (finiteFactors && zeros === 1) { out[z] = qExact ? s * q : scaledProductExcept(x, s, start, end, inner, z); continue; }
        // The row's product left the float64 range (or q did, or its running product passed through
        // the subnormals and lost digits): the scaled rule for the row's length (scaledLeaveOneOutOf).
        if (finiteFactors && (rowProducts !== null || !qExact)) { scaledLeaveOneOutOf(out, x, s, start, end, inner, n); continue; }
        y = zeros === 0 ? q : NaN;
      }
      if (isNormal(y)) {
        // s·L_i = (s·y) / x_i: with s·y normal, one correctly rounded division, out of range only
        // where s·L_i is. Not s·(y / x_i): y / x_i leaves the range where s·L_i need not (y = 10¹⁰,
        // x_i = 10⁻³⁰⁰, s = 10⁻³⁰⁰: ∞ · 10⁻³⁰⁰ = ∞ for s·L_i = 10¹⁰).
        const sy = s * y;
        if (isNormal(sy)) {
          if (inner === 1) divideInto(out, x, sy, start, end);
          else for (let p = start; p < end; p += inner) out[p] = sy / x[p]!;
        } else scaledLeaveOneOutOf(out, x, s, start, end, inner, n); // s·y out of range (a tiny or huge cotangent): y's factors are finite and not 0
        continue;
      }
      // ±∞ or NaN factors: prefix and suffix products with a separate exponent. Plain ones would
      // give 0 · ∞ = NaN or 0 where s·L_i is finite ([∞, 10³⁰⁰, 10³⁰⁰, 10⁻³⁰⁰, 10⁻³⁰⁰]: L_0 = 1, L_1 = ∞).
      scaledLeaveOneOut(out, x, s, start, end, inner);
    }
  }
  return out;
}

/** Whether a lane (n positions from `start` by `step`) holds a 0 or −0. */
function laneHasZero(x: Float64Array, start: number, step: number, n: number): boolean {
  if (step === 1) return hasZero(x, start, start + n);
  for (let k = 0, p = start; k < n; k++, p += step) if (x[p] === 0) return true;
  return false;
}

/**
 * The first-order cotangent of the cumulative product along `axis` (`out` its value, `g` its
 * cotangent, `reverse` and `exclusive` as in cumprodKernel), in one backward pass per row:
 * x̄_k = s_k · e_k (a strong product: 0 where either is 0), with e the exclusive products — `out`
 * itself when exclusive, else the inclusive product one place before (the same multiplications, so
 * the same bits; e_0 = 1) — and s the transposed recurrence s_k = x_{k+1} s_{k+1} + b_k, b = g
 * (inclusive) or g one place on (exclusive; s_{n−1} = b_{n−1}). Bit for bit what cumprod's rule
 * computes with the linear-recurrence and shift ops, in one pass instead of five — in every lane
 * where e and s stay in the normal range; a lane where they leave it by magnitude is computed again
 * with a separate exponent (scaledCumprodCotangent), which the ops do not.
 */
export function cumprodCotangentKernel(
  x: Float64Array, out: Float64Array, g: Float64Array, shape: Shape, axis: number, reverse: boolean, exclusive: boolean,
): Float64Array {
  const res = new Float64Array(x.length);
  const [outer, n, inner] = aroundAxis(shape, axis);
  if (n === 0) return res;
  const step = reverse ? -inner : inner; // from one element to the next in scan order
  const lane = exclusive ? exclusiveCotangentLane : inclusiveCotangentLane;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j + (reverse ? (n - 1) * inner : 0);
      const p = start + (n - 1) * step; // scan position n − 1
      // e_{n−1} not normal settles it before the pass below: subnormal, ±∞ or NaN always sends the
      // lane to the scaled rule, and so does 0 with no zero factor in the lane (an underflow — a
      // cumprod of many factors from (0, 1)); the pass would be computed and thrown away.
      const eLast = n === 1 ? 1 : exclusive ? out[p]! : out[p - step]!;
      if ((!isNormal(eLast) && (eLast !== 0 || !laneHasZero(x, start, step, n))) || lane(x, out, g, res, start, step, n)) {
        scaledCumprodCotangent(x, g, res, start, step, n, exclusive);
      }
    }
  }
  return res;
}

/*
 * One lane of cumprodCotangentKernel's pass, inclusive and exclusive apart (the variant's choices
 * hoisted out of the loop: about 1.3× the speed of one loop asking at every element). Each writes
 * res[p] = s_k · e_k from scan position n − 1 down to 0 and returns whether the lane must be
 * computed again with a separate exponent: e or s left the normal range by magnitude alone (x̄_k
 * = s_k · e_k may be in range when e_k under- and s_k overflows: [1e-300, 1e-300, 1e200, 1e200,
 * 1e200], ḡ = e₄, has x̄_0 = 1e300 and x̄_2 = 1e-200, where the plain values gave ∞ and 0), or
 * an e_k = 0 came before any zero factor (an underflow, not an exact zero: e_k = Π_{j<k} x_j is
 * an exact 0 only if a factor before k is 0). An exact zero is in range: e_k = 0 after a zero
 * factor, s_k = 0 when nothing fed it.
 */

/** Inclusive: e_k = c_{k−1} (the output one place before; e_0 = 1), s_{n−1} = g_{n−1}, s_{k−1} = x_k s_k + g_{k−1}. */
function inclusiveCotangentLane(x: Float64Array, out: Float64Array, g: Float64Array, res: Float64Array, start: number, step: number, n: number): boolean {
  let p = start + (n - 1) * step;
  let sk = g[p]!;
  let outOfRange = !isNormal(sk) && sk !== 0;
  let firstEZero = n, firstZeroFactor = x[start] === 0 ? 0 : n;
  for (let k = n - 1; k > 0; k--) {
    const e = out[p - step]!;
    res[p] = sk === 0 || e === 0 ? 0 : sk * e;
    if (e === 0) firstEZero = k;
    else if (!isNormal(e)) outOfRange = true;
    const v = x[p]!;
    p -= step;
    if (v === 0) firstZeroFactor = k;
    const t = sk === 0 || v === 0 ? 0 : v * sk; // a strong zero, as mulStrong: whatever the other factor (∞, NaN)
    if (!isNormal(t) && v !== 0 && sk !== 0) outOfRange = true;
    sk = t + g[p]!;
    if (!isNormal(sk) && sk !== 0) outOfRange = true;
  }
  res[p] = sk === 0 ? 0 : sk; // e_0 = 1: s_0 · 1 is s_0
  return outOfRange || (firstEZero < n && firstEZero <= firstZeroFactor);
}

/** Exclusive: e_k = out_k itself, s_{n−1} = 0, s_{k−1} = x_k s_k + g_k (g one place on). */
function exclusiveCotangentLane(x: Float64Array, out: Float64Array, g: Float64Array, res: Float64Array, start: number, step: number, n: number): boolean {
  let p = start + (n - 1) * step;
  let sk = 0, outOfRange = false;
  let firstEZero = n, firstZeroFactor = x[start] === 0 ? 0 : n;
  for (let k = n - 1; k > 0; k--) {
    const e = out[p]!;
    res[p] = sk === 0 || e === 0 ? 0 : sk * e;
    if (e === 0) firstEZero = k;
    else if (!isNormal(e)) outOfRange = true;
    const v = x[p]!, b = g[p]!;
    p -= step;
    if (v === 0) firstZeroFactor = k;
    const t = sk === 0 || v === 0 ? 0 : v * sk; // a strong zero, as mulStrong: whatever the other factor (∞, NaN)
    if (!isNormal(t) && v !== 0 && sk !== 0) outOfRange = true;
    sk = t + b;
    if (!isNormal(sk) && sk !== 0) outOfRange = true;
  }
  const e = out[p]!; // e_0 = 1 as cumprodKernel writes it
  res[p] = sk === 0 || e === 0 ? 0 : sk * e;
  if (e === 0) firstEZero = 0;
  else if (!isNormal(e)) outOfRange = true;
  return outOfRange || (firstEZero < n && firstEZero <= firstZeroFactor);
}

/**
 * The tangent of the leave-one-out products along `axis` in direction t — the Hessian of the
 * product applied to t, H_kj = Π_{i≠j,k} x_i (0 on the diagonal), which is symmetric, so it is also
 * their cotangent for cotangent t:
 *
 *   out_k = Σ_{j≠k} t_j Π_{i≠j,k} x_i = Ė_k S_k + E_k Ṡ_k,
 *
 * E_k = Π_{i<k} x_i, S_k = Π_{i>k} x_i (exclusive products from either end) and Ė, Ṡ their tangents,
 * the recurrences Ė_{k+1} = x_k Ė_k + t_k E_k and Ṡ_{k−1} = x_k Ṡ_k + t_k S_k. No division, so exact
 * with any zeros. Computed as cumprod's and linearRecurrence's kernels would (the same operations in
 * the same order), then, in a row of finite x and t where a product of two non-zero numbers left the
 * normal range or a sum overflowed, again with a separate exponent (scaledLeaveOneOutTangent): E
 * may overflow where Ṡ underflows and their product is O(1) — 10⁴ factors 10^±5 gave ∞ or 0 for an
 * O(1) entry of H·t. Rows with ±∞ or NaN keep the IEEE values of the plain recurrences.
 */
export function leaveOneOutTangentKernel(x: Float64Array, t: Float64Array, shape: Shape, axis: number): Float64Array {
  const out = new Float64Array(x.length);
  const [outer, n, inner] = aroundAxis(shape, axis);
  if (x.length === 0 || n === 0) return out;
  const E = new Float64Array(n), D = new Float64Array(n); // E_k and Ė_k of one row
  // a · b as mulStrong computes it (0 where either is 0), noting a product of non-zero numbers that left the normal range.
  let bad = false;
  const strong = (a: number, b: number): number => {
    if (a === 0 || b === 0) return 0;
    const r = a * b;
    if (!isNormal(r)) bad = true;
    return r;
  };
  // a · b as IEEE computes it (cumprod's and the recurrence's products), noting the same.
  const plain = (a: number, b: number): number => {
    const r = a * b;
    if (a !== 0 && b !== 0 && !isNormal(r)) bad = true;
    return r;
  };
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const start = o * n * inner + j;
      bad = false;
      let finite = true, acc = 1, r = 0;
      for (let k = 0, p = start; k < n; k++, p += inner) {
        const v = x[p]!, tv = t[p]!;
        if (!(Math.abs(v) < Infinity && Math.abs(tv) < Infinity)) finite = false;
        E[k] = acc;
        D[k] = r; // Ė_k = r_{k−1} (Ė_0 = 0)
        const b = strong(tv, acc);
        r = k === 0 ? b : plain(v, r) + b;
        if (!(Math.abs(r) < Infinity)) bad = true;
        acc = plain(acc, v);
      }
      acc = 1; r = 0;
      for (let k = n - 1, p = start + (n - 1) * inner; k >= 0; k--, p -= inner) {
        const v = x[p]!, tv = t[p]!;
        const value = strong(D[k]!, acc) + strong(r, E[k]!); // Ė_k S_k + Ṡ_k E_k
        if (!(Math.abs(value) < Infinity)) bad = true;
        out[p] = value;
        const b = strong(tv, acc);
        r = k === n - 1 ? b : plain(v, r) + b;
        if (!(Math.abs(r) < Infinity)) bad = true;
        acc = plain(acc, v);
      }
      if (bad && finite) scaledLeaveOneOutTangent(x, t, out, start, inner, n);
    }
  }
  return out;
}
