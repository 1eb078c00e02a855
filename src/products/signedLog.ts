/** @file Signed log-space numbers: a sign tensor and a log-magnitude tensor, for products and sums that would underflow or overflow. */
import { broadcastShapes, keepdimsArg, normalizeAxes, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, equal, greater, mul, mulStrong, sub } from '../ops/binary.js';
import { abs, exp, log, log1p, neg, sign } from '../ops/unary.js';
import { stopGradient, where } from '../ops/select.js';
import { max, sum, type Axis } from '../ops/reduce.js';
import { broadcastTo, stack } from '../ops/shape.js';
import { prod } from './prod.js';
import { signedLogSum } from './signedSum.js';
import { untraced } from './firstOrder.js';
import { extraArguments } from '../core/extraArguments.js';

/** `t` with ±∞ replaced by 0: a safe shift for exponentials. */
function finiteOrZero(t: Tensor): Tensor {
  return where(equal(abs(t), Infinity), 0, t);
}

/** t − stopGradient(t): the value 0 (t finite), with t's derivative. */
function derivativeOnly(t: Tensor): Tensor {
  return sub(t, stopGradient(t));
}

/**
 * Real numbers stored as sign · exp(logAbs): a sign tensor (−1, 0 or +1; a constant, with no
 * gradient) and a log-magnitude tensor (differentiable). Products and quotients add and subtract
 * logs, so nothing underflows or overflows; sums are exact when terms cancel exactly and accurate
 * to a few roundings of Σ|terms| otherwise (see `sum`). Zero is logAbs = −∞ (with sign 0). Every
 * operation is written with adjoint ops, so gradients flow through `logAbs` to whatever it was
 * computed from, at every order.
 *
 * At an exact zero log|x| = −∞ has no derivative, so a derivative there cannot travel through
 * logAbs. A SignedLog made by `fromTensor`, or computed from one, therefore keeps a zero part: at
 * its exact zeros, a tensor of value 0 carrying the value's derivatives (of every order). `toTensor`,
 * `add`, `sub`, `sum`, `mul`, `div`, `prod` and `neg` carry it, so `toTensor` of `fromTensor(x)`,
 * and of sums that cancel exactly (2.5 − 2.5), have the derivative of plain arithmetic.
 * @example
 * const x = ad.SignedLog.fromTensor(ad.tensor([1e-200, -1e-200]));
 * x.prod().logAbs.item(); // log(1e-400), where the plain product underflows to 0
 */
export class SignedLog {
  /** −1, 0 or +1 (broadcast to the common shape). */
  readonly sign: Tensor;
  /** log |value|; −∞ for zero. */
  readonly logAbs: Tensor;
  /** At exact zeros, value 0 with the value's derivatives (0 elsewhere); null when nothing needs it. */
  private zero: Tensor | null = null;

  /** Wraps a sign (−1, 0 or +1) and a log-magnitude (broadcast together). The sign is held as a constant. */
  constructor(sign: TensorLike, logAbs: TensorLike);
  constructor(sign: TensorLike, logAbs: TensorLike, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('SignedLog', 'SignedLog(sign, logAbs)', extra, logAbs);
    if (typeof sign === 'number' && !(sign === -1 || sign === 0 || sign === 1)) {
      throw new InvalidArgumentError(`SignedLog: the sign must be -1, 0 or 1, got ${sign}; put the magnitude in logAbs (log|x|).`);
    }
    // + 0: a sign of 0 is +0 (neg and mul of a zero's sign gave −0, which toEqual(0) and Object.is tell apart).
    const s = stopGradient(add(asTensor(sign, 'SignedLog (sign)'), 0));
    const l = asTensor(logAbs, 'SignedLog (logAbs)');
    const shape = broadcastShapes('SignedLog', s.shape, l.shape);
    this.sign = broadcastTo(s, shape);
    this.logAbs = broadcastTo(l, shape);
  }

  /** A SignedLog with a zero part (dropped when nothing is traced: it only carries derivatives). */
  private static withZero(sign: TensorLike, logAbs: TensorLike, zero: Tensor | null): SignedLog {
    const out = new SignedLog(sign, logAbs);
    if (zero !== null && !untraced(zero)) out.zero = broadcastTo(zero, out.shape);
    return out;
  }

  /** The signed log form of x: sign(x) and log|x|. @example ad.SignedLog.fromTensor(ad.tensor([-2, 0])) */
  static fromTensor(x: TensorLike): SignedLog {
    if (!(x instanceof Tensor || typeof x === 'number')) {
      throw new InvalidArgumentError(`SignedLog.fromTensor: expected a Tensor or a number, got ${describe(x)}.`);
    }
    const t = asTensor(x, 'SignedLog.fromTensor');
    // At x = 0 the zero part is x itself (value 0, derivative 1); elsewhere logAbs carries it.
    return SignedLog.withZero(sign(t), log(abs(t)), untraced(t) ? null : where(equal(t, 0), t, 0));
  }

  /** The positive number exp(logAbs), or `sign` · exp(logAbs). */
  static fromLog(logAbs: TensorLike, sign: TensorLike = 1): SignedLog {
    return new SignedLog(sign, logAbs);
  }

  /** A SignedLog as is; a tensor or number converted by `fromTensor`. `op` names the caller in errors. */
  static from(x: SignedLog | TensorLike, op = 'SignedLog.from'): SignedLog {
    if (x instanceof SignedLog) return x;
    if (!(x instanceof Tensor || typeof x === 'number')) {
      throw new InvalidArgumentError(`${op}: expected a SignedLog, a Tensor or a number, got ${describe(x)}.`);
    }
    return SignedLog.fromTensor(x);
  }

  get shape(): Shape {
    return this.logAbs.shape;
  }

  /**
   * sign · exp(logAbs) as an ordinary tensor (underflows to 0 and overflows to ±∞ as a float64 would).
   * Sign 0 is an exact zero whatever finite or infinite logAbs it holds (new SignedLog(0, 800) is 0,
   * where 0 · e⁸⁰⁰ = 0 · ∞ gave NaN); a NaN logAbs (0 · ∞ of a product, −∞ + ∞) stays NaN.
   */
  toTensor(): Tensor;
  toTensor(...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('SignedLog.toTensor', 'SignedLog.toTensor()', extra);
    const exactZero = mul(equal(this.sign, 0), equal(this.logAbs, this.logAbs)); // sign 0, logAbs not NaN
    const value = mul(this.sign, exp(where(exactZero, -Infinity, this.logAbs)));
    return this.zero === null ? value : where(equal(this.sign, 0), this.zero, value);
  }

  neg(): SignedLog;
  neg(...extra: unknown[]): SignedLog {
    if (extra.length > 0) extraArguments('SignedLog.neg', 'SignedLog.neg()', extra);
    return SignedLog.withZero(neg(this.sign), this.logAbs, this.zero && neg(this.zero));
  }

  /** Product: signs multiply, logs add. Where a factor is zero, the product's zero part is the product of the factors as tensors (exact to every order). */
  mul(other: SignedLog | TensorLike): SignedLog;
  mul(other: SignedLog | TensorLike, ...extra: unknown[]): SignedLog {
    if (extra.length > 0) extraArguments('SignedLog.mul', 'SignedLog.mul(other)', extra, other);
    const o = SignedLog.from(other, 'SignedLog.mul');
    broadcastShapes('SignedLog.mul', this.shape, o.shape);
    // At a zero of either factor, ab itself: each toTensor is the factor's value with its derivatives (its zero part
    // there), so the product has every order's. (za·b + zb·a, the first-order form, doubled d²(x·x)/dx² at x = 0.)
    const sign = mul(this.sign, o.sign);
    const zero = this.zero === null && o.zero === null ? null : where(equal(sign, 0), mulStrong(this.toTensor(), o.toTensor()), 0);
    return SignedLog.withZero(sign, add(this.logAbs, o.logAbs), zero);
  }

  /**
   * Quotient: signs multiply, logs subtract. A zero divisor gives logAbs = +∞ with the numerator's
   * sign, ±∞ as x/0 in IEEE (0/0 is NaN); its sign 0 had made x/0 come out 0. At a zero numerator
   * a, d(a/b) = da/b.
   */
  div(other: SignedLog | TensorLike): SignedLog;
  div(other: SignedLog | TensorLike, ...extra: unknown[]): SignedLog {
    if (extra.length > 0) extraArguments('SignedLog.div', 'SignedLog.div(other)', extra, other);
    const o = SignedLog.from(other, 'SignedLog.div');
    broadcastShapes('SignedLog.div', this.shape, o.shape);
    const zero = this.zero && mulStrong(this.zero, mul(o.sign, exp(neg(o.logAbs))));
    const divisorSign = where(equal(o.sign, 0), 1, o.sign);
    return SignedLog.withZero(mul(this.sign, divisorSign), sub(this.logAbs, o.logAbs), zero);
  }

  /** Sum: the two-term `sum`, so it is exact when they cancel and smooth in its derivatives (even at ties). */
  add(other: SignedLog | TensorLike): SignedLog;
  add(other: SignedLog | TensorLike, ...extra: unknown[]): SignedLog {
    if (extra.length > 0) extraArguments('SignedLog.add', 'SignedLog.add(other)', extra, other);
    const o = SignedLog.from(other, 'SignedLog.add');
    const shape = broadcastShapes('SignedLog.add', this.shape, o.shape);
    const both = (a: Tensor, b: Tensor) => stack([broadcastTo(a, shape), broadcastTo(b, shape)], 0);
    const zero = this.zero === null && o.zero === null ? null : both(this.zero ?? stopGradient(0), o.zero ?? stopGradient(0));
    return SignedLog.withZero(both(this.sign, o.sign), both(this.logAbs, o.logAbs), zero).sumOver([0], false);
  }

  /** Difference: the sum with `other`'s sign flipped. */
  sub(other: SignedLog | TensorLike): SignedLog;
  sub(other: SignedLog | TensorLike, ...extra: unknown[]): SignedLog {
    if (extra.length > 0) extraArguments('SignedLog.sub', 'SignedLog.sub(other)', extra, other);
    return this.add(SignedLog.from(other, 'SignedLog.sub').neg());
  }

  /**
   * Sum over `axis` (all axes by default), in one pass that is exact when terms cancel exactly
   * and accurate otherwise: terms of equal log-magnitude are counted exactly first (so e^800 −
   * e^800 + e^−5 − e^−5.000001 keeps its 6.7e−9, and terms that cancel exactly give sign 0 and
   * logAbs −∞), then the rest are added from the largest, in double-double arithmetic scaled by
   * powers of two, each term e^{l−M} taken as 2^k·(1 + expm1(r)): the computed sum S̃ satisfies
   * |S̃ − S| ≤ 2u·Σ|tᵢ|·(1 + |lᵢ − M|), with u = 2⁻⁵³ and M the largest log-magnitude that does not
   * cancel — about what rounding the tᵢ's log-magnitudes to doubles already costs — and logAbs
   * carries a further rounding of u·(|M| + |logAbs|). The gradient of logAbs is the signed softmax
   * sᵢe^{lᵢ}/S; where the sum is exactly zero, the derivative of the value is carried by the zero part.
   */
  sum(axis?: Axis, keepdims?: boolean): SignedLog;
  sum(axis?: Axis, keepdims = false, ...extra: unknown[]): SignedLog {
    if (extra.length > 0) extraArguments('SignedLog.sum', 'SignedLog.sum(axis?, keepdims?)', extra, keepdims);
    const axes = normalizeAxes(axis, this.sign.ndim, 'SignedLog.sum');
    keepdimsArg(keepdims, 'SignedLog.sum');
    return axes.length === 0 ? this : this.sumOver(axes, keepdims);
  }

  private sumOver(axes: readonly number[], keepdims: boolean): SignedLog {
    const { sign: s, logAbs: L } = signedLogSum(this.sign, this.logAbs, axes, keepdims);
    if (untraced(this.logAbs, this.zero)) return new SignedLog(s, L);
    // Where S = 0 exactly, L = −∞ carries no derivative: the zero part takes dS = Σ sᵢe^{lᵢ}dlᵢ (scaled
    // by the largest finite lᵢ of a non-zero term, so the value stays 0 even when e^{lᵢ} overflows)
    // plus the terms' own. Terms of sign 0 are exact zeros whatever their lᵢ: they neither set the
    // scale (an lᵢ of 1000 there underflowed every other term's e^{lᵢ − 1000} to 0) nor give 0 · ∞.
    const ignored = where(equal(this.sign, 0), 1, equal(abs(this.logAbs), Infinity));
    const finiteMax = stopGradient(finiteOrZero(max(where(ignored, -Infinity, this.logAbs), axes, true)));
    const scaled = sum(derivativeOnly(mulStrong(this.sign, exp(sub(this.logAbs, finiteMax)))), axes, keepdims);
    const dS = mulStrong(scaled, exp(keepdims ? finiteMax : sum(finiteMax, axes)));
    const terms = this.zero && sum(this.zero, axes, keepdims);
    const isZero = equal(s, 0);
    const zero = where(isZero, sumOf(dS, terms)!, 0);
    // Elsewhere the zero terms z enter as log|S + z| = L + log1p(z/S) (value log1p(0) = 0): dz/S at first order, and
    // −(dz/S)² at second, which the linear z/S alone (the first-order form) left out — d²/dz² of a plain sum's
    // square came out 4 for 2 at [0, −1.2, 0.3].
    const logAbs = terms === null ? L : add(L, where(isZero, 0, log1p(mulStrong(terms, mul(s, exp(neg(L)))))));
    return SignedLog.withZero(s, logAbs, zero);
  }

  /**
   * Product over `axis` (all axes by default): signs multiply, logs add. A row with zero factors has
   * as its zero part the product of their zero parts times the product of the others (in log form):
   * the derivatives of Π x_j of every order, Π_{j≠z} x_j with respect to a lone zero z.
   */
  prod(axis?: Axis, keepdims?: boolean): SignedLog;
  prod(axis?: Axis, keepdims = false, ...extra: unknown[]): SignedLog {
    if (extra.length > 0) extraArguments('SignedLog.prod', 'SignedLog.prod(axis?, keepdims?)', extra, keepdims);
    const axes = normalizeAxes(axis, this.sign.ndim, 'SignedLog.prod');
    keepdimsArg(keepdims, 'SignedLog.prod');
    if (axes.length === 0) return this;
    const sign = add(prod(this.sign, axes, keepdims), 0); // + 0: no −0 signs
    const logAbs = sum(this.logAbs, axes, keepdims);
    if (this.zero === null) return new SignedLog(sign, logAbs);
    // Π_row x = (Π over the zeros z_i: `prod`, exact at zeros to every order) · (Π over the rest: signs times
    // e^{Σ l_j}); a strong product, so the value stays 0 where the rest overflows. Rows without a zero take
    // logs 0 before the exponential (never evaluated as e^{huge}, whose masked derivative would be 0·∞).
    // (Leave-one-out products z_i·Π_{j≠i} x_j, the first-order form, gave d²/dz₁dz₂ = 0 at two zeros.)
    const isZero = equal(this.sign, 0);
    const hasZero = greater(sum(isZero, axes, true), 0);
    const zeros = prod(where(isZero, this.zero, 1), axes, true);
    const restLogs = where(hasZero, where(isZero, 0, this.logAbs), 0);
    const rest = mul(prod(where(isZero, 1, this.sign), axes, true), exp(sum(restLogs, axes, true)));
    const zero = sum(where(hasZero, mulStrong(zeros, rest), 0), axes, keepdims); // a sum over kept axes of length 1: the shape only
    return SignedLog.withZero(sign, logAbs, zero);
  }
}

/** a + b, either of which may be absent. */
function sumOf(a: Tensor | null, b: Tensor | null): Tensor | null {
  return a === null ? b : b === null ? a : add(a, b);
}
