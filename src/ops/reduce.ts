/** @file Reductions (sum, mean, max, min, logsumexp), softmax forms and cumulative sums. */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { cumsumKernel, reduceKernel, weightedReduceVjpKernel, type ReduceKernel } from '../tensor/kernels/reduce.js';
import { InvalidArgumentError } from '../core/errors.js';
import { formatShape, keepdimsArg, normalizeAxes, normalizeAxis, reducedShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, div, equal, maximum, minimum, mul, mulStrong, sub } from './binary.js';
import { exp, reciprocal } from './unary.js';
import { stopGradient, where } from './select.js';
import { broadcastTo, reshape } from './shape.js';
import { chain, linearTangent } from './rules.js';
import { shiftAxes } from './batching.js';
import { logsumexpOfOuterSum } from './outerSum.js';
import { flag, knownOptions } from './optionChecks.js';
import { extraArguments } from '../core/extraArguments.js';
import { logsumexpOptions, logsumexpWith, type LogsumexpOptions } from './logsumexpOptions.js';
import { maskOf, needsInitial, reductionOptions, type MaskOptions, type ReduceOptions } from './reductionOptions.js';

export type Axis = number | readonly number[];
interface ReduceParams { readonly axes: readonly number[]; readonly keepdims: boolean }

function reduction(name: ReduceKernel, vjp: Primitive<ReduceParams>['vjp'], jvp: Primitive<ReduceParams>['jvp'],
  saves: Primitive<ReduceParams>['saves']): Primitive<ReduceParams> {
  const prim: Primitive<ReduceParams> = definePrimitive<ReduceParams>({
    name,
    saves,
    forward: ([x], { axes, keepdims }) =>
      new Tensor(reduceKernel(name, x!.values, x!.shape, axes), reducedShape(x!.shape, axes, keepdims)),
    vjp,
    jvp,
    batch: reduceRule(() => prim),
  });
  return prim;
}

/** A reduction of a batch: the same axes of each example, one further along. */
function reduceRule(self: () => Primitive<ReduceParams>) {
  return ([x]: readonly Tensor[], _batched: readonly boolean[], { axes, keepdims }: ReduceParams) =>
    apply(self(), [x!], { axes: shiftAxes(axes), keepdims });
}

/** `t` (shaped like the reduction's output) with the reduced axes restored as length 1. */
function kept(t: Tensor, inShape: readonly number[], axes: readonly number[]): Tensor {
  return reshape(t, reducedShape(inShape, axes, true));
}

// sum is linear; its transpose broadcasts the cotangent back over the reduced axes.
const sumP = reduction('sum',
  (g, r, { axes }) => [broadcastTo(kept(g, r.shapes[0]!, axes), r.shapes[0]!)],
  ([t], _x, _y, { axes, keepdims }) => linearTangent(t!, (u) => sum(u, axes, keepdims)),
  'none');

/**
 * The weights w with ∂out/∂x = w for a max or min: 1/k on each of k tied extrema, 0 elsewhere
 * (the cotangent is split equally among ties).
 */
function extremumWeights(x: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  const mask = equal(x, kept(y, x.shape, axes));
  return div(mask, sum(mask, axes, true));
}

/** The maximum over `axes` (kept), as a constant shift: −∞ (an all −∞ row) is read as 0, so x − m is never NaN there. */
function maxShift(x: Tensor, axes: readonly number[]): Tensor {
  const m = stopGradient(max(x, axes, true));
  return where(equal(m, -Infinity), 0, m);
}

// d logsumexp(x) = softmax(x) = exp(x − c) / Σ exp(x − c) for any shift c. With c = lse (held
// constant) the terms are at most about 1, and dividing by their sum cancels lse's own rounding:
// exp(x − lse) alone is off by |lse|·ε in the exponent (5e-7 relative at 1e10). Where every entry
// is −∞ the shift is read as 0 and the empty sum as 1, so the weights are 0, not NaN.
function softmaxWeights(x: Tensor, y: Tensor, axes: readonly number[]): Tensor {
  const lse = stopGradient(kept(y, x.shape, axes));
  // A row whose lse is +∞ (an entry +∞, none NaN) takes the limit: exponent 0 at the entries at +∞,
  // −∞ elsewhere, so weights 1/k there and 0 at the finite entries (kernels/reduce.ts infiniteShift).
  const atInfinity = where(equal(x, Infinity), 0, -Infinity);
  const e = exp(where(equal(lse, Infinity), atInfinity, sub(x, where(equal(lse, -Infinity), 0, lse))));
  const s = sum(e, axes, true);
  return mul(e, reciprocal(where(equal(s, 0), 1, s)));
}

function weightedReduction(name: 'max' | 'min' | 'logsumexp', weights: (x: Tensor, y: Tensor, axes: readonly number[]) => Tensor) {
  const prim: Primitive<ReduceParams> = definePrimitive<ReduceParams>({
    name,
    saves: 'both',
    forward: ([x], { axes, keepdims }) =>
      new Tensor(reduceKernel(name, x!.values, x!.shape, axes), reducedShape(x!.shape, axes, keepdims)),
    vjp: (g, r, { axes }) => [chain(kept(g, r.shapes[0]!, axes), weights(r.inputs[0]!, r.out!, axes))],
    // The same rule in one pass at first order (kernels/reduce.ts), without its temporaries.
    fusedVjp: (g, r, { axes }) => {
      const x = r.inputs[0]!;
      const ct = weightedReduceVjpKernel(name, x.values, x.shape, axes, r.out!.values, g.values);
      return ct === null ? null : [new Tensor(ct, x.shape)];
    },
    jvp: ([t], [x], y, { axes, keepdims }) => (t === null ? null : sum(mulStrong(t, weights(x!, y, axes)), axes, keepdims)),
    batch: reduceRule(() => prim),
  });
  return prim;
}
const maxP = weightedReduction('max', extremumWeights);
const minP = weightedReduction('min', extremumWeights);
const logsumexpP = weightedReduction('logsumexp', softmaxWeights);

function reduce(prim: Primitive<ReduceParams>, x: TensorLike, axis: Axis | undefined, keepdims: boolean): Tensor {
  const t = asTensor(x, prim.name);
  const axes = normalizeAxes(axis, t.ndim, prim.name);
  return apply(prim, [t], { axes, keepdims: keepdimsArg(keepdims, prim.name) });
}

/**
 * Sum over `axis` (all axes by default). In keepdims's place (or the axis's), NumPy's keywords
 * `{ keepdims, where, initial }`: only the entries where the mask is true are summed (the others
 * get a zero gradient), and `initial` is added.
 * @example ad.sum(ad.tensor([[1, 2], [3, 4]]), 0) // [4, 6]
 * @example ad.sum(ad.tensor([1, 2, 3]), { where: [true, false, true] }) // 4
 */
export function sum(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function sum(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('sum', 'sum(x, axis?, keepdims?)', extra, keepdims);
  if (keepdims === undefined || typeof keepdims === 'boolean') {
    if (axis === undefined || typeof axis === 'number' || Array.isArray(axis)) return reduce(sumP, x, axis as Axis | undefined, keepdims ?? false);
  }
  const o = reductionOptions('sum', axis, keepdims, ['where', 'initial']);
  const t = asTensor(x, 'sum');
  const total = reduce(sumP, o.where === undefined ? t : where(maskOf('sum', o.where, t.shape), t, 0), o.axis, o.keepdims);
  return o.initial === undefined ? total : add(total, o.initial);
}

/**
 * Maximum over `axis`, −∞ over an empty axis (the identity of max: the ⊕ of the max semiring, a
 * shift that is read as 0). The library's own code calls this one; users get `checkedMax` as `ad.max`.
 */
export function max(x: TensorLike, axis?: Axis, keepdims = false): Tensor { return reduce(maxP, x, axis, keepdims); }

/** Minimum over `axis`, +∞ over an empty axis (see `max`). */
export function min(x: TensorLike, axis?: Axis, keepdims = false): Tensor { return reduce(minP, x, axis, keepdims); }

/**
 * `ad.max` and `ad.min`: as NumPy (and unlike sum's 0 or logsumexp's −∞), an empty reduced axis has
 * no extremum, so it is an error rather than the identity ∓∞ — unless `initial` is given, which
 * takes part in every slice (NumPy's `initial`); with `where`, only the masked-in entries do, and
 * `initial` is required (NumPy and JAX raise without it).
 */
function checkedExtremum(prim: Primitive<ReduceParams>, x: TensorLike, axis: Axis | ReduceOptions | undefined, keepdims: boolean | ReduceOptions | undefined, op: string = prim.name): Tensor {
  const o = reductionOptions(op, axis, keepdims, ['where', 'initial']);
  const t = asTensor(x, op);
  const axes = normalizeAxes(o.axis, t.ndim, op);
  if (o.where !== undefined && o.initial === undefined) throw needsInitial(op);
  if (o.initial !== undefined) {
    // The masked-out entries read as the identity ∓∞; initial then joins every slice (an empty one gives initial).
    const isMax = prim === maxP, identity = isMax ? -Infinity : Infinity;
    const masked = o.where === undefined ? t : where(maskOf(op, o.where, t.shape), t, identity);
    return (isMax ? maximum : minimum)(apply(prim, [masked], { axes, keepdims: o.keepdims }), o.initial);
  }
  const empty = t.size === 0 ? axes.find((a) => t.shape[a] === 0) : undefined;
  if (empty !== undefined) {
    throw new InvalidArgumentError(
      `${op}: x of shape ${formatShape(t.shape)} is empty along axis ${empty}; the ${prim === maxP ? 'maximum' : 'minimum'} of no values is undefined ` +
        `(NumPy raises too). Reduce a non-empty axis, pass { initial }, or check x.size first.`,
    );
  }
  return apply(prim, [t], { axes, keepdims: o.keepdims });
}

/** max or min with `checkedMax`'s checks, its errors naming `op` (a function built on it: ptp, nanmax). @internal */
export function extremumAs(op: string, isMax: boolean, x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor {
  return checkedExtremum(isMax ? maxP : minP, x, axis, keepdims, op);
}

/**
 * Maximum over `axis`; the gradient is split equally among tied maxima. An empty axis is an error.
 * In keepdims's place (or the axis's), NumPy's keywords `{ keepdims, where, initial }`: `initial`
 * joins every slice; `where` (which needs `initial`) leaves the masked-out entries out.
 * Exported as `ad.max`. @example ad.max(ad.tensor([1, 3, 2])) // 3
 * @example ad.max(ad.tensor([1, 3, 2]), { where: [true, false, true], initial: 0 }) // 2
 */
export function checkedMax(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function checkedMax(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('max', 'max(x, axis?, keepdims?)', extra, keepdims); return checkedExtremum(maxP, x, axis, keepdims); }

/**
 * Minimum over `axis`; the gradient is split equally among tied minima. An empty axis is an error.
 * Options as `max`. Exported as `ad.min`. @example ad.min(ad.tensor([1, 3, 2])) // 1
 */
export function checkedMin(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function checkedMin(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('min', 'min(x, axis?, keepdims?)', extra, keepdims); return checkedExtremum(minP, x, axis, keepdims); }

/**
 * log Σ exp(x) over `axis`, without overflow. All −∞ gives −∞ with a zero gradient. In keepdims's
 * place (or the axis's), jax.nn.logsumexp's keywords `{ keepdims, b, returnSign, where }`, as
 * ad.special.logsumexp takes them (./logsumexpOptions.ts).
 * @example ad.logsumexp(ad.tensor([0, Math.log(3)])) // log 4
 * @example ad.logsumexp(ad.tensor([0, 0, 5]), { where: [true, true, false] }) // log 2
 */
export function logsumexp(x: TensorLike, axis: Axis | undefined, options: LogsumexpOptions & { returnSign: true }): { value: Tensor; sign: Tensor };
export function logsumexp(x: TensorLike, options: LogsumexpOptions & { returnSign: true }): { value: Tensor; sign: Tensor };
export function logsumexp(x: TensorLike, axis?: Axis | (LogsumexpOptions & { returnSign?: false }), keepdims?: boolean | (LogsumexpOptions & { returnSign?: false })): Tensor;
export function logsumexp(x: TensorLike, axis?: Axis | LogsumexpOptions, keepdims?: boolean | LogsumexpOptions): Tensor | { value: Tensor; sign: Tensor };
export function logsumexp(x: TensorLike, axis?: Axis | LogsumexpOptions, keepdims: boolean | LogsumexpOptions = false, ...extra: unknown[]): Tensor | { value: Tensor; sign: Tensor } {
  if (extra.length > 0) extraArguments('logsumexp', 'logsumexp(x, axis?, keepdims?)', extra, keepdims);
  if (isLogsumexpOptions(axis)) {
    if (keepdims !== false) throw new InvalidArgumentError(`logsumexp: options in place of the axis come last; got ${String(keepdims)} after them. Pass logsumexp(x, axis, options) or logsumexp(x, options).`);
    return logsumexpWith('logsumexp', x, undefined, logsumexpOptions('logsumexp', axis));
  }
  if (isLogsumexpOptions(keepdims)) return logsumexpWith('logsumexp', x, axis, logsumexpOptions('logsumexp', keepdims));
  const t = asTensor(x, 'logsumexp');
  const axes = normalizeAxes(axis, t.ndim, 'logsumexp');
  keepdims = keepdimsArg(keepdims, 'logsumexp');
  // Over an outer sum a + b along both operands: the log-semiring matmul (./outerSum.ts).
  return logsumexpOfOuterSum(t, axes, keepdims) ?? apply(logsumexpP, [t], { axes, keepdims });
}

/** An options object in an axis or keepdims place (not a tensor, list or typed array). */
function isLogsumexpOptions(v: unknown): v is LogsumexpOptions {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/**
 * Mean over `axis`. In keepdims's place (or the axis's), NumPy's keywords `{ keepdims, where }`:
 * the mean of the masked-in entries (their sum over their count; NaN for a slice with none).
 * @example ad.mean(ad.tensor([1, 2, 3, 6])) // 3
 * @example ad.mean(ad.tensor([1, 2, 3, 6]), { where: [true, false, true, false] }) // 2
 */
export function mean(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions): Tensor;
export function mean(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('mean', 'mean(x, axis?, keepdims?)', extra, keepdims);
  const o = reductionOptions('mean', axis, keepdims, ['where']);
  const t = asTensor(x, 'mean');
  const axes = normalizeAxes(o.axis, t.ndim, 'mean');
  if (o.where !== undefined) {
    const mask = maskOf('mean', o.where, t.shape);
    return div(sum(where(mask, t, 0), axes, o.keepdims), sum(mask, axes, o.keepdims));
  }
  const count = sizeOf(axes.map((a) => t.shape[a]!));
  return div(sum(t, axes, o.keepdims), count);
}

/**
 * log softmax along `axis`: (x − m) − logsumexp(x − m) with m = max x a constant shift, so the
 * result is exact where x − logsumexp(x) would round (softmax([1e16, 1e16]) is [0.5, 0.5], not [1, 1]).
 * @example ad.logSoftmax(ad.tensor([1, 2, 3]))
 */
export function logSoftmax(x: TensorLike, axis?: number): Tensor;
export function logSoftmax(x: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('logSoftmax', 'logSoftmax(x, axis?)', extra, axis);
  const t = asTensor(x, 'logSoftmax');
  const axes = [normalizeAxis(axis, t.ndim, 'logSoftmax')];
  const shifted = sub(t, maxShift(t, axes));
  return sub(shifted, logsumexp(shifted, axes, true));
}

/** softmax along `axis`, computed as exp(logSoftmax) so it never overflows. @example ad.softmax(ad.tensor([1, 2, 3])) */
export function softmax(x: TensorLike, axis?: number): Tensor;
export function softmax(x: TensorLike, axis = -1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('softmax', 'softmax(x, axis?)', extra, axis);
  const t = asTensor(x, 'softmax');
  normalizeAxis(axis, t.ndim, 'softmax');
  return exp(logSoftmax(t, axis));
}

interface CumsumParams { readonly axis: number; readonly reverse: boolean }

// cumsum is linear; its transpose is the cumulative sum from the other end.
const cumsumP: Primitive<CumsumParams> = definePrimitive<CumsumParams>({
  name: 'cumsum',
  saves: 'none',
  forward: ([x], { axis, reverse }) => new Tensor(cumsumKernel(x!.values, x!.shape, axis, reverse), x!.shape),
  vjp: (g, _r, { axis, reverse }) => [cumsumAlong(g, axis, !reverse)],
  jvp: ([t], _x, _y, { axis, reverse }) => linearTangent(t!, (u) => cumsumAlong(u, axis, reverse)),
  batch: ([x], _b, { axis, reverse }) => cumsumAlong(x!, axis + 1, reverse),
});

function cumsumAlong(x: Tensor, axis: number, reverse: boolean): Tensor {
  return apply(cumsumP, [x], { axis, reverse });
}

/**
 * Cumulative sum along `axis`; without one (or with null), of the flattened x, as numpy.cumsum and
 * jnp.cumsum. `{ reverse: true }` sums from the last entry back (jax.lax.cumsum's reverse, as
 * cumprod, cummax, cummin and cumlogsumexp take it).
 * @example ad.cumsum(ad.tensor([1, 2, 3]), 0) // [1, 3, 6]
 * @example ad.cumsum(ad.tensor([1, 2, 3]), 0, { reverse: true }) // [6, 5, 3]
 * @example ad.cumsum(ad.tensor([[1, 2], [3, 4]])) // [1, 3, 6, 10]
 */
export function cumsum(x: TensorLike, axis?: number | null, options?: { readonly reverse?: boolean | undefined }): Tensor;
export function cumsum(x: TensorLike, axis?: number | null, options: { readonly reverse?: boolean | undefined } = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cumsum', 'cumsum(x, axis?, options?)', extra, options);
  const t = asTensor(x, 'cumsum');
  knownOptions('cumsum', options, ['reverse'], '{ reverse: true }');
  const reverse = flag('cumsum', 'reverse', options.reverse, false);
  if (axis === undefined || axis === null) return cumsumAlong(reshape(t, [t.size]), 0, reverse); // numpy's axis=None: the flattened x
  return cumsumAlong(t, normalizeAxis(axis, t.ndim, 'cumsum'), reverse);
}
