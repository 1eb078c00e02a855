/**
 * @file Special functions — lgamma, digamma, polygamma, erf, erfc, erfinv — each a kernel
 * (tensor/kernels/gamma.ts, polygamma.ts, erf.ts) and its derivative in adjoint's own ops.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { polygammaKernel } from '../tensor/kernels/polygamma.js';
import { specialKernel, type SpecialKernel } from '../tensor/kernels/special.js';
import { expNegSquareScalar } from '../tensor/kernels/erf.js';
import type { Tensor } from '../tensor/tensor.js';
import { allocF64 } from '../tensor/alloc.js';
import type { TensorLike } from '../tensor/create.js';
import { mul, mulStrong } from './binary.js';
import { neg } from './unary.js';
import { registerTensorMethods } from './methods.js';
import { callUnary, unaryPrimitive } from './pointwise.js';
import { extraArguments } from '../core/extraArguments.js';

const TWO_OVER_SQRT_PI = 1.1283791670955126;
const SQRT_PI_OVER_TWO = 0.886226925452758;

const special = (name: SpecialKernel, saves: 'inputs' | 'output', derivative: (x: Tensor, y: Tensor) => Tensor) =>
  unaryPrimitive<null>(name, saves, (x) => specialKernel(name, x), derivative);

// d/dx log|Γ(x)| = ψ(x), on both sides of every pole (A&S 6.3.1).
const lgammaP = special('lgamma', 'inputs', (x) => digamma(x));
// ψ'(x) = ψ⁽¹⁾(x): the polygamma primitive, whose own derivative is the next one.
const digammaP = special('digamma', 'inputs', (x) => polygamma(1, x));
// d/dx ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁺¹⁾(x).
const polygammaP = unaryPrimitive<{ readonly n: number }>('polygamma', 'inputs',
  (x, { n }) => polygammaKernel(n, x), (x, _y, { n }) => polygamma(n + 1, x));
// d/dx e^{−cx²} = −2cx·e^{−cx²}: its own output, to any order.
const expNegSquareP = unaryPrimitive<{ readonly c: 1 | 0.5 | -1 | -0.5 }>('expNegSquare', 'both', (x, { c }) => {
  const out = allocF64(x.length);
  for (let i = 0; i < x.length; i++) out[i] = expNegSquareScalar(x[i]!, c);
  return out;
}, (x, y, { c }) => mulStrong(mul(-2 * c, x), y)); // strong: at x = ±∞ (y = 0) the limit 0, not ∞·0 = NaN
/** e^{−c·x²} (c = ±1 or ±½) without the rounding of x² (expNegSquareScalar). @internal */
export function expNegSquare(x: Tensor, c: 1 | 0.5 | -1 | -0.5): Tensor { return callUnary(expNegSquareP, x, { c }); }
// erf'(x) = 2/√π e^{−x²} (A&S 7.1.19); erfc' = −erf'.
const erfDerivative = (x: Tensor) => mul(TWO_OVER_SQRT_PI, expNegSquare(x, 1));
const erfP = special('erf', 'inputs', erfDerivative);
const erfcP = special('erfc', 'inputs', (x) => neg(erfDerivative(x)));
// erfinv'(x) = 1 / erf'(erfinv x) = √π/2 e^{y²} with y = erfinv(x): uses its own output; +∞ at ±1. e^{y²} without
// y²'s rounding (expNegSquare); the rest, up to y²·ε = 4.6e−15 near ±1, is y's own rounding.
const erfinvP = special('erfinv', 'output', (_x, y) => mul(SQRT_PI_OVER_TWO, expNegSquare(y, -1)));

/**
 * log |Γ(x)| (SciPy's gammaln, JAX's lgamma). Poles 0, −1, −2, … and ±∞ give +∞. The derivative
 * is `digamma`. Accurate to a few ulp for x > 0; for x < 0 (reflection) to a few ulp of the
 * larger of log|π/sin πx| and lgamma(1 − x), so relative accuracy is lost only next to its zeros.
 * @example ad.lgamma(ad.tensor([0.5, 1, 10])) // [log √π, 0, log 362880]
 */
export function lgamma(x: TensorLike): Tensor;
export function lgamma(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(lgammaP, x, null, extra); }

/**
 * ψ(x) = Γ'(x)/Γ(x). ψ(+0) = −∞, ψ(−0) = +∞, NaN at negative integers and −∞ (as SciPy's psi).
 * The derivative is `polygamma(1, x)`.
 * @example ad.digamma(1) // −γ = −0.5772156649015329
 */
export function digamma(x: TensorLike): Tensor;
export function digamma(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(digammaP, x, null, extra); }

/**
 * ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n = 0 is digamma itself), for an integer n ≥ 0; n is
 * not differentiable. Poles at 0, −1, −2, … give (−1)ⁿ⁺¹ ∞ (±0 give the one-sided limits), +∞ gives 0.
 * @example ad.polygamma(1, 1) // π²/6
 */
export function polygamma(n: number, x: TensorLike): Tensor;
export function polygamma(n: number, x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polygamma', 'polygamma(n, x)', extra, x);
  if (!Number.isInteger(n) || n < 0 || n > 170) {
    throw new InvalidArgumentError(`polygamma: the order n must be an integer from 0 to 170, got ${String(n)}; pass e.g. polygamma(1, x) for the trigamma function.`);
  }
  return n === 0 ? digamma(x) : callUnary(polygammaP, x, { n });
}

/**
 * The error function 2/√π ∫₀ˣ e^{−t²} dt (W. J. Cody's approximations, under 1 ulp in tests).
 * @example ad.erf(ad.tensor([0, 1])) // [0, 0.8427007929497149]
 */
export function erf(x: TensorLike): Tensor;
export function erf(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(erfP, x, null, extra); }

/**
 * 1 − erf(x), with full relative accuracy for large x (erfc(10) = 2.088487583762545e-45), 0 past
 * x ≈ 27.3 and 2 below −27.3.
 * @example ad.erfc(ad.tensor([0, 10])) // [1, 2.088487583762545e-45]
 */
export function erfc(x: TensorLike): Tensor;
export function erfc(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(erfcP, x, null, extra); }

/**
 * The inverse error function on (−1, 1): ±1 give ±∞, |x| > 1 gives NaN. Accurate near ±1, where
 * it is computed from erfc(y) = 1 − |x| (exact there).
 * @example ad.erfinv(ad.erf(0.5)) // 0.5
 */
export function erfinv(x: TensorLike): Tensor;
export function erfinv(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(erfinvP, x, null, extra); }

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.lgamma(x)`. @example ad.tensor([1, 2, 3]).lgamma() // [0, 0, log 2] */
    lgamma(): Tensor;
    /** `ad.digamma(x)`. @example ad.tensor([1]).digamma() // [−γ] */
    digamma(): Tensor;
    /** `ad.erf(x)`. @example ad.tensor([0]).erf() // [0] */
    erf(): Tensor;
    /** `ad.erfc(x)`. @example ad.tensor([0]).erfc() // [1] */
    erfc(): Tensor;
    /** `ad.erfinv(x)`. @example ad.tensor([0]).erfinv() // [0] */
    erfinv(): Tensor;
  }
}

registerTensorMethods({ lgamma, digamma, erf, erfc, erfinv });
