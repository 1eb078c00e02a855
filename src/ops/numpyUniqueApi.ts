/**
 * @file The array API's unique functions (numpy 2's unique_values, unique_counts, unique_inverse and
 * unique_all; jnp's, with `size` and `fillValue`), on top of `unique`: the flattened x, each NaN its
 * own value (the array API's equal_nan=False), and the inverse in x's shape.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { reshape } from './shape.js';
import { unique, type UniqueResult } from './numpyPositions.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of the unique functions: a static result length, as jnp's (needed under vmap and jit). */
export interface UniqueSizeOptions {
  /** The number of values returned: the first `size`, padded past the count. */
  readonly size?: number | undefined;
  /** With `size`: the padding value (default the smallest value, as JAX's). */
  readonly fillValue?: number | undefined;
}

/** What `uniqueAll` returns (numpy's UniqueAllResult). */
export interface UniqueAllResult {
  /** The sorted distinct values (NaN last, each NaN its own). */
  values: Tensor;
  /** The first occurrence of each value in the flattened x. */
  indices: Tensor;
  /** For each entry of x (x's shape), the position of its value in `values`. */
  inverseIndices: Tensor;
  /** How many entries of x hold each value. */
  counts: Tensor;
}

function uniqueOf(op: string, x: TensorLike, options: UniqueSizeOptions, which: { returnIndex?: true; returnInverse?: true; returnCounts?: true }): { t: Tensor; r: UniqueResult } {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidArgumentError(`${op}: options must be an object such as { size: 4, fillValue: 0 }, got ${describe(options)}.`);
  }
  const unknown = Object.keys(options).find((k) => k !== 'size' && k !== 'fillValue');
  if (unknown !== undefined) throw new InvalidArgumentError(`${op}: unknown option '${unknown}'; the options are size and fillValue.`);
  const t = asTensor(x, op);
  return { t, r: unique(t, { ...which, equalNan: false, size: options.size, fillValue: options.fillValue }) };
}

/**
 * The sorted distinct values of x (numpy.unique_values, jnp.unique_values): the flattened x, NaN
 * last, each NaN its own value. Differentiable as `unique`'s values.
 * @example ad.uniqueValues(ad.tensor([3, 1, 3])).toArray(); // => [1, 3]
 */
export function uniqueValues(x: TensorLike, options?: UniqueSizeOptions): Tensor;
export function uniqueValues(x: TensorLike, options: UniqueSizeOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('uniqueValues', 'uniqueValues(x, { size, fillValue }?)', extra, options);
  // With no return… option, unique gives the values themselves.
  return uniqueOf('uniqueValues', x, options, {}).r as unknown as Tensor;
}

/**
 * The distinct values and how often each occurs (numpy.unique_counts, jnp.unique_counts).
 * @example ad.uniqueCounts(ad.tensor([3, 1, 3])).counts.toArray(); // => [1, 2]
 */
export function uniqueCounts(x: TensorLike, options?: UniqueSizeOptions): { values: Tensor; counts: Tensor };
export function uniqueCounts(x: TensorLike, options: UniqueSizeOptions = {}, ...extra: unknown[]): { values: Tensor; counts: Tensor } {
  if (extra.length > 0) extraArguments('uniqueCounts', 'uniqueCounts(x, { size, fillValue }?)', extra, options);
  const { r } = uniqueOf('uniqueCounts', x, options, { returnCounts: true });
  return { values: r.values, counts: r.counts! };
}

/**
 * The distinct values and, in x's shape, each entry's position among them (numpy.unique_inverse,
 * jnp.unique_inverse): `take(values, inverseIndices)` rebuilds x.
 * @example ad.uniqueInverse(ad.tensor([[3, 1], [3, 2]])).inverseIndices.toArray(); // => [[2, 0], [2, 1]]
 */
export function uniqueInverse(x: TensorLike, options?: UniqueSizeOptions): { values: Tensor; inverseIndices: Tensor };
export function uniqueInverse(x: TensorLike, options: UniqueSizeOptions = {}, ...extra: unknown[]): { values: Tensor; inverseIndices: Tensor } {
  if (extra.length > 0) extraArguments('uniqueInverse', 'uniqueInverse(x, { size, fillValue }?)', extra, options);
  const { t, r } = uniqueOf('uniqueInverse', x, options, { returnInverse: true });
  return { values: r.values, inverseIndices: reshape(r.inverse!, t.shape) };
}

/**
 * All four (numpy.unique_all, jnp.unique_all): the distinct values, each one's first occurrence in
 * the flattened x, each entry's position among them (x's shape), and the counts.
 * @example ad.uniqueAll(ad.tensor([3, 1, 3])).indices.toArray(); // => [1, 0]
 */
export function uniqueAll(x: TensorLike, options?: UniqueSizeOptions): UniqueAllResult;
export function uniqueAll(x: TensorLike, options: UniqueSizeOptions = {}, ...extra: unknown[]): UniqueAllResult {
  if (extra.length > 0) extraArguments('uniqueAll', 'uniqueAll(x, { size, fillValue }?)', extra, options);
  const { t, r } = uniqueOf('uniqueAll', x, options, { returnIndex: true, returnInverse: true, returnCounts: true });
  return { values: r.values, indices: r.indices!, inverseIndices: reshape(r.inverse!, t.shape), counts: r.counts! };
}
