/**
 * @file The beta distribution (jax.scipy.stats.beta): y = (x − loc)/scale in [0, 1], log-density
 * (a − 1) log y + (b − 1) log(1 − y) − log B(a, b) − log scale, CDF I_y(a, b) from ad.special
 * (differentiable in x and, once, in a and b). a, b or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { abs, add, clip, div, equal, lessEqual, log, neg, sub, where, xlogy } from './ops.js';
import { logicalOr } from '../ops/predicates.js';
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
/**
 * The survival function 1 − I_y(a, b) from I = I_y(a, b): I_{1−y}(b, a) (A&S 26.5.2) unless rounding
 * 1 − y costs more than the subtraction 1 − I does. Below ½, 1 − y rounds (1 − 1e−20 is 1) by
 * e = fl(1 − y) − (1 − y), computed exactly (1 − fl(1 − y) is exact by Sterbenz, and so is its
 * difference with y); I_{1−y}(b, a) at fl(1 − y) is then off by about f(y)·|e| (f the density, the
 * x-derivative), 1 − I by about 2⁻⁵³. So the complement where f(y)·|e| ≤ 2⁻⁵³ (always for y ≥ ½, e = 0),
 * else 1 − I: sf(1e−20; 0.01, 1) was 1, not 1 − 10^−0.2 = 0.369, and logcdf there −∞, not −0.46.
 */
function survival(i: Tensor, y: Tensor, a: Tensor, b: Tensor): Tensor {
  const oneMinusY = sub(1, y);
  const e = sub(sub(1, oneMinusY), y);
  const logDensity = sub(add(xlogy(sub(a, 1), y), xlog1py(sub(b, 1), neg(y))), betaln(a, b));
  // e = 0 first: at y = 0 with a < 1 the log-density is +∞ and +∞ + log 0 is NaN.
  const complementExact = logicalOr(equal(e, 0), lessEqual(add(logDensity, log(abs(e))), -53 * Math.LN2));
  return where(complementExact, betainc(b, a, oneMinusY), sub(1, i));
}
const cdfOf = (op: string, f: (i: Tensor, y: Tensor, a: Tensor, b: Tensor) => Tensor) =>
  (x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
    const { y, a: at, b: bt, valid } = standardize(op, x, a, b, loc, scale);
    const yIn = clip(y, 0, 1);
    return nanUnless(valid, f(betainc(at, bt, yIn), yIn, at, bt));
  };
/** I_y(a, b), 0 below the support and 1 above. @example ad.stats.beta.cdf(0.5, 2, 2) // 0.5 */
export const cdf = cdfOf('stats.beta.cdf', (i) => i);
export const logcdf = cdfOf('stats.beta.logcdf', (i, y, a, b) => logProbability(i, survival(i, y, a, b)));
/** 1 − I_y(a, b) as I_{1−y}(b, a), accurate where the CDF is near 1 (see survival for y near 0). */
export const sf = cdfOf('stats.beta.sf', (i, y, a, b) => survival(i, y, a, b));
export const logsf = cdfOf('stats.beta.logsf', (i, y, a, b) => logProbability(survival(i, y, a, b), i));
