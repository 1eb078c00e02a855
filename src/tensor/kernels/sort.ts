/** @file Sorting along one axis as a permutation (stable, NaN greatest), and the position of the first maximum or minimum. */
import { sizeOf, type Shape } from '../shape.js';

/** Below this many entries a run is sorted by insertion; merging takes over above it. */
const RUN = 16;
/** From this many entries a lane is sorted by radix (4 passes of 16 bits) rather than by merging (log₂(n/16) passes). */
const RADIX_MIN = 4096;
/** Which 32-bit word of a float64 holds the sign and exponent on this platform. */
const HI = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

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
  // Scratch for one lane, reused by every lane: the keys and positions being sorted (moved
  // together, so the merges read memory in order), their merge buffers, and the NaNs' positions.
  const keys = new Float64Array(n), keyBuffer = new Float64Array(n);
  const order = new Int32Array(n), orderBuffer = new Int32Array(n);
  const nans = new Int32Array(n);
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * n * inner + j;
      // NaNs are set aside (in order) so the comparisons below are plain `<`; negated keys sort
      // descending while `<` keeps ties in their original order.
      let m = 0, nanCount = 0;
      for (let p = 0; p < n; p++) {
        const v = x[base + p * inner]!;
        if (v !== v) nans[nanCount++] = p;
        // + 0 turns −0 into 0, so the radix pass (which reads bits) sees them equal as `<` does.
        else { keys[m] = (descending ? -v : v) + 0; order[m++] = p; }
      }
      if (m >= RADIX_MIN) radixSortPairs(keys, order, orderBuffer, m);
      else sortPairs(keys, order, keyBuffer, orderBuffer, m);
      // The lane's order is [sorted, NaNs] ascending, [NaNs, sorted] descending; its first k are written.
      let dst = o * k * inner + j, q = 0;
      if (descending) for (let r = 0; r < nanCount && q < k; r++, q++, dst += inner) out[dst] = nans[r]!;
      for (let r = 0; r < m && q < k; r++, q++, dst += inner) out[dst] = order[r]!;
      if (!descending) for (let r = 0; r < nanCount && q < k; r++, q++, dst += inner) out[dst] = nans[r]!;
    }
  }
  return out;
}

/** Stable sort of keys[0…m) carrying order[0…m) along: insertion sort on short runs, then bottom-up merges. */
function sortPairs(keys: Float64Array, order: Int32Array, keyBuffer: Float64Array, orderBuffer: Int32Array, m: number): void {
  for (let lo = 0; lo < m; lo += RUN) {
    const hi = Math.min(lo + RUN, m);
    for (let i = lo + 1; i < hi; i++) {
      const key = keys[i]!, p = order[i]!;
      let j = i - 1;
      // Strictly greater moves right: equal keys stay behind, so the sort is stable.
      while (j >= lo && keys[j]! > key) { keys[j + 1] = keys[j]!; order[j + 1] = order[j]!; j--; }
      keys[j + 1] = key;
      order[j + 1] = p;
    }
  }
  let srcKeys = keys, srcOrder = order, dstKeys = keyBuffer, dstOrder = orderBuffer;
  for (let width = RUN; width < m; width *= 2) {
    for (let lo = 0; lo < m; lo += 2 * width) {
      const mid = Math.min(lo + width, m), hi = Math.min(lo + 2 * width, m);
      let i = lo, j = mid, k = lo;
      // Take from the right run only when strictly smaller: ties keep the left (earlier) entry first.
      while (i < mid && j < hi) {
        if (srcKeys[j]! < srcKeys[i]!) { dstKeys[k] = srcKeys[j]!; dstOrder[k++] = srcOrder[j++]!; }
        else { dstKeys[k] = srcKeys[i]!; dstOrder[k++] = srcOrder[i++]!; }
      }
      for (; i < mid; i++, k++) { dstKeys[k] = srcKeys[i]!; dstOrder[k] = srcOrder[i]!; }
      for (; j < hi; j++, k++) { dstKeys[k] = srcKeys[j]!; dstOrder[k] = srcOrder[j]!; }
    }
    [srcKeys, dstKeys, srcOrder, dstOrder] = [dstKeys, srcKeys, dstOrder, srcOrder];
  }
  if (srcOrder !== order) order.set(srcOrder.subarray(0, m));
}

/**
 * Stable LSD radix sort of keys[0…m) (no NaNs, no −0) carrying order[0…m) along. Each float64 is
 * mapped to an unsigned 64-bit integer of the same order (negative numbers: all bits flipped;
 * others: the sign bit set), then sorted by four stable counting passes of 16 bits, lowest first.
 * O(m) instead of the merges' O(m log m), and without their unpredictable branches.
 */
function radixSortPairs(keys: Float64Array, order: Int32Array, orderBuffer: Int32Array, m: number): void {
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, 2 * m);
  let hi = new Uint32Array(m), lo = new Uint32Array(m), ord: Int32Array = order;
  let hiB = new Uint32Array(m), loB = new Uint32Array(m), ordB: Int32Array = orderBuffer;
  for (let i = 0; i < m; i++) {
    const h = bits[2 * i + HI]!, l = bits[2 * i + 1 - HI]!;
    const negative = h >>> 31 === 1;
    hi[i] = negative ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    lo[i] = negative ? ~l >>> 0 : l;
  }
  const count = new Uint32Array(65536);
  for (let pass = 0; pass < 4; pass++) {
    const words = pass < 2 ? lo : hi, shift = pass % 2 === 0 ? 0 : 16;
    count.fill(0);
    for (let i = 0; i < m; i++) count[(words[i]! >>> shift) & 0xffff]++;
    // A digit that every key shares moves nothing: skip the pass.
    if (count[(words[0]! >>> shift) & 0xffff] === m) continue;
    for (let d = 0, total = 0; d < 65536; d++) { const c = count[d]!; count[d] = total; total += c; }
    for (let i = 0; i < m; i++) {
      const dst = count[(words[i]! >>> shift) & 0xffff]++;
      hiB[dst] = hi[i]!; loB[dst] = lo[i]!; ordB[dst] = ord[i]!;
    }
    [hi, hiB, lo, loB, ord, ordB] = [hiB, hi, loB, lo, ordB, ord];
  }
  if (ord !== order) order.set(ord.subarray(0, m));
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
