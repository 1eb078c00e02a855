/** @file The first-order linear recurrence r_k = a_k r_{k−1} + b_k: the primitive that the derivatives of cumulative products are made of. */
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { alongAxisRule } from '../ops/batching.js';
import { ShapeError } from '../core/errors.js';
import { linearRecurrenceKernel } from '../tensor/kernels/products.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { add, mulStrong } from '../ops/binary.js';
import { concat, slice } from '../ops/shape.js';
import { chain } from '../ops/rules.js';

/**
 * `x` moved one place along `axis` in scan order, a zero coming in: y_k = x_{k−1} (y_0 = 0), or
 * with `reverse` y_k = x_{k+1} (y_{n−1} = 0). Linear, built from slice and concat.
 */
export function shiftPrev(x: Tensor, axis: number, reverse: boolean): Tensor {
  const n = x.shape[axis]!;
  if (n <= 1) return zeros(x.shape); // nothing survives the shift: a constant
  const edge = x.shape.map((d, i) => (i === axis ? 1 : d));
  const begin = x.shape.map((_, i) => (i === axis && reverse ? 1 : 0));
  const size = x.shape.map((d, i) => (i === axis ? n - 1 : d));
  const kept = slice(x, begin, size);
  return reverse ? concat([kept, zeros(edge)], axis) : concat([zeros(edge), kept], axis);
}

/** The shift the other way: the next element in scan order (the transpose of `shiftPrev`). */
export function shiftNext(x: Tensor, axis: number, reverse: boolean): Tensor {
  return shiftPrev(x, axis, !reverse);
}

interface RecurrenceParams { readonly axis: number; readonly reverse: boolean }

/*
 * r = M(a) b is linear in b, with M_ki = Π_{i<j≤k} a_j (k ≥ i) in the forward direction.
 *
 * VJP: b̄ = M(a)ᵀ ḡ, the recurrence run the other way with each coefficient taken from the
 *      element it carries from: s_i = ḡ_i + a_{i+1} s_{i+1}, that is
 *      s = linearRecurrence(shiftNext(a), ḡ, opposite direction).
 *      ā_j = r_{j−1} s_j, since a_j scales r_{j−1} into r_j and s_j carries r_j's influence.
 * JVP: ṙ_k = a_k ṙ_{k−1} + ȧ_k r_{k−1} + ḃ_k, the same recurrence driven by ȧ·shiftPrev(r) + ḃ.
 *
 * Every rule is the recurrence again times and plus other terms: no division anywhere, so the
 * rules hold for every input (zeros included) and differentiate again to any order.
 */
const linearRecurrenceP: Primitive<RecurrenceParams> = definePrimitive<RecurrenceParams>({
  name: 'linearRecurrence',
  saves: 'both',
  forward: ([a, b], { axis, reverse }) =>
    new Tensor(linearRecurrenceKernel(a!.values, b!.values, a!.shape, axis, reverse), a!.shape),
  vjp: (g, r, { axis, reverse }, needs) => {
    const a = r.inputs[0]!;
    const s = linearRecurrence(shiftNext(a, axis, reverse), g, axis, !reverse);
    return [needs[0] ? chain(s, shiftPrev(r.out!, axis, reverse)) : null, needs[1] ? s : null];
  },
  jvp: ([ta, tb], [a], out, { axis, reverse }) => {
    const fromA = ta ? mulStrong(ta, shiftPrev(out, axis, reverse)) : null;
    const drive = fromA && tb ? add(fromA, tb) : fromA ?? tb;
    return drive === null ? null : linearRecurrence(a!, drive, axis, reverse);
  },
  batch: alongAxisRule(() => linearRecurrenceP),
});

/**
 * r_k = a_k · r_{k−1} + b_k along `axis` (r_{−1} = 0), or from the end with `reverse`. `a` and `b`
 * must have the same shape. Internal: the tangents and cotangents of `cumprod` are recurrences.
 */
export function linearRecurrence(a: Tensor, b: Tensor, axis: number, reverse: boolean): Tensor {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(`linearRecurrence: coefficients ${formatShape(a.shape)} and inputs ${formatShape(b.shape)} must have the same shape.`);
  }
  return apply(linearRecurrenceP, [a, b], { axis, reverse });
}
