/**
 * @file The location–scale families without shape parameters (jax.scipy.stats' expon, laplace,
 * logistic, cauchy, uniform): each log-density is f(z) − log scale with z = (x − loc)/scale.
 * Every function takes (x, loc = 0, scale = 1), broadcasting; scale ≤ 0 gives NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, atan2Safe, div, greater, greaterEqual, less, mul, sub } from './ops.js';
import { abs, exp, expm1, log, log1p, neg, square, tan } from './ops.js';
import { clip, logSigmoid, logit, sigmoid, where } from './ops.js';
import { args, fromLog, greaterZero, inSupport, inUnitInterval, logProbability, nanUnless, validAndNotNaN } from './args.js';
import { refusingExtraIn } from '../core/extraArguments.js';

const LOG_PI = 1.1447298858494002;

/** z = (x − loc)/scale, scale and the validity of scale, for `op`. */
function standardize(op: string, x: TensorLike, loc: TensorLike, scale: TensorLike): { z: Tensor; scale: Tensor; valid: Tensor } {
  const [xt, l, s] = args(op, x, loc, scale);
  return { z: div(sub(xt!, l!), s!), scale: s!, valid: validAndNotNaN(greaterZero(s!), xt!, l!) };
}

/** A family's function of z alone (a CDF), NaN for invalid scales. */
export const ofZ = (op: string, f: (z: Tensor) => Tensor) => (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
  const { z, valid } = standardize(op, x, loc, scale);
  return nanUnless(valid, f(z));
};
/**
 * A family's log-density f(z) − log scale; with `support`, −∞ outside it, the whole density chosen
 * there (not f alone), so a point outside has no derivative in loc or scale either (−∞ is constant:
 * the −log scale term gave −1/scale, where SciPy's limit and JAX give 0).
 */
export const logDensity = (op: string, f: (z: Tensor) => TensorLike, support?: (z: Tensor) => Tensor) => (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
  const { z, scale: s, valid } = standardize(op, x, loc, scale);
  const inside = sub(f(z), log(s));
  return nanUnless(valid, support === undefined ? inside : inSupport(support(z), inside, -Infinity));
};
/** A quantile function loc + scale·g(q). */
export const quantile = (op: string, g: (q: Tensor) => Tensor) => (q: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
  const [qt, l, s] = args(op, q, loc, scale);
  return nanUnless(greaterZero(s!), add(l!, mul(s!, g(qt!))));
};
const positive = (z: Tensor) => greaterEqual(z, 0);
/** q in [0, 1], else NaN. */
export const probability = (q: Tensor, value: Tensor) => where(inUnitInterval(q), value, NaN);

/** The exponential distribution, density e^{−z}/scale on z ≥ 0 (jax.scipy.stats.expon). */
export const expon = refusingExtraIn('stats.expon', { logpdf: '(x, loc?, scale?)', pdf: '(x, loc?, scale?)', cdf: '(x, loc?, scale?)', logcdf: '(x, loc?, scale?)', sf: '(x, loc?, scale?)', logsf: '(x, loc?, scale?)', ppf: '(q, loc?, scale?)' }, {
  /** @example ad.stats.expon.logpdf(1) // −1 */
  logpdf: logDensity('stats.expon.logpdf', (z) => neg(z), positive),
  /** @example ad.stats.expon.pdf(0) // 1 */
  pdf: (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(expon.logpdf(x, loc, scale)),
  /** 1 − e^{−z} as −expm1(−z). @example ad.stats.expon.cdf(1e-20) // 1e-20 */
  cdf: ofZ('stats.expon.cdf', (z) => inSupport(positive(z), neg(expm1(neg(z))), 0)),
  logcdf: ofZ('stats.expon.logcdf', (z) => inSupport(positive(z), logProbability(neg(expm1(neg(z))), exp(neg(z))), -Infinity)),
  sf: ofZ('stats.expon.sf', (z) => inSupport(positive(z), exp(neg(z)), 1)),
  logsf: ofZ('stats.expon.logsf', (z) => inSupport(positive(z), neg(z), 0)),
  /** −log(1 − q) by log1p. @example ad.stats.expon.ppf(0.5) // log 2 */
  ppf: quantile('stats.expon.ppf', (q) => probability(q, neg(log1p(neg(q))))),
});

/** The Laplace distribution, density e^{−|z|}/(2 scale) (jax.scipy.stats.laplace). */
export const laplace = refusingExtraIn('stats.laplace', { logpdf: '(x, loc?, scale?)', pdf: '(x, loc?, scale?)', cdf: '(x, loc?, scale?)' }, {
  /** @example ad.stats.laplace.logpdf(0) // −log 2 */
  logpdf: logDensity('stats.laplace.logpdf', (z) => sub(neg(abs(z)), Math.LN2)),
  pdf: (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(laplace.logpdf(x, loc, scale)),
  /** ½eᶻ below 0, 1 − ½e^{−z} above. @example ad.stats.laplace.cdf(0) // 0.5 */
  cdf: ofZ('stats.laplace.cdf', (z) => where(less(z, 0), mul(0.5, exp(z)), sub(1, mul(0.5, exp(neg(z)))))),
});

/**
 * σ(z), as 1 − σ(−z) above 0: the same value to an ulp, but its derivative σ(−z)(1 − σ(−z)) keeps the
 * digits that σ's own σ(1 − σ) rounds away where σ(z) ≈ 1 (the gradient of logistic.cdf at 40 was 0 for the
 * density 4.2e−18, at 8 3e−14 relative off).
 */
const logisticCdf = (z: Tensor): Tensor => where(greater(z, 0), sub(1, sigmoid(neg(z))), sigmoid(z));

/** The logistic distribution, CDF σ(z) (jax.scipy.stats.logistic). */
export const logistic = refusingExtraIn('stats.logistic', { logpdf: '(x, loc?, scale?)', pdf: '(x, loc?, scale?)', cdf: '(x, loc?, scale?)', logcdf: '(x, loc?, scale?)', sf: '(x, loc?, scale?)', logsf: '(x, loc?, scale?)', ppf: '(q, loc?, scale?)', isf: '(q, loc?, scale?)' }, {
  /**
   * log σ(z) + log σ(−z), stable for any z; through logSigmoid, whose second derivative keeps its digits in both tails
   * (−softplus(z) − softplus(−z) took σ′ at σ ≈ 1: d²/dx² at z = 36.66 was half the true −1.8e−17). @example ad.stats.logistic.logpdf(0) // −2 log 2
   */
  logpdf: logDensity('stats.logistic.logpdf', (z) => add(logSigmoid(z), logSigmoid(neg(z)))),
  pdf: (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(logistic.logpdf(x, loc, scale)),
  /** @example ad.stats.logistic.cdf(0) // 0.5 */
  cdf: ofZ('stats.logistic.cdf', (z) => logisticCdf(z)),
  logcdf: ofZ('stats.logistic.logcdf', (z) => logSigmoid(z)),
  sf: ofZ('stats.logistic.sf', (z) => logisticCdf(neg(z))),
  logsf: ofZ('stats.logistic.logsf', (z) => logSigmoid(neg(z))),
  /** loc + scale·logit(q). @example ad.stats.logistic.ppf(0.5) // 0 */
  ppf: quantile('stats.logistic.ppf', (q) => logit(q)),
  isf: quantile('stats.logistic.isf', (q) => neg(logit(q))),
});

/**
 * tan(π(q − ½)) as −1/tan(πq) below ¼ and 1/tan(π(1 − q)) above ¾ (1 − q exact there): q − ½ rounds away
 * the digits of a small q, so tan(π(q − ½)) was −1.6e16 for every q below 1e−17 (−3.2e299 at q = 1e−300).
 * ppf(±0) = −∞ whatever the zero's sign (SciPy's).
 */
const cauchyQuantile = (q: Tensor) => where(less(q, 0.25), div(-1, tan(mul(Math.PI, add(q, 0)))), // q + 0: −0 is +0 (−1/tan(−0) was +∞)
  where(greater(q, 0.75), div(1, tan(mul(Math.PI, sub(1, q)))), tan(mul(Math.PI, sub(q, 0.5)))));

/**
 * log(1 + z²), as 2 log|z| where z² > 2⁵³ (there log1p(1/z²) < 1.2e−16 of log z² ≥ 36.7, below its last
 * place): z² overflows from |z| = 1.4e154, which left cauchy.logpdf(1e200) −∞, not −922.18. Each branch
 * sees a harmless z where it is not taken (0 for the first, 1 for the second), so no NaN reaches a gradient.
 */
const TWO_POW_26_5 = 94906265.62425156; // √2⁵³
function log1pSquare(z: Tensor): Tensor {
  const far = greater(abs(z), TWO_POW_26_5);
  return where(far, mul(2, log(abs(where(far, z, 1)))), log1p(square(where(far, 0, z))));
}

/**
 * log sf of the standard Cauchy distribution, log(atan2(1, z)/π); past z = 1e8, where atan2(1, z) is
 * 1/z to the last bit (the next term, 1/(3z³), is 3e−17 of it), −log z − log π: its derivative −1/z
 * stays right where the atan2 form's, −1/((1 + z²) atan2(1, z)), loses digits once 1 + z² nears the
 * float64 limit and is 0 past 1e154.
 */
function cauchyLogSf(z: Tensor): Tensor {
  const far = greater(z, 1e8), near = where(far, 0, z);
  return where(far, sub(neg(log(where(far, z, 1))), LOG_PI), logProbability(div(atan2Safe(near), Math.PI), div(atan2Safe(neg(near)), Math.PI)));
}

/** The Cauchy distribution, density 1/(π scale (1 + z²)) (jax.scipy.stats.cauchy). */
export const cauchy = refusingExtraIn('stats.cauchy', { logpdf: '(x, loc?, scale?)', pdf: '(x, loc?, scale?)', cdf: '(x, loc?, scale?)', logcdf: '(x, loc?, scale?)', sf: '(x, loc?, scale?)', logsf: '(x, loc?, scale?)', ppf: '(q, loc?, scale?)', isf: '(q, loc?, scale?)' }, {
  /** @example ad.stats.cauchy.logpdf(0) // −log π */
  logpdf: logDensity('stats.cauchy.logpdf', (z) => sub(neg(log1pSquare(z)), LOG_PI)),
  pdf: (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(cauchy.logpdf(x, loc, scale)),
  /** ½ + atan(z)/π as atan2(1, −z)/π, accurate in the lower tail. @example ad.stats.cauchy.cdf(0) // 0.5 */
  cdf: ofZ('stats.cauchy.cdf', (z) => div(atan2Safe(neg(z)), Math.PI)),
  logcdf: ofZ('stats.cauchy.logcdf', (z) => cauchyLogSf(neg(z))),
  sf: ofZ('stats.cauchy.sf', (z) => div(atan2Safe(z), Math.PI)),
  logsf: ofZ('stats.cauchy.logsf', cauchyLogSf),
  /** loc + scale·tan(π(q − ½)), accurate in both tails. @example ad.stats.cauchy.ppf(0.75) // 1 */
  ppf: quantile('stats.cauchy.ppf', (q) => probability(q, cauchyQuantile(q))),
  isf: quantile('stats.cauchy.isf', (q) => probability(q, neg(cauchyQuantile(q)))),
});

/** The uniform distribution on [loc, loc + scale] (jax.scipy.stats.uniform). */
export const uniform = refusingExtraIn('stats.uniform', { logpdf: '(x, loc?, scale?)', pdf: '(x, loc?, scale?)', cdf: '(x, loc?, scale?)', ppf: '(q, loc?, scale?)' }, {
  /** −log scale inside, −∞ outside. @example ad.stats.uniform.logpdf(0.5) // 0 */
  logpdf: logDensity('stats.uniform.logpdf', () => 0, inUnitInterval),
  pdf: (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(uniform.logpdf(x, loc, scale)),
  /** @example ad.stats.uniform.cdf(0.25) // 0.25 */
  cdf: ofZ('stats.uniform.cdf', (z) => clip(z, 0, 1)),
  /** @example ad.stats.uniform.ppf(0.25, 1, 2) // 1.5 */
  ppf: quantile('stats.uniform.ppf', (q) => probability(q, q)),
});
