/**
 * @file numpy 2's array-API names that jax.numpy has too, as composites: unstack, permuteDims,
 * vecdot, matvec and vecmat (real tensors: the conjugations numpy's vecdot and vecmat make are the
 * identity here).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { expandDims, squeeze, transpose } from './shape.js';
import { split } from './arrayHelpers.js';
import { mul } from './binary.js';
import { sum } from './reduce.js';
import { matmul } from './linalg.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * The slices of x along `axis`, each without that axis (jnp.unstack, the inverse of stack).
 * @example ad.unstack(ad.tensor([[1, 2], [3, 4]]), 1).map((t) => t.toArray()); // => [[1, 3], [2, 4]]
 */
export function unstack(x: TensorLike, axis?: number): Tensor[];
export function unstack(x: TensorLike, axis = 0, ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('unstack', 'unstack(x, axis?)', extra, axis);
  const t = asTensor(x, 'unstack');
  if (t.ndim === 0) throw new ShapeError('unstack: x is 0-d; it has no axis to unstack along. Give a tensor of rank ≥ 1.');
  const a = normalizeAxis(axis, t.ndim, 'unstack');
  const n = t.shape[a]!;
  if (n === 0) return [];
  return split(t, n, a).map((piece) => squeeze(piece, a));
}

/**
 * x with its axes in the order `axes` (the array API's permute_dims, jnp.permute_dims): transpose
 * with the permutation required.
 * @example ad.permuteDims(ad.zeros([2, 3, 4]), [2, 0, 1]).shape; // => [4, 2, 3]
 */
export function permuteDims(x: TensorLike, axes: readonly number[]): Tensor;
export function permuteDims(x: TensorLike, axes: readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('permuteDims', 'permuteDims(x, axes)', extra, axes);
  if (!Array.isArray(axes)) {
    throw new InvalidArgumentError(`permuteDims: axes must be an array, a permutation of x's axes (e.g. [1, 0]), got ${describe(axes)}; transpose(x) reverses them.`);
  }
  return transpose(x, axes);
}

/**
 * Σ_k a_k b_k along `axis` after broadcasting a and b (numpy.vecdot, jnp.vecdot): a batch of dot
 * products. The axis must have one length in both.
 * @example ad.vecdot(ad.tensor([[1, 2], [3, 4]]), ad.tensor([1, 1])).toArray(); // => [3, 7]
 */
export function vecdot(a: TensorLike, b: TensorLike, axis?: number): Tensor;
export function vecdot(a: TensorLike, b: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('vecdot', 'vecdot(a, b, axis?)', extra, axis);
  const x = asTensor(a, 'vecdot'), y = asTensor(b, 'vecdot');
  if (x.ndim === 0 || y.ndim === 0) throw new ShapeError(`vecdot: operands must have at least one axis, got ${formatShape(x.shape)} and ${formatShape(y.shape)}; use mul for scalars.`);
  // The axis counts in the broadcast shape (rank r), as numpy's: from the end, it is the same in both.
  const r = Math.max(x.ndim, y.ndim);
  const fromEnd = normalizeAxis(axis, r, 'vecdot') - r;
  if (-fromEnd > Math.min(x.ndim, y.ndim) || x.shape[x.ndim + fromEnd] !== y.shape[y.ndim + fromEnd]) {
    throw new ShapeError(
      `vecdot: axis ${axis} must be an axis of both operands with one length, got ${formatShape(x.shape)} and ${formatShape(y.shape)}.`,
    );
  }
  return sum(mul(x, y), fromEnd);
}

/**
 * A batch of matrix-vector products: A [..., m, n] times v [..., n] gives [..., m], the batch axes
 * broadcast (numpy.matvec, jnp.matvec).
 * @example ad.matvec(ad.tensor([[1, 2], [3, 4]]), ad.tensor([1, 1])).toArray(); // => [3, 7]
 */
export function matvec(A: TensorLike, v: TensorLike): Tensor;
export function matvec(A: TensorLike, v: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('matvec', 'matvec(A, v)', extra, v);
  const m = asTensor(A, 'matvec'), x = asTensor(v, 'matvec');
  if (m.ndim < 2 || x.ndim < 1 || m.shape[m.ndim - 1] !== x.shape[x.ndim - 1]) {
    throw new ShapeError(`matvec: A must be [..., m, n] and v [..., n] with one n, got ${formatShape(m.shape)} and ${formatShape(x.shape)}.`);
  }
  return squeeze(matmul(m, expandDims(x, -1)), -1);
}

/**
 * A batch of vector-matrix products: v [..., m] times A [..., m, n] gives [..., n], the batch axes
 * broadcast (numpy.vecmat, jnp.vecmat).
 * @example ad.vecmat(ad.tensor([1, 1]), ad.tensor([[1, 2], [3, 4]])).toArray(); // => [4, 6]
 */
export function vecmat(v: TensorLike, A: TensorLike): Tensor;
export function vecmat(v: TensorLike, A: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('vecmat', 'vecmat(v, A)', extra, A);
  const x = asTensor(v, 'vecmat'), m = asTensor(A, 'vecmat');
  if (m.ndim < 2 || x.ndim < 1 || m.shape[m.ndim - 2] !== x.shape[x.ndim - 1]) {
    throw new ShapeError(`vecmat: v must be [..., m] and A [..., m, n] with one m, got ${formatShape(x.shape)} and ${formatShape(m.shape)}.`);
  }
  return squeeze(matmul(expandDims(x, -2), m), -2);
}
