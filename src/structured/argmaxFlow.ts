/** @file The best structures' scores and flow (their indicator) from one backward pass of the argmax semiring. */
import type { Tensor } from '../tensor/tensor.js';
import { ones } from '../tensor/create.js';
import { stopGradient } from '../ops/select.js';
import { withVjp } from '../transforms/vjp.js';

/**
 * `best = sumOf(x)` in the argmax semiring (one score per sentence) and its flow: the gradient of
 * Σ best with respect to x, 1 on every part of each best structure (a copy, [...x.shape]). The
 * tape is released as soon as the flow is out (withVjp: a decoder called in a loop keeps nothing).
 */
export function argmaxFlow(sumOf: (x: Tensor) => Tensor, x: Tensor): { best: Tensor; flow: Float64Array } {
  return withVjp(sumOf as (x: Tensor) => Tensor, [x], (best, pullback) => ({
    best: stopGradient(best as Tensor),
    flow: stopGradient((pullback(ones((best as Tensor).shape)) as Tensor[])[0]!).values.slice(),
  }));
}
