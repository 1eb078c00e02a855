/**
 * @file The overdispersed counts of jax.scipy.stats: the negative binomial (failures before the n-th success, SciPy's
 * nbinom) and the beta-binomial (binomial with a Beta(a, b) success probability). Log-masses in betaln and, for large
 * arguments, Loader's saddle-point terms (logGammaDensity, logBinomialDensity), so that terms of size n·log n do not
 * cancel; differentiable in n, p, a and b. k not an integer or outside the support gives −∞; invalid parameters NaN,
 * as SciPy (n ≤ 0 or p outside (0, 1] for nbinom; n < 0, a ≤ 0 or b ≤ 0 for betabinom).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { abs, add, div, equal, greater, greaterEqual, less, lessEqual, log, log1p, logicalAnd, mul, neg, sub, where, xlogy } from './ops.js';
import { logicalNot } from '../ops/predicates.js';
import { stopGradient } from '../ops/select.js';
import { betaln } from '../special/gamma.js';
import { xlog1py } from '../special/elementary.js';
import { logBinomialDensity, logGammaDensity } from './gamma.js';
import { integerFrom } from './discrete.js';
import { args, fromLog, inSupport, nanUnless, validAndNotNaN } from './args.js';
import { refusingExtraIn } from '../core/extraArguments.js';

/** The negative binomial distribution (jax.scipy.stats.nbinom): failures k before the n-th success of probability p. */
export const nbinom = refusingExtraIn('stats.nbinom', { logpmf: '(k, n, p, loc?)', pmf: '(k, n, p, loc?)' }, {
  /**
   * log Γ(k + n)/(Γ(n) k!) + n log p + k log(1 − p), the coefficient as −log(n + k) − betaln(n, k + 1); for n + k ≥ 30
   * and 0 < p < 1 as log(n/(n + k)) + log C(n + k, n) pⁿ(1 − p)ᵏ in Loader's form (R's dnbinom through dbinom_raw):
   * the direct sum cancels terms of size n·|log p|. At k = 0 exactly n log p. @example ad.stats.nbinom.logpmf(0, 3, 0.5) // 3 log ½
   */
  logpmf(k: TensorLike, n: TensorLike, p: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, nt, pt, l] = args('stats.nbinom.logpmf', k, n, p, loc);
    const j = sub(kt!, l!);
    const inside = integerFrom(j, 0);
    const valid = validAndNotNaN(logicalAnd(greater(nt!, 0), logicalAnd(greater(pt!, 0), lessEqual(pt!, 1))), kt!, l!);
    const nS = where(valid, nt!, 1), pS = where(valid, pt!, 0.5), js = where(inside, j, 0);
    const head = xlogy(nS, pS);
    const direct = where(equal(js, 0), head, add(sub(neg(log(add(nS, js))), betaln(nS, add(js, 1))), add(head, xlog1py(js, neg(pS)))));
    // Loader's form from n ≥ 1: below, its log1p(k/n) overflows (k = 1e10, n = 1e−300 gave −∞ for −713.8), and the
    // direct form has nothing to cancel (n·|log p| is small).
    const interior = logicalAnd(logicalAnd(logicalAnd(inside, greaterEqual(js, 1)), greaterEqual(nS, 1)), logicalAnd(greaterEqual(add(nS, js), 30), less(pS, 1)));
    const nI = where(interior, nS, 1), jI = where(interior, js, 1), pI = where(interior, pS, 0.5);
    // logBinomialDensity(n, n + k, p, q) written out, with k itself where it would form (n + k) − n: through that
    // difference the shape-derivative of the middle term (0.095) reaches n twice with opposite signs, and the small
    // y-derivative (8e−19) added to one of them first is lost (∂/∂n at (10, 1e12, 1 − 1e−11) was −6.9e−18 for −8.27e−19).
    const total = add(nI, jI);
    const saddle = sub(sub(add(logGammaDensity(add(nI, 1), mul(total, pI)), logGammaDensity(add(jI, 1), mul(total, sub(1, pI)))),
      logGammaDensity(add(total, 1), total)), log1p(div(jI, nI)));
    return nanUnless(valid, inSupport(inside, where(interior, saddle, direct), -Infinity));
  },
  /** @example ad.stats.nbinom.pmf(1, 1, 0.5) // 0.25 */
  pmf: (k: TensorLike, n: TensorLike, p: TensorLike, loc: TensorLike = 0) => fromLog(nbinom.logpmf(k, n, p, loc)),
});

/**
 * G(x, m) = lgamma(x) − lgamma(x + m) + m log x, from logGammaDensity(x + m, x) − logGammaDensity(x, x): both O(log x)
 * in Loader's form near their mode (x large, m² ≪ x), so lgamma(x + m) − lgamma(x) = m log x − G(x, m) keeps its
 * digits where two lgammas of size x log x would cancel. G(x, 0) = 0 exactly; m may be negative (x + m > 0).
 */
const shiftRemainder = (x: Tensor, m: Tensor): Tensor => sub(logGammaDensity(add(x, m), x), logGammaDensity(x, x));
/** lgamma(x + m) − lgamma(x) as m log x − G(x, m), with the magnitude of its two terms. */
function gammaShift(x: Tensor, m: Tensor): { value: Tensor; size: Tensor } {
  const head = mul(m, log(x)), rest = shiftRemainder(x, m);
  return { value: sub(head, rest), size: add(abs(head), abs(rest)) };
}

/** The beta-binomial distribution (jax.scipy.stats.betabinom): k successes in n trials with p ~ Beta(a, b). */
export const betabinom = refusingExtraIn('stats.betabinom', { logpmf: '(k, n, a, b, loc?)', pmf: '(k, n, a, b, loc?)' }, {
  /**
   * log C(n, k) + betaln(k + a, n − k + b) − betaln(a, b) (SciPy's and JAX's form), whose terms, of size n log 2 or
   * (a + b) log, cancel to O(log n) for large arguments; the same sum is also regrouped two ways, and the grouping
   * whose terms are smallest in magnitude is taken:
   *  - as Γ ratios of nearby arguments, [lgamma(n + 1) − lgamma(n + a + b)] + [lgamma(k + a) − lgamma(k + 1)] +
   *    [lgamma(n − k + b) − lgamma(n − k + 1)] − betaln(a, b), each bracket by gammaShift (no cancellation for a, b ≪
   *    k, n − k: betabinom(5e5; 1e6, ½, ½) keeps 15 digits, not 12);
   *  - as the binomial mass at p = a/(a + b) (Loader's form) with each Γ ratio Γ(x + m)/Γ(x) as m log x − G(x, m),
   *    x ∈ {a, b, a + b} (for a, b ≫ n: betabinom(5; 10, 1e8, 1e8) keeps 16 digits, not 8).
   * log C(n, 0) is exactly 0, log C(n, n) 0 in value (its n-derivative ψ(n + 1) − ψ(1) kept). n need not be an
   * integer (as binom and JAX; SciPy gives NaN). @example ad.stats.betabinom.logpmf(0, 2, 1, 1) // −log 3
   */
  logpmf(k: TensorLike, n: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0): Tensor {
    const [kt, nt, at, bt, l] = args('stats.betabinom.logpmf', k, n, a, b, loc);
    const j = sub(kt!, l!);
    const valid = validAndNotNaN(logicalAnd(greaterEqual(nt!, 0), logicalAnd(greater(at!, 0), greater(bt!, 0))), kt!, l!);
    const nS = where(valid, nt!, 1), aS = where(valid, at!, 1), bS = where(valid, bt!, 1);
    const inside = logicalAnd(integerFrom(j, 0), lessEqual(j, nS));
    const js = where(inside, j, 0);
    const rest = sub(nS, js);
    const ab = add(aS, bS);
    const first = equal(js, 0), last = equal(rest, 0);
    // log C(n, k): 0 at k = 0 (for every n); at k = n, 0 in value with its n-derivative (betaln's rounding would give ±2e−16).
    const choose = neg(add(log1p(nS), betaln(add(rest, 1), add(where(first, 1, js), 1))));
    const logChoose = where(first, 0, where(last, sub(choose, stopGradient(choose)), choose));
    const betaUpper = betaln(add(js, aS), add(rest, bS)), betaAB = betaln(aS, bS);
    const direct = sub(add(logChoose, betaUpper), betaAB);
    const directSize = add(add(abs(logChoose), abs(betaUpper)), abs(betaAB));
    // Γ ratios of nearby arguments.
    const s1 = gammaShift(add(nS, 1), sub(ab, 1)), s2 = gammaShift(add(js, 1), sub(aS, 1)), s3 = gammaShift(add(rest, 1), sub(bS, 1));
    const shifted = sub(add(sub(s2.value, s1.value), s3.value), betaAB);
    const shiftedSize = add(add(add(s1.size, s2.size), s3.size), abs(betaAB));
    // The binomial at p = a/(a + b): n log q at k = 0, n log p (+ log C(n, n)'s derivative) at k = n, else Loader's form.
    const logP = neg(log1p(div(bS, aS))), logQ = neg(log1p(div(aS, bS)));
    const interior = logicalAnd(logicalNot(first), logicalNot(last));
    const jI = where(interior, js, 1), nI = where(interior, nS, 2);
    const binomial = where(first, mul(nS, logQ), where(last, add(mul(nS, logP), logChoose), logBinomialDensity(jI, nI, div(aS, ab), div(bS, ab))));
    const gA = shiftRemainder(aS, js), gB = shiftRemainder(bS, rest), gAB = shiftRemainder(ab, nS);
    const saddle = add(sub(sub(binomial, gA), gB), gAB);
    const saddleSize = add(add(add(abs(binomial), abs(gA)), abs(gB)), abs(gAB));
    const best = where(less(shiftedSize, directSize),
      where(less(saddleSize, shiftedSize), saddle, shifted), where(less(saddleSize, directSize), saddle, direct));
    return nanUnless(valid, inSupport(inside, best, -Infinity));
  },
  /** @example ad.stats.betabinom.pmf(1, 2, 1, 1) // 1/3 */
  pmf: (k: TensorLike, n: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0) => fromLog(betabinom.logpmf(k, n, a, b, loc)),
});
