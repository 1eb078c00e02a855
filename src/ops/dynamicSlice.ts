/**
 * @file jax.lax.dynamic_slice and dynamic_update_slice: a block of static size at start positions that
 * may be tensors — computed inside `jit`, per example under `vmap`, a loop counter in `scan` — which
 * `slice` (numbers only) cannot take. Composites of `take` (a gather when the positions are traced)
 * and `where`, so every transformation comes with them. As jax.lax's, a negative start counts from the end
 * (start + n), then each start is clamped so the block lies inside x: start ↦ min(max(start, 0), n − size).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { add, greaterEqual, less, sub } from './binary.js';
import { logicalAnd } from './predicates.js';
import { clip, where } from './select.js';
import { reshape, take } from './shape.js';

/** Start positions: one number or 0-d tensor per axis, or a tensor of shape [rank]. */
export type StartIndices = readonly (number | Tensor)[] | Tensor;

/** Each axis's start as a 0-d tensor clamped to [0, n − size] (integers checked where they are numbers). */
function clampedStarts(op: string, starts: StartIndices, shape: readonly number[], sizes: readonly number[]): Tensor[] {
  const rank = shape.length;
  let list: Array<number | Tensor>;
  if (starts instanceof Tensor) {
    if (starts.ndim !== 1 || starts.shape[0] !== rank) {
      throw new ShapeError(`${op}: startIndices of shape ${formatShape(starts.shape)} must hold one start per axis of x ${formatShape(shape)}: shape [${rank}].`);
    }
    list = Array.from({ length: rank }, (_, i) => take(starts, i));
  } else if (Array.isArray(starts) && starts.length === rank) {
    list = starts as Array<number | Tensor>;
  } else {
    throw new InvalidArgumentError(`${op}: startIndices must list one start (a number or 0-d tensor) per axis of x ${formatShape(shape)}, got ${describe(starts)}.`);
  }
  // A negative start counts from the end (start + n), as jax.lax's (its allow_negative_indices), then the clamp.
  return list.map((s, i) => {
    const n = shape[i]!, hi = n - sizes[i]!;
    if (typeof s === 'number') {
      if (!Number.isInteger(s)) throw new InvalidArgumentError(`${op}: start ${s} of axis ${i} must be an integer.`);
      return asTensor(Math.min(Math.max(s < 0 ? s + n : s, 0), hi), op);
    }
    if (!(s instanceof Tensor) || s.ndim !== 0) {
      throw new InvalidArgumentError(`${op}: the start of axis ${i} must be a number or a 0-d tensor, got ${describe(s)}.`);
    }
    return clip(where(less(s, 0), add(s, n), s), 0, hi);
  });
}

/**
 * The block of x of shape `sliceSizes` starting at `startIndices` (one per axis: numbers, 0-d
 * tensors, or one tensor of shape [rank]), as `jax.lax.dynamic_slice`: a negative start counts from the end,
 * then each start is clamped so the block lies inside x. Differentiable in x (the cotangent lands in the block); the starts may be
 * traced (inside jit, vmap, scan).
 * @example ad.dynamicSlice(ad.arange(6), [ad.scalar(4)], [3]).toArray(); // => [3, 4, 5] (start clamped to 3)
 */
export function dynamicSlice(x: TensorLike, startIndices: StartIndices, sliceSizes: readonly number[]): Tensor;
export function dynamicSlice(x: TensorLike, startIndices: StartIndices, sliceSizes: readonly number[], ...extra: unknown[]): Tensor {
  const op = 'dynamicSlice';
  if (extra.length > 0) extraArguments(op, 'dynamicSlice(x, startIndices, sliceSizes)', extra, sliceSizes);
  const t = asTensor(x, op);
  if (!Array.isArray(sliceSizes) || sliceSizes.length !== t.ndim || sliceSizes.some((s, i) => typeof s !== 'number' || !Number.isInteger(s) || s < 0 || s > t.shape[i]!)) {
    throw new ShapeError(`${op}: sliceSizes ${describe(sliceSizes)} must give one whole size per axis of x ${formatShape(t.shape)}, each from 0 to that axis's length.`);
  }
  const starts = clampedStarts(op, startIndices, t.shape, sliceSizes);
  let out = t;
  for (let axis = 0; axis < t.ndim; axis++) {
    if (sliceSizes[axis] === t.shape[axis]) continue; // the whole axis: its start is clamped to 0
    out = take(out, add(arange(sliceSizes[axis]!), starts[axis]!), axis);
  }
  return out;
}

/**
 * x with the block at `startIndices` replaced by `update` (of x's rank, each extent at most x's),
 * as `jax.lax.dynamic_update_slice`: a negative start counts from the end, then each is clamped so the block
 * lies inside x.
 * Differentiable in x (outside the block) and in update; the starts may be traced.
 * @example ad.dynamicUpdateSlice(ad.zeros([5]), ad.tensor([1, 2]), [ad.scalar(1)]).toArray(); // => [0, 1, 2, 0, 0]
 */
export function dynamicUpdateSlice(x: TensorLike, update: TensorLike, startIndices: StartIndices): Tensor;
export function dynamicUpdateSlice(x: TensorLike, update: TensorLike, startIndices: StartIndices, ...extra: unknown[]): Tensor {
  const op = 'dynamicUpdateSlice';
  if (extra.length > 0) extraArguments(op, 'dynamicUpdateSlice(x, update, startIndices)', extra, startIndices);
  const t = asTensor(x, op), u = asTensor(update, op);
  if (u.ndim !== t.ndim || u.shape.some((s, i) => s > t.shape[i]!)) {
    throw new ShapeError(`${op}: update ${formatShape(u.shape)} must have the rank of x ${formatShape(t.shape)} and fit inside it (each extent at most x's).`);
  }
  const starts = clampedStarts(op, startIndices, t.shape, u.shape);
  if (u.size === 0) return t;
  // Along each axis: which positions p of x fall in the block, and the update's entry p − start there
  // (clamped into the update where p is outside, then masked): the update spread to x's shape.
  let spread = u;
  let inside: Tensor | null = null;
  for (let axis = 0; axis < t.ndim; axis++) {
    const n = t.shape[axis]!, size = u.shape[axis]!;
    const rel = sub(arange(n), starts[axis]!); // [n]
    spread = take(spread, clip(rel, 0, size - 1), axis);
    const line = reshape(logicalAnd(greaterEqual(rel, 0), less(rel, size)), t.shape.map((m, i) => (i === axis ? m : 1)));
    inside = inside === null ? line : logicalAnd(inside, line);
  }
  return where(inside!, spread, t);
}
