/** @file Signed log-space numbers: a sign tensor and a log-magnitude tensor, for products and sums that would underflow or overflow. */
import { broadcastShapes, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, equal, greater, greaterEqual, less, maximum, mul, sub } from '../ops/binary.js';
import { abs, exp, expm1, log, neg, sign } from '../ops/unary.js';
import { stopGradient, where } from '../ops/select.js';
import { logsumexp, sum, type Axis } from '../ops/reduce.js';
import { broadcastTo } from '../ops/shape.js';
import { prod } from './prod.js';

/** `t` with ±∞ replaced by 0: a safe shift for exponentials. */
function finiteOrZero(t: Tensor): Tensor {
  return where(equal(abs(t), Infinity), 0, t);
}

/**
 * Real numbers stored as sign · exp(logAbs): a sign tensor (−1, 0 or +1; a constant, with no
 * gradient) and a log-magnitude tensor (differentiable). Products and quotients add and subtract
 * logs, so nothing underflows or overflows; sums use a signed log-add-exp. Zero is logAbs = −∞
 * (with sign 0). Every operation is written with adjoint ops, so gradients flow through
 * `logAbs` to whatever it was computed from, at every order.
 *
 * At an exact zero the derivative of log|x| has no finite value; `fromTensor` then gives the
 * zero a derivative of 0 (as abs'(0) = 0). `ad.prod` is exact with zeros when you need that.
 * @example
 * const x = ad.SignedLog.fromTensor(ad.tensor([1e-200, -1e-200]));
 * x.prod().logAbs.item(); // log(1e-400), where the plain product underflows to 0
 */
export class SignedLog {
  /** −1, 0 or +1 (broadcast to the common shape). */
  readonly sign: Tensor;
  /** log |value|; −∞ for zero. */
  readonly logAbs: Tensor;

  /** Wraps a sign and a log-magnitude (broadcast together). The sign is held as a constant. */
  constructor(sign: TensorLike, logAbs: TensorLike) {
    const s = stopGradient(asTensor(sign, 'SignedLog'));
    const l = asTensor(logAbs, 'SignedLog');
    const shape = broadcastShapes('SignedLog', s.shape, l.shape);
    this.sign = broadcastTo(s, shape);
    this.logAbs = broadcastTo(l, shape);
  }

  /** The signed log form of x: sign(x) and log|x|. @example ad.SignedLog.fromTensor(ad.tensor([-2, 0])) */
  static fromTensor(x: TensorLike): SignedLog {
    const t = asTensor(x, 'SignedLog.fromTensor');
    return new SignedLog(sign(t), log(abs(t)));
  }

  /** The positive number exp(logAbs), or `sign` · exp(logAbs). */
  static fromLog(logAbs: TensorLike, sign: TensorLike = 1): SignedLog {
    return new SignedLog(sign, logAbs);
  }

  /** A SignedLog as is; a tensor or number converted by `fromTensor`. */
  static from(x: SignedLog | TensorLike): SignedLog {
    return x instanceof SignedLog ? x : SignedLog.fromTensor(x);
  }

  get shape(): Shape {
    return this.logAbs.shape;
  }

  /** sign · exp(logAbs) as an ordinary tensor (underflows to 0 and overflows to ±∞ as a float64 would). */
  toTensor(): Tensor {
    return mul(this.sign, exp(this.logAbs));
  }

  neg(): SignedLog {
    return new SignedLog(neg(this.sign), this.logAbs);
  }

  /** Product: signs multiply, logs add. */
  mul(other: SignedLog | TensorLike): SignedLog {
    const o = SignedLog.from(other);
    return new SignedLog(mul(this.sign, o.sign), add(this.logAbs, o.logAbs));
  }

  /** Quotient: signs multiply, logs subtract (a zero divisor gives logAbs = +∞). */
  div(other: SignedLog | TensorLike): SignedLog {
    const o = SignedLog.from(other);
    return new SignedLog(mul(this.sign, o.sign), sub(this.logAbs, o.logAbs));
  }

  /**
   * Sum, by a signed log-add-exp. Same signs: log(e^a + e^b) = m + log(e^{a−m} + e^{b−m}) with the
   * shift m = max(a, b) held constant, so every derivative is the smooth one. Opposite signs:
   * log|e^a − e^b| = hi + log(−expm1(lo − hi)), accurate near cancellation (expm1), and exactly −∞
   * — an exact zero, with sign 0 — when the magnitudes are equal.
   */
  add(other: SignedLog | TensorLike): SignedLog {
    const o = SignedLog.from(other);
    const sa = this.sign, sb = o.sign, la = this.logAbs, lb = o.logAbs;
    const same = equal(sa, sb);
    const shift = finiteOrZero(stopGradient(maximum(la, lb)));
    const sameLog = add(shift, log(add(exp(sub(la, shift)), exp(sub(lb, shift)))));
    const aBigger = greaterEqual(la, lb);
    const hi = where(aBigger, la, lb);
    const lo = where(aBigger, lb, la);
    const diffLog = add(hi, log(neg(expm1(sub(lo, where(equal(hi, -Infinity), 0, hi))))));
    const logAbs = where(same, sameLog, diffLog);
    const s = where(equal(logAbs, -Infinity), 0, where(same, sa, where(aBigger, sa, sb)));
    return new SignedLog(s, logAbs);
  }

  /** Difference: the sum with `other`'s sign flipped. */
  sub(other: SignedLog | TensorLike): SignedLog {
    return this.add(SignedLog.from(other).neg());
  }

  /**
   * Sum over `axis` (all axes by default): the positive and the negative terms are each summed
   * by logsumexp, then combined by `add` (exactly zero when they cancel).
   */
  sum(axis?: Axis, keepdims = false): SignedLog {
    const positive = logsumexp(where(greater(this.sign, 0), this.logAbs, -Infinity), axis, keepdims);
    const negative = logsumexp(where(less(this.sign, 0), this.logAbs, -Infinity), axis, keepdims);
    return new SignedLog(1, positive).add(new SignedLog(-1, negative));
  }

  /** Product over `axis` (all axes by default): signs multiply, logs add. */
  prod(axis?: Axis, keepdims = false): SignedLog {
    return new SignedLog(add(prod(this.sign, axis, keepdims), 0), sum(this.logAbs, axis, keepdims)); // + 0: no −0 signs
  }
}
