/**
 * @file jax.numpy's counting functions, as composites of adjoint's ops (no new primitives):
 * histogram, bincount, digitize, isin, lexsort (NumPy 1.24's values). bincount without a static
 * `{ length }` reads the values eagerly (numpyPositions.ts's readValues).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { MAX_TENSOR_SIZE } from '../tensor/checks.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, full, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { add, div, equal, greater, greaterEqual, lessEqual, mul, sub } from './binary.js';
import { clip, stopGradient, where } from './select.js';
import { sum, checkedMax, checkedMin } from './reduce.js';
import { broadcastTo, concat, reshape, slice, stack, take } from './shape.js';
import { isfinite, isnan, logicalAnd, logicalNot, logicalOr } from './predicates.js';
import { ravel } from './layout.js';
import { argsort } from './sort.js';
import { gatherAlong, scatterAdd } from './gather.js';
import { searchsorted } from './interpolation.js';
import { flip } from './rearrange.js';
import { checkableValues } from './statistics.js';
import { knownOptions } from './optionChecks.js';
import { checkIntegerValues, integerArg } from './numpyBreadth.js';
import { checkArgumentValues } from './argumentChecks.js';
import { readValues } from './numpyPositions.js';
import { extraArguments } from '../core/extraArguments.js';
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
 * n equal bins' n + 1 edges from lo to hi: numpy.linspace(lo, hi, n + 1) — lo + i·((hi − lo)/n),
 * the last edge hi exactly. Where hi − lo overflows (a range from −1e308 to 1e308) the edges are
 * the convex combinations lo·(1 − i/n) + hi·(i/n), which cannot: NumPy's edges there are NaN and ∞
 * and its counts fail (an IndexError), and these gave NaN edges and all-zero counts in silence.
 * @internal
 */
export function equalEdges(lo: Tensor, hi: Tensor, n: number): Tensor {
  const span = sub(hi, lo), finite = isfinite(span);
  const steps = arange(n);
  const linspace = add(mul(steps, div(where(finite, span, 0), n)), lo);
  const t = div(steps, n);
  const inner = where(finite, linspace, add(mul(lo, sub(1, t)), mul(hi, t)));
  return concat([inner, reshape(hi, [1])], 0);
}

/**
 * The bin edges of `histogram` (and of `histogramBinEdges`, whose errors name it as `op`): `bins`
 * equal bins over `range` (default x's minimum and maximum, widened by ½ each side when equal; [0, 1]
 * for an empty x), or the given edges, checked increasing. x is flattened. @internal
 */
export function binEdges(op: string, x: Tensor, bins: number | TensorLike | readonly number[], range: HistogramOptions['range']): Tensor {
  if (typeof bins === 'number') {
    const n = integerArg(op, 'bins', bins);
    if (n === 0) throw new InvalidArgumentError(`${op}: bins must be at least 1, got 0.`);
    let lo: Tensor, hi: Tensor;
    if (range !== undefined) {
      const r = range;
      if (!Array.isArray(r) || r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number') {
        throw new InvalidArgumentError(`${op}: range must be a pair of numbers [min, max], got ${describe(r)}.`);
      }
      if (r[0] > r[1]) throw new InvalidArgumentError(`${op}: range [${r[0]}, ${r[1]}]: max must be larger than min.`);
      if (!Number.isFinite(r[0]) || !Number.isFinite(r[1])) throw new InvalidArgumentError(`${op}: the range [${r[0]}, ${r[1]}] is not finite.`);
      [lo, hi] = [tensor(r[0]), tensor(r[1])];
    } else if (x.size === 0) {
      [lo, hi] = [tensor(0), tensor(1)];
    } else {
      [lo, hi] = [checkedMin(x), checkedMax(x)];
      checkArgumentValues(stack([lo, hi]), ([l, h]) => {
        if (!(Number.isFinite(l!) && Number.isFinite(h!))) {
          throw new InvalidArgumentError(`${op}: the range found in a, [${l}, ${h}], is not finite; give { range: [min, max] } or remove the NaN and infinite entries.`);
        }
      });
    }
    const same = equal(lo, hi);
    [lo, hi] = [where(same, sub(lo, 0.5), lo), where(same, add(hi, 0.5), hi)];
    return equalEdges(lo, hi, n);
  } else {
    const edges = bins instanceof Tensor ? bins : Array.isArray(bins) ? tensor(bins as number[]) : asTensor(bins as unknown as TensorLike, op);
    if (edges.ndim !== 1 || edges.size < 2) throw new ShapeError(`${op}: bin edges must be 1-D with two or more entries, got shape ${formatShape(edges.shape)}.`);
    checkArgumentValues(edges, (e) => {
      for (let i = 1; i < e.length; i++) {
        if (!(e[i]! >= e[i - 1]!)) throw new InvalidArgumentError(`${op}: bin edges must increase monotonically, but edge ${i} (${e[i]}) is below edge ${i - 1} (${e[i - 1]}).`);
      }
    });
    return edges;
  }
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
export function histogram(a: TensorLike, bins?: number | TensorLike | readonly number[], options?: HistogramOptions): [Tensor, Tensor];
export function histogram(a: TensorLike, bins: number | TensorLike | readonly number[] = 10, options: HistogramOptions = {}, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('histogram', 'histogram(a, bins?, options?)', extra, options);
  const x = ravel(asTensor(a, 'histogram'));
  knownOptions('histogram', options, ['range', 'weights', 'density'], '{ range: [0, 1], density: true }');
  const edges = binEdges('histogram', x, bins, options.range);
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
export function bincount(x: TensorLike, options?: BincountOptions): Tensor;
export function bincount(x: TensorLike, options: BincountOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('bincount', 'bincount(x, options?)', extra, options);
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
  let length: number, asked: string, slots: number;
  if (options.length !== undefined) {
    length = integerArg('bincount', 'length', options.length);
    [asked, slots] = [`length ${length}`, length + 1]; // entries ≥ length go to an extra slot, dropped
  } else {
    const v = readValues('bincount', t, "pass { length } (the number of bins) for a result whose shape does not depend on the values, as JAX's bincount requires under vmap and jit");
    const top = v.length === 0 ? -1 : v.reduce((a, b) => Math.max(a, b), 0);
    length = Math.max(minlength, top + 1);
    [asked, slots] = [length === minlength ? `minlength ${minlength}` : `x's largest value ${top}`, length]; // every entry < length
  }
  // One bin per value up to the largest: a stray large label asks for that many bins (8 bytes each).
  // Too many for a tensor, or for memory, is an error naming bincount (zeros named itself, and
  // Node's allocator threw its RangeError above 2^29 entries, bincount([1e9]) among them).
  const fix = 'count the distinct values with ad.unique(x, { returnCounts: true }) instead, or relabel them 0…k−1 first (the inverse of ad.unique(x, { returnInverse: true }))';
  if (slots > MAX_TENSOR_SIZE) {
    throw new ShapeError(`bincount: ${asked} asks for ${length.toLocaleString('en-US')} bins, more than the ${MAX_TENSOR_SIZE.toLocaleString('en-US')} (2^32) entries a tensor can hold; ${fix}.`);
  }
  try {
    const ones = w ?? broadcastTo(1, [t.size]);
    if (slots === length) return scatterAdd(zeros([length]), t, ones, 0);
    const counts = scatterAdd(zeros([slots]), where(greaterEqual(t, length), length, clip(t, 0, Infinity)), ones, 0);
    return slice(counts, [0], [length]);
  } catch (e) {
    // The engine's RangeError, or zeros' ShapeError, when the buffers do not fit in memory.
    if (!(e instanceof RangeError || e instanceof ShapeError) || length < 2 ** 20) throw e;
    throw new ShapeError(`bincount: ${asked} asks for ${length.toLocaleString('en-US')} bins (${((length * 8) / 2 ** 30).toFixed(1)} GiB), more than memory holds; ${fix}.`);
  }
}


/**
 * The bin of each x (numpy.digitize): for increasing bins, the i with bins[i−1] ≤ x < bins[i]
 * (`right`: bins[i−1] < x ≤ bins[i]), 0 below and bins.length above; for decreasing bins the
 * mirror image. bins must be monotonic (an AdjointError otherwise, where its values can be
 * read). NaN sorts last, as NumPy's: NaN x goes past the end (past the NaN bins too, without
 * `right`), and bins may hold NaNs where that order puts them — at the end of increasing bins,
 * at the start of decreasing ones ([1, 2, NaN], [NaN, 2, 1]). No gradient.
 * @example ad.digitize(ad.tensor([0.5, 1, 2.5, 9]), ad.tensor([1, 2, 3])).toArray(); // => [0, 1, 2, 3]
 */
export function digitize(x: TensorLike, bins: TensorLike, right?: boolean): Tensor;
export function digitize(x: TensorLike, bins: TensorLike, right = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('digitize', 'digitize(x, bins, right?)', extra, right);
  const tx = stopGradient(asTensor(x, 'digitize'));
  const tb = stopGradient(asTensor(bins, 'digitize'));
  if (tb.ndim !== 1) throw new ShapeError(`digitize: bins must be 1-d, got shape ${formatShape(tb.shape)}.`);
  if (typeof right !== 'boolean') throw new InvalidArgumentError(`digitize: right must be true or false, got ${describe(right)}.`);
  const n = tb.size;
  const side = right ? 'left' : 'right';
  // NumPy 1.24's direction (_monotonicity, numpy/core/src/multiarray/compiled_base.c): past the
  // leading run of equal values, the first pair decides (increasing iff a < b, so a NaN in it makes
  // the bins decreasing: [NaN, NaN], [1, NaN]), and no later pair may go the other way (NaN pairs
  // never do). Where the bins are then not sorted in NumPy's order (NaN last; for decreasing bins,
  // reversed), its binary search answers by the path it takes (digitize(-1, [2, 1, 0, NaN]) is 4,
  // and depends on the x before it): those are refused, with the NaN named.
  const direction = (v: Float64Array): boolean => {
    let i = 1;
    while (i < n && v[i] === v[0]) i++;
    const i0 = i;
    let up = true, nanDecides = false;
    if (i < n) {
      up = v[0]! < v[i]!;
      nanDecides = Number.isNaN(v[0]!) || Number.isNaN(v[i]!);
      for (i++; i < n; i++) {
        if (up ? v[i - 1]! > v[i]! : v[i - 1]! < v[i]!) {
          throw new InvalidArgumentError(`digitize: bins must be monotonically increasing or decreasing, got ${formatShape(tb.shape)} values that are neither (entries ${i - 1} and ${i}: ${v[i - 1]}, ${v[i]}).`);
        }
      }
    }
    // Sorted with NaN last (increasing), or first (decreasing): the NaNs form one run at that end.
    let nans = 0;
    for (let j = 0; j < n; j++) if (Number.isNaN(v[j]!)) nans++;
    const run = up ? v.subarray(n - nans) : v.subarray(0, nans);
    if (nans > 0 && !run.every(Number.isNaN)) {
      const at = v.findIndex(Number.isNaN);
      throw new InvalidArgumentError(
        `digitize: bins hold NaN at entry ${at}, where NumPy's order (NaN sorts last) does not put it for ${up ? 'increasing' : 'decreasing'} bins ` +
          `(NaNs may end increasing bins or begin decreasing ones${nanDecides ? `; NumPy takes bins whose first unequal pair holds a NaN, as ${v[0]}, ${v[i0]} here, as decreasing` : ''}); ` +
          `NumPy's result there depends on its binary search's path; remove the NaNs (bins.filter) or move them to that end.`,
      );
    }
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
  // Values not readable (vmap): the direction from the ends, both searches, one selected; a leading
  // NaN (the NaNs of decreasing bins come first; all-NaN bins are decreasing too) means decreasing.
  const [head, tail] = [reshape(slice(tb, [0], [1]), []), reshape(slice(tb, [n - 1], [1]), [])];
  const descending = n < 2 ? 0 : logicalOr(greater(head, tail), isnan(head));
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
export function isin(element: TensorLike, testElements: TensorLike, options?: IsinOptions): Tensor;
export function isin(element: TensorLike, testElements: TensorLike, options: IsinOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('isin', 'isin(element, testElements, options?)', extra, options);
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
export function lexsort(keys: readonly TensorLike[] | Tensor, axis?: number): Tensor;
export function lexsort(keys: readonly TensorLike[] | Tensor, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('lexsort', 'lexsort(keys, axis?)', extra, axis);
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
