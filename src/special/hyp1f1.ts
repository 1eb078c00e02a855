/**
 * @file Kummer's function ₁F₁(a; b; x) (JAX's hyp1f1) as a primitive over kernels/hyp1f1.ts. ∂M/∂x = (a/b) M(a + 1, b + 1, x)
 * (DLMF 13.3.15) to any order; ∂M/∂a and ∂M/∂b are kernels of their own (the same algorithms run as dual numbers), each
 * with its x-derivative from ∂/∂x of the first: ∂²M/∂a∂x = M(a + 1, b + 1, x)/b + (a/b) ∂ₐM(a + 1, b + 1, x),
 * ∂²M/∂b∂x = −(a/b²) M(a + 1, b + 1, x) + (a/b) ∂_bM(a + 1, b + 1, x), and none in a or b (JAX's are series with
 * no derivative rules of their own).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import type { Primitive } from '../core/primitive.js';
import { add, div, mulStrong } from '../ops/binary.js';
import { neg as negate, square } from '../ops/unary.js';
import { hyp1f1 as hyp1f1Scalar, hyp1f1Result } from './kernels/hyp1f1.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { extraArguments } from '../core/extraArguments.js';

const SECOND = 'second derivatives of hyp1f1 in a and b are not implemented (JAX\'s a- and b-derivatives are series without derivatives of their own); differentiate once in a or b, or to any order in x.';

function kernel(part: 0 | 1 | 2) {
  return ([a, b, x]: readonly Float64Array[], out: Float64Array) => {
    for (let i = 0; i < out.length; i++) {
      hyp1f1Scalar(a![i]!, b![i]!, x![i]!, part !== 0);
      out[i] = hyp1f1Result[part]!;
    }
  };
}

/** M(a + 1, b + 1, x), the shifted function every x-derivative reads. */
const shifted = (a: Tensor, b: Tensor, x: Tensor) => callNary(hyp1f1P, add(a, 1), add(b, 1), x);

const gradAP: Primitive<null> = naryPrimitive('hyp1f1GradA', kernel(1), [SECOND, SECOND,
  ([a, b, x]) => add(div(shifted(a!, b!, x!), b!), mulStrong(div(a!, b!), callNary(gradAP, add(a!, 1), add(b!, 1), x!)))]);
const gradBP: Primitive<null> = naryPrimitive('hyp1f1GradB', kernel(2), [SECOND, SECOND,
  ([a, b, x]) => add(negate(mulStrong(div(a!, square(b!)), shifted(a!, b!, x!))),
    mulStrong(div(a!, b!), callNary(gradBP, add(a!, 1), add(b!, 1), x!)))]);
// ∂M/∂x = (a/b) M(a + 1, b + 1, x): a strong zero, so a = 0 (M ≡ 1, JAX's edge) has slope 0 even where M(1, b + 1, x) is ∞.
const hyp1f1P: Primitive<null> = naryPrimitive('hyp1f1', kernel(0), [
  ([a, b, x]) => callNary(gradAP, a!, b!, x!),
  ([a, b, x]) => callNary(gradBP, a!, b!, x!),
  ([a, b, x]) => mulStrong(div(a!, b!), shifted(a!, b!, x!)),
]);

/**
 * Kummer's confluent hypergeometric function ₁F₁(a; b; x) = Σₖ (a)ₖ/(b)ₖ xᵏ/k! (JAX's and SciPy's hyp1f1), broadcasting,
 * for real a, b, x. Within 6 ulp of mpmath for a, b in (0, 32] and |x| ≤ 700 (JAX's range), 9 for a < 0, 1.5e−13 out to
 * a, b in [−200, 200] and |x| ≤ 500 (docs/special.md); where double precision cancels (a ≫ b with x ≪ 0, b < 0) the
 * series in exact arithmetic, 0.3–5 ms an element (NaN where that would pass ~1 s: a = 1e5, x = −1e5). Edges
 * as JAX: a = 0 gives 1 (b = 0 too), a = b gives eˣ, b = 0, −1, … +∞ (unless the series ends first, as SciPy).
 * Differentiable in x to any order, and once in a and b (to any order in x after that).
 * @example ad.special.hyp1f1(1, 2, 1) // e − 1
 */
export function hyp1f1(a: TensorLike, b: TensorLike, x: TensorLike): Tensor;
export function hyp1f1(a: TensorLike, b: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('hyp1f1', 'hyp1f1(a, b, x)', extra, x); return callNary(hyp1f1P, a, b, x); }

/** ∂M/∂a, for the op table. @internal */
export function hyp1f1GradA(a: TensorLike, b: TensorLike, x: TensorLike): Tensor { return callNary(gradAP, a, b, x); }
/** ∂M/∂b, for the op table. @internal */
export function hyp1f1GradB(a: TensorLike, b: TensorLike, x: TensorLike): Tensor { return callNary(gradBP, a, b, x); }
