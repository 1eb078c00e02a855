/**
 * @file Elementwise predicates and logic — isnan, isinf, isfinite, logicalAnd/Or/Xor/Not — as
 * NumPy's, returning 1 and 0 as float64 tensors (as every comparison here), with no gradient.
 * Any non-zero value (NaN included) counts as true, as in NumPy.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, broadcastOperands, type TensorLike } from '../tensor/create.js';
import { equal, less, maximum, mul, notEqual } from './binary.js';
import { abs } from './unary.js';
import { registerTensorMethods } from './methods.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * 1 where x is NaN, else 0 (numpy.isnan): NaN is the one value not equal to itself.
 * @example ad.isnan(ad.tensor([1, NaN, Infinity])).toArray(); // => [0, 1, 0]
 */
export function isnan(x: TensorLike): Tensor;
export function isnan(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('isnan', 'isnan(x)', extra, x);
  const t = asTensor(x, 'isnan');
  return notEqual(t, t);
}

/**
 * 1 where x is +∞ or −∞, else 0 (numpy.isinf).
 * @example ad.isinf(ad.tensor([1, NaN, -Infinity])).toArray(); // => [0, 0, 1]
 */
export function isinf(x: TensorLike): Tensor;
export function isinf(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('isinf', 'isinf(x)', extra, x); return equal(abs(asTensor(x, 'isinf')), Infinity); }

/**
 * 1 where x is neither ±∞ nor NaN, else 0 (numpy.isfinite): |x| < ∞ fails for both.
 * @example ad.isfinite(ad.tensor([1, NaN, -Infinity])).toArray(); // => [1, 0, 0]
 */
export function isfinite(x: TensorLike): Tensor;
export function isfinite(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('isfinite', 'isfinite(x)', extra, x); return less(abs(asTensor(x, 'isfinite')), Infinity); }

/** x ≠ 0 as 1 or 0 (NaN counts as true, as in NumPy). */
const truth = (x: TensorLike, op: string) => notEqual(asTensor(x, op), 0);

/** The truths of a and b, their shapes' broadcast checked under the op's name (else mul's or maximum's error would show). */
function truths(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [ta, tb] = broadcastOperands(op, a, b);
  return [truth(ta, op), truth(tb, op)];
}

/**
 * 1 where a and b are both non-zero (numpy.logical_and), broadcasting.
 * @example ad.logicalAnd(ad.tensor([1, 1, 0]), ad.tensor([2, 0, 0])).toArray(); // => [1, 0, 0]
 */
export function logicalAnd(a: TensorLike, b: TensorLike): Tensor;
export function logicalAnd(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('logicalAnd', 'logicalAnd(a, b)', extra, b); return mul(...truths('logicalAnd', a, b)); }

/**
 * 1 where a or b is non-zero (numpy.logical_or), broadcasting.
 * @example ad.logicalOr(ad.tensor([1, 1, 0]), ad.tensor([2, 0, 0])).toArray(); // => [1, 1, 0]
 */
export function logicalOr(a: TensorLike, b: TensorLike): Tensor;
export function logicalOr(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('logicalOr', 'logicalOr(a, b)', extra, b); return maximum(...truths('logicalOr', a, b)); }

/**
 * 1 where exactly one of a and b is non-zero (numpy.logical_xor), broadcasting.
 * @example ad.logicalXor(ad.tensor([1, 1, 0]), ad.tensor([2, 0, 0])).toArray(); // => [0, 1, 0]
 */
export function logicalXor(a: TensorLike, b: TensorLike): Tensor;
export function logicalXor(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('logicalXor', 'logicalXor(a, b)', extra, b); return notEqual(...truths('logicalXor', a, b)); }

/**
 * 1 where x is 0, else 0 (numpy.logical_not; NaN is true, so its negation is 0).
 * @example ad.logicalNot(ad.tensor([0, 3, NaN])).toArray(); // => [1, 0, 0]
 */
export function logicalNot(x: TensorLike): Tensor;
export function logicalNot(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('logicalNot', 'logicalNot(x)', extra, x); return equal(asTensor(x, 'logicalNot'), 0); }

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.isnan(x)`. @example ad.tensor([NaN]).isnan() // [1] */ isnan(): Tensor;
    /** `ad.isinf(x)`. @example ad.tensor([Infinity]).isinf() // [1] */ isinf(): Tensor;
    /** `ad.isfinite(x)`. @example ad.tensor([1]).isfinite() // [1] */ isfinite(): Tensor;
  }
}

registerTensorMethods({ isnan, isinf, isfinite });
