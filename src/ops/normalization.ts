/**
 * @file Normalisation in functional form: jax.nn.standardize, and PyTorch's layer_norm, rms_norm, group_norm and
 * batch_norm (torch.nn.functional: no module state), composed from differentiable ops.
 *
 * All are one pattern: subtract a mean, divide by √(variance + ε), then an optional per-feature
 * affine map y·weight + bias. The statistics are the biased (1/n) moments over the normalised axes,
 * as every one of these libraries uses for normalising; being ops of x, their dependence on x is
 * differentiated too (the gradient of a batch-statistics batch norm couples the batch, as it must).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { readableValues } from './argumentChecks.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape, normalizeAxes, shapesEqual } from '../tensor/shape.js';
import { add, div, mul, sub } from './binary.js';
import { abs, sqrt, square } from './unary.js';
import { overflowScale } from './squareScale.js';
import { stopGradient } from './select.js';
import { max, mean, type Axis } from './reduce.js';
import { reshape } from './shape.js';
import { checkOptionKeys, flag } from './poolShapes.js';
import { extraArguments } from '../core/extraArguments.js';

export interface StandardizeOptions {
  /** Added to the variance under the square root (default 1e-5, as JAX). */
  readonly epsilon?: number | undefined;
  /** The mean to subtract (broadcast against x); computed over `axis` (kept) when omitted. */
  readonly mean?: TensorLike | undefined;
  /** The variance to divide by (broadcast against x); computed over `axis` (kept) when omitted. */
  readonly variance?: TensorLike | undefined;
}

export interface NormOptions {
  /** Per-feature scale (layerNorm: the normalised shape; groupNorm, batchNorm: [channels]). */
  readonly weight?: TensorLike | undefined;
  /** Per-feature shift, shaped as weight. */
  readonly bias?: TensorLike | undefined;
  /** Added to the variance under the square root (default 1e-5, as PyTorch). */
  readonly epsilon?: number | undefined;
}

export interface BatchNormOptions extends NormOptions {
  /** Batch statistics (true) or the given running statistics (false, the default, as PyTorch's functional form). */
  readonly training?: boolean | undefined;
}

function epsilonOf(op: string, v: unknown): number {
  if (v === undefined) return 1e-5;
  if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw new InvalidArgumentError(`${op}: epsilon must be a finite number ≥ 0, got ${describe(v)}.`);
  return v;
}

/**
 * Whether t's values can be read here (eagerly or under grad; not while vmap batches them or jit records) and all
 * lie within 2^49, so that no deviation reaches overflowScale's threshold and its scale is 1 everywhere: then the
 * graph without the divisions by 1 gives the scaled form's bits, value and gradient, without its max, division and
 * scale ops (which took a [128, 512] layerNorm from 1.2 to 2.5 ms). Under vmap and jit the scaled form runs, correct
 * for any data.
 */
function plainRange(t: Tensor): boolean {
  const v = readableValues(t);
  if (v === null) return false;
  for (let i = 0; i < v.length; i++) if (!(Math.abs(v[i]!) <= PLAIN_RANGE)) return false;
  return true;
}
const PLAIN_RANGE = 2 ** 49;

/** (x − m) / √(v + ε). */
function normalise(x: Tensor, m: TensorLike, v: TensorLike, epsilon: number): Tensor {
  return div(sub(x, m), sqrt(add(v, epsilon)));
}

/**
 * x standardised along `axis` (default −1; a list for several), as `jax.nn.standardize`:
 * (x − mean) / √(variance + ε). `mean` and `variance` may be given (broadcast against x); when the
 * mean is given and the variance not, the variance is E[x²] − mean², as JAX computes it; when both
 * are computed it is the centred E[(x − E x)²] (equal in exact arithmetic, stabler in floating point).
 * @example
 * ad.standardize(ad.tensor([1, 2, 3]), -1, { epsilon: 0 }).toArray(); // => [-1.224744871391589, 0, 1.224744871391589]
 */
export function standardize(x: TensorLike, axis?: Axis, options?: StandardizeOptions): Tensor;
export function standardize(x: TensorLike, axis: Axis = -1, options: StandardizeOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('standardize', 'standardize(x, axis?, options?)', extra, options);
  checkOptionKeys('standardize', options, ['epsilon', 'mean', 'variance']);
  const t = asTensor(x, 'standardize'), epsilon = epsilonOf('standardize', options.epsilon);
  normalizeAxes(axis, t.ndim, 'standardize'); // checked here, so a bad axis names standardize, not mean
  const m = options.mean === undefined ? mean(t, axis, true) : asTensor(options.mean, 'standardize');
  if (options.mean === undefined && options.variance === undefined && t.size > 0) {
    // Both statistics computed: the deviations d scaled by s = overflowScale(max |d|), held constant — 1 up to
    // 2^50, a power of two past it (so the same bits as unscaled wherever that does not overflow), so that
    // mean(d²) does not overflow: (d/s) / √(mean((d/s)²) + ε/s²) is d/√(mean(d²) + ε), and was 0 for
    // [1e200, 3e200, −2e200]. Tiny deviations are not scaled up: ε/s² would overflow, and their squares'
    // underflow matters only where ε dominates them anyway. Where every value is known to be small (plainRange)
    // the divisions by 1 are left out: the same graph otherwise, so the same bits, gradient included.
    const d = sub(t, m);
    const scale = plainRange(t) ? null : overflowScale(stopGradient(max(abs(d), axis, true)));
    const ds = scale === null ? d : div(d, scale);
    return div(ds, sqrt(add(mean(square(ds), axis, true), scale === null ? epsilon : div(epsilon, square(scale)))));
  }
  const v = options.variance !== undefined ? asTensor(options.variance, 'standardize')
    : options.mean === undefined ? mean(square(sub(t, m)), axis, true) : sub(mean(square(t), axis, true), square(m));
  return normalise(t, m, v, epsilon);
}

/** y · weight + bias, each reshaped to `shape` (checked against `expected`) when given. */
function affine(op: string, y: Tensor, o: NormOptions, expected: readonly number[], shape: readonly number[], what: string): Tensor {
  const param = (name: 'weight' | 'bias'): Tensor | null => {
    if (o[name] === undefined) return null;
    const p = asTensor(o[name], op);
    if (!shapesEqual(p.shape, expected)) {
      throw new ShapeError(`${op}: ${name} of shape ${formatShape(p.shape)} must be ${formatShape(expected)}, ${what} (input ${formatShape(y.shape)}).`);
    }
    return reshape(p, shape);
  };
  const w = param('weight'), b = param('bias');
  const scaled = w === null ? y : mul(y, w);
  return b === null ? scaled : add(scaled, b);
}

/**
 * Layer normalisation as PyTorch's `layer_norm(x, normalizedShape, weight, bias, eps)`: x is
 * standardised over its last `normalizedShape.length` axes, which must equal `normalizedShape`
 * (a number means one axis), then scaled by `weight` and shifted by `bias` (both shaped
 * `normalizedShape`). To normalise over other axes, use `standardize` with those axes.
 * @example
 * ad.layerNorm(ad.tensor([[1, 3], [2, 6]]), [2], { epsilon: 0, bias: ad.tensor([10, 20]) }).toArray(); // => [[9, 21], [9, 21]]
 */
export function layerNorm(x: TensorLike, normalizedShape: number | readonly number[], options?: NormOptions): Tensor;
export function layerNorm(x: TensorLike, normalizedShape: number | readonly number[], options: NormOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('layerNorm', 'layerNorm(x, normalizedShape, options?)', extra, options);
  checkOptionKeys('layerNorm', options, ['weight', 'bias', 'epsilon']);
  const t = asTensor(x, 'layerNorm'), epsilon = epsilonOf('layerNorm', options.epsilon);
  const shape = trailingShape('layerNorm', t, normalizedShape);
  const axes = shape.map((_, i) => t.ndim - shape.length + i);
  return affine('layerNorm', standardize(t, axes, { epsilon }), options, shape, shape, 'normalizedShape');
}

/** Options of `rmsNorm` (torch.nn.functional.rms_norm's weight and eps). */
export interface RmsNormOptions {
  /** Per-feature scale, shaped as the normalised shape. */
  readonly weight?: TensorLike | undefined;
  /** Added to the mean square under the square root (default 2⁻⁵², float64's machine epsilon: torch's default). */
  readonly epsilon?: number | undefined;
}

/**
 * Root-mean-square normalisation as PyTorch's `rms_norm(x, normalizedShape, weight, eps)` (Zhang &
 * Sennrich 2019): x · 1/√(mean(x²) + ε) over its last `normalizedShape.length` axes, which must equal
 * `normalizedShape`, then scaled by `weight` (shaped `normalizedShape`). No mean is subtracted and
 * there is no bias. ε defaults to float64's machine epsilon, as torch's for float64 (flax's RMSNorm
 * uses 1e−6: pass it).
 * @example
 * ad.rmsNorm(ad.tensor([[3, 4]]), [2], { epsilon: 0 }).toArray(); // => [[0.848528137423857, 1.131370849898476]]
 */
export function rmsNorm(x: TensorLike, normalizedShape: number | readonly number[], options?: RmsNormOptions): Tensor;
export function rmsNorm(x: TensorLike, normalizedShape: number | readonly number[], options: RmsNormOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('rmsNorm', 'rmsNorm(x, normalizedShape, options?)', extra, options);
  checkOptionKeys('rmsNorm', options, ['weight', 'epsilon']);
  const t = asTensor(x, 'rmsNorm');
  const epsilon = options.epsilon === undefined ? Number.EPSILON : epsilonOf('rmsNorm', options.epsilon);
  const shape = trailingShape('rmsNorm', t, normalizedShape);
  const axes = shape.map((_, i) => t.ndim - shape.length + i);
  // torch's composite x · rsqrt(mean(x²) + ε), rsqrt being 1/√ (the same bits), over x/s with s = overflowScale(max |x|)
  // held constant (1 up to 2^50, a power of two past it: the same bits wherever mean(x²) does not overflow), ε as ε/s².
  const scale = t.size > 0 && !plainRange(t) ? overflowScale(stopGradient(max(abs(t), axes, true))) : null;
  const ts = scale === null ? t : div(t, scale);
  const scaled = mul(ts, div(1, sqrt(add(mean(square(ts), axes, true), scale === null ? epsilon : div(epsilon, square(scale))))));
  return affine('rmsNorm', scaled, options, shape, shape, 'normalizedShape');
}

/** normalizedShape checked as the trailing axes of t (a number is one axis). */
function trailingShape(op: string, t: Tensor, normalizedShape: number | readonly number[]): readonly number[] {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(shape) || shape.length === 0 || shape.length > t.ndim || !shapesEqual(t.shape.slice(t.ndim - shape.length), shape)) {
    throw new ShapeError(
      `${op}: normalizedShape ${Array.isArray(shape) ? formatShape(shape) : describe(normalizedShape)} must be the trailing axes of the input ` +
        `${formatShape(t.shape)} (e.g. ${formatShape(t.shape.slice(-1))}); to normalise other axes use standardize(x, axes).`,
    );
  }
  return shape;
}

/** Shape [C, 1, …] that lines a per-channel vector up with axis 1 of x [N, C, …]. */
const channelShape = (x: Tensor) => [x.shape[1]!, ...new Array<number>(x.ndim - 2).fill(1)];

function checkChannels(op: string, x: Tensor): void {
  if (x.ndim < 2) throw new ShapeError(`${op}: input of shape ${formatShape(x.shape)} must be [batch, channels, …] (rank ≥ 2).`);
}

/**
 * Group normalisation as PyTorch's `group_norm(x, numGroups, weight, bias, eps)`: x is
 * `[batch, channels, …]`; its channels split into `numGroups` consecutive groups, each example's group
 * (its channels and every spatial position) standardised on its own, then per-channel `weight` and
 * `bias` ([channels]).
 * @example
 * ad.groupNorm(ad.tensor([[[1, 3], [5, 9]]]), 2, { epsilon: 0 }).toArray(); // => [[[-1, 1], [-1, 1]]]
 */
export function groupNorm(x: TensorLike, numGroups: number, options?: NormOptions): Tensor;
export function groupNorm(x: TensorLike, numGroups: number, options: NormOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('groupNorm', 'groupNorm(x, numGroups, options?)', extra, options);
  checkOptionKeys('groupNorm', options, ['weight', 'bias', 'epsilon']);
  const t = asTensor(x, 'groupNorm'), epsilon = epsilonOf('groupNorm', options.epsilon);
  checkChannels('groupNorm', t);
  const [n, c] = t.shape as [number, number];
  if (typeof numGroups !== 'number' || !Number.isInteger(numGroups) || numGroups < 1 || c % numGroups !== 0) {
    throw new ShapeError(`groupNorm: numGroups ${typeof numGroups === 'number' ? numGroups : describe(numGroups)} must be a positive integer dividing the ${c} channels of the input ${formatShape(t.shape)}.`);
  }
  // The group's length spelt out (not −1, which cannot be inferred for an empty batch).
  const grouped = reshape(t, [n, numGroups, t.shape.slice(2).reduce((a, b) => a * b, c / numGroups)]);
  const y = reshape(standardize(grouped, -1, { epsilon }), t.shape);
  return affine('groupNorm', y, options, [c], channelShape(t), 'one per channel');
}

/**
 * Batch normalisation as PyTorch's functional `batch_norm(x, runningMean, runningVar, weight, bias,
 * training, momentum, eps)`, with no state: x is `[batch, channels, …]`, statistics are per channel
 * over the batch and every spatial position. With `training: true` the batch's own mean and biased
 * variance are used (and differentiated); the running statistics may be null, and are not updated
 * (PyTorch updates them in place: r ← (1 − momentum)·r + momentum·s, with the unbiased variance — do
 * that yourself from `ad.mean`/`ad.variance` if you keep them), but are checked, as PyTorch checks them. With `training: false` (the default)
 * `runningMean` and `runningVar` ([channels]) are used as given.
 * @example
 * const x = ad.tensor([[[1], [10]], [[3], [30]]]);
 * ad.batchNorm(x, null, null, { training: true, epsilon: 0 }).toArray(); // => [[[-1], [-1]], [[1], [1]]]
 * ad.batchNorm(x, ad.tensor([2, 20]), ad.tensor([4, 100])).shape;        // => [2, 2, 1]
 */
export function batchNorm(x: TensorLike, runningMean: TensorLike | null, runningVar: TensorLike | null, options?: BatchNormOptions): Tensor;
export function batchNorm(x: TensorLike, runningMean: TensorLike | null, runningVar: TensorLike | null, options: BatchNormOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('batchNorm', 'batchNorm(x, runningMean, runningVar, options?)', extra, options);
  checkOptionKeys('batchNorm', options, ['weight', 'bias', 'epsilon', 'training']);
  const t = asTensor(x, 'batchNorm'), epsilon = epsilonOf('batchNorm', options.epsilon);
  const training = flag('batchNorm', 'training', options.training, false);
  checkChannels('batchNorm', t);
  const c = t.shape[1]!, shape = channelShape(t);
  // The running statistics, checked as PyTorch checks them in both modes (null allowed in training).
  const stat = (v: TensorLike | null, name: string): Tensor | null => {
    if (v === null || v === undefined) {
      if (training) return null;
      throw new InvalidArgumentError(`batchNorm: ${name} is needed when training is false (evaluation uses the running statistics); pass it, or { training: true }.`);
    }
    const s = asTensor(v, 'batchNorm');
    if (!shapesEqual(s.shape, [c])) throw new ShapeError(`batchNorm: ${name} of shape ${formatShape(s.shape)} must be [${c}], one per channel of the input ${formatShape(t.shape)}.`);
    return reshape(s, shape);
  };
  const mean = stat(runningMean, 'runningMean'), variance = stat(runningVar, 'runningVar');
  let y: Tensor;
  if (training) {
    // PyTorch's _verify_batch_size refuses exactly one value per channel (batch · positions = 1);
    // an empty batch (or empty positions) gives an empty result there, and here.
    if (t.size > 0 && t.size === c) throw new ShapeError(`batchNorm: input ${formatShape(t.shape)} has 1 value per channel; training-mode statistics need more than 1 (PyTorch's rule).`);
    y = standardize(t, [0, ...Array.from({ length: t.ndim - 2 }, (_, i) => i + 2)], { epsilon });
  } else {
    y = normalise(t, mean!, variance!, epsilon);
  }
  return affine('batchNorm', y, options, [c], shape, 'one per channel');
}
