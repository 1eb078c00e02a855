/**
 * @file Elementwise kernels of two operands beyond arithmetic — atan2, hypot, logaddexp, xlogy, fmod —
 * with NumPy broadcasting: an operand of the output's size (the same layout) or of one element
 * is read in place; any other is first materialised by binary.ts's broadcastKernel.
 */
import { sizeOf, type Shape } from '../shape.js';
import { uninitializedF64 } from '../alloc.js';
import { broadcastKernel } from './binary.js';

export type BinaryMathKernel = 'atan2' | 'hypot' | 'logaddexp' | 'xlogy' | 'fmod';

/**
 * log(eᵃ + eᵇ) = max + log1p(e^{−|a − b|}). Equal arguments give a + log 2, which also covers
 * ±∞ with ±∞ (where a − b is NaN): −∞ with −∞ is −∞, as NumPy's logaddexp.
 */
function logaddexp(a: number, b: number): number {
  if (a === b) return a + Math.LN2;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** x · log y, and 0 where x = 0 whatever y is (0, ∞ or negative) unless y is NaN, as SciPy's xlogy. */
function xlogy(x: number, y: number): number {
  return x === 0 && y === y ? 0 : x * Math.log(y);
}

/** The operand as read by the loop: itself when its layout is the output's or it has one element. */
function operand(x: Float64Array, shape: Shape, outShape: Shape, size: number): Float64Array {
  return x.length === size || x.length === 1 ? x : broadcastKernel(x, shape, outShape);
}

/** f(a, b) with broadcasting; `outShape` is the broadcast shape. */
export function binaryMathKernel(
  op: BinaryMathKernel, a: Float64Array, aShape: Shape, b: Float64Array, bShape: Shape, outShape: Shape,
): Float64Array {
  const n = sizeOf(outShape);
  const out = uninitializedF64(n); // every case writes every entry
  const x = operand(a, aShape, outShape, n);
  const y = operand(b, bShape, outShape, n);
  // Strides 1 or 0 (a single element read for every output); a size-1 output reads index 0 either way.
  const sx = x.length === n ? 1 : 0;
  const sy = y.length === n ? 1 : 0;
  switch (op) {
    case 'atan2': for (let i = 0, j = 0, k = 0; i < n; i++, j += sx, k += sy) out[i] = Math.atan2(x[j]!, y[k]!); break;
    // JavaScript's % is IEEE 754 fmod (C's): exact, with the dividend's sign.
    case 'fmod': for (let i = 0, j = 0, k = 0; i < n; i++, j += sx, k += sy) out[i] = x[j]! % y[k]!; break;
    // Math.hypot scales by the larger magnitude, so it neither overflows nor underflows; hypot(±∞, NaN) = ∞.
    case 'hypot': for (let i = 0, j = 0, k = 0; i < n; i++, j += sx, k += sy) out[i] = Math.hypot(x[j]!, y[k]!); break;
    case 'logaddexp': for (let i = 0, j = 0, k = 0; i < n; i++, j += sx, k += sy) out[i] = logaddexp(x[j]!, y[k]!); break;
    case 'xlogy': for (let i = 0, j = 0, k = 0; i < n; i++, j += sx, k += sy) out[i] = xlogy(x[j]!, y[k]!); break;
  }
  return out;
}
