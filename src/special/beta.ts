/**
 * @file The regularised incomplete beta function I_x(a, b) (JAX's betainc), a primitive whose
 * x-derivative is the beta density and whose a- and b-derivatives are kernels of their own
 * (kernels/incompleteBeta.ts), each with a derivative in x and none in a or b (as JAX).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { add, mul, sub } from '../ops/binary.js';
import { exp, log, log1p, neg } from '../ops/unary.js';
import { xlogy } from '../ops/logspace.js';
import { digamma } from '../ops/special.js';
import { betaResult, incompleteBeta } from './kernels/incompleteBeta.js';
import { betaln } from './gamma.js';
import { xlog1py } from './elementary.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { extraArguments } from '../core/extraArguments.js';

const SECOND = 'second derivatives of betainc in a and b are not implemented (JAX has none either); differentiate once in a or b, or to any order in x.';

/** ∂I/∂x = x^{a−1} (1 − x)^{b−1} / B(a, b) (A&S 26.5.1's integrand), in logs. */
const betaDensity = (a: Tensor, b: Tensor, x: Tensor) =>
  exp(sub(add(xlogy(sub(a, 1), x), xlog1py(sub(b, 1), neg(x))), betaln(a, b)));

function betaKernel(part: 0 | 1 | 2 | 3) {
  return ([a, b, x]: readonly Float64Array[], out: Float64Array) => {
    for (let i = 0; i < out.length; i++) {
      incompleteBeta(a![i]!, b![i]!, x![i]!, part === 1 || part === 2);
      out[i] = betaResult[part]!;
    }
  };
}

// ∂²I/∂a∂x = ∂I/∂x · (log x − ψ(a) + ψ(a + b)); ∂²I/∂b∂x = ∂I/∂x · (log(1 − x) − ψ(b) + ψ(a + b)).
const betaincGradAP = naryPrimitive('betaincGradA', betaKernel(1), [SECOND, SECOND,
  ([a, b, x]) => mul(betaDensity(a!, b!, x!), add(sub(log(x!), digamma(a!)), digamma(add(a!, b!))))]);
const betaincGradBP = naryPrimitive('betaincGradB', betaKernel(2), [SECOND, SECOND,
  ([a, b, x]) => mul(betaDensity(a!, b!, x!), add(sub(log1p(neg(x!)), digamma(b!)), digamma(add(a!, b!))))]);
const betaincP = naryPrimitive('betainc', betaKernel(0), [
  ([a, b, x]) => callNary(betaincGradAP, a!, b!, x!),
  ([a, b, x]) => callNary(betaincGradBP, a!, b!, x!),
  ([a, b, x]) => betaDensity(a!, b!, x!),
]);
// 1 − I: its derivatives are I's, negated (the kernel's ∂I/∂a and ∂I/∂b are computed as those of the smaller of I and 1 − I).
const betainccP = naryPrimitive('betaincc', betaKernel(3), [
  ([a, b, x]) => neg(callNary(betaincGradAP, a!, b!, x!)),
  ([a, b, x]) => neg(callNary(betaincGradBP, a!, b!, x!)),
  ([a, b, x]) => neg(betaDensity(a!, b!, x!)),
]);

/**
 * The regularised incomplete beta function I_x(a, b) = B(x; a, b)/B(a, b) (JAX's and SciPy's
 * betainc(a, b, x)), broadcasting. Differentiable in x to any order and once in a and b. a ≤ 0,
 * b ≤ 0 or x outside [0, 1] give NaN.
 * @example ad.special.betainc(1, 1, 0.3) // 0.3
 */
export function betainc(a: TensorLike, b: TensorLike, x: TensorLike): Tensor;
export function betainc(a: TensorLike, b: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('betainc', 'betainc(a, b, x)', extra, x); return callNary(betaincP, a, b, x); }

/** ∂I_x(a, b)/∂a, for the op table and the beta distribution. @internal */
export function betaincGradA(a: TensorLike, b: TensorLike, x: TensorLike): Tensor { return callNary(betaincGradAP, a, b, x); }
/** ∂I_x(a, b)/∂b. @internal */
export function betaincGradB(a: TensorLike, b: TensorLike, x: TensorLike): Tensor { return callNary(betaincGradBP, a, b, x); }

/**
 * 1 − I_x(a, b) (SciPy's betaincc), computed as itself where it is the smaller — I_{1−x}(b, a) by the fraction with
 * 1 − x never rounded into it — so it keeps its digits where 1 − x rounds (x = 1e−20) or 1 − I underflows past 1e−16.
 * For the beta distribution's survival function. @internal
 */
export function betaincc(a: TensorLike, b: TensorLike, x: TensorLike): Tensor { return callNary(betainccP, a, b, x); }
