/**
 * @file Log-space helpers — logaddexp, logSigmoid, xlogy — stable by construction, with the
 * conventions of logsumexp (−∞ with −∞ has a zero gradient) and of strong zeros (xlogy at x = 0).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { asTensor } from '../tensor/create.js';
import { div, equal, less, mul, sub } from './binary.js';
import { abs, log, neg, sigmoid, softplus } from './unary.js';
import { where } from './select.js';
import { registerTensorMethods } from './methods.js';
import { binaryPrimitive, callBinary } from './pointwise.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * a − b, read as 0 where a and b are the same infinity (so both weights below are ½ there, not
 * NaN); finite ties are left alone so that their tangent da − db still flows.
 */
function safeDifference(a: Tensor, b: Tensor): Tensor {
  const sameInfinity = mul(equal(a, b), equal(abs(a), Infinity));
  return where(sameInfinity, 0, sub(a, b));
}

/**
 * ∂ logaddexp(a, b)/∂a = e^{a − out} = σ(a − b), and σ(b − a) for b: softmax weights of the two
 * terms, exact for large |a − b|. Where out = −∞ (both −∞) the weights are 0, as logsumexp's.
 */
const logaddexpWeight = (first: Tensor, second: Tensor, out: Tensor) =>
  where(equal(out, -Infinity), 0, sigmoid(safeDifference(first, second)));
const logaddexpP = binaryPrimitive('logaddexp', (a, b, out) => logaddexpWeight(a, b, out), (a, b, out) => logaddexpWeight(b, a, out));

// d(x log y) = log y dx + (x/y) dy, with a strong zero: 0 wherever x = 0, even at y = 0, since xlogy(0, y) = 0 for
// every y. (∂/∂x = log y is −∞ at y = 0: a genuine limit.) x/y divided, not x·(1/y): 1/y overflows for subnormal y and
// its derivative −(1/y)² from y = 1e−154, where x/y and −(x/y)/y are finite — entr′(7e−313) = −(log x + x/x) was −∞
// for +717.7 and entr″(1e−300) +∞ for −1e300. Only at x = y = 0 (0/0) is x/y replaced by 0: at x = 0 < |y| it is
// x/y itself (0), so its x-derivative 1/y — the mixed second derivative ∂²/∂x∂y — is there (it was cut to 0 with
// the whole x = 0 line, where ∂/∂y of log y gave 1/y: an asymmetric Hessian).
const xOverY = (x: Tensor, y: Tensor) => where(mul(equal(x, 0), equal(y, 0)), 0, div(x, y));
const xlogyP = binaryPrimitive('xlogy', (_x, y) => log(y), (x, y) => xOverY(x, y));

/**
 * log(eᵃ + eᵇ) elementwise, broadcasting, without overflow (NumPy's logaddexp). Both −∞ give −∞
 * with a zero gradient; both +∞ give +∞ with the cotangent split equally.
 * @example ad.logaddexp(ad.tensor([0, 1000]), ad.tensor([0, 1000])) // [log 2, 1000 + log 2]
 */
export function logaddexp(a: TensorLike, b: TensorLike): Tensor;
export function logaddexp(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return callBinary(logaddexpP, a, b, extra); }

/**
 * log σ(x) = −softplus(−x), without overflow or cancellation (logSigmoid(−1000) = −1000,
 * logSigmoid(40) = −4.248354255291589e-18). Its derivative σ(−x) is exact too.
 * @example ad.logSigmoid(0) // −log 2
 */
export function logSigmoid(x: TensorLike): Tensor;
export function logSigmoid(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('logSigmoid', 'logSigmoid(x)', extra, x);
  const t = asTensor(x, 'logSigmoid');
  // x − softplus(x) below 0 (the same value): its second derivative −σ′(x) is σ's VJP y(1 − y) at y = σ(x) ≪ 1, where
  // that keeps its digits; −softplus(−x) there evaluated it at y = σ(−x) ≈ 1, where 1 − y rounds (d²/dx² at −37
  // was 0 for −8.5e−17, at −34 3 % off). Each branch sees x where it is taken and 0 where not.
  const negative = less(t, 0);
  const xn = where(negative, t, 0), xp = where(negative, 0, t);
  return where(negative, sub(xn, softplus(xn)), neg(softplus(neg(xp))));
}

/**
 * x · log y, broadcasting, and 0 wherever x = 0 — even at y = 0 — unless y is NaN (SciPy's xlogy).
 * The gradient keeps that: ∂/∂y = x/y is 0 where x = 0 (a strong zero); ∂/∂x = log y.
 * @example ad.xlogy(ad.tensor([0, 2]), ad.tensor([0, Math.E])) // [0, 2]
 */
export function xlogy(x: TensorLike, y: TensorLike): Tensor;
export function xlogy(x: TensorLike, y: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('xlogy', 'xlogy(x, y)', extra, y); return callBinary(xlogyP, x, y); }

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.logaddexp(x, other)`. @example ad.tensor([0]).logaddexp(0) // [log 2] */ logaddexp(other: TensorLike): Tensor;
    /** `ad.logSigmoid(x)`. @example ad.tensor([0]).logSigmoid() // [−log 2] */ logSigmoid(): Tensor;
  }
}

registerTensorMethods({ logaddexp, logSigmoid });
