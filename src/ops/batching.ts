/**
 * @file The common shapes of batching rules (vmap), so most primitives' rule is one line.
 *
 * A rule sees each input either batched — the batch as its leading axis — or as one example's
 * value shared by the whole batch, and returns the batched output. Rules are written in adjoint's
 * own ops, so under a transformation outside vmap they are traced like any other code.
 */
import { apply } from '../core/trace.js';
import type { Primitive } from '../core/primitive.js';
import type { Tensor } from '../tensor/tensor.js';
import { broadcastTo, reshape } from './shape.js';

/** One example's rank of an input: its rank without the batch axis, if it has one. */
function exampleRank(x: Tensor, batched: boolean): number {
  return batched ? x.ndim - 1 : x.ndim;
}

/**
 * Batched inputs with length-1 axes inserted after the batch axis, so every input has the same
 * example rank: then broadcasting (which aligns trailing axes) lines example axes up with example
 * axes, and the batch axis with the batch axis, whatever the inputs' own ranks.
 */
export function alignBatched(inputs: readonly Tensor[], batched: readonly boolean[]): Tensor[] {
  let rank = 0;
  inputs.forEach((x, i) => (rank = Math.max(rank, exampleRank(x, batched[i]!))));
  return inputs.map((x, i) => {
    const missing = rank - exampleRank(x, batched[i]!);
    if (!batched[i] || missing === 0) return x;
    return reshape(x, [x.shape[0]!, ...new Array<number>(missing).fill(1), ...x.shape.slice(1)]);
  });
}

/** Every input with the batch axis: shared ones broadcast to `size` copies. */
export function allBatched(inputs: readonly Tensor[], batched: readonly boolean[], size: number): Tensor[] {
  return inputs.map((x, i) => (batched[i] ? x : broadcastTo(reshape(x, [1, ...x.shape]), [size, ...x.shape])));
}

/**
 * The rule of an elementwise primitive with broadcasting (unary, binary, where): the primitive
 * itself on the aligned batch. `self` returns the primitive (it is defined after its rule).
 */
export function broadcastingRule<P>(self: () => Primitive<P>) {
  return (inputs: readonly Tensor[], batched: readonly boolean[], params: P): Tensor =>
    apply(self(), alignBatched(inputs, batched), params);
}

/** Axes of one example, as axes of the batch (one more leading axis). */
export function shiftAxes(axes: readonly number[]): number[] {
  return axes.map((a) => a + 1);
}

/**
 * The rule of a primitive along one axis of inputs of one shape (prod, cumprod, recurrences): the
 * axis one further along, shared inputs broadcast to the batch. `self` returns the primitive.
 */
export function alongAxisRule<P extends { readonly axis: number }>(self: () => Primitive<P>) {
  return (inputs: readonly Tensor[], batched: readonly boolean[], params: P, size: number): Tensor =>
    apply(self(), inputs.length === 1 ? [...inputs] : allBatched(inputs, batched, size), { ...params, axis: params.axis + 1 });
}

/**
 * The rule of a primitive already batched over leading axes (the linear algebra, which works on the
 * last one or two): the same call with the batch as one more leading axis; shared inputs broadcast.
 */
export function leadingAxesRule<P>(self: () => Primitive<P>) {
  return (inputs: readonly Tensor[], batched: readonly boolean[], params: P, size: number): Tensor =>
    apply(self(), inputs.length === 1 ? [...inputs] : allBatched(inputs, batched, size), params);
}
