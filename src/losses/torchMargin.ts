/**
 * @file PyTorch's margin and embedding losses, reduced as torch.nn.functional's ('mean' by default):
 * margin_ranking_loss, hinge_embedding_loss, multi_margin_loss, multilabel_margin_loss,
 * cosine_embedding_loss and triplet_margin_loss. Composites of differentiable ops (grad to any order, jvp,
 * vmap, jit); at each kink the gradient is the one torch's backward gives. Class indices are float64
 * tensors of whole numbers, checked where their values can be read (and on every jit replay).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, broadcastOperands, type TensorLike } from '../tensor/create.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { add, div, equal, greater, less, minimum, mul, notEqual, sub } from '../ops/binary.js';
import { neg, sqrt, square } from '../ops/unary.js';
import { logicalAnd, logicalNot } from '../ops/predicates.js';
import { where } from '../ops/select.js';
import { expandDims, reshape } from '../ops/shape.js';
import { cumsum, sum } from '../ops/reduce.js';
import { gather } from '../ops/gather.js';
import { checkArgumentValues } from '../ops/argumentChecks.js';
import { flag } from '../ops/poolShapes.js';
import { pairwiseDistance } from '../ops/pairwiseDistance.js';
import { clampMin0, numberOption, reduce, sameShape, startLoss } from './torchCommon.js';
import type { Reduction, ReductionOptions } from './torchStyle.js';

/** Options of the margin losses with a margin (`marginRankingLoss`, `hingeEmbeddingLoss`, `cosineEmbeddingLoss`). */
export interface MarginOptions extends ReductionOptions {
  /** The margin (defaults: 0 for marginRankingLoss and cosineEmbeddingLoss, 1 for hingeEmbeddingLoss, as torch's). */
  readonly margin?: number | undefined;
}

/**
 * max(0, −y·(x1 − x2) + margin) for y = ±1 (1: x1 should rank higher), reduced, as
 * `torch.nn.functional.margin_ranking_loss`; x1, x2 and y of one shape (PyTorch 2 refuses a broadcast
 * too). At the kink the gradient is torch's clamp_min's: all of it.
 * @example ad.marginRankingLoss(ad.tensor([1, 0]), ad.tensor([0, 1]), ad.tensor([1, 1]), { margin: 0.5, reduction: 'none' }).toArray(); // => [0, 1.5]
 */
export function marginRankingLoss(x1: TensorLike, x2: TensorLike, y: TensorLike, options?: MarginOptions): Tensor;
export function marginRankingLoss(x1: TensorLike, x2: TensorLike, y: TensorLike, options: MarginOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'marginRankingLoss';
  const reduction = startLoss(op, 'marginRankingLoss(x1, x2, y, options?)', extra, options, ['margin', 'reduction']);
  const margin = numberOption(op, 'margin', options.margin, 0);
  const a = asTensor(x1, op), b = sameShape(op, a, x2, ['x1', 'x2']), t = sameShape(op, a, y, ['x1', 'y']);
  return reduce(clampMin0(add(mul(neg(t), sub(a, b)), margin)), reduction);
}

/**
 * x where y = 1, max(0, margin − x) where y = −1 (both terms for any other y, as torch), reduced, as
 * `torch.nn.functional.hinge_embedding_loss` (x is typically a distance); input and target broadcast, as torch's.
 * @example ad.hingeEmbeddingLoss(ad.tensor([0.3, 0.3]), ad.tensor([1, -1]), { reduction: 'none' }).toArray(); // => [0.3, 0.7]
 */
export function hingeEmbeddingLoss(input: TensorLike, target: TensorLike, options?: MarginOptions): Tensor;
export function hingeEmbeddingLoss(input: TensorLike, target: TensorLike, options: MarginOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'hingeEmbeddingLoss';
  const reduction = startLoss(op, 'hingeEmbeddingLoss(input, target, options?)', extra, options, ['margin', 'reduction']);
  const margin = numberOption(op, 'margin', options.margin, 1);
  const [x, t] = broadcastOperands(op, input, target);
  return reduce(add(where(notEqual(t, 1), clampMin0(sub(margin, x)), 0), where(notEqual(t, -1), x, 0)), reduction);
}

/** Options of `multiMarginLoss` (torch.nn.functional.multi_margin_loss's keywords). */
export interface MultiMarginLossOptions extends ReductionOptions {
  /** 1 (the hinge, default) or 2 (its square). */
  readonly p?: 1 | 2 | undefined;
  /** The margin (default 1). */
  readonly margin?: number | undefined;
  /** A weight per class, [C], applied by the example's target class. */
  readonly weight?: TensorLike | undefined;
}

/** Scores [N, C] (or [C] with a 0-d target) and class indices [N] in [0, C), checked; `unbatched` when input is [C]. */
function scoresAndClasses(op: string, input: TensorLike, target: TensorLike, targetShape: (n: number, c: number) => number[]): { x: Tensor; t: Tensor; unbatched: boolean } {
  let x = asTensor(input, op), t = asTensor(target, op);
  const unbatched = x.ndim === 1;
  if ((x.ndim !== 1 && x.ndim !== 2) || x.shape[x.ndim - 1] === 0) {
    throw new ShapeError(`${op}: the scores must have shape [C] or [N, C] with C ≥ 1 (classes on the last axis), got ${formatShape(x.shape)}.`);
  }
  if (unbatched) [x, t] = [expandDims(x, 0), expandDims(t, 0)];
  const [n, c] = x.shape as [number, number];
  if (!shapesEqual(t.shape, targetShape(n, c))) {
    const shown = (s: number[]) => formatShape(unbatched ? s.slice(1) : s);
    throw new ShapeError(`${op}: the target has shape ${shown(t.shape as number[])}; scores of shape ${shown([n, c])} need a target of shape ${shown(targetShape(n, c))}.`);
  }
  return { x, t, unbatched };
}

/** Whole numbers in [lowest, classes), or an error naming the entry. */
function checkClasses(op: string, t: Tensor, lowest: number, classes: number): void {
  checkArgumentValues(t, (values) => values.forEach((v, i) => {
    if (!(Number.isInteger(v) && v >= lowest && v < classes)) throw new InvalidArgumentError(`${op}: target ${v} (entry ${i}) is not ${lowest < 0 ? '−1 nor ' : ''}a class in [0, ${classes}).`);
  }));
}

/** A per-example loss [N] reduced; with an unbatched input, 'none' gives a 0-d result. */
const finish = (loss: Tensor, unbatched: boolean, reduction: Reduction) =>
  reduce(unbatched ? reshape(loss, []) : loss, reduction);

/**
 * Σ_{i ≠ y} w_y·max(0, margin − x_y + x_i)^p / C per example (y its class index), reduced ('mean' over
 * the examples), as `torch.nn.functional.multi_margin_loss`. Where a term is exactly 0 (at the margin) its
 * gradient is 0, as torch's.
 * @example ad.multiMarginLoss(ad.tensor([[0.1, 0.2, 0.4]]), ad.tensor([2])).item(); // => (0.7 + 0.8) / 3
 */
export function multiMarginLoss(input: TensorLike, target: TensorLike, options?: MultiMarginLossOptions): Tensor;
export function multiMarginLoss(input: TensorLike, target: TensorLike, options: MultiMarginLossOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'multiMarginLoss';
  const reduction = startLoss(op, 'multiMarginLoss(input, target, options?)', extra, options, ['p', 'margin', 'weight', 'reduction']);
  const p = options.p ?? 1;
  if (p !== 1 && p !== 2) throw new InvalidArgumentError(`${op}: p must be 1 or 2, as torch's, got ${String(p)}.`);
  const margin = numberOption(op, 'margin', options.margin, 1);
  const { x, t, unbatched } = scoresAndClasses(op, input, target, (n) => [n]);
  const [n, c] = x.shape as [number, number];
  checkClasses(op, t, 0, c);
  const column = reshape(t, [n, 1]);
  const z = add(sub(margin, gather(x, column, 1)), x); // [N, C]: margin − x_y + x_i
  const active = logicalAnd(notEqual(column, arange(c)), greater(z, 0));
  let loss = sum(where(active, p === 1 ? z : square(z), 0), 1);
  if (options.weight !== undefined) {
    const w = asTensor(options.weight, op);
    if (!shapesEqual(w.shape, [c])) throw new ShapeError(`${op}: the weight has shape ${formatShape(w.shape)}; it must have one entry per class, shape [${c}].`);
    loss = mul(loss, gather(w, t, 0));
  }
  return finish(div(loss, c), unbatched, reduction);
}

/**
 * Σ_j Σ_i max(0, 1 − (x_j − x_i)) / C per example, j over its target classes and i over the others, reduced,
 * as `torch.nn.functional.multilabel_margin_loss`: the target, shaped as the input ([C] or [N, C]), lists an
 * example's classes first and ends the list at the first −1 (the rest is ignored, but must be classes or −1,
 * as torch checks). A class listed twice counts twice, as torch's. Memory N·C².
 * @example ad.multilabelMarginLoss(ad.tensor([[0.1, 0.2, 0.4, 0.8]]), ad.tensor([[3, 0, -1, 1]])).item(); // => 0.8500000000000001
 */
export function multilabelMarginLoss(input: TensorLike, target: TensorLike, options?: ReductionOptions): Tensor;
export function multilabelMarginLoss(input: TensorLike, target: TensorLike, options: ReductionOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'multilabelMarginLoss';
  const reduction = startLoss(op, 'multilabelMarginLoss(input, target, options?)', extra, options, ['reduction']);
  const { x, t, unbatched } = scoresAndClasses(op, input, target, (n, c) => [n, c]);
  const c = x.shape[1]!;
  checkClasses(op, t, -1, c);
  const listed = equal(cumsum(less(t, 0), 1), 0); // [N, K]: before the first −1
  const classes = where(listed, t, 0); // [N, K], a stand-in class past the list
  const isTarget = greater(sum(logicalAnd(expandDims(listed, 2), equal(expandDims(classes, 2), arange(c))), 1), 0); // [N, C]
  const z = add(sub(1, expandDims(gather(x, classes, 1), 2)), expandDims(x, 1)); // [N, K, C]: 1 − x_j + x_i
  const active = logicalAnd(logicalAnd(expandDims(listed, 2), logicalNot(expandDims(isTarget, 1))), greater(z, 0));
  return finish(div(sum(where(active, z, 0), [1, 2]), c), unbatched, reduction);
}

/** torch's EPSILON added to each squared norm in cosine_embedding_loss: 1e−12 as a C++ float. */
const EPSILON = Math.fround(1e-12);

/**
 * 1 − cos(x1, x2) where y = 1, max(0, cos(x1, x2) − margin) where y = −1 (0 for any other y), reduced, as
 * `torch.nn.functional.cosine_embedding_loss`: x1, x2 [N, D] (broadcast) with y [N], or [D] with a 0-d y;
 * cos = x1·x2 / √((‖x1‖² + ε)(‖x2‖² + ε)) with torch's ε (1e−12 in single precision), so a zero vector has cosine 0.
 * @example ad.cosineEmbeddingLoss(ad.tensor([[1, 0], [1, 0]]), ad.tensor([[0, 1], [1, 1]]), ad.tensor([1, -1])).item(); // => 0.8535533905930086
 */
export function cosineEmbeddingLoss(x1: TensorLike, x2: TensorLike, y: TensorLike, options?: MarginOptions): Tensor;
export function cosineEmbeddingLoss(x1: TensorLike, x2: TensorLike, y: TensorLike, options: MarginOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'cosineEmbeddingLoss';
  const reduction = startLoss(op, 'cosineEmbeddingLoss(x1, x2, y, options?)', extra, options, ['margin', 'reduction']);
  const margin = numberOption(op, 'margin', options.margin, 0);
  const [a, b] = broadcastOperands(op, x1, x2);
  const t = asTensor(y, op);
  const ndim = Math.max(a.ndim, b.ndim);
  if (t.ndim > 1 || a.ndim !== b.ndim || ndim !== t.ndim + 1) {
    throw new ShapeError(
      `${op}: x1 ${formatShape(a.shape)} and x2 ${formatShape(b.shape)} must both be [N, D] with y [N], or both [D] with a 0-d y; got y ${formatShape(t.shape)}.`,
    );
  }
  const dot = sum(mul(a, b), -1);
  const cos = div(dot, sqrt(mul(add(sum(square(a), -1), EPSILON), add(sum(square(b), -1), EPSILON))));
  if (!shapesEqual(cos.shape, t.shape)) throw new ShapeError(`${op}: y has shape ${formatShape(t.shape)}; x1 ${formatShape(a.shape)} and x2 ${formatShape(b.shape)} need y of shape ${formatShape(cos.shape)}.`);
  return reduce(add(where(equal(t, 1), sub(1, cos), 0), where(equal(t, -1), clampMin0(sub(cos, margin)), 0)), reduction);
}

/** Options of `tripletMarginLoss` (torch.nn.functional.triplet_margin_loss's keywords). */
export interface TripletMarginLossOptions extends ReductionOptions {
  /** The margin (default 1). */
  readonly margin?: number | undefined;
  /** The norm's order, as pairwiseDistance's (default 2). */
  readonly p?: number | undefined;
  /** Added to each difference before the norm (default 1e−6). */
  readonly eps?: number | undefined;
  /** Whether to use the smaller of d(anchor, negative) and d(positive, negative) (the distance swap; default false). */
  readonly swap?: boolean | undefined;
}

/**
 * max(0, margin + d(anchor, positive) − d(anchor, negative)) with d = `pairwiseDistance` (p, eps) over the last
 * axis, reduced, as `torch.nn.functional.triplet_margin_loss` (the inputs have one number of axes and broadcast);
 * with `swap`, d(anchor, negative) is min(d(anchor, negative), d(positive, negative)), ties sharing the gradient.
 * @example ad.tripletMarginLoss(ad.tensor([[0, 0]]), ad.tensor([[3, 4]]), ad.tensor([[0, 1]]), { eps: 0 }).item(); // => 5
 */
export function tripletMarginLoss(anchor: TensorLike, positive: TensorLike, negative: TensorLike, options?: TripletMarginLossOptions): Tensor;
export function tripletMarginLoss(anchor: TensorLike, positive: TensorLike, negative: TensorLike, options: TripletMarginLossOptions = {}, ...extra: unknown[]): Tensor {
  const op = 'tripletMarginLoss';
  const reduction = startLoss(op, 'tripletMarginLoss(anchor, positive, negative, options?)', extra, options, ['margin', 'p', 'eps', 'swap', 'reduction']);
  const margin = numberOption(op, 'margin', options.margin, 1), eps = numberOption(op, 'eps', options.eps, 1e-6);
  const p = options.p ?? 2;
  if (typeof p !== 'number' || !(p >= 0)) throw new InvalidArgumentError(`${op}: p must be a number ≥ 0 or Infinity, got ${String(p)}.`);
  const swap = flag(op, 'swap', options.swap, false);
  const [a, pos, negative_] = [anchor, positive, negative].map((v) => asTensor(v, op)) as [Tensor, Tensor, Tensor];
  if (a.ndim !== pos.ndim || a.ndim !== negative_.ndim) {
    throw new ShapeError(`${op}: anchor ${formatShape(a.shape)}, positive ${formatShape(pos.shape)} and negative ${formatShape(negative_.shape)} must have the same number of axes, as torch requires.`);
  }
  const distance = (u: Tensor, v: Tensor) => pairwiseDistance(u, v, { p, eps });
  let away = distance(a, negative_);
  if (swap) away = minimum(away, distance(pos, negative_));
  return reduce(clampMin0(sub(add(distance(a, pos), margin), away)), reduction);
}
