/**
 * @file The recording trace under `jit`: runs a function on concrete values and writes each
 * primitive call that depends on its inputs into a program (jit/program.ts).
 *
 * It is the outermost level of a jit recording, so transformations inside the function (grad,
 * jvp, hvp, checkpoint, …) run on top of it, and whatever they finally compute — forward values,
 * VJP rules, accumulated cotangents — reaches this level as primitive calls and is recorded:
 * `jit(valueAndGrad(f))` records the forward and the backward pass as one straight-line program.
 */
import { Tensor } from '../tensor/tensor.js';
import { Trace, apply } from '../core/trace.js';
import type { Primitive, Residuals } from '../core/primitive.js';
import { ProgramBuilder } from './program.js';
import { markFresh } from './programFusion.js';
import { scalarForward } from '../core/scalarOps.js';
import { captureSite } from '../core/anomaly.js';

export class RecordTrace extends Trace {
  override readonly records = true;
  readonly program = new ProgramBuilder();
  /** Why this recording cannot be replayed — the first read of a value computed from the inputs — or null. */
  valueRead: string | null = null;
  /**
   * Whether first-order VJPs are recorded as their fused kernels (`recordFusedVjp`). The ONNX
   * exporter turns this off: it needs every call as a primitive with a known meaning.
   */
  fusedVjps = true;
  /** Called with each general primitive call as it is recorded (the ONNX exporter notes where each op came from), or null. */
  onCall: ((prim: Primitive<any>, params: unknown) => void) | null = null;
  /**
   * Whether checks of argument values are recorded as guards a replay runs again (`guard`); the
   * ONNX exporter turns this off (a graph has no such check: a checked value stays a read).
   */
  guards = true;

  /**
   * Runs `check` on the values of `t` (one of this trace's boxes over a plain value) and records it
   * as a guard: a call that every replay runs on that call's values, throwing where they fail it,
   * so the replay throws and jit runs the function as written, which throws the check's own error
   * (or takes its own catch). False (nothing recorded) where `t` is not such a box.
   */
  guard(t: Tensor, check: (values: Float64Array) => void): boolean {
    if (!this.guards || !this.active || t.trace !== this || t.primal!.trace !== null) return false;
    try {
      check(t.primal!.values);
    } catch (e) {
      // A function that catches the check's error goes on by a path the program does not hold.
      this.computesOnValues(`a check of an argument's values failed (${e instanceof Error ? e.message.split('\n')[0] : String(e)}), so the path taken after it depends on them`);
      throw e;
    }
    const done = Tensor.scalar(0);
    this.program.effect(this.program.call(GUARD, { check }, [this.slotOf(t)], done));
    return true;
  }

  /**
   * Marks this recording as not replayable because library code computes on values here (an
   * iterative solver's convergence test): the function then runs as is on every call.
   */
  computesOnValues(what: string): void {
    if (this.valueRead === null) this.valueRead = `${what}, at\n    ${captureSite()}`;
  }

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
   * Reports a read of `t`'s values while recording (from jit/valueReads.ts): it matters when `t`
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

  /**
   * `apply`, noting a call that throws on the values of its inputs (cholesky of a matrix that is
   * not positive definite, solve of a singular one): a function that catches the error takes a
   * path that depends on those values, which a program cannot replay (it has no branch), so such
   * a recording is not kept. jit replayed the catch block's result for every later input
   * (jit(a => { try { return cholesky(a) } catch { return zeros } }) gave zeros for a positive
   * definite a after recording a singular one).
   */
  applyOrNote<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
    try {
      return apply(prim, inputs, params);
    } catch (e) {
      this.computesOnValues(`${prim.name} threw on the values it was given (${e instanceof Error ? e.message.split('\n')[0] : String(e)}), so the path taken after it depends on them`);
      throw e;
    }
  }

  process<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
    const code = prim.scalarCode;
    if (code !== undefined && inputs.length <= 2 && inputs.every((x) => x.shape.length === 0)) {
      // A 0-d op: the number, and a light box whose plain primal is made only if asked for.
      const a = inputs[0]!, b = inputs.length > 1 ? inputs[1]! : null;
      const v = scalarForward(code, a.first, b === null ? 0 : b.first);
      return Tensor.scalarBox(v, this, this.program.scalarOp(code, this.slotOf(a), b === null ? -1 : this.slotOf(b), v));
    }
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
    const out = this.applyOrNote(prim, primals, params);
    if (!scalar && this.onCall !== null) this.onCall(prim, params);
    const box = Tensor.box(out, this);
    box.slot = scalar
      ? this.program.scalarOp(prim.scalarCode!, slots[0]!, n > 1 ? slots[1]! : -1, out.first)
      : this.program.call(prim, params, slots, out);
    return box;
  }
}

/** A recorded check of values (RecordTrace.guard): kept by the program though nothing reads its result. */
const GUARD: Primitive<{ readonly check: (values: Float64Array) => void }> = {
  name: 'guard',
  saves: 'none',
  forward: ([x], { check }) => {
    check(x!.values);
    return Tensor.scalar(0);
  },
  vjp: null,
  jvp: null,
};

/**
 * The recording trace `t` is boxed at when it is the only level above a plain value (so `t` is at
 * first order there), null for plain values, undefined otherwise.
 */
function onlyRecording(t: Tensor): RecordTrace | null | undefined {
  if (t.trace === null) return null;
  return t.trace instanceof RecordTrace && t.trace.active && t.primal!.trace === null ? t.trace : undefined;
}

/**
 * Whether every one of `ts` is plain or boxed only by one active jit recording at first order (no
 * transformation above it will differentiate what is computed from them alone: a rule must still
 * check the cotangent it is given, which another transformation may trace), and that recording
 * keeps fused kernels (not the ONNX exporter's): a specialised path may then run its kernels as
 * recorded calls of primitives of its own, where an outer transformation would need its ops.
 * False where none is boxed at all. @internal
 */
export function recordedAtFirstOrder(ts: readonly Tensor[]): boolean {
  let rec: RecordTrace | null = null;
  for (const t of ts) {
    const r = onlyRecording(t);
    if (r === undefined || (r !== null && rec !== null && r !== rec)) return false;
    rec ??= r;
  }
  return rec !== null && rec.fusedVjps;
}

/** Fused first-order rules as primitives of their own, one per primitive (made on first use). */
const fusedRules = new WeakMap<Primitive<any>, Primitive<FusedParams>>();

interface FusedParams {
  readonly params: unknown;
  readonly needs: readonly boolean[];
  /** Which cotangent this call gives. */
  readonly index: number;
  /** Which residual inputs follow the cotangent among the call's inputs, and whether the output does last. */
  readonly saved: readonly boolean[];
  readonly hasOut: boolean;
  readonly shapes: Residuals['shapes'];
}

/**
 * The cotangents of the last fused rule a replay ran, with what they were computed from. A fused
 * kernel gives all of a call's cotangents at once, but each is recorded as a call of its own (a
 * program call has one output); the calls for the others, recorded right after it, take theirs
 * from here instead of running the kernel again (logMatmul's rule computes ā and b̄ together:
 * without this, a replay ran it twice). Identical inputs, params and needs give identical
 * cotangents, so a match is always right; the entry is dropped once every cotangent is taken.
 * Each cotangent is handed out once: a later call asking for one already taken (an identical
 * call elsewhere in the program, when dead-code elimination dropped a sibling) computes its own,
 * since the one handed out may be accumulated into in place (jit/programFusion.ts).
 */
let lastFused: {
  prim: Primitive<any>; params: unknown; needs: readonly boolean[]; ins: readonly Tensor[];
  cts: Array<Tensor | null>; untaken: number;
} | null = null;

function sameCall(prim: Primitive<any>, ins: readonly Tensor[], p: FusedParams): boolean {
  const last = lastFused;
  if (last === null || last.prim !== prim || last.params !== p.params || last.ins.length !== ins.length) return false;
  for (let i = 0; i < ins.length; i++) if (last.ins[i] !== ins[i]) return false;
  for (let i = 0; i < p.needs.length; i++) if (last.needs[i] !== p.needs[i]) return false;
  return true;
}

function fusedRule(prim: Primitive<any>): Primitive<FusedParams> {
  let rule = fusedRules.get(prim);
  if (rule === undefined) {
    rule = {
      name: `${prim.name}.fusedVjp`,
      saves: 'none',
      forward: (ins, p) => {
        if (!sameCall(prim, ins, p) || lastFused!.cts[p.index] === null) {
          let i = 1;
          const inputs = p.saved.map((has) => (has ? ins[i++]! : null));
          const res: Residuals = { inputs, out: p.hasOut ? ins[i]! : null, shapes: p.shapes };
          // A rule may decline the values of a replay (det at a singular matrix): its generic rule then.
          const cts = prim.fusedVjp!(ins[0]!, res, p.params, p.needs) ?? prim.vjp!(ins[0]!, res, p.params, p.needs);
          lastFused = { prim, params: p.params, needs: p.needs, ins: ins.slice(), cts, untaken: cts.filter((c) => c !== null).length };
        }
        const last = lastFused!;
        const ct = last.cts[p.index]!;
        last.cts[p.index] = null;
        if (--last.untaken === 0) lastFused = null;
        return ct;
      },
      vjp: null,
      jvp: null,
    };
    fusedRules.set(prim, rule);
    if (prim.freshCotangents === true) markFresh(rule);
  }
  return rule;
}

/**
 * A primitive's fused first-order VJP (`Primitive.fusedVjp`) where the cotangent and residuals are
 * boxes of a jit recording over plain values (the recording's only reason for being traced): runs
 * the fused kernel on the plain values and records each cotangent as one call, so a replay gets
 * the fused kernel too. Returns null where that does not apply (or the rule declines), for the
 * generic rule.
 */
export function recordFusedVjp(prim: Primitive<any>, g: Tensor, res: Residuals, params: unknown, needs: readonly boolean[]): Array<Tensor | null> | null {
  if (prim.fusedVjp === undefined) return null;
  const saved = res.inputs.map((x) => x !== null);
  const operands = [g, ...res.inputs.filter((x): x is Tensor => x !== null), ...(res.out !== null ? [res.out] : [])];
  let rec: RecordTrace | null = null;
  for (const x of operands) {
    const r = onlyRecording(x);
    if (r === undefined || (r !== null && rec !== null && r !== rec)) return null;
    rec ??= r;
  }
  if (rec === null || !rec.fusedVjps) return null;
  const plain = (x: Tensor | null) => (x === null || x.trace === null ? x : x.primal!);
  let cts: Array<Tensor | null> | null;
  try {
    cts = prim.fusedVjp(plain(g)!, { inputs: res.inputs.map(plain), out: plain(res.out), shapes: res.shapes }, params, needs);
  } catch (e) {
    // As RecordTrace.applyOrNote: a rule that throws on these values makes the path depend on them.
    rec.computesOnValues(`the VJP of ${prim.name} threw on the values it was given (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
    throw e;
  }
  if (cts === null) return null;
  const slots = operands.map((x) => rec!.slotOf(x));
  // The backward pass hands the tape's parent nodes as `needs` (truthy where a cotangent is wanted):
  // kept as they are, a program held the whole tape of the call that recorded it (8 MB activations
  // and all, per cached signature).
  const kept = needs.map(Boolean);
  return cts.map((ct, index) => {
    if (ct === null) return null;
    const p: FusedParams = { params, needs: kept, index, saved, hasOut: res.out !== null, shapes: res.shapes };
    const box = Tensor.box(ct, rec!);
    box.slot = rec!.program.call(fusedRule(prim), p, slots, ct);
    return box;
  });
}
