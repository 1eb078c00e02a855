/**
 * @file The recording trace under `jit`: runs a function on concrete values and writes each
 * primitive call that depends on its inputs into a program (core/program.ts).
 *
 * It is the outermost level of a jit recording, so transformations inside the function (grad,
 * jvp, hvp, checkpoint, …) run on top of it, and whatever they finally compute — forward values,
 * VJP rules, accumulated cotangents — reaches this level as primitive calls and is recorded:
 * `jit(valueAndGrad(f))` records the forward and the backward pass as one straight-line program.
 */
import { Tensor } from '../tensor/tensor.js';
import { Trace, apply } from './trace.js';
import type { Primitive } from './primitive.js';
import { ProgramBuilder } from './program.js';
import { captureSite } from './anomaly.js';

export class RecordTrace extends Trace {
  readonly program = new ProgramBuilder();
  /** Why this recording cannot be replayed — the first read of a value computed from the inputs — or null. */
  valueRead: string | null = null;

  /** Boxes argument tensor `index`. */
  input(x: Tensor, index: number): Tensor {
    const box = Tensor.box(x, this);
    box.slot = this.program.input(index, x);
    return box;
  }

  /** The slot of `x` (one of this trace's boxes, or a plain tensor: a constant). */
  slotOf(x: Tensor): number {
    return x.trace === this ? x.slot : this.program.constant(x);
  }

  /**
   * Reports a read of `t`'s values while recording (from core/valueReads.ts): it matters when `t`
   * is this trace's box or a box over one at a higher level, i.e. a value computed from the inputs.
   */
  noteRead(t: Tensor, how: string): void {
    if (this.valueRead !== null || !this.active) return;
    for (let x: Tensor | null = t; x !== null && x.trace !== null; x = x.below) {
      if (x.trace === this) {
        this.valueRead = `${how} read the value of a tensor computed from the arguments, at\n    ${captureSite()}`;
        return;
      }
    }
  }

  process<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
    const n = inputs.length;
    const primals = new Array<Tensor>(n);
    const slots = new Array<number>(n);
    let scalar = prim.scalarCode !== undefined;
    for (let i = 0; i < n; i++) {
      const x = inputs[i]!;
      primals[i] = x.trace === this ? x.primal! : x;
      slots[i] = this.slotOf(x);
      if (x.shape.length !== 0) scalar = false;
    }
    const out = apply(prim, primals, params);
    const box = Tensor.box(out, this);
    box.slot = scalar
      ? this.program.scalarOp(prim.scalarCode!, slots[0]!, n > 1 ? slots[1]! : -1)
      : this.program.call(prim, params, slots, out);
    return box;
  }
}
