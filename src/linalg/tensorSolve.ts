/** @file linalg.tensorsolve and linalg.tensorinv (numpy.linalg): solve and inv of a tensor read as a square matrix. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis, sizeOf } from '../tensor/shape.js';
import { describe, literal } from '../tensor/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { reshape, transpose } from '../ops/shape.js';
import { solveSquare, invOf } from './solve.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * x with tensordot(a, x, x.ndim) = b (numpy.linalg.tensorsolve): a's leading axes match b's shape
 * and its trailing axes give x's shape, both of the same size. `axes` are moved to the end of a first.
 * @example ad.linalg.tensorsolve(ad.reshape(ad.eye(6), [2, 3, 6]), ad.ones([2, 3])).shape // [6]
 */
export function tensorsolve(a: TensorLike, b: TensorLike, axes?: readonly number[]): Tensor;
export function tensorsolve(a: TensorLike, b: TensorLike, axes?: readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.tensorsolve', 'linalg.tensorsolve(a, b, axes?)', extra, axes);
  const op = 'linalg.tensorsolve';
  let at = asTensor(a, op);
  const bt = asTensor(b, op);
  if (axes !== undefined) {
    if (!Array.isArray(axes)) throw new InvalidArgumentError(`${op}: axes must be an array of axes of a, got ${describe(axes)}.`);
    const moved = axes.map((x) => normalizeAxis(x, at.ndim, op));
    if (new Set(moved).size !== moved.length) throw new InvalidArgumentError(`${op}: axes ${literal(axes)} name an axis of a ${formatShape(at.shape)} twice; list each once.`);
    at = transpose(at, [...at.shape.map((_, i) => i).filter((i) => !moved.includes(i)), ...moved]);
  }
  const lead = at.shape.slice(0, bt.ndim), xShape = at.shape.slice(bt.ndim);
  if (lead.join() !== bt.shape.join() || sizeOf(xShape) !== bt.size) {
    throw new ShapeError(
      `${op}: a of shape ${formatShape(at.shape)} does not fit b of shape ${formatShape(bt.shape)}: a must be b's shape followed by x's shape, of the same size (${bt.size}).`,
    );
  }
  const n = bt.size;
  return reshape(solveSquare(reshape(at, [n, n]), reshape(bt, [n, 1]), { op }), xShape);
}

/**
 * The inverse of a tensor with respect to tensordot over its first `ind` axes
 * (numpy.linalg.tensorinv): a of shape [...first, ...rest] with size(first) = size(rest) gives
 * [...rest, ...first].
 * @example ad.linalg.tensorinv(ad.reshape(ad.eye(6), [2, 3, 6])).shape // [6, 2, 3]
 */
export function tensorinv(a: TensorLike, ind?: number): Tensor;
export function tensorinv(a: TensorLike, ind = 2, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.tensorinv', 'linalg.tensorinv(a, ind?)', extra, ind);
  const op = 'linalg.tensorinv';
  const t = asTensor(a, op);
  if (typeof ind !== 'number' || !Number.isInteger(ind) || ind <= 0) throw new InvalidArgumentError(`${op}: ind must be a positive integer, got ${describe(ind)}.`);
  const first = t.shape.slice(0, ind), rest = t.shape.slice(ind);
  if (ind > t.ndim || sizeOf(first) !== sizeOf(rest)) {
    throw new ShapeError(`${op}: a of shape ${formatShape(t.shape)} is not square for ind ${ind}: its first ${ind} axes and the rest must have the same size.`);
  }
  const n = sizeOf(first);
  return reshape(invOf(reshape(t, [n, n]), op), [...rest, ...first]);
}
