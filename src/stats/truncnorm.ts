/**
 * @file The truncated normal distribution (jax.scipy.stats.truncnorm, SciPy's parameters): the standard normal
 * restricted to [a, b] (in standard deviations from loc), z = (x − loc)/scale, log-density −z²/2 − ½ log 2π − log M
 * − log scale with M = Φ(b) − Φ(a) the mass kept. Everything is in log space so that it holds far in the tails
 * (a = 30, b = 31: M = 4.9e−198·(1 − e^{−30.5}); a = −40: Φ(a) = 3.7e−350, below the doubles): log M, the log-CDF
 * and log-SF from logNdtr, short intervals by quadrature of (log Φ)′; the quantile (SciPy's, which JAX has not) by
 * log Φ⁻¹ in Newton steps. a ≥ b or scale ≤ 0 give NaN.
 */
import type { Tensor } from '../tensor/tensor.js';
import { tensor, type TensorLike } from '../tensor/create.js';
import { abs, add, div, equal, exp, expm1, greater, greaterEqual, less, lessEqual, log, log1p, logicalAnd, mul, neg, sqrt, square, sub, sum, where } from './ops.js';
import { extraArguments, refusingExtra } from '../core/extraArguments.js';
import { expandDims } from '../ops/shape.js';
import { logaddexp } from '../ops/logspace.js';
import { isfinite, logicalNot, logicalOr } from '../ops/predicates.js';
import { stopGradient } from '../ops/select.js';
import { logNdtr, logNdtrDerivative, ndtr, ndtri } from '../special/normal.js';
import { args, fromLog, inUnitInterval, nanUnless, validAndNotNaN } from './args.js';

const HALF_LOG_2PI = 0.9189385332046728;
// 10-point Gauss–Legendre rule on [−1, 1] (nodes are the roots of P₁₀, weights 2/((1 − ξ²)P₁₀′(ξ)²), from mpmath).
const GL_NODES = tensor([
  -0.9739065285171717, -0.8650633666889845, -0.6794095682990244, -0.4333953941292472, -0.14887433898163122,
  0.14887433898163122, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717,
]);
const GL_WEIGHTS = tensor([
  0.06667134430868814, 0.1494513491505806, 0.21908636251598204, 0.26926671930999635, 0.29552422471475287,
  0.29552422471475287, 0.26926671930999635, 0.21908636251598204, 0.1494513491505806, 0.06667134430868814,
]);

/**
 * ∫ₐᵇ f by the 10-point Gauss–Legendre rule, for b − a ≤ 1 and f analytic within a few units of the real
 * interval (f = (log Φ)′ = φ/Φ, whose poles — the zeros of Φ — lie 3.4 or more from the real half-line t ≤ 0, or
 * f = φ on [−1, 1]): within 3e−16 of the integral (measured against mpmath at 40 digits; 8 points already reach it).
 */
function quadrature(lo: Tensor, hi: Tensor, f: (t: Tensor) => Tensor): Tensor {
  const half = div(sub(hi, lo), 2);
  const nodes = add(expandDims(div(add(lo, hi), 2), -1), mul(expandDims(half, -1), GL_NODES));
  return mul(half, sum(mul(f(nodes), GL_WEIGHTS), -1));
}

/** log(1 − e^{−d}) for d > 0 (Mächler's log1mexp): log(−expm1(−d)) up to ln 2, where 1 − e^{−d} would cancel, log1p(−e^{−d}) above. */
function log1mexp(d: Tensor): Tensor {
  const small = lessEqual(d, Math.LN2);
  return where(small, log(neg(expm1(neg(where(small, d, 1))))), log1p(neg(exp(neg(where(small, 1, d))))));
}

/**
 * D = log Φ(v) − log Φ(u) for u < v ≤ 0 (u may be −∞: D = ∞), the integral of (log Φ)′ over [u, v]: by quadrature
 * where v − u ≤ 1, since the difference of the two logs (each of size v²/2) keeps only their absolute accuracy,
 * ε·v²/2, which for a short interval far out is most of D (truncnorm.cdf(30 + 1e−6; 30, 31) lost 9 digits so);
 * longer intervals have D ≥ 0.8 and take the difference. Each branch sees a finite u (no 0·∞ in a gradient).
 */
function logPhiRatio(u: Tensor, v: Tensor): Tensor {
  const finiteU = greater(u, -Infinity);
  const short = logicalAnd(finiteU, lessEqual(sub(v, u), 1));
  const byQuadrature = quadrature(where(short, u, sub(v, 0.5)), v, logNdtrDerivative);
  const byDifference = sub(logNdtr(v), logNdtr(where(logicalAnd(finiteU, logicalNot(short)), u, sub(v, 2))));
  return where(finiteU, where(short, byQuadrature, byDifference), Infinity);
}

/** log(1 − e^{−D}) for D = logPhiRatio(u, v): 0 for u = −∞ (with no gradient through D's ∞). */
function logOneMinusRatio(u: Tensor, v: Tensor): Tensor {
  const finiteU = greater(u, -Infinity);
  return where(finiteU, log1mexp(where(finiteU, logPhiRatio(u, v), 1)), 0);
}

/** φ(t), the standard normal density. */
const density = (t: Tensor): Tensor => exp(sub(mul(-0.5, square(t)), HALF_LOG_2PI));

/** log M as base + rest, and which form: the tails' base is log Φ of an end (the same for intervals sharing it). */
interface MassParts { base: Tensor; rest: Tensor; left: Tensor; right: Tensor }

/**
 * log M for M = Φ(b) − Φ(a), a < b (SciPy's _log_gauss_mass, with quadrature for short intervals): in the lower
 * tail (b ≤ 0) log Φ(b) + log(1 − Φ(a)/Φ(b)), in the upper (a > 0) its mirror log Φ(−a) + log(1 − Φ(−b)/Φ(−a)),
 * so nothing near 1 is subtracted; across 0 log1p(−Φ(a) − Φ(−b)), or where b − a ≤ 1 the log of the quadrature of
 * φ (the difference would cancel: M = 2e−10 for a = −1e−10, b = 1e−10). Kept as base (log Φ(b), log Φ(−a), or 0)
 * plus rest, so that two masses with the same base (M(z, b) and M(a, b) for b ≤ 0) differ without it: their sums,
 * near −775 at b = −39, are rounded to 1e−13. Each branch is given a harmless interval where not taken.
 */
function logMassParts(a: Tensor, b: Tensor): MassParts {
  const left = lessEqual(b, 0), right = greater(a, 0);
  const bL = where(left, b, -1), aR = where(right, a, 1);
  const central = logicalNot(logicalOr(left, right));
  const narrow = logicalAnd(central, lessEqual(sub(b, a), 1));
  const aN = where(narrow, a, -0.5), bN = where(narrow, b, 0.5);
  const byQuadrature = log(quadrature(aN, bN, density));
  const aW = where(central, a, -1), bW = where(central, b, 1);
  const wide = log1p(neg(add(ndtr(aW), ndtr(neg(bW)))));
  const base = where(left, logNdtr(bL), where(right, logNdtr(neg(aR)), 0));
  const rest = where(left, logOneMinusRatio(where(left, a, -2), bL),
    where(right, logOneMinusRatio(neg(where(right, b, 2)), neg(aR)), where(narrow, byQuadrature, wide)));
  return { base, rest, left, right };
}

/** log(Φ(b) − Φ(a)) for a < b. */
export function logGaussMass(a: Tensor, b: Tensor): Tensor;
export function logGaussMass(a: Tensor, b: Tensor, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.truncnorm.logGaussMass', 'stats.truncnorm.logGaussMass(a, b)', extra, b);
  const { base, rest } = logMassParts(a, b);
  return add(base, rest);
}

interface Prepared { z: Tensor; a: Tensor; b: Tensor; scale: Tensor; valid: Tensor; mass: MassParts; logMass: Tensor }

function prepare(op: string, x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike, scale: TensorLike): Prepared {
  const [xt, at, bt, l, s] = args(`stats.truncnorm.${op}`, x, a, b, loc, scale);
  const z = div(sub(xt!, l!), s!);
  const valid = validAndNotNaN(logicalAnd(less(at!, bt!), greater(s!, 0)), xt!, l!);
  const aS = where(valid, at!, -1), bS = where(valid, bt!, 1);
  const mass = logMassParts(aS, bS);
  return { z, a: aS, b: bS, scale: s!, valid, mass, logMass: add(mass.base, mass.rest) };
}

/** log-density of the normal truncated to [a, b] (SciPy's a, b: standard deviations from loc). @example ad.stats.truncnorm.logpdf(0, -1, 1) // −0.5372233869025469 */
export function logpdf(x: TensorLike, a: TensorLike, b: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logpdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.truncnorm.logpdf', 'stats.truncnorm.logpdf(x, a, b, loc?, scale?)', extra, scale);
  const { z, a: at, b: bt, scale: s, valid, mass } = prepare('logpdf', x, a, b, loc, scale);
  const inside = logicalAnd(logicalAnd(greaterEqual(z, at), lessEqual(z, bt)), isfinite(z));
  const zIn = where(inside, z, 0);
  // In a tail, −z²/2 − log √(2π) − log Φ(e) (e = b, or −a with mass's base log Φ(−a)) is a difference of numbers of
  // size e²/2 (5e9 at a = 1e5: 3e−8 relative off); written −(z − e)(z + e)/2 + log(φ(e)/Φ(e)) (φ/Φ =
  // logNdtrDerivative, ≈ −e; (z − e)(z + e) is the same for ±e) nothing of that size is formed.
  const tail = logicalOr(mass.left, mass.right), e = where(mass.left, bt, where(mass.right, neg(at), -1));
  const nearEnd = add(mul(-0.5, mul(sub(zIn, e), add(zIn, e))), log(logNdtrDerivative(e)));
  const head = where(tail, nearEnd, sub(mul(-0.5, square(zIn)), HALF_LOG_2PI));
  return nanUnless(valid, where(inside, sub(sub(head, mass.rest), log(s)), -Infinity));
}
/** @example ad.stats.truncnorm.pdf(0, -1, 1) // 0.5843685672568165 */
export function pdf(x: TensorLike, a: TensorLike, b: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function pdf(x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.truncnorm.pdf', 'stats.truncnorm.pdf(x, a, b, loc?, scale?)', extra, scale);
  return fromLog(logpdf(x, a, b, loc, scale));
}

/**
 * [log CDF, log SF] at z strictly inside (a, b): log M(a, z) − log M and log M(z, b) − log M, from the masses' parts:
 * where both share a base it cancels unrounded (log SF for b ≤ 0, log CDF for a > 0), and the bases' difference is
 * otherwise −D by logPhiRatio (log CDF for b ≤ 0: log Φ(z) − log Φ(b); log SF for a > 0). So each is accurate to its
 * last digits in absolute terms; where one is above −0.1 it is log1p(−e^{other}) instead (SciPy's switch), since
 * its own absolute accuracy would then be most of a small value (log CDF ≈ −SF near b).
 */
function logTails({ z, a, b, mass }: Prepared): { logCdf: Tensor; logSf: Tensor } {
  const inside = logicalAnd(greater(z, a), less(z, b));
  // A point strictly inside for the entries not taken (a, b are finite or ±∞; a < b).
  const mid = where(equal(a, -Infinity), where(equal(b, Infinity), 0, sub(b, 1)), where(equal(b, Infinity), add(a, 1), add(a, div(sub(b, a), 2))));
  const zIn = where(inside, z, mid);
  const below = logMassParts(a, zIn), above = logMassParts(zIn, b);
  // log Φ(z) − log Φ(b) for b ≤ 0 and log Φ(−z) − log Φ(−a) for a > 0, each −D over [z, b] (mirrored); else the bases.
  const zL = where(mass.left, zIn, -2), bL = where(mass.left, b, -1), zR = where(mass.right, zIn, 2), aR = where(mass.right, a, 1);
  const cdfBase = where(mass.left, neg(logPhiRatio(zL, bL)), where(mass.right, 0, sub(below.base, mass.base)));
  const sfBase = where(mass.right, neg(logPhiRatio(neg(zR), neg(aR))), where(mass.left, 0, sub(above.base, mass.base)));
  const lc = add(cdfBase, sub(below.rest, mass.rest)), ls = add(sfBase, sub(above.rest, mass.rest));
  const logCdf = where(greater(lc, -0.1), log1p(neg(exp(where(greater(lc, -0.1), ls, -1)))), lc);
  const logSf = where(greater(ls, -0.1), log1p(neg(exp(where(greater(ls, -0.1), lc, -1)))), ls);
  // Outside [a, b]: the CDF is 0 below and 1 above (log −∞ and 0), the SF the reverse.
  const under = lessEqual(z, a), over = greaterEqual(z, b);
  return {
    logCdf: where(under, -Infinity, where(over, 0, logCdf)),
    logSf: where(under, 0, where(over, -Infinity, logSf)),
  };
}

const tailFunction = (op: string, pick: (t: { logCdf: Tensor; logSf: Tensor }) => Tensor, exponentiate: boolean) =>
  refusingExtra(`stats.truncnorm.${op}`, `stats.truncnorm.${op}(x, a, b, loc?, scale?)`, (x: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1): Tensor => {
    const p = prepare(op, x, a, b, loc, scale);
    const value = pick(logTails(p));
    return nanUnless(p.valid, exponentiate ? exp(value) : value);
  });

/** P(X ≤ x), 0 below a and 1 above b. @example ad.stats.truncnorm.cdf(30.5, 30, 31) // 0.9999997344582… */
export const cdf = tailFunction('cdf', (t) => t.logCdf, true);
/** log P(X ≤ x). @example ad.stats.truncnorm.logcdf(30.5, 30, 31) // −2.65541834309189e−7 */
export const logcdf = tailFunction('logcdf', (t) => t.logCdf, false);
/** P(X > x). */
export const sf = tailFunction('sf', (t) => t.logSf, true);
/** log P(X > x). */
export const logsf = tailFunction('logsf', (t) => t.logSf, false);

/** One Newton step towards log Φ(x) = y: x + (y − log Φ(x))/(log Φ)′(x). */
const logPhiStep = (x: Tensor, y: Tensor): Tensor => add(x, div(sub(y, logNdtr(x)), logNdtrDerivative(x)));
/** Below this log Φ, Φ underflows (e^{−708} ≈ 3e−308) and the start is by Newton's iteration from −√(−2y). */
const FAR = -700;

/**
 * x with log Φ(x) = y for y < 0 (SciPy's ndtri_exp), a value without gradient: ndtri(e^y) below y = −ln 2,
 * −ndtri(−expm1(y)) above, and from y = −700 down (e^y underflows) six Newton steps on log Φ(x) = y from
 * x = −√(−2y), where log Φ is concave and the steps increase to the root. y = 0 gives +∞, y = −∞ gives −∞.
 */
function ndtriExp(y: Tensor): Tensor {
  const yc = stopGradient(y);
  const finite = logicalAnd(less(yc, 0), greater(yc, -Infinity));
  const yIn = where(finite, yc, -1);
  const lowerHalf = less(yIn, -Math.LN2);
  const direct = where(lowerHalf, ndtri(exp(where(lowerHalf, yIn, -1))), neg(ndtri(neg(expm1(where(lowerHalf, -0.5, yIn))))));
  const far = less(yIn, FAR);
  const yFar = where(far, yIn, 2 * FAR);
  let x = neg(sqrt(mul(-2, yFar)));
  for (let i = 0; i < 6; i++) x = logPhiStep(x, yFar);
  return where(finite, where(far, x, direct), where(equal(yc, 0), Infinity, where(equal(yc, -Infinity), -Infinity, NaN)));
}

/**
 * The quantile (SciPy's truncnorm.ppf; JAX has none). Its value, without gradient: x with Φ(x) = Φ(a) + q·M, or
 * where that is above ½ its mirror Φ(−x) = Φ(−b) + (1 − q)·M, in log space (logaddexp of log Φ and log q + log M)
 * and inverted by ndtriExp, as SciPy's, so a = 30, b = 31 and a = −40, b = −39 keep every digit; then two Newton
 * steps on log CDF(x) = log q (log SF(x) = log(1 − q) above q = ½), whose log-masses keep x − a to its last digits
 * even for short intervals (the start's x − a had 6 digits for a = −1e−10, b = 1e−10).
 *
 * The derivatives come from three more Newton steps on G(x) = CDF(x) − q (SF(x) − (1 − q) above ½), in
 * differentiable ops, with G's value at the root taken out: G(x) − stopGradient(G(x)), so each step leaves the value
 * as it is and has ∂N/∂x = 0 exactly there; the steps' derivatives are then the root's to the third order (implicit
 * differentiation: dx/dq = 1/f(x), d²x/dq² = x/f(x)², and in a and b through CDF's own derivatives). Newton steps
 * on the log CDF instead left its residual, up to a few per cent where x lies a few ulps from a, in ∂N/∂x: at
 * ppf(1e−12; −1, 2) d²x/dq² was 80 times too large, at ppf(1e−12; 30, 31) dx/dq 8e−4 off. A quantile that rounds onto
 * a or b is moved one ulp inside, where the CDF has its derivatives. q = 0 gives a, q = 1 gives b, q outside [0, 1] NaN.
 * @example ad.stats.truncnorm.ppf(0.5, 30, 31) // 30.023070467827306
 */
export function ppf(q: TensorLike, a: TensorLike, b: TensorLike, loc?: TensorLike, scale?: TensorLike): Tensor;
export function ppf(q: TensorLike, a: TensorLike, b: TensorLike, loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('stats.truncnorm.ppf', 'stats.truncnorm.ppf(q, a, b, loc?, scale?)', extra, scale);
  const [qt, at, bt, l, s] = args('stats.truncnorm.ppf', q, a, b, loc, scale);
  const valid = logicalAnd(logicalAnd(less(at!, bt!), greater(s!, 0)), inUnitInterval(qt!));
  const aS = where(valid, at!, -1), bS = where(valid, bt!, 1);
  const interior = logicalAnd(greater(qt!, 0), less(qt!, 1));
  const qS = where(interior, qt!, 0.5);
  const mass = logMassParts(aS, bS);
  const logMass = add(mass.base, mass.rest);
  // log Φ(x) = logaddexp(log Φ(a), log q + log M); a = −∞ contributes nothing.
  const aInf = equal(aS, -Infinity), bInf = equal(bS, Infinity);
  const fromLeft = add(log(qS), logMass);
  const yLeft = where(aInf, fromLeft, logaddexp(logNdtr(where(aInf, 0, aS)), fromLeft));
  const fromRight = add(log1p(neg(qS)), logMass);
  const yRight = where(bInf, fromRight, logaddexp(logNdtr(neg(where(bInf, 0, bS))), fromRight));
  const useLeft = lessEqual(yLeft, -Math.LN2);
  const start = where(useLeft, ndtriExp(where(useLeft, yLeft, -1)), neg(ndtriExp(where(useLeft, -1, yRight))));
  const lowerQ = lessEqual(qS, 0.5);
  const mid = where(aInf, where(bInf, 0, sub(bS, 1)), where(bInf, add(aS, 1), add(aS, div(sub(bS, aS), 2))));
  const strictlyInside = (x: Tensor) => logicalAnd(greater(x, aS), less(x, bS));
  // Newton on h(x) = log CDF(x) − log q (h′ = φ(x)/(Φ(x) − Φ(a))), or log SF(x) − log(1 − q) (h′ = −φ/(Φ(b) − Φ(x))),
  // for the value; a step that would leave (a, b) is not taken.
  const target = add(where(lowerQ, log(qS), log1p(neg(qS))), logMass);
  const logStep = (x: Tensor): Tensor => {
    const ok = strictlyInside(x);
    const xIn = where(ok, x, mid);
    const partial = where(lowerQ, logGaussMass(aS, xIn), logGaussMass(xIn, bS));
    const change = mul(sub(partial, target), exp(sub(partial, sub(mul(-0.5, square(xIn)), HALF_LOG_2PI))));
    const next = where(lowerQ, sub(xIn, change), add(xIn, change));
    return where(logicalAnd(ok, strictlyInside(next)), next, x);
  };
  const rough = stopGradient(logStep(logStep(stopGradient(start))));
  // One ulp inside (a, b) at least (|t|·ε rounds to at least half an ulp past t).
  const nudge = (t: Tensor) => where(greater(abs(t), 1e-300), mul(abs(t), 2.220446049250313e-16), 5e-324);
  const value = stopGradient(where(lessEqual(rough, aS), add(aS, nudge(aS)), where(greaterEqual(rough, bS), sub(bS, nudge(bS)), rough)));
  // Newton on G(x) = CDF(x) − q or SF(x) − (1 − q) with its value taken out (zero at the value, so the step keeps it).
  // Within 1/max(1, |a|, |x|) of the end the tail starts from, the tail is ∫ f from that end by quadrature, whose
  // derivatives of every order are direct: as exp(log CDF) its second x-derivative F·((log F)″ + (log F)′²) adds two
  // terms of size 1/(x − a)² (d²x/dq² at ppf(1e−12; −1, 2) was 3e−5 off so, at ppf(1e−9; 5, 5 + 1e−6) 4e−2).
  const qDelta = sub(qS, stopGradient(qS));
  const logDensity = (t: Tensor, logM: Tensor) => sub(sub(mul(-0.5, square(t)), HALF_LOG_2PI), logM);
  const span = (t: Tensor) => where(greater(abs(t), abs(value)), where(greater(abs(t), 1), abs(t), 1), where(greater(abs(value), 1), abs(value), 1));
  const nearEnd = where(lowerQ, lessEqual(mul(sub(value, aS), span(aS)), 1), lessEqual(mul(sub(bS, value), span(bS)), 1));
  // The value x̂ is the root x* rounded: T(x̂) ≠ t (T the tail, t = q or 1 − q) by up to f(x̂)·ulp, a large part of T
  // where x̂ lies a few ulps from an end, and T's derivatives in a and b scale with T (∂F/∂b = −f(b) F): taken at x̂
  // they were 4% off at ppf(1e−12; 30, 31). So the tail is read at x* = x̂ − δ to first order, T(x) − δ T′(x) with
  // δ = (T(x̂) − t)/T′(x̂), as a constant.
  const tTarget = stopGradient(where(lowerQ, qS, sub(1, qS)));
  const gradientStep = (x: Tensor): Tensor => {
    const { logCdf, logSf } = logTails({ z: x, a: aS, b: bS, scale: s!, valid, mass, logMass });
    const lo = where(nearEnd, where(lowerQ, aS, x), 0), hi = where(nearEnd, where(lowerQ, x, bS), 1);
    const byQuadrature = quadrature(lo, hi, (t) => exp(logDensity(t, expandDims(logMass, -1))));
    const tail = where(nearEnd, byQuadrature, exp(where(lowerQ, logCdf, logSf)));
    const density = exp(logDensity(x, logMass));
    const slope = where(lowerQ, density, neg(density));
    const shifted = sub(tail, mul(stopGradient(div(sub(tail, tTarget), slope)), slope));
    const g = sub(sub(shifted, stopGradient(shifted)), where(lowerQ, qDelta, neg(qDelta)));
    return sub(x, div(g, slope));
  };
  const x = gradientStep(gradientStep(gradientStep(where(interior, value, mid))));
  const standard = where(equal(qt!, 0), aS, where(equal(qt!, 1), bS, x));
  return nanUnless(valid, add(l!, mul(s!, standard)));
}
