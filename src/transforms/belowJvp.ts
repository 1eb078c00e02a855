/**
 * @file A checkpointed loop under `jvp` with a reverse trace below the forward one (`grad` of
 * `jvp`): the loop runs below the forward trace, on primal and tangent carries, each step inside a
 * forward trace of its own.
 *
 * A loop region starts at the innermost trace (customNode.ts regionTrace). When that is a forward
 * trace, the loop used to run there as plain steps, each op's primal and tangent taped one by one
 * by the reverse level below: `grad(s => sum(jvp(x => loop(s, x), [x0], [v])[1]))` held every
 * step's residuals whatever `checkpoints` said (512 kB at 800 steps of a [16] carry, as with
 * 'all'). JAX keeps the bound because the JVP rule of scan is a scan of the jvp'd step, its carry
 * doubled (primals, then tangents), which the reverse level then checkpoints; here the same: the
 * loop's carries (and xs) are read below the forward trace as primals and tangents, and the loop
 * runs there with the forward trace paused, so that its region is recorded by the reverse level
 * with revolve's schedule. Each call of the step (forward, recomputed or taped) boxes its inputs in
 * a fresh forward trace, made after the recording that tapes it (levels in order), and reads the
 * paused trace's boxes it closes over as boxes of that fresh trace over the same primal and
 * tangent. A carry leaf without a tangent (a symbolic zero: a counter, a state x does not reach)
 * carries none, unless a step gives it one (JAX's fixpoint of the jvp'd carry).
 */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { JvpTrace, ReverseTrace, innermostActive, live, withPaused, type Trace } from '../core/trace.js';
import { AdjointError } from '../core/errors.js';
import { untaped } from './scanStep.js';

/**
 * The forward trace a checkpointed loop's region trace `top` is, when a running reverse trace lies
 * below it (so the loop is better run below it, where that reverse level can checkpoint it); else null.
 */
export function jvpOverReverse(top: Trace | null): JvpTrace | null {
  if (!(top instanceof JvpTrace) || !top.active) return null;
  const reverse = innermostActive(ReverseTrace);
  return reverse !== null && reverse.level < top.level ? top : null;
}

/** A step's outputs below the forward trace: every primal, and the tangents asked for (null elsewhere). */
export interface BelowOut {
  primals: Tensor[];
  tangents: Array<Tensor | null>;
}

/** A loop run below `jvp`: its inputs read as primals and tangents, its steps boxed in fresh forward traces. */
export class BelowJvp {
  constructor(readonly jvp: JvpTrace) {}

  /** `x` (live) below the forward trace. */
  primal(x: Tensor): Tensor {
    return x.trace === this.jvp ? x.primal! : x;
  }

  /** The tangent `x` (live) carries at the forward trace, or null (zero). */
  tangent(x: Tensor): Tensor | null {
    return x.trace === this.jvp ? x.tangent : null;
  }

  /** Runs `fn` with the forward trace paused: its boxes are read only inside a step (`within`). */
  run<T>(fn: () => T): T {
    return withPaused(this.jvp, outsideStep, fn);
  }

  /**
   * `fn` on `primals` boxed with their `tangents` (null: left unboxed, a zero tangent) in a fresh
   * forward trace; `read` takes its result while that trace is live. A box of the paused forward
   * trace that `fn` reads through its closure is read as a box of the fresh one over the same primal
   * and tangent, by a redirect bound to it: a region recorded in the step (a checkpointed loop in
   * it) keeps that redirect for its backward pass, which runs when the step has returned.
   */
  within<R, T>(primals: readonly Tensor[], tangents: ReadonlyArray<Tensor | null>, fn: (boxed: Tensor[]) => R, read: (r: R, trace: JvpTrace) => T): T {
    const trace = new JvpTrace();
    try {
      return withPaused(this.jvp, (box) => trace.input(box.primal!, box.tangent), () =>
        read(fn(primals.map((p, i) => (tangents[i] == null ? p : trace.input(p, tangents[i]!)))), trace));
    } finally {
      trace.finish();
    }
  }

  /**
   * One step call (see `within`): the leaves it returns read below its forward trace, each with a
   * tangent where `withTangent(i)` (zeros where it has none), else without. A leaf that has a tangent
   * where it was to have none (`tangentMask` asked the first step only; a later one gave it one)
   * throws TangentLater: the loop's caller runs it again with a tangent for every carry leaf.
   */
  step(primals: readonly Tensor[], tangents: ReadonlyArray<Tensor | null>, fn: (boxed: Tensor[]) => Tensor[], withTangent: (i: number) => boolean): BelowOut {
    return this.within(primals, tangents, fn, (r, trace) => {
      const out: BelowOut = { primals: [], tangents: [] };
      r.forEach((l, i) => {
        const v = live(l);
        const mine = v.trace === trace;
        const t = mine ? v.tangent : null;
        if (t !== null && !withTangent(i)) throw new TangentLater(this);
        out.primals.push(mine ? v.primal! : v);
        out.tangents.push(withTangent(i) ? (t ?? zeros(v.shape)) : null);
      });
      return out;
    });
  }

  /**
   * Which carry leaves the loop carries a tangent for: those with one at init and those a step gives
   * one (JAX's fixpoint of the jvp'd carry of a scan or while_loop). When some have none at init,
   * `probe` (a step on the carry leaves, then the other leaves it is given) runs untaped until no
   * more gain one: one step call, rarely more.
   */
  tangentMask(primals: readonly Tensor[], tangents: ReadonlyArray<Tensor | null>, others: readonly Tensor[], otherTangents: ReadonlyArray<Tensor | null>, probe: (boxed: Tensor[]) => Tensor[]): boolean[] {
    const mask = tangents.map((t) => t !== null);
    for (;;) {
      if (mask.every((m) => m)) return mask;
      const ts = primals.map((p, i) => (mask[i] ? (tangents[i] ?? zeros(p.shape)) : null));
      const outs = untaped(() =>
        this.within([...primals, ...others], [...ts, ...otherTangents], probe, (r, trace) =>
          r.slice(0, primals.length).map((l) => {
            const v = live(l);
            return v.trace === trace && v.tangent !== null;
          })));
      if (outs.every((o, i) => !o || mask[i])) return mask;
      outs.forEach((o, i) => (mask[i] = mask[i] || o));
    }
  }

  /** A leaf below the forward trace boxed at it again, with `tangent` (null: left unboxed). */
  rebox(primal: Tensor, tangent: Tensor | null): Tensor {
    return tangent === null ? primal : this.jvp.input(primal, tangent);
  }
}

/**
 * Thrown by a step below `below`'s forward trace when a carry leaf without a tangent in the first
 * step gains one in a later one (the loop's carries below the trace would change). Always during
 * the loop's forward phase, which runs every step: the loop then runs again below the trace with a
 * tangent for every carry leaf (zeros where there is none), its aborted run left without a cotangent.
 */
const outsideStep = (): Tensor => {
  throw new AdjointError('internal: a jvp box was read by a checkpointed loop outside its step; please report this.');
};

export class TangentLater extends Error {
  constructor(readonly below: BelowJvp) {
    super('internal: a carry leaf gained a tangent in a later step');
  }
}
