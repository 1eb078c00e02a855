/**
 * @file Gathers and scatters along one axis with an index per position (NumPy's take_along_axis
 * and put_along_axis). Arrays are read as [outer, length, inner]: x has length n along the axis,
 * the indices (already in [0, n)) and the gathered values or updates have length m, and both
 * share outer and inner.
 */
import { allocF64 } from '../alloc.js';

/** The extents of a gather along one axis: x is [outer, n, inner], the indices [outer, m, inner]. */
export interface Lanes { readonly outer: number; readonly n: number; readonly m: number; readonly inner: number }

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

/**
 * Where a scatter that sets values lands when the last of repeated indices wins: `written` (laid
 * out as x) is 1 where some update lands, `wins` (laid out as the updates) is 1 for the update
 * that is kept — the last one, in index order along the axis, to name its target.
 */
export function scatterWinners(indices: Int32Array, { outer, n, m, inner }: Lanes): { written: Float64Array; wins: Float64Array } {
  const written = new Float64Array(outer * n * inner);
  const wins = new Float64Array(indices.length);
  for (let o = 0; o < outer; o++) {
    const dst = o * n * inner, src = o * m * inner;
    // Backwards, so the first update seen for a target is the last one written.
    for (let i = m - 1; i >= 0; i--) {
      const row = src + i * inner;
      for (let j = 0; j < inner; j++) {
        const target = dst + indices[row + j]! * inner + j;
        if (written[target] === 0) { written[target] = 1; wins[row + j] = 1; }
      }
    }
  }
  return { written, wins };
}

/** x with the winning updates written in: out[o, indices[o, i, j], j] = updates[o, i, j] where wins is 1. */
export function scatterKernel(
  x: Float64Array, updates: Float64Array, indices: Int32Array, wins: Float64Array, { outer, n, m, inner }: Lanes,
): Float64Array {
  const out = allocF64(x.length);
  out.set(x);
  for (let o = 0; o < outer; o++) {
    const dst = o * n * inner, src = o * m * inner;
    for (let i = 0; i < m; i++) {
      const row = src + i * inner;
      for (let j = 0; j < inner; j++) if (wins[row + j] === 1) out[dst + indices[row + j]! * inner + j] = updates[row + j]!;
    }
  }
  return out;
}
