/** @file Op-table rows for ad.special (src/special): one row per primitive or composite, run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';
import { gammaincDensity, gammaincGradA } from '../../src/special/gamma.js';
import { betaincc, betaincGradA, betaincGradB } from '../../src/special/beta.js';
import { internal } from '../support/internalTensor.js';

const UNARY = [[[]], [[4]], [[2, 3]]];
const BINARY = [[[], []], [[3], [3]], [[2, 3], [3]], [[2, 1], [1, 3]], [[4], []], [[], [2, 2]]];
const S = ad.special;
/** Maps the reals into (0, 1). */
const unit = (x: Tensor) => ad.sigmoid(x);

// Second derivatives in the shape parameters of gammainc and betainc are refused (as JAX's), so the
// rows vary x to second order; test/special/gamma.test.ts and beta.test.ts check the parameter
// derivatives at first order against mpmath and finite differences.
export const specialExtraRows: OpRow[] = [
  { name: 'gammainc (series and fraction)', covers: ['gammainc', 'gammaincDensity'], fn: (x) => S.gammainc(1.3, x), domains: ['positive'], shapes: UNARY },
  // ∂P/∂x, the gamma density, is differentiable in a and x to any order.
  { name: 'gammaincDensity', covers: ['gammaincDensity', 'digamma', 'polygamma'], fn: (a, x) => gammaincDensity(internal(a), internal(x)), domains: ['positive', 'positive'], shapes: [[[], []], [[3], [3]]] },
  { name: 'gammaincc', covers: ['gammaincc'], fn: (x) => S.gammaincc(0.7, ad.mul(2, x)), domains: ['positive'], shapes: UNARY },
  { name: 'gammaincGradA', covers: ['gammaincGradA', 'digamma'], fn: (x) => gammaincGradA(1.6, internal(x)), domains: ['positive'], shapes: UNARY },
  { name: 'betainc', covers: ['betainc', 'betaln', 'sigmoid'], fn: (x) => S.betainc(2.5, 1.5, unit(x)), domains: ['real'], shapes: UNARY },
  { name: 'betaincc', covers: ['betaincc', 'betaln', 'sigmoid'], fn: (x) => betaincc(2.5, 1.5, internal(unit(x))), domains: ['real'], shapes: UNARY },
  { name: 'betaincc (upper tail, b·x = 3 at b = 1e6)', covers: ['betaincc'], fn: (x) => betaincc(0.5, 1e6, internal(ad.mul(3e-6, x))), domains: ['positive'], shapes: UNARY },
  { name: 'betaincGradA', covers: ['betaincGradA'], fn: (x) => betaincGradA(2.5, 1.5, internal(unit(x))), domains: ['real'], shapes: UNARY },
  { name: 'betaincGradB', covers: ['betaincGradB'], fn: (x) => betaincGradB(0.8, 3, internal(unit(x))), domains: ['real'], shapes: UNARY },
  { name: 'betaln', covers: ['betaln', 'digammaDifference', 'polygamma'], fn: (a, b) => S.betaln(a, b), domains: ['positive', 'positive'], shapes: BINARY },
  { name: 'i0', covers: ['i0', 'i1'], fn: (x) => S.i0(x), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'i1', covers: ['i1', 'i0', 'besselIOverPower'], fn: (x) => S.i1(ad.mul(3, x)), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'i0e', covers: ['i0e', 'besselIScaledDerivative'], fn: (x) => S.i0e(ad.mul(3, x)), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'i1e', covers: ['i1e', 'besselIScaledDerivative'], fn: (x) => S.i1e(x), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'zeta (in q)', covers: ['zeta'], fn: (q) => S.zeta(3, q), domains: ['positive'], shapes: UNARY },
  { name: 'zeta (broadcast s)', covers: ['zeta'], fn: (q) => S.zeta(ad.tensor([2, 3.5]), q), domains: ['positive'], shapes: [[[2]], [[3, 2]]] },
  { name: 'ndtr', covers: ['ndtr', 'expNegSquare'], fn: (x) => S.ndtr(x), domains: ['real'], shapes: UNARY },
  { name: 'logNdtr', covers: ['logNdtr', 'logNdtrSlope', 'logNdtrCurvature', 'logNdtrThird'], fn: (x) => S.logNdtr(x), domains: ['real'], shapes: UNARY },
  { name: 'logNdtr (lower tail)', covers: ['logNdtr', 'logNdtrSlope', 'logNdtrCurvature', 'logNdtrThird'], fn: (x) => S.logNdtr(ad.sub(ad.mul(3, x), 12)), domains: ['real'], shapes: UNARY },
  // log Φ's second derivative as a function: its own derivatives reach the kernels of r′ and r″ (logNdtrCurvature, logNdtrThird).
  {
    name: 'logNdtr″', covers: ['logNdtrCurvature', 'logNdtrThird'], domains: ['real'], shapes: UNARY,
    fn: (x) => ad.grad((y: Tensor) => ad.sum(ad.grad((z: Tensor) => ad.sum(S.logNdtr(z)))(y)))(ad.sub(ad.mul(3, x), 2)),
  },
  { name: 'ndtri', covers: ['ndtri', 'ndtriSlope'], fn: (x) => S.ndtri(unit(x)), domains: ['real'], shapes: UNARY },
  { name: 'erfcinv', covers: ['erfcinv', 'erfcinvSlope'], fn: (x) => S.erfcinv(ad.mul(2, unit(x))), domains: ['real'], shapes: UNARY },
  { name: 'erfcx', covers: ['erfcx', 'erfcxDerivative'], fn: (x) => S.erfcx(x), domains: ['real'], shapes: UNARY },
  // From x = 0.5 on the derivatives come from the downward recurrence (here 1 + 2|x|).
  { name: 'erfcx (recurrence)', covers: ['erfcxDerivative'], fn: (x) => S.erfcx(ad.add(ad.mul(2, ad.abs(x)), 1)), domains: ['awayFromZero'], shapes: UNARY },
  { name: 'xlog1py', covers: ['mulStrong', 'log1p'], fn: (x, y) => S.xlog1py(x, y), domains: ['real', 'aboveMinusOne'], shapes: BINARY },
  { name: 'entr', covers: ['xlogy'], fn: (x) => S.entr(x), domains: ['positive'], shapes: UNARY },
  { name: 'relEntr', covers: ['logRatio', 'div'], fn: (x, y) => S.relEntr(x, y), domains: ['positive', 'positive'], shapes: BINARY },
  { name: 'klDiv', covers: ['klDiv', 'logRatio', 'div'], fn: (x, y) => S.klDiv(x, y), domains: ['positive', 'positive'], shapes: BINARY },
  { name: 'factorial', covers: ['factorial', 'digamma'], fn: (x) => S.factorial(x), domains: ['positive'], shapes: UNARY },
  { name: 'multigammaln', covers: ['lgamma'], fn: (x) => S.multigammaln(ad.add(x, 1), 3), domains: ['positive'], shapes: UNARY },
  {
    name: 'logsumexp (weights b)', covers: ['exp', 'sum', 'log'], domains: ['real', 'positive'],
    fn: (a, b) => S.logsumexp(a, -1, { b }), shapes: [[[4], [4]], [[2, 3], [3]]],
  },
  // ad.stats.gamma's far-tail log-CDF and log-SF (P or Q below 1e−100: the log-space kernel), to
  // second order in x; their a-derivative primitives through grad in a (second order in x of it).
  {
    name: 'stats.gamma.logcdf (far lower tail)', covers: ['gammaLogcdfTail', 'gammaLogcdfTailGradX'], domains: ['positive'],
    fn: (x) => ad.stats.gamma.logcdf(ad.mul(1e-5, x), 100), shapes: UNARY,
  },
  {
    name: 'stats.gamma.logsf (far upper tail)', covers: ['gammaLogsfTail', 'gammaLogsfTailGradX'], domains: ['positive'],
    fn: (x) => ad.stats.gamma.logsf(ad.add(1000, x), 5), shapes: UNARY,
  },
  {
    name: 'stats.gamma.logcdf tail, its a-derivative', covers: ['gammaLogcdfTailGradA', 'gammaLogcdfTailGradX', 'digamma'], domains: ['positive'],
    fn: (x) => ad.grad((a: Tensor) => ad.sum(ad.stats.gamma.logcdf(ad.mul(1e-5, x), a)))(ad.scalar(100)), shapes: UNARY,
  },
  {
    name: 'stats.gamma.logsf tail, its a-derivative', covers: ['gammaLogsfTailGradA', 'gammaLogsfTailGradX', 'digamma'], domains: ['positive'],
    fn: (x) => ad.grad((a: Tensor) => ad.sum(ad.stats.gamma.logsf(ad.add(1000, x), a)))(ad.scalar(5)), shapes: UNARY,
  },
  // ad.stats.beta's far-tail log-CDF and log-SF (I or 1 − I below 1e−100: the log-space kernels), to second order
  // in x; the a- and b-derivative primitives through grad in a and in b.
  {
    name: 'stats.beta.logcdf (far lower tail)', covers: ['betaLogcdfTail', 'betaLogcdfTailGradX'], domains: ['positive'],
    fn: (x) => ad.stats.beta.logcdf(ad.mul(1e-5, x), 100, 3), shapes: UNARY,
  },
  {
    name: 'stats.beta.logsf (far upper tail)', covers: ['betaLogsfTail', 'betaLogsfTailGradX'], domains: ['positive'],
    fn: (x) => ad.stats.beta.logsf(ad.sub(1, ad.mul(1e-5, x)), 3, 100), shapes: UNARY,
  },
  {
    name: 'stats.beta.logcdf tail, its a-derivative', covers: ['betaLogcdfTailGradA', 'betaLogcdfTailGradX', 'digamma'], domains: ['positive'],
    fn: (x) => ad.grad((a: Tensor) => ad.sum(ad.stats.beta.logcdf(ad.mul(1e-5, x), a, 3)))(ad.scalar(100)), shapes: UNARY,
  },
  {
    name: 'stats.beta.logcdf tail, its b-derivative', covers: ['betaLogcdfTailGradB', 'betaLogcdfTailGradX', 'digamma'], domains: ['positive'],
    fn: (x) => ad.grad((b: Tensor) => ad.sum(ad.stats.beta.logcdf(ad.mul(1e-5, x), 100, b)))(ad.scalar(3)), shapes: UNARY,
  },
  {
    name: 'stats.beta.logsf tail, its a-derivative', covers: ['betaLogsfTailGradA', 'betaLogsfTailGradX', 'digamma'], domains: ['positive'],
    fn: (x) => ad.grad((a: Tensor) => ad.sum(ad.stats.beta.logsf(ad.mul(1e-5, x), a, 1e8)))(ad.scalar(3)), shapes: UNARY,
  },
  {
    name: 'stats.beta.logsf tail, its b-derivative', covers: ['betaLogsfTailGradB', 'betaLogsfTailGradX', 'digamma'], domains: ['positive'],
    fn: (x) => ad.grad((b: Tensor) => ad.sum(ad.stats.beta.logsf(ad.sub(1, ad.mul(1e-5, x)), 3, b)))(ad.scalar(100)), shapes: UNARY,
  },
];
