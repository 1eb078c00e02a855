/**
 * @file NumPy's NaN-ignoring reductions — nansum, nanmean, nanmax, nanmin, nanvar, nanstd — as
 * the plain reductions over x with its NaNs masked out (`where`, so a NaN entry gets an exactly
 * zero gradient). A lane of NaNs only gives NumPy's value: 0 for nansum, NaN for the others.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { keepdimsArg, normalizeAxes } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { add, div, equal, lessEqual, maximum, minimum, sub } from './binary.js';
import { sqrt, square } from './unary.js';
import { where } from './select.js';
import { extremumAs, max, min, sum, type Axis } from './reduce.js';
import { isfinite, isnan } from './predicates.js';
import { momentArguments, type MomentOptions } from './moments.js';
import { maskOf, needsInitial, reductionOptions, type Mask, type MaskOptions, type ReduceOptions } from './reductionOptions.js';
import { flag, knownOptions } from './optionChecks.js';
import { extraArguments } from '../core/extraArguments.js';

/** x with NaN read as `fill`, the NaN mask, and the axes normalised under the op's name. */
function masked(op: string, x: TensorLike, axis: Axis | undefined, fill: number) {
  const t = asTensor(x, op);
  const axes = normalizeAxes(axis, t.ndim, op);
  const nan = isnan(t);
  return { t, axes, nan, filled: where(nan, fill, t) };
}

/** The number of non-NaN entries over `axes`. */
const counts = (nan: Tensor, axes: number[], keepdims: boolean) => sum(sub(1, nan), axes, keepdims);

/**
 * NumPy's where= on a nan-reduction: the masked-out entries read as NaN, which the reduction then
 * leaves out (their gradient is exactly zero), so `where` and NaN-skipping are one rule.
 */
function maskedOut(op: string, x: TensorLike, given: Mask | undefined): TensorLike {
  if (given === undefined) return x;
  const t = asTensor(x, op);
  return where(maskOf(op, given, t.shape), t, NaN);
}

/**
 * The sum over `axis` with NaN read as 0 (numpy.nansum); NaN entries get a zero gradient. In
 * keepdims's place (or the axis's), `{ keepdims, where, initial }` as `sum`'s.
 * @example ad.nansum(ad.tensor([1, NaN, 3])).item(); // => 4
 */
export function nansum(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function nansum(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nansum', 'nansum(x, axis?, keepdims?)', extra, keepdims);
  const o = reductionOptions('nansum', axis, keepdims, ['where', 'initial']);
  const { axes, filled } = masked('nansum', maskedOut('nansum', x, o.where), o.axis, 0);
  const total = sum(filled, axes, o.keepdims);
  return o.initial === undefined ? total : add(total, o.initial);
}

/**
 * The mean of the non-NaN entries over `axis` (numpy.nanmean); NaN where a lane has none. In
 * keepdims's place (or the axis's), `{ keepdims, where }`.
 * @example ad.nanmean(ad.tensor([[1, NaN], [2, 4]]), 1).toArray(); // => [1, 3]
 */
export function nanmean(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions): Tensor;
export function nanmean(x: TensorLike, axis?: Axis | MaskOptions, keepdims?: boolean | MaskOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanmean', 'nanmean(x, axis?, keepdims?)', extra, keepdims);
  const o = reductionOptions('nanmean', axis, keepdims, ['where']);
  const { axes, nan, filled } = masked('nanmean', maskedOut('nanmean', x, o.where), o.axis, 0);
  return div(sum(filled, axes, o.keepdims), counts(nan, axes, o.keepdims));
}

function nanExtremum(op: 'nanmax' | 'nanmin', x: TensorLike, axis: Axis | ReduceOptions | undefined, keepdims: boolean | ReduceOptions | undefined): Tensor {
  const o = reductionOptions(op, axis, keepdims, ['where', 'initial']);
  if (o.where !== undefined && o.initial === undefined) throw needsInitial(op);
  const { axes, nan, filled } = masked(op, maskedOut(op, x, o.where), o.axis, op === 'nanmax' ? -Infinity : Infinity);
  if (o.initial !== undefined) {
    // numpy's fmax.reduce with initial: the initial value joins every lane, so one of NaNs only (∓∞ here) gives it
    return (op === 'nanmax' ? maximum : minimum)((op === 'nanmax' ? max : min)(filled, axes, o.keepdims), o.initial);
  }
  // max's rule on the masked values: ties split equally, NaN entries get nothing. An empty axis is max's error.
  const extremum = extremumAs(op, op === 'nanmax', filled, axes, o.keepdims);
  return where(equal(counts(nan, axes, o.keepdims), 0), NaN, extremum);
}

/**
 * The maximum of the non-NaN entries over `axis` (numpy.nanmax); NaN where a lane has none. In
 * keepdims's place (or the axis's), `{ keepdims, where, initial }` as `max`'s.
 * @example ad.nanmax(ad.tensor([1, NaN, 3])).item(); // => 3
 */
export function nanmax(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function nanmax(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('nanmax', 'nanmax(x, axis?, keepdims?)', extra, keepdims); return nanExtremum('nanmax', x, axis, keepdims); }

/**
 * The minimum of the non-NaN entries over `axis` (numpy.nanmin); NaN where a lane has none. Options as `nanmax`.
 * @example ad.nanmin(ad.tensor([NaN, 2, 3])).item(); // => 2
 */
export function nanmin(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions): Tensor;
export function nanmin(x: TensorLike, axis?: Axis | ReduceOptions, keepdims?: boolean | ReduceOptions, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('nanmin', 'nanmin(x, axis?, keepdims?)', extra, keepdims); return nanExtremum('nanmin', x, axis, keepdims); }

function momentOptions(op: string, options: MomentOptions): { ddof: number; keepdims: boolean } {
  knownOptions(op, options, ['ddof', 'keepdims', 'where'], '{ ddof: 1, keepdims: true }');
  const { ddof = 0 } = options;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) throw new InvalidArgumentError(`${op}: ddof must be a finite number, got ${describe(ddof)}.`);
  return { ddof, keepdims: flag(op, 'keepdims', options.keepdims, false) };
}

/**
 * The variance of the non-NaN entries over `axis` (numpy.nanvar): Σ (x − mean)² / (N − ddof) with N
 * the lane's count of non-NaN entries; NaN where N − ddof ≤ 0, as numpy.nanvar. Two-pass, corrected
 * for the mean's rounding as `variance` (Chan, Golub & LeVeque 1983).
 * @example ad.nanvar(ad.tensor([1, NaN, 3])).item(); // => 1
 */
export function nanvar(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions): Tensor;
export function nanvar(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanvar', 'nanvar(x, axis?, options?)', extra, options);
  [axis, options] = momentArguments('nanvar', axis, options);
  const { ddof, keepdims } = momentOptions('nanvar', options);
  const { axes, nan, filled } = masked('nanvar', maskedOut('nanvar', x, options.where), axis, 0);
  const n = counts(nan, axes, true);
  const meanOf = (v: Tensor) => div(sum(v, axes, true), n);
  const rough = where(nan, 0, sub(filled, meanOf(filled)));
  // As `variance`: a non-finite correction (the mean of finite entries overflowed, so every rough
  // deviation is the same infinity) is skipped, giving numpy.nanvar's +∞ rather than ∞ − ∞ = NaN.
  const correction = meanOf(rough);
  const deviations = where(nan, 0, sub(rough, where(isfinite(correction), correction, 0)));
  // numpy.nanvar gives NaN where N − ddof ≤ 0 (numpy.var divides by 0 there instead).
  const dof = sub(counts(nan, axes, keepdims), ddof);
  const none = lessEqual(dof, 0);
  return where(none, NaN, div(sum(square(deviations), axes, keepdims), where(none, 1, dof)));
}

/**
 * √nanvar(x, axis, options) (numpy.nanstd).
 * @example ad.nanstd(ad.tensor([1, NaN, 3])).item(); // => 1
 */
export function nanstd(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions): Tensor;
export function nanstd(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nanstd', 'nanstd(x, axis?, options?)', extra, options);
  [axis, options] = momentArguments('nanstd', axis, options);
  momentOptions('nanstd', options);
  const t = asTensor(x, 'nanstd');
  normalizeAxes(axis, t.ndim, 'nanstd'); // checked here, so a bad axis's error names nanstd
  return sqrt(nanvar(t, axis, options));
}
