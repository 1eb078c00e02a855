/** @file Selection: where, clip and stopGradient. */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { broadcastingRule } from './batching.js';
import { whereKernel } from '../tensor/kernels/binary.js';
import { broadcastShapes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { add, greater, less, notEqual } from './binary.js';
import { sumTangents, unbroadcastIf } from './rules.js';
import { extraArguments } from '../core/extraArguments.js';
import { isPlainObject, mapTree, type TensorTree } from '../core/pytree.js';
import { registeredNode } from '../core/pytreeNodes.js';

// The cotangent goes to the selected branch only, as exact zeros elsewhere: so a branch that was
// not taken (sqrt at 0 in where(x > 0, sqrt(x), 0)) receives 0 and contributes 0, never NaN.
const whereP: Primitive<null> = definePrimitive<null>({
  name: 'where',
  saves: 'inputs',
  forward: ([c, a, b]) => {
    const shape = broadcastShapes('where', c!.shape, a!.shape, b!.shape);
    return new Tensor(whereKernel(c!.values, c!.shape, a!.values, a!.shape, b!.values, b!.shape, shape), shape);
  },
  vjp: (g, r, _p, needs) => {
    const c = r.inputs[0]!;
    return [
      null, // the condition is not differentiable
      needs[1] ? unbroadcastIf(true, where(c, g, 0), r.shapes[1]!) : null,
      needs[2] ? unbroadcastIf(true, where(c, 0, g), r.shapes[2]!) : null,
    ];
  },
  jvp: ([, ta, tb], [c], out) => {
    if (ta === null && tb === null) return null;
    return sumTangents(out.shape, where(c!, ta ?? 0, tb ?? 0));
  },
  batch: broadcastingRule(() => whereP),
});

/**
 * Elementwise `cond ? a : b` (any non-zero condition counts as true), broadcasting all three.
 * The gradient flows only into the branch that was selected.
 * @example ad.where(ad.greater(x, 0), ad.sqrt(x), 0)
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor;
export function where(cond: TensorLike, a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('where', 'where(cond, a, b)', extra, b);
  return apply(whereP, [asTensor(cond, 'where'), asTensor(a, 'where'), asTensor(b, 'where')], null);
}

/**
 * Limits x to [lo, hi]: `minimum(maximum(x, lo), hi)`, as numpy.clip and jnp.clip, so where
 * lo > hi the result is hi, and NaN in x or a bound gives NaN (as jnp.clip and NumPy's clip with
 * array bounds; NumPy 1.24 ignores a NaN given as a plain number bound). The gradient is 1 inside the
 * interval, boundaries included (as torch.clamp), flows to `lo` or `hi` where they are the value,
 * and is 0 everywhere at NaN. A bound left out or null is no bound (numpy.clip's None, jnp.clip's
 * min/max left out).
 * @example ad.clip(ad.tensor([-2, 0.5, 3]), 0, 1) // [0, 0.5, 1]
 * @example ad.clip(ad.tensor([-2, 0.5, 3]), null, 1) // [-2, 0.5, 1]
 */
export function clip(x: TensorLike, lo?: TensorLike | null, hi?: TensorLike | null): Tensor;
export function clip(x: TensorLike, lo?: TensorLike | null, hi?: TensorLike | null, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('clip', 'clip(x, lo, hi)', extra, hi);
  const bound = (b: TensorLike | null | undefined, none: number) => (b === null || b === undefined ? new Tensor(Float64Array.of(none), []) : asTensor(b, 'clip'));
  const [t, l, h] = [asTensor(x, 'clip'), bound(lo, -Infinity), bound(hi, Infinity)];
  broadcastShapes('clip', t.shape, l.shape, h.shape); // errors name clip, not the ops below
  // Raise to lo first, then lower to hi: hi wins where the bounds cross (testing x against both
  // bounds in one where would leave x < lo at lo even when lo > hi).
  const raised = where(less(t, l), l, t);
  const clipped = where(greater(raised, h), h, raised);
  // NaN in x or in a bound gives NaN with no cotangent anywhere, as torch.clamp (its VJP passes g
  // where lo <= x <= hi, false at NaN) and jnp.clip (maximum/minimum propagate NaN): the
  // comparisons above are false at NaN, so they alone would pass x through with gradient 1.
  const nanBounds = add(notEqual(l, l), notEqual(h, h));
  return where(add(notEqual(t, t), nanBounds), Number.NaN, clipped);
}

// The identity with zero derivative: no VJP or JVP rule, so every differentiating level sees a
// constant, while a jit recording still sees the call and keeps the value's dependence on the inputs.
const stopGradientP: Primitive<null> = definePrimitive<null>({
  name: 'stopGradient',
  saves: 'none',
  forward: ([x]) => x!,
  vjp: null,
  jvp: null,
  batch: broadcastingRule(() => stopGradientP),
});

/**
 * The same value, treated as a constant by every transformation (its derivative is zero). Of a
 * pytree (arrays, plain objects and registered nodes of tensors, as jax.lax.stop_gradient takes), each leaf.
 * @example ad.grad((x) => ad.mul(x, ad.stopGradient(x)))(ad.tensor(3)) // 3, not 6
 * @example ad.stopGradient({ w: ad.ones([2]), b: 0 }).b.item() // 0
 */
// Generic, so that an argument typed `any` (an unannotated lambda's parameter under grad) resolves here: a Tensor.
export function stopGradient<T extends TensorLike>(x: T): Tensor;
export function stopGradient<T extends object>(tree: T): TensorTree<T>;
export function stopGradient(x: unknown, ...extra: unknown[]): unknown {
  if (extra.length > 0) extraArguments('stopGradient', 'stopGradient(x)', extra, x);
  if (Array.isArray(x) || isPlainObject(x) || registeredNode(x) !== undefined) return mapTree(x, (leaf) => stopGradient(leaf), 'stopGradient');
  return apply(stopGradientP, [asTensor(x as TensorLike, 'stopGradient')], null);
}
