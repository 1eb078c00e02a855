/** @file Op-table rows for elementwise special functions, trigonometry and log-space helpers: one row per op, run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';

const UNARY = [[[]], [[4]], [[2, 3]]];
const BINARY = [[[], []], [[3], [3]], [[2, 3], [3]], [[2, 1], [1, 3]], [[4], []], [[], [2, 2]]];
/** Maps the reals into (−0.9, 0.9), for ops defined on (−1, 1). */
const inUnitInterval = (x: Tensor) => ad.mul(0.9, ad.tanh(x));

export const specialRows: OpRow[] = [
  // Special functions; lgamma's second derivative runs through digamma and polygamma(1, ·), and so on.
  { name: 'lgamma', covers: ['lgamma', 'digamma', 'polygamma'], fn: (x) => ad.lgamma(x), domains: ['positive'], shapes: UNARY },
  { name: 'lgamma (negative x)', covers: ['lgamma'], fn: (x) => ad.lgamma(ad.sub(-0.5, ad.mul(0.4, ad.tanh(x)))), domains: ['real'], shapes: UNARY },
  { name: 'digamma', covers: ['digamma', 'polygamma'], fn: (x) => ad.digamma(x), domains: ['positive'], shapes: UNARY },
  { name: 'digamma (negative x)', covers: ['digamma'], fn: (x) => ad.digamma(ad.sub(-1.5, ad.mul(0.4, ad.tanh(x)))), domains: ['real'], shapes: UNARY },
  { name: 'polygamma(2, x)', covers: ['polygamma'], fn: (x) => ad.polygamma(2, x), domains: ['positive'], shapes: UNARY },
  { name: 'polygamma(1, x) (negative x)', covers: ['polygamma'], fn: (x) => ad.polygamma(1, ad.sub(-2.5, ad.mul(0.4, ad.tanh(x)))), domains: ['real'], shapes: UNARY },
  { name: 'erf', fn: (x) => ad.erf(x), domains: ['real'], shapes: UNARY },
  { name: 'erfc', fn: (x) => ad.erfc(x), domains: ['real'], shapes: UNARY },
  { name: 'erfinv', covers: ['erfinv', 'tanh'], fn: (x) => ad.erfinv(inUnitInterval(x)), domains: ['real'], shapes: UNARY },

  // Trigonometric and hyperbolic functions.
  { name: 'tan', fn: (x) => ad.tan(ad.mul(0.7, ad.tanh(x))), covers: ['tan', 'tanh'], domains: ['real'], shapes: UNARY },
  { name: 'asin', covers: ['asin', 'tanh'], fn: (x) => ad.asin(inUnitInterval(x)), domains: ['real'], shapes: UNARY },
  { name: 'acos', covers: ['acos', 'tanh'], fn: (x) => ad.acos(inUnitInterval(x)), domains: ['real'], shapes: UNARY },
  { name: 'atan', fn: (x) => ad.atan(x), domains: ['real'], shapes: UNARY },
  { name: 'sinh', fn: (x) => ad.sinh(x), domains: ['real'], shapes: UNARY },
  { name: 'cosh', fn: (x) => ad.cosh(x), domains: ['real'], shapes: UNARY },
  { name: 'asinh', covers: ['asinh', 'hypot'], fn: (x) => ad.asinh(x), domains: ['real'], shapes: UNARY },
  { name: 'acosh', fn: (x) => ad.acosh(ad.add(x, 1)), domains: ['positive'], shapes: UNARY },
  { name: 'atanh', covers: ['atanh', 'tanh'], fn: (x) => ad.atanh(inUnitInterval(x)), domains: ['real'], shapes: UNARY },
  { name: 'atan2', covers: ['atan2', 'hypot'], fn: (y, x) => ad.atan2(y, x), domains: ['awayFromZero', 'awayFromZero'], shapes: BINARY },
  { name: 'hypot', covers: ['hypot', 'hypotSlope'], fn: (a, b) => ad.hypot(a, b), domains: ['awayFromZero', 'real'], shapes: BINARY },

  // Log-space helpers and moments.
  { name: 'logaddexp', fn: (a, b) => ad.logaddexp(a, b), domains: ['real', 'real'], shapes: BINARY },
  { name: 'logSigmoid', covers: ['softplus', 'neg'], fn: (x) => ad.logSigmoid(x), domains: ['real'], shapes: UNARY },
  { name: 'xlogy', fn: (x, y) => ad.xlogy(x, y), domains: ['real', 'positive'], shapes: BINARY },
  { name: 'variance (all)', covers: ['sum', 'square', 'sub', 'div'], fn: (x) => ad.variance(x), domains: ['real'], shapes: [[[5]], [[2, 3]]] },
  {
    name: 'variance (axis 1, ddof 1, keepdims)', covers: ['sum', 'square'], domains: ['real'],
    fn: (x) => ad.variance(x, 1, { ddof: 1, keepdims: true }), shapes: [[[2, 3]], [[2, 4, 2]]],
  },
  { name: 'std (axes [0, 2])', covers: ['sqrt', 'sum'], fn: (x) => ad.std(x, [0, 2]), domains: ['real'], shapes: [[[2, 3, 2]]] },
];
