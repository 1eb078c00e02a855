/**
 * @file Student's t distribution (jax.scipy.stats.t): z = (x − loc)/scale, log-density
 * −betaln(ν/2, ½) − ½ log ν − log scale − (ν + 1)/2 · log1p(z²/ν) (= lgamma((ν + 1)/2) − lgamma(ν/2) − ½ log(νπ) − …);
 * df or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, div, log, log1p, mul, neg, square, sub } from './ops.js';
import { betaln } from '../special/gamma.js';
import { args, fromLog, greaterZero, nanUnless } from './args.js';

/** log-density of t(df) at x. @example ad.stats.t.logpdf(0, 1) // −log π */
export function logpdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  const [xt, nu, l, s] = args('stats.t.logpdf', x, df, loc, scale);
  const z = div(sub(xt!, l!), s!);
  const half = div(add(nu!, 1), 2);
  // lgamma((ν + 1)/2) − lgamma(ν/2) − ½ log π = −betaln(ν/2, ½): no cancellation of two lgammas of size ν log ν
  // (they left t.logpdf(0, 1e15) at +2.16, not −0.919).
  const norm = sub(sub(neg(betaln(div(nu!, 2), 0.5)), mul(0.5, log(nu!))), log(s!));
  return nanUnless(greaterZero(nu!, s!), sub(norm, mul(half, log1p(div(square(z), nu!)))));
}
/** @example ad.stats.t.pdf(0, 1) // 1/π */
export function pdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  return fromLog(logpdf(x, df, loc, scale));
}
