/** @file Elementwise kernels of one operand: one tight loop per function over a Float64Array. */
import { quotientStrong } from './quotient.js';
import { uninitializedF64 } from '../alloc.js';
import { PARALLEL_TANH, tanhAcross, vectorMath } from './wasm/vmath.js';
import { parallelMap } from './parallelMap.js';
import { nativeVmath } from './native/nativeGemm.js';
import { nativeRows } from './native/nativeRows.js';
import { threadsInfo } from '../threads/pool.js';

/**
 * tanh natively under Node (./native/nativeGemm.ts: Math.tanh's bits, eight lanes with AVX-512 or
 * four, on the arrays in place), split over the threads from PARALLEL_TANH as the WebAssembly path
 * is; false where the addon is not loaded. W1's hidden layer (32,768 entries): 0.23 ms on one
 * thread with four lanes, 0.12 on two, against WebAssembly's 0.34–0.49 and 0.36–0.39 (its pool
 * copies through the shared memory); eight lanes and one division where there were two for the
 * last step: 0.72 of the four lanes' time (alternating processes, medians; 0.43–0.78).
 */
function tanhNatively(x: Float64Array, out: Float64Array): boolean {
  const n = x.length;
  const native = n >= 64 ? nativeVmath() : null;
  if (native === null) return false;
  native.tanh(out, x, n >= PARALLEL_TANH ? threadsInfo().threads : 1);
  return true;
}

/**
 * Entries from which tanh's VJP, g·(1 − y²), is split over the threads: a pass at memory speed (about
 * 0.4 ns an entry hot, where tanh takes 3.5), so later than tanh itself. One thread against two,
 * alternating rounds in one process: 32,768 entries 12.3 against 10.1 µs hot and 34 against 60 into
 * a fresh output; 65,536 38 against 20 hot, 80 against 46 fresh.
 */
const PARALLEL_TANH_VJP = 65536;

/** tanh's VJP natively where the addon is loaded (64 entries and more; threads from PARALLEL_TANH_VJP); false elsewhere. */
function tanhVjpNatively(g: Float64Array, y: Float64Array, out: Float64Array): boolean {
  const n = g.length;
  const native = n >= 64 ? nativeVmath() : null;
  return native !== null && native.tanhVjp(out, g, y, n >= PARALLEL_TANH_VJP ? threadsInfo().threads : 1);
}

/**
 * Entries from which the arithmetic ops below run natively where the addon is loaded (./native/
 * nativeRows.ts's unary and unaryVjp: the loops' expressions per entry, so their bits), and from which
 * on its threads. V8 reloads each typed array's length and data pointer per entry in these loops:
 * on 128 × 256 entries, one thread, a fresh result each, relu 46 µs against 358–474 (the loop with the
 * addon off), its VJP 49 against 529–549, square 43 against 113–164.
 */
const NATIVE_UNARY_MIN = 1024;
const PARALLEL_UNARY = 65536;
/** The native kernel's op codes (native/elementwise.cc). */
const NATIVE_UNARY: Partial<Record<UnaryKernel, number>> = { neg: 0, sqrt: 1, square: 2, abs: 3, sign: 4, relu: 5, step: 6, reciprocal: 7 };
const NATIVE_UNARY_VJP: Partial<Record<UnaryVjpKernel, number>> = { exp: 0, square: 1, sqrt: 2, sigmoid: 3, relu: 4, reciprocal: 5, log1p: 6 };

/** out = f(x) natively (op one of NATIVE_UNARY's) where the addon is loaded and x is long; false elsewhere. */
function unaryNatively(op: UnaryKernel, x: Float64Array, out: Float64Array): boolean {
  const code = NATIVE_UNARY[op], n = x.length;
  if (code === undefined || n < NATIVE_UNARY_MIN) return false;
  const native = nativeRows();
  return native !== null && native.unary(out, x, n, code, n >= PARALLEL_UNARY ? threadsInfo().threads : 1);
}

/** out = g·f′(s) natively (op one of NATIVE_UNARY_VJP's) where the addon is loaded and g is long; false elsewhere. */
function unaryVjpNatively(op: UnaryVjpKernel, g: Float64Array, s: Float64Array, out: Float64Array): boolean {
  const code = NATIVE_UNARY_VJP[op], n = g.length;
  if (code === undefined || n < NATIVE_UNARY_MIN || s.length < n) return false;
  const native = nativeRows();
  return native !== null && native.unaryVjp(out, g, s, n, code, n >= PARALLEL_UNARY ? threadsInfo().threads : 1);
}

export type UnaryKernel =
  | 'neg' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'square' | 'abs' | 'sign'
  | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'softplus' | 'relu' | 'step' | 'reciprocal' | 'round';

/** out[i] = f(x[i]). The switch sits outside the loops so each loop is monomorphic. */
export function unaryKernel(op: UnaryKernel, x: Float64Array): Float64Array {
  const n = x.length;
  const out = uninitializedF64(n); // every case writes every entry
  if (unaryNatively(op, x, out)) return out;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]!; break;
    // WebAssembly SIMD on long arrays (exp, log and tanh: Math's values to the bit; log1p within 1 ulp).
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
    // Math.tanh's bits natively (Node) or in WebAssembly from 64 elements, split across the threads from 16,384.
    case 'tanh': if (!tanhNatively(x, out) && !tanhAcross(x, out)) vectorMath('tanh', x, out, n); break;
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
    // Round half to even from float addition: for 0 ≤ v < 2⁵², v + 2⁵² has no fraction bits left, so
    // the sum is v rounded by IEEE round-to-nearest-even and subtracting 2⁵² is exact (−2⁵² for
    // v < 0); |v| ≥ 2⁵², ±∞ and NaN are their own rounding; a zero keeps v's sign (nearbyint).
    case 'round':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (!(Math.abs(v) < TWO52)) { out[i] = v; continue; }
        const c = v < 0 ? -TWO52 : TWO52, r = v + c - c;
        out[i] = r === 0 ? v * 0 : r;
      }
      break;
  }
  return out;
}

const TWO52 = 2 ** 52;

/** The ops whose first-order VJP has a fused kernel (unaryVjpKernel). */
export type UnaryVjpKernel = 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'square' | 'tanh' | 'sigmoid' | 'relu' | 'reciprocal';

/** g·d with the strong zero of mulStrong: 0 where either is 0 (a zero cotangent stays zero at d = ±∞ or NaN). */
const strong = (g: number, d: number) => (g === 0 || d === 0 ? 0 : g * d);

/**
 * The first-order VJP of an elementwise op, g · f′, in one pass: f′ from the saved input or
 * output `s` by the same arithmetic, in the same order, as the op's derivative rule
 * (ops/unary.ts) — tanh′ = 1 − y·y, σ′ = y·(1 − y), … — so the same bits as that rule's ops,
 * without their temporaries (tanh's rule makes three arrays and passes, this one).
 */
export function unaryVjpKernel(op: UnaryVjpKernel, g: Float64Array, s: Float64Array): Float64Array {
  const n = g.length;
  const out = uninitializedF64(n); // every case writes every entry
  if (unaryVjpNatively(op, g, s, out)) return out;
  switch (op) {
    case 'exp': for (let i = 0; i < n; i++) out[i] = strong(g[i]!, s[i]!); break; // y
    case 'log': for (let i = 0; i < n; i++) out[i] = quotientStrong(g[i]!, s[i]!); break; // g/x, strong (./quotient.ts)
    case 'log1p': for (let i = 0; i < n; i++) out[i] = strong(g[i]!, 1 / (s[i]! + 1)); break; // 1/(x + 1)
    case 'expm1': for (let i = 0; i < n; i++) out[i] = strong(g[i]!, Math.exp(s[i]!)); break; // eˣ (s = x)
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = strong(g[i]!, 0.5 / s[i]!); break; // 0.5/y
    case 'square': for (let i = 0; i < n; i++) out[i] = strong(g[i]!, 2 * s[i]!); break; // 2x
    case 'tanh': // 1 − y²; natively (the same bits) on long arrays, split over the threads as tanh is
      if (!tanhVjpNatively(g, s, out)) for (let i = 0; i < n; i++) { const y = s[i]!; out[i] = strong(g[i]!, 1 - y * y); }
      break;
    case 'sigmoid': for (let i = 0; i < n; i++) { const y = s[i]!; out[i] = strong(g[i]!, y * (1 - y)); } break; // y(1 − y)
    case 'relu': for (let i = 0; i < n; i++) out[i] = strong(g[i]!, s[i]! > 0 ? 1 : 0); break; // x > 0
    case 'reciprocal': for (let i = 0; i < n; i++) { const y = s[i]!; out[i] = strong(g[i]!, -(y * y)); } break; // −y²
  }
  return out;
}
