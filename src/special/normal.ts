/**
 * @file The standard normal CDF, its log and its inverse (JAX's ndtr, log_ndtr, ndtri), primitives over
 * kernels/normal.ts, whose derivatives never underflow: (log Φ)′ = φ/Φ (its own primitive, ≈ −x for x ≪ 0) and
 * (Φ⁻¹)′(p) = 1/φ(Φ⁻¹(p)) = √(2π) e^{y²/2}.
 */
import type { Tensor } from '../tensor/tensor.js';
import { allocF64 } from '../tensor/alloc.js';
import type { Primitive } from '../core/primitive.js';
import { add, div, less, mul } from '../ops/binary.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { scalar, type TensorLike } from '../tensor/create.js';
import { where } from '../ops/select.js';
import { neg, square } from '../ops/unary.js';
import { expNegSquare } from '../ops/special.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import { erfcinv as erfcinvScalar, logNdtr as logNdtrScalar, logNdtrCurvature, logNdtrSlope, logNdtrThird, ndtr as ndtrScalar, ndtri as ndtriScalar } from './kernels/normal.js';
import { extraArguments } from '../core/extraArguments.js';

const SQRT_2PI = 2.5066282746310002;
const INV_SQRT_2PI = 0.3989422804014327;

const kernel = (f: (x: number) => number) => (x: Float64Array) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
};

// φ(x) = e^{−x²/2}/√(2π), Φ′, without the rounding of x² (expNegSquare); its derivative is −xφ to any order.
const normalDensity = (x: Tensor) => mul(INV_SQRT_2PI, expNegSquare(x, 0.5));
const ndtrP = unaryPrimitive<null>('ndtr', 'inputs', kernel(ndtrScalar), (x) => normalDensity(x));
// r = φ/Φ satisfies r′ = −r(x + r) (differentiate φ′ = −xφ and Φ′ = φ), computed by its kernel (logNdtrCurvature:
// for x ≪ 0, x + r is a difference of numbers near |x|, so there Laplace's continued fraction gives it), and
// r″ = −r′(x + r) − r(1 + r′) likewise (logNdtrThird). r‴ = −r″(x + r) − 2r′(1 + r′) − r r″ is in ops, taking
// x + r as −r′/r from x = −3 down (r ≥ 3 there), directly above.
const logNdtrThirdP: Primitive<null> = unaryPrimitive<null>('logNdtrThird', 'both', kernel(logNdtrThird), (x, r2) => {
  const r = callUnary(logNdtrSlopeP, x, null), r1 = callUnary(logNdtrCurvatureP, x, null);
  const far = less(x, -3);
  const xPlusR = where(far, div(neg(r1), where(far, r, 1)), add(x, r));
  return neg(add(add(mul(r2, xPlusR), mul(mul(2, r1), add(1, r1))), mul(r, r2)));
});
const logNdtrCurvatureP: Primitive<null> = unaryPrimitive<null>('logNdtrCurvature', 'inputs', kernel(logNdtrCurvature), (x) => callUnary(logNdtrThirdP, x, null));
const logNdtrSlopeP: Primitive<null> = unaryPrimitive<null>('logNdtrSlope', 'inputs', kernel(logNdtrSlope), (x) => callUnary(logNdtrCurvatureP, x, null));
const logNdtrP = unaryPrimitive<null>('logNdtr', 'inputs', kernel(logNdtrScalar), (x) => callUnary(logNdtrSlopeP, x, null));
// (Φ⁻¹)′(p) = 1/φ(y), y = Φ⁻¹(p). As √(2π)e^{y²/2} it carried the rounding of y times y² (2.4e−13 at p = 5e−249, y = −33.7);
// with Φ(y) = p, φ(y) = p·r(y) (r = φ/Φ, logNdtr's slope, ≈ |y|: its relative sensitivity to y is ~1/y², not y²),
// so 1/(p·r(y)), and 1/((1 − p)·r(−y)) above ½ (1 − p exact there); p = 0 and 1 give ∞. A kernel of (p, y) whose
// p-partial is the whole derivative along y = Φ⁻¹(p), (Φ⁻¹)″ = y·(Φ⁻¹)′², and whose y-partial is 0: it is only ever
// called with y = Φ⁻¹(p), and autodiff of 1/(p·r(y)) would add two overflowing terms (∞ − ∞) where (Φ⁻¹)″ overflows.
const ndtriSlopeP: Primitive<null> = naryPrimitive('ndtriSlope', ([p, y], out) => {
  for (let i = 0; i < out.length; i++) {
    const pi = p![i]!, yi = y![i]!, q = pi < 0.5 ? pi : 1 - pi;
    out[i] = q === 0 ? Infinity : 1 / (q * logNdtrSlope(pi < 0.5 ? yi : -yi)); // q = 0: y = ∓∞, 0·∞
  }
}, [([, y], d) => mul(y!, square(d)), () => scalar(0)]);
const ndtriP = unaryPrimitive<null>('ndtri', 'both', kernel(ndtriScalar), (p, y) => callNary(ndtriSlopeP, p, y));
// (erfc⁻¹)′(y) = −1/erfc′(z) = −(√π/2)e^{z²}, z = erfc⁻¹(y): erfc(z) = 2Φ(−z√2), so likewise −1/(√2·y·r(−z√2)) for y ≤ 1
// and −1/(√2·(2 − y)·r(z√2)) above (2 − y exact there); its y-partial the whole of (erfc⁻¹)″ = 2z·(erfc⁻¹)′² (as ndtri's).
const erfcinvSlopeP: Primitive<null> = naryPrimitive('erfcinvSlope', ([y, z], out) => {
  for (let i = 0; i < out.length; i++) {
    const yi = y![i]!, zi = z![i]!, q = yi < 1 ? yi : 2 - yi;
    out[i] = q === 0 ? -Infinity : -Math.SQRT1_2 / (q * logNdtrSlope((yi < 1 ? -zi : zi) * Math.SQRT2));
  }
}, [([, z], d) => mul(mul(2, z!), square(d)), () => scalar(0)]);
const erfcinvP = unaryPrimitive<null>('erfcinv', 'both', kernel(erfcinvScalar), (y, z) => callNary(erfcinvSlopeP, y, z));

/**
 * Φ(x), the standard normal CDF, as ½ erfc(−x/√2) with −x/√2 carried in double-double (kernels/normal.ts),
 * so the lower tail keeps full relative accuracy (ndtr(−30) = 4.906713927148185e−198, mpmath …187; within 5 ulp of
 * mpmath down to the subnormals); its derivative φ(x) likewise (normalDensity).
 * @example ad.special.ndtr(0) // 0.5
 */
export function ndtr(x: TensorLike): Tensor;
export function ndtr(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('ndtr', 'ndtr(x)', extra, x); return callUnary(ndtrP, x, null); }

/**
 * log Φ(x), accurate in both tails (logNdtr(−100) = −5005.524208694205, logNdtr(10) = −7.6e−24), as
 * JAX's log_ndtr; its derivative φ/Φ is ≈ −x for x ≪ 0, never 0/0.
 * @example ad.special.logNdtr(0) // −log 2
 */
export function logNdtr(x: TensorLike): Tensor;
export function logNdtr(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('logNdtr', 'logNdtr(x)', extra, x); return callUnary(logNdtrP, x, null); }

/**
 * Φ⁻¹(p), the standard normal quantile (probit): 0 and 1 give ∓∞, outside [0, 1] NaN. Accurate
 * far into the lower tail (ndtri(1e−300) = −37.0471…), and near p = ½.
 * @example ad.special.ndtri(0.5) // 0
 */
export function ndtri(p: TensorLike): Tensor;
export function ndtri(p: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('ndtri', 'ndtri(p)', extra, p); return callUnary(ndtriP, p, null); }

/**
 * erfc⁻¹(y) for y in [0, 2], as −Φ⁻¹(y/2)/√2 (erfc(t) = 2Φ(−t√2); y/2 is exact), so it keeps full
 * accuracy for tiny y where erfinv(1 − y) has none: erfcinv(1e−300) = 26.209469960516…, and
 * for subnormal y (from log y there, where y/2 would round): erfcinv(5e−324) = 27.21329321081295.
 * @example ad.special.erfcinv(1) // 0
 */
export function erfcinv(y: TensorLike): Tensor;
export function erfcinv(y: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('erfcinv', 'erfcinv(y)', extra, y); return callUnary(erfcinvP, y, null); }

/**
 * r(x) = φ(x)/Φ(x), the derivative of log Φ (≈ −x for x ≪ 0), as a differentiable tensor (its derivatives are
 * logNdtr's second and third): stats.truncnorm integrates it over short intervals and takes Newton steps with it.
 * @internal
 */
export function logNdtrDerivative(x: TensorLike): Tensor { return callUnary(logNdtrSlopeP, x, null); }
