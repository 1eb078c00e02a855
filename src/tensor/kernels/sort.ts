/** @file Sorting along one axis as a permutation (stable, NaN greatest), and the position of the first maximum or minimum. */
import { sizeOf, type Shape } from '../shape.js';

/** Below this many entries a run is sorted by insertion; merging takes over above it. */
const RUN = 16;

/**
 * For each lane along `axis`, the positions (0…n−1) of its entries in sorted order, laid out as
 * `x` (so it is take_along_axis's index for the sorted values). Stable: equal entries keep their
 * order, −0 and 0 are equal. NaN counts as greater than +∞, as NumPy's sort puts it last;
 * descending is ascending reversed except that ties still keep their order (JAX's `descending`),
 * so NaNs come first. With `k` < n only the first k positions of each lane are kept (top-k), the
 * result then having length k along the axis.
 */
export function argsortKernel(x: Float64Array, shape: Shape, axis: number, descending: boolean, k = shape[axis]!): Int32Array {
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const out = new Int32Array(outer * k * inner);
  // Scratch for one lane, reused by every lane: sort keys by position, the order, and the merge buffer.
  const keys = new Float64Array(n);
  const order = new Int32Array(n);
  const merge = new Int32Array(n);
  const nans = new Int32Array(n);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      // NaNs are set aside (in order) so the comparisons below are plain `<`; negated keys sort
      // descending while `<` keeps ties in their original order.
      let m = 0, nanCount = 0;
      for (let p = 0; p < n; p++) {
        const v = x[base + p * inner]!;
        keys[p] = descending ? -v : v;
        if (v !== v) nans[nanCount++] = p;
        else order[m++] = p;
      }
      sortPositions(order, merge, m, keys);
      // The lane's order is [sorted, NaNs] ascending, [NaNs, sorted] descending; its first k are written.
      let dst = o * k * inner + j, q = 0;
      if (descending) for (let r = 0; r < nanCount && q < k; r++, q++, dst += inner) out[dst] = nans[r]!;
      for (let r = 0; r < m && q < k; r++, q++, dst += inner) out[dst] = order[r]!;
      if (!descending) for (let r = 0; r < nanCount && q < k; r++, q++, dst += inner) out[dst] = nans[r]!;
    }
  }
  return out;
}

/** Stable sort of order[0…m) by keys[order[i]]: insertion sort on short runs, then bottom-up merges. */
function sortPositions(order: Int32Array, merge: Int32Array, m: number, keys: Float64Array): void {
  for (let lo = 0; lo < m; lo += RUN) {
    const hi = Math.min(lo + RUN, m);
    for (let i = lo + 1; i < hi; i++) {
      const p = order[i]!, k = keys[p]!;
      let j = i - 1;
      // Strictly greater moves right: equal keys stay behind, so the sort is stable.
      while (j >= lo && keys[order[j]!]! > k) { order[j + 1] = order[j]!; j--; }
      order[j + 1] = p;
    }
  }
  let src = order, dst = merge;
  for (let width = RUN; width < m; width *= 2) {
    for (let lo = 0; lo < m; lo += 2 * width) {
      const mid = Math.min(lo + width, m), hi = Math.min(lo + 2 * width, m);
      let i = lo, j = mid, k = lo;
      // Take from the right run only when strictly smaller: ties keep the left (earlier) entry first.
      while (i < mid && j < hi) dst[k++] = keys[src[j]!]! < keys[src[i]!]! ? src[j++]! : src[i++]!;
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  if (src !== order) order.set(src.subarray(0, m));
}

/**
 * The position along `axis` of the first maximum (or minimum) of each lane, as NumPy's argmax:
 * the first occurrence among ties, and the first NaN where a lane holds one (NaN propagates, as
 * through `max`). Laid out as the reduced shape; every lane must be non-empty.
 */
export function extremumIndexKernel(x: Float64Array, shape: Shape, axis: number, which: 'max' | 'min'): Float64Array {
  const n = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const outer = sizeOf(shape.slice(0, axis));
  const out = new Float64Array(outer * inner);
  const sign = which === 'max' ? 1 : -1;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      let best = 0, bestValue = sign * x[base]!;
      for (let p = 1; p < n && bestValue === bestValue; p++) {
        const v = sign * x[base + p * inner]!;
        // `v !== v` catches a NaN; a strict `>` keeps the first of tied extrema.
        if (v > bestValue || v !== v) { best = p; bestValue = v; }
      }
      out[o * inner + j] = best;
    }
  }
  return out;
}
