/**
 * @file The exponential integrals Ei(x), E₁(x) and Eₙ(x) (JAX's expi, exp1, expn) as primitives over kernels/expint.ts:
 * Ei′(x) = eˣ/x, Eₙ′(x) = −Eₙ₋₁(x) (A&S 5.1.26), so E₁′ = −E₀ = −e^{−x}/x; the kernel takes every integer order,
 * negative ones included, so the chain goes on to any order. No derivative in n (an integer), as JAX.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import type { Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { div, less, mul, sub } from '../ops/binary.js';
import { exp, neg } from '../ops/unary.js';
import { where } from '../ops/select.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import { expi as expiScalar, expn as expnScalar } from './kernels/expint.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { extraArguments } from '../core/extraArguments.js';

const expnP: Primitive<null> = naryPrimitive('expn',
  ([n, x], out) => { for (let i = 0; i < out.length; i++) out[i] = expnScalar(n![i]!, x![i]!); }, [
    'the exponential integral E_n(x) has no derivative in its integer order n (nor has JAX\'s expn); pass n as a constant.',
    ([n, x]) => neg(callNary(expnP, sub(n!, 1), x!)),
  ]);
// Ei′(x) = eˣ/x as e^{x/2}·(e^{x/2}/x): finite to x = 716, as Ei is (eˣ alone overflows past 709.78).
const expiP = unaryPrimitive<null>('expi', 'inputs', (x) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = expiScalar(x[i]!);
  return out;
}, (x) => {
  const h = exp(mul(0.5, x));
  return mul(h, div(h, x));
});

/**
 * Ei(x) = −PV∫_{−x}^∞ e^{−t}/t dt (JAX's and SciPy's expi) for real x: −∞ at 0, −E₁(−x) below 0, finite up to
 * x = 716.35. Within 2 ulp of mpmath, its zero x₀ = 0.3725… included. Ei′(x) = eˣ/x.
 * @example ad.special.expi(1) // 1.8951178163559366 (mpmath: …368)
 */
export function expi(x: TensorLike): Tensor;
export function expi(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('expi', 'expi(x)', extra, x); return callUnary(expiP, x, null); }

/**
 * E₁(x) = ∫ₓ^∞ e^{−t}/t dt (JAX's and SciPy's exp1) for x ≥ 0: +∞ at 0, NaN below. Within 4 ulp of mpmath.
 * E₁′(x) = −e^{−x}/x.
 * @example ad.special.exp1(1) // 0.21938393439552029
 */
export function exp1(x: TensorLike): Tensor;
export function exp1(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('exp1', 'exp1(x)', extra, x); return callNary(expnP, 1, x); }

/**
 * Eₙ(x) = ∫₁^∞ e^{−xt}/tⁿ dt (JAX's and SciPy's expn(n, x)), broadcasting, for integer n ≥ 0 and x ≥ 0: 1/(n − 1)
 * at x = 0 for n ≥ 2 (+∞ for n ≤ 1); NaN for n < 0, for n not an integer and for x < 0. Within 3 ulp of mpmath
 * (n up to 10⁵). Differentiable in x to any order (Eₙ′ = −Eₙ₋₁), not in n.
 * @example ad.special.expn(2, 1) // 0.14849550677592205
 */
export function expn(n: TensorLike, x: TensorLike): Tensor;
export function expn(n: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('expn', 'expn(n, x)', extra, x);
  const nt = asTensor(n, 'expn');
  return where(less(nt, 0), NaN, callNary(expnP, nt, x));
}
