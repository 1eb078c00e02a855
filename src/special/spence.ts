/**
 * @file Spence's function (JAX's and SciPy's spence) and the Fresnel integrals (JAX's fresnel) as primitives over
 * kernels/dilog.ts and kernels/fresnel.ts. spence′(x) = log x/(1 − x), and each further derivative is the next
 * derivative of log x/(x − 1), a kernel that keeps its relative accuracy at x = 1, where the closed forms cancel. S′(x) = sin(πx²/2), C′(x) = cos(πx²/2), with πx²/2 reduced exactly.
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import type { Primitive } from '../core/primitive.js';
import { allocF64 } from '../tensor/alloc.js';
import { mul } from '../ops/binary.js';
import { neg } from '../ops/unary.js';
import { asTensor } from '../tensor/create.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import { logOverXMinusOne as logOverXMinusOneScalar, spence as spenceScalar } from './kernels/dilog.js';
import { fresnelPair, fresnelPhase, fresnelResult } from './kernels/fresnel.js';
import { extraArguments } from '../core/extraArguments.js';

const kernel = (f: (x: number) => number) => (x: Float64Array) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
};

// dⁿ/dxⁿ [log x/(x − 1)]; its derivative is the next one.
const slopeP: Primitive<{ readonly n: number }> = unaryPrimitive<{ readonly n: number }>('logOverXMinusOne', 'inputs', (x, { n }) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = logOverXMinusOneScalar(n, x[i]!);
  return out;
}, (x, _y, { n }) => callUnary(slopeP, x, { n: n + 1 }));
const spenceP = unaryPrimitive<null>('spence', 'inputs', kernel(spenceScalar), (x) => neg(callUnary(slopeP, x, { n: 0 })));

// sin(πx²/2) (cosine false) or cos(πx²/2); (sin)′ = πx·cos, (cos)′ = −πx·sin.
const phaseP: Primitive<{ readonly cosine: boolean }> = unaryPrimitive<{ readonly cosine: boolean }>('fresnelPhase', 'inputs', (x, { cosine }) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = fresnelPhase(x[i]!, cosine);
  return out;
}, (x, _y, { cosine }) => {
  const other = mul(mul(Math.PI, x), callUnary(phaseP, x, { cosine: !cosine }));
  return cosine ? neg(other) : other;
});
const fresnelKernel = (part: 0 | 1) => (x: Float64Array) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) { fresnelPair(x[i]!); out[i] = fresnelResult[part]!; }
  return out;
};
const fresnelSP = unaryPrimitive<null>('fresnelS', 'inputs', fresnelKernel(0), (x) => callUnary(phaseP, x, { cosine: false }));
const fresnelCP = unaryPrimitive<null>('fresnelC', 'inputs', fresnelKernel(1), (x) => callUnary(phaseP, x, { cosine: true }));

/**
 * Spence's function ∫₁ˣ log t/(1 − t) dt = Li₂(1 − x) for x ≥ 0 (SciPy's convention, JAX's spence): π²/6 at 0, 0 at 1,
 * −∞ at +∞, NaN below 0. Within 3 ulp of mpmath. spence′(x) = log x/(1 − x) (−1 at x = 1), to any order.
 * @example ad.special.spence(ad.tensor([0, 1, 2])) // [π²/6, 0, −π²/12]
 */
export function spence(x: TensorLike): Tensor;
export function spence(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('spence', 'spence(x)', extra, x); return callUnary(spenceP, x, null); }

/**
 * The Fresnel integrals [S(x), C(x)] = [∫₀ˣ sin(πt²/2) dt, ∫₀ˣ cos(πt²/2) dt] (JAX's fresnel, which returns the tuple
 * (S, C)): odd, ±½ at ±∞, within 2 ulp of mpmath for every x. S′ = sin(πx²/2), C′ = cos(πx²/2) with the phase reduced
 * exactly, so the derivatives keep full accuracy at any x (their zeros included).
 * @example const [s, c] = ad.special.fresnel(1) // [0.4382591473903547, 0.7798934003768229]
 */
export function fresnel(x: TensorLike): [Tensor, Tensor];
export function fresnel(x: TensorLike, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('fresnel', 'fresnel(x)', extra, x);
  const t = asTensor(x, 'fresnel');
  return [callUnary(fresnelSP, t, null), callUnary(fresnelCP, t, null)];
}

/** dⁿ/dxⁿ [log x/(x − 1)], for the op table. @internal */
export function logOverXMinusOne(x: TensorLike, n: number): Tensor { return callUnary(slopeP, x, { n }); }
/** sin(πx²/2) or cos(πx²/2), for the op table. @internal */
export function fresnelPhaseOf(x: TensorLike, cosine: boolean): Tensor { return callUnary(phaseP, x, { cosine }); }
