/**
 * @file Trigonometric and hyperbolic functions — tan, asin, acos, atan, atan2, sinh, cosh, asinh,
 * acosh, atanh, hypot — each a kernel (tensor/kernels/special.ts, binaryMath.ts) and its
 * derivative in adjoint's own ops, written so it neither cancels nor overflows.
 */
import { specialKernel, type SpecialKernel } from '../tensor/kernels/special.js';
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, div, equal, greater, less, mul, sub } from './binary.js';
import { abs, neg, reciprocal, sqrt, square } from './unary.js';
import { where } from './select.js';
import { registerTensorMethods } from './methods.js';
import { binaryPrimitive, callBinary, callUnary, unaryPrimitive } from './pointwise.js';
import { callNary, naryPrimitive } from '../special/elementwise.js';
import type { Primitive } from '../core/primitive.js';
import { extraArguments } from '../core/extraArguments.js';

const trig = (name: SpecialKernel, saves: 'inputs' | 'output', derivative: (x: Tensor, y: Tensor) => Tensor) =>
  unaryPrimitive<null>(name, saves, (x) => specialKernel(name, x), derivative);

/**
 * 1 − x², as (1 − x)(1 + x) from |x| = ½ (no cancellation near ±1) and as 1 − x·x below (the product
 * rule on the factors, −(1 + x) + (1 − x), cancels near 0 where the derivative of 1 − x² is −2x exactly:
 * asin″(1e−10) and atanh″ came out 8e−8 off relatively, and 0 at 1e−300).
 */
const oneMinusSquare = (x: Tensor) => where(less(abs(x), 0.5), sub(1, square(x)), mul(sub(1, x), add(1, x)));
/** 1/√(1 − x²): no cancellation near ±1, +∞ at ±1. */
const inverseSqrtOneMinusSquare = (x: Tensor) => reciprocal(sqrt(oneMinusSquare(x)));

const tanP = trig('tan', 'output', (_x, y) => add(1, square(y))); // tan' = 1 + tan²
const asinP = trig('asin', 'inputs', (x) => inverseSqrtOneMinusSquare(x)); // asin' = 1/√(1 − x²)
const acosP = trig('acos', 'inputs', (x) => neg(inverseSqrtOneMinusSquare(x))); // acos' = −asin'
// atan' = 1/(1 + x²); past |x| = 1e70, where 1 + x² is x², as (1/x)²: x² overflows from 1.34e154 (atan' was 0 for
// subnormal values there) and atan″ = −2x/(1 + x²)² from 1.2e77 (0 for −2/x³ up to 1e102); (1/x)² differentiates as
// −2/x³ whole. The other branch sees x replaced by 1, so it never makes ∞ or NaN.
const atanP = trig('atan', 'inputs', (x) => {
  const huge = greater(abs(x), 1e70);
  return where(huge, square(reciprocal(where(huge, x, 1))), reciprocal(add(1, square(x))));
});
const sinhP = trig('sinh', 'inputs', (x) => cosh(x)); // sinh' = cosh
const coshP = trig('cosh', 'inputs', (x) => sinh(x)); // cosh' = sinh
// asinh' = 1/√(1 + x²) = 1/hypot(1, x), which does not overflow for |x| > 1e154.
const asinhP = trig('asinh', 'inputs', (x) => reciprocal(hypot(1, x)));
// acosh' = 1/√(x² − 1) = 1/(√(x − 1) √(x + 1)): exact factors near 1, no overflow; +∞ at 1.
const acoshP = trig('acosh', 'inputs', (x) => reciprocal(mul(sqrt(sub(x, 1)), sqrt(add(x, 1)))));
// atanh' = 1/(1 − x²); +∞ at ±1.
const atanhP = trig('atanh', 'inputs', (x) => reciprocal(oneMinusSquare(x)));

/** u/h², as (u/h)/h so that h² cannot overflow; 0 where h = 0 (the documented value at the origin). */
const overSquare = (u: Tensor, h: Tensor) => where(equal(h, 0), 0, div(div(u, h), h));
// ∂ atan2(y, x)/∂y = x/(x² + y²), ∂/∂x = −y/(x² + y²); both 0 at the origin, where atan2 jumps.
const atan2P = binaryPrimitive('atan2', (y, x) => overSquare(x, hypot(y, x)), (y, x) => neg(overSquare(y, hypot(y, x))));
/**
 * u/hypot(u, v), hypot's partial in u (0 at the origin: a subgradient, as abs'(0) = 0), a primitive of its own:
 * differentiated as a quotient it gave ∂/∂u = 1/h − u·(u/h)/h², which cancels where |u| ≫ |v| (∂²hypot/∂a² =
 * b²/h³ came out 0 for 1e−24 at (1e8, 1)). Here ∂/∂u = (v/h)²/h and ∂/∂v = −(u/h)(v/h)/h, whole.
 */
const hypotSlopeP: Primitive<null> = naryPrimitive('hypotSlope', ([u, v], out) => {
  for (let i = 0; i < out.length; i++) {
    const h = Math.hypot(u![i]!, v![i]!); // binaryMath.ts's hypot kernel
    out[i] = h === 0 ? 0 : u![i]! / h;
  }
}, [
  ([u, v]) => slopePartial(v!, v!, hypot(u!, v!)),
  ([u, v]) => neg(slopePartial(u!, v!, hypot(u!, v!))),
]);
/** (p/h)(q/h)/h, 0 where h = 0. */
const slopePartial = (p: Tensor, q: Tensor, h: Tensor) => where(equal(h, 0), 0, div(mul(div(p, h), div(q, h)), h));
const hypotP = binaryPrimitive('hypot', (a, b) => callNary(hypotSlopeP, a, b), (a, b) => callNary(hypotSlopeP, b, a));

/** Tangent. @example ad.tan(ad.tensor([0, Math.PI / 4])) // [0, 0.9999999999999999] */
export function tan(x: TensorLike): Tensor;
export function tan(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(tanP, x, null, extra); }
/** Arcsine on [−1, 1] (NaN outside); its derivative is +∞ at ±1. @example ad.asin(1) // π/2 */
export function asin(x: TensorLike): Tensor;
export function asin(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(asinP, x, null, extra); }
/** Arccosine on [−1, 1] (NaN outside); its derivative is −∞ at ±1. @example ad.acos(0) // π/2 */
export function acos(x: TensorLike): Tensor;
export function acos(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(acosP, x, null, extra); }
/** Arctangent. @example ad.atan(1) // π/4 */
export function atan(x: TensorLike): Tensor;
export function atan(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(atanP, x, null, extra); }
/** Hyperbolic sine. @example ad.sinh(0) // 0 */
export function sinh(x: TensorLike): Tensor;
export function sinh(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(sinhP, x, null, extra); }
/** Hyperbolic cosine. @example ad.cosh(0) // 1 */
export function cosh(x: TensorLike): Tensor;
export function cosh(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(coshP, x, null, extra); }
/** Inverse hyperbolic sine, accurate near 0. @example ad.asinh(1e-20) // 1e-20 */
export function asinh(x: TensorLike): Tensor;
export function asinh(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(asinhP, x, null, extra); }
/** Inverse hyperbolic cosine on [1, ∞) (NaN below 1), accurate near 1. @example ad.acosh(1) // 0 */
export function acosh(x: TensorLike): Tensor;
export function acosh(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(acoshP, x, null, extra); }
/** Inverse hyperbolic tangent on [−1, 1]: ±∞ at ±1, NaN outside. @example ad.atanh(0.5) // 0.5493061443340548 */
export function atanh(x: TensorLike): Tensor;
export function atanh(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(atanhP, x, null, extra); }

/**
 * The angle of the point (x, y) in (−π, π], broadcasting, with the signed zeros of C's atan2
 * (atan2(0, −0) = π, atan2(−0, −0) = −π). Its gradient is 0 at the origin.
 * @example ad.atan2(ad.tensor([1, -1]), -1) // [3π/4, −3π/4]
 */
export function atan2(y: TensorLike, x: TensorLike): Tensor;
export function atan2(y: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('atan2', 'atan2(y, x)', extra, x); return callBinary(atan2P, y, x); }

/**
 * √(a² + b²) without overflow or underflow (hypot(1e200, 1e200) ≈ 1.414e200, not ∞),
 * broadcasting; hypot(±∞, NaN) = ∞. Its gradient at the origin is 0.
 * @example ad.hypot(3, ad.tensor([4, 0])) // [5, 3]
 */
export function hypot(a: TensorLike, b: TensorLike): Tensor;
export function hypot(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { return callBinary(hypotP, a, b, extra); }

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.tan(x)`. */ tan(): Tensor;
    /** `ad.asin(x)`. */ asin(): Tensor;
    /** `ad.acos(x)`. */ acos(): Tensor;
    /** `ad.atan(x)`. */ atan(): Tensor;
    /** `ad.sinh(x)`. */ sinh(): Tensor;
    /** `ad.cosh(x)`. */ cosh(): Tensor;
    /** `ad.asinh(x)`. */ asinh(): Tensor;
    /** `ad.acosh(x)`. */ acosh(): Tensor;
    /** `ad.atanh(x)`. */ atanh(): Tensor;
    /** `ad.hypot(x, other)`. @example ad.tensor([3]).hypot(4) // [5] */ hypot(other: TensorLike): Tensor;
  }
}

registerTensorMethods({ tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, hypot });
