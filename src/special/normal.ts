/**
 * @file The standard normal CDF, its log and its inverse (JAX's ndtr, log_ndtr, ndtri). ndtr is
 * ½ erfc(−x/√2) in adjoint's ops; log_ndtr and ndtri are primitives over kernels/normal.ts, whose
 * derivatives never underflow: (log Φ)′ = φ/Φ (its own primitive, ≈ −x for x ≪ 0) and
 * (Φ⁻¹)′(p) = 1/φ(Φ⁻¹(p)) = √(2π) e^{y²/2}.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, tensor, type TensorLike } from '../tensor/create.js';
import { allocF64 } from '../tensor/alloc.js';
import { add, div, less, mul } from '../ops/binary.js';
import { where } from '../ops/select.js';
import { polyval } from '../ops/interpolation.js';
import { exp, neg, square } from '../ops/unary.js';
import { erfc } from '../ops/special.js';
import { callUnary, unaryPrimitive } from '../ops/pointwise.js';
import { erfcinv as erfcinvScalar, logNdtr as logNdtrScalar, logNdtrSlope, ndtri as ndtriScalar } from './kernels/normal.js';

const SQRT_2PI = 2.5066282746310002;

const kernel = (f: (x: number) => number) => (x: Float64Array) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i]!);
  return out;
};

/**
 * (2k − 1)!! (−1)^{k+1}, k = 1 … 12: x + r = r·(1 − G) with G = −x/r → 1 as x → −∞, and
 * 1 − G = Σₖ (−1)^{k+1} (2k − 1)!!/x^{2k} (the asymptotic series of erfc, A&S 7.1.23); the thirteenth term is
 * under 1e−18 of the first from |x| = 20, where −r(x + r) itself has lost x²ε = 4e−14.
 */
const MILLS_SERIES = [1, -3, 15, -105, 945, -10395, 135135, -2027025, 34459425, -654729075, 13749310575, -316234143225];
const MILLS_FROM = -20;
// r = φ/Φ satisfies r′ = −r (x + r) (differentiate φ′ = −xφ and Φ′ = φ). Below x = −20, x + r ≈ −1/x is the
// difference of two numbers near |x| and lost its digits (ad.grad twice of logNdtr at −1e5 was −1.0000149 for
// −0.9999999999): there r′ = −(r/x)²·x²(1 − G), the series in u = 1/x² (1 at u = 0, so x = −∞ gives −1).
const slopeDerivative = (x: Tensor, r: Tensor): Tensor => {
  const far = less(x, MILLS_FROM);
  const xf = where(far, x, MILLS_FROM);
  const series = polyval(tensor([...MILLS_SERIES].reverse()), div(1, square(xf)));
  return where(far, neg(mul(square(div(r, xf)), series)), neg(mul(r, add(x, r))));
};
const logNdtrSlopeP = unaryPrimitive<null>('logNdtrSlope', 'both', kernel(logNdtrSlope), slopeDerivative);
const logNdtrP = unaryPrimitive<null>('logNdtr', 'inputs', kernel(logNdtrScalar), (x) => callUnary(logNdtrSlopeP, x, null));
const ndtriP = unaryPrimitive<null>('ndtri', 'output', kernel(ndtriScalar), (_p, y) => mul(SQRT_2PI, exp(mul(0.5, square(y)))));
// (erfc⁻¹)′(y) = −1/erfc′(z) = −(√π/2) e^{z²} with z = erfc⁻¹(y), its own output.
const erfcinvP = unaryPrimitive<null>('erfcinv', 'output', kernel(erfcinvScalar), (_y, z) => mul(-0.886226925452758, exp(square(z))));

/**
 * Φ(x), the standard normal CDF, as ½ erfc(−x/√2) (full relative accuracy in the lower tail:
 * ndtr(−30) = 4.906713927148187e−198).
 * @example ad.special.ndtr(0) // 0.5
 */
export function ndtr(x: TensorLike): Tensor {
  return mul(0.5, erfc(mul(-Math.SQRT1_2, asTensor(x, 'ndtr'))));
}

/**
 * log Φ(x), accurate in both tails (logNdtr(−100) = −5005.524208694205, logNdtr(10) = −7.6e−24), as
 * JAX's log_ndtr; its derivative φ/Φ is ≈ −x for x ≪ 0, never 0/0.
 * @example ad.special.logNdtr(0) // −log 2
 */
export function logNdtr(x: TensorLike): Tensor { return callUnary(logNdtrP, x, null); }

/**
 * Φ⁻¹(p), the standard normal quantile (probit): 0 and 1 give ∓∞, outside [0, 1] NaN. Accurate
 * far into the lower tail (ndtri(1e−300) = −37.0471…), and near p = ½.
 * @example ad.special.ndtri(0.5) // 0
 */
export function ndtri(p: TensorLike): Tensor { return callUnary(ndtriP, p, null); }

/**
 * erfc⁻¹(y) for y in [0, 2], as −Φ⁻¹(y/2)/√2 (erfc(t) = 2Φ(−t√2); y/2 is exact), so it keeps full
 * accuracy for tiny y where erfinv(1 − y) has none: erfcinv(1e−300) = 26.209469960516…, and
 * for subnormal y (from log y there, where y/2 would round): erfcinv(5e−324) = 27.21329321081295.
 * @example ad.special.erfcinv(1) // 0
 */
export function erfcinv(y: TensorLike): Tensor { return callUnary(erfcinvP, y, null); }
