/**
 * @file Array helpers of NumPy and jax.nn — zerosLike, onesLike, fullLike, diff, split, oneHot,
 * kron — as composites of slice, reshape, comparisons and products, so every transformation comes
 * with them.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, full, ones, tensor, zeros, type TensorInput, type TensorLike } from '../tensor/create.js';
import { equal, mul, sub } from './binary.js';
import { broadcastTo, concat, expandDims, reshape, slice } from './shape.js';
import { knownOptions } from './optionChecks.js';
import { extraArguments } from '../core/extraArguments.js';

/** An integer (≥ 0 unless `signed`), or an AdjointError naming the op and the argument. */
function integer(op: string, name: string, v: unknown, signed = false): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || (!signed && v < 0)) {
    throw new InvalidArgumentError(`${op}: ${name} must be ${signed ? 'an integer' : 'a whole number ≥ 0'}, got ${typeof v === 'number' ? String(v) : describe(v)}.`);
  }
  return v;
}

/** The part of t along `axis` from `start` (inclusive) to `stop` (exclusive), both within [0, n]. */
function along(t: Tensor, axis: number, start: number, stop: number): Tensor {
  return slice(t, t.shape.map((_, i) => (i === axis ? start : 0)), t.shape.map((n, i) => (i === axis ? stop - start : n)));
}

/** Zeros of x's shape (jnp.zeros_like). @example ad.zerosLike(ad.ones([2, 3])).shape; // => [2, 3] */
export function zerosLike(x: TensorLike): Tensor;
export function zerosLike(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('zerosLike', 'zerosLike(x)', extra, x); return zeros(asTensor(x, 'zerosLike').shape); }

/** Ones of x's shape (jnp.ones_like). @example ad.onesLike(ad.tensor([5, 6])).toArray(); // => [1, 1] */
export function onesLike(x: TensorLike): Tensor;
export function onesLike(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('onesLike', 'onesLike(x)', extra, x); return ones(asTensor(x, 'onesLike').shape); }

/**
 * `value` in x's shape (jnp.full_like).
 * @example ad.fullLike(ad.tensor([5, 6]), 7).toArray(); // => [7, 7]
 */
export function fullLike(x: TensorLike, value: number): Tensor;
export function fullLike(x: TensorLike, value: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('fullLike', 'fullLike(x, value)', extra, value);
  const t = asTensor(x, 'fullLike');
  // Checked here so the error names fullLike (full's named full, and took a 0-d tensor as a value).
  if (typeof value !== 'number') {
    throw new InvalidArgumentError(`fullLike: the fill value must be a number, got ${describe(value)}; for a tensor value, use ad.broadcastTo(value, x.shape).`);
  }
  return full(t.shape, value);
}

/** Options of `diff`: values joined to x along the axis before differencing (numpy.diff's). */
export interface DiffOptions {
  /** Values put before x along the axis: a number (one slice of it) or a tensor of x's shape off the axis. */
  readonly prepend?: TensorLike | undefined;
  /** Values put after x along the axis, as `prepend`. */
  readonly append?: TensorLike | undefined;
}

/**
 * The n-th discrete difference along `axis` (numpy.diff): out[i] = x[i + 1] − x[i], n times, so the
 * axis shrinks by n (to 0 at the most); n = 0 returns x. `prepend` and `append` are joined to x
 * along the axis first (a number as one slice of x's shape), as NumPy's; differentiable in them too.
 * @example
 * ad.diff(ad.tensor([1, 4, 9, 16])).toArray();           // => [3, 5, 7]
 * ad.diff(ad.tensor([1, 4, 9, 16]), 2).toArray();        // => [2, 2]
 * ad.diff(ad.tensor([1, 4, 9, 16]), 1, -1, { prepend: 0 }).toArray(); // => [1, 3, 5, 7]
 */
export function diff(x: TensorLike, n?: number, axis?: number, options?: DiffOptions): Tensor;
export function diff(x: TensorLike, n = 1, axis = -1, options: DiffOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('diff', 'diff(x, n?, axis?, options?)', extra, options);
  let t = asTensor(x, 'diff');
  integer('diff', 'the order n', n);
  knownOptions('diff', options, ['prepend', 'append'], '{ prepend: 0 }');
  if (t.ndim === 0) throw new ShapeError("diff: x is 0-d; it needs at least one axis to take differences along (reshape it to [1] first).");
  const ax = normalizeAxis(axis, t.ndim, 'diff');
  if (n === 0) return t; // numpy.diff returns x before joining prepend and append
  // numpy.diff: a 0-d prepend or append is broadcast to x's shape with length 1 along the axis; others
  // are concatenated as they are (their shape off the axis must be x's).
  const joined = (v: TensorLike) => {
    const e = asTensor(v, 'diff');
    return e.ndim === 0 ? broadcastTo(e, t.shape.map((d, i) => (i === ax ? 1 : d))) : e;
  };
  if (options.prepend !== undefined || options.append !== undefined) {
    const parts = [...(options.prepend === undefined ? [] : [joined(options.prepend)]), t, ...(options.append === undefined ? [] : [joined(options.append)])];
    for (const p of parts) {
      if (p.ndim !== t.ndim || p.shape.some((d, i) => i !== ax && d !== t.shape[i])) {
        throw new ShapeError(
          `diff: prepend/append of shape ${formatShape(p.shape)} does not fit x of shape ${formatShape(t.shape)} along axis ${ax}; ` +
            'give a number, or a tensor with x\'s shape off the axis.',
        );
      }
    }
    t = concat(parts, ax);
  }
  for (let k = 0; k < n && t.shape[ax]! > 0; k++) {
    const length = t.shape[ax]!;
    t = sub(along(t, ax, 1, length), along(t, ax, 0, length - 1));
  }
  return t;
}

/** Python's slice bound: negative counts from the end, then clamped to [0, n]. */
const bound = (i: number, n: number) => Math.min(Math.max(i < 0 ? i + n : i, 0), n);

/**
 * x cut along `axis` (numpy.split): into `sections` equal parts (an error if the axis length is not
 * a multiple), or at the `indices` listed — x[:i₀], x[i₀:i₁], …, x[iₖ:] — with Python's slicing
 * rules (negative indices count from the end; indices past the end, or out of order, give empty
 * parts).
 * @example
 * ad.split(ad.arange(6), 3).map((p) => p.toArray());       // => [[0, 1], [2, 3], [4, 5]]
 * ad.split(ad.arange(6), [1, 4]).map((p) => p.toArray());  // => [[0], [1, 2, 3], [4, 5]]
 */
export function split(x: TensorLike, indicesOrSections: number | readonly number[], axis?: number): Tensor[];
export function split(x: TensorLike, indicesOrSections: number | readonly number[], axis = 0, ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('split', 'split(x, indicesOrSections, axis?)', extra, axis);
  const t = asTensor(x, 'split');
  if (t.ndim === 0) throw new ShapeError('split: x is 0-d; it needs an axis to split along (reshape it to [1] first).');
  const ax = normalizeAxis(axis, t.ndim, 'split');
  const n = t.shape[ax]!;
  let cuts: number[];
  if (typeof indicesOrSections === 'number') {
    const sections = integer('split', 'the number of sections', indicesOrSections);
    if (sections === 0 || n % sections !== 0) {
      throw new ShapeError(
        `split: axis ${ax} of shape ${formatShape(t.shape)} (length ${n}) does not split into ${sections} equal sections; ` +
          'give a number of sections that divides the length, or the split points as a list, e.g. [2, 5].',
      );
    }
    cuts = Array.from({ length: sections - 1 }, (_, i) => ((i + 1) * n) / sections);
  } else if (Array.isArray(indicesOrSections)) {
    cuts = Array.from(indicesOrSections, (i) => integer('split', 'a split index', i, true)); // a hole read as undefined, refused
  } else {
    throw new InvalidArgumentError(`split: indicesOrSections must be a number of sections or a list of split indices, got ${describe(indicesOrSections)}.`);
  }
  const starts = [0, ...cuts.map((i) => bound(i, n))];
  const stops = [...cuts.map((i) => bound(i, n)), n];
  return starts.map((start, k) => along(t, ax, start, Math.max(start, stops[k]!)));
}

/**
 * One-hot rows (jax.nn.one_hot): a new last axis of length `numClasses`, 1 where its position
 * equals the index, else 0 (float64, as every index result here). An index outside
 * [0, numClasses), negative or fractional gives a row of zeros. No gradient.
 * @example ad.oneHot(ad.tensor([0, 2, 5]), 3).toArray(); // => [[1, 0, 0], [0, 0, 1], [0, 0, 0]]
 */
export function oneHot(indices: TensorInput, numClasses: number): Tensor;
export function oneHot(indices: TensorInput, numClasses: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('oneHot', 'oneHot(indices, numClasses)', extra, numClasses);
  // Arrays go through tensor(); anything else through asTensor, so a bad argument's error names oneHot.
  const t = Array.isArray(indices) || ArrayBuffer.isView(indices) ? tensor(indices) : asTensor(indices as TensorLike, 'oneHot');
  integer('oneHot', 'numClasses', numClasses);
  return equal(expandDims(t, -1), arange(numClasses));
}

/**
 * The Kronecker product (numpy.kron): blocks a[i]·b, with the operand of fewer axes given leading
 * axes of length 1. Out's shape is the product of the shapes, entry by entry.
 * @example ad.kron(ad.tensor([1, 2]), ad.tensor([1, 10])).toArray(); // => [1, 10, 2, 20]
 */
export function kron(a: TensorLike, b: TensorLike): Tensor;
export function kron(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('kron', 'kron(a, b)', extra, b);
  const [ta, tb] = [asTensor(a, 'kron'), asTensor(b, 'kron')];
  const d = Math.max(ta.ndim, tb.ndim);
  const pad = (s: readonly number[]) => [...new Array<number>(d - s.length).fill(1), ...s];
  const [sa, sb] = [pad(ta.shape), pad(tb.shape)];
  // a as [a₀, 1, a₁, 1, …] times b as [1, b₀, 1, b₁, …], then each pair of axes merged.
  const product = mul(reshape(ta, sa.flatMap((n) => [n, 1])), reshape(tb, sb.flatMap((n) => [1, n])));
  return reshape(product, sa.map((n, i) => n * sb[i]!));
}
