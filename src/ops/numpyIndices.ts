/**
 * @file jax.numpy's index functions, as composites of adjoint's ops (no new primitives):
 * unravelIndex, ravelMultiIndex, trilIndices, triuIndices, diagIndices (and their …From forms).
 * Positions are float64 whole numbers, with no gradient (NumPy 1.24's values).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import { MAX_TENSOR_SIZE, allocChecked } from '../tensor/checks.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, tensor, type TensorLike } from '../tensor/create.js';
import { add, div, mul, sub } from './binary.js';
import { clip, stopGradient } from './select.js';
import { fmod, mod } from './rounding.js';
import { knownOptions } from './optionChecks.js';
import { checkIntegerValues, integerArg } from './numpyBreadth.js';
import { checkArgumentValues } from './argumentChecks.js';
import { extraArguments } from '../core/extraArguments.js';

/** A shape argument (a number or a list of whole numbers), checked. */
function shapeArg(op: string, name: string, dims: number | readonly number[]): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) throw new InvalidArgumentError(`${op}: ${name} must be a list of whole numbers such as [2, 3], got ${describe(dims)}.`);
  return Array.from(list, (d) => integerArg(op, `${name} (each length)`, d)); // holes read as undefined, refused
}

/** Row-major ('C') or column-major ('F') strides of a shape. @internal */
export function strides(op: string, dims: readonly number[], order: unknown): number[] {
  if (order !== 'C' && order !== 'F') throw new InvalidArgumentError(`${op}: order must be 'C' (row-major) or 'F' (column-major), got ${describe(order)}.`);
  const out = new Array<number>(dims.length);
  let s = 1;
  const idx = dims.map((_, i) => i);
  for (const i of order === 'C' ? idx.reverse() : idx) {
    out[i] = s;
    s *= dims[i]!;
  }
  return out;
}

/** Options of `unravelIndex`. */
export interface UnravelOptions {
  /** 'C' (row-major, default) or 'F' (column-major). */
  readonly order?: 'C' | 'F' | undefined;
}

/**
 * The coordinates in an array of shape `dims` of each flat position in `indices`
 * (numpy.unravel_index): one tensor per axis, each of indices' shape. Positions must be whole
 * numbers in [0, size) (an AdjointError otherwise, as NumPy's ValueError; JAX clips instead).
 * @example
 * ad.unravelIndex(ad.tensor([5, 1]), [2, 3]).map((c) => c.toArray()); // => [[1, 0], [2, 1]]
 */
export function unravelIndex(indices: TensorLike, dims: number | readonly number[], options?: UnravelOptions): Tensor[];
export function unravelIndex(indices: TensorLike, dims: number | readonly number[], options: UnravelOptions = {}, ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('unravelIndex', 'unravelIndex(indices, dims, options?)', extra, options);
  const t = stopGradient(asTensor(indices, 'unravelIndex'));
  const shape = shapeArg('unravelIndex', 'dims', dims);
  knownOptions('unravelIndex', options, ['order'], "{ order: 'F' }");
  const st = strides('unravelIndex', shape, options.order ?? 'C');
  const size = shape.reduce((a, b) => a * b, 1);
  checkIntegerValues('unravelIndex', 'indices', t, true);
  // A guard under jit (checkArgumentValues): a replay with a position past the end throws as the eager call.
  checkArgumentValues(t, (v) => {
    const bad = v.find((e) => e >= size);
    if (bad !== undefined) throw new InvalidArgumentError(`unravelIndex: index ${bad} is out of bounds for an array of shape ${formatShape(shape)} (size ${size}); use positions in [0, ${size - 1}].`);
  });
  return coordinates(t, shape, st);
}

/**
 * Coordinate i of flat positions p is (p mod (stride·dim) − p mod stride)/stride: every step exact
 * (fmod is), with no quotient rounded up to the next whole number.
 */
export function coordinates(t: Tensor, shape: readonly number[], st: readonly number[]): Tensor[] {
  return shape.map((d, i) => {
    const s = st[i]!;
    return div(sub(fmod(t, s * d), fmod(t, s)), s);
  });
}

/** Options of `ravelMultiIndex`. */
export interface RavelOptions {
  /** Out-of-range coordinates: 'raise' (an error, default), 'wrap' (modulo the length) or 'clip'; or one per axis. */
  readonly mode?: 'raise' | 'wrap' | 'clip' | ReadonlyArray<'raise' | 'wrap' | 'clip'> | undefined;
  /** 'C' (row-major, default) or 'F' (column-major). */
  readonly order?: 'C' | 'F' | undefined;
}

/**
 * The flat positions of coordinates in an array of shape `dims` (numpy.ravel_multi_index): one
 * coordinate tensor per axis (they broadcast). Coordinates must be integers; out of range they
 * are an error (`mode: 'raise'`, checked where values can be read), wrapped or clipped.
 * @example ad.ravelMultiIndex([ad.tensor([1, 0]), ad.tensor([2, 1])], [2, 3]).toArray(); // => [5, 1]
 */
export function ravelMultiIndex(multiIndex: readonly TensorLike[], dims: number | readonly number[], options?: RavelOptions): Tensor;
export function ravelMultiIndex(multiIndex: readonly TensorLike[], dims: number | readonly number[], options: RavelOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ravelMultiIndex', 'ravelMultiIndex(multiIndex, dims, options?)', extra, options);
  const shape = shapeArg('ravelMultiIndex', 'dims', dims);
  knownOptions('ravelMultiIndex', options, ['mode', 'order'], "{ mode: 'wrap' }");
  if (!Array.isArray(multiIndex) || multiIndex.length !== shape.length) {
    throw new InvalidArgumentError(`ravelMultiIndex: multiIndex must be a list of ${shape.length} coordinate tensors (one per axis of ${formatShape(shape)}), got ${describe(multiIndex)}.`);
  }
  const st = strides('ravelMultiIndex', shape, options.order ?? 'C');
  const modes = Array.isArray(options.mode) ? options.mode : shape.map(() => options.mode ?? 'raise');
  // An axis of length 0 holds no position: NumPy refuses coordinates there in every mode (wrap took
  // them mod 0 = NaN, clip to [0, −1]).
  if (shape.includes(0) && multiIndex.every((c) => asTensor(c, 'ravelMultiIndex').size > 0)) {
    throw new InvalidArgumentError(`ravelMultiIndex: dims ${formatShape(shape)} have a zero length, so no coordinates are in range (NumPy: cannot unravel if shape has zero entries).`);
  }
  if (modes.length !== shape.length) throw new InvalidArgumentError(`ravelMultiIndex: mode lists ${modes.length} modes for ${shape.length} axes.`);
  let total: Tensor | number = 0;
  multiIndex.forEach((c, i) => {
    let t = stopGradient(asTensor(c, 'ravelMultiIndex'));
    const d = shape[i]!, m = modes[i];
    checkIntegerValues('ravelMultiIndex', `coordinate ${i}`, t);
    if (m === 'raise') {
      checkArgumentValues(t, (v) => {
        const bad = v.find((e) => e < 0 || e >= d);
        if (bad !== undefined) throw new InvalidArgumentError(`ravelMultiIndex: coordinate ${bad} is out of bounds for axis ${i} of length ${d}; use values in [0, ${d - 1}] or mode 'wrap' or 'clip'.`);
      });
    } else if (m === 'wrap') t = mod(t, d);
    else if (m === 'clip') t = clip(t, 0, d - 1);
    else throw new InvalidArgumentError(`ravelMultiIndex: mode must be 'raise', 'wrap' or 'clip', got ${describe(m)}.`);
    total = add(total, mul(t, st[i]!));
  });
  return asTensor(total, 'ravelMultiIndex');
}

/**
 * The positions (rows, columns) of a triangle of an n×m matrix, row-major, as NumPy's nonzero of
 * its mask: row i holds the columns [lo(i), hi(i)) clipped to [0, m). Counted first, so a triangle
 * larger than a tensor can hold is refused before anything is allocated.
 */
function trianglePositions(op: string, n: number, m: number, lo: (i: number) => number, hi: (i: number) => number): [Tensor, Tensor] {
  const span = (i: number) => Math.max(0, Math.min(m, hi(i)) - Math.max(0, lo(i)));
  let total = 0;
  for (let i = 0; i < n && total <= MAX_TENSOR_SIZE; i++) total += span(i);
  if (total > MAX_TENSOR_SIZE) {
    throw new ShapeError(
      `${op}: the triangle of a ${n}×${m} matrix has more than ${MAX_TENSOR_SIZE.toLocaleString('en-US')} (2^32) positions, more than a tensor can hold; ` +
        `ask for a smaller n, or work through the rows in pieces.`,
    );
  }
  const rows = allocChecked(op, [total]), cols = allocChecked(op, [total]);
  for (let i = 0, at = 0; i < n; i++) {
    for (let j = Math.max(0, lo(i)), end = Math.min(m, hi(i)); j < end; j++, at++) {
      rows[at] = i;
      cols[at] = j;
    }
  }
  return [new Tensor(rows, [total]), new Tensor(cols, [total])];
}

/**
 * The row and column positions of the lower triangle (column − row ≤ k) of an n×m matrix
 * (numpy.tril_indices; m = n by default), row by row.
 * @example ad.trilIndices(3).map((p) => p.toArray()); // => [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
 */
export function trilIndices(n: number, k?: number, m?: number): [Tensor, Tensor];
export function trilIndices(n: number, k = 0, m?: number, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('trilIndices', 'trilIndices(n, k?, m?)', extra, m);
  integerArg('trilIndices', 'n', n);
  integerArg('trilIndices', 'k', k, true);
  const cols = m === undefined ? n : integerArg('trilIndices', 'm', m);
  return trianglePositions('trilIndices', n, cols, () => 0, (i) => i + k + 1); // column − row ≤ k
}

/**
 * The row and column positions of the upper triangle (column − row ≥ k) of an n×m matrix
 * (numpy.triu_indices; m = n by default), row by row.
 * @example ad.triuIndices(3, 1).map((p) => p.toArray()); // => [[0, 0, 1], [1, 2, 2]]
 */
export function triuIndices(n: number, k?: number, m?: number): [Tensor, Tensor];
export function triuIndices(n: number, k = 0, m?: number, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('triuIndices', 'triuIndices(n, k?, m?)', extra, m);
  integerArg('triuIndices', 'n', n);
  integerArg('triuIndices', 'k', k, true);
  const cols = m === undefined ? n : integerArg('triuIndices', 'm', m);
  return trianglePositions('triuIndices', n, cols, (i) => i + k, () => cols); // column − row ≥ k
}

/** The last two lengths of a matrix argument of the …From forms. */
function matrixShape(op: string, arr: TensorLike): [number, number] {
  const t = asTensor(arr, op);
  if (t.ndim !== 2) throw new ShapeError(`${op}: arr of shape ${formatShape(t.shape)} must be 2-d (as NumPy's).`);
  return [t.shape[0]!, t.shape[1]!];
}

/** `trilIndices` for arr's shape (numpy.tril_indices_from). @example ad.trilIndicesFrom(ad.zeros([2, 3]))[1].toArray(); // => [0, 0, 1] */
export function trilIndicesFrom(arr: TensorLike, k?: number): [Tensor, Tensor];
export function trilIndicesFrom(arr: TensorLike, k = 0, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('trilIndicesFrom', 'trilIndicesFrom(arr, k?)', extra, k);
  const [n, m] = matrixShape('trilIndicesFrom', arr);
  return trilIndices(n, k, m);
}

/** `triuIndices` for arr's shape (numpy.triu_indices_from). @example ad.triuIndicesFrom(ad.zeros([2, 3]))[1].toArray(); // => [0, 1, 2, 1, 2] */
export function triuIndicesFrom(arr: TensorLike, k?: number): [Tensor, Tensor];
export function triuIndicesFrom(arr: TensorLike, k = 0, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('triuIndicesFrom', 'triuIndicesFrom(arr, k?)', extra, k);
  const [n, m] = matrixShape('triuIndicesFrom', arr);
  return triuIndices(n, k, m);
}

/**
 * The positions of the main diagonal of an n×…×n array of `ndim` axes (numpy.diag_indices): `ndim`
 * copies of [0, 1, …, n − 1].
 * @example ad.diagIndices(3).map((p) => p.toArray()); // => [[0, 1, 2], [0, 1, 2]]
 */
export function diagIndices(n: number, ndim?: number): Tensor[];
export function diagIndices(n: number, ndim = 2, ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('diagIndices', 'diagIndices(n, ndim?)', extra, ndim);
  integerArg('diagIndices', 'n', n);
  integerArg('diagIndices', 'ndim', ndim);
  return Array.from({ length: ndim }, () => arange(n));
}

/** `diagIndices` for arr, whose axes must have one length (numpy.diag_indices_from). @example ad.diagIndicesFrom(ad.zeros([2, 2])).length; // => 2 */
export function diagIndicesFrom(arr: TensorLike): Tensor[];
export function diagIndicesFrom(arr: TensorLike, ...extra: unknown[]): Tensor[] {
  if (extra.length > 0) extraArguments('diagIndicesFrom', 'diagIndicesFrom(arr)', extra, arr);
  const t = asTensor(arr, 'diagIndicesFrom');
  if (t.ndim < 2 || t.shape.some((d) => d !== t.shape[0])) {
    throw new ShapeError(`diagIndicesFrom: arr of shape ${formatShape(t.shape)} must have two axes or more, all of one length.`);
  }
  return diagIndices(t.shape[0]!, t.ndim);
}
