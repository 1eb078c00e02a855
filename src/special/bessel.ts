/**
 * @file Modified Bessel functions of the first kind, I₀ and I₁, and their exponentially scaled
 * forms e^{−|x|}I₀, e^{−|x|}I₁ (JAX's i0, i1, i0e, i1e): four primitives over one kernel
 * (kernels/bessel.ts); I₀′ = I₁, I₁′ = I₀ − I₁/x (A&S 9.6.27), and the scaled forms' derivatives of every
 * order from a primitive of their own (kernels/besselDerivative.ts).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Primitive } from '../core/primitive.js';
import type { TensorLike } from '../tensor/create.js';
import { allocF64 } from '../tensor/alloc.js';
import { mul, sub } from '../ops/binary.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import { besselI, besselIOverPower, besselIScaled } from './kernels/bessel.js';
import { besselIScaledDerivative } from './kernels/besselDerivative.js';
import { extraArguments } from '../core/extraArguments.js';

const kernel = (f: (nu: 0 | 1, x: number) => number, nu: 0 | 1) => (x: Float64Array) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(nu, x[i]!);
  return out;
};

/**
 * I_n(x)/xⁿ, its own primitive: I₁(x)/x as i1(x)/x lost I₁(x) where x/2 underflows (i1′(5e−324)
 * was 1 for ½) and its autodiff derivative I₁′/x − I₁/x² cancelled (relative error ~ε/x² in i1″
 * near 0, NaN once x² underflowed). Its derivative is x·(I_{n+1}/x^{n+1}), since (x⁻ⁿ I_n)′ = x⁻ⁿ I_{n+1}
 * (A&S 9.6.28).
 */
const overPowerP: Primitive<{ readonly n: number }> = unaryPrimitive<{ readonly n: number }>('besselIOverPower', 'inputs',
  (x, { n }) => {
    const out = allocF64(x.length);
    for (let i = 0; i < x.length; i++) out[i] = besselIOverPower(n, x[i]!);
    return out;
  },
  (x, _y, { n }): Tensor => mul(x, callUnary(overPowerP, x, { n: n + 1 })));

/**
 * dᵐ/dxᵐ e^{−|x|} I_ν(x), m ≥ 1, the derivatives of i0e and i1e, its own primitive
 * (kernels/besselDerivative.ts): as differences of i0e and i1e (i0e′ = i1e − sign(x)·i0e) each
 * order lost log₁₀(2|x|) digits. Its derivative is the next order.
 */
const scaledDerivativeP: Primitive<{ readonly nu: 0 | 1; readonly order: number }> = unaryPrimitive<{ readonly nu: 0 | 1; readonly order: number }>(
  'besselIScaledDerivative', 'inputs',
  (x, { nu, order }) => {
    const out = allocF64(x.length);
    for (let i = 0; i < x.length; i++) out[i] = besselIScaledDerivative(nu, order, x[i]!);
    return out;
  },
  (x, _y, { nu, order }): Tensor => callUnary(scaledDerivativeP, x, { nu, order: order + 1 }));

const i0P = unaryPrimitive<null>('i0', 'inputs', kernel(besselI, 0), (x) => i1(x)); // I₀′ = I₁
const i1P = unaryPrimitive<null>('i1', 'inputs', kernel(besselI, 1), (x) => sub(i0(x), callUnary(overPowerP, x, { n: 1 }))); // I₁′ = I₀ − I₁/x
const i0eP = unaryPrimitive<null>('i0e', 'inputs', kernel(besselIScaled, 0), (x) => callUnary(scaledDerivativeP, x, { nu: 0, order: 1 }));
const i1eP = unaryPrimitive<null>('i1e', 'inputs', kernel(besselIScaled, 1), (x) => callUnary(scaledDerivativeP, x, { nu: 1, order: 1 }));

/**
 * I₀(x), the modified Bessel function of the first kind of order 0 (even; overflows past |x| ≈ 713.9).
 * @example ad.special.i0(ad.tensor([0, 1])) // [1, 1.2660658777520084]
 */
export function i0(x: TensorLike): Tensor;
export function i0(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('i0', 'i0(x)', extra, x); return callUnary(i0P, x, null); }
/** e^{−|x|} I₀(x), finite for every x. @example ad.special.i0e(0) // 1 */
export function i0e(x: TensorLike): Tensor;
export function i0e(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('i0e', 'i0e(x)', extra, x); return callUnary(i0eP, x, null); }
/** I₁(x), of order 1 (odd). @example ad.special.i1(1) // 0.565159103992485 */
export function i1(x: TensorLike): Tensor;
export function i1(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('i1', 'i1(x)', extra, x); return callUnary(i1P, x, null); }
/** e^{−|x|} I₁(x). @example ad.special.i1e(0) // 0 */
export function i1e(x: TensorLike): Tensor;
export function i1e(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('i1e', 'i1e(x)', extra, x); return callUnary(i1eP, x, null); }
