/**
 * @file Building arrays from functions and pieces: applyAlongAxis (numpy.apply_along_axis, through
 * vmap, as jnp's) and block (numpy.block). Composites, so every transformation comes with them.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { concat, reshape, transpose } from './shape.js';
import { moveaxis } from './layout.js';
import { vmap } from '../transforms/vmap.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * func1d applied to every 1-d slice of arr along `axis` (numpy.apply_along_axis), by `vmap` over
 * the other axes (as jnp's): the slices' results (all of one shape) take the place of the axis,
 * so a scalar result removes it. `args` are passed to func1d after the slice, unbatched.
 * Differentiable through func1d.
 * @example ad.applyAlongAxis((v) => ad.sum(ad.square(v)), 1, ad.tensor([[1, 2], [3, 4]])).toArray(); // => [5, 25]
 */
export function applyAlongAxis(func1d: (slice: Tensor, ...args: Tensor[]) => TensorLike, axis: number, arr: TensorLike, ...args: TensorLike[]): Tensor {
  if (typeof func1d !== 'function') throw new InvalidArgumentError(`applyAlongAxis: func1d must be a function of a 1-d slice, got ${describe(func1d)}.`);
  const t = asTensor(arr, 'applyAlongAxis');
  if (t.ndim === 0) throw new ShapeError('applyAlongAxis: arr is 0-d; it needs an axis to slice along.');
  const ax = normalizeAxis(axis, t.ndim, 'applyAlongAxis');
  const extra = args.map((a) => asTensor(a, 'applyAlongAxis'));
  const moved = moveaxis(t, ax, -1);
  const outer = moved.shape.slice(0, -1);
  const rows = reshape(moved, [outer.reduce((a, b) => a * b, 1), t.shape[ax]!]);
  const f = (row: Tensor, ...rest: Tensor[]) => asTensor(func1d(row, ...rest), 'applyAlongAxis');
  const results = vmap(f, [0, ...extra.map(() => null)])(rows, ...extra) as Tensor;
  const inner = results.shape.slice(1);
  const shaped = reshape(results, [...outer, ...inner]);
  // numpy: the result's axes where `axis` was: outer[:ax], inner, outer[ax:].
  const k = inner.length;
  const perm = [...outer.keys()].slice(0, ax).concat(inner.map((_, j) => outer.length + j), [...outer.keys()].slice(ax));
  return k === 0 || ax === outer.length ? shaped : transpose(shaped, perm);
}

/** A nested list of tensors for `block`. */
export type BlockList = TensorLike | readonly BlockList[];

/**
 * An array assembled from nested lists of blocks (numpy.block): the innermost lists are joined
 * along the last axis, the next ones along the second to last, and so on; blocks get leading axes
 * of length 1 up to the result's rank (the larger of the nesting depth and the blocks' ranks).
 * Every list must be nested equally deep, and none may be empty. Differentiable.
 * @example ad.block([[ad.eye(2), ad.zeros([2, 1])], [ad.ones([1, 2]), ad.tensor([[5]])]]).toArray(); // => [[1, 0, 0], [0, 1, 0], [1, 1, 5]]
 */
export function block(arrays: BlockList): Tensor;
export function block(arrays: BlockList, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('block', 'block(arrays)', extra, arrays);
  // The depth of every leaf (a tensor, number or non-list), checked equal, and the largest rank.
  let depth = -1, rank = 0;
  const visit = (x: BlockList, d: number, where: string): void => {
    if (Array.isArray(x)) {
      if (x.length === 0) throw new InvalidArgumentError(`block: the list at ${where || 'the top'} is empty; every list needs a block.`);
      (x as readonly BlockList[]).forEach((y, i) => visit(y, d + 1, `${where}[${i}]`));
      return;
    }
    if (depth === -1) depth = d;
    else if (depth !== d) throw new InvalidArgumentError(`block: list depths are mismatched: the block at arrays${where} is ${d} lists deep, an earlier one ${depth}; nest every block equally deep.`);
    rank = Math.max(rank, asTensor(x as TensorLike, 'block').ndim);
  };
  visit(arrays, 0, '');
  const ndim = Math.max(depth, rank);
  const build = (x: BlockList, d: number): Tensor => {
    if (!Array.isArray(x)) {
      const t = asTensor(x as TensorLike, 'block');
      return t.ndim < ndim ? reshape(t, [...new Array<number>(ndim - t.ndim).fill(1), ...t.shape]) : t;
    }
    const parts = (x as readonly BlockList[]).map((y) => build(y, d + 1));
    try {
      return concat(parts, -(depth - d));
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
      throw new ShapeError(`block: the blocks ${parts.map((p) => formatShape(p.shape)).join(', ')} do not fit along axis ${-(depth - d)} (${e.message}).`);
    }
  };
  return build(arrays, 0);
}
