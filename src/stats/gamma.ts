/**
 * @file The gamma distribution (shape a, jax.scipy.stats.gamma) and χ² (df, as gamma with
 * a = df/2 and twice the scale): y = (x − loc)/scale, log-density (a − 1) log y − y − lgamma(a) − log scale
 * on y ≥ 0 (for a ≥ 10 in Loader's saddle-point form, see logGammaDensity), CDF P(a, y) and survival Q(a, y)
 * from ad.special (differentiable in x and, once, in a).
 * a ≤ 0 or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { abs, add, digamma, div, greater, greaterEqual, less, lessEqual, lgamma, log, log1p, logicalAnd, mul, neg, polyval, square, sub, where, xlogy } from './ops.js';
import { tensor } from '../tensor/create.js';
import { gammainc, gammaincc } from '../special/gamma.js';
import { callNary, naryPrimitive } from '../special/elementwise.js';
import { logGammaResult, logIncompleteGamma } from '../special/kernels/incompleteGamma.js';
import { args, fromLog, greaterZero, inSupport, logProbability, nanUnless, validAndNotNaN } from './args.js';
import { refusingExtraIn } from '../core/extraArguments.js';

const HALF_LOG_2PI = 0.9189385332046728;
/** Stirling's remainder lgamma(a) − [(a − ½) log a − a + ½ log 2π] for a ≥ 10: Σ B₂ₖ/(2k(2k − 1) a^{2k−1}), k ≤ 7 (A&S 6.1.40; the eighth term is under 1e−16 of the first), as special/kernels/stirling.ts. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
/** R(s) = Σₖ sᵏ/(2k + 3), k < 18: to 1e−19 for s ≤ 1/9. */
const R_SERIES = Array.from({ length: 18 }, (_, k) => 1 / (2 * k + 3));
/** Σₖ cₖ yᵏ, k from 0, by polyval's Horner rule (highest degree first). */
const series = (coefficients: readonly number[], y: Tensor): Tensor => polyval(tensor([...coefficients].reverse()), y);
const LARGE_SHAPE = 10;

/**
 * The standard gamma log-density (a − 1) log y − y − lgamma(a) at y > 0 (−∞ or +∞ at 0). Its three terms
 * are each about a log a and cancel to O(log a) near the mode: gamma.logpdf(1e10, 1e10) was −12.431854248
 * for −12.431863998 (8e−7 relative, the a-derivative 2e−5). For a ≥ 10 and y > 0, with lgamma(a) by
 * Stirling (remainder s(a)), r = y/a and d = r − 1 = (y − a)/a (Loader's saddle-point form, C. Loader 2000,
 * as special/kernels/stirling.ts: −bd0(a, y) = a·(log r − d)):
 *   a·(log r − d) − log r − ½ log a − ½ log 2π − s(a).
 * For |d| ≤ ½, log r − d = log1p(d) − d is taken without cancellation from t = d/(2 + d) (log1p(d) = 2 atanh t,
 * d = 2t/(1 − t)): −t·d + 2t³ R(t²), terms of one sign's size (−d²/2, d³/12), t² ≤ 1/9; beyond, log r = log y − log a
 * (1 + d would round away a small r). Below a = 10, or at y = 0, as written. Also Poisson's
 * k log μ − μ − lgamma(k + 1) (a = k + 1, y = μ).
 */
export function logGammaDensity(a: Tensor, y: Tensor): Tensor {
  const large = logicalAnd(greaterEqual(a, LARGE_SHAPE), greater(y, 0));
  const aL = where(large, a, LARGE_SHAPE), yL = where(large, y, LARGE_SHAPE);
  const d = div(sub(yL, aL), aL);
  const near = lessEqual(abs(d), 0.5);
  const dn = where(near, d, 0);
  const t = div(dn, add(dn, 2));
  const logR = where(near, log1p(dn), sub(log(yL), log(aL)));
  const logRMinusD = where(near, add(mul(neg(t), dn), mul(mul(2, mul(t, square(t))), series(R_SERIES, square(t)))), sub(logR, where(near, 0, d)));
  const w = div(1, aL);
  const stirling = mul(w, series(STIRLING, square(w)));
  const saddle = sub(sub(sub(mul(aL, logRMinusD), logR), add(mul(0.5, log(aL)), HALF_LOG_2PI)), stirling);
  const aS = where(large, 1, a), yS = where(large, 1, y);
  const direct = sub(sub(xlogy(sub(aS, 1), yS), yS), lgamma(aS));
  return where(large, saddle, direct);
}

/**
 * log of C(n, k) pᵏ qⁿ⁻ᵏ (q = 1 − p, passed in so the caller can take it without rounding), continuous in k and n,
 * for 0 < k < n, as log dpois(k; np) + log dpois(n − k; nq) − log dpois(n; n) (C. Loader 2000, "Fast and accurate
 * computation of binomial probabilities", the form of R's dbinom_raw): each Poisson term is logGammaDensity(k + 1, λ),
 * of size O(log n) near the mode, so nothing cancels. The direct log C(n, k) + k log p + (n − k) log q adds terms
 * of size n·|log p| that cancel to O(log n): binom.logpmf(5.89e11·…) and beta.logpdf(0.5, 1e14, 1e14) lost 7 and 4 digits.
 */
export function logBinomialDensity(k: Tensor, n: Tensor, p: Tensor, q: Tensor): Tensor {
  return sub(add(logGammaDensity(add(k, 1), mul(n, p)), logGammaDensity(add(sub(n, k), 1), mul(n, q))), logGammaDensity(add(n, 1), n));
}

const SECOND_IN_A = 'the second derivative of the gamma log-CDF in a is not implemented (gammainc has none either); differentiate once in a, or to any order in x.';
const tailKernel = (upper: boolean, part: 0 | 1 | 2) => ([a, x]: readonly Float64Array[], out: Float64Array) => {
  for (let i = 0; i < out.length; i++) { logIncompleteGamma(a![i]!, x![i]!, upper); out[i] = logGammaResult[part]!; }
};
/**
 * log P(a, x) or log Q(a, x) in the far tail (special/kernels/incompleteGamma.ts' logIncompleteGamma), with h,
 * its x-derivative, and its a-derivative as primitives. (log F)″ = h·((a − 1)/x − 1) − h² (F′ is the ± density,
 * whose log has x-derivative (a − 1)/x − 1), and ∂h/∂a = h·(log x − ψ(a) − ∂(log F)/∂a).
 */
function tailPrimitive(upper: boolean) {
  const name = upper ? 'gammaLogsfTail' : 'gammaLogcdfTail';
  let dA: ReturnType<typeof naryPrimitive>, dX: ReturnType<typeof naryPrimitive>;
  const mixed = (a: Tensor, x: Tensor) => mul(callNary(dX, a, x), sub(sub(log(x), digamma(a)), callNary(dA, a, x)));
  dX = naryPrimitive(`${name}GradX`, tailKernel(upper, 1), [
    ([a, x]) => mixed(a!, x!),
    ([a, x]) => { const h = callNary(dX, a!, x!); return mul(h, sub(sub(div(sub(a!, 1), x!), 1), h)); },
  ]);
  dA = naryPrimitive(`${name}GradA`, tailKernel(upper, 2), [SECOND_IN_A, ([a, x]) => mixed(a!, x!)]);
  return naryPrimitive(name, tailKernel(upper, 0), [([a, x]) => callNary(dA, a!, x!), ([a, x]) => callNary(dX, a!, x!)]);
}
const LOG_CDF_TAIL = tailPrimitive(false), LOG_SF_TAIL = tailPrimitive(true);
/**
 * Below this P (or Q), its log from the tail kernel: past 1e−308 the direct value underflows, and past
 * 1e−154 its square does, which left (log Q)″ = Q″/Q − (Q′/Q)² at −∞ (gamma.logsf(800, 100)).
 */
const TAIL = 1e-100;

/**
 * log P(a, y) (upper false) or log Q(a, y) at y > 0: log of gammainc/gammaincc (log1p of the complement
 * above ½), and where that is below 1e−100 the tail kernel, whose value does not underflow
 * (gamma.logcdf(1e−5, 100) was −∞ for −1515.03, gamma.logsf(1000, 5) −∞ for −975.54). Each branch gets
 * harmless points where it is not taken (the tail a point in the other tail, the direct one the mean),
 * so no NaN reaches a gradient.
 */
function logTail(upper: boolean, k: Tensor, y: Tensor): Tensor {
  const direct = upper ? gammaincc(k, y) : gammainc(k, y);
  const use = logicalAnd(less(direct, TAIL), logicalAnd(greater(y, 0), less(y, Infinity)));
  const yTail = where(use, y, upper ? add(mul(2, k), 100) : 1e-3);
  const yDirect = where(use, k, y);
  const p = gammainc(k, yDirect), q = gammaincc(k, yDirect);
  return where(use, callNary(upper ? LOG_SF_TAIL : LOG_CDF_TAIL, k, yTail), upper ? logProbability(q, p) : logProbability(p, q));
}

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
    return nanUnless(valid, inSupport(inside, sub(logGammaDensity(k, safeY), log(s)), -Infinity));
  };
  const lower = (f: string, fn: (k: Tensor, y: Tensor) => Tensor, below: number) =>
    (x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
      const { a: k, y, safeY, valid } = prepared(f, x, a, loc, scale);
      return nanUnless(valid, inSupport(greater(y, 0), fn(k, safeY), below));
    };
  const form = '(x, a, loc?, scale?)';
  return refusingExtraIn(`stats.${name}`, { logpdf: form, pdf: form, cdf: form, logcdf: form, sf: form, logsf: form }, {
    logpdf,
    pdf: (x: TensorLike, a: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1) => fromLog(logpdf(x, a, loc, scale)),
    cdf: lower('cdf', (k, y) => gammainc(k, y), 0),
    logcdf: lower('logcdf', (k, y) => logTail(false, k, y), -Infinity),
    sf: lower('sf', (k, y) => gammaincc(k, y), 1),
    logsf: lower('logsf', (k, y) => logTail(true, k, y), 0),
  });
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
