/**
 * @file The regularised incomplete gamma functions P(a, x) and Q(a, x), log B(a, b) and the
 * multivariate log-gamma — JAX's gammainc, gammaincc, betaln and multigammaln — as primitives
 * whose derivatives are closed forms in adjoint's own ops, except ∂P/∂a: its own kernel
 * (kernels/incompleteGamma.ts), as JAX's igamma_grad_a, with no derivative in a of its own; and
 * ∂P/∂x, the gamma density, a kernel too (P's prefactor, accurate for large a).
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, type TensorLike } from '../tensor/create.js';
import { checkedSize } from '../tensor/checks.js';
import { expandDims } from '../ops/shape.js';
import { sum } from '../ops/reduce.js';
import { add, div, mul, sub } from '../ops/binary.js';
import { log, neg } from '../ops/unary.js';
import type { Primitive } from '../core/primitive.js';
import { digamma, lgamma, polygamma } from '../ops/special.js';
import { gammaDensity as gammaDensityScalar, gammaResult, incompleteGamma } from './kernels/incompleteGamma.js';
import { betaln as betalnScalar, psiDifference } from './kernels/stirling.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { trigammaShift } from './gammaFunction.js';
import { extraArguments } from '../core/extraArguments.js';

const LOG_PI = 1.1447298858494002;
const SECOND_IN_A = 'the second derivative of gammainc in a is not implemented (JAX\'s igamma_grad_a has none either); '
  + 'differentiate twice in x, or once in a.';

// ∂P/∂x = f(a, x) = x^{a−1} e^{−x}/Γ(a), the gamma density (A&S 6.5.25), a primitive of its own so it
// keeps P's accuracy for large a; ∂f/∂x = f ((a − 1)/x − 1), ∂f/∂a = f (log x − ψ(a)).
const gammaDensityP: Primitive<null> = naryPrimitive('gammaincDensity',
  ([a, x], out) => { for (let i = 0; i < out.length; i++) out[i] = gammaDensityScalar(a![i]!, x![i]!); },
  [([a, x], f) => mul(f, sub(log(x!), digamma(a!))), ([a, x], f) => mul(f, sub(div(sub(a!, 1), x!), 1))]);
const gammaDensity = (a: Tensor, x: Tensor) => callNary(gammaDensityP, a, x);

function gammaKernel(part: 0 | 1 | 2) {
  return ([a, x]: readonly Float64Array[], out: Float64Array) => {
    for (let i = 0; i < out.length; i++) {
      incompleteGamma(a![i]!, x![i]!, part === 2);
      out[i] = gammaResult[part]!;
    }
  };
}

// ∂²P/∂a∂x = ∂P/∂x · (log x − ψ(a)): the a-derivative of the density's log.
const gammaincGradAP = naryPrimitive('gammaincGradA', gammaKernel(2),
  [SECOND_IN_A, ([a, x]) => mul(gammaDensity(a!, x!), sub(log(x!), digamma(a!)))]);
// ∂P/∂a by its kernel; ∂P/∂x the density.
const gammaincP = naryPrimitive('gammainc', gammaKernel(0),
  [([a, x]) => callNary(gammaincGradAP, a!, x!), ([a, x]) => gammaDensity(a!, x!)]);
// Q = 1 − P: both derivatives are P's, negated (computed by Q's own kernel branch, not as 1 − P).
const gammainccP = naryPrimitive('gammaincc', gammaKernel(1),
  [([a, x]) => neg(callNary(gammaincGradAP, a!, x!)), ([a, x]) => neg(gammaDensity(a!, x!))]);
// ψ(s + t) − ψ(s) by its kernel (psiDifference: no cancellation for t ≪ s); ∂/∂s = ψ′(s + t) − ψ′(s) by
// trigammaShift (no cancellation either: as two trigammas, betaln″ at a = 1e10, b = 1e−6 was 2.6 times too large), ∂/∂t = ψ′(s + t).
const psiDifferenceP: Primitive<null> = naryPrimitive('digammaDifference',
  ([s, t], out) => { for (let i = 0; i < out.length; i++) out[i] = psiDifference(s![i]!, t![i]!); },
  [([s, t]) => trigammaShift(s!, t!), ([s, t]) => polygamma(1, add(s!, t!))]);
// ∂/∂a log B(a, b) = ψ(a) − ψ(a + b) = −(ψ(a + b) − ψ(a)), and symmetrically in b.
const betalnP = naryPrimitive('betaln', ([a, b], out) => { for (let i = 0; i < out.length; i++) out[i] = betalnScalar(a![i]!, b![i]!); },
  [([a, b]) => neg(callNary(psiDifferenceP, a!, b!)), ([a, b]) => neg(callNary(psiDifferenceP, b!, a!))]);

/**
 * The regularised lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) (JAX's and SciPy's
 * gammainc), broadcasting. Differentiable in x (∂P/∂x = x^{a−1}e^{−x}/Γ(a)) and once in a (by
 * differentiating the series and Legendre's continued fraction term by term). a ≤ 0 or x < 0 give NaN.
 * @example ad.special.gammainc(1, ad.tensor([0, 1])) // [0, 1 − e⁻¹]
 */
export function gammainc(a: TensorLike, x: TensorLike): Tensor;
export function gammainc(a: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('gammainc', 'gammainc(a, x)', extra, x); return callNary(gammaincP, a, x); }

/**
 * The regularised upper incomplete gamma function Q(a, x) = 1 − P(a, x), computed directly where
 * it is small (gammaincc(10, 100) = 1.1253473960842734e−31, not 0). Derivatives as gammainc's, negated.
 * @example ad.special.gammaincc(1, 2) // e⁻²
 */
export function gammaincc(a: TensorLike, x: TensorLike): Tensor;
export function gammaincc(a: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('gammaincc', 'gammaincc(a, x)', extra, x); return callNary(gammainccP, a, x); }

/**
 * log |B(a, b)| = lgamma(a) + lgamma(b) − lgamma(a + b), without the cancellation of those terms
 * for large arguments (Stirling's remainder and log1p: betaln(1e10, 1) = −log 1e10 to the last digit).
 * @example ad.special.betaln(1, 2) // −log 2
 */
export function betaln(a: TensorLike, b: TensorLike): Tensor;
export function betaln(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('betaln', 'betaln(a, b)', extra, b); return callNary(betalnP, a, b); }

/** Entries of lgamma's terms multigammaln forms at once. */
const MULTIGAMMA_BLOCK = 2 ** 20;

/**
 * The log of the multivariate gamma function, log Γ_d(a) = d(d − 1)/4 log π + Σⱼ lgamma(a + (1 − j)/2),
 * j = 1 … d (JAX's multigammaln(a, d)); d a positive integer, not differentiable.
 * @example ad.special.multigammaln(2, 1) // lgamma(2) = 0
 */
export function multigammaln(a: TensorLike, d: number): Tensor;
export function multigammaln(a: TensorLike, d: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('multigammaln', 'multigammaln(a, d)', extra, d);
  if (!Number.isInteger(d) || d < 1) {
    throw new InvalidArgumentError(`multigammaln: the dimension d must be a positive integer, got ${String(d)}; pass e.g. multigammaln(a, 3).`);
  }
  const x = asTensor(a, 'multigammaln');
  checkedSize('multigammaln', [...x.shape, d]); // the terms below, one per j, before anything is made
  // Σ_{j=1}^{d} lgamma(a + (1 − j)/2) over a last axis of terms, in blocks of about 2^20 entries:
  // one op per block, not per j (d ops one by one took minutes at d = 2^40 before the size check
  // could see it), and no more memory than a block (all d at once: 3× the peak at 200,000 × 200).
  const block = Math.max(1, Math.floor(MULTIGAMMA_BLOCK / Math.max(x.size, 1)));
  let total: Tensor | null = null;
  for (let j = 0; j < d; j += block) {
    const part = sum(lgamma(add(expandDims(x, -1), mul(arange(j, Math.min(d, j + block)), -0.5))), -1);
    total = total === null ? part : add(total, part);
  }
  return add(total!, (d * (d - 1) / 4) * LOG_PI);
}

/** ∂P(a, x)/∂a (JAX's igamma_grad_a), for the op table and the gamma distribution. @internal */
export function gammaincGradA(a: TensorLike, x: TensorLike): Tensor { return callNary(gammaincGradAP, a, x); }
/** ∂P(a, x)/∂x, the gamma density, for the op table. @internal */
export function gammaincDensity(a: TensorLike, x: TensorLike): Tensor { return callNary(gammaDensityP, a, x); }
