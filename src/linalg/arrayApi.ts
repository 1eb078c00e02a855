/**
 * @file numpy.linalg's array-API members that are not matrix factorisations (numpy 2, jnp.linalg):
 * matmul, tensordot and vecdot as the top-level ops; cross of 3-vectors along one axis; outer of two
 * vectors only.
 */
import { ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { cross as crossAlong } from '../ops/contractions.js';
import { outer as outerOf } from '../ops/linalg.js';
import { extraArguments } from '../core/extraArguments.js';

export { matmul } from '../ops/linalg.js';
export { tensordot } from '../ops/contractions.js';
export { vecdot } from '../ops/numpyArrayApi.js';

/**
 * The cross product of 3-vectors along `axis` of both (numpy.linalg.cross, jnp.linalg.cross), the
 * other axes broadcasting: `ad.cross` with one axis for a, b and the result.
 * @example ad.linalg.cross(ad.tensor([1, 0, 0]), ad.tensor([0, 1, 0])).toArray(); // => [0, 0, 1]
 */
export function cross(a: TensorLike, b: TensorLike, axis?: number): Tensor;
export function cross(a: TensorLike, b: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.cross', 'linalg.cross(a, b, axis?)', extra, axis);
  const x = asTensor(a, 'linalg.cross'), y = asTensor(b, 'linalg.cross');
  const lengthAt = (t: Tensor) => t.shape[axis < 0 ? t.ndim + axis : axis];
  if (lengthAt(x) !== 3 || lengthAt(y) !== 3) {
    throw new ShapeError(
      `linalg.cross: both operands must hold 3-vectors along axis ${axis} (numpy.linalg.cross has no 2-vector form), got ${formatShape(x.shape)} and ${formatShape(y.shape)}; ad.cross takes 2-vectors.`,
    );
  }
  return crossAlong(x, y, -1, -1, -1, axis);
}

/**
 * The outer product of two vectors (numpy.linalg.outer, jnp.linalg.outer): [m] and [n] give [m, n].
 * Unlike `ad.outer` (numpy.outer), other ranks are an error rather than flattened.
 * @example ad.linalg.outer(ad.tensor([1, 2]), ad.tensor([1, 10])).toArray(); // => [[1, 10], [2, 20]]
 */
export function outer(a: TensorLike, b: TensorLike): Tensor;
export function outer(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.outer', 'linalg.outer(a, b)', extra, b);
  const x = asTensor(a, 'linalg.outer'), y = asTensor(b, 'linalg.outer');
  if (x.ndim !== 1 || y.ndim !== 1) {
    throw new ShapeError(`linalg.outer: both operands must be vectors (1-D), got ${formatShape(x.shape)} and ${formatShape(y.shape)}; ad.outer flattens them (numpy.outer).`);
  }
  return outerOf(x, y);
}
