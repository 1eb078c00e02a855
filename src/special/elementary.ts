/**
 * @file The special functions that are a line of adjoint's ops: xlog1py, entr, expit and a
 * logsumexp with JAX's weights `b` and `returnSign`. Their derivatives come from those ops.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, equal, less, mul, mulStrong, sub } from '../ops/binary.js';
import { abs, exp, log, log1p, sign, sigmoid } from '../ops/unary.js';
import { where, stopGradient } from '../ops/select.js';
import { checkedMax, logsumexp as plainLogsumexp, sum, type Axis } from '../ops/reduce.js';
import { isnan, isfinite } from '../ops/predicates.js';
import { xlogy } from '../ops/logspace.js';

/**
 * x · log(1 + y), and 0 wherever x = 0 — even at y = −1 — unless y is NaN (SciPy's xlog1py). The
 * gradient keeps the strong zero: ∂/∂y = x/(1 + y) is 0 where x = 0.
 * @example ad.special.xlog1py(ad.tensor([0, 2]), ad.tensor([-1, Math.E - 1])) // [0, 2]
 */
export function xlog1py(x: TensorLike, y: TensorLike): Tensor {
  const yt = asTensor(y, 'xlog1py');
  return where(isnan(yt), yt, mulStrong(asTensor(x, 'xlog1py'), log1p(yt)));
}

/**
 * The entropy term −x log x for x > 0, 0 at x = 0 and −∞ for x < 0 (SciPy's entr). Its derivative
 * −(log x + 1) is +∞ at 0.
 * @example ad.special.entr(ad.tensor([0, 0.5, -1])) // [0, 0.5 log 2, −∞]
 */
export function entr(x: TensorLike): Tensor {
  const xt = asTensor(x, 'entr');
  return where(less(xt, 0), -Infinity, sub(0, xlogy(xt, xt))); // 0 − (not −): entr(0) = +0
}

/** The logistic sigmoid 1/(1 + e^{−x}) under SciPy's name (ad.sigmoid). @example ad.special.expit(0) // 0.5 */
export function expit(x: TensorLike): Tensor { return sigmoid(x); }

export interface LogsumexpOptions {
  /** Weights, broadcast against `a`: the result is log |Σ b·eᵃ|. */
  b?: TensorLike;
  /** Keep the reduced axes with length 1. */
  keepdims?: boolean;
  /** Return `{ value, sign }` (sign of Σ b·eᵃ: −1, 0 or 1) instead of the value alone. */
  returnSign?: boolean;
}

/**
 * log Σ b·eᵃ over `axis` (all axes by default), JAX's `logsumexp(a, axis, b, keepdims, return_sign)`.
 * Without `b` it is ad.logsumexp. With `b` the terms are shifted by the (stopped) maximum of `a`, so
 * nothing overflows; a negative sum gives NaN unless `returnSign` is set, which returns
 * `{ value: log |Σ b·eᵃ|, sign }` (a zero sum: −∞ and sign 0).
 * @example ad.special.logsumexp(ad.tensor([0, 0]), undefined, { b: ad.tensor([2, -1]) }) // 0
 */
export function logsumexp(a: TensorLike, axis: Axis | undefined, options: LogsumexpOptions & { returnSign: true }): { value: Tensor; sign: Tensor };
export function logsumexp(a: TensorLike, axis?: Axis, options?: LogsumexpOptions & { returnSign?: false }): Tensor;
export function logsumexp(a: TensorLike, axis: Axis | undefined, options: LogsumexpOptions): Tensor | { value: Tensor; sign: Tensor };
export function logsumexp(a: TensorLike, axis?: Axis, options: LogsumexpOptions = {}): Tensor | { value: Tensor; sign: Tensor } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`logsumexp: options must be an object { b?, keepdims?, returnSign? }, got ${String(options)}.`);
  }
  const at = asTensor(a, 'logsumexp');
  const keepdims = options.keepdims ?? false;
  if (options.b === undefined) {
    const value = plainLogsumexp(at, axis, keepdims);
    return options.returnSign ? { value, sign: where(equal(value, -Infinity), 0, 1) } : value;
  }
  const b = asTensor(options.b, 'logsumexp');
  // Shift by the largest finite exponent (0 where none is finite), held constant: log Σ b e^{a−m} + m.
  const m = stopGradient(checkedMax(where(isfinite(at), at, -Infinity), axis, true));
  const shift = where(isfinite(m), m, 0);
  const s = sum(mul(b, exp(sub(at, shift))), axis, true);
  const value = add(log(abs(s)), shift); // log 0 = −∞ for a zero sum
  const squeezeTo = (t: Tensor) => (keepdims ? t : sum(t, axis, false));
  if (options.returnSign) return { value: squeezeTo(value), sign: squeezeTo(sign(s)) };
  return squeezeTo(where(less(s, 0), NaN, value));
}
