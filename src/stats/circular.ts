/**
 * @file The circular distributions of jax.scipy.stats: von Mises (an angle with concentration κ, any real x, period
 * 2π, as SciPy's vonmises and JAX's) and the wrapped Cauchy (on [0, 2π], 0 < c < 1). Both are written with
 * 1 − cos x = 2 sin²(x/2), so nothing cancels near x = 0 where the mass gathers as κ → ∞ or c → 1.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor, type TensorLike } from '../tensor/create.js';
import { add, div, greater, greaterEqual, less, lessEqual, log, log1p, logicalAnd, mul, neg, polyval, square, sub, where } from './ops.js';
import { sin } from '../ops/unary.js';
import { i0e } from '../special/bessel.js';
import { args, fromLog, inSupport, nanUnless, validAndNotNaN } from './args.js';
import { refusingExtraIn } from '../core/extraArguments.js';

const LOG_2PI = 1.8378770664093453;
const TWO_PI = 6.283185307179586;

/** sin²(x/2) = (1 − cos x)/2 without its cancellation near 0. */
const halfVersine = (x: Tensor): Tensor => square(sin(div(x, 2)));

/**
 * e^{−κ}I₀(κ)√(2πκ) ~ Σₖ aₖ κ⁻ᵏ, aₖ = ((2k − 1)!!)²/(k! 8ᵏ) (A&S 9.7.1), a₀ = 1, aₖ = aₖ₋₁(2k − 1)²/(8k): sixteen
 * terms are within 2e−17 of it from κ = 30 (against mpmath), where the series takes over.
 */
const I0E_SERIES: number[] = [1];
for (let k = 1; k < 16; k++) I0E_SERIES.push(I0E_SERIES[k - 1]! * (2 * k - 1) ** 2 / (8 * k));
const I0E_POLY = tensor([...I0E_SERIES].reverse());
const SERIES_FROM = 30;

/**
 * log(e^{−κ}I₀(κ)) for κ > 0: log i0e(κ) below 30; above, −½ log(2πκ) + log S(1/κ) with S the series above.
 * Its κ-derivative I₁/I₀ − 1 ≈ −1/(2κ) is, from i0e and i1e, a difference of two numbers near 1/√(2πκ) that keeps
 * only ε·2κ of relative accuracy (3e−12 at κ = 1e4); from the series it is a sum without cancellation.
 */
function logI0e(kappa: Tensor): Tensor {
  const large = greaterEqual(kappa, SERIES_FROM);
  const kL = where(large, kappa, SERIES_FROM);
  const series = sub(log(polyval(I0E_POLY, div(1, kL))), mul(0.5, add(LOG_2PI, log(kL))));
  const direct = log(i0e(where(large, 1, kappa)));
  return where(large, series, direct);
}

/** The von Mises distribution with concentration κ (jax.scipy.stats.vonmises): logpdf, pdf, over a period 2π (x any real). */
export const vonmises = refusingExtraIn('stats.vonmises', { logpdf: '(x, kappa)', pdf: '(x, kappa)' }, {
  /**
   * κ(cos x − 1) − log(2π e^{−κ}I₀(κ)), with κ(cos x − 1) as −2κ sin²(x/2) (accurate at large κ near x = 0).
   * κ ≤ 0 or κ = ∞ give NaN, as SciPy. @example ad.stats.vonmises.logpdf(0, 1) // −1.0737914249165241
   */
  logpdf(x: TensorLike, kappa: TensorLike): Tensor {
    const [xt, k] = args('stats.vonmises.logpdf', x, kappa);
    const valid = validAndNotNaN(logicalAnd(greater(k!, 0), less(k!, Infinity)), xt!);
    const kS = where(valid, k!, 1);
    return nanUnless(valid, sub(sub(mul(mul(-2, kS), halfVersine(xt!)), LOG_2PI), logI0e(kS)));
  },
  /** @example ad.stats.vonmises.pdf(0, 1) // 0.34171048862346315 */
  pdf: (x: TensorLike, kappa: TensorLike) => fromLog(vonmises.logpdf(x, kappa)),
});

/** The wrapped Cauchy distribution on [0, 2π] with 0 < c < 1 (jax.scipy.stats.wrapcauchy): logpdf, pdf. */
export const wrapcauchy = refusingExtraIn('stats.wrapcauchy', { logpdf: '(x, c)', pdf: '(x, c)' }, {
  /**
   * log(1 − c²) − log 2π − log(1 + c² − 2c cos x), as log1p(−c) + log1p(c) and (1 − c)² + 4c sin²(x/2): neither
   * rounds away 1 − c near c = 1. −∞ outside [0, 2π]; c outside (0, 1) gives NaN.
   * @example ad.stats.wrapcauchy.logpdf(0, 0.5) // log(3/(2π))
   */
  logpdf(x: TensorLike, c: TensorLike): Tensor {
    const [xt, ct] = args('stats.wrapcauchy.logpdf', x, c);
    const valid = validAndNotNaN(logicalAnd(greater(ct!, 0), less(ct!, 1)), xt!);
    const cS = where(valid, ct!, 0.5);
    const inside = logicalAnd(greaterEqual(xt!, 0), lessEqual(xt!, TWO_PI));
    const xS = where(inside, xt!, 1);
    const denominator = add(square(sub(1, cS)), mul(mul(4, cS), halfVersine(xS)));
    const value = sub(sub(add(log1p(neg(cS)), log1p(cS)), LOG_2PI), log(denominator));
    return nanUnless(valid, inSupport(inside, value, -Infinity));
  },
  /** @example ad.stats.wrapcauchy.pdf(0, 0.5) // 3/(2π) */
  pdf: (x: TensorLike, c: TensorLike) => fromLog(wrapcauchy.logpdf(x, c)),
});
