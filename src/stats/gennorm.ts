/**
 * @file The generalized normal distribution of shape β (jax.scipy.stats.gennorm: x and beta, no loc or scale),
 * density β/(2Γ(1/β)) e^{−|x|^β}: β = 1 is the Laplace distribution, β = 2 the normal of variance ½. The CDF is
 * ½(1 + sign(x) P(1/β, |x|^β)), written with Q = 1 − P so neither tail cancels. β ≤ 0 gives NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { abs, add, div, equal, exp, greater, less, lgamma, log, mul, sub, where } from './ops.js';
import { isfinite, logicalOr } from '../ops/predicates.js';
import { gammaincc } from '../special/gamma.js';
import { args, fromLog, greaterZero, nanUnless, validAndNotNaN } from './args.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * log(β/(2Γ(1/β))) = −log 2 − lgamma(1 + 1/β) (Γ(1 + s) = sΓ(s)): log β − lgamma(1/β) cancels two terms near
 * log β for large β.
 */
const logNormaliser = (beta: Tensor): Tensor => sub(-Math.LN2, lgamma(add(1, div(1, beta))));

/** |x|^β for finite x, 0 at x = 0 (where the β-derivative |x|^β log|x| is 0, not 0·∞). */
function absPower(x: Tensor, beta: Tensor): Tensor {
  const zero = equal(x, 0);
  return where(zero, 0, exp(mul(beta, log(abs(where(zero, 1, x))))));
}

function prepare(op: string, x: TensorLike, beta: TensorLike) {
  const [xt, bt] = args(`stats.gennorm.${op}`, x, beta);
  const valid = validAndNotNaN(greaterZero(bt!), xt!);
  const finite = isfinite(xt!);
  return { x: xt!, beta: where(valid, bt!, 1), xIn: where(finite, xt!, 1), finite, valid };
}

/** log(β/(2Γ(1/β))) − |x|^β. @example ad.stats.gennorm.logpdf(0, 2) // −½ log π */
export function logpdf(x: TensorLike, beta: TensorLike): Tensor;
export function logpdf(x: TensorLike, beta: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.gennorm.logpdf', 'stats.gennorm.logpdf(x, beta)', extra, beta);
  const { beta: b, xIn, finite, valid } = prepare('logpdf', x, beta);
  return nanUnless(valid, where(finite, sub(logNormaliser(b), absPower(xIn, b)), -Infinity));
}
/** @example ad.stats.gennorm.pdf(0, 1) // 0.5 */
export function pdf(x: TensorLike, beta: TensorLike): Tensor;
export function pdf(x: TensorLike, beta: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('stats.gennorm.pdf', 'stats.gennorm.pdf(x, beta)', extra, beta); return fromLog(logpdf(x, beta)); }

/**
 * ½Q(1/β, |x|^β) below 0 and 1 − ½Q(1/β, |x|^β) above (SciPy's form); at x = 0, ½ + x·f(0) so the derivative
 * there is the density β/(2Γ(1/β)) (the tail form's is 0·∞ there). Differentiable to any order in x and once in β
 * (gammaincc's a-derivative has none of its own). @example ad.stats.gennorm.cdf(0, 1.5) // 0.5
 */
export function cdf(x: TensorLike, beta: TensorLike): Tensor;
export function cdf(x: TensorLike, beta: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.gennorm.cdf', 'stats.gennorm.cdf(x, beta)', extra, beta);
  const { x: xt, beta: b, xIn, finite, valid } = prepare('cdf', x, beta);
  const zero = equal(xt, 0);
  // Where |x|^β underflows (β = 1e5, |x| = ½), P(1/β, |x|^β) = |x|^{β/β}/Γ(1 + 1/β)·(1 + O(|x|^β)) is not 0: the
  // CDF is ½ + x·f(0) to 1e−200 there, as at x = 0 (it returned ½ where SciPy and mpmath give 0.75000144).
  const z = absPower(where(zero, 1, xIn), b), nearZero = logicalOr(zero, less(z, 1e-200));
  const halfQ = mul(0.5, gammaincc(div(1, b), where(nearZero, 1, z)));
  const tails = where(less(xt, 0), halfQ, sub(1, halfQ));
  const atZero = add(0.5, mul(xt, exp(logNormaliser(b))));
  const value = where(finite, where(nearZero, atZero, tails), where(greater(xt, 0), 1, 0));
  return nanUnless(valid, value);
}
