/**
 * @file jax.scipy.special's softmax and log_softmax: jax.nn's under SciPy's default axis (all of them) and with a
 * tuple of axes allowed, on top of ad.softmax/ad.logSoftmax (which take one axis, −1 by default).
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { normalizeAxes } from '../tensor/shape.js';
import { equal, sub } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { where, stopGradient } from '../ops/select.js';
import { checkedMax, logSoftmax as logSoftmaxAlong, logsumexp, type Axis } from '../ops/reduce.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * log softmax over `axis` — every axis by default (JAX's jax.scipy.special.log_softmax(x, axis=None)), or a number or
 * list of axes: x − m − logsumexp(x − m) with m the (stopped) maximum. With one axis it is ad.logSoftmax.
 * @example ad.special.logSoftmax(ad.tensor([[0, 0], [0, 0]])) // all −log 4
 */
export function logSoftmax(x: TensorLike, axis?: Axis): Tensor;
export function logSoftmax(x: TensorLike, axis?: Axis, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('special.logSoftmax', 'special.logSoftmax(x, axis?)', extra, axis); return logSoftmaxOver('special.logSoftmax', x, axis); }

/**
 * softmax over `axis` — every axis by default (JAX's jax.scipy.special.softmax(x, axis=None), so the whole tensor sums
 * to 1), or a number or list of axes; exp(logSoftmax), so it never overflows. With one axis it is ad.softmax.
 * @example ad.special.softmax(ad.tensor([[1, 1], [1, 1]])) // all 0.25
 */
export function softmax(x: TensorLike, axis?: Axis): Tensor;
export function softmax(x: TensorLike, axis?: Axis, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('special.softmax', 'special.softmax(x, axis?)', extra, axis); return exp(logSoftmaxOver('special.softmax', x, axis)); }

function logSoftmaxOver(op: string, x: TensorLike, axis: Axis | undefined): Tensor {
  const t = asTensor(x, op);
  const axes = normalizeAxes(axis, t.ndim, op);
  if (axes.length === 1) return logSoftmaxAlong(t, axes[0]);
  const m = stopGradient(checkedMax(t, axes, true));
  const shifted = sub(t, where(equal(m, -Infinity), 0, m));
  return sub(shifted, logsumexp(shifted, axes, true));
}
