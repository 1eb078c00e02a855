/** @file log p(structure) = score − log Z, without −∞ − (−∞) = NaN when every structure is forbidden. */
import type { Tensor } from '../tensor/tensor.js';
import { equal, sub } from '../ops/binary.js';
import { where } from '../ops/select.js';

/**
 * log p = score − log Z. When log Z = −∞ every structure is forbidden, this one's score is −∞ as
 * well, and its probability is 0: subtracting 0 instead of log Z gives log p = −∞ rather than
 * −∞ − (−∞) = NaN, and no gradient flows into the masked log Z (its derivative, the marginals, is
 * 0 there anyway). Elsewhere the value and the gradient are those of score − log Z.
 */
export function logProbabilityOf(score: Tensor, logPartition: Tensor): Tensor {
  return sub(score, where(equal(logPartition, -Infinity), 0, logPartition));
}
