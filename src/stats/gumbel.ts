/**
 * @file The Gumbel distributions (jax.scipy.stats' gumbel_r and gumbel_l, SciPy's): the right-skewed
 * one has CDF exp(−e^{−z}), the left-skewed its mirror image, 1 − exp(−eᶻ); z = (x − loc)/scale.
 * Every function takes (x, loc = 0, scale = 1), broadcasting; scale ≤ 0 gives NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, clip, div, exp, expm1, greater, lessEqual, log, log1p, mul, neg, sub, where } from './ops.js';
import { fromLog } from './args.js';
import { logDensity, ofZ, probability, quantile } from './locationScale.js';
import { refusingExtraIn } from '../core/extraArguments.js';

/**
 * The functions below see z clipped to [−30, ∞) where e^{−z} only feeds an exponential: from z = −30,
 * e^{−z} > 1e13 and exp(−e^{−z}) is exactly 0 (its derivative too), and unclipped the overflow of
 * e^{−z} past z = −709.8 made the derivative 0·∞ = NaN.
 */
const LOW = -30;

/** cdf of the right-skewed Gumbel distribution, exp(−e^{−z}). */
const cdfR = (z: Tensor): Tensor => exp(neg(exp(neg(clip(z, LOW, Infinity)))));
/** sf of the right-skewed Gumbel distribution, 1 − exp(−e^{−z}) as −expm1(−e^{−z}) (no cancellation where it is small). */
const sfR = (z: Tensor): Tensor => neg(expm1(neg(exp(neg(clip(z, LOW, Infinity))))));
/** log cdf, −e^{−z}. */
const logCdfR = (z: Tensor): Tensor => neg(exp(neg(z)));

/**
 * log sf = log(1 − e^{−t}) with t = e^{−z} (Mächler's log1mexp: log(−expm1(−t)) for t ≤ ln 2,
 * log1p(−e^{−t}) above); past z = 5 (t < 0.0068) its series log t + log((1 − e^{−t})/t) =
 * −z − t/2 + t²/24 − t⁴/2880 + t⁶/181440 (the coefficients B₂ₖ/(2k·(2k)!)), whose next term is below
 * 1e−25 of the value there: defined where t underflows (from z = 745 log(−expm1(−t)) was −∞, not −z),
 * and its second derivative keeps its digits, where the log1mexp form's cancels (1.2e−7 off at z = 20).
 */
function logSfR(z: Tensor): Tensor {
  const far = greater(z, 5);
  const farZ = where(far, z, 6);
  const t = exp(neg(farZ)), t2 = mul(t, t);
  const correction = mul(t2, add(1 / 24, mul(t2, add(-1 / 2880, div(t2, 181440))))); // t²/24 − t⁴/2880 + t⁶/181440
  const series = add(sub(neg(farZ), mul(t, 0.5)), correction);
  const u = exp(neg(clip(where(far, 0, z), LOW, 5)));
  const small = lessEqual(u, Math.LN2);
  const near = where(small, log(neg(expm1(neg(where(small, u, 0.5))))), log1p(neg(exp(neg(where(small, 1, u))))));
  return where(far, series, near);
}

/** −log q, as −log1p(q − 1) above ½ (q − 1 is exact there, and log q ≈ q − 1 keeps its digits). */
const negLog = (q: Tensor): Tensor => {
  const high = greater(q, 0.5);
  return where(high, neg(log1p(sub(where(high, q, 1), 1))), neg(log(where(high, 0.5, q))));
};

const signatures = { logpdf: '(x, loc?, scale?)', pdf: '(x, loc?, scale?)', cdf: '(x, loc?, scale?)', logcdf: '(x, loc?, scale?)', sf: '(x, loc?, scale?)', logsf: '(x, loc?, scale?)', ppf: '(q, loc?, scale?)', isf: '(q, loc?, scale?)' };

/** The right-skewed Gumbel distribution, density e^{−z − e^{−z}}/scale (jax.scipy.stats.gumbel_r). */
export const gumbelR = refusingExtraIn('stats.gumbelR', signatures, {
  /** −z − e^{−z} − log scale. @example ad.stats.gumbelR.logpdf(0) // −1 */
  logpdf: logDensity('stats.gumbelR.logpdf', (z) => sub(neg(z), exp(neg(z)))),
  pdf: (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(gumbelR.logpdf(x, loc, scale)),
  /** exp(−e^{−z}). @example ad.stats.gumbelR.cdf(0) // 1/e */
  cdf: ofZ('stats.gumbelR.cdf', cdfR),
  logcdf: ofZ('stats.gumbelR.logcdf', logCdfR),
  sf: ofZ('stats.gumbelR.sf', sfR),
  logsf: ofZ('stats.gumbelR.logsf', logSfR),
  /** loc − scale·log(−log q). @example ad.stats.gumbelR.ppf(Math.exp(-1)) // 0 */
  ppf: quantile('stats.gumbelR.ppf', (q) => probability(q, neg(log(negLog(q))))),
  isf: quantile('stats.gumbelR.isf', (q) => probability(q, neg(log(neg(log1p(neg(q))))))),
});

/** The left-skewed Gumbel distribution, density e^{z − eᶻ}/scale: gumbelR mirrored (jax.scipy.stats.gumbel_l). */
export const gumbelL = refusingExtraIn('stats.gumbelL', signatures, {
  /** z − eᶻ − log scale. @example ad.stats.gumbelL.logpdf(0) // −1 */
  logpdf: logDensity('stats.gumbelL.logpdf', (z) => sub(z, exp(z))),
  pdf: (x: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(gumbelL.logpdf(x, loc, scale)),
  /** 1 − exp(−eᶻ). @example ad.stats.gumbelL.cdf(0) // 1 − 1/e */
  cdf: ofZ('stats.gumbelL.cdf', (z) => sfR(neg(z))),
  logcdf: ofZ('stats.gumbelL.logcdf', (z) => logSfR(neg(z))),
  sf: ofZ('stats.gumbelL.sf', (z) => cdfR(neg(z))),
  logsf: ofZ('stats.gumbelL.logsf', (z) => logCdfR(neg(z))),
  /** loc + scale·log(−log(1 − q)). @example ad.stats.gumbelL.ppf(1 - Math.exp(-1)) // 0 */
  ppf: quantile('stats.gumbelL.ppf', (q) => probability(q, log(neg(log1p(neg(q)))))),
  isf: quantile('stats.gumbelL.isf', (q) => probability(q, log(negLog(q)))),
});
