/**
 * @file The discrete distributions of jax.scipy.stats — poisson, bernoulli, binom, geom — as
 * log-mass functions in lgamma, betaln and xlogy/xlog1py (so 0·log 0 = 0 at the edges p = 0, 1),
 * differentiable in their parameters. Outside the support (k not an integer, or out of range)
 * logpmf is −∞ and pmf 0, as SciPy; invalid parameters (μ < 0, p outside [0, 1]) give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, equal, floor, greater, greaterEqual, less, lessEqual, log, log1p, logicalAnd, logicalOr, neg, sub, where, xlogy } from './ops.js';
import { gammaincc, betaln } from '../special/gamma.js';
import { xlog1py } from '../special/elementary.js';
import { logBinomialDensity, logGammaDensity } from './gamma.js';
import { args, fromLog, inSupport, inUnitInterval, nanUnless, validAndNotNaN } from './args.js';
import { refusingExtraIn } from '../core/extraArguments.js';

/** 1 where k is a (finite) integer ≥ lo. */
export const integerFrom = (k: Tensor, lo: number) => logicalAnd(logicalAnd(equal(floor(k), k), greaterEqual(k, lo)), less(k, Infinity));
/** 1 where p is in [0, 1]. */
const isProbability = inUnitInterval;
/** k inside the support, else a harmless 0 (so no NaN reaches a gradient through the branch not taken). */
const safe = (inside: Tensor, k: Tensor) => where(inside, k, 0);

/** The Poisson distribution with mean μ (jax.scipy.stats.poisson): logpmf, pmf, cdf. */
export const poisson = refusingExtraIn('stats.poisson', { logpmf: '(k, mu, loc?)', pmf: '(k, mu, loc?)', cdf: '(k, mu, loc?)' }, {
  /** k log μ − μ − lgamma(k + 1) (the Γ(k + 1) log-density at μ, without its terms' cancellation for large k). @example ad.stats.poisson.logpmf(0, 2) // −2 */
  logpmf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, m, l] = args('stats.poisson.logpmf', k, mu, loc);
    const j = sub(kt!, l!);
    const inside = integerFrom(j, 0);
    const js = safe(inside, j);
    return nanUnless(validAndNotNaN(greaterEqual(m!, 0), kt!, l!), inSupport(inside, logGammaDensity(add(js, 1), m!), -Infinity));
  },
  /** @example ad.stats.poisson.pmf(1, 1) // e⁻¹ */
  pmf: (k: TensorLike, mu: TensorLike, loc: TensorLike = 0) => fromLog(poisson.logpmf(k, mu, loc)),
  /** P(K ≤ k) = Q(⌊k⌋ + 1, μ), 0 below 0. @example ad.stats.poisson.cdf(0, 2) // e⁻² */
  cdf(k: TensorLike, mu: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, m, l] = args('stats.poisson.cdf', k, mu, loc);
    const j = floor(sub(kt!, l!));
    const inside = greaterEqual(j, 0), finite = less(j, Infinity); // P(K ≤ ∞) = 1, not Q(∞, μ) = NaN
    const below = gammaincc(add(safe(logicalAnd(inside, finite), j), 1), m!);
    return nanUnless(validAndNotNaN(greaterEqual(m!, 0), kt!, l!), inSupport(inside, where(finite, below, 1), 0));
  },
});

/** The Bernoulli distribution with P(1) = p (jax.scipy.stats.bernoulli): logpmf, pmf, cdf, ppf. */
export const bernoulli = refusingExtraIn('stats.bernoulli', { logpmf: '(k, p, loc?)', pmf: '(k, p, loc?)', cdf: '(k, p, loc?)', ppf: '(q, p, loc?)' }, {
  /** k log p + (1 − k) log(1 − p) on k ∈ {0, 1}. @example ad.stats.bernoulli.logpmf(1, 0.25) // log 0.25 */
  logpmf(k: TensorLike, p: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, pt, l] = args('stats.bernoulli.logpmf', k, p, loc);
    const j = sub(kt!, l!);
    const inside = logicalAnd(integerFrom(j, 0), lessEqual(j, 1));
    const js = safe(inside, j);
    return nanUnless(validAndNotNaN(isProbability(pt!), kt!, l!), inSupport(inside, add(xlogy(js, pt!), xlog1py(sub(1, js), neg(pt!))), -Infinity));
  },
  pmf: (k: TensorLike, p: TensorLike, loc: TensorLike = 0) => fromLog(bernoulli.logpmf(k, p, loc)),
  /** 0 below 0, 1 − p on [0, 1), 1 from 1. @example ad.stats.bernoulli.cdf(0.5, 0.25) // 0.75 */
  cdf(k: TensorLike, p: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, pt, l] = args('stats.bernoulli.cdf', k, p, loc);
    const j = sub(kt!, l!);
    return nanUnless(validAndNotNaN(isProbability(pt!), kt!, l!), where(less(j, 0), 0, where(less(j, 1), sub(1, pt!), 1)));
  },
  /** The smallest k with cdf(k) ≥ q: 0 for q ≤ 1 − p, else 1; q outside [0, 1] gives NaN. @example ad.stats.bernoulli.ppf(0.9, 0.25) // 1 */
  ppf(q: TensorLike, p: TensorLike, loc: TensorLike = 0): Tensor {
    const [qt, pt, l] = args('stats.bernoulli.ppf', q, p, loc);
    return nanUnless(isProbability(pt!), nanUnless(isProbability(qt!), add(l!, where(lessEqual(qt!, sub(1, pt!)), 0, 1))));
  },
});

/** The binomial distribution of n trials with success probability p (jax.scipy.stats.binom): logpmf, pmf. */
export const binom = refusingExtraIn('stats.binom', { logpmf: '(k, n, p, loc?)', pmf: '(k, n, p, loc?)' }, {
  /**
   * log C(n, k) + k log p + (n − k) log(1 − p), with log C(n, k) = −log(n + 1) − log B(n − k + 1, k + 1)
   * (betaln: no cancellation of lgammas for large n). @example ad.stats.binom.logpmf(0, 3, 0.5) // −3 log 2
   */
  logpmf(k: TensorLike, n: TensorLike, p: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, nt, pt, l] = args('stats.binom.logpmf', k, n, p, loc);
    const j = sub(kt!, l!);
    const inside = logicalAnd(integerFrom(j, 0), lessEqual(j, nt!));
    const js = safe(inside, j);
    const rest = sub(nt!, js);
    // C(n, 0) = C(n, n) = 1 for every n: exactly 0 there (betaln's rounding gave ±4e-16: binom.logpmf(5, 5, 1)).
    const logChoose = where(logicalOr(equal(js, 0), equal(rest, 0)), 0, neg(add(log1p(nt!), betaln(add(rest, 1), add(js, 1)))));
    const edge = add(logChoose, add(xlogy(js, pt!), xlog1py(rest, neg(pt!))));
    // 0 < k < n: Loader's saddle-point form (logBinomialDensity); the direct sum above cancels terms of size
    // n·|log p| (binom.logpmf(588463769900, 588913586068, 0.99923627…) was −13.1764912605 for −13.1764915178).
    // At k = 0 and k = n the direct form is one exact term (n log1p(−p), n log p), and below n = 30 its cancellation is
    // under 1e−14 (it keeps binom.pmf(2, 4, ½) = 3/8 exact). Unused branches get k = 1, n = 2, p = ½.
    const interior = logicalAnd(logicalAnd(inside, greaterEqual(nt!, 30)), logicalAnd(greater(js, 0), less(js, nt!)));
    const ki = where(interior, js, 1), ni = where(interior, nt!, 2), pi = where(interior, pt!, 0.5);
    const saddle = logBinomialDensity(ki, ni, pi, sub(1, pi));
    const valid = validAndNotNaN(logicalAnd(isProbability(pt!), greaterEqual(nt!, 0)), kt!, l!);
    return nanUnless(valid, inSupport(inside, where(interior, saddle, edge), -Infinity));
  },
  pmf: (k: TensorLike, n: TensorLike, p: TensorLike, loc: TensorLike = 0) => fromLog(binom.logpmf(k, n, p, loc)),
});

/** The geometric distribution of the trial of the first success, k = 1, 2, … (jax.scipy.stats.geom): logpmf, pmf. */
export const geom = refusingExtraIn('stats.geom', { logpmf: '(k, p, loc?)', pmf: '(k, p, loc?)' }, {
  /** (k − 1) log(1 − p) + log p. @example ad.stats.geom.logpmf(1, 0.5) // −log 2 */
  logpmf(k: TensorLike, p: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, pt, l] = args('stats.geom.logpmf', k, p, loc);
    const j = sub(kt!, l!);
    const inside = integerFrom(j, 1);
    const js = where(inside, j, 1);
    // p in (0, 1], as SciPy's (p = 0, no success ever, is outside its domain: NaN, not −∞ everywhere).
    const valid = validAndNotNaN(logicalAnd(greater(pt!, 0), lessEqual(pt!, 1)), kt!, l!);
    return nanUnless(valid, inSupport(inside, add(xlog1py(sub(js, 1), neg(pt!)), log(pt!)), -Infinity));
  },
  pmf: (k: TensorLike, p: TensorLike, loc: TensorLike = 0) => fromLog(geom.logpmf(k, p, loc)),
});
