/**
 * @file The Hurwitz zeta function ζ(s, q) (JAX's zeta), a primitive over kernels/zeta.ts.
 * ∂ζ/∂q = −s ζ(s + 1, q) (differentiating Σ (k + q)^{−s} term by term); no derivative in s, as JAX.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, mul } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { hurwitzZeta } from './kernels/zeta.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { extraArguments } from '../core/extraArguments.js';

const zetaP = naryPrimitive('zeta', ([s, q], out) => { for (let i = 0; i < out.length; i++) out[i] = hurwitzZeta(s![i]!, q![i]!); }, [
  'the derivative of the Hurwitz zeta function in s is not implemented (nor is it in JAX); pass s as a constant.',
  ([s, q]) => mul(neg(s!), zeta(add(s!, 1), q!)),
]);

/**
 * ζ(s, q) = Σₖ₌₀^∞ (k + q)^{−s} for s > 1 (Riemann's ζ(s) at q = 1); s = 1 gives +∞, s < 1 NaN, as
 * Cephes and JAX. Differentiable in q (any order), not in s.
 * @example ad.special.zeta(2, 1) // π²/6
 */
export function zeta(s: TensorLike, q: TensorLike): Tensor;
export function zeta(s: TensorLike, q: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('zeta', 'zeta(s, q)', extra, q); return callNary(zetaP, s, q); }
