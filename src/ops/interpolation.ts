/**
 * @file 1-D sequences as NumPy handles them — searchsorted (a primitive: a binary search per
 * value), interp, polyval, convolve, correlate (composites of it, gathers, products and conv, so
 * every transformation comes with them).
 */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, zeros, type TensorInput, type TensorLike } from '../tensor/create.js';
import { add, div, equal, greater, less, maximum, minimum, mul, sub } from './binary.js';
import { where } from './select.js';
import { concat, reshape, slice } from './shape.js';
import { gatherAlong, takeWithTracedIndices } from './gather.js';
import { flip } from './rearrange.js';
import { conv } from './conv.js';
import { atleast1d } from './layout.js';
import { argsort } from './sort.js';
import { mod } from './rounding.js';
import { allBatched } from './batching.js';
import { isfinite, isnan, logicalAnd, logicalOr } from './predicates.js';
import { knownOptions } from './optionChecks.js';
import { extraArguments } from '../core/extraArguments.js';

/** A 1-D tensor argument, or an AdjointError naming the op and the argument. */
function vector(op: string, name: string, x: TensorLike, minLength = 0): Tensor {
  const t = asTensor(x, op);
  if (t.ndim !== 1 || t.size < minLength) {
    throw new ShapeError(`${op}: ${name} must be 1-D${minLength > 0 ? ` and non-empty` : ''}, got shape ${formatShape(t.shape)}.`);
  }
  return t;
}

/** Entry k of a 1-D tensor, as a 0-d tensor. */
const entry = (t: Tensor, k: number) => reshape(slice(t, [k], [1]), []);

/** Options of `searchsorted`. */
export interface SearchsortedOptions {
  /** 'left' (default): the first position where v fits, a[i−1] < v ≤ a[i]; 'right': the last, a[i−1] ≤ v < a[i]. */
  readonly side?: 'left' | 'right' | undefined;
  /** Positions that sort a (such as `ad.argsort(a)`), for an a that is not sorted itself. */
  readonly sorter?: TensorInput | undefined;
}

interface SearchParams { readonly side: 'left' | 'right' }

/** p before q in NumPy's sort order: p < q, or q is NaN and p is not (NaN sorts last). */
const before = (p: number, q: number) => p < q || (q !== q && p === p);

/**
 * Binary search, lane by lane: a is [lanes, n] (each row sorted, NaN last), v is [lanes, m]; out[l, j]
 * is the number of a[l, ·] before v[l, j] ('left') or not after it ('right').
 */
function searchsortedKernel(a: Float64Array, v: Float64Array, lanes: number, n: number, m: number, side: 'left' | 'right'): Float64Array {
  const out = new Float64Array(lanes * m);
  for (let l = 0; l < lanes; l++) {
    const base = l * n;
    for (let j = 0; j < m; j++) {
      const x = v[l * m + j]!;
      let lo = 0, hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const e = a[base + mid]!;
        if (side === 'left' ? before(e, x) : !before(x, e)) lo = mid + 1; else hi = mid;
      }
      out[l * m + j] = lo;
    }
  }
  return out;
}

// Positions are piecewise constant in a and v: no derivative rules (never recorded by grad or jvp).
// A primitive, not the compare-all composite (every v against every entry, O(n·m)), for long tables.
const searchsortedP: Primitive<SearchParams> = definePrimitive<SearchParams>({
  name: 'searchsorted',
  saves: 'none',
  forward: ([a, v], { side }) => {
    const [lanes, n] = a!.shape as [number, number];
    const m = v!.shape[1]!;
    return new Tensor(searchsortedKernel(a!.values, v!.values, lanes, n, m, side), [lanes, m]);
  },
  vjp: null,
  jvp: null,
  // A batch of examples is more lanes: [size, lanes, ·] as [size·lanes, ·].
  batch: (inputs, batched, params, size) => {
    const [a, v] = allBatched(inputs, batched, size) as [Tensor, Tensor];
    const [lanes, n, m] = [a.shape[1]!, a.shape[2]!, v.shape[2]!];
    const out = apply(searchsortedP, [reshape(a, [size * lanes, n]), reshape(v, [size * lanes, m])], params);
    return reshape(out, [size, lanes, m]);
  },
});

/**
 * Where each v would go in the sorted 1-D `a` to keep it sorted (numpy.searchsorted): the number of
 * entries of a before v ('left') or not after it ('right'), in NumPy's order where NaN sorts last.
 * Float64 whole numbers of v's shape, no gradient. A binary search per v (O(m log n)); a must be
 * sorted (as NumPy, this is not checked), or `sorter` give the positions that sort it.
 * @example
 * ad.searchsorted(ad.tensor([1, 2, 2, 3]), ad.tensor([2, 0, 5])).toArray();                      // => [1, 0, 4]
 * ad.searchsorted(ad.tensor([1, 2, 2, 3]), ad.tensor([2, 0, 5]), { side: 'right' }).toArray();  // => [3, 0, 4]
 */
export function searchsorted(a: TensorLike, v: TensorLike, options?: SearchsortedOptions): Tensor;
export function searchsorted(a: TensorLike, v: TensorLike, options: SearchsortedOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('searchsorted', 'searchsorted(a, v, options?)', extra, options);
  const ta = vector('searchsorted', 'a (the sorted sequence)', a);
  const tv = asTensor(v, 'searchsorted');
  knownOptions('searchsorted', options, ['side', 'sorter'], "{ side: 'right' }");
  let sorted = ta;
  if (options.sorter !== undefined) {
    const order = options.sorter instanceof Tensor ? options.sorter : tensor(options.sorter);
    if (order.ndim !== 1 || order.size !== ta.size) {
      throw new ShapeError(`searchsorted: sorter of shape ${formatShape(order.shape)} must be 1-D with one position per entry of a (${ta.size}).`);
    }
    sorted = gatherAlong(ta, order, 0, 'searchsorted');
  }
  const { side = 'left' } = options;
  if (side !== 'left' && side !== 'right') throw new InvalidArgumentError(`searchsorted: side must be 'left' or 'right', got ${describe(side)}.`);
  const out = apply(searchsortedP, [reshape(sorted, [1, ta.size]), reshape(tv, [1, tv.size])], { side });
  return reshape(out, tv.shape);
}

/** Options of `interp`. */
export interface InterpOptions {
  /** The value for x < xp[0] (default fp[0]), or 'extrapolate' (jnp.interp's): the first segment's line continued. */
  readonly left?: TensorLike | 'extrapolate' | undefined;
  /** The value for x > xp[last] (default fp[last]), or 'extrapolate' (jnp.interp's): the last segment's line continued. */
  readonly right?: TensorLike | 'extrapolate' | undefined;
  /** The period of periodic x-coordinates (numpy.interp's period; left and right are then ignored, as there). */
  readonly period?: number | undefined;
}

/**
 * 1-D piecewise-linear interpolation (numpy.interp): through the points (xp[i], fp[i]), xp
 * increasing, at each x; `left` and `right` (default fp's ends) beyond them, or with
 * `'extrapolate'` (as jax.numpy.interp) the end segments' lines continued. Exact at the knots,
 * with NumPy's formula slope·(x − xp[j]) + fp[j] between; with `period`, periodic as NumPy's.
 * Differentiable in x (the slope of the segment on the right of a knot, the left one at the
 * last, as JAX's), xp and fp.
 * @example
 * ad.interp(ad.tensor([0.5, 2, 5]), ad.tensor([0, 1, 3]), ad.tensor([0, 10, 30])).toArray(); // => [5, 20, 30]
 * ad.interp(ad.tensor([-1, 4]), ad.tensor([0, 3]), ad.tensor([1, 2]), { left: 0, right: -1 }).toArray(); // => [0, -1]
 */
export function interp(x: TensorLike, xp: TensorLike, fp: TensorLike, options?: InterpOptions): Tensor;
export function interp(x: TensorLike, xp: TensorLike, fp: TensorLike, options: InterpOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('interp', 'interp(x, xp, fp, options?)', extra, options);
  const tx = asTensor(x, 'interp');
  const txp = vector('interp', 'xp', xp, 1);
  const tfp = vector('interp', 'fp', fp, 1);
  if (txp.size !== tfp.size) {
    throw new ShapeError(`interp: xp of shape ${formatShape(txp.shape)} and fp of shape ${formatShape(tfp.shape)} differ in length; give one fp per xp.`);
  }
  knownOptions('interp', options, ['left', 'right', 'period'], '{ left: 0, right: 1 }');
  if (options.period !== undefined) return periodic(tx, txp, tfp, options.period);
  const n = txp.size;
  const [x0, xLast, f0, fLast] = [entry(txp, 0), entry(txp, n - 1), entry(tfp, 0), entry(tfp, n - 1)];
  const beyond = (given: TensorLike | 'extrapolate' | undefined, end: Tensor, which: string): Tensor | null => {
    if (given === 'extrapolate') return null; // the end segment's line: `inside`, whose segment index is clamped to the ends
    if (typeof given === 'string') {
      throw new InvalidArgumentError(`interp: ${which} must be a number, a tensor or 'extrapolate' (jnp.interp's), got '${given}'.`);
    }
    return given === undefined ? end : asTensor(given, 'interp');
  };
  const left = beyond(options.left, f0, 'left');
  const right = beyond(options.right, fLast, 'right');
  let inside: Tensor;
  if (n === 1) inside = f0; // one knot: fp[0] at x = xp[0]
  else {
    // j with xp[j] ≤ x < xp[j + 1], kept to a segment [0, n − 2]: searchsorted 'right' − 1.
    const j = minimum(maximum(sub(searchsorted(txp, tx, { side: 'right' }), 1), 0), n - 2);
    const [xa, xb] = [takeWithTracedIndices(txp, j, 0), takeWithTracedIndices(txp, add(j, 1), 0)];
    const [fa, fb] = [takeWithTracedIndices(tfp, j, 0), takeWithTracedIndices(tfp, add(j, 1), 0)];
    const dx = sub(xb, xa);
    const slope = div(sub(fb, fa), where(equal(dx, 0), 1, dx));
    // NumPy's arr_interp (numpy/core/src/multiarray/compiled_base.c): fp[j] exactly at a knot (the last one
    // included), slope·(x − xp[j]) + fp[j] between; where that is NaN (an infinite fp), slope·(x − xp[j+1]) + fp[j+1],
    // then fp[j] if fp[j] = fp[j+1]. At the knots the slope still flows (the right segment's, the left one's at
    // the last knot) where it is finite.
    const flowing = where(isfinite(slope), slope, 0);
    const [fromA, fromB] = [add(mul(slope, sub(tx, xa)), fa), add(mul(slope, sub(tx, xb)), fb)];
    const between = where(isnan(fromA), where(logicalAnd(isnan(fromB), equal(fa, fb)), fa, fromB), fromA);
    const atKnot = where(equal(tx, xLast), add(fb, mul(flowing, sub(tx, xb))), add(fa, mul(flowing, sub(tx, xa))));
    inside = where(isnan(tx), NaN, where(logicalOr(equal(tx, xLast), equal(tx, xa)), atKnot, between)); // NaN x: NaN
  }
  // (With 'extrapolate', jnp.interp's fp[j] + (x − xp[j])·slope of the clamped segment j, as `between` computes it.)
  return where(less(tx, x0), left ?? inside, where(greater(tx, xLast), right ?? inside, inside));
}

/**
 * numpy.interp with a period: x and xp reduced modulo the period, the knots sorted, and one knot
 * carried over from each end to the other (shifted by a period), so the last segment wraps round.
 */
function periodic(x: Tensor, xp: Tensor, fp: Tensor, period: number): Tensor {
  if (typeof period !== 'number' || !Number.isFinite(period) || period === 0) {
    throw new InvalidArgumentError(`interp: period must be a finite non-zero number, got ${describe(period)}.`);
  }
  const p = Math.abs(period);
  const reduced = mod(xp, p);
  const order = argsort(reduced);
  const [xs, fs] = [takeWithTracedIndices(reduced, order, 0), takeWithTracedIndices(fp, order, 0)];
  const n = xs.size;
  const ends = (t: Tensor, first: number, last: number) => concat([add(entry(t, n - 1), last).reshape([1]), t, add(entry(t, 0), first).reshape([1])], 0);
  return interp(mod(x, p), ends(xs, p, -p), ends(fs, 0, 0));
}

/**
 * The polynomial with coefficients p (highest degree first) at x (numpy.polyval), by Horner's rule
 * from 0 as NumPy's (so a non-finite x gives NaN, as there). Differentiable in p and x.
 * @example ad.polyval(ad.tensor([3, 0, 1]), ad.tensor([0, 1, 2])).toArray(); // => [1, 4, 13]
 */
export function polyval(p: TensorLike, x: TensorLike): Tensor;
export function polyval(p: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polyval', 'polyval(p, x)', extra, x);
  const tp = vector('polyval', 'p (the coefficients, highest degree first)', p);
  const tx = asTensor(x, 'polyval');
  let y = zeros(tx.shape);
  for (let k = 0; k < tp.size; k++) y = add(mul(y, tx), entry(tp, k));
  return y;
}

export type ConvolveMode = 'full' | 'same' | 'valid';

/** The full cross-correlation c[k] = Σᵢ a[i + k] v[i], k from −(m − 1) to n − 1, by one 1-D conv. */
function correlateFull(a: Tensor, v: Tensor): Tensor {
  const out = conv(reshape(a, [1, a.size]), reshape(v, [1, 1, v.size]), { padding: v.size - 1 });
  return reshape(out, [a.size + v.size - 1]);
}

function sequences(op: string, a: TensorLike, v: TensorLike, mode: unknown): [Tensor, Tensor, ConvolveMode] {
  const [ta, tv] = [atleast1d(asTensor(a, op)), atleast1d(asTensor(v, op))];
  for (const [name, t] of [['a', ta], ['v', tv]] as const) {
    if (t.ndim !== 1 || t.size === 0) throw new ShapeError(`${op}: ${name} must be 1-D and non-empty, got shape ${formatShape(t.shape)}.`);
  }
  if (mode !== 'full' && mode !== 'same' && mode !== 'valid') {
    throw new InvalidArgumentError(`${op}: mode must be 'full', 'same' or 'valid', got ${describe(mode)}.`);
  }
  return [ta, tv, mode];
}

/**
 * The part of the full result NumPy's mode keeps: all n + m − 1 entries ('full'), max(n, m)
 * centred ('same'), or the max − min + 1 where the sequences overlap completely ('valid').
 * `late` moves an uneven 'same' window one later (correlate with the longer v: NumPy swaps and reverses).
 */
function window(full: Tensor, n: number, m: number, mode: ConvolveMode, late: boolean): Tensor {
  const short = Math.min(n, m);
  if (mode === 'full') return full;
  if (mode === 'valid') return slice(full, [short - 1], [Math.max(n, m) - short + 1]);
  const start = late ? short - 1 - Math.floor((short - 1) / 2) : Math.floor((short - 1) / 2);
  return slice(full, [start], [Math.max(n, m)]);
}

/**
 * The discrete linear convolution of two 1-D sequences (numpy.convolve): (a ∗ v)[k] = Σᵢ a[i] v[k − i],
 * mode 'full' (default), 'same' or 'valid'. One conv, differentiable in both.
 * @example
 * ad.convolve(ad.tensor([1, 2, 3]), ad.tensor([0, 1, 0.5])).toArray();          // => [0, 1, 2.5, 4, 1.5]
 * ad.convolve(ad.tensor([1, 2, 3]), ad.tensor([0, 1, 0.5]), 'same').toArray();  // => [1, 2.5, 4]
 */
export function convolve(a: TensorLike, v: TensorLike, mode?: ConvolveMode): Tensor;
export function convolve(a: TensorLike, v: TensorLike, mode: ConvolveMode = 'full', ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('convolve', 'convolve(a, v, mode?)', extra, mode);
  const [ta, tv, m] = sequences('convolve', a, v, mode);
  return window(correlateFull(ta, flip(tv)), ta.size, tv.size, m, false);
}

/**
 * The cross-correlation of two 1-D sequences (numpy.correlate): c[k] = Σᵢ a[i + k] v[i], mode
 * 'valid' (default, as NumPy's), 'same' or 'full'. No conjugation (real tensors).
 * @example
 * ad.correlate(ad.tensor([1, 2, 3]), ad.tensor([0, 1, 0.5])).toArray();          // => [3.5]
 * ad.correlate(ad.tensor([1, 2, 3]), ad.tensor([0, 1, 0.5]), 'full').toArray();  // => [0.5, 2, 3.5, 3, 0]
 */
export function correlate(a: TensorLike, v: TensorLike, mode?: ConvolveMode): Tensor;
export function correlate(a: TensorLike, v: TensorLike, mode: ConvolveMode = 'valid', ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('correlate', 'correlate(a, v, mode?)', extra, mode);
  const [ta, tv, m] = sequences('correlate', a, v, mode);
  return window(correlateFull(ta, tv), ta.size, tv.size, m, tv.size > ta.size);
}
