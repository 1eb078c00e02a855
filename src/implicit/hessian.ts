/** @file Hessian-vector products of a loss at a fixed point, exact or by centered differences, as linear operators on pytree leaves. */
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import type { PyTree } from '../core/pytree.js';
import { grad, releasablePullback } from '../transforms/vjp.js';
import { maxAbs } from './space.js';
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
  const g = (leaves: readonly Tensor[]): Tensor[] => space.leaves(grad(loss)(space.rebuild(leaves)), 'the gradient');
  if (mode === 'exact') {
    let linear: ReturnType<typeof releasablePullback> | null = null;
    const apply: LeafOperator = (v) => {
      linear ??= releasablePullback((z: PyTree) => grad(loss)(z), space.rebuild(x), 'argmin');
      return space.leaves(linear.pullback(space.rebuild(v)), 'a Hessian-vector product');
    };
    apply.release = () => linear?.release();
    return apply;
  }
  const xScale = Math.max(...x.map((t) => maxAbs(t.values)), 0);
  const eps = Math.cbrt(Number.EPSILON) * (1 + xScale);
  return (v) => {
    const vScale = Math.max(...v.map((t) => maxAbs(t.values)), 0);
    if (vScale === 0) return v.map((t) => mul(t, 0));
    const step = eps / vScale; // x ± step·v moves x by eps in the max norm
    const plus = g(x.map((xi, i) => add(xi, mul(step, v[i]!))));
    const minus = g(x.map((xi, i) => sub(xi, mul(step, v[i]!))));
    return plus.map((p, i) => mul(sub(p, minus[i]!), 1 / (2 * step)));
  };
}
