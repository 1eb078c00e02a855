/**
 * @file Student's t distribution (jax.scipy.stats.t): z = (x − loc)/scale, log-density
 * lgamma((ν + 1)/2) − lgamma(ν/2) − ½ log(νπ) − log scale − (ν + 1)/2 · log1p(z²/ν); df or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, div, lgamma, log, log1p, mul, square, sub } from './ops.js';
import { args, fromLog, greaterZero, nanUnless } from './args.js';

const LOG_PI = 1.1447298858494002;

/** log-density of t(df) at x. @example ad.stats.t.logpdf(0, 1) // −log π */
export function logpdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  const [xt, nu, l, s] = args('stats.t.logpdf', x, df, loc, scale);
  const z = div(sub(xt!, l!), s!);
  const half = div(add(nu!, 1), 2);
  const norm = sub(sub(sub(lgamma(half), lgamma(div(nu!, 2))), mul(0.5, add(log(nu!), LOG_PI))), log(s!));
  return nanUnless(greaterZero(nu!, s!), sub(norm, mul(half, log1p(div(square(z), nu!)))));
}
/** @example ad.stats.t.pdf(0, 1) // 1/π */
export function pdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  return fromLog(logpdf(x, df, loc, scale));
}
