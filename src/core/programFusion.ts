/**
 * @file In-place accumulation of sparse cotangents in recorded programs.
 *
 * The backward pass adds the cotangent of a `take` or `slice` into its input's cotangent in place
 * (`Primitive.accumulate`): n small slices of one big tensor cost O(total slice size). A recorded
 * program cannot see that mutation — while recording, cotangents are traced, so each one is formed
 * densely (`scatterAdd`, `pad`) and summed with `add`: n slices of a [n, …] tensor become O(n²).
 * This pass gives the program its in-place form back. For y = add(x, s) where
 *   - s = P(g) for a primitive P with `addInto` (scatterAdd, pad), read by nothing but this add,
 *   - x has the same shape, is read by nothing but this add, and was made by the run itself into
 *     a buffer nothing else shares (add, scatterAdd, pad, or an earlier accumulation),
 * y becomes accumulateInto(x, g): P's output is added into x's buffer, which y then is. s is left
 * without readers, and dead-code elimination drops it.
 */
import type { Tensor } from '../tensor/tensor.js';
import { shapesEqual, type Shape } from '../tensor/shape.js';
import type { Primitive } from './primitive.js';

/** What the pass reads and rewrites of a program being built. */
export interface CallSlot {
  prim: Primitive<any>;
  params: unknown;
  inputs: Int32Array;
  readonly shape: Shape;
}

type AccumulateParams = (acc: Float64Array, inputs: readonly Tensor[]) => void;

/** x + P(g) into x's own buffer (see the file comment for when that is allowed). Only replays run it. */
const accumulateInto: Primitive<AccumulateParams> = {
  name: 'accumulateInto',
  saves: 'none',
  forward: ([x, g], addInto) => {
    addInto(x!.data, [g!]);
    return x!;
  },
  vjp: null,
  jvp: null,
};

/** Kernels whose output is a fresh buffer no other tensor shares. */
const FRESH = new Set(['add', 'scatterAdd', 'pad', 'accumulateInto']);

/**
 * Rewrites the general calls of a program in place. `callOf[k]` is slot k's call index or -1;
 * `readers[k]` how many reads slot k has (inputs of ops and calls, and outputs).
 */
export function fuseAccumulation(calls: CallSlot[], callOf: Int32Array, readers: Int32Array): number {
  let fused = 0;
  const producer = (slot: number) => (callOf[slot]! >= 0 ? calls[callOf[slot]!]! : null);
  for (const call of calls) {
    if (call.prim.name !== 'add' || call.inputs.length !== 2 || call.shape.length === 0) continue;
    for (const [xi, si] of [[0, 1], [1, 0]] as const) {
      const x = call.inputs[xi]!, s = call.inputs[si]!;
      const px = producer(x), ps = producer(s);
      if (px === null || ps === null || ps.prim.addInto === undefined) continue;
      if (readers[x] !== 1 || readers[s] !== 1 || !FRESH.has(px.prim.name)) continue;
      if (!shapesEqual(px.shape, call.shape) || !shapesEqual(ps.shape, call.shape)) continue;
      const kernel = ps.prim.addInto(ps.params);
      if (kernel === null) continue;
      const g = ps.inputs[0]!;
      call.prim = accumulateInto;
      call.params = kernel satisfies AccumulateParams;
      call.inputs = Int32Array.of(x, g);
      readers[s] = 0;
      readers[g]!++;
      fused++;
      break;
    }
  }
  return fused;
}

