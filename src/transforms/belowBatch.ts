/**
 * @file A checkpointed loop under `vmap` with a reverse trace below the batch (`grad` of `vmap`):
 * the loop runs below the batch, on the batch's values, each step inside a batch trace of its own.
 *
 * A loop region starts at the innermost trace (customNode.ts regionTrace). When that is a batch
 * trace, the loop used to run there as plain steps, each op batched and taped one by one by the
 * reverse level below: `grad(s => sum(vmap(x => loop(s, x))(X)))` held every step's residuals
 * whatever `checkpoints` said (819 KB at 800 steps of a [16] carry, as with 'all', against 768 B
 * for `hvp`). JAX keeps the bound because the batching rule of scan is a scan of the batched step;
 * here the same: the loop's carries (and mapped xs) are read below the batch — the batch axis
 * leading, carries the step leaves shared broadcast to the batch, as the batched loop would make
 * them — and the loop runs there with the batch trace paused, so that its region is recorded by the
 * reverse level with revolve's schedule. Each call of the step (forward, recomputed or taped) boxes
 * its inputs in a fresh batch trace of the same size, made after the recording that tapes it (levels
 * in order), and reads the paused batch's boxes it closes over as boxes of that fresh trace.
 */
import { Tensor } from '../tensor/tensor.js';
import { ReverseTrace, innermostActive, live, withPaused, type Trace } from '../core/trace.js';
import { AdjointError } from '../core/errors.js';
import { flatten, unflatten, type PyTree } from '../core/pytree.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import { BatchTrace } from './vmap.js';
import { untaped } from './scanStep.js';

/**
 * The batch a checkpointed loop's region trace `top` is, when a running reverse trace lies below it
 * (so the loop is better run below the batch, where that reverse level can checkpoint it); else null.
 */
export function batchOverReverse(top: Trace | null): BatchTrace | null {
  if (!(top instanceof BatchTrace) || !top.active || top.size === 0) return null;
  const reverse = innermostActive(ReverseTrace);
  return reverse !== null && reverse.level < top.level ? top : null;
}

/** A loop run below `batch`: its inputs read below it, its steps boxed in fresh batch traces. */
export class BelowBatch {
  constructor(readonly batch: BatchTrace) {}

  /** Whether `x` (live) differs across the batch. */
  mapped(x: Tensor): boolean {
    return x.trace === this.batch;
  }

  /** `x` as the batch's values, batch axis leading: a shared value broadcast to it. */
  batched(x: Tensor): Tensor {
    if (x.trace === this.batch) return x.below!;
    return broadcastTo(reshape(x, [1, ...x.shape]), [this.batch.size, ...x.shape]);
  }

  /** Runs `fn` with the batch paused: its boxes are read only inside a step (`inStep`). */
  run<T>(fn: () => T): T {
    return withPaused(this.batch, outsideStep, fn);
  }

  /**
   * One step call: `leaves` (the batch's values where `mapped`, shared values elsewhere) boxed in a
   * fresh batch trace, `fn` run on them, and the leaves it returns read back below it: leaf i
   * per-example where `outMapped(i)` (a shared one broadcast to the batch), else shared. A leaf the
   * batch maps where it was to stay shared (`carryMask` asked the first step only; a later one made
   * it per-example) throws CarryBatchedLater: the loop's caller runs it in the batch as before.
   */
  step(leaves: readonly Tensor[], mapped: readonly boolean[], fn: (boxed: Tensor[]) => Tensor[], outMapped: (i: number) => boolean): Tensor[] {
    return this.inStep(leaves, mapped, fn, (r, trace) =>
      r.map((l, i) => {
        const v = live(l);
        if (v.trace === trace) {
          if (outMapped(i)) return v.below!;
          throw new CarryBatchedLater(this);
        }
        return outMapped(i) ? broadcastTo(reshape(v, [1, ...v.shape]), [trace.size, ...v.shape]) : v;
      }));
  }

  /**
   * Which carry leaves the loop carries per-example: those the batch maps at init and those a step
   * makes so (JAX's fixpoint of the batched carry of a scan or while_loop). When some are shared at
   * init, `probe` (a step on the carry leaves, then the other leaves it is given) runs untaped until
   * no more become per-example: one step call, rarely more.
   */
  carryMask(carry: readonly Tensor[], others: readonly Tensor[], othersMapped: readonly boolean[], probe: (boxed: Tensor[]) => Tensor[]): boolean[] {
    const mask = carry.map((x) => this.mapped(x));
    for (;;) {
      if (mask.every((m) => m)) return mask;
      const ins = [...carry.map((x, i) => (mask[i] ? this.batched(x) : x)), ...others];
      const outs = untaped(() => this.inStep(ins, [...mask, ...othersMapped], probe, (r, trace) => r.slice(0, carry.length).map((l) => live(l).trace === trace)));
      if (outs.every((o, i) => !o || mask[i])) return mask;
      outs.forEach((o, i) => (mask[i] = mask[i] || o));
    }
  }

  // A box of the batch that the step reads through its closure is the step's box over the same
  // values, by a redirect bound to the step's trace: a region recorded in the step (a checkpointed
  // loop in it) keeps that redirect for its backward pass, which runs when the step has returned.
  // (Looked up in a stack of the steps in progress, it found none there, and a checkpointed loop in
  // a checkpointed loop's step that closed over a per-example value threw "read outside its step".)
  private inStep<T>(leaves: readonly Tensor[], mapped: readonly boolean[], fn: (boxed: Tensor[]) => Tensor[], read: (r: Tensor[], trace: BatchTrace) => T): T {
    const trace = new BatchTrace(this.batch.size);
    try {
      return withPaused(this.batch, (box) => trace.box(box.below!), () => read(fn(leaves.map((l, i) => (mapped[i] ? trace.box(l) : l))), trace));
    } finally {
      trace.finish();
    }
  }

  /** `x` below the batch as the loop carries it: the batch's values where `mapped`, else as it is. */
  carried(x: Tensor, mapped: boolean): Tensor {
    return mapped ? this.batched(x) : x;
  }

  /** The loop's result boxed at the batch again: leaf i the batch's values (batch axis leading) where `mapped(i)`, else shared. */
  rebox(out: PyTree, mapped: (i: number) => boolean): PyTree {
    const flat = flatten(out, 'loop (output)');
    return unflatten(flat.def, flat.leaves.map((l, i) => (mapped(i) ? this.batch.box(l as Tensor) : l))) as PyTree;
  }
}

const outsideStep = (): Tensor => {
  throw new AdjointError('internal: a vmap box was read by a checkpointed loop outside its step; please report this.');
};

/**
 * Thrown by a step below `below`'s batch when a carry leaf shared in the first step turns
 * per-example in a later one (its shape below the batch would change). Always during the loop's
 * forward phase, which runs every step: the loop then runs in the batch, every step taped (the old
 * way, memory growing with n), its aborted region left without a cotangent.
 */
export class CarryBatchedLater extends Error {
  constructor(readonly below: BelowBatch) {
    super('internal: a carry leaf turned per-example in a later step');
  }
}
