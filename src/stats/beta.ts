/**
 * @file The beta distribution (jax.scipy.stats.beta): y = (x − loc)/scale in [0, 1], log-density
 * (a − 1) log y + (b − 1) log(1 − y) − log B(a, b) − log scale, CDF I_y(a, b) and survival 1 − I_y(a, b) from
 * ad.special (differentiable in x and, once, in a and b), their logs in the far tails from a log-space kernel.
 * a, b or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, clip, digamma, div, greater, greaterEqual, less, log, log1p, logicalAnd, mul, neg, sub, where, xlogy } from './ops.js';
import { betainc, betaincc } from '../special/beta.js';
import { betaln } from '../special/gamma.js';
import { xlog1py } from '../special/elementary.js';
import { callNary, naryPrimitive } from '../special/elementwise.js';
import { logBetaResult, logIncompleteBeta } from '../special/kernels/incompleteBeta.js';
import { logBinomialDensity } from './gamma.js';
import { args, fromLog, greaterZero, inSupport, inUnitInterval, logProbability, nanUnless, validAndNotNaN } from './args.js';
import { extraArguments, refusingExtra } from '../core/extraArguments.js';

function standardize(op: string, x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike, scale: TensorLike) {
  const [xt, at, bt, l, s] = args(op, x, a, b, loc, scale);
  const y = div(sub(xt!, l!), s!);
  return { y, a: at!, b: bt!, scale: s!, valid: validAndNotNaN(greaterZero(at!, bt!, s!), xt!, l!), inside: inUnitInterval(y) };
}

/** log-density of Beta(a, b) at x. @example ad.stats.beta.logpdf(0.5, 1, 1) // 0 */
export function logpdf(x: TensorLike, a: TensorLike, b: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logpdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.beta.logpdf', 'stats.beta.logpdf(x, a, b, loc?, scale?)', extra, scale);
  const { y, a: at, b: bt, scale: s, valid, inside } = standardize('stats.beta.logpdf', x, a, b, loc, scale);
  const yIn = clip(y, 0, 1);
  const direct = sub(add(xlogy(sub(at, 1), yIn), xlog1py(sub(bt, 1), neg(yIn))), betaln(at, bt));
  // For a, b ≥ 2 inside (0, 1): f = (a + b − 1)·C(n, a − 1) yᵃ⁻¹ (1 − y)ᵇ⁻¹ with n = a + b − 2 (R's dbeta through
  // dbinom_raw), in Loader's saddle-point form (logBinomialDensity): the direct sum cancels terms of size a·|log y|
  // (beta.logpdf(0.5, 1e14, 1e14) was 16.234375 for 16.2388779, its a-derivative 9.0e−15 for 2.5e−15). Below a + b = 30
  // the direct sum's cancellation is under 1e−14 (and beta.pdf(0.5, 2, 2) stays 1.5). Unused: y = ½, a = b = 2.
  const large = logicalAnd(logicalAnd(logicalAnd(greaterEqual(at, 2), greaterEqual(bt, 2)), greaterEqual(add(at, bt), 30)), logicalAnd(greater(yIn, 0), less(yIn, 1)));
  const aL = where(large, at, 2), bL = where(large, bt, 2), yL = where(large, yIn, 0.5);
  const n = sub(add(aL, bL), 2);
  const saddle = add(log(add(n, 1)), logBinomialDensity(sub(aL, 1), n, yL, sub(1, yL)));
  return nanUnless(valid, inSupport(inside, sub(where(large, saddle, direct), log(s)), -Infinity));
}
/** @example ad.stats.beta.pdf(0.5, 2, 2) // 1.5 */
export function pdf(x: TensorLike, a: TensorLike, b: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function pdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.beta.pdf', 'stats.beta.pdf(x, a, b, loc?, scale?)', extra, scale);
  return fromLog(logpdf(x, a, b, loc, scale));
}
const SECOND_IN_AB = 'second derivatives of the beta log-CDF and log-SF in a and b are not implemented (betainc has none either); differentiate once in a or b, or to any order in x.';
const tailKernel = (upper: boolean, part: 0 | 1 | 2 | 3) => ([a, b, x]: readonly Float64Array[], out: Float64Array) => {
  for (let i = 0; i < out.length; i++) { logIncompleteBeta(a![i]!, b![i]!, x![i]!, upper); out[i] = logBetaResult[part]!; }
};
/**
 * log F for F = I_x(a, b) or 1 − I_x(a, b) in the far tail (special/kernels/incompleteBeta.ts' logIncompleteBeta),
 * with h = ∂(log F)/∂x and its a- and b-derivatives as primitives. F′ = ±f with f the density, whose log has the
 * derivatives (a − 1)/x − (b − 1)/(1 − x), log x − ψ(a) + ψ(a + b) and log(1 − x) − ψ(b) + ψ(a + b); so
 * ∂h/∂x = h·((a − 1)/x − (b − 1)/(1 − x) − h), ∂h/∂a = h·(log x − ψ(a) + ψ(a + b) − ∂(log F)/∂a), and so in b.
 */
function tailPrimitive(upper: boolean) {
  const name = upper ? 'betaLogsfTail' : 'betaLogcdfTail';
  let dA: ReturnType<typeof naryPrimitive>, dB: ReturnType<typeof naryPrimitive>, dX: ReturnType<typeof naryPrimitive>;
  const psiAB = (a: Tensor, b: Tensor) => digamma(add(a, b));
  const mixedA = (a: Tensor, b: Tensor, x: Tensor) =>
    mul(callNary(dX, a, b, x), sub(add(sub(log(x), digamma(a)), psiAB(a, b)), callNary(dA, a, b, x)));
  const mixedB = (a: Tensor, b: Tensor, x: Tensor) =>
    mul(callNary(dX, a, b, x), sub(add(sub(log1p(neg(x)), digamma(b)), psiAB(a, b)), callNary(dB, a, b, x)));
  dX = naryPrimitive(`${name}GradX`, tailKernel(upper, 1), [
    ([a, b, x]) => mixedA(a!, b!, x!),
    ([a, b, x]) => mixedB(a!, b!, x!),
    ([a, b, x]) => {
      const h = callNary(dX, a!, b!, x!);
      return mul(h, sub(sub(div(sub(a!, 1), x!), div(sub(b!, 1), sub(1, x!))), h));
    },
  ]);
  dA = naryPrimitive(`${name}GradA`, tailKernel(upper, 2), [SECOND_IN_AB, SECOND_IN_AB, ([a, b, x]) => mixedA(a!, b!, x!)]);
  dB = naryPrimitive(`${name}GradB`, tailKernel(upper, 3), [SECOND_IN_AB, SECOND_IN_AB, ([a, b, x]) => mixedB(a!, b!, x!)]);
  return naryPrimitive(name, tailKernel(upper, 0), [
    ([a, b, x]) => callNary(dA, a!, b!, x!), ([a, b, x]) => callNary(dB, a!, b!, x!), ([a, b, x]) => callNary(dX, a!, b!, x!),
  ]);
}
const LOG_CDF_TAIL = tailPrimitive(false), LOG_SF_TAIL = tailPrimitive(true);
/** Below this I (or 1 − I), its log from the tail kernel: past 1e−308 it underflows, past 1e−154 its square, as gamma's TAIL. */
const TAIL = 1e-100;

/**
 * log I_y(a, b) (upper false) or log(1 − I_y(a, b)): logProbability of betainc and betaincc, and where the one asked
 * for is below 1e−100 the tail kernel, whose value does not underflow (beta.logcdf(1e−30, 100, 2) was −∞ for
 * −6903.14, beta.logsf(1 − 1e−10, 2, 100) −∞ for −2297.97). Each branch gets ½ where it is not taken, so no NaN
 * reaches a gradient.
 */
function logTail(upper: boolean, y: Tensor, a: Tensor, b: Tensor): Tensor {
  const direct = upper ? betaincc(a, b, y) : betainc(a, b, y);
  const use = logicalAnd(less(direct, TAIL), logicalAnd(greater(y, 0), less(y, 1)));
  const yTail = where(use, y, 0.5), yDirect = where(use, 0.5, y);
  const i = betainc(a, b, yDirect), s = betaincc(a, b, yDirect);
  return where(use, callNary(upper ? LOG_SF_TAIL : LOG_CDF_TAIL, a, b, yTail), upper ? logProbability(s, i) : logProbability(i, s));
}

const cdfOf = (op: string, f: (y: Tensor, a: Tensor, b: Tensor) => Tensor) =>
  refusingExtra(op, `${op}(x, a, b, loc?, scale?)`, (x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
    const { y, a: at, b: bt, valid } = standardize(op, x, a, b, loc, scale);
    return nanUnless(valid, f(clip(y, 0, 1), at, bt));
  });
/** I_y(a, b), 0 below the support and 1 above. @example ad.stats.beta.cdf(0.5, 2, 2) // 0.5 */
export const cdf = cdfOf('stats.beta.cdf', (y, a, b) => betainc(a, b, y));
export const logcdf = cdfOf('stats.beta.logcdf', (y, a, b) => logTail(false, y, a, b));
/**
 * 1 − I_y(a, b) by betaincc, which computes it as I_{1−y}(b, a) where that is the smaller without rounding 1 − y
 * into it: sf(1e−20; 0.01, 1) was once 1, not 1 − 10^−0.2 = 0.369, and sf(1e−8; 2.5, 1e10) = 2.8e−41 was 5e−7 off.
 */
export const sf = cdfOf('stats.beta.sf', (y, a, b) => betaincc(a, b, y));
export const logsf = cdfOf('stats.beta.logsf', (y, a, b) => logTail(true, y, a, b));
