/** @file The scale that keeps Σ(x/s)² inside the floating-point range (norm, std). */
import type { Tensor } from '../tensor/tensor.js';
import { div, greater, less, mul } from './binary.js';
import { logicalAnd } from './predicates.js';
import { abs, sqrt, square } from './unary.js';
import { max, sum, type Axis } from './reduce.js';
import { stopGradient, where } from './select.js';
import { floor } from './rounding.js';
import { exp2, log2 } from './logBases.js';

// Entries up to 2^50 square to 2^100 (room for 2^923 terms in float64, 2^27 in float32); from
// 2^-50 they square to 2^-100, above the subnormals of both. Inside that range s = 1, so the sum of
// squares is exactly the plain one. The bounds are float32 numbers so that a float32 ONNX export
// (docs/onnx.md) scales too: 2^±450 were ∞ and 0 there, and ‖[3e20, 4e20]‖ overflowed to ∞.
const HUGE = 2 ** 50;
const TINY = 2 ** -50;

/**
 * s for s·√Σ(x/s)², given `largest` = max|x| (held constant by the caller): `largest` where it is
 * beyond 2^±50 (‖[1e200, 1e200]‖ would overflow, ‖[1e-200, 1e-200]‖ underflow), else 1 — also
 * where it is 0 (the origin's subgradient) or not finite (∞ and NaN propagate as in the plain sum).
 */
export function squareScale(largest: Tensor): Tensor {
  const tiny = where(greater(largest, 0), largest, 1);
  const huge = where(less(largest, Infinity), largest, 1);
  return where(less(largest, TINY), tiny, where(greater(largest, HUGE), huge, 1));
}

/**
 * √(Σx² / divisor) over `axis` as s·√(Σ(x/s)² / divisor), s = squareScale(max|x|) held constant
 * (the gradient is unchanged), so the squares neither overflow nor underflow: the 2-norm and
 * Frobenius norm (divisor 1), and std of the deviations (divisor N − ddof; a tensor of counts with
 * the reduced axes kept when N differs per slice, as std's `where`, which then keeps the dimensions).
 */
export function rootSumSquares(x: Tensor, axis: Axis, keepdims: boolean, divisor: number | Tensor = 1): Tensor {
  const meanSquare = (y: Tensor, keep: boolean) => (divisor === 1 ? sum(square(y), axis, keep) : div(sum(square(y), axis, keep), divisor));
  if (x.size === 0) return sqrt(meanSquare(x, keepdims)); // no max to scale by
  const scale = squareScale(stopGradient(max(abs(x), axis, true)));
  const scaled = mul(scale, sqrt(meanSquare(div(x, scale), true)));
  return keepdims ? scaled : sum(scaled, axis, false); // the reduced axes have length 1
}

/**
 * A power of two at most `largest` where `largest` is past 2^50 (and finite), else 1: for the deviations of
 * the normalisations (./normalization.ts), whose squares overflow from about 1e154. Dividing by a power of two
 * is exact, so the scaled form's bits are the plain form's wherever that does not overflow; and nothing is
 * scaled up (below 1 the squares underflow only where ε already dominates them, and ε/s² would overflow).
 */
export function overflowScale(largest: Tensor): Tensor {
  const big = logicalAnd(greater(largest, HUGE), less(largest, Infinity));
  return where(big, exp2(floor(log2(where(big, largest, 1)))), 1);
}
