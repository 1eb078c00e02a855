/**
 * @file PyTorch's classification losses with their reductions — F.nll_loss and F.cross_entropy (class indices
 * with ignore_index and class weights, or class probabilities; label smoothing) — scores [N, C, d1…dk] with
 * the classes on axis 1, as torch lays them out. The same negative log-likelihood serves ONNX's
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss (../onnx/importLosses.ts), which are these
 * functions. Written with gather, where and reductions, so they are differentiable in the scores and
 * the weights under every transformation; class indices have no gradient.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, ones, tensor, type TensorInput, type TensorLike, tensorArg } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add, div, equal, less, maximum, mul, sub } from '../ops/binary.js';
import { abs, log1p, exp, neg, softplus, square } from '../ops/unary.js';
import { broadcastOperands } from '../tensor/create.js';
import { xlogy } from '../ops/logspace.js';
import { where } from '../ops/select.js';
import { expandDims, reshape } from '../ops/shape.js';
import { gather } from '../ops/gather.js';
import { logSoftmax, sum } from '../ops/reduce.js';
import { checkArgumentValues } from '../ops/argumentChecks.js';
import { checkOptionKeys } from '../ops/poolShapes.js';
import { reduce, reductionOf, sameShape, within } from './torchCommon.js';

/** How a per-position loss is reduced: kept ('none'), summed, or averaged (by the weights of the positions counted). */
export type Reduction = 'none' | 'sum' | 'mean';

/** Throws an error naming the caller (an op, or an ONNX node) with the message. */
export type Fail = (message: string) => never;

/** Shapes: input [N, C, d1…dk] (k ≥ 0), target [N, d1…dk], weight [C]. */
function checkShapes(fail: Fail, input: Tensor, target: Tensor, weight: Tensor | undefined): void {
  if (input.ndim < 2) fail(`the scores must have shape [N, C] or [N, C, d1, …], got ${formatShape(input.shape)}.`);
  const want = [input.shape[0]!, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, want)) fail(`the targets have shape ${formatShape(target.shape)}; scores of shape ${formatShape(input.shape)} need targets of shape ${formatShape(want)}.`);
  if (weight !== undefined && !shapesEqual(weight.shape, [input.shape[1]!])) {
    fail(`the weights have shape ${formatShape(weight.shape)}; they must have one entry per class, shape [${input.shape[1]}].`);
  }
}

/**
 * Targets are classes in [0, C) or ignoreIndex: checked where the values can be read, and as a guard
 * on every jit replay; under vmap the gather refuses an index out of range.
 */
function checkTargets(fail: Fail, target: Tensor, classes: number, ignoreIndex: number | undefined): void {
  checkArgumentValues(target, (values) => {
    values.forEach((v, i) => {
      if (v === ignoreIndex || (Number.isInteger(v) && v >= 0 && v < classes)) return;
      fail(
        `target ${v} (entry ${i} of the targets, shape ${formatShape(target.shape)}) is not a class in [0, ${classes})` +
          `${ignoreIndex === undefined ? ' (the node has no ignore_index)' : ` nor ignore_index (${ignoreIndex})`}.`,
      );
    });
  });
}

/** The targets' classes (an ignored one read as 0), and the mask of ignored positions (null: none can be). */
function classesOf(target: Tensor, ignoreIndex: number | undefined): { index: Tensor; ignored: Tensor | null } {
  const ignored = ignoreIndex === undefined ? null : equal(target, ignoreIndex);
  // An ignored target may lie outside [0, C) (PyTorch's −100): it reads class 0, then is masked out.
  return { index: ignored === null ? target : where(ignored, 0, target), ignored };
}

/**
 * The negative log-likelihood of log-probabilities `input` at class indices `target`:
 * loss[n][d…] = −input[n][c][d…]·weight[c] with c = target[n][d…], 0 (weight 0) where c is the ignore
 * index; reduced by 'none' (kept), 'sum', or 'mean' — the sum divided by the sum of weight[target] over the
 * positions not ignored (their count without weights). A mean over no weight (every target ignored) is
 * 0/0 = NaN, as PyTorch's and ONNX's reference. @internal
 */
export function negativeLogLikelihood(fail: Fail, input: Tensor, target: Tensor, weight: Tensor | undefined, reduction: Reduction, ignoreIndex: number | undefined): Tensor {
  checkShapes(fail, input, target, weight);
  checkTargets(fail, target, input.shape[1]!, ignoreIndex);
  const { index, ignored } = classesOf(target, ignoreIndex);
  const picked = reshape(gather(input, reshape(index, [input.shape[0]!, 1, ...input.shape.slice(2)]), 1), target.shape);
  let w = weight === undefined ? ones(target.shape) : reshape(gather(weight, reshape(index, [target.size]), 0), target.shape);
  let loss = neg(mul(picked, w));
  // `where`, not a product with the mask: an ignored position adds exactly 0 even where its
  // stand-in log-probability is −∞ (and, by strong zeros, no NaN to the gradient).
  if (ignored !== null) [w, loss] = [where(ignored, 0, w), where(ignored, 0, loss)];
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : div(sum(loss), sum(w));
}

/** Options of `nllLoss` (torch.nn.functional.nll_loss's keywords). */
export interface NllLossOptions {
  /** A weight per class, shape [C] (default all 1). */
  readonly weight?: TensorLike | undefined;
  /** A target value that counts for nothing (default −100, PyTorch's). */
  readonly ignoreIndex?: number | undefined;
  /** 'mean' (default: over the weights of the positions counted), 'sum' or 'none'. */
  readonly reduction?: Reduction | undefined;
}

/** Options of `crossEntropy` (torch.nn.functional.cross_entropy's keywords). */
export interface CrossEntropyOptions extends NllLossOptions {
  /** ε in [0, 1]: the target mixed with the uniform distribution over the C classes, (1 − ε)·target + ε/C (default 0). */
  readonly labelSmoothing?: number | undefined;
}

interface Parsed {
  readonly input: Tensor;
  readonly target: Tensor;
  readonly weight: Tensor | undefined;
  readonly ignoreIndex: number;
  readonly reduction: Reduction;
  /** Whether the scores came without a batch axis ([C], a target per example): put back in 'none' results. */
  readonly unbatched: boolean;
}

function parse(op: string, input: TensorLike, target: TensorInput, options: NllLossOptions, keys: readonly string[]): Parsed {
  checkOptionKeys(op, options, keys);
  let x = asTensor(input, op), t = target instanceof Tensor || typeof target === 'number' ? asTensor(target, op) : tensorArg(target, op);
  const weight = options.weight === undefined ? undefined : asTensor(options.weight, op);
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (typeof ignoreIndex !== 'number' || !Number.isInteger(ignoreIndex)) throw new InvalidArgumentError(`${op}: ignoreIndex must be an integer, got ${describe(ignoreIndex)}.`);
  const reduction = reductionOf(op, options);
  // PyTorch's unbatched form: scores [C] with a 0-d class index, or [C] probabilities.
  const unbatched = x.ndim === 1;
  if (unbatched) {
    x = expandDims(x, 0);
    t = expandDims(t, 0);
  }
  if (x.ndim < 2) throw new ShapeError(`${op}: the scores must have shape [C], [N, C] or [N, C, d1, …] (classes on axis 1, as PyTorch), got ${formatShape(x.shape)}.`);
  return { input: x, target: t, weight, ignoreIndex, reduction, unbatched };
}

const failing = (op: string): Fail => (message: string) => {
  throw new ShapeError(`${op}: ${message}`);
};

/** A 'none' result of the unbatched form without its batch axis. */
const unbatch = (p: Parsed, loss: Tensor) => (p.unbatched && p.reduction === 'none' ? reshape(loss, loss.shape.slice(1)) : loss);

/**
 * The negative log-likelihood loss, as `torch.nn.functional.nll_loss`: `input` holds log-probabilities
 * [N, C, d1…dk] (classes on axis 1; or [C] for one example), `target` class indices [N, d1…dk];
 * −input[n, target] weighted by `weight[target]`, the ignore index counting for nothing, then reduced
 * ('mean' by default: the weighted sum over the sum of the weights counted).
 * @example ad.nllLoss(ad.log(ad.tensor([[0.25, 0.75], [0.5, 0.5]])), [1, 0]).item() // (−log 0.75 − log 0.5)/2
 */
export function nllLoss(input: TensorLike, target: TensorInput, options?: NllLossOptions): Tensor;
export function nllLoss(input: TensorLike, target: TensorInput, options: NllLossOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('nllLoss', 'nllLoss(input, target, options?)', extra, options);
  const p = parse('nllLoss', input, target, options, ['weight', 'ignoreIndex', 'reduction']);
  return unbatch(p, negativeLogLikelihood(failing('nllLoss'), p.input, p.target, p.weight, p.reduction, p.ignoreIndex));
}

/**
 * The cross-entropy of scores (logits) `input` [N, C, d1…dk] (classes on axis 1; or [C] for one
 * example), as `torch.nn.functional.cross_entropy`: logSoftmax over the classes, then (targets a tensor
 * or nested arrays)
 * - class indices `target` [N, d1…dk]: `nllLoss` (weights, ignore index, 'mean' over the weights counted);
 *   with `labelSmoothing` ε, (1 − ε)·that + ε/C·Σ_c −w_c·logp_c reduced alike (PyTorch's formula);
 * - class probabilities `target` shaped as `input`: −Σ_c w_c·target_c·logp_c per position, 'mean'
 *   dividing by the number of positions N·d1⋯dk; with ε, target ↦ (1 − ε)·target + ε/C first.
 * Differentiable in input, weight and probability targets.
 * @example ad.crossEntropy(ad.tensor([[0, 0], [0, Math.log(3)]]), [0, 1]).item() // (log 2 + log(4/3))/2
 */
export function crossEntropy(input: TensorLike, target: TensorInput, options?: CrossEntropyOptions): Tensor;
export function crossEntropy(input: TensorLike, target: TensorInput, options: CrossEntropyOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'crossEntropy';
  if (extra.length > 0) extraArguments(op, 'crossEntropy(input, target, options?)', extra, options);
  const p = parse(op, input, target, options, ['weight', 'ignoreIndex', 'reduction', 'labelSmoothing']);
  const epsilon = options.labelSmoothing ?? 0;
  if (typeof epsilon !== 'number' || !(epsilon >= 0 && epsilon <= 1)) throw new InvalidArgumentError(`${op}: labelSmoothing must be a number in [0, 1], got ${describe(epsilon)}.`);
  const { input: x, target: t, weight, reduction, ignoreIndex } = p;
  const classes = x.shape[1]!;
  const logp = logSoftmax(x, 1);
  if (weight !== undefined && !shapesEqual(weight.shape, [classes])) failing(op)(`the weights have shape ${formatShape(weight.shape)}; they must have one entry per class, shape [${classes}].`);
  const classShape = [classes, ...new Array<number>(x.ndim - 2).fill(1)]; // a per-class vector lined up with axis 1
  const weighted = weight === undefined ? logp : mul(logp, reshape(weight, classShape));
  if (shapesEqual(t.shape, x.shape)) {
    // Probabilities: −Σ_c w_c·q_c·logp_c, q smoothed toward uniform first.
    const q = epsilon === 0 ? t : add(mul(t, 1 - epsilon), epsilon / classes);
    const loss = neg(sum(mul(weighted, q), 1));
    if (reduction === 'none') return unbatch(p, loss);
    return reduction === 'sum' ? sum(loss) : div(sum(loss), loss.size);
  }
  const nll = negativeLogLikelihood(failing(op), logp, t, weight, reduction, ignoreIndex);
  if (epsilon === 0) return unbatch(p, nll);
  // PyTorch's label smoothing for indices: (1 − ε)·nll + (ε/C)·smooth, smooth = −Σ_c w_c·logp_c per position
  // (0 where ignored), reduced as nll is (its mean over the weights of the targets counted).
  const { index, ignored } = classesOf(t, ignoreIndex);
  let smooth = neg(sum(weighted, 1));
  if (ignored !== null) smooth = where(ignored, 0, smooth);
  let reduced: Tensor;
  if (reduction === 'none') reduced = smooth;
  else if (reduction === 'sum') reduced = sum(smooth);
  else {
    const counted = weight === undefined ? ones(t.shape) : reshape(gather(weight, reshape(index, [t.size]), 0), t.shape);
    reduced = div(sum(smooth), sum(ignored === null ? counted : where(ignored, 0, counted)));
  }
  return unbatch(p, add(mul(nll, 1 - epsilon), mul(reduced, epsilon / classes)));
}

/** Options of the pointwise losses: the reduction ('mean' by default, as PyTorch's). */
export interface ReductionOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  readonly reduction?: Reduction | undefined;
}

/** input − target, broadcast (PyTorch broadcasts them, with a warning where the shapes differ). */
function difference(op: string, input: TensorLike, target: TensorLike): Tensor {
  const [x, y] = broadcastOperands(op, input, target);
  return sub(x, y);
}

/**
 * (input − target)², reduced, as `torch.nn.functional.mse_loss` (`losses.squaredError` unreduced).
 * @example ad.mseLoss(ad.tensor([1, 2]), ad.tensor([0, 0])).item() // 2.5
 */
export function mseLoss(input: TensorLike, target: TensorLike, options?: ReductionOptions): Tensor;
export function mseLoss(input: TensorLike, target: TensorLike, options: ReductionOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('mseLoss', 'mseLoss(input, target, options?)', extra, options);
  checkOptionKeys('mseLoss', options, ['reduction']);
  return reduce(square(difference('mseLoss', input, target)), reductionOf('mseLoss', options));
}

/**
 * |input − target|, reduced, as `torch.nn.functional.l1_loss` (derivative 0 where they are equal, as torch's).
 * @example ad.l1Loss(ad.tensor([1, -2]), ad.tensor([0, 0])).item() // 1.5
 */
export function l1Loss(input: TensorLike, target: TensorLike, options?: ReductionOptions): Tensor;
export function l1Loss(input: TensorLike, target: TensorLike, options: ReductionOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('l1Loss', 'l1Loss(input, target, options?)', extra, options);
  checkOptionKeys('l1Loss', options, ['reduction']);
  return reduce(abs(difference('l1Loss', input, target)), reductionOf('l1Loss', options));
}

/** Options of `smoothL1Loss`. */
export interface SmoothL1Options extends ReductionOptions {
  /** Where the quadratic part ends (default 1; 0 gives l1Loss). */
  readonly beta?: number | undefined;
}

/**
 * ½d²/β where |d| < β, |d| − ½β beyond (d = input − target), reduced, as
 * `torch.nn.functional.smooth_l1_loss` (β = 0: l1Loss). Its derivative at d = 0 is 0 and its second 1/β.
 * @example ad.smoothL1Loss(ad.tensor([0.5, 3]), ad.tensor([0, 0])).item() // (0.125 + 2.5)/2
 */
export function smoothL1Loss(input: TensorLike, target: TensorLike, options?: SmoothL1Options): Tensor;
export function smoothL1Loss(input: TensorLike, target: TensorLike, options: SmoothL1Options = {}, ...extra: unknown[]): Tensor {
  const op = 'smoothL1Loss';
  if (extra.length > 0) extraArguments(op, 'smoothL1Loss(input, target, options?)', extra, options);
  checkOptionKeys(op, options, ['reduction', 'beta']);
  const beta = options.beta ?? 1;
  if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0) throw new InvalidArgumentError(`${op}: beta must be a finite number ≥ 0, got ${describe(beta)}.`);
  const d = difference(op, input, target), a = abs(d);
  const loss = beta === 0 ? a : where(less(a, beta), div(mul(0.5, square(d)), beta), sub(a, 0.5 * beta));
  return reduce(loss, reductionOf(op, options));
}

/** Options of `binaryCrossEntropyWithLogits` (torch's keywords). */
export interface BinaryCrossEntropyOptions extends ReductionOptions {
  /** A weight per entry: the input's shape, or one that broadcasts to it (never enlarging the loss). */
  readonly weight?: TensorLike | undefined;
  /** A weight on the positive term, [C] for classes on the last axis (recall against precision); broadcast as `weight`. */
  readonly posWeight?: TensorLike | undefined;
}

/**
 * −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))] with p = posWeight, reduced, as
 * `torch.nn.functional.binary_cross_entropy_with_logits`, computed as (1 − y)x + (1 + (p − 1)y)·softplus(−x)
 * with softplus(−x) = log1p(e^−|x|) + max(−x, 0), finite at any logit (`losses.sigmoidBinaryCrossEntropy` unreduced).
 * The target has the input's shape (a ShapeError otherwise, as PyTorch's "Target size must be the same as input
 * size": input [4, 1] against target [4] would broadcast to a [4, 4] loss); weight and posWeight broadcast to it.
 * @example ad.binaryCrossEntropyWithLogits(ad.tensor([0]), ad.tensor([1])).item() // log 2
 */
export function binaryCrossEntropyWithLogits(input: TensorLike, target: TensorLike, options?: BinaryCrossEntropyOptions): Tensor;
export function binaryCrossEntropyWithLogits(input: TensorLike, target: TensorLike, options: BinaryCrossEntropyOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  if (extra.length > 0) extraArguments(op, 'binaryCrossEntropyWithLogits(input, target, options?)', extra, options);
  checkOptionKeys(op, options, ['reduction', 'weight', 'posWeight']);
  const x = asTensor(input, op), y = sameShape(op, x, target, ['input', 'target']);
  // log(1 + e^−x) by the softplus primitive: log1p(e^−|x|) + max(−x, 0) took |x|′(0) = 0, so its second derivative at a
  // zero logit was 0 for σ(0)(1 − σ(0)) = ¼ (zero-initialised logits: a Newton or Laplace curvature of 0).
  const softplusNeg = softplus(neg(x));
  const positive = options.posWeight === undefined ? softplusNeg : mul(add(1, mul(sub(within(op, 'posWeight', options.posWeight, x.shape), 1), y)), softplusNeg);
  let loss = add(mul(sub(1, y), x), positive);
  if (options.weight !== undefined) loss = mul(loss, within(op, 'weight', options.weight, x.shape));
  return reduce(loss, reductionOf(op, options));
}

/** Options of `klDiv` (torch's keywords). */
export interface KlDivOptions {
  /** 'mean' (default: over every entry, torch's), 'batchmean' (the sum over the first axis's length: the KL divergence proper), 'sum' or 'none'. */
  readonly reduction?: Reduction | 'batchmean' | undefined;
  /** Whether the target holds log-probabilities (default false). */
  readonly logTarget?: boolean | undefined;
}

/**
 * target·(log target − input) pointwise, input holding log-probabilities, reduced, as
 * `torch.nn.functional.kl_div` (0 where target is 0; with `logTarget`, e^target·(target − input)).
 * 'batchmean' divides the sum by the batch size (input's first axis), the KL divergence per example.
 * @example ad.klDiv(ad.log(ad.tensor([[0.5, 0.5]])), ad.tensor([[1, 0]]), { reduction: 'batchmean' }).item() // log 2
 */
export function klDiv(input: TensorLike, target: TensorLike, options?: KlDivOptions): Tensor;
export function klDiv(input: TensorLike, target: TensorLike, options: KlDivOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'klDiv';
  if (extra.length > 0) extraArguments(op, 'klDiv(input, target, options?)', extra, options);
  checkOptionKeys(op, options, ['reduction', 'logTarget']);
  const logTarget = options.logTarget ?? false;
  if (typeof logTarget !== 'boolean') throw new InvalidArgumentError(`${op}: logTarget must be true or false, got ${describe(logTarget)}.`);
  const reduction = options.reduction ?? 'mean';
  const [x, t] = broadcastOperands(op, input, target);
  const loss = logTarget ? mul(exp(t), sub(t, x)) : sub(xlogy(t, t), mul(t, x));
  if (reduction === 'batchmean') return x.ndim === 0 ? sum(loss) : div(sum(loss), x.shape[0]!);
  return reduce(loss, reductionOf(op, { reduction }));
}
