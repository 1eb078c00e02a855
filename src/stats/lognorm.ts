/**
 * @file The log-normal distribution with shape s (SciPy's lognorm(s, loc, scale)): log y ~ N(0, s²)
 * for y = (x − loc)/scale > 0; CDF Φ(log y / s) from ad.special. s or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, div, exp, greater, log, mul, neg, square, sub, where } from './ops.js';
import { logNdtr, ndtr, ndtri } from '../special/normal.js';
import { args, fromLog, greaterZero, inSupport, nanUnless, validAndNotNaN } from './args.js';
import { extraArguments, refusingExtra } from '../core/extraArguments.js';

const HALF_LOG_2PI = 0.9189385332046728;

function standardize(op: string, x: TensorLike, s: TensorLike, loc: TensorLike, scale: TensorLike) {
  const [xt, st, l, sc] = args(op, x, s, loc, scale);
  const y = div(sub(xt!, l!), sc!);
  const inside = greater(y, 0);
  return { z: div(log(where(inside, y, 1)), st!), logY: log(where(inside, y, 1)), s: st!, scale: sc!, valid: validAndNotNaN(greaterZero(st!, sc!), xt!, l!), inside };
}

/** @example ad.stats.lognorm.logpdf(1, 1) // −½ log 2π */
export function logpdf(x: TensorLike, s: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logpdf(x: TensorLike, s: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.lognorm.logpdf', 'stats.lognorm.logpdf(x, s, loc?, scale?)', extra, scale);
  const { z, logY, s: st, scale: sc, valid, inside } = standardize('stats.lognorm.logpdf', x, s, loc, scale);
  return nanUnless(valid, inSupport(inside, sub(sub(sub(sub(mul(-0.5, square(z)), logY), log(st)), log(sc)), HALF_LOG_2PI), -Infinity));
}
export function pdf(x: TensorLike, s: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function pdf(x: TensorLike, s: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('stats.lognorm.pdf', 'stats.lognorm.pdf(x, s, loc?, scale?)', extra, scale); return fromLog(logpdf(x, s, loc, scale)); }
const ofZ = (op: string, f: (z: Tensor) => Tensor, below: number) => refusingExtra(op, `${op}(x, s, loc?, scale?)`, (x: TensorLike, s: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
  const { z, valid, inside } = standardize(op, x, s, loc, scale);
  return nanUnless(valid, inSupport(inside, f(z), below));
});
/** Φ(log y / s). @example ad.stats.lognorm.cdf(1, 0.5) // 0.5 */
export const cdf = ofZ('stats.lognorm.cdf', (z) => ndtr(z), 0);
export const logcdf = ofZ('stats.lognorm.logcdf', (z) => logNdtr(z), -Infinity);
export const sf = ofZ('stats.lognorm.sf', (z) => ndtr(neg(z)), 1);
export const logsf = ofZ('stats.lognorm.logsf', (z) => logNdtr(neg(z)), 0);
/** loc + scale·exp(s Φ⁻¹(q)). @example ad.stats.lognorm.ppf(0.5, 2) // 1 */
export function ppf(q: TensorLike, s: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function ppf(q: TensorLike, s: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.lognorm.ppf', 'stats.lognorm.ppf(q, s, loc?, scale?)', extra, scale);
  const [qt, st, l, sc] = args('stats.lognorm.ppf', q, s, loc, scale);
  return nanUnless(greaterZero(st!, sc!), add(l!, mul(sc!, exp(mul(st!, ndtri(qt!))))));
}
