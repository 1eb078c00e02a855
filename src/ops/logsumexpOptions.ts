/**
 * @file logsumexp with JAX's keywords (jax.nn.logsumexp = jax.scipy.special.logsumexp(a, axis, b,
 * keepdims, return_sign, where)), shared by ad.logsumexp and ad.special.logsumexp. `where` leaves
 * the masked-out terms out (their exponents read as −∞, so neither the shift nor the gradient sees
 * them; JAX passes the mask to its max and sum); `b` weights the terms, shifted by the largest
 * finite exponent held constant; `returnSign` returns { value: log |Σ b·eᵃ|, sign }.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, tensor, type TensorInput, type TensorLike } from '../tensor/create.js';
import { add, equal, less, mulStrong, sub } from './binary.js';
import { abs, exp, log, sign } from './unary.js';
import { stopGradient, where } from './select.js';
import { isfinite, isnan } from './predicates.js';
import { checkedMax, logsumexp as plainLogsumexp, sum, type Axis } from './reduce.js';
import { maskOf, type Mask } from './reductionOptions.js';
import { broadcastTo } from './shape.js';
import { broadcastShapes } from '../tensor/shape.js';

export interface LogsumexpOptions {
  /** Weights, broadcast against `a`: the result is log |Σ b·eᵃ| (NaN for a negative sum unless `returnSign`). */
  readonly b?: TensorInput | undefined;
  /** Keep the reduced axes with length 1. */
  readonly keepdims?: boolean | undefined;
  /** Return `{ value, sign }` (sign of Σ b·eᵃ: −1, 0 or 1) instead of the value alone. */
  readonly returnSign?: boolean | undefined;
  /** Only the terms where this mask (broadcast to a's shape) is true take part; the others get a zero gradient. */
  readonly where?: Mask | undefined;
}

/** The options object, checked: an AdjointError naming `op` for a non-object or an unknown key. */
export function logsumexpOptions(op: string, options: unknown): LogsumexpOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${op}: options must be an object { b?, keepdims?, returnSign?, where? }, got ${describe(options)}.`);
  }
  // JAX's and SciPy's third positional argument is b: logsumexp(a, axis, b). A tensor or an array
  // here would otherwise be read as an options object without `b` and silently dropped.
  if (options instanceof Tensor || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new InvalidArgumentError(`${op}: the third argument is an options object; pass the weights as { b } (JAX's and SciPy's positional b), e.g. ${op}(a, axis, { b: weights }).`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'b' && key !== 'keepdims' && key !== 'returnSign' && key !== 'where') {
      throw new InvalidArgumentError(`${op}: unknown option '${key}'; the options are b, keepdims, returnSign and where.`);
    }
  }
  const o = options as LogsumexpOptions;
  if (o.keepdims !== undefined && typeof o.keepdims !== 'boolean') throw new InvalidArgumentError(`${op}: keepdims must be a boolean, got ${describe(o.keepdims)}.`);
  if (o.returnSign !== undefined && typeof o.returnSign !== 'boolean') throw new InvalidArgumentError(`${op}: returnSign must be a boolean, got ${describe(o.returnSign)}.`);
  return o;
}

/** Weights given as nested arrays or a typed array (as jnp's array-likes), or an AdjointError naming `op`. */
function weightsOf(op: string, b: TensorInput): Tensor {
  try {
    return tensor(b);
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`${op}: b: ${e.message}`);
    throw e;
  }
}

/** log Σ b·eᵃ over `axis` with checked options (see the file comment). */
export function logsumexpWith(op: string, a: TensorLike, axis: Axis | undefined, options: LogsumexpOptions): Tensor | { value: Tensor; sign: Tensor } {
  let at = asTensor(a, op);
  const keepdims = options.keepdims ?? false;
  const b = options.b === undefined ? undefined : options.b instanceof Tensor || typeof options.b === 'number' ? asTensor(options.b, op) : weightsOf(op, options.b);
  // With weights, the terms are a and b broadcast together (so is a mask: to that shape).
  if (b !== undefined) at = broadcastTo(at, broadcastShapes(op, at.shape, b.shape));
  // A masked-out term is a −∞ exponent (e⁻∞ = 0 adds nothing, with a zero gradient, even where the
  // entry is ∞ or NaN); a slice with none left is log 0 = −∞, as JAX's max(initial=−∞) and sum give.
  if (options.where !== undefined) at = where(maskOf(op, options.where, at.shape), at, -Infinity);
  if (b === undefined) {
    const value = plainLogsumexp(at, axis, keepdims);
    // JAX's sign(Σ e^{a−m}): 0 for an empty sum (−∞), NaN for NaN, else 1.
    return options.returnSign ? { value, sign: stopGradient(where(isnan(value), NaN, where(equal(value, -Infinity), 0, 1))) } : value;
  }
  // Shift by the largest finite exponent among the weighted terms (0 where none is finite), held
  // constant: log Σ b e^{a−m} + m. A zero weight takes no part in the shift and its term is a strong
  // 0 · e^{a−m}, so an exponent of 1000, ∞ or NaN beside it neither sets the shift nor turns the sum
  // into 0·∞ (SciPy's and JAX's a[b == 0] = −∞) — but the term's derivative in b is still e^{a−m}/Σ
  // (that −∞ made it 0: a weight starting at 0 could never move; PyTorch's is e^{a}/Σ b eᵃ too).
  const weighted = where(equal(b, 0), -Infinity, at);
  const m = stopGradient(checkedMax(where(isfinite(weighted), weighted, -Infinity), axis, { keepdims: true, initial: -Infinity })); // −∞ over an empty axis
  const shift = where(isfinite(m), m, 0);
  const s = sum(mulStrong(b, exp(sub(at, shift))), axis, true);
  const value = add(log(abs(s)), shift); // log 0 = −∞ for a zero sum
  const squeezeTo = (t: Tensor) => (keepdims ? t : sum(t, axis, false));
  if (options.returnSign) return { value: squeezeTo(value), sign: squeezeTo(stopGradient(sign(s))) };
  return squeezeTo(where(less(s, 0), NaN, value));
}
