/**
 * @file Two more of torch.nn.functional's normalisations as composites: instance normalisation
 * (`F.instance_norm`: each example's channel standardised over its positions) and local response
 * normalisation (`F.local_response_norm`, AlexNet's: each entry divided by a power of the mean square
 * of its neighbouring channels, through `avgPool` as PyTorch computes it).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add, div, mul, pow, sub } from './binary.js';
import { sqrt, square } from './unary.js';
import { reshape } from './shape.js';
import { avgPool } from './pooling.js';
import { standardize } from './normalization.js';
import { checkOptionKeys, flag } from './poolShapes.js';

/** Options of `instanceNorm` (torch.nn.functional.instance_norm's keywords; eps is `epsilon`, as adjoint's other norms). */
export interface InstanceNormOptions {
  /** Per-channel mean [C], used when useInputStats is false. */
  readonly runningMean?: TensorLike | undefined;
  /** Per-channel variance [C], used when useInputStats is false. */
  readonly runningVar?: TensorLike | undefined;
  /** Per-channel scale [C]. */
  readonly weight?: TensorLike | undefined;
  /** Per-channel shift [C]. */
  readonly bias?: TensorLike | undefined;
  /** Each example's own statistics (true, the default) or the running ones (false). */
  readonly useInputStats?: boolean | undefined;
  /** PyTorch's running-statistics update rate, accepted for ports and unused: adjoint updates nothing in place. */
  readonly momentum?: number | undefined;
  /** Added to the variance under the square root (default 1e−5, PyTorch's eps). */
  readonly epsilon?: number | undefined;
}

/** A per-channel tensor [C] reshaped to [C, 1, …] against x [N, C, …]; null when not given. */
function perChannel(op: string, name: string, v: TensorLike | undefined, x: Tensor): Tensor | null {
  if (v === undefined) return null;
  const p = asTensor(v, op), c = x.shape[1]!;
  if (!shapesEqual(p.shape, [c])) throw new ShapeError(`${op}: ${name} of shape ${formatShape(p.shape)} must be [${c}], one per channel of the input ${formatShape(x.shape)}.`);
  return reshape(p, [c, ...x.shape.slice(2).map(() => 1)]);
}

function positiveNumber(op: string, name: string, v: unknown, fallback: number, allowZero = false): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new InvalidArgumentError(`${op}: ${name} must be a finite number ${allowZero ? '≥ 0' : '> 0'}, got ${describe(v)}.`);
  return v;
}

/**
 * Instance normalisation as `torch.nn.functional.instance_norm`: x [N, C, …spatial]; with
 * `useInputStats` (the default) each (example, channel) is standardised over its spatial positions
 * with its biased variance (more than one position needed, PyTorch's rule); otherwise `runningMean` and
 * `runningVar` ([C]) are used as given. Then per-channel `weight` and `bias`. PyTorch also updates
 * running statistics in place when given with useInputStats; adjoint does not (`momentum` is accepted
 * and unused: keep them as docs/ops.md shows for batchNorm). Differentiable in x, weight, bias and the
 * running statistics.
 * @example
 * ad.instanceNorm(ad.tensor([[[1, 3], [2, 6]]]), { epsilon: 0 }).toArray(); // => [[[-1, 1], [-1, 1]]]
 */
export function instanceNorm(x: TensorLike, options?: InstanceNormOptions): Tensor;
export function instanceNorm(x: TensorLike, options: InstanceNormOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'instanceNorm';
  if (extra.length > 0) extraArguments(op, 'instanceNorm(x, options?)', extra, options);
  checkOptionKeys(op, options, ['runningMean', 'runningVar', 'weight', 'bias', 'useInputStats', 'momentum', 'epsilon']);
  const t = asTensor(x, op);
  if (t.ndim < 2) throw new ShapeError(`${op}: input of shape ${formatShape(t.shape)} must be [batch, channels, …spatial] (rank ≥ 2).`);
  const epsilon = positiveNumber(op, 'epsilon', options.epsilon, 1e-5, true);
  positiveNumber(op, 'momentum', options.momentum, 0.1, true);
  const useInputStats = flag(op, 'useInputStats', options.useInputStats, true);
  const mean = perChannel(op, 'runningMean', options.runningMean, t), variance = perChannel(op, 'runningVar', options.runningVar, t);
  let y: Tensor;
  if (useInputStats) {
    if (t.shape.slice(2).reduce((a, b) => a * b, 1) === 1) {
      throw new ShapeError(`${op}: input ${formatShape(t.shape)} has 1 spatial position per channel; instance statistics need more than 1 (PyTorch's rule). Pass useInputStats: false with running statistics.`);
    }
    y = standardize(t, t.shape.slice(2).map((_, i) => i + 2), { epsilon });
  } else {
    if (mean === null || variance === null) throw new InvalidArgumentError(`${op}: useInputStats: false needs runningMean and runningVar ([${t.shape[1]}] each).`);
    y = div(sub(t, mean), sqrt(add(variance, epsilon)));
  }
  const w = perChannel(op, 'weight', options.weight, t), b = perChannel(op, 'bias', options.bias, t);
  if (w !== null) y = mul(y, w);
  return b === null ? y : add(y, b);
}

/** Options of `localResponseNorm` (torch.nn.functional.local_response_norm's keywords). */
export interface LocalResponseNormOptions {
  /** The mean square's multiplier (default 1e−4). */
  readonly alpha?: number | undefined;
  /** The exponent (default 0.75). */
  readonly beta?: number | undefined;
  /** The additive constant (default 1). */
  readonly k?: number | undefined;
}

/**
 * Local response normalisation as `torch.nn.functional.local_response_norm`: x [N, C, …] (rank ≥ 3)
 * divided by (k + α · mean of x² over `size` neighbouring channels)^β, the window over channels
 * c − ⌊size/2⌋ … c + ⌊(size − 1)/2⌋, zeros past the ends, always divided by `size` (PyTorch's).
 * @example
 * ad.localResponseNorm(ad.tensor([[[2], [0]]]), 2, { alpha: 1, beta: 1, k: 0 }).toArray(); // => [[[1], [0]]]
 */
export function localResponseNorm(x: TensorLike, size: number, options?: LocalResponseNormOptions): Tensor;
export function localResponseNorm(x: TensorLike, size: number, options: LocalResponseNormOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'localResponseNorm';
  if (extra.length > 0) extraArguments(op, 'localResponseNorm(x, size, options?)', extra, options);
  checkOptionKeys(op, options, ['alpha', 'beta', 'k']);
  const t = asTensor(x, op);
  if (t.ndim < 3) throw new ShapeError(`${op}: input of shape ${formatShape(t.shape)} must be [batch, channels, …] with at least one more axis (rank ≥ 3, PyTorch's rule).`);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`${op}: size (channels in the window) must be a whole number ≥ 1, got ${describe(size)}.`);
  const coefficients = (['alpha', 'beta', 'k'] as const).map((name, i) => {
    const v = options[name] ?? [1e-4, 0.75, 1][i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InvalidArgumentError(`${op}: ${name} must be a finite number, got ${describe(v)}.`);
    return v;
  });
  if (t.size === 0) return t;
  const [alpha, beta, k] = coefficients as [number, number, number];
  const [n, c] = t.shape as [number, number];
  const squares = reshape(square(t), [n, 1, c, t.size / (n * c)]);
  // A window of 2c + 1 channels or more covers every channel from each one (it reaches c back and
  // c on): the same sums as the narrower window w = 2c + 1, divided by size instead of w. So a huge
  // size (1e300) pools over w, not over padding of its own length.
  const w = Math.min(size, 2 * c + 1);
  const pooled = avgPool(squares, [w, 1], { stride: 1, padding: [[Math.floor(w / 2), Math.floor((w - 1) / 2)], [0, 0]] });
  const meanSquare = w < size ? mul(pooled, w / size) : pooled;
  return div(t, reshape(pow(add(mul(meanSquare, alpha), k), beta), t.shape));
}
