/**
 * @file Moments over axes — variance and std with NumPy's conventions (ddof 0 by default, axis
 * and keepdims as `sum`) — composed of differentiable ops, two-pass for accuracy.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { normalizeAxes, reducedShape, sizeOf } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { div, lessEqual, maximum, sub } from './binary.js';
import { square } from './unary.js';
import { rootSumSquares } from './squareScale.js';
import { mean, sum, type Axis } from './reduce.js';
import { stopGradient, where } from './select.js';
import { reshape } from './shape.js';
import { maskOf, type Mask } from './reductionOptions.js';
import { isfinite } from './predicates.js';
import { registerTensorMethods } from './methods.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of `variance` and `std`. */
export interface MomentOptions {
  /** Delta degrees of freedom: the sum of squares is divided by N − ddof (default 0, NumPy's; 1 for the unbiased estimate). */
  readonly ddof?: number | undefined;
  /** Keep the reduced axes as length 1 (default false). */
  readonly keepdims?: boolean | undefined;
  /** Only the entries where this mask (broadcast to x's shape) is true take part (NumPy's where=): N is their count per slice. */
  readonly where?: Mask | undefined;
}

/** The options of a moment, which may take the axis's place (`variance(x, { ddof: 1 })`). @internal */
export function momentArguments(op: string, axis: Axis | MomentOptions | undefined, options: MomentOptions | undefined): [Axis | undefined, MomentOptions] {
  if (typeof axis === 'object' && axis !== null && !Array.isArray(axis)) {
    if (options !== undefined) throw new InvalidArgumentError(`${op}: options were given twice, in place of the axis and after it; pass ${op}(x, axis, options) or ${op}(x, options).`);
    return [undefined, axis as MomentOptions];
  }
  return [axis as Axis | undefined, options ?? {}];
}

function checkOptions(op: string, options: MomentOptions): { ddof: number; keepdims: boolean } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${op}: options must be an object like { ddof: 1, keepdims: true }, got ${String(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'ddof' && key !== 'keepdims' && key !== 'where') {
      throw new InvalidArgumentError(`${op}: unknown option '${key}'; the options are ddof, keepdims and where.`);
    }
  }
  const { ddof = 0, keepdims = false } = options;
  if (typeof ddof !== 'number' || !Number.isFinite(ddof)) {
    throw new InvalidArgumentError(`${op}: ddof must be a finite number (0 for the population variance, 1 for the sample variance), got ${String(ddof)}.`);
  }
  if (typeof keepdims !== 'boolean') throw new InvalidArgumentError(`${op}: keepdims must be true or false, got ${String(keepdims)}.`);
  return { ddof, keepdims };
}

/**
 * Σ (x − mean)² / (N − ddof) over `axis` (all axes by default), N the number of entries reduced.
 * Two passes: the mean first, then the squared deviations, so a large common offset does not
 * cancel the result (variance([1e9 + 1, 1e9 + 2, 1e9 + 3]) = 2/3). As NumPy, N − ddof ≤ 0 divides
 * by max(N − ddof, 0): +∞, or NaN for a zero sum. The gradient is 2(x − mean)/(N − ddof).
 * @example ad.variance(ad.tensor([[1, 2], [3, 5]]), 1) // [0.25, 1]
 * @example ad.variance(ad.tensor([1, 2, 3, 4]), undefined, { ddof: 1 }) // 5/3
 */
export function variance(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions): Tensor;
export function variance(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('variance', 'variance(x, axis?, options?)', extra, options);
  [axis, options] = momentArguments('variance', axis, options);
  const t = asTensor(x, 'variance');
  const { ddof, keepdims } = checkOptions('variance', options);
  const axes = normalizeAxes(axis, t.ndim, 'variance');
  // With ddof ≥ the count, numpy.var divides by 0 (+∞, or NaN where every deviation is 0): a value
  // that no longer depends on x, so its derivative is 0 (torch's is NaN). The sum's gradient is
  // stopped there; the rule of s/0 itself would give ±∞ and NaN.
  if (options.where !== undefined) {
    const { deviations, count } = maskedDeviations('variance', t, axes, options.where);
    const s = sum(square(deviations), axes, keepdims);
    const dof = sub(keepdims ? count : sum(count, axes), ddof), none = lessEqual(dof, 0);
    return where(none, div(stopGradient(s), 0), div(s, where(none, 1, dof)));
  }
  const count = sizeOf(axes.map((a) => t.shape[a]!));
  const s = sum(square(deviationsOf(t, axes)), axes, keepdims);
  return count - ddof > 0 ? div(s, count - ddof) : div(stopGradient(s), 0);
}

/**
 * x − mean over the masked-in entries of `axes` (0 elsewhere, so masked-out entries get no
 * gradient), corrected as deviationsOf, and the count of masked-in entries per slice (kept axes).
 */
function maskedDeviations(op: string, t: Tensor, axes: number[], given: Mask): { deviations: Tensor; count: Tensor } {
  const mask = maskOf(op, given, t.shape);
  const count = sum(mask, axes, true);
  const meanOf = (v: Tensor) => div(sum(v, axes, true), count);
  const rough = where(mask, sub(t, meanOf(where(mask, t, 0))), 0);
  const correction = meanOf(rough);
  return { deviations: where(mask, sub(rough, where(isfinite(correction), correction, 0)), 0), count };
}

/** x − mean(x) over `axes` (kept as length 1), with the mean's own rounding error removed. */
function deviationsOf(t: Tensor, axes: number[]): Tensor {
  // The mean's rounding error δ (up to N ulps of the sum: 1e15 + k over 1000 entries gives δ ≈ 4)
  // would add δ² to the result; subtracting the (exact) deviations' own mean removes it — the
  // corrected two-pass algorithm (Chan, Golub & LeVeque, "Algorithms for computing the sample
  // variance", 1983, eq. 1.7).
  // Where the mean itself overflows (finite entries summing past ±1.8e308), every rough deviation
  // is the same infinity and their mean is that infinity: subtracting it would give ∞ − ∞ = NaN.
  // The correction is skipped there, so the result is +∞ as numpy.var's (x − ∞)² / N; a NaN
  // correction (x holding NaN or ±∞) is skipped too, its deviations are already NaN.
  const rough = sub(t, mean(t, axes, true));
  const correction = mean(rough, axes, true);
  return sub(rough, where(isfinite(correction), correction, 0));
}

/**
 * √variance(x, axis, options): NumPy's std. Where every entry is equal the gradient is 0 (the
 * infinite derivative of √ at 0 meets exactly zero deviations: a strong zero), not NaN.
 * @example ad.std(ad.tensor([2, 4, 4, 4, 5, 5, 7, 9])) // 2
 */
export function std(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions): Tensor;
export function std(x: TensorLike, axis?: Axis | MomentOptions, options?: MomentOptions, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('std', 'std(x, axis?, options?)', extra, options);
  [axis, options] = momentArguments('std', axis, options);
  const t = asTensor(x, 'std');
  const { ddof, keepdims } = checkOptions('std', options);
  const axes = normalizeAxes(axis, t.ndim, 'std');
  if (options.where !== undefined) {
    const { deviations, count } = maskedDeviations('std', t, axes, options.where);
    const root = rootSumSquares(deviations, axes, true, maximum(sub(count, ddof), 0));
    return keepdims ? root : reshape(root, reducedShape(t.shape, axes, false));
  }
  const count = sizeOf(axes.map((a) => t.shape[a]!));
  // Scaled by max|d| (./squareScale.ts): std([1e160, −1e160, 3e160]) was ∞, std([1e-170, −1e-170])
  // 0 with a NaN gradient. Equal entries keep s = 1 and the strong-zero gradient 0.
  return rootSumSquares(deviationsOf(t, axes), axes, keepdims, Math.max(count - ddof, 0));
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.variance(x, axis, options)`. @example ad.tensor([1, 2, 3]).variance() // 2/3 */
    variance(axis?: Axis | MomentOptions, options?: MomentOptions): Tensor;
    /** `ad.std(x, axis, options)`. @example ad.tensor([1, 3]).std() // 1 */
    std(axis?: Axis | MomentOptions, options?: MomentOptions): Tensor;
  }
}

registerTensorMethods({ variance, std });
