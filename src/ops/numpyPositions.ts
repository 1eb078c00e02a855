/**
 * @file jax.numpy's functions whose result's length depends on the values — nonzero, argwhere,
 * flatnonzero, unique — as composites of adjoint's ops. They read the values eagerly; with a
 * static `{ size }` (JAX's keyword) they are built of sorts and gathers instead, so they also run
 * under vmap and replay under jit. Positions are float64 whole numbers, with no gradient.
 */
import { coordinates, strides } from './numpyIndices.js';
import { AdjointError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { arange, asTensor, describe, full, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { equal, greater, less, notEqual, sub } from './binary.js';
import { clip, stopGradient, where } from './select.js';
import { sum, cumsum } from './reduce.js';
import { concat, reshape, slice, stack, take, transpose } from './shape.js';
import { moveaxis } from './layout.js';
import { normalizeAxis } from '../tensor/shape.js';
import { isnan, logicalAnd, logicalNot, logicalOr } from './predicates.js';
import { ravel } from './layout.js';
import { argsort } from './sort.js';
import { gatherAlong } from './gather.js';
import { knownOptions } from './optionChecks.js';
import { integerArg } from './numpyBreadth.js';
import { extraArguments } from '../core/extraArguments.js';
// ---------------------------------------------------------------------------------------------
// Results whose length depends on the values

/** Options of `nonzero`, `argwhere`, `flatnonzero` (JAX's static size). */
export interface NonzeroOptions {
  /** The number of positions returned: the first `size` (fewer are padded with `fillValue`). Makes the shape static: needed under vmap. */
  readonly size?: number | undefined;
  /** The padding positions past the count (default 0): a number, or one per axis. */
  readonly fillValue?: number | readonly number[] | undefined;
}

const SIZE_FIX = 'pass { size } (the number of positions wanted; missing ones are filled with { fillValue }) for a result whose shape does not depend on the values, as JAX requires under vmap and jit';

function sizeOptions(op: string, options: NonzeroOptions, ndim: number): { size: number | null; fill: number[] } {
  knownOptions(op, options, ['size', 'fillValue'], '{ size: 10, fillValue: -1 }');
  const size = options.size === undefined ? null : integerArg(op, 'size', options.size);
  const f = options.fillValue ?? 0;
  const fill = typeof f === 'number' ? new Array<number>(ndim).fill(integerArg(op, 'fillValue', f, true)) : Array.isArray(f) ? f.map((v) => integerArg(op, 'fillValue', v, true)) : null;
  if (fill === null || fill.length !== ndim || fill.some((v) => typeof v !== 'number')) {
    throw new InvalidArgumentError(`${op}: fillValue must be a number or one number per axis (${ndim}), got ${describe(f)}.`);
  }
  return { size, fill };
}

/** The flat positions of x's non-zero entries (NaN counts): exact, eager; or `size` of them, padded with -1, by a stable sort. */
function flatPositions(op: string, x: Tensor, size: number | null): { positions: Tensor; valid: Tensor | null } {
  const flat = reshape(stopGradient(x), [x.size]);
  if (size === null) {
    const v = readValues(op, flat, SIZE_FIX);
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) out.push(i);
    return { positions: tensor(out), valid: null };
  }
  const mask = notEqual(flat, 0);
  // A stable argsort of "is zero" puts the non-zero positions first, in order.
  const order = argsort(logicalNot(mask));
  const n = x.size;
  const firsts = size <= n ? slice(order, [0], [size]) : concat([order, zeros([size - n])], 0);
  const valid = less(arange(size), sum(mask));
  return { positions: firsts, valid };
}

/**
 * The positions of x's non-zero entries (numpy.nonzero; NaN counts as non-zero): one tensor per
 * axis, in row-major order. The count depends on the values, so without `size` they are read
 * eagerly (under jit the function then runs as written on each call) and under vmap it is an
 * error; with `{ size, fillValue }` (JAX's) the first `size` positions, padded with `fillValue`
 * (default 0), built of a sort, so it runs under vmap and replays under jit. 0-d x is an error
 * (NumPy deprecates it, JAX refuses it).
 * @example
 * ad.nonzero(ad.tensor([[0, 3], [4, 0]])).map((p) => p.toArray());              // => [[0, 1], [1, 0]]
 * ad.nonzero(ad.tensor([0, 3, 0]), { size: 2, fillValue: -1 })[0]!.toArray();    // => [1, -1]
 */
export function nonzero(x: TensorLike, options?: NonzeroOptions): Tensor[];
export function nonzero(x: TensorLike, options: NonzeroOptions = {}, ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('nonzero', 'nonzero(x, options?)', extra, options);
  const t = asTensor(x, 'nonzero');
  if (t.ndim === 0) throw new ShapeError('nonzero: x is 0-d; use ad.nonzero(ad.atleast1d(x)) (NumPy deprecates nonzero of a 0-d array, JAX refuses it).');
  const { size, fill } = sizeOptions('nonzero', options, t.ndim);
  const { positions, valid } = flatPositions('nonzero', t, size);
  const coords = t.ndim === 1 ? [positions] : coordinates(positions, t.shape, strides('nonzero', t.shape, 'C'));
  return valid === null ? coords : coords.map((c, i) => where(valid, c, fill[i]!));
}

/**
 * The positions of x's non-zero entries as rows (numpy.argwhere): shape [count, x.ndim] (a 0-d x
 * gives [0 or 1, 0], as NumPy's). `{ size, fillValue }` as `nonzero`.
 * @example ad.argwhere(ad.tensor([[0, 3], [4, 0]])).toArray(); // => [[0, 1], [1, 0]]
 */
export function argwhere(x: TensorLike, options?: NonzeroOptions): Tensor;
export function argwhere(x: TensorLike, options: NonzeroOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('argwhere', 'argwhere(x, options?)', extra, options);
  const t = asTensor(x, 'argwhere');
  if (t.ndim === 0) {
    const { size } = sizeOptions('argwhere', options, 0);
    if (size !== null) return zeros([size, 0]);
    return zeros([readValues('argwhere', t, SIZE_FIX)[0] !== 0 ? 1 : 0, 0]);
  }
  const coords = nonzero(t, options);
  return transpose(stack(coords, 0));
}

/**
 * The flat positions of x's non-zero entries (numpy.flatnonzero). `{ size, fillValue }` as `nonzero`.
 * @example ad.flatnonzero(ad.tensor([[0, 3], [4, 0]])).toArray(); // => [1, 2]
 */
export function flatnonzero(x: TensorLike, options?: NonzeroOptions): Tensor;
export function flatnonzero(x: TensorLike, options: NonzeroOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('flatnonzero', 'flatnonzero(x, options?)', extra, options);
  return nonzero(ravel(asTensor(x, 'flatnonzero')), options)[0]!;
}

/** Options of `unique`. */
export interface UniqueOptions extends NonzeroOptions {
  /**
   * The unique sub-arrays along this axis (numpy.unique's axis; negative counts from the end):
   * the slices x[…, i, …] compared whole, sorted lexicographically (NaN last in each entry).
   * Default: the flattened x.
   */
  readonly axis?: number | undefined;
  /** Also return the position (in the flattened x, or along `axis`) of each value's first occurrence. */
  readonly returnIndex?: boolean | undefined;
  /** Also return, for each entry of the flattened x (each slice along `axis`), the position of its value in the result. */
  readonly returnInverse?: boolean | undefined;
  /** Also return how many times each value occurs. */
  readonly returnCounts?: boolean | undefined;
  /**
   * NaNs count as one value (default true, as NumPy 1.24 and JAX); false keeps each NaN. With
   * `axis` the default is false: NumPy 1.24 compares sub-arrays with NaN ≠ NaN, so a slice holding
   * a NaN is never a repeat; true merges slices whose NaNs sit at the same places (JAX's).
   */
  readonly equalNan?: boolean | undefined;
  /** With `size`: the value for the padding entries (default the smallest value, or slice, as JAX's). */
  readonly fillValue?: number | undefined;
}

/** The results of `unique` with any of its `return…` options. */
export interface UniqueResult {
  /** The sorted distinct values (NaN last), or with `axis` the distinct slices along it. */
  values: Tensor;
  /** With `returnIndex`: the first occurrence of each value in the flattened x (each slice along `axis`). */
  indices?: Tensor;
  /** With `returnInverse`: for each entry of the flattened x (slice along `axis`), the position of its value in `values`. */
  inverse?: Tensor;
  /** With `returnCounts`: how many entries (slices) of x hold each value. */
  counts?: Tensor;
}

/**
 * The sorted distinct values of the flattened x (numpy.unique, axis None), NaN last (one NaN, with
 * `equalNan`, the default). With `axis`, the distinct slices along that axis (numpy.unique's axis),
 * in lexicographic order, the axis holding one slice per distinct one. With `returnIndex`,
 * `returnInverse` or `returnCounts`, an object `{ values, indices?, inverse?, counts? }` as NumPy's
 * tuple (`inverse` is 1-d, NumPy 1.24's).
 * `values` is differentiable: each value's cotangent goes to its first occurrence (the default
 * padding's, a copy of the smallest value, to the smallest value's, as JAX's). The count
 * depends on the values: without `size` they are read eagerly (under jit the function runs as
 * written on each call; under vmap it is an error); with `{ size, fillValue }` (JAX's) the first
 * `size` values, padded with `fillValue` (default the smallest value), index 0's occurrence and
 * count 0 — built of sorts, so it runs under vmap and jit.
 * @example
 * ad.unique(ad.tensor([3, 1, 3, NaN, 1, NaN])).toArray();                      // => [1, 3, NaN]
 * ad.unique(ad.tensor([3, 1, 3]), { returnCounts: true }).counts!.toArray();   // => [1, 2]
 * ad.unique(ad.tensor([3, 1, 3]), { size: 4, fillValue: 0 }).toArray();        // => [1, 3, 0, 0]
 * ad.unique(ad.tensor([[1, 0], [0, 2], [1, 0]]), { axis: 0 }).toArray();       // => [[0, 2], [1, 0]]
 */
export function unique(
  x: TensorLike,
  options?: UniqueOptions & { readonly returnIndex?: false | undefined; readonly returnInverse?: false | undefined; readonly returnCounts?: false | undefined },
): Tensor;
export function unique(x: TensorLike, options: UniqueOptions): UniqueResult;
export function unique(x: TensorLike, options: UniqueOptions = {}, ...extra: unknown[]): Tensor | UniqueResult {
  if (extra.length > 0) extraArguments('unique', 'unique(x, options?)', extra, options);
  const t = asTensor(x, 'unique');
  knownOptions('unique', options, ['axis', 'returnIndex', 'returnInverse', 'returnCounts', 'equalNan', 'size', 'fillValue'], '{ returnCounts: true }');
  for (const k of ['returnIndex', 'returnInverse', 'returnCounts', 'equalNan'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new InvalidArgumentError(`unique: ${k} must be true or false, got ${describe(options[k])}.`);
  }
  const axis = options.axis === undefined ? null : integerArg('unique', 'axis', options.axis, true);
  if (axis !== null && t.ndim === 0) throw new ShapeError(`unique: axis ${axis} is out of range for a 0-d x (NumPy's AxisError); leave axis out, or give x an axis (ad.atleast1d).`);
  const ax = axis === null ? null : normalizeAxis(axis, t.ndim, 'unique');
  const equalNan = options.equalNan ?? ax === null;
  const size = options.size === undefined ? null : integerArg('unique', 'size', options.size);
  if (options.fillValue !== undefined && typeof options.fillValue !== 'number') throw new InvalidArgumentError(`unique: fillValue must be a number, got ${describe(options.fillValue)}.`);
  // The items compared: the flattened entries (items of one entry), or x's slices along the axis as
  // the rows of [n, m]. `perm` sorts them (stably), `sorted` holds them in that order.
  const moved = ax === null ? reshape(t, [t.size]) : moveaxis(t, ax, 0);
  const n = moved.shape[0]!;
  const rest = moved.shape.slice(1);
  const m = rest.reduce((a, b) => a * b, 1);
  const items = reshape(moved, [n, m]);
  const plain = stopGradient(items);
  let perm: Tensor;
  if (ax === null) perm = argsort(reshape(plain, [n]));
  // Lexicographic (numpy.unique's axis sorts the slices as structured records, field by field, NaN
  // last in each): lexsort's last key is the primary one, so the columns from the last to the first.
  // Stable sorts from the last column to the first (numpyCounting.ts's lexsort, inline: that module
  // imports this one), each keeping the order of the last.
  else {
    perm = arange(n);
    for (let c = m - 1; c >= 0; c--) {
      const column = reshape(slice(plain, [0, c], [n, 1]), [n]);
      perm = gatherAlong(perm, argsort(gatherAlong(column, perm, 0, 'unique')), 0, 'unique');
    }
  }
  const sorted = n === 0 ? plain : take(plain, perm, 0);
  // An item starts a value where it differs from the one before in some entry (NaNs equal to each other with equalNan).
  let starts: Tensor;
  if (n === 0) starts = zeros([0]);
  else {
    const [cur, prev] = [slice(sorted, [1, 0], [n - 1, m]), slice(sorted, [0, 0], [n - 1, m])];
    let same = equal(cur, prev);
    if (equalNan) same = logicalOr(same, logicalAnd(isnan(cur), isnan(prev)));
    const differs = logicalNot(same);
    starts = concat([tensor([1]), m === 1 ? reshape(differs, [n - 1]) : greater(sum(differs, 1), 0)], 0);
  }
  // Items back in x's layout: k of them as [k, ...rest], the axis moved back.
  const layout = (v: Tensor) => (ax === null ? reshape(v, [v.shape[0]!]) : moveaxis(reshape(v, [v.shape[0]!, ...rest]), 0, ax));
  if (n === 0) {
    const k = size ?? 0;
    const values = layout(full([k, m], options.fillValue ?? 0));
    if (!options.returnIndex && !options.returnInverse && !options.returnCounts) return values;
    const empty: UniqueResult = { values };
    if (options.returnIndex) empty.indices = zeros([k]);
    if (options.returnInverse) empty.inverse = zeros([0]);
    if (options.returnCounts) empty.counts = zeros([k]);
    return empty;
  }
  // The sorted positions where values start: all of them (read eagerly), or the first size + 1 (a
  // stable sort of "not a start" puts the starts first), the extra one giving the last count.
  let firstSorted: Tensor, next: Tensor, valid: Tensor | null = null, count: number;
  if (size === null) {
    const v = readValues('unique', starts, SIZE_FIX.replace('positions', 'values'));
    const at: number[] = [];
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) at.push(i);
    firstSorted = tensor(at);
    next = tensor([...at.slice(1), n]);
    count = at.length;
  } else {
    const order = argsort(logicalNot(starts));
    const firsts = size + 1 <= n ? slice(order, [0], [size + 1]) : concat([order, zeros([size + 1 - n])], 0);
    const inRange = less(arange(size + 1), sum(starts));
    valid = slice(inRange, [0], [size]);
    firstSorted = where(valid, slice(firsts, [0], [size]), 0); // padding: position 0, as JAX's nonzero fill
    next = where(slice(inRange, [1], [size]), slice(firsts, [1], [size]), n);
    count = size;
  }
  const firstIndex = gatherAlong(perm, firstSorted, 0, 'unique');
  let rows = take(items, firstIndex, 0);
  // The default padding is the smallest value as JAX's (its aux[0]): values[0], the smallest value's
  // first occurrence, so its cotangent reaches x too (a constant copy of it left the padding's share out
  // of the gradient: grad of Σ w·unique([3, 1, 3], { size: 4 }) gave x[1] w₀ instead of w₀ + w₂ + w₃).
  if (valid !== null && count > 0) rows = where(reshape(valid, [count, 1]), rows, options.fillValue ?? slice(rows, [0, 0], [1, m]));
  const values = layout(rows);
  if (!options.returnIndex && !options.returnInverse && !options.returnCounts) return values;
  const result: UniqueResult = { values };
  if (options.returnIndex) result.indices = firstIndex;
  if (options.returnInverse) {
    // Position of each sorted item's value: the number of starts up to it, less one; back to x's order.
    const inverse = gatherAlong(sub(cumsum(starts, 0), 1), argsort(perm), 0, 'unique');
    result.inverse = size === null ? inverse : clip(inverse, 0, Math.max(count - 1, 0));
  }
  if (options.returnCounts) {
    const gaps = sub(next, firstSorted);
    result.counts = valid === null ? gaps : where(valid, gaps, 0);
  }
  return result;
}

/**
 * The values of t for an op whose result's shape depends on them: an AdjointError under vmap
 * (they differ per example) saying how to fix the shape; under jit the read is reported, so the
 * function runs as written on each call.
 * @internal
 */
export function readValues(op: string, t: Tensor, fix: string): Float64Array {
  if (opaqueTrace(t) !== null) {
    throw new AdjointError(`${op}: under vmap the length of the result depends on each example's values, so it has no one shape; ${fix}.`);
  }
  noteLibraryRead(t, `${op}'s result length`);
  return t.values;
}
