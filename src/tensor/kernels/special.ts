/**
 * @file Elementwise kernels of the special functions and of the trigonometric and hyperbolic
 * functions: one loop per function over a Float64Array, the switch outside the loops.
 *
 * The trigonometric kernels are JavaScript's Math functions, which V8 (and the other engines)
 * take from fdlibm (Sun's freely distributable libm, also FreeBSD's): under 1 ulp, with the
 * cancellation-free forms near 0 and ±1 (asinh and atanh through log1p, acosh(1 + t) through
 * log1p(t + √(2t + t²))). The special functions are in gamma.ts, polygamma.ts and erf.ts.
 */
import { allocF64 } from '../alloc.js';
import { digamma, lgamma } from './gamma.js';
import { erf, erfc, erfinv } from './erf.js';

export type SpecialKernel =
  | 'lgamma' | 'digamma' | 'erf' | 'erfc' | 'erfinv'
  | 'tan' | 'asin' | 'acos' | 'atan' | 'sinh' | 'cosh' | 'asinh' | 'acosh' | 'atanh';

/** out[i] = f(x[i]). */
export function specialKernel(op: SpecialKernel, x: Float64Array): Float64Array {
  const n = x.length;
  const out = allocF64(n);
  switch (op) {
    case 'lgamma': for (let i = 0; i < n; i++) out[i] = lgamma(x[i]!); break;
    case 'digamma': for (let i = 0; i < n; i++) out[i] = digamma(x[i]!); break;
    case 'erf': for (let i = 0; i < n; i++) out[i] = erf(x[i]!); break;
    case 'erfc': for (let i = 0; i < n; i++) out[i] = erfc(x[i]!); break;
    case 'erfinv': for (let i = 0; i < n; i++) out[i] = erfinv(x[i]!); break;
    case 'tan': for (let i = 0; i < n; i++) out[i] = Math.tan(x[i]!); break;
    case 'asin': for (let i = 0; i < n; i++) out[i] = Math.asin(x[i]!); break;
    case 'acos': for (let i = 0; i < n; i++) out[i] = Math.acos(x[i]!); break;
    case 'atan': for (let i = 0; i < n; i++) out[i] = Math.atan(x[i]!); break;
    case 'sinh': for (let i = 0; i < n; i++) out[i] = Math.sinh(x[i]!); break;
    case 'cosh': for (let i = 0; i < n; i++) out[i] = Math.cosh(x[i]!); break;
    case 'asinh': for (let i = 0; i < n; i++) out[i] = Math.asinh(x[i]!); break;
    case 'acosh': for (let i = 0; i < n; i++) out[i] = Math.acosh(x[i]!); break;
    case 'atanh': for (let i = 0; i < n; i++) out[i] = Math.atanh(x[i]!); break;
  }
  return out;
}
