/** @file What a primitive is: a name, its forward kernel, its VJP and JVP rules, and the residuals it keeps. */
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { registerScalarPrimitive } from './scalarTape.js';
import { SCALAR_OPS } from './scalarOps.js';

/**
 * What the backward pass may read of one recorded call. Only what the primitive declared in
 * `saves` is kept; the rest is null (shapes are always kept, they are small).
 */
export interface Residuals {
  /** Primal inputs (boxed at outer levels, so rules differentiate to higher order), or null if not saved. */
  readonly inputs: ReadonlyArray<Tensor | null>;
  /** The primal output, or null if not saved. */
  readonly out: Tensor | null;
  readonly shapes: readonly Shape[];
}

/** What a primitive keeps for its VJP: tfjs's inputsToSave/outputsToSave, made visible. */
export type Saves = 'none' | 'inputs' | 'output' | 'both';

export interface Primitive<P = unknown> {
  readonly name: string;
  /** The kernel, on plain (unboxed) tensors. */
  forward(inputs: readonly Tensor[], params: P): Tensor;
  readonly saves: Saves;
  /**
   * Cotangents of the inputs given the output's cotangent `g`, written in adjoint's own ops.
   * `needs[i]` is false when input i is a constant, so its cotangent may be skipped (null).
   * null for a primitive with zero derivative (comparisons): it is never recorded.
   */
  readonly vjp: ((g: Tensor, res: Residuals, params: P, needs: readonly boolean[]) => Array<Tensor | null>) | null;
  /**
   * The output's tangent given the inputs' tangents (null = zero), written in adjoint's own ops.
   * null for a primitive with zero derivative.
   */
  readonly jvp: ((tangents: ReadonlyArray<Tensor | null>, primals: readonly Tensor[], out: Tensor, params: P) => Tensor | null) | null;
  /**
   * The batching rule (vmap): the output for a batch of examples, from `inputs` where
   * `batched[i]` says input i carries the batch as its leading axis (of length `size`) and is
   * otherwise one example's value, shared by all. Written in adjoint's own ops; the result has the
   * batch as its leading axis. Undefined: vmap runs the primitive once per example and stacks.
   */
  readonly batch?: (inputs: readonly Tensor[], batched: readonly boolean[], params: P, size: number) => Tensor;
  // Speed hooks: each computes what the rules above define, faster; none changes a result's meaning.
  /**
   * Optional, for linear ops whose cotangent is sparse (slice, take): adds the input's cotangent
   * for output cotangent `g` into `acc` (a dense buffer of the input's shape) in place. The
   * backward pass uses it at first order, so n small slices of one big tensor cost O(total
   * slice size) instead of n dense zero-padded cotangents.
   */
  readonly accumulate?: (acc: Float64Array, g: Tensor, params: P) => void;
  /**
   * Optional, for linear ops whose output is mostly zeros (scatterAdd and pad, the transposes of
   * take and slice): for these params, a kernel adding the output for `inputs` into `acc` (a dense
   * buffer of the output's shape) without forming it — equal bit for bit to acc + forward(inputs)
   * — or null where it cannot be (scatterAdd with repeated indices sums them in another order).
   * Replayed jit programs use it to accumulate cotangents in place (jit/programFusion.ts), as the
   * backward pass does with `accumulate`.
   */
  readonly addInto?: (params: P) => ((acc: Float64Array, inputs: readonly Tensor[]) => void) | null;
  /**
   * Optional: the VJP at first order — plain cotangent, plain residuals — as one fused kernel, for
   * a rule whose generic form builds several temporaries (logsumexp: equal, where, sub, exp,
   * mulStrong). Must equal `vjp` bit for bit where the same arithmetic is fused (reductions,
   * test/fusedVjp.test.ts); a blocked factorization's reverse pass (cholesky, slogdet, det) orders
   * its sums differently from the rule's ops and equals it to rounding (test/linalg). May return
   * null to fall back to `vjp`.
   */
  readonly fusedVjp?: (g: Tensor, res: Residuals, params: P, needs: readonly boolean[]) => Array<Tensor | null> | null;
  /**
   * Optional, for a primitive whose outputs are read only by calls that copy what they keep (the
   * prefixes of jit's recorded chain): a replayed jit program (jit/program.ts) hands an output back
   * here once it has read it for the last time — never a program's output — and the primitive may
   * reuse its memory for a later output, as the eager chain reuses its tapes' prefixes.
   */
  readonly recycle?: (out: Tensor) => void;
  /**
   * Optional, with `fusedVjp`: true where it never returns null and each cotangent it returns is
   * in a buffer of its own (no input's, no other cotangent's). A replayed jit program then adds
   * later cotangents into that buffer in place (jit/programFusion.ts), as the backward pass does.
   */
  readonly freshCotangents?: boolean;
  /**
   * Set by definePrimitive for 0-d elementwise ops the scalar tape handles (core/scalarTape.ts);
   * undefined otherwise. @internal
   */
  scalarCode?: number;
}

/** Every primitive defined, by name: the op table test checks that each one is covered. @internal */
export const primitiveRegistry = new Map<string, Primitive<any>>();

/**
 * Every primitive as one object layout (the same hidden class), so the dispatcher's reads of
 * `scalarCode`, `vjp` or `saves` stay monomorphic however many primitives a program mixes.
 */
class DefinedPrimitive<P> implements Primitive<P> {
  readonly name: string;
  readonly forward: Primitive<P>['forward'];
  readonly saves: Saves;
  readonly vjp: Primitive<P>['vjp'];
  readonly jvp: Primitive<P>['jvp'];
  readonly accumulate: Primitive<P>['accumulate'];
  readonly fusedVjp: Primitive<P>['fusedVjp'];
  readonly addInto: Primitive<P>['addInto'];
  readonly freshCotangents: boolean | undefined;
  readonly batch: Primitive<P>['batch'];
  scalarCode: number | undefined;

  constructor(def: Primitive<P>) {
    this.name = def.name;
    this.forward = def.forward;
    this.saves = def.saves;
    this.vjp = def.vjp;
    this.jvp = def.jvp;
    this.accumulate = def.accumulate;
    this.fusedVjp = def.fusedVjp;
    this.addInto = def.addInto;
    this.freshCotangents = def.freshCotangents;
    this.batch = def.batch;
    this.scalarCode = SCALAR_OPS.get(def.name)?.code;
  }
}

/** Declares a primitive, keeping each rule's `params` in step with its kernel, and registers it. */
export function definePrimitive<P>(def: Primitive<P>): Primitive<P> {
  if (primitiveRegistry.has(def.name)) throw new Error(`internal: primitive '${def.name}' defined twice`);
  const prim = new DefinedPrimitive(def);
  primitiveRegistry.set(def.name, prim);
  if (prim.scalarCode !== undefined) registerScalarPrimitive(prim.scalarCode, prim);
  return prim;
}
