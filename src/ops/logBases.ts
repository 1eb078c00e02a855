/**
 * @file Logarithms and exponentials in bases 2 and 10 — log2, log10, exp2 — as composites, exact
 * where NumPy's are exact: log2 at powers of two, log10 at powers of ten, exp2 at integers.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { div, equal, less, mul, pow, sub, add } from './binary.js';
import { abs, log } from './unary.js';
import { stopGradient, where } from './select.js';
import { round } from './rounding.js';

/**
 * logₑx · c, moved onto k exactly where x is `base` to an integer power k (r + (k − r) = k, as
 * k − r is exact by Sterbenz's lemma). The move carries no gradient, so the derivative stays
 * 1/(x ln base) there too.
 */
function logIn(x: Tensor, c: number, powerOf: (k: Tensor) => Tensor): Tensor {
  const r = mul(log(x), c);
  const k = round(r);
  const exact = mul(less(abs(k), Infinity), equal(powerOf(k), stopGradient(x)));
  return add(r, stopGradient(where(exact, sub(k, r), 0)));
}

/**
 * 2ˣ (numpy.exp2), exact at integers (it is `pow(2, x)`, and pow's powers of two are exact).
 * @example ad.exp2(ad.tensor([-1, 10, 0.5])).toArray(); // => [0.5, 1024, Math.SQRT2]
 */
export function exp2(x: TensorLike): Tensor { return pow(2, asTensor(x, 'exp2')); }

/**
 * log₂x (numpy.log2): −∞ at 0, NaN below; exactly k at x = 2ᵏ. Derivative 1/(x ln 2).
 * @example ad.log2(ad.tensor([8, 0.125, 10])).toArray(); // => [3, -3, Math.log2(10)]
 */
export function log2(x: TensorLike): Tensor { return logIn(asTensor(x, 'log2'), Math.LOG2E, (k) => pow(2, k)); }

// 10ᵏ as the correctly rounded literal 1ek: pow(10, k) is exact for 0 ≤ k ≤ 22 (10²² < 2⁵³·2²²),
// and for −22 ≤ k < 0, 1/10⁻ᵏ is one correctly rounded division. (Math.pow(10, −5) is not 1e-5.)
const powerOfTen = (k: Tensor) => where(less(k, 0), div(1, pow(10, mul(k, -1))), pow(10, k));

/**
 * log₁₀x (numpy.log10): −∞ at 0, NaN below; exactly k at x = 1ek for |k| ≤ 22. Derivative
 * 1/(x ln 10).
 * @example ad.log10(ad.tensor([1000, 1e-5, 2])).toArray(); // => [3, -5, Math.log10(2)]
 */
export function log10(x: TensorLike): Tensor { return logIn(asTensor(x, 'log10'), Math.LOG10E, powerOfTen); }
