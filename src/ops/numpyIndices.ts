/**
 * @file jax.numpy's index and counting functions, as composites of adjoint's ops (no new
 * primitives): unravelIndex, ravelMultiIndex, trilIndices, triuIndices, diagIndices (and their
 * …From forms), histogram, bincount, digitize, isin, lexsort, and the functions whose result's
 * length depends on the values — nonzero, argwhere, flatnonzero, unique. Those read the values
 * eagerly; with a static `{ size }` (JAX's keyword) they are built of sorts and gathers instead,
 * so they also run under vmap and replay under jit. Positions are float64 whole numbers, with no
 * gradient (NumPy/JAX's semantics otherwise: NumPy 1.24's values).
 */
import { AdjointError, InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { arange, asTensor, describe, full, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { add, div, equal, greater, greaterEqual, less, lessEqual, mul, notEqual, sub } from './binary.js';
import { clip, stopGradient, where } from './select.js';
import { sum, checkedMax, checkedMin, cumsum } from './reduce.js';
import { broadcastTo, concat, reshape, slice, stack, take, transpose } from './shape.js';
import { fmod, mod } from './rounding.js';
import { isnan, logicalAnd, logicalNot, logicalOr } from './predicates.js';
import { ravel } from './layout.js';
import { argsort } from './sort.js';
import { gatherAlong, scatterAdd } from './gather.js';
import { searchsorted } from './interpolation.js';
import { flip } from './rearrange.js';
import { checkableValues } from './statistics.js';
import { knownOptions } from './optionChecks.js';
import { checkArgumentValues, checkIntegerValues, integerArg } from './numpyBreadth.js';

/** A shape argument (a number or a list of whole numbers), checked. */
function shapeArg(op: string, name: string, dims: number | readonly number[]): number[] {
  const list = typeof dims === 'number' ? [dims] : dims;
  if (!Array.isArray(list)) throw new InvalidArgumentError(`${op}: ${name} must be a list of whole numbers such as [2, 3], got ${describe(dims)}.`);
  return list.map((d) => integerArg(op, `${name} (each length)`, d));
}

/** Row-major ('C') or column-major ('F') strides of a shape. */
function strides(op: string, dims: readonly number[], order: unknown): number[] {
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
export function unravelIndex(indices: TensorLike, dims: number | readonly number[], options: UnravelOptions = {}): Tensor[] {
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
function coordinates(t: Tensor, shape: readonly number[], st: readonly number[]): Tensor[] {
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
export function ravelMultiIndex(multiIndex: readonly TensorLike[], dims: number | readonly number[], options: RavelOptions = {}): Tensor {
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

/** The positions (rows, columns) of an n×m mask, row-major, as NumPy's nonzero of it. */
function maskPositions(n: number, m: number, keep: (i: number, j: number) => boolean): [Tensor, Tensor] {
  const rows: number[] = [], cols: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (keep(i, j)) { rows.push(i); cols.push(j); }
  return [tensor(rows), tensor(cols)];
}

/**
 * The row and column positions of the lower triangle (column − row ≤ k) of an n×m matrix
 * (numpy.tril_indices; m = n by default), row by row.
 * @example ad.trilIndices(3).map((p) => p.toArray()); // => [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
 */
export function trilIndices(n: number, k = 0, m?: number): [Tensor, Tensor] {
  integerArg('trilIndices', 'n', n);
  integerArg('trilIndices', 'k', k, true);
  const cols = m === undefined ? n : integerArg('trilIndices', 'm', m);
  return maskPositions(n, cols, (i, j) => j - i <= k);
}

/**
 * The row and column positions of the upper triangle (column − row ≥ k) of an n×m matrix
 * (numpy.triu_indices; m = n by default), row by row.
 * @example ad.triuIndices(3, 1).map((p) => p.toArray()); // => [[0, 0, 1], [1, 2, 2]]
 */
export function triuIndices(n: number, k = 0, m?: number): [Tensor, Tensor] {
  integerArg('triuIndices', 'n', n);
  integerArg('triuIndices', 'k', k, true);
  const cols = m === undefined ? n : integerArg('triuIndices', 'm', m);
  return maskPositions(n, cols, (i, j) => j - i >= k);
}

/** The last two lengths of a matrix argument of the …From forms. */
function matrixShape(op: string, arr: TensorLike): [number, number] {
  const t = asTensor(arr, op);
  if (t.ndim !== 2) throw new ShapeError(`${op}: arr of shape ${formatShape(t.shape)} must be 2-d (as NumPy's).`);
  return [t.shape[0]!, t.shape[1]!];
}

/** `trilIndices` for arr's shape (numpy.tril_indices_from). @example ad.trilIndicesFrom(ad.zeros([2, 3]))[1].toArray(); // => [0, 0, 1] */
export function trilIndicesFrom(arr: TensorLike, k = 0): [Tensor, Tensor] {
  const [n, m] = matrixShape('trilIndicesFrom', arr);
  return trilIndices(n, k, m);
}

/** `triuIndices` for arr's shape (numpy.triu_indices_from). @example ad.triuIndicesFrom(ad.zeros([2, 3]))[1].toArray(); // => [0, 1, 2, 1, 2] */
export function triuIndicesFrom(arr: TensorLike, k = 0): [Tensor, Tensor] {
  const [n, m] = matrixShape('triuIndicesFrom', arr);
  return triuIndices(n, k, m);
}

/**
 * The positions of the main diagonal of an n×…×n array of `ndim` axes (numpy.diag_indices): `ndim`
 * copies of [0, 1, …, n − 1].
 * @example ad.diagIndices(3).map((p) => p.toArray()); // => [[0, 1, 2], [0, 1, 2]]
 */
export function diagIndices(n: number, ndim = 2): Tensor[] {
  integerArg('diagIndices', 'n', n);
  integerArg('diagIndices', 'ndim', ndim);
  return Array.from({ length: ndim }, () => arange(n));
}

/** `diagIndices` for arr, whose axes must have one length (numpy.diag_indices_from). @example ad.diagIndicesFrom(ad.zeros([2, 2])).length; // => 2 */
export function diagIndicesFrom(arr: TensorLike): Tensor[] {
  const t = asTensor(arr, 'diagIndicesFrom');
  if (t.ndim < 2 || t.shape.some((d) => d !== t.shape[0])) {
    throw new ShapeError(`diagIndicesFrom: arr of shape ${formatShape(t.shape)} must have two axes or more, all of one length.`);
  }
  return diagIndices(t.shape[0]!, t.ndim);
}

// ---------------------------------------------------------------------------------------------
// Counting

/** Options of `histogram`. */
export interface HistogramOptions {
  /** The lower and upper edges of equal bins (default a's minimum and maximum); values outside are left out. */
  readonly range?: readonly [number, number] | undefined;
  /** A weight per entry of a (its shape): each adds its weight instead of 1. */
  readonly weights?: TensorLike | undefined;
  /** Divide the counts by their total and by the bin widths, so they integrate to 1. */
  readonly density?: boolean | undefined;
}

/**
 * The counts of a's entries in bins (numpy.histogram): `bins` equal bins over `range` (default a's
 * minimum to maximum, widened by ½ each side when they are equal; [0, 1] for an empty a), or the
 * given increasing edges. Bin i holds edges[i] ≤ x < edges[i + 1], the last one closed; entries
 * outside (and NaN) are left out. Returns `[hist, binEdges]`. Differentiable in the weights (and
 * through the edges and density in a's minimum and maximum, as JAX's); the counts themselves are
 * piecewise constant in a. The number of bins is static, so it runs under vmap and jit.
 * @example
 * const [hist, edges] = ad.histogram(ad.tensor([1, 2, 2, 3, 5]), 4);
 * hist.toArray();  // => [1, 2, 1, 1]
 * edges.toArray(); // => [1, 2, 3, 4, 5]
 */
export function histogram(a: TensorLike, bins: number | TensorLike | readonly number[] = 10, options: HistogramOptions = {}): [Tensor, Tensor] {
  const x = ravel(asTensor(a, 'histogram'));
  knownOptions('histogram', options, ['range', 'weights', 'density'], '{ range: [0, 1], density: true }');
  let edges: Tensor;
  if (typeof bins === 'number') {
    const n = integerArg('histogram', 'bins', bins);
    if (n === 0) throw new InvalidArgumentError('histogram: bins must be at least 1, got 0.');
    let lo: Tensor, hi: Tensor;
    if (options.range !== undefined) {
      const r = options.range;
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number') {
        throw new InvalidArgumentError(`histogram: range must be a pair of numbers [min, max], got ${describe(r)}.`);
      }
      if (r[0] > r[1]) throw new InvalidArgumentError(`histogram: range [${r[0]}, ${r[1]}]: max must be larger than min.`);
      if (!Number.isFinite(r[0]) || !Number.isFinite(r[1])) throw new InvalidArgumentError(`histogram: the range [${r[0]}, ${r[1]}] is not finite.`);
      [lo, hi] = [tensor(r[0]), tensor(r[1])];
    } else if (x.size === 0) {
      [lo, hi] = [tensor(0), tensor(1)];
    } else {
      [lo, hi] = [checkedMin(x), checkedMax(x)];
      checkArgumentValues(stack([lo, hi]), ([l, h]) => {
        if (!(Number.isFinite(l!) && Number.isFinite(h!))) {
          throw new InvalidArgumentError(`histogram: the range found in a, [${l}, ${h}], is not finite; give { range: [min, max] } or remove the NaN and infinite entries.`);
        }
      });
    }
    const same = equal(lo, hi);
    [lo, hi] = [where(same, sub(lo, 0.5), lo), where(same, add(hi, 0.5), hi)];
    // numpy.linspace(lo, hi, n + 1): lo + i·((hi − lo)/n), the last edge hi exactly.
    const inner = add(mul(arange(n), div(sub(hi, lo), n)), lo);
    edges = concat([inner, reshape(hi, [1])], 0);
  } else {
    edges = bins instanceof Tensor ? bins : Array.isArray(bins) ? tensor(bins as number[]) : asTensor(bins as unknown as TensorLike, 'histogram');
    if (edges.ndim !== 1 || edges.size < 2) throw new ShapeError(`histogram: bin edges must be 1-D with two or more entries, got shape ${formatShape(edges.shape)}.`);
    checkArgumentValues(edges, (e) => {
      for (let i = 1; i < e.length; i++) {
        if (!(e[i]! >= e[i - 1]!)) throw new InvalidArgumentError(`histogram: bin edges must increase monotonically, but edge ${i} (${e[i]}) is below edge ${i - 1} (${e[i - 1]}).`);
      }
    });
  }
  const n = edges.size - 1;
  const first = reshape(slice(edges, [0], [1]), []), last = reshape(slice(edges, [n], [1]), []);
  let w: Tensor | null = null;
  if (options.weights !== undefined) {
    const tw = asTensor(options.weights, 'histogram');
    const given = asTensor(a, 'histogram');
    if (tw.shape.length !== given.shape.length || tw.shape.some((d, i) => d !== given.shape[i])) {
      throw new ShapeError(`histogram: weights of shape ${formatShape(tw.shape)} must have a's shape ${formatShape(given.shape)}.`);
    }
    w = ravel(tw);
  }
  // Bin of each entry: the number of edges ≤ x, less one; the last edge belongs to the last bin;
  // entries outside [first, last] (NaN too) go to an extra slot n, dropped.
  const xs = stopGradient(x);
  const bin = where(equal(xs, last), n - 1, sub(searchsorted(edges, xs, { side: 'right' }), 1));
  const inside = logicalAnd(greaterEqual(xs, first), lessEqual(xs, last));
  const slot = where(inside, bin, n);
  const counts = scatterAdd(zeros([n + 1]), slot, w ?? broadcastTo(1, [x.size]), 0);
  let hist = slice(counts, [0], [n]);
  if (options.density === true) {
    const widths = sub(slice(edges, [1], [n]), slice(edges, [0], [n]));
    hist = div(div(hist, widths), sum(hist));
  } else if (options.density !== undefined && options.density !== false) {
    throw new InvalidArgumentError(`histogram: density must be true or false, got ${describe(options.density)}.`);
  }
  return [hist, edges];
}

/** Options of `bincount`. */
export interface BincountOptions {
  /** A weight per entry of x (its shape): bin k sums the weights of the entries equal to k. */
  readonly weights?: TensorLike | undefined;
  /** The least number of bins (default 0). */
  readonly minlength?: number | undefined;
  /** The number of bins, fixed (JAX's static `length`): entries ≥ length are left out, and the result does not depend on the values, so it runs under vmap and jit. */
  readonly length?: number | undefined;
}

/**
 * The number of occurrences of each value 0, 1, …, max(x) in a 1-d x of whole numbers ≥ 0
 * (numpy.bincount), or the sums of their `weights`; `minlength` bins at least. The length of the
 * result depends on x's values, so it is read eagerly (under jit the function then runs as
 * written); under vmap give `{ length }` (as JAX requires), or it is an error. With `length`,
 * entries ≥ length are left out (and, where values cannot be checked, negative ones count in bin
 * 0, as JAX's). Differentiable in the weights.
 * @example
 * ad.bincount(ad.tensor([0, 1, 1, 3])).toArray();                 // => [1, 2, 0, 1]
 * ad.bincount(ad.tensor([0, 1, 1, 3]), { length: 3 }).toArray();  // => [1, 2, 0]
 */
export function bincount(x: TensorLike, options: BincountOptions = {}): Tensor {
  const t = stopGradient(asTensor(x, 'bincount'));
  knownOptions('bincount', options, ['weights', 'minlength', 'length'], '{ minlength: 5 }');
  if (t.ndim !== 1) throw new ShapeError(`bincount: x must be 1-d, got shape ${formatShape(t.shape)}; flatten it first (ad.ravel).`);
  checkIntegerValues('bincount', 'x', t, true);
  const minlength = integerArg('bincount', 'minlength', options.minlength ?? 0);
  let w: Tensor | null = null;
  if (options.weights !== undefined) {
    w = asTensor(options.weights, 'bincount');
    if (w.ndim !== 1 || w.size !== t.size) throw new ShapeError(`bincount: weights of shape ${formatShape(w.shape)} must have x's shape ${formatShape(t.shape)}.`);
  }
  let length: number;
  if (options.length !== undefined) length = integerArg('bincount', 'length', options.length);
  else {
    const v = readValues('bincount', t, "pass { length } (the number of bins) for a result whose shape does not depend on the values, as JAX's bincount requires under vmap and jit");
    length = Math.max(minlength, v.length === 0 ? 0 : v.reduce((a, b) => Math.max(a, b), 0) + 1);
  }
  const slot = where(greaterEqual(t, length), length, clip(t, 0, Infinity));
  const counts = scatterAdd(zeros([length + 1]), slot, w ?? broadcastTo(1, [t.size]), 0);
  return slice(counts, [0], [length]);
}

/**
 * The values of t for an op whose result's shape depends on them: an AdjointError under vmap
 * (they differ per example) saying how to fix the shape; under jit the read is reported, so the
 * function runs as written on each call.
 */
function readValues(op: string, t: Tensor, fix: string): Float64Array {
  if (opaqueTrace(t) !== null) {
    throw new AdjointError(`${op}: under vmap the length of the result depends on each example's values, so it has no one shape; ${fix}.`);
  }
  noteLibraryRead(t, `${op}'s result length`);
  return t.values;
}

/**
 * The bin of each x (numpy.digitize): for increasing bins, the i with bins[i−1] ≤ x < bins[i]
 * (`right`: bins[i−1] < x ≤ bins[i]), 0 below and bins.length above; for decreasing bins the
 * mirror image. bins must be monotonic (an AdjointError otherwise, where its values can be
 * read). NaN goes past the end. No gradient.
 * @example ad.digitize(ad.tensor([0.5, 1, 2.5, 9]), ad.tensor([1, 2, 3])).toArray(); // => [0, 1, 2, 3]
 */
export function digitize(x: TensorLike, bins: TensorLike, right = false): Tensor {
  const tx = stopGradient(asTensor(x, 'digitize'));
  const tb = stopGradient(asTensor(bins, 'digitize'));
  if (tb.ndim !== 1) throw new ShapeError(`digitize: bins must be 1-d, got shape ${formatShape(tb.shape)}.`);
  if (typeof right !== 'boolean') throw new InvalidArgumentError(`digitize: right must be true or false, got ${describe(right)}.`);
  const n = tb.size;
  const side = right ? 'left' : 'right';
  const direction = (v: Float64Array) => {
    let up = true, down = true;
    for (let i = 1; i < n; i++) { if (!(v[i]! >= v[i - 1]!)) up = false; if (!(v[i]! <= v[i - 1]!)) down = false; }
    if (!up && !down) throw new InvalidArgumentError(`digitize: bins must be monotonically increasing or decreasing, got ${formatShape(tb.shape)} values that are neither.`);
    return up;
  };
  // The check is a guard under jit (a replay with unsorted bins throws as the eager call); the
  // direction is read where the values can be, else chosen from the ends below.
  checkArgumentValues(tb, (v) => { direction(v); });
  const v = checkableValues(tb);
  const increasing: boolean | null = v === null ? null : direction(v);
  const forward = () => searchsorted(tb, tx, { side });
  const backward = () => sub(n, searchsorted(flip(tb, 0), tx, { side }));
  if (increasing === true) return forward();
  if (increasing === false) return backward();
  // Values not readable (vmap): the direction from the ends, both searches, one selected.
  const descending = n < 2 ? 0 : greater(reshape(slice(tb, [0], [1]), []), reshape(slice(tb, [n - 1], [1]), []));
  return where(descending, backward(), forward());
}

/** Options of `isin`. */
export interface IsinOptions {
  /** Return 1 where the element is *not* among the test elements. */
  readonly invert?: boolean | undefined;
}

/**
 * 1 where an entry of `element` equals some entry of `testElements`, else 0 (numpy.isin), of
 * element's shape; `invert` flips it. NaN is in nothing (NaN ≠ NaN); −0 equals 0. A sort and a
 * binary search (O((n + m) log m)). No gradient.
 * @example ad.isin(ad.tensor([1, 2, 3, 4]), ad.tensor([4, 2])).toArray(); // => [0, 1, 0, 1]
 */
export function isin(element: TensorLike, testElements: TensorLike, options: IsinOptions = {}): Tensor {
  const e = stopGradient(asTensor(element, 'isin'));
  const test = ravel(stopGradient(asTensor(testElements, 'isin')));
  knownOptions('isin', options, ['invert'], '{ invert: true }');
  const invert = options.invert ?? false;
  if (typeof invert !== 'boolean') throw new InvalidArgumentError(`isin: invert must be true or false, got ${describe(invert)}.`);
  const m = test.size;
  if (m === 0) return full(e.shape, invert ? 1 : 0);
  const sorted = gatherAlong(test, argsort(test), 0, 'isin');
  const at = clip(searchsorted(sorted, e), 0, m - 1);
  const found = equal(reshape(gatherAlong(sorted, reshape(at, [e.size]), 0, 'isin'), e.shape), e);
  return invert ? logicalNot(found) : found;
}

/**
 * The positions that sort by several keys (numpy.lexsort): the **last** key is the primary one,
 * ties broken by the one before, and so on; stable; NaN last in each key. `keys` is a list of
 * tensors of one shape, or a tensor whose first axis lists them; sorted along `axis` (default the
 * last). No gradient.
 * @example ad.lexsort([ad.tensor([1, 2, 3, 4]), ad.tensor([2, 1, 2, 1])]).toArray(); // => [1, 3, 0, 2]
 */
export function lexsort(keys: readonly TensorLike[] | Tensor, axis = -1): Tensor {
  let list: Tensor[];
  if (keys instanceof Tensor) {
    if (keys.ndim === 0) throw new ShapeError('lexsort: keys is 0-d; give a list of keys or a tensor whose first axis lists them.');
    list = Array.from({ length: keys.shape[0]! }, (_, i) => take(keys, i, 0));
  } else if (Array.isArray(keys)) list = keys.map((k) => asTensor(k, 'lexsort'));
  else throw new InvalidArgumentError(`lexsort: keys must be a list of tensors or a tensor, got ${describe(keys)}.`);
  if (list.length === 0) throw new InvalidArgumentError('lexsort: at least one key is needed.');
  const shape = list[0]!.shape;
  for (const k of list) {
    if (k.shape.length !== shape.length || k.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`lexsort: all keys must have one shape, got ${formatShape(shape)} and ${formatShape(k.shape)}.`);
    }
  }
  if (shape.length === 0) throw new ShapeError('lexsort: the keys are 0-d; they need an axis to sort along.');
  const ax = normalizeAxis(axis, shape.length, 'lexsort');
  // Stable sorts from the least significant key to the most: each keeps the order of the last.
  let perm = argsort(stopGradient(list[0]!), ax);
  for (const k of list.slice(1)) {
    const next = argsort(gatherAlong(stopGradient(k), perm, ax, 'lexsort'), ax);
    perm = gatherAlong(perm, next, ax, 'lexsort');
  }
  return perm;
}

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
export function nonzero(x: TensorLike, options: NonzeroOptions = {}): Tensor[] {
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
export function argwhere(x: TensorLike, options: NonzeroOptions = {}): Tensor {
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
export function flatnonzero(x: TensorLike, options: NonzeroOptions = {}): Tensor {
  return nonzero(ravel(asTensor(x, 'flatnonzero')), options)[0]!;
}

/** Options of `unique`. */
export interface UniqueOptions extends NonzeroOptions {
  /** Also return the position (in the flattened x) of each value's first occurrence. */
  readonly returnIndex?: boolean | undefined;
  /** Also return, for each entry of the flattened x, the position of its value in the result. */
  readonly returnInverse?: boolean | undefined;
  /** Also return how many times each value occurs. */
  readonly returnCounts?: boolean | undefined;
  /** NaNs count as one value (default true, as NumPy 1.24 and JAX); false keeps each NaN. */
  readonly equalNan?: boolean | undefined;
  /** With `size`: the value for the padding entries (default the smallest value, as JAX's). */
  readonly fillValue?: number | undefined;
}

/** The results of `unique` with any of its `return…` options. */
export interface UniqueResult {
  /** The sorted distinct values (NaN last). */
  values: Tensor;
  /** With `returnIndex`: the first occurrence of each value in the flattened x. */
  indices?: Tensor;
  /** With `returnInverse`: for each entry of the flattened x, the position of its value in `values`. */
  inverse?: Tensor;
  /** With `returnCounts`: how many entries of x hold each value. */
  counts?: Tensor;
}

/**
 * The sorted distinct values of the flattened x (numpy.unique, axis None), NaN last (one NaN, with
 * `equalNan`, the default). With `returnIndex`, `returnInverse` or `returnCounts`, an object
 * `{ values, indices?, inverse?, counts? }` as NumPy's tuple (`inverse` is 1-d, NumPy 1.24's).
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
 */
export function unique(
  x: TensorLike,
  options?: UniqueOptions & { readonly returnIndex?: false | undefined; readonly returnInverse?: false | undefined; readonly returnCounts?: false | undefined },
): Tensor;
export function unique(x: TensorLike, options: UniqueOptions): UniqueResult;
export function unique(x: TensorLike, options: UniqueOptions = {}): Tensor | UniqueResult {
  const t = asTensor(x, 'unique');
  knownOptions('unique', options, ['returnIndex', 'returnInverse', 'returnCounts', 'equalNan', 'size', 'fillValue'], '{ returnCounts: true }');
  for (const k of ['returnIndex', 'returnInverse', 'returnCounts', 'equalNan'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'boolean') throw new InvalidArgumentError(`unique: ${k} must be true or false, got ${describe(options[k])}.`);
  }
  const equalNan = options.equalNan ?? true;
  const size = options.size === undefined ? null : integerArg('unique', 'size', options.size);
  if (options.fillValue !== undefined && typeof options.fillValue !== 'number') throw new InvalidArgumentError(`unique: fillValue must be a number, got ${describe(options.fillValue)}.`);
  const flat = reshape(t, [t.size]);
  const n = t.size;
  const plain = stopGradient(flat);
  const perm = argsort(plain);
  const sorted = gatherAlong(plain, perm, 0, 'unique');
  // A value starts where it differs from the one before (NaNs equal to each other with equalNan).
  let starts: Tensor;
  if (n === 0) starts = zeros([0]);
  else {
    const [cur, prev] = [slice(sorted, [1], [n - 1]), slice(sorted, [0], [n - 1])];
    let same = equal(cur, prev);
    if (equalNan) same = logicalOr(same, logicalAnd(isnan(cur), isnan(prev)));
    starts = concat([tensor([1]), logicalNot(same)], 0);
  }
  if (n === 0) {
    const m = size ?? 0;
    const values = full([m], options.fillValue ?? 0);
    if (!options.returnIndex && !options.returnInverse && !options.returnCounts) return values;
    const empty: UniqueResult = { values };
    if (options.returnIndex) empty.indices = zeros([m]);
    if (options.returnInverse) empty.inverse = zeros([0]);
    if (options.returnCounts) empty.counts = zeros([m]);
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
  let values = gatherAlong(flat, firstIndex, 0, 'unique');
  // The default padding is the smallest value as JAX's (its aux[0]): values[0], the smallest value's
  // first occurrence, so its cotangent reaches x too (a constant copy of it left the padding's share out
  // of the gradient: grad of Σ w·unique([3, 1, 3], { size: 4 }) gave x[1] w₀ instead of w₀ + w₂ + w₃).
  if (valid !== null && count > 0) values = where(valid, values, options.fillValue ?? reshape(slice(values, [0], [1]), []));
  if (!options.returnIndex && !options.returnInverse && !options.returnCounts) return values;
  const result: UniqueResult = { values };
  if (options.returnIndex) result.indices = firstIndex;
  if (options.returnInverse) {
    // Position of each sorted entry's value: the number of starts up to it, less one; back to x's order.
    const inverse = gatherAlong(sub(cumsum(starts, 0), 1), argsort(perm), 0, 'unique');
    result.inverse = size === null ? inverse : clip(inverse, 0, Math.max(count - 1, 0));
  }
  if (options.returnCounts) {
    const gaps = sub(next, firstSorted);
    result.counts = valid === null ? gaps : where(valid, gaps, 0);
  }
  return result;
}
