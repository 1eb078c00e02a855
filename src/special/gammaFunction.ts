/**
 * @file Γ(x) itself, its sign, the beta function and the Pochhammer symbol — JAX's gamma, gammasgn, beta and poch —
 * as primitives over kernels/gammaFunction.ts, their derivatives in adjoint's own ops: Γ′ = Γψ, ∂B/∂a = −B·(ψ(a + b) − ψ(a)),
 * ∂(z)ₘ/∂z = (z)ₘ(ψ(z + m) − ψ(z)), ∂(z)ₘ/∂m = (z)ₘψ(z + m), the differences of ψ by a kernel of their own (psiShift) that
 * does not cancel when the shift is small against the argument.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import type { Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { add, mul, sub } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { digamma, polygamma } from '../ops/special.js';
import { zerosLike } from '../ops/arrayHelpers.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import { betaFn, gammaFn, gammaSign, poch as pochScalar, psiShift as psiShiftScalar, trigammaShift as trigammaShiftScalar } from './kernels/gammaFunction.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { extraArguments } from '../core/extraArguments.js';

const kernel = (f: (x: number) => number) => (x: Float64Array) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
};

// Γ′(x) = Γ(x)ψ(x) (A&S 6.3.1), from the saved output.
const gammaP = unaryPrimitive<null>('gamma', 'both', kernel(gammaFn), (x, y) => mul(y, digamma(x)));
// Piecewise constant: its derivative is 0 (NaN only where its value is).
const gammasgnP = unaryPrimitive<null>('gammasgn', 'inputs', kernel(gammaSign), (x) => zerosLike(x));
// ψ′(s + t) − ψ′(s) by its kernel (no cancellation for t ≪ s); ∂/∂s = ψ″(s + t) − ψ″(s), ∂/∂t = ψ″(s + t).
const trigammaShiftP: Primitive<null> = naryPrimitive('trigammaShift',
  ([s, t], out) => { for (let i = 0; i < out.length; i++) out[i] = trigammaShiftScalar(s![i]!, t![i]!); },
  [([s, t]) => sub(polygamma(2, add(s!, t!)), polygamma(2, s!)), ([s, t]) => polygamma(2, add(s!, t!))]);
/** ψ′(s + t) − ψ′(s), keeping its digits for t ≪ s: the s-derivative of ψ(s + t) − ψ(s). @internal */
export const trigammaShift = (s: Tensor, t: Tensor): Tensor => callNary(trigammaShiftP, s, t);
// ψ(s + t) − ψ(s); ∂/∂s = ψ′(s + t) − ψ′(s) (trigammaShift), ∂/∂t = ψ′(s + t).
const psiShiftP: Primitive<null> = naryPrimitive('psiShift',
  ([s, t], out) => { for (let i = 0; i < out.length; i++) out[i] = psiShiftScalar(s![i]!, t![i]!); },
  [([s, t]) => trigammaShift(s!, t!), ([s, t]) => polygamma(1, add(s!, t!))]);
const psiShift = (s: Tensor, t: Tensor) => callNary(psiShiftP, s, t);
// ∂B/∂a = B(ψ(a) − ψ(a + b)), ∂B/∂b = B(ψ(b) − ψ(a + b)) (DLMF 5.12.1 differentiated).
const betaP = naryPrimitive('beta', ([a, b], out) => { for (let i = 0; i < out.length; i++) out[i] = betaFn(a![i]!, b![i]!); }, [
  ([a, b], out) => neg(mul(out, psiShift(a!, b!))),
  ([a, b], out) => neg(mul(out, psiShift(b!, a!))),
]);
const pochP = naryPrimitive('poch', ([z, m], out) => { for (let i = 0; i < out.length; i++) out[i] = pochScalar(z![i]!, m![i]!); }, [
  ([z, m], out) => mul(out, psiShift(z!, m!)),
  ([z, m], out) => mul(out, digamma(add(z!, m!))),
]);

/**
 * Γ(x) for every real x (JAX's gamma): within 7 ulp of mpmath from the subnormals to the overflow at 171.62 and down
 * to −184 (where |Γ| underflows). +0 and −0 give +∞ and −∞, the negative integers and −∞ NaN (JAX's and C99's edges;
 * SciPy 1.10 gave +∞ at every pole). Γ′ = Γψ.
 * @example ad.special.gamma(ad.tensor([5, 0.5, -0.5])) // [24, √π, −2√π]
 */
export function gamma(x: TensorLike): Tensor;
export function gamma(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('gamma', 'gamma(x)', extra, x); return callUnary(gammaP, x, null); }

/**
 * The sign of Γ(x) (JAX's gammasgn): 1 for x > 0 and +∞, ±1 at ±0, (−1)^⌈−x⌉ between the negative poles, NaN at
 * the poles, at −∞ and at NaN. Its gradient is 0.
 * @example ad.special.gammasgn(ad.tensor([2, -0.5, -1.5])) // [1, −1, 1]
 */
export function gammasgn(x: TensorLike): Tensor;
export function gammasgn(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('gammasgn', 'gammasgn(x)', extra, x); return callUnary(gammasgnP, x, null); }

/**
 * B(a, b) = Γ(a)Γ(b)/Γ(a + b) (JAX's beta), broadcasting; for any real arguments, with SciPy's values at the poles
 * (Cephes' beta: +∞ at a non-positive integer a unless b is an integer with a + b ≤ 0, where it is the finite limit;
 * 0 where only a + b is a pole). ∂B/∂a = −B·(ψ(a + b) − ψ(a)).
 * @example ad.special.beta(2, 3) // 1/12
 */
export function beta(a: TensorLike, b: TensorLike): Tensor;
export function beta(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('beta', 'beta(a, b)', extra, b); return callNary(betaP, a, b); }

/**
 * The Pochhammer symbol (rising factorial) (z)ₘ = Γ(z + m)/Γ(z) (JAX's poch), broadcasting, for real z and m: 1 at
 * m = 0, SciPy's values at the poles (the limit where both Γ are at poles, 0 where only Γ(z) is, +∞ where only
 * Γ(z + m) is). For large arguments exp of a difference of Stirling's forms with no cancellation, so its error
 * stays within the function's own conditioning, |m log(z + m)|. Differentiable in both.
 * @example ad.special.poch(3, 2) // 12
 */
export function poch(z: TensorLike, m: TensorLike): Tensor;
export function poch(z: TensorLike, m: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('poch', 'poch(z, m)', extra, m); return callNary(pochP, z, m); }

/** ψ(s + t) − ψ(s) without cancellation for small t, for the op table. @internal */
export function psiShiftOf(s: TensorLike, t: TensorLike): Tensor { return callNary(psiShiftP, s, t); }
