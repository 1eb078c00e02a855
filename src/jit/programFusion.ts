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
 *
 * The same holds for a dense contribution, as the backward pass's `accumulate` (core/cotangents.ts)
 * adds the k cotangents meeting at a node into one buffer: y = add(x, s) with x read by nothing
 * but this add and made into a buffer of its own by a call that is not elementwise (pad,
 * scatterAdd, an accumulation, or a fused VJP whose primitive declares `freshCotangents`) becomes
 * addInPlace(x, s), x += s. Elementwise producers are left to the loop fusion
 * (jit/elementwiseFusion.ts), which computes a chain of adds in one loop without temporaries.
 */
import type { Tensor } from '../tensor/tensor.js';
import { shapesEqual, type Shape } from '../tensor/shape.js';
import type { Primitive } from '../core/primitive.js';

/** What the pass reads and rewrites of a program being built. */
export interface CallSlot {
  prim: Primitive<any>;
  params: unknown;
  inputs: Int32Array;
  readonly shape: Shape;
}

interface AccumulateParams {
  /** P's addInto kernel for its params. */
  readonly kernel: (acc: Float64Array, inputs: readonly Tensor[]) => void;
  readonly inner: Primitive<any>;
  readonly params: unknown;
}

/**
 * Accumulators known to hold no −0. The dense sum x + P(g) adds +0 off P's support, turning a −0
 * there into +0, which the in-place add would not: so the first time a buffer is accumulated into,
 * it is checked, and one with a −0 gets the dense sum instead. Once clean it stays clean — adding
 * g (pad) or 0 + g (scatterAdd) to a value that is not −0 never gives −0 — so the check costs one
 * pass per accumulation chain, where the dense form costs one per step.
 */
const clean = new WeakSet<Float64Array>();

function hasNegativeZero(a: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] === 0 && 1 / a[i]! < 0) return true;
  return false;
}

/** x + P(g) into x's own buffer (see the file comment for when that is allowed). Only replays run it. */
const accumulateInto: Primitive<AccumulateParams> = {
  name: 'accumulateInto',
  saves: 'none',
  forward: ([x, g], { kernel, inner, params }) => {
    const acc = x!.values;
    if (!clean.has(acc)) {
      if (hasNegativeZero(acc)) {
        const s = inner.forward([g!], params).values;
        for (let i = 0; i < acc.length; i++) acc[i] += s[i]!;
        if (!hasNegativeZero(acc)) clean.add(acc);
        return x!;
      }
      clean.add(acc);
    }
    kernel(acc, [g!]);
    return x!;
  },
  vjp: null,
  jvp: null,
};

/** Kernels whose output is a fresh buffer no other tensor shares. */
const FRESH = new Set(['add', 'scatterAdd', 'pad', 'accumulateInto', 'addInPlace']);
/** Recorded calls of fused VJPs whose cotangents are buffers of their own (jit/recordTrace.ts). */
const freshRules = new WeakSet<Primitive<any>>();

/** Marks a recorded fused-VJP call's primitive as making fresh buffers (its primitive's `freshCotangents`). @internal */
export function markFresh(prim: Primitive<any>): void {
  freshRules.add(prim);
}

const isFresh = (prim: Primitive<any>) => FRESH.has(prim.name) || freshRules.has(prim);

interface AddInPlaceParams {
  /** The add the call was, for operands whose shapes differ at a replay (and for the ONNX export). */
  readonly inner: Primitive<any>;
  readonly params: unknown;
}

/**
 * x += s in x's own buffer (see the file comment for when that is allowed); x + s as the add does,
 * element by element the same IEEE sum, so the same bits. Only replays run it.
 */
const addInPlace: Primitive<AddInPlaceParams> = {
  name: 'addInPlace',
  saves: 'none',
  forward: ([x, s], { inner, params }) => {
    if (!shapesEqual(x!.shape, s!.shape)) return inner.forward([x!, s!], params);
    const acc = x!.values, v = s!.values, n = acc.length;
    for (let i = 0; i < n; i++) acc[i] += v[i]!;
    return x!;
  },
  vjp: null,
  jvp: null,
};

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
      if (readers[x] !== 1 || readers[s] !== 1 || !isFresh(px.prim)) continue;
      if (!shapesEqual(px.shape, call.shape) || !shapesEqual(ps.shape, call.shape)) continue;
      const kernel = ps.prim.addInto(ps.params);
      if (kernel === null) continue;
      const g = ps.inputs[0]!;
      call.prim = accumulateInto;
      call.params = { kernel, inner: ps.prim, params: ps.params } satisfies AccumulateParams;
      call.inputs = Int32Array.of(x, g);
      readers[s] = 0;
      readers[g]!++;
      fused++;
      break;
    }
    if (call.prim !== accumulateInto) fuseDense(call, producer, readers);
  }
  return fused;
}

/** add(x, s) → addInPlace(x, s) where x (either operand) may take the sum in place. */
function fuseDense(call: CallSlot, producer: (slot: number) => CallSlot | null, readers: Int32Array): void {
  for (const xi of [0, 1]) {
    const x = call.inputs[xi]!, s = call.inputs[1 - xi]!;
    const px = producer(x);
    if (px === null || readers[x] !== 1 || !isFresh(px.prim) || px.prim.scalarCode !== undefined) continue;
    if (!shapesEqual(px.shape, call.shape)) continue;
    call.params = { inner: call.prim, params: call.params } satisfies AddInPlaceParams;
    call.prim = addInPlace;
    call.inputs = Int32Array.of(x, s);
    return;
  }
}

