/** @file Hessian-vector products of a loss at a fixed point, exact or by centered differences, as linear operators on pytree leaves. */
import type { Tensor } from '../tensor/tensor.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { max } from '../ops/reduce.js';
import { zeros } from '../tensor/create.js';
import { stopGradient } from '../ops/select.js';
import type { PyTree } from '../core/pytree.js';
import { gradFor, releasablePullback } from '../transforms/vjp.js';
import type { Space } from './space.js';

/** How Hessian-vector products are computed: exactly by automatic differentiation, or by centered differences of gradients. */
export type HvpMode = 'exact' | 'finiteDifference';

/** A linear operator on the leaves of a space; `release` returns the tape an exact operator keeps. */
export type LeafOperator = ((v: readonly Tensor[]) => Tensor[]) & { release?: () => void };

/**
 * v ↦ ∇²loss(x)·v on the leaves of `space`.
 *
 * 'exact' records the gradient computation once at x and pulls each v back through it
 * (reverse-over-reverse: (∇²L)ᵀ v = ∇²L v since the Hessian is symmetric), so each product costs
 * one backward pass of the gradient's tape, about one to two gradients, and no forward pass.
 *
 * 'finiteDifference' uses (∇L(x + εv̂) − ∇L(x − εv̂)) ‖v‖ / 2ε with v̂ = v/‖v‖∞ and
 * ε = ∛(machine ε)·(1 + ‖x‖∞): two gradients, error O(ε²) plus rounding O(machine ε/ε) ≈ 1e-11
 * relative. Exact for quadratic losses up to rounding.
 */
export function hessianOperator(loss: (x: any) => PyTree, x: readonly Tensor[], space: Space, mode: HvpMode): LeafOperator {
  const g = (leaves: readonly Tensor[]): Tensor[] => space.leaves(gradFor(loss, 'grad')(space.rebuild(leaves)), 'the gradient');
  if (mode === 'exact') {
    let linear: ReturnType<typeof releasablePullback> | null = null;
    const apply: LeafOperator = (v) => {
      linear ??= releasablePullback((z: PyTree) => gradFor(loss, 'grad')(z), space.rebuild(x), 'argmin');
      return space.leaves(linear.pullback(space.rebuild(v)), 'a Hessian-vector product');
    };
    apply.release = () => linear?.release();
    return apply;
  }
  // The scales are tensors, not values read: under vmap (ad.hessian of an outer loss maps the
  // tangent solve over a basis) each example gets its own step; reading a batched v's values threw
  // "vmap: data reads the value of a batched tensor". max(‖v‖∞, 1e-300) keeps v = 0 finite: the
  // difference is then exactly 0. The step is a choice, not part of the product: no gradient.
  const scale = (ts: readonly Tensor[]): Tensor =>
    stopGradient(ts.filter((t) => t.size > 0).reduce((m, t) => maximum(m, max(abs(t))), zeros([])));
  const eps = mul(Math.cbrt(Number.EPSILON), add(1, scale(x)));
  return (v) => {
    const step = div(eps, maximum(scale(v), 1e-300)); // x ± step·v moves x by eps in the max norm
    const plus = g(x.map((xi, i) => add(xi, mul(step, v[i]!))));
    const minus = g(x.map((xi, i) => sub(xi, mul(step, v[i]!))));
    return plus.map((p, i) => div(sub(p, minus[i]!), mul(2, step)));
  };
}
