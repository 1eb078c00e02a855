/**
 * @file Regression losses as optax names them (`optax.losses.l2_loss`, `squared_error`, `huber_loss`,
 * `log_cosh`): elementwise, unreduced — take `ad.mean` or `ad.sum` of the result yourself, as with optax.
 */
import { ShapeError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, lessEqual, mul, sub } from '../ops/binary.js';
import { where } from '../ops/select.js';
import { abs, log1p, square } from '../ops/unary.js';
import { sinh } from '../ops/trig.js';
import { logaddexp } from '../ops/logspace.js';
import { extraArguments } from '../core/extraArguments.js';

/** Two tensors of one shape (optax's `chex.assert_equal_shape`), or an error naming the op. @internal */
export function samePair(op: string, a: TensorLike, b: TensorLike, names: readonly [string, string]): [Tensor, Tensor] {
  const x = asTensor(a, op), y = asTensor(b, op);
  if (!shapesEqual(x.shape, y.shape)) {
    throw new ShapeError(
      `${op}: ${names[0]} of shape ${formatShape(x.shape)} and ${names[1]} of shape ${formatShape(y.shape)} must have the same shape ` +
        `(as optax asserts); broadcast one with ad.broadcastTo first if that is what you mean.`,
    );
  }
  return [x, y];
}

/** predictions − targets (targets omitted or null: zero, as optax's `targets=None`). */
function errors(op: string, predictions: TensorLike, targets: TensorLike | null | undefined): Tensor {
  if (targets === undefined || targets === null) return asTensor(predictions, op);
  const [p, t] = samePair(op, predictions, targets, ['predictions', 'targets']);
  return sub(p, t);
}

/**
 * ½ (predictions − targets)², elementwise (`optax.l2_loss`; half of `squaredError`). `targets`
 * omitted or null means zeros.
 * @example
 * ad.losses.l2Loss(ad.tensor([1, 2]), ad.tensor([0, 4])).toArray(); // => [0.5, 2]
 */
export function l2Loss(predictions: TensorLike, targets?: TensorLike | null): Tensor;
export function l2Loss(predictions: TensorLike, targets?: TensorLike | null, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('l2Loss', 'l2Loss(predictions, targets?)', extra, targets);
  return mul(0.5, square(errors('l2Loss', predictions, targets)));
}

/**
 * (predictions − targets)², elementwise (`optax.squared_error`; PyTorch's `mse_loss` with
 * `reduction: 'none'`). `targets` omitted or null means zeros.
 * @example
 * ad.losses.squaredError(ad.tensor([1, 2]), ad.tensor([0, 4])).toArray(); // => [1, 4]
 */
export function squaredError(predictions: TensorLike, targets?: TensorLike | null): Tensor;
export function squaredError(predictions: TensorLike, targets?: TensorLike | null, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('squaredError', 'squaredError(predictions, targets?)', extra, targets);
  return square(errors('squaredError', predictions, targets));
}

/**
 * The Huber loss, elementwise (`optax.huber_loss`; PyTorch's `huber_loss` with `reduction: 'none'`):
 * with e = predictions − targets, ½e² where |e| ≤ δ and ½δ² + δ(|e| − δ) beyond (optax's values), so
 * the derivative is e clipped to [−δ, δ], continuous at |e| = δ, and the second derivative 1 inside
 * (at e = 0 too, as PyTorch's) and 0 beyond.
 * @example
 * ad.losses.huberLoss(ad.tensor([0.5, 3]), ad.tensor([0, 0]), 1).toArray(); // => [0.125, 2.5]
 */
export function huberLoss(predictions: TensorLike, targets?: TensorLike | null, delta?: number): Tensor;
export function huberLoss(predictions: TensorLike, targets?: TensorLike | null, delta = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('huberLoss', 'huberLoss(predictions, targets?, delta?)', extra, delta);
  if (typeof delta !== 'number' || !(delta > 0) || !Number.isFinite(delta)) {
    throw new InvalidArgumentError(`huberLoss: delta must be a finite number > 0, got ${describe(delta)}.`);
  }
  // ½e² inside |e| ≤ δ, ½δ² + δ(|e| − δ) outside: the values of optax's ½q² + δ(|e| − q), q = min(|e|, δ),
  // but branch by branch, so the second derivative is 1 inside, at e = 0 too (through min and abs,
  // whose derivative at 0 is 0, it was 0 there; PyTorch's is 1), and 0 outside.
  const e = errors('huberLoss', predictions, targets), absErrors = abs(e);
  return where(lessEqual(absErrors, delta), mul(0.5, square(e)), add(0.5 * delta * delta, mul(delta, sub(absErrors, delta))));
}

/**
 * log cosh(predictions − targets), elementwise (`optax.log_cosh`), as logaddexp(e, −e) − log 2 so it
 * stays finite (≈ |e| − log 2) where cosh overflows; its derivative is tanh(e).
 * @example
 * ad.losses.logCosh(ad.tensor([0, 1000])).toArray(); // => [0, 999.3068528194401]
 */
export function logCosh(predictions: TensorLike, targets?: TensorLike | null): Tensor;
export function logCosh(predictions: TensorLike, targets?: TensorLike | null, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('logCosh', 'logCosh(predictions, targets?)', extra, targets);
  const e = errors('logCosh', predictions, targets);
  // Near 0, log cosh e = log1p(cosh e − 1) = log1p(2 sinh²(e/2)), which keeps its digits (and its derivative,
  // tanh e): optax's logaddexp(e, −e) − log 2 cancels there (1.1e−16 for 5e−17 at e = 1e−8, 0 below 1e−12).
  const near = lessEqual(abs(e), 1);
  const half = sinh(mul(where(near, e, 0), 0.5)); // 0 where not taken: sinh(e/2) overflows past 1420
  return where(near, log1p(mul(2, square(half))), sub(logaddexp(e, mul(-1, e)), Math.LN2));
}
