/** @file logAbsProd: the sign and the log-magnitude of a product, without forming it (no underflow or overflow). */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { alongAxisRule } from '../ops/batching.js';
import { logAbsProdCotangentKernel, logAbsProdKernel } from '../tensor/kernels/logAbsProd.js';
import { keepdimsArg, normalizeAxes, reducedShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, equal } from '../ops/binary.js';
import { reciprocal, sign } from '../ops/unary.js';
import { where } from '../ops/select.js';
import { sum, type Axis } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { chain } from '../ops/rules.js';
import { mergeAxes, prod } from './prod.js';
import { untraced } from './firstOrder.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * d log|x|/dx = 1/x, taken as 0 at an exact zero (where log|x| = −∞ has no derivative; the same
 * convention as log(abs(x)) with abs'(0) = 0). Nothing is divided by a zero.
 */
function reciprocalOrZero(x: Tensor): Tensor {
  const zero = equal(x, 0);
  return where(zero, 0, reciprocal(where(zero, 1, x)));
}

// log|Π x_i| = Σ log|x_i|: its derivative is 1/x_i (VJP ḡ/x, JVP Σ ẋ/x), its value the kernel's
// scaled product (one logarithm per row, far more accurate than summing n logarithms). At first
// order (nothing traced) the VJP is one fused pass, bit for bit the ops' ḡ · (1/x), where the ops
// take six passes (and temporaries) over x.
const logAbsProdP: Primitive<{ axis: number }> = definePrimitive<{ axis: number }>({
  name: 'logAbsProd',
  saves: 'inputs',
  forward: ([x], { axis }) =>
    new Tensor(logAbsProdKernel(x!.values, x!.shape, axis), x!.shape.map((d, i) => (i === axis ? 1 : d))),
  vjp: (g, r, { axis }) => {
    const x = r.inputs[0]!;
    if (untraced(g, x)) return [new Tensor(logAbsProdCotangentKernel(x.values, x.shape, axis, g.values), x.shape)];
    return [chain(g, reciprocalOrZero(x))];
  },
  jvp: ([t], [x], _y, { axis }) => (t === null ? null : sum(chain(t, reciprocalOrZero(x!)), axis, true)),
  batch: alongAxisRule(() => logAbsProdP),
});

/**
 * The sign and log-magnitude of the product of x over `axis` (all axes by default), without
 * forming the product: sign = Π sign(x_i) (no gradient) and logAbs = log|Π x_i|, computed with
 * one logarithm per product and a separate binary exponent, so it neither underflows nor
 * overflows and is accurate to about n rounding errors of the product. 10⁵ factors of 10⁻³ give
 * logAbs = 10⁵ · log(10⁻³), where the plain product is 0. A zero factor gives sign 0 and
 * logAbs = −∞. The gradient of logAbs is 1/x_i (0 at a zero factor).
 * @example
 * const { sign, logAbs } = ad.logAbsProd(ad.tensor([-2, 3, 0.5]));
 * sign.item(); // -1
 * logAbs.item(); // log 3
 */
export function logAbsProd(x: TensorLike, axis?: Axis, keepdims?: boolean): { sign: Tensor; logAbs: Tensor };
export function logAbsProd(x: TensorLike, axis?: Axis, keepdims = false, ...extra: unknown[]): { sign: Tensor; logAbs: Tensor } {
  if (extra.length > 0) extraArguments('logAbsProd', 'logAbsProd(x, axis?, keepdims?)', extra, keepdims);
  const t = asTensor(x, 'logAbsProd');
  const axes = normalizeAxes(axis, t.ndim, 'logAbsProd');
  const s = add(prod(sign(t), axes, keepdimsArg(keepdims, 'logAbsProd')), 0); // + 0 turns the −0 of (−1)·0 into 0
  // No axes (a scalar, or axis []): each entry is its own product, log|x| along a new axis of 1.
  if (axes.length === 0) return { sign: s, logAbs: reshape(apply(logAbsProdP, [reshape(t, [...t.shape, 1])], { axis: t.ndim }), t.shape) };
  const { rows, axis: ax } = mergeAxes(t, axes);
  return { sign: s, logAbs: reshape(apply(logAbsProdP, [rows], { axis: ax }), reducedShape(t.shape, axes, keepdims)) };
}
