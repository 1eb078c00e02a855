/** @file Reductions along axes (sum, max, min, logsumexp) and cumulative sums, as (outer, n, inner) loops. */
import { sizeOf, type Shape } from '../shape.js';

export type ReduceKernel = 'sum' | 'max' | 'min' | 'logsumexp';

/** Splits `shape` around `axis` into the product before it, its length, and the product after it. */
function around(shape: Shape, axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis]!, sizeOf(shape.slice(axis + 1))];
}

/** Reduces one axis, keeping it as length 1. */
function reduceOne(op: ReduceKernel, x: Float64Array, shape: Shape, axis: number): Float64Array {
  const [outer, n, inner] = around(shape, axis);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    const ob = o * inner;
    if (inner === 1) {
      out[ob] = reduceRow(op, x, base, n);
      continue;
    }
    for (let j = 0; j < inner; j++) {
      let acc = op === 'sum' ? 0 : op === 'min' ? Infinity : -Infinity;
      if (op === 'sum') for (let i = 0, p = base + j; i < n; i++, p += inner) acc += x[p]!;
      else if (op === 'max') for (let i = 0, p = base + j; i < n; i++, p += inner) { const v = x[p]!; if (v > acc || v !== v) acc = v; }
      else if (op === 'min') for (let i = 0, p = base + j; i < n; i++, p += inner) { const v = x[p]!; if (v < acc || v !== v) acc = v; }
      else {
        for (let i = 0, p = base + j; i < n; i++, p += inner) { const v = x[p]!; if (v > acc || v !== v) acc = v; }
        acc = logsumexpShifted(x, base + j, inner, n, acc);
      }
      out[ob + j] = acc;
    }
  }
  return out;
}

/** A contiguous row's reduction. */
function reduceRow(op: ReduceKernel, x: Float64Array, base: number, n: number): number {
  let acc = op === 'sum' ? 0 : op === 'min' ? Infinity : -Infinity;
  const end = base + n;
  if (op === 'sum') for (let p = base; p < end; p++) acc += x[p]!;
  else if (op === 'max' || op === 'logsumexp') for (let p = base; p < end; p++) { const v = x[p]!; if (v > acc || v !== v) acc = v; }
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
  for (let i = 0, p = start; i < n; i++, p += stride) s += Math.exp(x[p]! - m);
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
  const out = new Float64Array(x.length);
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
