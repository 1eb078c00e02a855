/**
 * @file ad.losses: loss functions under optax's names and semantics (elementwise or per example, never
 * reduced), composed from differentiable ops; re-exports only.
 */
export { l2Loss, squaredError, huberLoss, logCosh } from './regression.js';
export {
  softmaxCrossEntropy, softmaxCrossEntropyWithIntegerLabels, sigmoidBinaryCrossEntropy, sigmoidFocalLoss, hingeLoss,
  cosineSimilarity, cosineDistance, klDivergence, klDivergenceWithLogTargets, smoothLabels,
} from './classification.js';
export type { FocalLossOptions, CosineOptions } from './classification.js';
export { ctcLoss } from '../structured/ctc.js';
export type { CTCLossOptions, CTCLengths, CTCTargets } from '../structured/ctc.js';
