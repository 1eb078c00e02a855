/**
 * @file A contiguous row's product and its gradient's quotients — the eight interleaved chains and
 * the division pass — natively where Node's build is loaded (./native/nativeGemm.ts: nativeRows),
 * in WebAssembly SIMD (./wasm/vmath.ts), or in JavaScript, the same bits on every path; and the
 * small tests the product kernels (./products.ts) make of a row.
 */
import { divideIntoVector, productChainsVector } from './wasm/vmath.js';
import { nativeRows } from './native/nativeRows.js';
import { threadsInfo } from '../threads/pool.js';

/** The smallest positive normal float64; below it a product has lost relative precision. */
export const MIN_NORMAL = 2.2250738585072014e-308;

/** True when y is a finite, non-zero number with full relative precision (not subnormal). */
export function isNormal(y: number): boolean {
  const a = Math.abs(y);
  return a >= MIN_NORMAL && a < Infinity;
}

/**
 * Rows at least this long have their product and gradient quotients computed natively where Node's
 * build is loaded (./native/nativeGemm.ts: nativeRows; where WebAssembly's copies would start to
 * pay, ./wasm/vmath.ts), and the quotients split over the threads from NATIVE_SPLIT.
 */
const NATIVE_ROW = 4096;
const NATIVE_SPLIT = 1 << 15;
/** Rows at least this long are multiplied with several accumulators (shorter ones gain nothing). */
export const CHAINS_MIN = 32;

/**
 * x[start] ⋯ x[end − 1] (contiguous) with eight independent accumulators, combined pairwise at the
 * end: the multiplications no longer wait on one another (a serial product is bound by the
 * multiply's latency, about twice as slow). The rounding differs from the left-to-right loop's,
 * but the result is as accurate: n roundings either way.
 */
export function productChains(x: Float64Array, start: number, end: number): number {
  const native = end - start >= NATIVE_ROW ? nativeRows() : null; // long rows under Node: the same chains natively, in place
  if (native !== null) return native.product(x, start, end);
  const vector = productChainsVector(x, start, end); // long rows: the same chains in WebAssembly SIMD
  if (vector !== null) return vector;
  let a0 = 1, a1 = 1, a2 = 1, a3 = 1, a4 = 1, a5 = 1, a6 = 1, a7 = 1;
  let p = start;
  for (const last = end - 7; p < last; p += 8) {
    a0 *= x[p]!; a1 *= x[p + 1]!; a2 *= x[p + 2]!; a3 *= x[p + 3]!;
    a4 *= x[p + 4]!; a5 *= x[p + 5]!; a6 *= x[p + 6]!; a7 *= x[p + 7]!;
  }
  for (; p < end; p++) a0 *= x[p]!;
  return ((a0 * a1) * (a2 * a3)) * ((a4 * a5) * (a6 * a7));
}

/** x[start] ⋯ x[end − 1] (step `stride`) multiplied left to right, the rounding of the obvious loop. */
export function productSerial(x: Float64Array, start: number, end: number, stride: number): number {
  let acc = 1;
  for (let p = start; p < end; p += stride) acc *= x[p]!;
  return acc;
}

/** Whether x[start] ⋯ x[end − 1] (contiguous) holds a 0 or −0 (a native search). */
export function hasZero(x: Float64Array, start: number, end: number): boolean {
  return (start === 0 && end === x.length ? x : x.subarray(start, end)).indexOf(0) >= 0;
}

/**
 * out[p] = c / x[p] over a contiguous range: the division trick's loop, kept monomorphic and tight,
 * four per iteration (a quarter of the loop overhead, so the loop runs at the divider's throughput,
 * about a quarter faster than one per iteration).
 */
export function divideInto(out: Float64Array, x: Float64Array, c: number, start: number, end: number): void {
  const native = end - start >= NATIVE_ROW ? nativeRows() : null;
  if (native !== null) { // long rows under Node: natively, in place, split over the threads from NATIVE_SPLIT
    native.divide(out, x, c, start, end, end - start >= NATIVE_SPLIT ? threadsInfo().threads : 1);
    return;
  }
  if (divideIntoVector(out, x, c, start, end)) return; // long rows: two quotients per instruction in WebAssembly
  let p = start;
  for (const last = end - 3; p < last; p += 4) {
    const x0 = x[p]!, x1 = x[p + 1]!, x2 = x[p + 2]!, x3 = x[p + 3]!;
    out[p] = c / x0; out[p + 1] = c / x1; out[p + 2] = c / x2; out[p + 3] = c / x3;
  }
  for (; p < end; p++) out[p] = c / x[p]!;
}
