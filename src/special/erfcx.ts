/**
 * @file erfcx(x) = e^{x²} erfc(x), the scaled complementary error function (jax.scipy.special.erfcx,
 * scipy.special.erfcx, torch.special.erfcx): a primitive over kernels/erfcx.ts, with its derivatives of every
 * order a primitive of their own, since erfcx′ = 2x·erfcx − 2/√π cancels for x ≫ 0 (≈ −1/(√π x²) from two
 * terms near 2/√π: PyTorch's formula, which loses every digit by x = 1e8).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { Primitive } from '../core/primitive.js';
import type { TensorLike } from '../tensor/create.js';
import { allocF64 } from '../tensor/alloc.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import { erfcx as erfcxScalar, erfcxDerivative } from './kernels/erfcx.js';
import { extraArguments } from '../core/extraArguments.js';

/** dⁿ/dxⁿ erfcx, n ≥ 1; its derivative is the next order. */
const derivativeP: Primitive<{ readonly order: number }> = unaryPrimitive<{ readonly order: number }>('erfcxDerivative', 'inputs',
  (x, { order }) => {
    const out = allocF64(x.length);
    for (let i = 0; i < x.length; i++) out[i] = erfcxDerivative(order, x[i]!);
    return out;
  },
  (x, _y, { order }): Tensor => callUnary(derivativeP, x, { order: order + 1 }));

const erfcxP = unaryPrimitive<null>('erfcx', 'inputs', (x) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = erfcxScalar(x[i]!);
  return out;
}, (x) => callUnary(derivativeP, x, { order: 1 }));

/**
 * erfcx(x) = e^{x²} erfc(x), finite where erfc underflows: ≈ 1/(x√π) for large x (erfcx(1e4) =
 * 5.641895807268084e−5), 2e^{x²} for x ≪ 0 (∞ below −26.62874, where it overflows). Within 5 ulp of mpmath; its derivatives
 * within 8 ulp to the eighth order, without the cancellation of 2x·erfcx(x) − 2/√π.
 * @example ad.special.erfcx(ad.tensor([0, 1])) // [1, 0.42758357615580705]
 */
export function erfcx(x: TensorLike): Tensor;
export function erfcx(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('erfcx', 'erfcx(x)', extra, x); return callUnary(erfcxP, x, null); }
