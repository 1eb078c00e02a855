/**
 * @file ONNX's classification losses in adjoint's ops: NegativeLogLikelihoodLoss and
 * SoftmaxCrossEntropyLoss (opsets 12 and 13; PyTorch's F.nll_loss and F.cross_entropy), with
 * every reduction, ignore_index, class weights and extra spatial axes. Written with gather, where
 * and reductions, so they are differentiable in the scores and the weights under every
 * transformation; the targets are indices (no gradient).
 */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { logSoftmax } from '../ops/reduce.js';
import { negativeLogLikelihood as likelihood, type Reduction } from '../losses/torchStyle.js';
import { floatValue, type NodeContext, type OperatorDef } from './importNode.js';

interface LossAttributes {
  readonly reduction: Reduction;
  /** ONNX: "ignore_index: Specifies a target value that is ignored and does not contribute to the input gradient" (no default: none ignored). */
  readonly ignoreIndex: number | undefined;
}

function lossAttributes(node: NodeContext): LossAttributes {
  const reduction = node.oneOf<string>('reduction', node.string('reduction', 'mean'), ['none', 'sum', 'mean']) as Reduction;
  return { reduction, ignoreIndex: node.has('ignore_index') ? node.int('ignore_index', 0) : undefined };
}

/** NegativeLogLikelihoodLoss-13 (../losses/torchStyle.ts, PyTorch's nll_loss), its errors the node's. */
function negativeLogLikelihood(node: NodeContext, input: Tensor, target: Tensor, weight: Tensor | undefined, { reduction, ignoreIndex }: LossAttributes): Tensor {
  return likelihood((message) => node.runError(message), input, target, weight, reduction, ignoreIndex);
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
