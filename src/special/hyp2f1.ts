/**
 * @file Gauss's hypergeometric function ₂F₁(a, b; c; x) (JAX's hyp2f1) as a primitive over kernels/hyp2f1.ts:
 * ∂F/∂x = (ab/c) ₂F₁(a + 1, b + 1; c + 1; x) (DLMF 15.5.1) to any order; none in a, b or c (refused, naming the
 * operand: JAX's are the |x| < 1 power series term by term, wrong for x < −1 and slow near 1).
 */
import type { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import type { Primitive } from '../core/primitive.js';
import { add, div, mul, mulStrong } from '../ops/binary.js';
import { hyp2f1 as hyp2f1Scalar } from './kernels/hyp2f1.js';
import { callNary, naryPrimitive } from './elementwise.js';
import { extraArguments } from '../core/extraArguments.js';

const PARAMETER = (name: string) => `derivatives of hyp2f1 in ${name} are not implemented (JAX's are its power series in x differentiated term by term, which diverge for x < −1); differentiate in x (to any order), or hold ${name} constant (ad.stopGradient).`;

const hyp2f1P: Primitive<null> = naryPrimitive('hyp2f1', ([a, b, c, x], out) => {
  for (let i = 0; i < out.length; i++) out[i] = hyp2f1Scalar(a![i]!, b![i]!, c![i]!, x![i]!);
}, [
  PARAMETER('a'), PARAMETER('b'), PARAMETER('c'),
  // ∂F/∂x = (ab/c) F(a + 1, b + 1; c + 1; x): a strong zero, so a = 0 or b = 0 (F ≡ 1) has slope 0 where the shifted F is ∞.
  ([a, b, c, x]) => mulStrong(div(mul(a!, b!), c!), callNary(hyp2f1P, add(a!, 1), add(b!, 1), add(c!, 1), x!)),
]);

/**
 * Gauss's hypergeometric function ₂F₁(a, b; c; x) = Σₖ (a)ₖ(b)ₖ/(c)ₖ xᵏ/k! (JAX's and SciPy's hyp2f1), broadcasting,
 * for real a, b, c, x, continued to x < −1 by the linear transformations. Within 85 ε·max(1, κ) of mpmath (κ the
 * condition number in a, b, c, x; 2e−14 relative at worst where κ ≤ 1) over |a|, |b|, |c| ≤ 50, −1000 ≤ x < 1
 * (docs/special.md). Edges as JAX: 1 at x = 0 or a = 0 or b = 0 (c ≠ 0); +∞ where c is 0, −1, −2, …; +∞ for x > 1
 * where ₂F₁ is not real and at x = 1 where c − a − b ≤ 0, Γ(c)Γ(c − a − b)/(Γ(c − a)Γ(c − b)) at x = 1 otherwise.
 * Where the series terminates (a or b a non-positive integer; or c − a or c − b, times (1 − x)^{c−a−b}) it is that
 * polynomial for every x, x ≥ 1 too (JAX: +∞ there unless c − a − b ≤ −1 is an integer). Differentiable in x to any
 * order; not in a, b, c.
 * @example ad.special.hyp2f1(1, 1, 2, -1) // log 2
 */
export function hyp2f1(a: TensorLike, b: TensorLike, c: TensorLike, x: TensorLike): Tensor;
export function hyp2f1(a: TensorLike, b: TensorLike, c: TensorLike, x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('hyp2f1', 'hyp2f1(a, b, c, x)', extra, x);
  return callNary(hyp2f1P, a, b, c, x);
}
