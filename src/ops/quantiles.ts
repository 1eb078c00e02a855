/**
 * @file Order statistics — median, quantile, percentile and their NaN-skipping forms — as NumPy's (methods 'linear' default,
 * 'lower', 'higher', 'nearest', 'midpoint'): a sort along the reduced axes, a gather at the
 * positions around q·(n − 1), and NumPy's interpolation between them. Composites, so the
 * gradient is the sort's (each sorted entry's cotangent goes back to where it came from) times
 * the interpolation weights: median of an even count gives ½ to each middle entry, as JAX's.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { formatShape, normalizeAxes, reducedShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, full, tensor, type TensorInput, type TensorLike } from '../tensor/create.js';
import { add, div, equal, greater, greaterEqual, maximum, minimum, mul, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { broadcastTo, reshape, stack } from './shape.js';
import { sort } from './sort.js';
import { sum, type Axis } from './reduce.js';
import { gatherAlong } from './gather.js';
import { floor, ceil, round } from './rounding.js';
import { isnan } from './predicates.js';
import { moveaxis } from './layout.js';
import { registerTensorMethods } from './methods.js';
import { flag, knownOptions } from './optionChecks.js';
import { checkArgumentValues } from './argumentChecks.js';
import { extraArguments } from '../core/extraArguments.js';

export type QuantileMethod = 'linear' | 'lower' | 'higher' | 'nearest' | 'midpoint';
const METHODS: readonly QuantileMethod[] = ['linear', 'lower', 'higher', 'nearest', 'midpoint'];

/** Options of `quantile` and `percentile`. */
export interface QuantileOptions {
  /** How a position between two sorted entries is read (NumPy's): 'linear' (default), 'lower', 'higher', 'nearest' (ties to even), 'midpoint'. */
  readonly method?: QuantileMethod | undefined;
  /** Keep the reduced axes as length 1 (default false). */
  readonly keepdims?: boolean | undefined;
}

/**
 * x's reduced axes moved last and merged into one of length n, sorted along it (NaN last), with
 * what the result needs to be put back in shape; an empty reduction gives NaN (jnp's). `count` is the number of entries a lane's statistic reads: n, or with `skipNaN` the
 * lane's non-NaN ones (sorted first). `invalid` marks the lanes whose statistic is NaN: any NaN
 * (NumPy's median and quantile), or nothing but NaN (nanmedian, nanquantile).
 */
function sortedLanes(op: string, x: TensorLike, axis: Axis | undefined, skipNaN: boolean) {
  const given = asTensor(x, op);
  const axes = normalizeAxes(axis, given.ndim, op);
  // An empty reduction reads as one NaN per lane (its reduced axes of length 1): NaN, as jnp's
  // median and quantile (NumPy's median gives NaN and warns; its quantile raises).
  const empty = axes.some((a) => given.shape[a] === 0);
  const t = empty ? full(given.shape.map((d, i) => (axes.includes(i) ? 1 : d)), NaN) : given;
  const n = sizeOf(axes.map((a) => t.shape[a]!));
  const rest = t.shape.filter((_, i) => !axes.includes(i));
  const moved = axes.length === 0 ? t : moveaxis(t, axes, axes.map((_, k) => t.ndim - axes.length + k));
  const lanes = reshape(moved, [...rest, n]);
  const nans = sum(isnan(lanes), -1);
  const count = skipNaN ? sub(n, nans) : full(rest, n);
  const invalid = skipNaN ? equal(count, 0) : greater(nans, 0);
  return { t, axes, rest, sorted: sort(lanes, -1), count, invalid };
}

/**
 * The sorted entries at positions `idx` — whole numbers, shaped [m, …rest] or broadcasting to it:
 * one position per q and lane — as [m, …rest]. Positions are clamped into the lane's first
 * `count` entries (an all-NaN lane, whose result is NaN anyway, reads entry 0).
 */
function at(op: string, sorted: Tensor, idx: Tensor, count: Tensor): Tensor {
  const rest = sorted.shape.slice(0, -1);
  const m = idx.shape[0]!;
  const clamped = maximum(minimum(idx, sub(count, 1)), 0);
  const lanesLast = moveaxis(broadcastTo(clamped, [m, ...rest]), 0, -1); // [...rest, m]
  return moveaxis(gatherAlong(sorted, lanesLast, rest.length, op), -1, 0);
}

/**
 * NumPy's lerp (numpy/lib/function_base.py, `_lerp`): a + (b − a)·t below t = ½ and b − (b − a)(1 − t)
 * from ½ on, so both ends are exact; its derivative is (1 − t, t) either way.
 */
function lerp(a: Tensor, b: Tensor, t: Tensor): Tensor {
  const d = sub(b, a);
  return where(greaterEqual(t, 0.5), sub(b, mul(d, sub(1, t))), add(a, mul(d, t)));
}

function quantileOptions(op: string, options: QuantileOptions): { method: QuantileMethod; keepdims: boolean } {
  knownOptions(op, options, ['method', 'keepdims'], "{ method: 'linear', keepdims: true }");
  const { method = 'linear' } = options;
  if (!METHODS.includes(method)) {
    throw new InvalidArgumentError(`${op}: unknown method ${typeof method === 'string' ? `'${method}'` : describe(method)}; use one of ${METHODS.map((m) => `'${m}'`).join(', ')}.`);
  }
  return { method, keepdims: flag(op, 'keepdims', options.keepdims, false) };
}

/** q as a tensor of values in [0, scale], or an AdjointError naming the op and the value at fault. */
function probabilities(op: string, q: TensorInput, scale: number): Tensor {
  const qt = q instanceof Tensor ? q : typeof q === 'number' ? tensor(q) : Array.isArray(q) || ArrayBuffer.isView(q) ? tensor(q) : null;
  if (qt === null) throw new InvalidArgumentError(`${op}: q must be a number, a list of numbers or a tensor, got ${describe(q)}.`);
  // Under jit a guard every replay runs again (it was left out there: jit(f)(x) returned where f(x) throws).
  checkArgumentValues(qt, (values) => {
    const bad = values.find((v) => !(v >= 0 && v <= scale));
    if (bad !== undefined) {
      throw new InvalidArgumentError(`${op}: q must lie in [0, ${scale}], got ${bad} (q of shape ${formatShape(qt.shape)}).`);
    }
  });
  return qt;
}

function quantileOf(op: string, x: TensorLike, qt: Tensor, axis: Axis | undefined, options: QuantileOptions, skipNaN: boolean): Tensor {
  const { method, keepdims } = quantileOptions(op, options);
  const { t, axes, rest, sorted, count, invalid } = sortedLanes(op, x, axis, skipNaN);
  const q = reshape(qt, [qt.size, ...rest.map(() => 1)]); // per q, broadcast over the lanes
  const position = mul(q, sub(count, 1)); // NumPy's virtual index (n − 1)·q for these five methods: [m, ...rest]
  const fixed = stopGradient(position);
  const lo = floor(fixed);
  const pick = (idx: Tensor) => at(op, sorted, idx, count);
  let out: Tensor;
  switch (method) {
    case 'lower': out = pick(lo); break;
    case 'higher': out = pick(ceil(fixed)); break;
    case 'nearest': out = pick(round(fixed)); break; // numpy.around: ties to even
    // gamma ½ between two entries, 0 on one (NumPy's _get_gamma_mask).
    case 'midpoint': out = lerp(pick(lo), pick(add(lo, 1)), where(equal(fixed, lo), 0, 0.5)); break;
    // gamma = position − floor(position) between the entries at floor and ceil of the position: differentiable in
    // q, (n − 1)(b − a), as JAX's; at a knot (an integer position) floor = ceil, so the q-derivative there is 0, as
    // jnp.quantile's and torch.quantile's (it was the slope to the right: 8 for q = ½ of [5, 1, 3, 2, 7], torch 0).
    case 'linear': out = lerp(pick(lo), pick(ceil(fixed)), sub(position, lo)); break;
  }
  out = where(invalid, NaN, out);
  const kept = keepdims ? reducedShape(t.shape, axes, true) : rest;
  return reshape(out, [...qt.shape, ...kept]);
}

/**
 * The q-th quantiles of x over `axis` (all axes by default), as numpy.quantile: q (a number, list
 * or tensor in [0, 1]) puts its axes first in the result. The default method 'linear' reads
 * position q·(n − 1) of the sorted values, interpolating between its neighbours; 'lower',
 * 'higher', 'nearest' and 'midpoint' as NumPy's. NaN in a lane gives NaN. Differentiable in x
 * and, with 'linear', in q (the slope between the neighbours; 0 at a knot, as jnp's and torch's).
 * @example
 * ad.quantile(ad.tensor([1, 2, 3, 4]), 0.5).item();                         // => 2.5
 * ad.quantile(ad.tensor([1, 2, 3, 4]), [0.25, 1]).toArray();                // => [1.75, 4]
 * ad.quantile(ad.tensor([1, 2, 3, 4]), 0.5, -1, { method: 'lower' }).item(); // => 2
 */
export function quantile(x: TensorLike, q: TensorInput, axis?: Axis, options?: QuantileOptions): Tensor;
export function quantile(x: TensorLike, q: TensorInput, axis?: Axis, options: QuantileOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('quantile', 'quantile(x, q, axis?, options?)', extra, options);
  return quantileOf('quantile', x, probabilities('quantile', q, 1), axis, options, false);
}

/**
 * The q-th percentiles (q in [0, 100]) of x over `axis`, as numpy.percentile: `quantile(x, q / 100)`.
 * @example ad.percentile(ad.tensor([1, 2, 3, 4, 5]), [50, 90]).toArray(); // => [3, 4.6]
 */
export function percentile(x: TensorLike, q: TensorInput, axis?: Axis, options?: QuantileOptions): Tensor;
export function percentile(x: TensorLike, q: TensorInput, axis?: Axis, options: QuantileOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('percentile', 'percentile(x, q, axis?, options?)', extra, options);
  return quantileOf('percentile', x, div(probabilities('percentile', q, 100), 100), axis, options, false);
}

/**
 * `quantile` of the non-NaN entries of each lane (numpy.nanquantile); NaN for a lane of NaNs only.
 * NaN entries get a zero gradient.
 * @example ad.nanquantile(ad.tensor([[1, NaN, 3], [NaN, NaN, NaN]]), 0.5, 1).toArray(); // => [2, NaN]
 */
export function nanquantile(x: TensorLike, q: TensorInput, axis?: Axis, options?: QuantileOptions): Tensor;
export function nanquantile(x: TensorLike, q: TensorInput, axis?: Axis, options: QuantileOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanquantile', 'nanquantile(x, q, axis?, options?)', extra, options);
  return quantileOf('nanquantile', x, probabilities('nanquantile', q, 1), axis, options, true);
}

/**
 * `percentile` of the non-NaN entries of each lane (numpy.nanpercentile).
 * @example ad.nanpercentile(ad.tensor([1, NaN, 2, 3, 4, 5]), 90).item(); // => 4.6
 */
export function nanpercentile(x: TensorLike, q: TensorInput, axis?: Axis, options?: QuantileOptions): Tensor;
export function nanpercentile(x: TensorLike, q: TensorInput, axis?: Axis, options: QuantileOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanpercentile', 'nanpercentile(x, q, axis?, options?)', extra, options);
  return quantileOf('nanpercentile', x, div(probabilities('nanpercentile', q, 100), 100), axis, options, true);
}

function medianOf(op: string, x: TensorLike, axis: Axis | undefined, keepdims: boolean, skipNaN: boolean): Tensor {
  flag(op, 'keepdims', keepdims, false);
  const { t, axes, rest, sorted, count, invalid } = sortedLanes(op, x, axis, skipNaN);
  // The middle entries at ⌊(k − 1)/2⌋ and ⌊k/2⌋: their mean (a + b)/2 for an even count k, as NumPy's, and for
  // an odd one the entry itself ((a + a)/2 overflows past 8.9e307).
  const [lo, hi] = [floor(div(sub(count, 1), 2)), floor(div(count, 2))];
  const [a, b] = [lo, hi].map((idx) => reshape(at(op, sorted, stack([idx]), count), rest)) as [Tensor, Tensor];
  const out = where(invalid, NaN, where(equal(lo, hi), a, div(add(a, b), 2)));
  return reshape(out, keepdims ? reducedShape(t.shape, axes, true) : rest);
}

/**
 * The median of x over `axis` (all axes by default), as numpy.median: the middle sorted value, or
 * the mean of the two middle ones for an even count — each gets half the cotangent. NaN in a lane
 * gives NaN.
 * @example
 * ad.median(ad.tensor([3, 1, 2])).item();                   // => 2
 * ad.median(ad.tensor([[4, 1], [2, 3]]), 0).toArray();      // => [3, 2]
 */
export function median(x: TensorLike, axis?: Axis, keepdims?: boolean): Tensor;
export function median(x: TensorLike, axis?: Axis, keepdims = false, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('median', 'median(x, axis?, keepdims?)', extra, keepdims); return medianOf('median', x, axis, keepdims, false); }

/**
 * The median of the non-NaN entries of each lane (numpy.nanmedian); NaN for a lane of NaNs only.
 * @example ad.nanmedian(ad.tensor([[4, NaN, 1], [2, 3, NaN]]), 1).toArray(); // => [2.5, 2.5]
 */
export function nanmedian(x: TensorLike, axis?: Axis, keepdims?: boolean): Tensor;
export function nanmedian(x: TensorLike, axis?: Axis, keepdims = false, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('nanmedian', 'nanmedian(x, axis?, keepdims?)', extra, keepdims); return medianOf('nanmedian', x, axis, keepdims, true); }

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.median(x, axis, keepdims)`. @example ad.tensor([3, 1, 2]).median() // 2 */ median(axis?: Axis, keepdims?: boolean): Tensor;
  }
}

registerTensorMethods({ median });
