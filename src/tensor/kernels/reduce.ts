/** @file Reductions along axes (sum, max, min, logsumexp) and cumulative sums, as (outer, n, inner) loops. */
import { sizeOf, type Shape } from '../shape.js';
import { allocF64, uninitializedF64 } from '../alloc.js';
import { vectorMath, vectorized } from './wasm/vmath.js';
import { rowSum } from './rowSum.js';
import { nativeRows } from './native/nativeRows.js';
import { threadsInfo } from '../threads/pool.js';

export type ReduceKernel = 'sum' | 'max' | 'min' | 'logsumexp';

/** Splits `shape` around `axis` into the product before it, its length, and the product after it. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/**
 * Sums over an axis with rows after it (a bias's gradient, 128 × 256 in W1) go to the native
 * kernel from this many entries (a call costs about a microsecond), and over its threads from
 * PARALLEL_SUM (hot, one thread against two: 32,768 entries 3.2 against 5.4 µs, 65,536 10.3
 * against 9.0, 131,072 21 against 15.5; alternating rounds in one process).
 */
const NATIVE_SUM_MIN = 1024;
const PARALLEL_SUM = 65536;

/** Reduces one axis, keeping it as length 1. */
function reduceOne(op: ReduceKernel, x: Float64Array, shape: Shape, axis: number): Float64Array {
  const [outer, n, inner] = around(shape, axis);
  if (op === 'logsumexp' && vectorized('exp', x.length)) return logsumexpVector(x, outer, n, inner);
  const out = allocF64(outer * inner);
  if (op === 'sum' && inner === 1) { // contiguous rows, NumPy's order (./rowSum.ts); reduceRow's dispatch per row cost 8 % on rows of 4
    for (let o = 0; o < outer; o++) out[o] = rowSum(x, o * n, n);
    return out;
  }
  if (op === 'sum' && inner >= 4 && x.length >= NATIVE_SUM_MIN) {
    // Natively where the addon is loaded: the same sums, four columns to a vector, split over the threads.
    const native = nativeRows();
    if (native !== null && native.columnSums(out, x, outer, n, inner, x.length >= PARALLEL_SUM ? threadsInfo().threads : 1)) return out;
  }
  const scratch = op === 'logsumexp' && inner > 1 ? new Float64Array(inner) : null;
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const ob = o * inner;
    if (inner === 1) {
      out[ob] = reduceRow(op, x, base, n);
      continue;
    }
    reduceLanes(op, x, base, n, inner, out, ob, scratch);
  }
  return out;
}

/**
 * out[ob + j] = the reduction over i of x[base + i·inner + j], for j < inner: whole rows at a
 * time (contiguous in j), with each lane accumulated in the order i = 0 … n − 1, so the result is
 * the same bit for bit as reducing each lane on its own (a short axis over long rows, such as the
 * K states of [K, K, edges] messages, is then as fast as a long one).
 */
function reduceLanes(
  op: ReduceKernel, x: Float64Array, base: number, n: number, inner: number, out: Float64Array, ob: number, scratch: Float64Array | null,
): void {
  const init = op === 'sum' ? 0 : op === 'min' ? Infinity : -Infinity;
  for (let j = 0; j < inner; j++) out[ob + j] = init;
  for (let i = 0, row = base; i < n; i++, row += inner) {
    if (op === 'sum') for (let j = 0; j < inner; j++) out[ob + j] += x[row + j]!;
    else if (op === 'min') for (let j = 0; j < inner; j++) { const v = x[row + j]!, a = out[ob + j]!; if (v < a || v !== v) out[ob + j] = v; }
    else for (let j = 0; j < inner; j++) { const v = x[row + j]!, a = out[ob + j]!; if (v > a || v !== v) out[ob + j] = v; }
  }
  if (scratch === null) return;
  // log Σ exp(x − m) + m per lane, as logsumexpShifted: a −∞, +∞ or NaN maximum is the result as is.
  const s = scratch.fill(0);
  for (let i = 0, row = base; i < n; i++, row += inner) {
    for (let j = 0; j < inner; j++) { const m = out[ob + j]!; if (Number.isFinite(m)) s[j] += Math.exp(x[row + j]! - m); }
  }
  for (let j = 0; j < inner; j++) { const m = out[ob + j]!; if (Number.isFinite(m)) out[ob + j] = m + Math.log(s[j]!); }
}

/** A reusable buffer of at least n float64s (contents undefined; never returned to a caller). */
let temp = new Float64Array(0);
function scratchOf(n: number): Float64Array {
  if (temp.length < n) temp = new Float64Array(Math.max(n, 2 * temp.length));
  return temp;
}

/**
 * logsumexp over the middle axis of an (outer, n, inner) layout in three passes, the exps as one
 * vector call (./wasm/vmath.ts, Math.exp's values to the bit): the maxima m (reduceLanes / row
 * maxima), then e = exp(x − m) over the whole array, then m + log Σ e with the sum in index order
 * — the same bits as the scalar loops above, at the vector kernel's speed.
 */
function logsumexpVector(x: Float64Array, outer: number, n: number, inner: number): Float64Array {
  const out = allocF64(outer * inner);
  for (let o = 0; o < outer; o++) {
    if (inner === 1) out[o] = reduceRow('max', x, o * n, n);
    else reduceLanes('max', x, o * n * inner, n, inner, out, o * inner, null);
  }
  const len = x.length, e = scratchOf(len);
  // A non-finite maximum is the result as is (below): its row is shifted by 0.
  if (inner === 1) {
    // Contiguous rows (the common case): one shift per row, tight loops, the same values and sums.
    for (let o = 0; o < outer; o++) {
      const m = out[o]!, shift = Number.isFinite(m) ? m : 0;
      for (let p = o * n, end = p + n; p < end; p++) e[p] = x[p]! - shift;
    }
  } else {
    for (let o = 0, p = 0; o < outer; o++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0, q = o * inner; j < inner; j++, p++, q++) {
          const m = out[q]!;
          e[p] = x[p]! - (Number.isFinite(m) ? m : 0);
        }
      }
    }
  }
  vectorMath('exp', e, e, len);
  const s = new Float64Array(outer * inner);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      let acc = 0; // in index order, as the general loop adds
      for (let p = o * n, end = p + n; p < end; p++) acc += e[p]!;
      s[o] = acc;
    }
  } else {
    for (let o = 0, p = 0; o < outer; o++) {
      for (let i = 0; i < n; i++) for (let j = 0, q = o * inner; j < inner; j++, p++, q++) s[q] += e[p]!;
    }
  }
  for (let q = 0; q < out.length; q++) {
    const m = out[q]!;
    if (Number.isFinite(m)) out[q] = m + Math.log(s[q]!);
  }
  return out;
}

/** A contiguous row's reduction. */
function reduceRow(op: ReduceKernel, x: Float64Array, base: number, n: number): number {
  if (op === 'sum') return rowSum(x, base, n); // NumPy's order (./rowSum.ts)
  let acc: number = op === 'min' ? Infinity : -Infinity;
  const end = base + n;
  if (op === 'max' || op === 'logsumexp') for (let p = base; p < end; p++) { const v = x[p]!; if (v > acc || v !== v) acc = v; }
  else for (let p = base; p < end; p++) { const v = x[p]!; if (v < acc || v !== v) acc = v; }
  return op === 'logsumexp' ? logsumexpShifted(x, base, 1, n, acc) : acc;
}

/**
 * log Σ exp(x) = m + log Σ exp(x − m) with m the maximum, so nothing overflows.
 * All −∞ gives −∞ (an empty sum), not NaN; a +∞ or NaN maximum is returned as is.
 */
function logsumexpShifted(x: Float64Array, start: number, stride: number, n: number, m: number): number {
  if (m === -Infinity || !Number.isFinite(m)) return m;
  let s = 0;
  if (stride === 1) for (let p = start, end = start + n; p < end; p++) s += Math.exp(x[p]! - m);
  else for (let i = 0, p = start; i < n; i++, p += stride) s += Math.exp(x[p]! - m);
  return m + Math.log(s);
}

/** Reduces `axes` (sorted, distinct); the result has the reduced axes kept as length 1. */
export function reduceKernel(op: ReduceKernel, x: Float64Array, shape: Shape, axes: readonly number[]): Float64Array {
  if (axes.length === 0) return x.slice();
  // Contiguous trailing axes collapse into one row reduction (the common case: last axis, or all).
  const first = axes[0]!;
  if (axes[axes.length - 1] === shape.length - 1 && axes.length === shape.length - first) {
    const collapsed = [...shape.slice(0, first), sizeOf(shape.slice(first))];
    return reduceOne(op, x, collapsed, first);
  }
  // Otherwise one axis at a time; sum, max, min and logsumexp are all associative across axes.
  let cur = x;
  const curShape = [...shape];
  for (let k = axes.length - 1; k >= 0; k--) {
    const ax = axes[k]!;
    cur = reduceOne(op, cur, curShape, ax);
    curShape[ax] = 1;
  }
  return cur;
}

/** Cumulative sum along `axis`; `reverse` sums from the end (the transpose of the forward sum). */
export function cumsumKernel(x: Float64Array, shape: Shape, axis: number, reverse: boolean): Float64Array {
  const out = uninitializedF64(x.length); // every entry written
  if (x.length === 0) return out;
  const [outer, n, inner] = around(shape, axis);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let acc = 0;
      if (!reverse) for (let i = 0, p = base; i < n; i++, p += inner) { acc += x[p]!; out[p] = acc; }
      else for (let i = n - 1, p = base + (n - 1) * inner; i >= 0; i--, p -= inner) { acc += x[p]!; out[p] = acc; }
    }
  }
  return out;
}

/**
 * The first-order VJP of logsumexp, max or min over contiguous `axes` in one pass, the fused form
 * of the rule in ops/reduce.ts (same arithmetic, same result bit for bit):
 *   logsumexp: ∂/∂x_p = g_q · e_p · (1/s_q), e_p = exp(x_p − y_q), s_q = Σ e over q's entries, with
 *              y = logsumexp x (−∞ read as 0) and an empty sum s_q = 0 read as 1 (all −∞: weights 0);
 *   max, min:  ∂/∂x_p = g_q / k_q where x_p = y_q (k_q tied extrema), else 0;
 * q is p's position in the output, and the product has the strong zero (a zero factor gives 0).
 * Returns null where the rule's generic form must run: non-contiguous axes, and for logsumexp
 * several axes that are not trailing (the generic sum adds those one axis at a time, in another order).
 */
export function weightedReduceVjpKernel(
  op: 'logsumexp' | 'max' | 'min', x: Float64Array, shape: Shape, axes: readonly number[], y: Float64Array, g: Float64Array,
): Float64Array | null {
  if (axes.length === 0) return null;
  const first = axes[0]!, last = axes[axes.length - 1]!;
  if (last - first + 1 !== axes.length) return null;
  const outer = sizeOf(shape.slice(0, first)), n = sizeOf(shape.slice(first, last + 1)), inner = sizeOf(shape.slice(last + 1));
  if (op === 'logsumexp') return inner === 1 || axes.length === 1 ? softmaxVjp(x, outer, n, inner, y, g) : null;
  const out = allocF64(x.length);
  const ties = new Float64Array(y.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      const row = (o * n + i) * inner, q0 = o * inner;
      for (let j = 0; j < inner; j++) if (x[row + j] === y[q0 + j]) ties[q0 + j]!++;
    }
  }
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      const row = (o * n + i) * inner, q0 = o * inner;
      for (let j = 0; j < inner; j++) {
        const q = q0 + j, p = row + j;
        const gq = g[q]!;
        if (gq === 0) continue;
        const w = (x[p] === y[q] ? 1 : 0) / ties[q]!; // 0/0 = NaN when no entry ties (a NaN extremum), as the rule
        out[p] = w === 0 ? 0 : gq * w;
      }
    }
  }
  return out;
}

/**
 * The exponent of x's term in a row whose logsumexp is +∞ (an entry +∞ and none NaN): 0 for the
 * entries at +∞, −∞ for the rest, so the weights are the limit of softmax as those entries grow,
 * 1/k on the k entries at +∞ and 0 elsewhere (logaddexp(∞, 1)'s [1, 0]); x − ∞ gave NaN to every
 * entry of the row, where torch.logsumexp and JAX give 0 to the finite ones. The composite rule
 * (ops/reduce.ts softmaxWeights) and the jit's fused copy (jit/elementwiseCodegen.ts) do the same.
 */
function infiniteShift(v: number): number { return v === Infinity ? 0 : -Infinity; }

/**
 * g_q · e_p · (1/s_q) over an (outer, n, inner) layout: e_p = exp(x_p − y_q) with y = lse (−∞
 * read as 0), summed as reduceKernel's sum adds them (a contiguous row in NumPy's order, ./rowSum.ts;
 * lanes in index order), then each weight e_p · (1/s_q) times g_q. One exp per entry, as exp(x − lse) alone took.
 */
function softmaxVjp(x: Float64Array, outer: number, n: number, inner: number, y: Float64Array, g: Float64Array): Float64Array {
  if (vectorized('exp', x.length)) return softmaxVjpVector(x, outer, n, inner, y, g);
  const out = uninitializedF64(x.length); // exps written, then overwritten by the weights
  const s = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner, q0 = o * inner;
    s.fill(0);
    for (let i = 0, p = base; i < n; i++) {
      for (let j = 0, q = q0; j < inner; j++, p++, q++) {
        const l = y[q]!;
        const e = Math.exp(l === Infinity ? infiniteShift(x[p]!) : x[p]! - (l === -Infinity ? 0 : l));
        out[p] = e;
        s[j] += e;
      }
    }
    if (inner === 1) s[0] = rowSum(out, base, n); // a contiguous row: the order of sum over a row
    for (let j = 0; j < inner; j++) s[j] = 1 / (s[j] === 0 ? 1 : s[j]!); // now the reciprocal
    for (let i = 0, p = base; i < n; i++) {
      for (let j = 0, q = q0; j < inner; j++, p++, q++) {
        const gq = g[q]!;
        const w = out[p]! * s[j]!;
        out[p] = gq === 0 || w === 0 ? 0 : gq * w;
      }
    }
  }
  return out;
}

/**
 * softmaxVjp with the exps as one vector call over the whole array (Math.exp's values to the
 * bit, so the same result as the loop above and as the generic rule's exp).
 */
function softmaxVjpVector(x: Float64Array, outer: number, n: number, inner: number, y: Float64Array, g: Float64Array): Float64Array {
  const out = uninitializedF64(x.length); // shifted inputs written, then exps, then weights
  const s = new Float64Array(outer * inner);
  if (inner === 1) {
    // Contiguous rows (the common case): the same passes with one shift, sum and scale per row.
    for (let o = 0; o < outer; o++) {
      const l = y[o]!, shift = l === -Infinity ? 0 : l;
      if (l === Infinity) for (let p = o * n, end = p + n; p < end; p++) out[p] = infiniteShift(x[p]!);
      else for (let p = o * n, end = p + n; p < end; p++) out[p] = x[p]! - shift;
    }
    vectorMath('exp', out, out, x.length);
    for (let o = 0; o < outer; o++) {
      const acc = rowSum(out, o * n, n); // as sum over a row adds (the generic rule's sum)
      const r = 1 / (acc === 0 ? 1 : acc), gq = g[o]!;
      for (let p = o * n, end = p + n; p < end; p++) {
        const w = out[p]! * r;
        out[p] = gq === 0 || w === 0 ? 0 : gq * w;
      }
    }
    return out;
  }
  for (let o = 0, p = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0, q = o * inner; j < inner; j++, p++, q++) {
        const l = y[q]!;
        out[p] = l === Infinity ? infiniteShift(x[p]!) : x[p]! - (l === -Infinity ? 0 : l);
      }
    }
  }
  vectorMath('exp', out, out, x.length);
  for (let o = 0, p = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) for (let j = 0, q = o * inner; j < inner; j++, p++, q++) s[q] += out[p]!;
  }
  for (let q = 0; q < s.length; q++) s[q] = 1 / (s[q] === 0 ? 1 : s[q]!); // now the reciprocal
  for (let o = 0, p = 0; o < outer; o++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0, q = o * inner; j < inner; j++, p++, q++) {
        const gq = g[q]!;
        const w = out[p]! * s[q]!;
        out[p] = gq === 0 || w === 0 ? 0 : gq * w;
      }
    }
  }
  return out;
}
