/**
 * @file ONNX's classification losses in adjoint's ops: NegativeLogLikelihoodLoss and
 * SoftmaxCrossEntropyLoss (opsets 12 and 13; PyTorch's F.nll_loss and F.cross_entropy), with
 * every reduction, ignore_index, class weights and extra spatial axes. Written with gather, where
 * and reductions, so they are differentiable in the scores and the weights under every
 * transformation; the targets are indices (no gradient).
 */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { ones } from '../tensor/create.js';
import { div, equal, mul } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { where } from '../ops/select.js';
import { reshape } from '../ops/shape.js';
import { gather } from '../ops/gather.js';
import { logSoftmax, sum } from '../ops/reduce.js';
import { checkArgumentValues } from '../ops/argumentChecks.js';
import { floatValue, type NodeContext, type OperatorDef } from './importNode.js';

type Reduction = 'none' | 'sum' | 'mean';

interface LossAttributes {
  readonly reduction: Reduction;
  /** ONNX: "ignore_index: Specifies a target value that is ignored and does not contribute to the input gradient" (no default: none ignored). */
  readonly ignoreIndex: number | undefined;
}

function lossAttributes(node: NodeContext): LossAttributes {
  const reduction = node.oneOf<string>('reduction', node.string('reduction', 'mean'), ['none', 'sum', 'mean']) as Reduction;
  return { reduction, ignoreIndex: node.has('ignore_index') ? node.int('ignore_index', 0) : undefined };
}

/** Shapes: input [N, C, d1…dk] (k ≥ 0), target [N, d1…dk], weight [C], as the spec's type constraints say. */
function checkShapes(node: NodeContext, input: Tensor, target: Tensor, weight: Tensor | undefined): void {
  if (input.ndim < 2) node.runError(`the scores must have shape [N, C] or [N, C, d1, …], got ${formatShape(input.shape)}.`);
  const want = [input.shape[0]!, ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, want)) node.runError(`the targets have shape ${formatShape(target.shape)}; scores of shape ${formatShape(input.shape)} need targets of shape ${formatShape(want)}.`);
  if (weight !== undefined && !shapesEqual(weight.shape, [input.shape[1]!])) {
    node.runError(`the weights have shape ${formatShape(weight.shape)}; they must have one entry per class, shape [${input.shape[1]}].`);
  }
}

/**
 * ONNX: "target values should either be in the range [0, C) or have the value ignore_index". Checked
 * where the values can be read, and as a guard on every jit replay; under vmap the gather below
 * refuses an index out of range.
 */
function checkTargets(node: NodeContext, target: Tensor, classes: number, ignoreIndex: number | undefined): void {
  checkArgumentValues(target, (values) => {
    values.forEach((v, i) => {
      if (v === ignoreIndex || (Number.isInteger(v) && v >= 0 && v < classes)) return;
      node.runError(
        `target ${v} (entry ${i} of the targets, shape ${formatShape(target.shape)}) is not a class in [0, ${classes})` +
          `${ignoreIndex === undefined ? ' (the node has no ignore_index)' : ` nor ignore_index (${ignoreIndex})`}.`,
      );
    });
  });
}

/**
 * NegativeLogLikelihoodLoss-13: loss[n][d…] = −input[n][c][d…]·weight[c] with c = target[n][d…],
 * and 0 (weight 0) where c = ignore_index; reduced by 'none' (kept), 'sum', or 'mean': the sum
 * divided by the sum of weight[target] over the positions not ignored (the count of those without
 * weights). A mean over no weight at all (every target ignored) is 0/0 = NaN, as in the spec's
 * reference and PyTorch.
 */
function negativeLogLikelihood(node: NodeContext, input: Tensor, target: Tensor, weight: Tensor | undefined, { reduction, ignoreIndex }: LossAttributes): Tensor {
  checkShapes(node, input, target, weight);
  checkTargets(node, target, input.shape[1]!, ignoreIndex);
  const ignored = ignoreIndex === undefined ? null : equal(target, ignoreIndex);
  // An ignored target may lie outside [0, C) (PyTorch's −100): it reads class 0, then is masked out.
  const index = ignored === null ? target : where(ignored, 0, target);
  const picked = reshape(gather(input, reshape(index, [input.shape[0]!, 1, ...input.shape.slice(2)]), 1), target.shape);
  let w = weight === undefined ? ones(target.shape) : reshape(gather(weight, reshape(index, [target.size]), 0), target.shape);
  let loss = neg(mul(picked, w));
  // `where`, not a product with the mask: an ignored position adds exactly 0 even where its
  // stand-in log-probability is −∞ (and, by strong zeros, no NaN to the gradient).
  if (ignored !== null) [w, loss] = [where(ignored, 0, w), where(ignored, 0, loss)];
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : div(sum(loss), sum(w));
}

/** NegativeLogLikelihoodLoss (opsets 12, 13): inputs (log-probabilities), target, optional weight. */
const negativeLogLikelihoodLoss: OperatorDef = {
  attributes: ['reduction', 'ignore_index'],
  compile: (node) => {
    const attributes = lossAttributes(node);
    return ([input, target, weight]) => [floatValue(negativeLogLikelihood(node, input!.tensor, target!.tensor, weight?.tensor, attributes))];
  },
};

/**
 * SoftmaxCrossEntropyLoss (opsets 12, 13): log_prob = LogSoftmax(scores) along the class axis 1,
 * then NegativeLogLikelihoodLoss of log_prob; log_prob is the optional second output.
 */
const softmaxCrossEntropyLoss: OperatorDef = {
  attributes: ['reduction', 'ignore_index'],
  compile: (node) => {
    const attributes = lossAttributes(node);
    return ([scores, labels, weights]) => {
      if (scores!.tensor.ndim < 2) node.runError(`the scores must have shape [N, C] or [N, C, d1, …], got ${formatShape(scores!.tensor.shape)}.`);
      const logProb = logSoftmax(scores!.tensor, 1);
      return [floatValue(negativeLogLikelihood(node, logProb, labels!.tensor, weights?.tensor, attributes)), floatValue(logProb)];
    };
  },
};

/** Loss operators by ONNX name. */
export const LOSSES: Record<string, OperatorDef> = {
  NegativeLogLikelihoodLoss: negativeLogLikelihoodLoss,
  SoftmaxCrossEntropyLoss: softmaxCrossEntropyLoss,
};
