/**
 * @file PyTorch's likelihood-style losses, reduced as torch.nn.functional's ('mean' by default): poisson_nll_loss,
 * gaussian_nll_loss, binary_cross_entropy (on probabilities), huber_loss, soft_margin_loss and
 * multilabel_soft_margin_loss. Composites of differentiable ops, so grad (to any order), jvp, vmap and jit
 * apply; the values, the clamps and the gradients where torch defines its own are PyTorch 1.13's.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, broadcastOperands, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add, div, greaterEqual, less, lessEqual, maximum, mul, sub } from '../ops/binary.js';
import { abs, exp, log, log1p, neg, softplus, square } from '../ops/unary.js';
import { logSigmoid } from '../ops/logspace.js';
import { stopGradient, where } from '../ops/select.js';
import { expandDims } from '../ops/shape.js';
import { sum } from '../ops/reduce.js';
import { checkArgumentValues } from '../ops/argumentChecks.js';
import { flag } from '../ops/poolShapes.js';
import { numberOption, reduce, sameShape, startLoss, within } from './torchCommon.js';
import type { ReductionOptions } from './torchStyle.js';

/** Options of `poissonNllLoss` (torch.nn.functional.poisson_nll_loss's keywords). */
export interface PoissonNllLossOptions extends ReductionOptions {
  /** Whether the input is the log of the rate (default true): e^input − target·input; else input − target·log(input + eps). */
  readonly logInput?: boolean | undefined;
  /** Whether to add Stirling's approximation of log(target!), for targets > 1 (default false). */
  readonly full?: boolean | undefined;
  /** Added to the rate inside the log when logInput is false (default 1e−8). */
  readonly eps?: number | undefined;
}

/**
 * The Poisson negative log-likelihood of counts `target` at rate e^input (or `input` itself with
 * `logInput: false`), as `torch.nn.functional.poisson_nll_loss`; input and target broadcast, as torch's.
 * With `full`, target·log(target) − target + ½log(2π·target) is added where target > 1.
 * @example ad.poissonNllLoss(ad.tensor([0, Math.log(2)]), ad.tensor([1, 2]), { reduction: 'sum' }).item(); // => 3 - 2 * Math.LN2
 */
export function poissonNllLoss(input: TensorLike, target: TensorLike, options?: PoissonNllLossOptions): Tensor;
export function poissonNllLoss(input: TensorLike, target: TensorLike, options: PoissonNllLossOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'poissonNllLoss';
  const reduction = startLoss(op, 'poissonNllLoss(input, target, options?)', extra, options, ['logInput', 'full', 'eps', 'reduction']);
  const logInput = flag(op, 'logInput', options.logInput, true), full = flag(op, 'full', options.full, false);
  const eps = numberOption(op, 'eps', options.eps, 1e-8);
  const [x, t] = broadcastOperands(op, input, target);
  let loss = logInput ? sub(exp(x), mul(t, x)) : sub(x, mul(t, log(add(x, eps))));
  if (full) {
    // Where target ≤ 1 the term is 0 (torch's masked_fill), with a zero gradient (torch's is NaN at target 0).
    const stirling = add(sub(mul(t, log(t)), t), mul(0.5, log(mul(2 * Math.PI, t))));
    loss = add(loss, where(lessEqual(t, 1), 0, stirling));
  }
  return reduce(loss, reduction);
}

/** Options of `gaussianNllLoss` (torch.nn.functional.gaussian_nll_loss's keywords). */
export interface GaussianNllLossOptions extends ReductionOptions {
  /** Whether to add the constant ½log(2π) (default false). */
  readonly full?: boolean | undefined;
  /** The smallest variance used: smaller ones are clamped to it (default 1e−6). */
  readonly eps?: number | undefined;
}

/**
 * ½(log v + (input − target)²/v) with v = max(variance, eps), as `torch.nn.functional.gaussian_nll_loss`.
 * `variance` has the input's shape, or that shape without its last axis, or with a last axis of 1 (one
 * variance per row); a number is one variance for every entry. Variances must be ≥ 0. As torch's, the
 * clamp is not differentiated: the gradient in a clamped variance is the loss's derivative at eps.
 * @example ad.gaussianNllLoss(ad.tensor([1, 2]), ad.tensor([0, 0]), ad.tensor([1, 4])).item(); // => (0.5 + 0.5 * (Math.log(4) + 1)) / 2
 */
export function gaussianNllLoss(input: TensorLike, target: TensorLike, variance: TensorLike, options?: GaussianNllLossOptions): Tensor;
export function gaussianNllLoss(input: TensorLike, target: TensorLike, variance: TensorLike, options: GaussianNllLossOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'gaussianNllLoss';
  const reduction = startLoss(op, 'gaussianNllLoss(input, target, variance, options?)', extra, options, ['full', 'eps', 'reduction']);
  const full = flag(op, 'full', options.full, false);
  const eps = numberOption(op, 'eps', options.eps, 1e-6, 'a finite number ≥ 0', (e) => e >= 0);
  const [x, t] = broadcastOperands(op, input, target);
  let v = asTensor(variance, op);
  if (typeof variance !== 'number' && !shapesEqual(v.shape, x.shape)) {
    const rows = x.shape.slice(0, -1);
    if (shapesEqual(v.shape, rows)) v = expandDims(v, -1); // homoscedastic: one variance per row
    else if (!(v.ndim === x.ndim && v.ndim > 0 && v.shape[v.ndim - 1] === 1 && shapesEqual(v.shape.slice(0, -1), rows))) {
      throw new ShapeError(
        `${op}: the variance has shape ${formatShape(v.shape)}; an input of shape ${formatShape(x.shape)} needs ${formatShape(x.shape)}, ` +
          `${formatShape(rows)} or ${formatShape([...rows, 1])} (PyTorch's rule: one variance per entry, or per row).`,
      );
    }
  }
  checkArgumentValues(v, (values) => values.forEach((value, i) => {
    if (value < 0) throw new InvalidArgumentError(`${op}: the variance has a negative entry, ${value} (entry ${i}); variances must be ≥ 0.`);
  }));
  // torch clamps a copy of var in place under no_grad: the value is eps, the gradient passes as if unclamped.
  const clamped = where(less(v, eps), add(sub(v, stopGradient(v)), eps), v);
  let loss = mul(0.5, add(log(clamped), div(square(sub(x, t)), clamped)));
  if (full) loss = add(loss, 0.5 * Math.log(2 * Math.PI));
  return reduce(loss, reduction);
}

/** Options of `binaryCrossEntropy` (torch.nn.functional.binary_cross_entropy's keywords). */
export interface BinaryCrossEntropyProbabilityOptions extends ReductionOptions {
  /** A weight per entry: the input's shape, or one that broadcasts to it (never enlarging the loss). */
  readonly weight?: TensorLike | undefined;
}

/** torch's EPSILON in the binary cross-entropy's backward, a C++ float: 1e−12 rounded to single precision. */
const EPSILON = Math.fround(1e-12);

/**
 * −w·[y·log x + (1 − y)·log(1 − x)] for probabilities `input` x in [0, 1] and targets y of the same shape,
 * as `torch.nn.functional.binary_cross_entropy`: each log clamped at −100 (a certain wrong answer costs 100,
 * not ∞), and torch's gradient in x, w·(x − y)/max(x(1 − x), 1e−12) — the true derivative wherever
 * x(1 − x) ≥ 1e−12, a finite slope where the clamp holds the value flat. Prefer
 * `binaryCrossEntropyWithLogits` on logits, which needs no clamp.
 * @example ad.binaryCrossEntropy(ad.tensor([0.5, 0]), ad.tensor([1, 1]), { reduction: 'none' }).toArray(); // => [Math.LN2, 100]
 */
export function binaryCrossEntropy(input: TensorLike, target: TensorLike, options?: BinaryCrossEntropyProbabilityOptions): Tensor;
export function binaryCrossEntropy(input: TensorLike, target: TensorLike, options: BinaryCrossEntropyProbabilityOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'binaryCrossEntropy';
  const reduction = startLoss(op, 'binaryCrossEntropy(input, target, options?)', extra, options, ['weight', 'reduction']);
  const x = asTensor(input, op), y = sameShape(op, x, target, ['input', 'target']);
  checkArgumentValues(x, (values) => values.forEach((value, i) => {
    if (!(value >= 0 && value <= 1)) throw new InvalidArgumentError(`${op}: the input holds probabilities, in [0, 1]; entry ${i} is ${value} (for logits, use binaryCrossEntropyWithLogits).`);
  }));
  // Where x(1 − x) < ε the logs are held (their values kept, their slopes dropped) and torch's slope
  // (x − y)/ε is added by a term whose value is exactly 0; elsewhere this is the plain formula.
  const inner = greaterEqual(mul(sub(1, x), x), EPSILON);
  const logX = maximum(log(x), -100), log1mX = maximum(log1p(neg(x)), -100);
  const held = (l: Tensor) => where(inner, l, stopGradient(l));
  let loss = neg(add(mul(y, held(logX)), mul(sub(1, y), held(log1mX))));
  loss = add(loss, where(inner, 0, mul(sub(x, stopGradient(x)), stopGradient(div(sub(x, y), EPSILON)))));
  if (options.weight !== undefined) loss = mul(loss, within(op, 'weight', options.weight, x.shape));
  return reduce(loss, reduction);
}

/** Options of `huberLoss` (torch.nn.functional.huber_loss's keywords). */
export interface HuberLossOptions extends ReductionOptions {
  /** Where the quadratic part ends (default 1; > 0). */
  readonly delta?: number | undefined;
}

/**
 * ½d² where |d| < δ, δ(|d| − ½δ) beyond (d = input − target, broadcast as torch's), reduced, as
 * `torch.nn.functional.huber_loss` (`losses.huberLoss` is the unreduced, optax-style one). Its
 * derivative is d clipped to [−δ, δ].
 * @example ad.huberLoss(ad.tensor([0.5, 3]), ad.tensor([0, 0])).item(); // => (0.125 + 2.5) / 2
 */
export function huberLoss(input: TensorLike, target: TensorLike, options?: HuberLossOptions): Tensor;
export function huberLoss(input: TensorLike, target: TensorLike, options: HuberLossOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'huberLoss';
  const reduction = startLoss(op, 'huberLoss(input, target, options?)', extra, options, ['delta', 'reduction']);
  const delta = numberOption(op, 'delta', options.delta, 1, 'a finite number > 0', (d) => d > 0);
  const [x, t] = broadcastOperands(op, input, target);
  const d = sub(x, t), a = abs(d);
  return reduce(where(less(a, delta), mul(0.5, square(d)), mul(delta, sub(a, 0.5 * delta))), reduction);
}

/**
 * log(1 + e^(−y·x)) for labels y = ±1, reduced, as `torch.nn.functional.soft_margin_loss`, computed as
 * softplus(−y·x): finite where torch's log1p(exp(·)) overflows (x·y = −1000 gives 1000, not ∞). The
 * target has the input's shape, or one that broadcasts to it.
 * @example ad.softMarginLoss(ad.tensor([0, 1000]), ad.tensor([1, -1]), { reduction: 'none' }).toArray(); // => [Math.LN2, 1000]
 */
export function softMarginLoss(input: TensorLike, target: TensorLike, options?: ReductionOptions): Tensor;
export function softMarginLoss(input: TensorLike, target: TensorLike, options: ReductionOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'softMarginLoss';
  const reduction = startLoss(op, 'softMarginLoss(input, target, options?)', extra, options, ['reduction']);
  const x = asTensor(input, op);
  return reduce(softplus(neg(mul(within(op, 'the target', target, x.shape), x))), reduction);
}

/** Options of `multilabelSoftMarginLoss` (torch's keywords). */
export interface MultilabelSoftMarginLossOptions extends ReductionOptions {
  /** A weight per class, [C] (or any shape that broadcasts to the input's without enlarging it). */
  readonly weight?: TensorLike | undefined;
}

/**
 * The mean over the classes (the last axis) of −w·[y·log σ(x) + (1 − y)·log σ(−x)], one value per
 * example, then reduced, as `torch.nn.functional.multilabel_soft_margin_loss`; targets in [0, 1] shaped
 * as the input (or broadcasting to it). Through logSigmoid, finite at any logit.
 * @example ad.multilabelSoftMarginLoss(ad.tensor([[0, 0]]), ad.tensor([[1, 0]])).item(); // => Math.LN2
 */
export function multilabelSoftMarginLoss(input: TensorLike, target: TensorLike, options?: MultilabelSoftMarginLossOptions): Tensor;
export function multilabelSoftMarginLoss(input: TensorLike, target: TensorLike, options: MultilabelSoftMarginLossOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'multilabelSoftMarginLoss';
  const reduction = startLoss(op, 'multilabelSoftMarginLoss(input, target, options?)', extra, options, ['weight', 'reduction']);
  const x = asTensor(input, op);
  if (x.ndim === 0) throw new ShapeError(`${op}: the input must have the classes on its last axis, [C] or [N, C], got a 0-d tensor.`);
  const y = within(op, 'the target', target, x.shape);
  let loss = neg(add(mul(y, logSigmoid(x)), mul(sub(1, y), logSigmoid(neg(x)))));
  if (options.weight !== undefined) loss = mul(loss, within(op, 'weight', options.weight, x.shape));
  return reduce(div(sum(loss, -1), x.shape[x.ndim - 1]!), reduction);
}
