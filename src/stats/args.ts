/**
 * @file What every distribution shares: its arguments as tensors checked to broadcast (errors
 * name the distribution's function), SciPy's conventions outside the support (log-density −∞,
 * density 0) and for invalid parameters (NaN), and the log-to-density step.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes } from '../tensor/shape.js';
import { logicalAnd } from '../ops/predicates.js';
import { greater } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { where } from '../ops/select.js';

/**
 * The arguments of `op` as tensors, after checking that they broadcast together: a non-tensor
 * or mismatched shapes throw an AdjointError naming `op` (e.g. 'stats.norm.logpdf').
 */
export function args(op: string, ...xs: TensorLike[]): Tensor[] {
  const ts = xs.map((x) => asTensor(x, op));
  broadcastShapes(op, ...ts.map((t) => t.shape));
  return ts;
}

/** `value` where `valid` (a 0/1 tensor) holds, NaN elsewhere: SciPy's answer for invalid parameters (scale ≤ 0). */
export function nanUnless(valid: Tensor, value: Tensor): Tensor {
  return where(valid, value, NaN);
}

/** `value` inside the support, `outside` elsewhere (−∞ for log-densities, 0 for CDFs below it, …). */
export function inSupport(support: Tensor, value: Tensor, outside: number): Tensor {
  return where(support, value, outside);
}

/** 1 where every tensor is > 0 (the valid scales, rates and shapes). */
export function greaterZero(...ts: Tensor[]): Tensor {
  return ts.map((t) => greater(t, 0)).reduce((a, b) => logicalAnd(a, b));
}

/** The density (or mass) from its logarithm. */
export const fromLog = (logValue: Tensor): Tensor => exp(logValue);
