/**
 * @file The beta distribution (jax.scipy.stats.beta): y = (x − loc)/scale in [0, 1], log-density
 * (a − 1) log y + (b − 1) log(1 − y) − log B(a, b) − log scale, CDF I_y(a, b) from ad.special
 * (differentiable in x and, once, in a and b). a, b or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, clip, div, log, neg, sub, xlogy } from './ops.js';
import { betainc } from '../special/beta.js';
import { betaln } from '../special/gamma.js';
import { xlog1py } from '../special/elementary.js';
import { args, fromLog, greaterZero, inSupport, inUnitInterval, logProbability, nanUnless, validAndNotNaN } from './args.js';

function standardize(op: string, x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike, scale: TensorLike) {
  const [xt, at, bt, l, s] = args(op, x, a, b, loc, scale);
  const y = div(sub(xt!, l!), s!);
  return { y, a: at!, b: bt!, scale: s!, valid: validAndNotNaN(greaterZero(at!, bt!, s!), xt!, l!), inside: inUnitInterval(y) };
}

/** log-density of Beta(a, b) at x. @example ad.stats.beta.logpdf(0.5, 1, 1) // 0 */
export function logpdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  const { y, a: at, b: bt, scale: s, valid, inside } = standardize('stats.beta.logpdf', x, a, b, loc, scale);
  const yIn = clip(y, 0, 1);
  return nanUnless(valid, inSupport(inside, sub(sub(add(xlogy(sub(at, 1), yIn), xlog1py(sub(bt, 1), neg(yIn))), betaln(at, bt)), log(s)), -Infinity));
}
/** @example ad.stats.beta.pdf(0.5, 2, 2) // 1.5 */
export function pdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  return fromLog(logpdf(x, a, b, loc, scale));
}
const cdfOf = (op: string, f: (i: Tensor, y: Tensor, a: Tensor, b: Tensor) => Tensor) =>
  (x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
    const { y, a: at, b: bt, valid } = standardize(op, x, a, b, loc, scale);
    const yIn = clip(y, 0, 1);
    return nanUnless(valid, f(betainc(at, bt, yIn), yIn, at, bt));
  };
/** I_y(a, b), 0 below the support and 1 above. @example ad.stats.beta.cdf(0.5, 2, 2) // 0.5 */
export const cdf = cdfOf('stats.beta.cdf', (i) => i);
export const logcdf = cdfOf('stats.beta.logcdf', (i, y, a, b) => logProbability(i, betainc(b, a, sub(1, y))));
/** 1 − I_y(a, b) as I_{1−y}(b, a), accurate where the CDF is near 1. */
export const sf = cdfOf('stats.beta.sf', (_i, y, a, b) => betainc(b, a, sub(1, y)));
export const logsf = cdfOf('stats.beta.logsf', (i, y, a, b) => logProbability(betainc(b, a, sub(1, y)), i));
