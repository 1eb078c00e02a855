/**
 * @file Student's t distribution (jax.scipy.stats.t): z = (x − loc)/scale, u = z²/ν, log-density
 * −betaln(ν/2, ½) − ½ log ν − log scale − (ν + 1)/2 · log1p(u) (= lgamma((ν + 1)/2) − lgamma(ν/2) − ½ log(νπ) − …),
 * rearranged for large ν so that its derivative in ν, O(1/ν²), is not a difference of O(1/ν) terms;
 * df or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor, type TensorLike } from '../tensor/create.js';
import { abs, add, div, equal, greater, greaterEqual, lessEqual, log, log1p, mul, neg, polyval, square, sub, where } from './ops.js';
import { betaln } from '../special/gamma.js';
import { args, fromLog, greaterZero, nanUnless } from './args.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * c(m) = lgamma(m + ½) − lgamma(m) − ½ log m = Σⱼ cⱼ m^{1−2j}, the difference of the Stirling series
 * of lgamma(m + a) at a = ½ and a = 0 (A&S 6.1.40 with Bernoulli polynomials, B₂ⱼ(½) = (2^{1−2j} − 1) B₂ⱼ):
 * cⱼ = (2^{1−2j} − 2) B₂ⱼ / ((2j − 1) 2j) = −1/8, 1/192, −1/640, 17/14336, … Thirteen terms reach 2e−18
 * relative at m = 8, where the series takes over.
 */
const C_SERIES = [
  -0.125, 0.005208333333333333, -0.0015625, 0.0011858258928571428, -0.001681857638888889, 0.0038341175426136365,
  -0.012819730318509616, 0.059100405375162764, -0.359287374159869, 2.784861777958117, -26.80572169735318,
  313.69655055423146, -4386.206601307094,
];
const C_FROM = 8;
const HALF_LOG_2PI = 0.9189385332046728;

/** Σₖ cₖ yᵏ, k from 0, by numpy.polyval's Horner rule (which takes the highest degree first). */
const series = (coefficients: readonly number[], y: Tensor): Tensor => polyval(tensor([...coefficients].reverse()), y);

/** Q(s) = Σₖ sᵏ/(2k + 1), k < 18: to 2e−18 for s ≤ 1/9. */
const Q_SERIES = Array.from({ length: 18 }, (_, k) => 1 / (2 * k + 1));

/**
 * lgamma((ν + 1)/2) − lgamma(ν/2) − ½ log(νπ): −betaln(ν/2, ½) − ½ log ν below ν = 16, whose ν-derivative
 * ½(ψ((ν + 1)/2) − ψ(ν/2)) − 1/(2ν) cancels to O(1/ν²) (5e−12 relative at ν = 100, all digits at 1e15);
 * above, c(ν/2) − ½ log 2π with c the series above, differentiated term by term.
 */
function logNormaliser(nu: Tensor): Tensor {
  const m = div(nu, 2);
  const large = greaterEqual(m, C_FROM);
  const w = div(1, where(large, m, C_FROM)); // the unused branch kept finite
  const asymptotic = sub(mul(w, series(C_SERIES, square(w))), HALF_LOG_2PI);
  const direct = sub(neg(betaln(where(large, 1, m), 0.5)), mul(0.5, log(where(large, 2, nu))));
  return where(large, asymptotic, direct);
}

/**
 * (ν + 1)/2 · log1p(u), u = z²/ν. Its ν-derivative −½ log1p(u) + (ν + 1) u/(2ν(1 + u)) is O(1/ν²) from
 * O(u) terms; for u ≤ 1 it is written (z²/2) h(u) + ½ log1p(u) with h(u) = log1p(u)/u = (1 − t) Q(t²),
 * t = u/(2 + u) (log1p(u) = 2 atanh t), so the ν-derivative (u²/2)·(−h′(u)) − … comes from h′, which
 * does not cancel, and ν = ∞ needs no ∞·0.
 */
function logKernel(z: Tensor, nu: Tensor): Tensor {
  const z2 = square(z);
  // u = 0 at ν = ∞ also where z² overflows (∞/∞ was NaN: t.logpdf(1e200, ∞) is the normal's −∞).
  const u = where(equal(nu, Infinity), 0, div(z2, nu));
  const small = lessEqual(u, 1);
  const us = where(small, u, 0);
  const t = div(us, add(us, 2));
  const h = mul(sub(1, t), series(Q_SERIES, square(t)));
  const near = add(mul(mul(0.5, z2), h), mul(0.5, log1p(us)));
  // log1p(u) = log u + log1p(1/u), as 2 log|z| − log ν where u > 2⁵³ (log1p(1/u) < 1.2e−16 of log u ≥ 36.7):
  // z² overflows from |z| = 1.4e154, which left t.logpdf(1e200, 1) −∞, not −922.18. z is 1 where not taken.
  const huge = greater(u, 2 ** 53);
  const logU = sub(mul(2, log(abs(where(huge, z, 1)))), log(nu));
  const far = mul(div(add(nu, 1), 2), where(huge, logU, log1p(u)));
  return where(small, near, far);
}

/** log-density of t(df) at x. @example ad.stats.t.logpdf(0, 1) // −log π */
export function logpdf(x: TensorLike, df: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logpdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.t.logpdf', 'stats.t.logpdf(x, df, loc?, scale?)', extra, scale);
  const [xt, nu, l, s] = args('stats.t.logpdf', x, df, loc, scale);
  const z = div(sub(xt!, l!), s!);
  // −betaln(ν/2, ½) rather than lgamma((ν + 1)/2) − lgamma(ν/2): no cancellation of two lgammas of size
  // ν log ν (they left t.logpdf(0, 1e15) at +2.16, not −0.919).
  const norm = sub(logNormaliser(nu!), log(s!));
  return nanUnless(greaterZero(nu!, s!), sub(norm, logKernel(z, nu!)));
}
/** @example ad.stats.t.pdf(0, 1) // 1/π */
export function pdf(x: TensorLike, df: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function pdf(x: TensorLike, df: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.t.pdf', 'stats.t.pdf(x, df, loc?, scale?)', extra, scale);
  return fromLog(logpdf(x, df, loc, scale));
}
