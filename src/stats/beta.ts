/**
 * @file The beta distribution (jax.scipy.stats.beta): y = (x − loc)/scale in [0, 1], log-density
 * (a − 1) log y + (b − 1) log(1 − y) − log B(a, b) − log scale, CDF I_y(a, b) from ad.special
 * (differentiable in x and, once, in a and b). a, b or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { abs, add, clip, digamma, div, equal, greater, less, lessEqual, log, log1p, logicalAnd, mul, neg, sub, where, xlogy } from './ops.js';
import { logicalOr } from '../ops/predicates.js';
import { betainc } from '../special/beta.js';
import { betaln } from '../special/gamma.js';
import { xlog1py } from '../special/elementary.js';
import { callNary, naryPrimitive } from '../special/elementwise.js';
import { logBetaResult, logIncompleteBeta } from '../special/kernels/incompleteBeta.js';
import { args, fromLog, greaterZero, inSupport, inUnitInterval, logProbability, nanUnless, validAndNotNaN } from './args.js';

function standardize(op: string, x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike, scale: TensorLike) {
  const [xt, at, bt, l, s] = args(op, x, a, b, loc, scale);
  const y = div(sub(xt!, l!), s!);
  return { y, a: at!, b: bt!, scale: s!, valid: validAndNotNaN(greaterZero(at!, bt!, s!), xt!, l!), inside: inUnitInterval(y) };
}

/** log-density of Beta(a, b) at x. @example ad.stats.beta.logpdf(0.5, 1, 1) // 0 */
export function logpdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  const { y, a: at, b: bt, scale: s, valid, inside } = standardize('stats.beta.logpdf', x, a, b, loc, scale);
  const yIn = clip(y, 0, 1);
  return nanUnless(valid, inSupport(inside, sub(sub(add(xlogy(sub(at, 1), yIn), xlog1py(sub(bt, 1), neg(yIn))), betaln(at, bt)), log(s)), -Infinity));
}
/** @example ad.stats.beta.pdf(0.5, 2, 2) // 1.5 */
export function pdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor {
  return fromLog(logpdf(x, a, b, loc, scale));
}
/**
 * The survival function 1 − I_y(a, b) from I = I_y(a, b): I_{1−y}(b, a) (A&S 26.5.2) unless rounding
 * 1 − y costs more than the subtraction 1 − I does. Below ½, 1 − y rounds (1 − 1e−20 is 1) by
 * e = fl(1 − y) − (1 − y), computed exactly (1 − fl(1 − y) is exact by Sterbenz, and so is its
 * difference with y); I_{1−y}(b, a) at fl(1 − y) is then off by about f(y)·|e| (f the density, the
 * x-derivative), 1 − I by about 2⁻⁵³. So the complement where f(y)·|e| ≤ 2⁻⁵³ (always for y ≥ ½, e = 0),
 * else 1 − I: sf(1e−20; 0.01, 1) was 1, not 1 − 10^−0.2 = 0.369, and logcdf there −∞, not −0.46.
 */
function survival(i: Tensor, y: Tensor, a: Tensor, b: Tensor): Tensor {
  const oneMinusY = sub(1, y);
  const e = sub(sub(1, oneMinusY), y);
  const logDensity = sub(add(xlogy(sub(a, 1), y), xlog1py(sub(b, 1), neg(y))), betaln(a, b));
  // e = 0 first: at y = 0 with a < 1 the log-density is +∞ and +∞ + log 0 is NaN.
  const complementExact = logicalOr(equal(e, 0), lessEqual(add(logDensity, log(abs(e))), -53 * Math.LN2));
  return where(complementExact, betainc(b, a, oneMinusY), sub(1, i));
}
const SECOND_IN_AB = 'second derivatives of the beta log-CDF in a and b are not implemented (betainc has none either); differentiate once in a or b, or to any order in x.';
const tailKernel = (part: 0 | 1 | 2 | 3) => ([a, b, x]: readonly Float64Array[], out: Float64Array) => {
  for (let i = 0; i < out.length; i++) { logIncompleteBeta(a![i]!, b![i]!, x![i]!); out[i] = logBetaResult[part]!; }
};
/**
 * log I_x(a, b) in the far lower tail (special/kernels/incompleteBeta.ts' logIncompleteBeta), with h = ∂/∂x, and
 * its a- and b-derivatives as primitives. h = f/I with f the density, whose log has the derivatives
 * (a − 1)/x − (b − 1)/(1 − x), log x − ψ(a) + ψ(a + b) and log(1 − x) − ψ(b) + ψ(a + b); so
 * ∂h/∂x = h·((a − 1)/x − (b − 1)/(1 − x) − h), ∂h/∂a = h·(log x − ψ(a) + ψ(a + b) − ∂(log I)/∂a), and so in b.
 * log S = log I_{1−x}(b, a) (A&S 26.5.2) is the same primitive at (b, a, 1 − x).
 */
const LOG_CDF_TAIL = (() => {
  let dA: ReturnType<typeof naryPrimitive>, dB: ReturnType<typeof naryPrimitive>, dX: ReturnType<typeof naryPrimitive>;
  const psiAB = (a: Tensor, b: Tensor) => digamma(add(a, b));
  const mixedA = (a: Tensor, b: Tensor, x: Tensor) =>
    mul(callNary(dX, a, b, x), sub(add(sub(log(x), digamma(a)), psiAB(a, b)), callNary(dA, a, b, x)));
  const mixedB = (a: Tensor, b: Tensor, x: Tensor) =>
    mul(callNary(dX, a, b, x), sub(add(sub(log1p(neg(x)), digamma(b)), psiAB(a, b)), callNary(dB, a, b, x)));
  dX = naryPrimitive('betaLogcdfTailGradX', tailKernel(1), [
    ([a, b, x]) => mixedA(a!, b!, x!),
    ([a, b, x]) => mixedB(a!, b!, x!),
    ([a, b, x]) => {
      const h = callNary(dX, a!, b!, x!);
      return mul(h, sub(sub(div(sub(a!, 1), x!), div(sub(b!, 1), sub(1, x!))), h));
    },
  ]);
  dA = naryPrimitive('betaLogcdfTailGradA', tailKernel(2), [SECOND_IN_AB, SECOND_IN_AB, ([a, b, x]) => mixedA(a!, b!, x!)]);
  dB = naryPrimitive('betaLogcdfTailGradB', tailKernel(3), [SECOND_IN_AB, SECOND_IN_AB, ([a, b, x]) => mixedB(a!, b!, x!)]);
  return naryPrimitive('betaLogcdfTail', tailKernel(0), [
    ([a, b, x]) => callNary(dA, a!, b!, x!), ([a, b, x]) => callNary(dB, a!, b!, x!), ([a, b, x]) => callNary(dX, a!, b!, x!),
  ]);
})();
/** Below this I (or 1 − I), its log from the tail kernel: past 1e−308 I underflows, past 1e−154 its square, as gamma's TAIL. */
const TAIL = 1e-100;

const cdfOf = (op: string, f: (i: Tensor, y: Tensor, a: Tensor, b: Tensor) => Tensor) =>
  (x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
    const { y, a: at, b: bt, valid } = standardize(op, x, a, b, loc, scale);
    const yIn = clip(y, 0, 1);
    return nanUnless(valid, f(betainc(at, bt, yIn), yIn, at, bt));
  };
/** I_y(a, b), 0 below the support and 1 above. @example ad.stats.beta.cdf(0.5, 2, 2) // 0.5 */
export const cdf = cdfOf('stats.beta.cdf', (i) => i);
/**
 * log I_y(a, b) (upper false) or log(1 − I_y(a, b)) from I = I_y(a, b): logProbability of the two, and where the
 * one asked for is below 1e−100 the tail kernel, whose value does not underflow (beta.logcdf(1e−30, 100, 2) was
 * −∞ for −6903.14, beta.logsf(1 − 1e−10, 2, 100) −∞ for −2297.97); the survival's tail is the kernel at
 * (b, a, 1 − y), 1 − y exact (Sterbenz) from y = ½ and, below, off by ε relative, which moves log S by about
 * ε·b (S tiny below ½ needs b ≫ a, and then |log S| ≳ b). Each branch gets ½ where it is not taken, so no NaN
 * reaches a gradient.
 */
function logTail(upper: boolean, i: Tensor, y: Tensor, a: Tensor, b: Tensor): Tensor {
  const direct = upper ? survival(i, y, a, b) : i;
  const use = logicalAnd(less(direct, TAIL), logicalAnd(greater(y, 0), less(y, 1)));
  const yTail = where(use, y, 0.5), yDirect = where(use, 0.5, y);
  const iDirect = betainc(a, b, yDirect), sDirect = survival(iDirect, yDirect, a, b);
  const tail = upper ? callNary(LOG_CDF_TAIL, b, a, sub(1, yTail)) : callNary(LOG_CDF_TAIL, a, b, yTail);
  return where(use, tail, upper ? logProbability(sDirect, iDirect) : logProbability(iDirect, sDirect));
}
export const logcdf = cdfOf('stats.beta.logcdf', (i, y, a, b) => logTail(false, i, y, a, b));
/** 1 − I_y(a, b) as I_{1−y}(b, a), accurate where the CDF is near 1 (see survival for y near 0). */
export const sf = cdfOf('stats.beta.sf', (i, y, a, b) => survival(i, y, a, b));
export const logsf = cdfOf('stats.beta.logsf', (i, y, a, b) => logTail(true, i, y, a, b));
