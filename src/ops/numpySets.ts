/**
 * @file jax.numpy's set operations on flattened arrays, as composites of `unique`, `isin`, sorts and
 * gathers (no new primitives): union1d, intersect1d (with the first positions in each input),
 * setdiff1d and setxor1d — sorted, NaN last, as NumPy 1.24. The result's length depends on the
 * values: read eagerly (under jit the function runs as written, under vmap an error), or fixed by
 * JAX's `{ size, fillValue }`, which runs under vmap and replays under jit.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { greater, less, notEqual } from './binary.js';
import { clip, stopGradient, where } from './select.js';
import { sum } from './reduce.js';
import { concat, reshape, slice } from './shape.js';
import { logicalAnd, logicalNot, logicalOr } from './predicates.js';
import { ravel } from './layout.js';
import { argsort } from './sort.js';
import { gatherAlong } from './gather.js';
import { searchsorted } from './interpolation.js';
import { knownOptions } from './optionChecks.js';
import { integerArg } from './numpyBreadth.js';
import { isin, lexsort } from './numpyCounting.js';
import { readValues, unique } from './numpyPositions.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of the set operations (JAX's static size). */
export interface SetOptions {
  /** The number of values returned: the first `size`, padded with `fillValue`. Makes the shape static (needed under vmap). */
  readonly size?: number | undefined;
  /** With `size`: the padding value (default the smallest value of the result, as jnp's). */
  readonly fillValue?: number | undefined;
}

function setOptions(op: string, options: SetOptions, extra: readonly string[] = []): { size: number | null; fill: number | null } {
  knownOptions(op, options, ['size', 'fillValue', ...extra], '{ size: 4, fillValue: NaN }');
  const size = options.size === undefined ? null : integerArg(op, 'size', options.size);
  if (options.fillValue !== undefined && typeof options.fillValue !== 'number') throw new InvalidArgumentError(`${op}: fillValue must be a number, got ${describe(options.fillValue)}.`);
  return { size, fill: options.fillValue ?? null };
}

/** The distinct values of the flattened x, sorted, with their first positions, as many as x has entries (`valid` marks the real ones): shapes that do not depend on the values. */
function distinct(op: string, x: TensorLike): { values: Tensor; indices: Tensor; valid: Tensor } {
  const t = ravel(asTensor(x, op));
  const r = unique(t, { size: t.size, returnIndex: true, returnCounts: true });
  return { values: r.values, indices: r.indices!, valid: greater(r.counts!, 0) };
}

/**
 * The entries of each tensor where `mask` holds, in order: all of them (read eagerly), or the first
 * `size`, padded — values with `fill` (default the first value), positions (`padWithZero`) with 0.
 */
function picked(op: string, tensors: Tensor[], mask: Tensor, size: number | null, fill: number | null, padWithZero: boolean[] = []): Tensor[] {
  const n = mask.size;
  if (size === null) {
    const v = readValues(op, mask, 'pass { size } (the number of values wanted; missing ones are filled with { fillValue }) for a result whose shape does not depend on the values, as JAX requires under vmap and jit');
    const at: number[] = [];
    for (let i = 0; i < n; i++) if (v[i] !== 0) at.push(i);
    const positions = tensor(at);
    return tensors.map((t) => gatherAlong(t, positions, 0, op));
  }
  const order = argsort(logicalNot(mask)); // stable: the selected entries first, in order
  const firsts = size <= n ? slice(order, [0], [size]) : concat([order, zeros([size - n])], 0);
  const valid = less(arange(size), sum(mask));
  return tensors.map((t, i) => {
    if (n === 0) return tensor(new Array<number>(size).fill(padWithZero[i] ? 0 : fill ?? 0));
    const g = gatherAlong(t, firsts, 0, op);
    const pad = padWithZero[i] ? 0 : fill ?? reshape(slice(g, [0], [1]), []);
    return where(valid, g, pad);
  });
}

/**
 * The sorted distinct values found in either input (numpy.union1d; both flattened), NaN last.
 * `{ size, fillValue }` as `unique`. Differentiable (each value's cotangent to its first occurrence).
 * @example ad.union1d(ad.tensor([3, 1, 3]), ad.tensor([2, 1])).toArray(); // => [1, 2, 3]
 */
export function union1d(ar1: TensorLike, ar2: TensorLike, options?: SetOptions): Tensor;
export function union1d(ar1: TensorLike, ar2: TensorLike, options: SetOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('union1d', 'union1d(ar1, ar2, options?)', extra, options);
  const { size, fill } = setOptions('union1d', options);
  const joined = concat([ravel(asTensor(ar1, 'union1d')), ravel(asTensor(ar2, 'union1d'))], 0);
  if (size === null) return unique(joined);
  return unique(joined, fill === null ? { size } : { size, fillValue: fill });
}

/** Options of `intersect1d`. */
export interface Intersect1dOptions extends SetOptions {
  /** Also return the first position of each common value in ar1 and in ar2 (flattened). */
  readonly returnIndices?: boolean | undefined;
}

/**
 * The sorted values found in both inputs (numpy.intersect1d; flattened, distinct; NaN in neither,
 * as NaN ≠ NaN). With `returnIndices`, `[values, indices1, indices2]`: each value's first position
 * in ar1 and in ar2 (NumPy's). `{ size, fillValue }` as `unique` (padded positions are 0).
 * Differentiable in ar1's values (the values are ar1's entries).
 * @example ad.intersect1d(ad.tensor([1, 3, 4, 3]), ad.tensor([3, 1, 2, 1])).toArray(); // => [1, 3]
 */
export function intersect1d(ar1: TensorLike, ar2: TensorLike, options?: SetOptions & { readonly returnIndices?: false | undefined }): Tensor;
export function intersect1d(ar1: TensorLike, ar2: TensorLike, options: Intersect1dOptions & { readonly returnIndices: true }): [Tensor, Tensor, Tensor];
export function intersect1d(ar1: TensorLike, ar2: TensorLike, options: Intersect1dOptions = {}, ...extra: unknown[]): Tensor | [Tensor, Tensor, Tensor] {
  if (extra.length > 0) extraArguments('intersect1d', 'intersect1d(ar1, ar2, options?)', extra, options);
  const { size, fill } = setOptions('intersect1d', options, ['returnIndices']);
  const want = options.returnIndices ?? false;
  if (typeof want !== 'boolean') throw new InvalidArgumentError(`intersect1d: returnIndices must be true or false, got ${describe(want)}.`);
  const a = distinct('intersect1d', ar1);
  const b = stopGradient(ravel(asTensor(ar2, 'intersect1d')));
  const mask = logicalAnd(a.valid, isin(a.values, b));
  if (!want) return picked('intersect1d', [a.values], mask, size, fill)[0]!;
  // The first position in ar2: a stable sort of ar2, the leftmost match (the values searched are in ar2).
  let second: Tensor;
  if (b.size === 0) second = zeros([a.values.size]);
  else {
    const order = argsort(b);
    const at = clip(searchsorted(gatherAlong(b, order, 0, 'intersect1d'), stopGradient(a.values)), 0, b.size - 1);
    second = gatherAlong(order, at, 0, 'intersect1d');
  }
  return picked('intersect1d', [a.values, a.indices, second], mask, size, fill, [false, true, true]) as [Tensor, Tensor, Tensor];
}

/**
 * The sorted distinct values of ar1 that are not in ar2 (numpy.setdiff1d; flattened; NaN kept, as
 * it is in nothing). `{ size, fillValue }` as `unique`. Differentiable in ar1.
 * @example ad.setdiff1d(ad.tensor([5, 1, 3, 1]), ad.tensor([3, 4])).toArray(); // => [1, 5]
 */
export function setdiff1d(ar1: TensorLike, ar2: TensorLike, options?: SetOptions): Tensor;
export function setdiff1d(ar1: TensorLike, ar2: TensorLike, options: SetOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('setdiff1d', 'setdiff1d(ar1, ar2, options?)', extra, options);
  const { size, fill } = setOptions('setdiff1d', options);
  const a = distinct('setdiff1d', ar1);
  const mask = logicalAnd(a.valid, isin(a.values, stopGradient(asTensor(ar2, 'setdiff1d')), { invert: true }));
  return picked('setdiff1d', [a.values], mask, size, fill)[0]!;
}

/**
 * The sorted values in exactly one of the inputs (numpy.setxor1d; flattened, distinct). As NumPy's,
 * a NaN in each input gives two NaNs (NaN ≠ NaN). `{ size, fillValue }` as `unique`. Differentiable.
 * @example ad.setxor1d(ad.tensor([1, 2, 3, 2]), ad.tensor([2, 3, 5])).toArray(); // => [1, 5]
 */
export function setxor1d(ar1: TensorLike, ar2: TensorLike, options?: SetOptions): Tensor;
export function setxor1d(ar1: TensorLike, ar2: TensorLike, options: SetOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('setxor1d', 'setxor1d(ar1, ar2, options?)', extra, options);
  const { size, fill } = setOptions('setxor1d', options);
  const [a, b] = [distinct('setxor1d', ar1), distinct('setxor1d', ar2)];
  const values = concat([a.values, b.values], 0), valid = concat([a.valid, b.valid], 0);
  const n = values.size;
  if (n === 0) return picked('setxor1d', [values], valid, size, fill)[0]!;
  // NumPy's: the two distinct lists merged and sorted (the padding last), a value kept where it differs from both neighbours.
  const order = lexsort([stopGradient(values), logicalNot(valid)]);
  const [v, ok] = [gatherAlong(values, order, 0, 'setxor1d'), gatherAlong(valid, order, 0, 'setxor1d')];
  const differs = n === 1 ? zeros([0]) : logicalOr(notEqual(slice(v, [1], [n - 1]), slice(v, [0], [n - 1])), logicalNot(slice(ok, [1], [n - 1])));
  const one = tensor([1]);
  const mask = logicalAnd(ok, logicalAnd(concat([one, differs], 0), concat([differs, one], 0)));
  return picked('setxor1d', [v], mask, size, fill)[0]!;
}

