/**
 * @file The gamma distribution (shape a, jax.scipy.stats.gamma) and χ² (df, as gamma with
 * a = df/2 and twice the scale): y = (x − loc)/scale, log-density (a − 1) log y − y − lgamma(a) − log scale
 * on y ≥ 0, CDF P(a, y) and survival Q(a, y) from ad.special (differentiable in x and, once, in a).
 * a ≤ 0 or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { div, greater, greaterEqual, log, lgamma, mul, sub, where, xlogy } from './ops.js';
import { gammainc, gammaincc } from '../special/gamma.js';
import { args, fromLog, greaterZero, inSupport, logProbability, nanUnless, validAndNotNaN } from './args.js';

interface Standard { y: Tensor; safeY: Tensor; a: Tensor; scale: Tensor; valid: Tensor; inside: Tensor }

function standardize(op: string, x: TensorLike, a: TensorLike, loc: TensorLike, scale: TensorLike): Standard {
  const [xt, at, l, s] = args(op, x, a, loc, scale);
  const y = div(sub(xt!, l!), s!);
  const inside = greaterEqual(y, 0);
  // y outside the support replaced by 1 before the special functions, so no NaN reaches a gradient.
  return { y, safeY: where(inside, y, 1), a: at!, scale: s!, valid: validAndNotNaN(greaterZero(at!, s!), xt!, l!), inside };
}

function family(name: string, shape: (a: Tensor) => Tensor, scaleFactor: number) {
  const op = (f: string) => `stats.${name}.${f}`;
  const prepared = (f: string, x: TensorLike, a: TensorLike, loc: TensorLike, scale: TensorLike) => {
    const st = standardize(op(f), x, a, loc, scale);
    const k = shape(st.a);
    return { ...st, a: k, y: div(st.y, scaleFactor), safeY: div(st.safeY, scaleFactor), scale: mul(st.scale, scaleFactor) };
  };
  const logpdf = (x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
    const { a: k, safeY, scale: s, valid, inside } = prepared('logpdf', x, a, loc, scale);
    return nanUnless(valid, inSupport(inside, sub(sub(sub(xlogy(sub(k, 1), safeY), safeY), lgamma(k)), log(s)), -Infinity));
  };
  const lower = (f: string, fn: (k: Tensor, y: Tensor) => Tensor, below: number) =>
    (x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
      const { a: k, y, safeY, valid } = prepared(f, x, a, loc, scale);
      return nanUnless(valid, inSupport(greater(y, 0), fn(k, safeY), below));
    };
  return {
    logpdf,
    pdf: (x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(logpdf(x, a, loc, scale)),
    cdf: lower('cdf', (k, y) => gammainc(k, y), 0),
    logcdf: lower('logcdf', (k, y) => logProbability(gammainc(k, y), gammaincc(k, y)), -Infinity),
    sf: lower('sf', (k, y) => gammaincc(k, y), 1),
    logsf: lower('logsf', (k, y) => logProbability(gammaincc(k, y), gammainc(k, y)), 0),
  };
}

/**
 * The gamma distribution with shape `a`: gamma.logpdf(x, a, loc = 0, scale = 1), pdf, cdf, logcdf,
 * sf, logsf. @example ad.stats.gamma.cdf(1, 1) // 1 − e⁻¹
 */
export const gamma = family('gamma', (a) => a, 1);

/**
 * The χ² distribution with `df` degrees of freedom: chi2.logpdf(x, df, loc = 0, scale = 1), pdf,
 * cdf, logcdf, sf, logsf. @example ad.stats.chi2.cdf(2, 2) // 1 − e⁻¹
 */
export const chi2 = family('chi2', (df) => div(df, 2), 2);
