/** @file Elementwise kernels of one operand: one tight loop per function over a Float64Array. */
import { allocF64 } from '../alloc.js';
import { vectorMath } from './wasm/vmath.js';
import { parallelMap } from './parallelMap.js';

export type UnaryKernel =
  | 'neg' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'square' | 'abs' | 'sign'
  | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'softplus' | 'relu' | 'step' | 'reciprocal';

/** out[i] = f(x[i]). The switch sits outside the loops so each loop is monomorphic. */
export function unaryKernel(op: UnaryKernel, x: Float64Array): Float64Array {
  const n = x.length;
  const out = allocF64(n);
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]!; break;
    // WebAssembly SIMD on long arrays (exp and log: Math's values to the bit; log1p within 1 ulp).
    case 'exp': vectorMath('exp', x, out, n); break;
    case 'log': vectorMath('log', x, out, n); break;
    case 'log1p': vectorMath('log1p', x, out, n); break;
    // On the worker threads for long arrays (./parallelMap.ts: the same Math, the same bits).
    case 'expm1': if (!parallelMap('expm1', x, out)) for (let i = 0; i < n; i++) out[i] = Math.expm1(x[i]!); break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!); break;
    case 'square': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v * v; } break;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]!); break;
    // sign(0) = 0 and sign(NaN) = NaN, as NumPy.
    case 'sign': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v > 0 ? 1 : v < 0 ? -1 : v; } break;
    case 'sin': if (!parallelMap('sin', x, out)) for (let i = 0; i < n; i++) out[i] = Math.sin(x[i]!); break;
    case 'cos': if (!parallelMap('cos', x, out)) for (let i = 0; i < n; i++) out[i] = Math.cos(x[i]!); break;
    case 'tanh': if (!parallelMap('tanh', x, out)) for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!); break;
    // Stable sigmoid: never exponentiates a large positive number.
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); out[i] = e / (1 + e); }
      }
      break;
    // softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^{-|x|}).
    case 'softplus':
      for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))); }
      break;
    case 'relu': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v > 0 ? v : v === v ? 0 : v; } break;
    // Heaviside step with step(0) = 0: relu's derivative.
    case 'step': for (let i = 0; i < n; i++) { const v = x[i]!; out[i] = v > 0 ? 1 : v === v ? 0 : v; } break;
    case 'reciprocal': for (let i = 0; i < n; i++) out[i] = 1 / x[i]!; break;
  }
  return out;
}
