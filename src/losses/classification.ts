/**
 * @file Classification and divergence losses as optax names them (`softmax_cross_entropy`,
 * `softmax_cross_entropy_with_integer_labels`, `sigmoid_binary_cross_entropy`, `sigmoid_focal_loss`,
 * `hinge_loss`, `cosine_similarity`, `cosine_distance`, `kl_divergence`, `kl_divergence_with_log_targets`,
 * `smooth_labels`), unreduced. Every log-probability comes from `logSoftmax`/`logSigmoid`, so the
 * losses and their gradients stay finite at logits of ±1e3 wherever the true value is finite.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, type TensorInput, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add, div, equal, lessEqual, maximum, mul, pow, sub } from '../ops/binary.js';
import { exp, log, sigmoid } from '../ops/unary.js';
import { logSigmoid, xlogy } from '../ops/logspace.js';
import { logicalAnd } from '../ops/predicates.js';
import { logSoftmax, sum } from '../ops/reduce.js';
import { where } from '../ops/select.js';
import { expandDims, reshape } from '../ops/shape.js';
import { gatherAlong } from '../ops/gather.js';
import { checkableValues } from '../ops/statistics.js';
import { rootSumSquares } from '../ops/squareScale.js';
import { checkOptionKeys } from '../ops/poolShapes.js';
import { samePair } from './regression.js';
import { extraArguments } from '../core/extraArguments.js';

function lastAxis(op: string, t: Tensor, what: string): number {
  if (t.ndim === 0) throw new ShapeError(`${op}: ${what} must have at least 1 axis (the classes along the last), got a scalar; reshape it to [1].`);
  return t.shape[t.ndim - 1]!;
}

/**
 * The cross-entropy −Σ labels · logSoftmax(logits) over the last axis (`optax.softmax_cross_entropy`;
 * PyTorch's `cross_entropy` with class-probability targets, classes last, `reduction: 'none'`). labels
 * are probabilities shaped as logits; the result drops the last axis. A label of 0 contributes 0 even
 * where its logit is −∞ (optax and PyTorch give NaN there: 0 · −∞).
 * @example
 * ad.losses.softmaxCrossEntropy(ad.tensor([[0, 0]]), ad.tensor([[1, 0]])).toArray(); // => [0.6931471805599453]
 */
export function softmaxCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor;
export function softmaxCrossEntropy(logits: TensorLike, labels: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('softmaxCrossEntropy', 'softmaxCrossEntropy(logits, labels)', extra, labels);
  const [z, y] = samePair('softmaxCrossEntropy', logits, labels, ['logits', 'labels']);
  lastAxis('softmaxCrossEntropy', z, 'logits');
  return mul(-1, sum(mul(y, zeroWhereUnused(y, logSoftmax(z, -1))), -1));
}

/**
 * `logs` with 0 where the weight is 0 and the log is −∞ (a class of probability 0 under both): so
 * that 0 · (−∞) adds 0, not NaN, while every other entry stays — the loss stays linear in the
 * weights, its derivative in a weight of 0 being −log, not 0 (a where around the whole product
 * had dropped it: ∂/∂α of the loss under label smoothing came out with the wrong sign at α = 0).
 */
function zeroWhereUnused(weights: Tensor, logs: Tensor): Tensor {
  return where(logicalAnd(equal(weights, 0), equal(logs, -Infinity)), 0, logs);
}

/**
 * The cross-entropy of integer class labels, logsumexp(logits) − logits[label] = −logSoftmax(logits)[label] over the last axis
 * (`optax.softmax_cross_entropy_with_integer_labels`; PyTorch's `cross_entropy` with class indices,
 * classes last, `reduction: 'none'`). labels is shaped as logits without its last axis and holds whole
 * numbers in [0, classes) (a tensor or arrays); differentiable in logits.
 * @example
 * ad.losses.softmaxCrossEntropyWithIntegerLabels(ad.tensor([[0, 0], [0, 1000]]), [0, 1]).toArray(); // => [0.6931471805599453, 0]
 */
export function softmaxCrossEntropyWithIntegerLabels(logits: TensorLike, labels: TensorInput): Tensor;
export function softmaxCrossEntropyWithIntegerLabels(logits: TensorLike, labels: TensorInput, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('softmaxCrossEntropyWithIntegerLabels', 'softmaxCrossEntropyWithIntegerLabels(logits, labels)', extra, labels);
  const op = 'softmaxCrossEntropyWithIntegerLabels';
  const z = asTensor(logits, op), y = labels instanceof Tensor ? labels : tensor(labels);
  const classes = lastAxis(op, z, 'logits');
  if (!shapesEqual(y.shape, z.shape.slice(0, -1))) {
    throw new ShapeError(
      `${op}: labels of shape ${formatShape(y.shape)} must be logits' shape ${formatShape(z.shape)} without its last (class) axis, ` +
        `${formatShape(z.shape.slice(0, -1))}; for one-hot or soft labels shaped as logits use softmaxCrossEntropy.`,
    );
  }
  const values = checkableValues(y);
  if (values !== null) {
    const bad = values.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= classes);
    if (bad >= 0) {
      throw new InvalidArgumentError(
        `${op}: label ${values[bad]} (entry ${bad} of labels ${formatShape(y.shape)}) must be a whole number in [0, ${classes - 1}] ` +
          `(a class index of logits ${formatShape(z.shape)}); round labels, or use softmaxCrossEntropy for probabilities.`,
      );
    }
  }
  // Traced labels are checked by the gather's kernel, whose errors name this op.
  // −log softmax(z)[label]: the entry of logSoftmax, whose shift by max z keeps its digits (logsumexp(z) − z[label]
  // cancelled to 4 for 4.1429 at logits 1e16 + [0, 2, −2]).
  return sub(0, reshape(gatherAlong(logSoftmax(z, -1), expandDims(y, -1), z.ndim - 1, op), y.shape)); // 0 − : a certain label's loss is +0
}

/**
 * −labels · log σ(logits) − (1 − labels) · log σ(−logits), elementwise (`optax.sigmoid_binary_cross_entropy`;
 * PyTorch's `binary_cross_entropy_with_logits` with `reduction: 'none'`). Its derivative in the logits is
 * σ(logits) − labels.
 * @example
 * ad.losses.sigmoidBinaryCrossEntropy(ad.tensor([0, 1000, -1000]), ad.tensor([1, 1, 1])).toArray(); // => [0.6931471805599453, 0, 1000]
 */
export function sigmoidBinaryCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor;
export function sigmoidBinaryCrossEntropy(logits: TensorLike, labels: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('sigmoidBinaryCrossEntropy', 'sigmoidBinaryCrossEntropy(logits, labels)', extra, labels);
  const [z, y] = samePair('sigmoidBinaryCrossEntropy', logits, labels, ['logits', 'labels']);
  return sub(mul(mul(-1, y), logSigmoid(z)), mul(sub(1, y), logSigmoid(mul(-1, z))));
}

/** Options of `sigmoidFocalLoss`. */
export interface FocalLossOptions {
  /** Weight of the positive class, in [0, 1]; the negatives get 1 − alpha. Omitted: no weighting (optax's `alpha=None`). */
  readonly alpha?: number | null | undefined;
  /** The focusing exponent γ ≥ 0 (default 2, as optax). */
  readonly gamma?: number | undefined;
}

/**
 * The focal loss of Lin et al. (2017), elementwise (`optax.sigmoid_focal_loss`; torchvision's
 * `sigmoid_focal_loss` with `reduction: 'none'`): the binary cross-entropy scaled by (1 − pₜ)^γ with
 * pₜ = p·labels + (1 − p)(1 − labels), p = σ(logits), and by αₜ = α·labels + (1 − α)(1 − labels) when
 * alpha is given. 1 − pₜ is computed as labels·σ(−logits) + (1 − labels)·σ(logits) (equal in exact
 * arithmetic), which keeps its digits where pₜ rounds to 1.
 * @example
 * ad.losses.sigmoidFocalLoss(ad.tensor([0]), ad.tensor([1]), { gamma: 2, alpha: 0.25 }).toArray(); // => [0.04332169878499658]
 */
export function sigmoidFocalLoss(logits: TensorLike, labels: TensorLike, options?: FocalLossOptions): Tensor;
export function sigmoidFocalLoss(logits: TensorLike, labels: TensorLike, options: FocalLossOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('sigmoidFocalLoss', 'sigmoidFocalLoss(logits, labels, options?)', extra, options);
  const op = 'sigmoidFocalLoss';
  checkOptionKeys(op, options, ['alpha', 'gamma']);
  const gamma = options.gamma ?? 2, alpha = options.alpha ?? null;
  if (typeof gamma !== 'number' || !(gamma >= 0) || !Number.isFinite(gamma)) throw new InvalidArgumentError(`${op}: gamma must be a finite number ≥ 0, got ${describe(gamma)}.`);
  if (alpha !== null && (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1))) {
    throw new InvalidArgumentError(`${op}: alpha must be a number in [0, 1] (or omitted for no class weighting), got ${describe(alpha)}.`);
  }
  const [z, y] = samePair(op, logits, labels, ['logits', 'labels']);
  const ce = sigmoidBinaryCrossEntropy(z, y);
  const oneMinusPt = add(mul(y, sigmoid(mul(-1, z))), mul(sub(1, y), sigmoid(z)));
  const loss = gamma === 0 ? ce : mul(ce, pow(oneMinusPt, gamma));
  return alpha === null ? loss : mul(add(mul(alpha, y), mul(1 - alpha, sub(1, y))), loss);
}

/**
 * max(0, 1 − predictorOutputs · targets), elementwise (`optax.hinge_loss`), for targets in {−1, 1}.
 * @example
 * ad.losses.hingeLoss(ad.tensor([0.5, 2, -1]), ad.tensor([1, 1, 1])).toArray(); // => [0.5, 0, 2]
 */
export function hingeLoss(predictorOutputs: TensorLike, targets: TensorLike): Tensor;
export function hingeLoss(predictorOutputs: TensorLike, targets: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hingeLoss', 'hingeLoss(predictorOutputs, targets)', extra, targets);
  const [p, t] = samePair('hingeLoss', predictorOutputs, targets, ['predictorOutputs', 'targets']);
  return maximum(0, sub(1, mul(p, t)));
}

/** Options of `cosineSimilarity` and `cosineDistance`. */
export interface CosineOptions {
  /** A norm at or below epsilon is replaced by epsilon (with a zero gradient), as optax's `safe_norm` (default 0). */
  readonly epsilon?: number | undefined;
}

/**
 * ‖x‖ over the last axis, kept, as optax's safe_norm: epsilon where ‖x‖ ≤ epsilon, without a NaN gradient there.
 * Scaled (rootSumSquares: the plain sum's bits in the usual range), so a norm past 1e154 or below 1e−154 does not
 * overflow or underflow: cosineSimilarity([1e200, 1e200], [1, 2]) was 0, of [1e−200, 1e−200] ∞.
 */
function safeNorm(x: Tensor, epsilon: number): Tensor {
  const norm = rootSumSquares(x, -1, true);
  const small = lessEqual(norm, epsilon);
  return where(small, epsilon, rootSumSquares(where(small, 1, x), -1, true));
}

function cosine(op: string, predictions: TensorLike, targets: TensorLike, options: CosineOptions): Tensor {
  checkOptionKeys(op, options, ['epsilon']);
  const epsilon = options.epsilon ?? 0;
  if (typeof epsilon !== 'number' || !(epsilon >= 0) || !Number.isFinite(epsilon)) throw new InvalidArgumentError(`${op}: epsilon must be a finite number ≥ 0, got ${describe(epsilon)}.`);
  const [p, t] = samePair(op, predictions, targets, ['predictions', 'targets']);
  lastAxis(op, p, 'predictions');
  return sum(mul(div(p, safeNorm(p, epsilon)), div(t, safeNorm(t, epsilon))), -1);
}

/**
 * The cosine of the angle between predictions and targets along the last axis (`optax.cosine_similarity`):
 * each is divided by its norm (a norm ≤ epsilon counts as epsilon), then the dot product is taken.
 * The result drops the last axis. With the default epsilon 0 a zero vector gives NaN, as optax.
 * @example
 * ad.losses.cosineSimilarity(ad.tensor([[1, 0], [1, 1]]), ad.tensor([[2, 0], [-1, -1]])).toArray(); // => [1, -0.9999999999999998]
 */
export function cosineSimilarity(predictions: TensorLike, targets: TensorLike, options?: CosineOptions): Tensor;
export function cosineSimilarity(predictions: TensorLike, targets: TensorLike, options: CosineOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cosineSimilarity', 'cosineSimilarity(predictions, targets, options?)', extra, options);
  return cosine('cosineSimilarity', predictions, targets, options);
}

/**
 * 1 − cosineSimilarity(predictions, targets) along the last axis (`optax.cosine_distance`).
 * @example
 * ad.losses.cosineDistance(ad.tensor([1, 0]), ad.tensor([0, 3])).item(); // => 1
 */
export function cosineDistance(predictions: TensorLike, targets: TensorLike, options?: CosineOptions): Tensor;
export function cosineDistance(predictions: TensorLike, targets: TensorLike, options: CosineOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cosineDistance', 'cosineDistance(predictions, targets, options?)', extra, options);
  return sub(1, cosine('cosineDistance', predictions, targets, options));
}

/**
 * KL(targets ‖ predictions) = Σ targets · (log targets − logPredictions) over the last axis
 * (`optax.kl_divergence`; PyTorch's `kl_div(logPredictions, targets, reduction='none')` summed over the
 * last axis). A target of 0 contributes 0, whatever its log-prediction (−∞ included, where optax and
 * PyTorch give NaN); the derivative in that target is log t + 1 − log p = −∞, as PyTorch's.
 * @example
 * ad.losses.klDivergence(ad.log(ad.tensor([0.5, 0.5])), ad.tensor([1, 0])).item(); // => 0.6931471805599453
 */
export function klDivergence(logPredictions: TensorLike, targets: TensorLike): Tensor;
export function klDivergence(logPredictions: TensorLike, targets: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('klDivergence', 'klDivergence(logPredictions, targets)', extra, targets);
  const [lp, t] = samePair('klDivergence', logPredictions, targets, ['logPredictions', 'targets']);
  lastAxis('klDivergence', lp, 'logPredictions');
  // t log t as xlogy (0 at t = 0, its derivative log t + 1 there −∞, as PyTorch's), and −t · log p
  // with a log p of −∞ under a target of 0 taken as 0: linear in log p, whose cross derivative
  // with t is −1 everywhere (a where around the whole term had made it 0 at t = 0).
  return sum(sub(xlogy(t, t), mul(t, zeroWhereUnused(t, lp))), -1);
}

/**
 * KL(targets ‖ predictions) from log-probabilities of both, Σ exp(logTargets) · (logTargets − logPredictions)
 * over the last axis (`optax.kl_divergence_with_log_targets`; PyTorch's `kl_div(..., log_target=True)`
 * summed over the last axis). A log-target of −∞ contributes 0.
 * @example
 * ad.losses.klDivergenceWithLogTargets(ad.log(ad.tensor([0.5, 0.5])), ad.log(ad.tensor([1, 0]))).item(); // => 0.6931471805599453
 */
export function klDivergenceWithLogTargets(logPredictions: TensorLike, logTargets: TensorLike): Tensor;
export function klDivergenceWithLogTargets(logPredictions: TensorLike, logTargets: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('klDivergenceWithLogTargets', 'klDivergenceWithLogTargets(logPredictions, logTargets)', extra, logTargets);
  const [lp, lt] = samePair('klDivergenceWithLogTargets', logPredictions, logTargets, ['logPredictions', 'logTargets']);
  lastAxis('klDivergenceWithLogTargets', lp, 'logPredictions');
  const none = equal(lt, -Infinity);
  return sum(where(none, 0, mul(exp(lt), sub(lt, lp))), -1);
}

/**
 * Label smoothing (`optax.smooth_labels`): (1 − alpha) · labels + alpha / classes, the classes along the
 * last axis (labels one-hot or probabilities).
 * @example
 * ad.losses.smoothLabels(ad.tensor([0, 1]), 0.2).toArray(); // => [0.1, 0.9]
 */
export function smoothLabels(labels: TensorLike, alpha: number): Tensor;
export function smoothLabels(labels: TensorLike, alpha: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('smoothLabels', 'smoothLabels(labels, alpha)', extra, alpha);
  const y = asTensor(labels, 'smoothLabels');
  const classes = lastAxis('smoothLabels', y, 'labels');
  if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) throw new InvalidArgumentError(`smoothLabels: alpha must be a number in [0, 1], got ${describe(alpha)}.`);
  return add(mul(1 - alpha, y), alpha / classes);
}
