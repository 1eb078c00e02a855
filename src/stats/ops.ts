/** @file The ops the distributions are written in, from one place (and atan2(1, ·), which the Cauchy CDF uses). */
import type { Tensor } from '../tensor/tensor.js';
import { atan2 } from '../ops/trig.js';
export { add, sub, mul, div, greater, greaterEqual, less, lessEqual, equal, mulStrong } from '../ops/binary.js';
export { abs, exp, expm1, log, log1p, neg, softplus, square, sigmoid, sqrt } from '../ops/unary.js';
export { tan } from '../ops/trig.js';
export { clip, where } from '../ops/select.js';
export { logSigmoid, xlogy } from '../ops/logspace.js';
export { logit } from '../ops/activations.js';
export { floor } from '../ops/rounding.js';
export { logicalAnd, logicalOr } from '../ops/predicates.js';
export { sum } from '../ops/reduce.js';
export { digamma, lgamma } from '../ops/special.js';
export { polyval } from '../ops/interpolation.js';

/** atan2(1, t) ∈ (0, π): π/2 − atan t without the cancellation of ½ + atan(z)/π for z ≪ 0. */
export const atan2Safe = (t: Tensor): Tensor => atan2(1, t);
