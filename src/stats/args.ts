/**
 * @file What every distribution shares: its arguments as tensors checked to broadcast (errors
 * name the distribution's function), SciPy's conventions outside the support (log-density −∞,
 * density 0) and for invalid parameters (NaN), and the log-to-density step.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes } from '../tensor/shape.js';
import { logicalAnd } from '../ops/predicates.js';
import { equal, greater, greaterEqual, lessEqual } from '../ops/binary.js';
import { exp, log, log1p, neg } from '../ops/unary.js';
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

/**
 * `valid`, and 0 wherever one of `ts` (the point, loc) is NaN: every support test is false for NaN
 * (NaN ≥ 0 fails), so without this a NaN point would read as outside the support (−∞, 0 or 1); SciPy gives NaN.
 */
export function validAndNotNaN(valid: Tensor, ...ts: Tensor[]): Tensor {
  return ts.reduce((v, t) => logicalAnd(v, equal(t, t)), valid);
}

/** 1 where 0 ≤ t ≤ 1 (a point of the unit interval, a probability), tested exactly: |t − ½| ≤ ½ rounds −1e−300 − ½ to −½. */
export function inUnitInterval(t: Tensor): Tensor {
  return logicalAnd(greaterEqual(t, 0), lessEqual(t, 1));
}

/** 1 where every tensor is > 0 (the valid scales, rates and shapes). */
export function greaterZero(...ts: Tensor[]): Tensor {
  return ts.map((t) => greater(t, 0)).reduce((a, b) => logicalAnd(a, b));
}

/**
 * log p from p and its complement q = 1 − p, each computed directly: log1p(−q) where p > ½, so a
 * probability near 1 keeps its digits (log of a rounded 1 − 1e−31 is 0), log p elsewhere.
 */
export function logProbability(p: Tensor, q: Tensor): Tensor {
  return where(greater(p, 0.5), log1p(neg(q)), log(p));
}

/** The density (or mass) from its logarithm. */
export const fromLog = (logValue: Tensor): Tensor => exp(logValue);
