/**
 * @file The normal distribution N(loc, scale²) (jax.scipy.stats.norm): z = (x − loc)/scale,
 * log-density −z²/2 − log scale − ½ log 2π, CDF Φ(z) and its log from ad.special's ndtr/logNdtr
 * (accurate in both tails), quantile loc + scale Φ⁻¹(q). scale ≤ 0 gives NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { log, neg, square } from '../ops/unary.js';
import { logNdtr, ndtr, ndtri } from '../special/normal.js';
import { args, fromLog, greaterZero, nanUnless } from './args.js';
import { extraArguments } from '../core/extraArguments.js';

const HALF_LOG_2PI = 0.9189385332046728;

function standardized(op: string, x: TensorLike, loc: TensorLike, scale: TensorLike): [Tensor, Tensor] {
  const [xt, l, s] = args(`stats.norm.${op}`, x, loc, scale);
  return [div(sub(xt!, l!), s!), s!];
}

/** log N(x; loc, scale²). @example ad.stats.norm.logpdf(0) // −½ log 2π */
export function logpdf(x: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logpdf(x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.norm.logpdf', 'stats.norm.logpdf(x, loc?, scale?)', extra, scale);
  const [z, s] = standardized('logpdf', x, loc, scale);
  return nanUnless(greaterZero(s), sub(sub(mul(-0.5, square(z)), log(s)), HALF_LOG_2PI));
}
/** The density. @example ad.stats.norm.pdf(0) // 0.3989422804014327 */
export function pdf(x: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function pdf(x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('stats.norm.pdf', 'stats.norm.pdf(x, loc?, scale?)', extra, scale); return fromLog(logpdf(x, loc, scale)); }
/** Φ((x − loc)/scale). @example ad.stats.norm.cdf(0) // 0.5 */
export function cdf(x: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function cdf(x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.norm.cdf', 'stats.norm.cdf(x, loc?, scale?)', extra, scale);
  const [z, s] = standardized('cdf', x, loc, scale);
  return nanUnless(greaterZero(s), ndtr(z));
}
/** log Φ((x − loc)/scale), finite far into the lower tail. @example ad.stats.norm.logcdf(-40) // −804.6084420137538 */
export function logcdf(x: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logcdf(x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.norm.logcdf', 'stats.norm.logcdf(x, loc?, scale?)', extra, scale);
  const [z, s] = standardized('logcdf', x, loc, scale);
  return nanUnless(greaterZero(s), logNdtr(z));
}
/** 1 − Φ((x − loc)/scale), as Φ(−z) (no cancellation). @example ad.stats.norm.sf(0) // 0.5 */
export function sf(x: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function sf(x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.norm.sf', 'stats.norm.sf(x, loc?, scale?)', extra, scale);
  const [z, s] = standardized('sf', x, loc, scale);
  return nanUnless(greaterZero(s), ndtr(neg(z)));
}
/** log(1 − Φ(z)) = log Φ(−z). @example ad.stats.norm.logsf(0) // −log 2 */
export function logsf(x: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logsf(x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.norm.logsf', 'stats.norm.logsf(x, loc?, scale?)', extra, scale);
  const [z, s] = standardized('logsf', x, loc, scale);
  return nanUnless(greaterZero(s), logNdtr(neg(z)));
}
/** The quantile loc + scale Φ⁻¹(q). @example ad.stats.norm.ppf(0.5, 3) // 3 */
export function ppf(q: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function ppf(q: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.norm.ppf', 'stats.norm.ppf(q, loc?, scale?)', extra, scale);
  const [qt, l, s] = args('stats.norm.ppf', q, loc, scale);
  return nanUnless(greaterZero(s!), add(l!, mul(s!, ndtri(qt!))));
}
/** The inverse survival function loc − scale Φ⁻¹(q). @example ad.stats.norm.isf(0.5) // 0 */
export function isf(q: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function isf(q: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.norm.isf', 'stats.norm.isf(q, loc?, scale?)', extra, scale);
  const [qt, l, s] = args('stats.norm.isf', q, loc, scale);
  return nanUnless(greaterZero(s!), sub(l!, mul(s!, ndtri(qt!))));
}
