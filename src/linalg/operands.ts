/** @file The right-hand side of a linear solve: its shape checked against the matrix, batch axes broadcast, a vector made a column. */
import { ShapeError } from '../core/errors.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastTo, reshape } from '../ops/shape.js';

export interface SolveOperands {
  /** The matrices, broadcast to the common batch: [..., n, n]. */
  readonly a: Tensor;
  /** The right-hand sides, broadcast to the common batch: [..., n, k] (left) or [..., k, n] (right). */
  readonly b: Tensor;
  /** Turns the solution back into the caller's form (a vector b gives a vector). */
  readonly finish: (x: Tensor) => Tensor;
}

/**
 * Checks b against the square a (already checked) for op(a) x = b (left) or x op(a) = b (right):
 * b is [..., n, k] (or [..., k, n]), or a vector [n] when a is 2-D (numpy 2 and jax.numpy's
 * rule: a 1-D b is a vector only then, so a batch of vectors is written [..., n, 1]).
 */
export function solveOperands(op: string, a: Tensor, bLike: TensorLike, left = true): SolveOperands {
  const b = asTensor(bLike, op);
  const n = a.shape[a.ndim - 1]!;
  if (b.ndim === 1) {
    if (a.ndim !== 2 || b.shape[0] !== n) {
      throw new ShapeError(
        `${op}: b of shape ${formatShape(b.shape)} does not fit a of shape ${formatShape(a.shape)}: a vector b needs a 2-D a with ${b.shape[0]} rows` +
          `; for a batch, pass b as [..., ${n}, 1] columns.`,
      );
    }
    const col = reshape(b, left ? [n, 1] : [1, n]);
    return { a, b: col, finish: (x) => reshape(x, [n]) };
  }
  const along = left ? b.shape[b.ndim - 2] : b.shape[b.ndim - 1];
  if (b.ndim < 2 || along !== n) {
    throw new ShapeError(
      `${op}: b of shape ${formatShape(b.shape)} does not fit a of shape ${formatShape(a.shape)}: b must be ` +
        (left ? `[..., ${n}, k] (its second-to-last axis the size of a)` : `[..., k, ${n}] (its last axis the size of a)`) +
        '. Transpose b, or reshape a vector to a column.',
    );
  }
  const batch = broadcastShapes(op, a.shape.slice(0, -2), b.shape.slice(0, -2));
  const aShape = [...batch, n, n], bShape = [...batch, ...b.shape.slice(-2)];
  return {
    a: shapesEqual(a.shape, aShape) ? a : broadcastTo(a, aShape),
    b: shapesEqual(b.shape, bShape) ? b : broadcastTo(b, bShape),
    finish: (x) => x,
  };
}
