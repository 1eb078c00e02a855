/**
 * @file Gathers and scatters along one axis with an index per position (NumPy's take_along_axis
 * and put_along_axis). Arrays are read as [outer, length, inner]: x has length n along the axis,
 * the indices (already in [0, n)) and the gathered values or updates have length m, and both
 * share outer and inner.
 */
import { allocF64 } from '../alloc.js';

/** The extents of a gather along one axis: x is [outer, n, inner], the indices [outer, m, inner]. */
export interface Lanes { readonly outer: number; readonly n: number; readonly m: number; readonly inner: number }

/**
 * Indices given as float64 values, as whole numbers in [0, n) (negative ones counting from the
 * end, as NumPy's) written into `out`; returns the position of the first entry that is not an
 * integer in [−n, n), or −1 when all are.
 */
export function wholeIndices(data: Float64Array, n: number, out: Int32Array): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(Number.isInteger(v) && v >= -n && v < n)) return i;
    out[i] = v < 0 ? v + n : v;
  }
  return -1;
}

/** out[o, i, j] = x[o, indices[o, i, j], j]. */
export function gatherAlongKernel(x: Float64Array, indices: Int32Array, { outer, n, m, inner }: Lanes): Float64Array {
  const out = allocF64(indices.length);
  for (let o = 0; o < outer; o++) {
    const src = o * n * inner, dst = o * m * inner;
    for (let i = 0; i < m; i++) {
      const row = dst + i * inner;
      for (let j = 0; j < inner; j++) out[row + j] = x[src + indices[row + j]! * inner + j]!;
    }
  }
  return out;
}

/**
 * The transpose of the gather: out[o, indices[o, i, j], j] += g[o, i, j], into `out` (a zero
 * buffer of the gathered-from shape unless given); repeated indices accumulate in index order.
 */
export function scatterAddAlongKernel(
  g: Float64Array, indices: Int32Array, { outer, n, m, inner }: Lanes, out: Float64Array = allocF64(outer * n * inner),
): Float64Array {
  for (let o = 0; o < outer; o++) {
    const dst = o * n * inner, src = o * m * inner;
    for (let i = 0; i < m; i++) {
      const row = src + i * inner;
      for (let j = 0; j < inner; j++) out[dst + indices[row + j]! * inner + j] += g[row + j]!;
    }
  }
  return out;
}

/** x with updates written in index order, so the last of repeated indices wins: out[o, indices[o, i, j], j] = updates[o, i, j]. */
export function scatterKernel(x: Float64Array, updates: Float64Array, indices: Int32Array, { outer, n, m, inner }: Lanes): Float64Array {
  const out = allocF64(x.length);
  out.set(x);
  for (let o = 0; o < outer; o++) {
    const dst = o * n * inner, src = o * m * inner;
    for (let i = 0; i < m; i++) {
      const row = src + i * inner;
      for (let j = 0; j < inner; j++) out[dst + indices[row + j]! * inner + j] = updates[row + j]!;
    }
  }
  return out;
}
