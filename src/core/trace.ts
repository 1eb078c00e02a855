/** @file Trace levels and the dispatcher: every primitive call goes through `apply`, which hands it to the innermost live transformation. */
import type { Shape } from '../tensor/shape.js';
import { Tensor, serialCounter } from '../tensor/tensor.js';
import type { Primitive, Residuals } from './primitive.js';
import { anomaly, checkForward, captureSite } from './anomaly.js';
import { retainBytes, retainResidual, type Holder } from './memory.js';
import { profiler, timedForward, timedScalar } from './profile.js';
import { ScalarTape } from './scalarTape.js';
import type { RecordTrace } from '../jit/recordTrace.js';
import { RECORDED_OPS } from '../jit/scalarTapeRecorded.js';
import { scalarForward } from './scalarOps.js';
import { AdjointError } from './errors.js';

let nextLevel = 1;
/** Traces whose transformation is running, outermost first. */
const running: Trace[] = [];

/**
 * One running transformation (a `vjp` or a `jvp` call). Levels grow with nesting, so the innermost
 * transformation has the highest level; a value boxed at a finished (inactive) trace is read as
 * its primal, so a leaked tracer never confuses a later computation.
 */
export abstract class Trace {
  readonly level = nextLevel++;
  active = true;
  /**
   * While this trace is paused (inactive) inside a checkpointed region, how its boxes are read:
   * recorded as closure captures, or substituted by inputs of a recomputation. null: read the primal.
   */
  redirect: ((box: Tensor) => Tensor) | null = null;
  /** True for a jit recording (jit/recordTrace.ts). */
  readonly records: boolean = false;
  /**
   * The transformation's name ('vmap') when its boxes hold no single value (one per example), so
   * reading one is an error; null for traces whose boxes carry their concrete value.
   */
  readonly opaque: string | null = null;

  constructor() {
    running.push(this);
  }

  /** Marks the transformation finished: its boxes read as their primals from now on. */
  finish(): void {
    this.active = false;
    const i = running.lastIndexOf(this);
    if (i >= 0) running.splice(i, 1);
  }
  /** Runs `prim` on inputs at least one of which is boxed at this trace. */
  abstract process<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor;
}

/** Whether any transformation is running (paused ones included). */
export function anyTraceRunning(): boolean {
  return running.length > 0;
}

/** The running transformations, outermost first (read-only view for core/redirects.ts). @internal */
export function runningTraces(): readonly Trace[] {
  return running;
}

/** The innermost running, unpaused trace of a kind (a class), or null. */
export function innermostActive<T extends Trace>(kind: abstract new (...args: any[]) => T): T | null {
  for (let i = running.length - 1; i >= 0; i--) {
    const t = running[i]!;
    if (t instanceof kind && t.active) return t;
  }
  return null;
}

/** The innermost running, unpaused reverse trace, or null. */
export function innermostReverseTrace(): ReverseTrace | null {
  for (let i = running.length - 1; i >= 0; i--) {
    const t = running[i]!;
    if (t instanceof ReverseTrace && t.active) return t;
  }
  return null;
}

/** Reads `x` one level below `trace`. */
export function unbox(x: Tensor, trace: Trace): Tensor {
  return x.trace === trace ? x.primal! : x;
}

/** Strips layers boxed at finished traces. */
export function live(x: Tensor): Tensor {
  while (x.trace !== null && !x.trace.active) {
    const redirect = x.trace.redirect;
    if (redirect === null && x.trace.opaque !== null) throw leakedBatch(x.trace.opaque);
    x = redirect === null ? x.primal! : redirect(x);
  }
  return x;
}

/**
 * Runs `fn` with `trace` paused: its boxes read through `redirect` (see Trace.redirect), so
 * nothing is recorded on it. Restores the previous state afterwards; pauses nest.
 */
export function withPaused<T>(trace: Trace, redirect: (box: Tensor) => Tensor, fn: () => T): T {
  const wasActive = trace.active;
  const was = trace.redirect;
  trace.active = false;
  trace.redirect = redirect;
  paused.push([trace, redirect]);
  try {
    return fn();
  } finally {
    paused.pop();
    trace.active = wasActive;
    trace.redirect = was;
  }
}

/** The withPaused calls in progress, outermost first: finished traces among them are not in `running`. */
const paused: Array<[Trace, (box: Tensor) => Tensor]> = [];

/** The withPaused calls in progress, outermost first (read-only view for core/redirects.ts). @internal */
export function pausedNow(): ReadonlyArray<readonly [Trace, (box: Tensor) => Tensor]> {
  return paused;
}

/** The innermost live trace among `inputs` (replacing dead boxes in place), or null. */
export function topTrace(inputs: Tensor[]): Trace | null {
  let top: Trace | null = null;
  for (let i = 0; i < inputs.length; i++) {
    let x = inputs[i]!;
    if (x.trace === null) continue;
    if (!x.trace.active) inputs[i] = x = live(x);
    const t = x.trace;
    if (t !== null && (top === null || t.level > top.level)) top = t;
  }
  return top;
}

/** Calls a primitive: runs its kernel on plain values, or lets the innermost live trace handle it. */
export function apply<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
  if (prim.scalarCode !== undefined) {
    const out = applyScalar(prim, inputs[0]!, inputs.length > 1 ? inputs[1]! : null);
    if (out !== null) return out;
  }
  return applyGeneral(prim, inputs, params);
}

/**
 * Consulted before a forward kernel runs on plain values, when set: a saved output for the call, or
 * null to compute it. Set by a checkpoint policy while its region runs (transforms/checkpointPolicy.ts).
 */
let forwardMemo: (<P>(prim: Primitive<P>, inputs: Tensor[], params: P) => Tensor | null) | null = null;

/** Sets the forward memo (null: none) and returns the one it replaces. @internal */
export function swapForwardMemo(memo: typeof forwardMemo): typeof forwardMemo {
  const before = forwardMemo;
  forwardMemo = memo;
  return before;
}

/** `apply` past the 0-d fast path (for callers that tried applyScalar themselves). */
export function applyGeneral<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
  const top = topTrace(inputs);
  if (top === null) {
    // A checkpoint policy's saved outputs first (transforms/checkpointPolicy.ts), when one is active.
    let out = forwardMemo !== null ? forwardMemo(prim, inputs, params) : null;
    if (out === null) out = profiler.active ? timedForward(prim, inputs, params) : prim.forward(inputs, params);
    if (anomaly.enabled) checkForward(prim.name, out, inputs);
    return out;
  }
  return top.process(prim, inputs, params);
}

/**
 * The fast path for 0-d elementwise ops (the common case of scalar-heavy loops): plain values
 * give a buffer-less 0-d tensor; values boxed at a live reverse trace over plain values go on its
 * scalar tape. Anything else (dead boxes, outer levels, profile or anomaly mode) returns null
 * for the general path, which reaches the same results.
 */
export function applyScalar(prim: Primitive<any>, a: Tensor, b: Tensor | null): Tensor | null {
  const code = prim.scalarCode;
  if (code === undefined || a.shape.length !== 0 || (b !== null && b.shape.length !== 0) || anomaly.enabled || profiler.active) return null;
  const va = a.first;
  const vb = b === null ? 0 : b.first;
  const ta = a.trace;
  const tb = b === null ? null : b.trace;
  if (ta === null && tb === null) return Tensor.scalar(scalarForward(code, va, vb));
  // Traced: on the innermost reverse trace's scalar tape when every input is a plain value or that
  // trace's box over a plain value (so the residuals are numbers); otherwise the general path.
  if (prim.vjp === null) return null;
  const top = ta === null ? tb! : tb === null || ta.level >= tb.level ? ta : tb;
  if (!(top instanceof ReverseTrace) || !top.active) return null;
  if (!scalarInput(a, top) || (b !== null && !scalarInput(b, top))) return null;
  if (top.recording !== null && !RECORDED_OPS.has(code)) return null;
  return top.recordScalar(code, a, b, va, vb, scalarForward(code, va, vb));
}

/**
 * Whether `x` can be a scalar-tape input at `trace`: a plain value, one of trace's boxes over a
 * plain value, or — when a jit recording lies right below `trace` — that recording's values.
 */
function scalarInput(x: Tensor, trace: ReverseTrace): boolean {
  const t = x.trace;
  if (t === null) return true;
  if (t === trace) return x.slot >= 0 || x.primal!.trace === null || recordedValue(x.primal!, trace);
  return recordedValue(x, trace); // a recorded value: a constant to this trace
}

/** `p` is a value of the jit recording right below `trace`, over a plain value. */
function recordedValue(p: Tensor, trace: ReverseTrace): boolean {
  return p.trace === trace.recording && p.trace !== null && p.primal!.trace === null;
}

/**
 * A node of the reverse-mode tape: one recorded primitive call. Leaves (the differentiated
 * arguments) have a null `prim`. `ct` accumulates the cotangent during the backward pass and is
 * dropped as soon as the node has been processed.
 */
export class TapeNode implements Residuals {
  ct: Tensor | null = null;
  /** True when `ct` is a plain buffer the backward pass allocated itself, so it may add into it in place. */
  ctOwned = false;
  /** Length of the trace's scalar tape when this node was recorded: the backward pass walks scalar entries past it first. */
  mark = 0;
  constructor(
    readonly prim: Primitive<any> | null,
    readonly params: unknown,
    readonly parents: ReadonlyArray<TapeNode | null>,
    readonly inputs: ReadonlyArray<Tensor | null>,
    readonly out: Tensor | null,
    readonly shapes: readonly Shape[],
    readonly outShape: Shape,
    /** Where the user's code made this call (anomaly mode only). */
    readonly site: string | null,
  ) {}
}

const NO_PARENTS: never[] = [];

/** A leaf node for a differentiated argument of the given shape. */
export function leafNode(shape: Shape): TapeNode {
  return new TapeNode(null, null, NO_PARENTS, NO_PARENTS, null, NO_PARENTS, shape, null);
}

/**
 * The node standing for a scalar-tape value read by a general op (`params` is its slot): the
 * backward pass adds its cotangent to that slot's adjoint.
 */
export const BRIDGE: Primitive<number> = {
  name: 'scalarTape',
  saves: 'none',
  forward: () => {
    throw new Error('internal: the scalar-tape bridge has no kernel');
  },
  vjp: null,
  jvp: null,
};

/** Reverse mode: records each call on a tape for a later backward pass. */
export class ReverseTrace extends Trace {
  tape: TapeNode[] = [];
  /**
   * The jit recording right below this trace, or null. Then 0-d ops of recorded values go on the
   * scalar tape too, which writes them and its backward pass into the recording
   * (jit/scalarTapeRecorded.ts) instead of leaving them to the general tape.
   */
  readonly recording: RecordTrace | null = recordingBelow(this);
  /** 0-d first-order ops, recorded compactly (core/scalarTape.ts); made on first use. */
  scalars: ScalarTape | null = null;
  /** Bytes of residuals this tape holds (see memory.ts). */
  readonly memory: Holder = { residualBytes: 0 };
  /** Tensors made before this serial existed before the tape began. */
  readonly since = serialCounter.next;

  /** Boxes `x` as a differentiated input. */
  input(x: Tensor): Tensor {
    const b = Tensor.box(x, this);
    b.node = leafNode(x.shape);
    return b;
  }

  /** The tape node of one of this trace's boxes: a scalar-tape value gets a bridge node once. */
  nodeOf(x: Tensor): TapeNode | null {
    if (x.node !== null || x.slot < 0) return x.node;
    const node = new TapeNode(BRIDGE, x.slot, NO_PARENTS, NO_PARENTS, null, NO_PARENTS, x.shape, null);
    node.mark = this.scalars!.length;
    this.tape.push(node);
    return (x.node = node);
  }

  /**
   * Whether a call can go on the scalar tape: a differentiable 0-d elementwise op whose inputs are
   * plain 0-d values or this trace's boxes over plain values (so its residuals are numbers).
   */
  private scalarEligible(prim: Primitive<any>, inputs: Tensor[]): boolean {
    if (prim.scalarCode === undefined || prim.vjp === null || anomaly.enabled) return false;
    if (this.recording !== null && !RECORDED_OPS.has(prim.scalarCode)) return false;
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      if (x.shape.length !== 0 || !scalarInput(x, this)) return false;
    }
    return true;
  }

  /** Imports a general node's 0-d value onto the scalar tape, once per box. */
  private importSlot(x: Tensor): number {
    const s = this.scalarTape();
    x.slot = s.importNode(x.node!, x.first);
    if (this.recording !== null) s.setRecorded(x.slot, this.programSlot(x.primal!));
    return x.slot;
  }

  /** The tape slot of input `x` (value v): its entry, an IMPORT of a general box, or a CONST. */
  private tapeSlot(s: ScalarTape, x: Tensor, v: number): number {
    if (x.trace === this) return x.slot >= 0 ? x.slot : this.importSlot(x);
    const k = s.constant(v);
    if (this.recording !== null) s.setRecorded(k, this.programSlot(x));
    return k;
  }

  /** Under a jit recording: the program slot holding `x` (plain, a recorded value, or one of this trace's 0-d boxes). */
  private programSlot(x: Tensor): number {
    const rec = this.recording!;
    if (x.trace === null) return rec.program.constant(x);
    if (x.trace === rec) return x.slot;
    return x.slot >= 0 ? this.scalars!.recordedSlot(x.slot) : this.programSlot(x.primal!);
  }

  private scalarTape(): ScalarTape {
    let s = this.scalars;
    if (s === null) {
      const memory = this.memory;
      s = this.scalars = new ScalarTape((bytes) => retainBytes(memory, bytes), this.recording);
    }
    return s;
  }

  /** Records a 0-d op (inputs a, b with values va, vb; value v) on the scalar tape; returns a light box naming its slot. @internal */
  recordScalar(code: number, a: Tensor, b: Tensor | null, va: number, vb: number, v: number): Tensor {
    const s = this.scalars ?? this.scalarTape();
    if (this.recording !== null) return this.recordScalarRecorded(s, code, a, b, va, vb, v);
    const sa = a.trace === null ? s.constant(va) : a.slot >= 0 ? a.slot : this.importSlot(a);
    const sb = b === null ? -1 : b.trace === null ? s.constant(vb) : b.slot >= 0 ? b.slot : this.importSlot(b);
    return Tensor.scalarBox(v, this, s.push(code, sa, sb, v));
  }

  /**
   * `recordScalar` under a jit recording: the op also goes into the recording, and the box's
   * primal is the recorded value (never a plain one, which would cut the program's dependence).
   */
  private recordScalarRecorded(s: ScalarTape, code: number, a: Tensor, b: Tensor | null, va: number, vb: number, v: number): Tensor {
    const rec = this.recording!;
    const sa = this.tapeSlot(s, a, va);
    const sb = b === null ? -1 : this.tapeSlot(s, b, vb);
    const box = Tensor.scalarBox(v, this, s.push(code, sa, sb, v));
    const ps = rec.program.emit(code, s.recordedSlot(sa), sb < 0 ? -1 : s.recordedSlot(sb));
    s.setRecorded(box.slot, ps);
    box.primal = Tensor.scalarBox(v, rec, ps);
    return box;
  }

  /** The general path's way onto the scalar tape (profile mode: timed). */
  private processScalar(prim: Primitive<any>, inputs: Tensor[]): Tensor {
    const a = inputs[0]!;
    const b = inputs.length > 1 ? inputs[1]! : null;
    const t0 = profiler.active ? performance.now() : 0;
    const va = a.first;
    const vb = b === null ? 0 : b.first;
    const out = this.recordScalar(prim.scalarCode!, a, b, va, vb, scalarForward(prim.scalarCode!, va, vb));
    if (profiler.active) {
      timedScalar(prim.name, performance.now() - t0);
      profiler.tapeNodes++;
    }
    return out;
  }

  process<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
    if (this.scalarEligible(prim, inputs)) return this.processScalar(prim, inputs);
    const n = inputs.length;
    const primals = new Array<Tensor>(n);
    const parents = new Array<TapeNode | null>(n);
    const shapes = new Array<Shape>(n);
    for (let i = 0; i < n; i++) {
      const x = inputs[i]!;
      const p = x.trace === this ? x.primal! : x;
      primals[i] = p;
      parents[i] = x.trace === this ? this.nodeOf(x) : null;
      shapes[i] = p.shape;
    }
    const out = apply(prim, primals, params);
    if (prim.vjp === null) return out; // zero derivative: a constant to this trace
    const keepInputs = prim.saves === 'inputs' || prim.saves === 'both';
    const keepOut = prim.saves === 'output' || prim.saves === 'both';
    if (keepInputs) for (let i = 0; i < n; i++) retainResidual(this.memory, this.level, this.since, primals[i]!);
    if (keepOut) retainResidual(this.memory, this.level, this.since, out);
    const node = new TapeNode(
      prim, params, parents, keepInputs ? primals : NO_PARENTS, keepOut ? out : null, shapes, out.shape,
      anomaly.enabled ? captureSite() : null,
    );
    if (this.scalars !== null) node.mark = this.scalars.length;
    this.tape.push(node);
    if (profiler.active) profiler.tapeNodes++;
    const box = Tensor.box(out, this);
    box.node = node;
    return box;
  }

  /** Records a node whose backward rule is a closure (customVjp, checkpoint). */
  record(prim: Primitive<any>, params: unknown, args: Tensor[], out: Tensor): Tensor {
    const parents = args.map((x) => (x.trace === this ? this.nodeOf(x) : null));
    const node = new TapeNode(
      prim, params, parents, NO_PARENTS, null, args.map((x) => x.shape), out.shape,
      anomaly.enabled ? captureSite() : null,
    );
    if (this.scalars !== null) node.mark = this.scalars.length;
    this.tape.push(node);
    const box = Tensor.box(out, this);
    box.node = node;
    return box;
  }
}

function recordingBelow(trace: Trace): RecordTrace | null {
  const i = running.lastIndexOf(trace);
  const below = i > 0 ? running[i - 1]! : null;
  return below !== null && below.records && below.active ? (below as RecordTrace) : null;
}

/** Forward mode: carries a tangent beside each value. */
export class JvpTrace extends Trace {
  /** Boxes `x` with tangent `t`. */
  input(x: Tensor, t: Tensor | null): Tensor {
    const b = Tensor.box(x, this);
    b.tangent = t;
    return b;
  }

  process<P>(prim: Primitive<P>, inputs: Tensor[], params: P): Tensor {
    const n = inputs.length;
    const primals = new Array<Tensor>(n);
    const tangents = new Array<Tensor | null>(n);
    for (let i = 0; i < n; i++) {
      const x = inputs[i]!;
      if (x.trace === this) {
        primals[i] = x.primal!;
        tangents[i] = x.tangent;
      } else {
        primals[i] = x;
        tangents[i] = null;
      }
    }
    const out = apply(prim, primals, params);
    if (prim.jvp === null) return out;
    const tangent = prim.jvp(tangents, primals, out, params);
    if (tangent === null) return out;
    const box = Tensor.box(out, this);
    box.tangent = tangent;
    return box;
  }
}

/** A value boxed by a finished vmap: its box stands for a whole batch, which has no one value now. */
function leakedBatch(op: string): AdjointError {
  return new AdjointError(
    `${op}: a tensor computed inside ${op} was used after ${op} returned; inside, it stood for one example of a ` +
      `batch, which has no single value outside. Return it from the mapped function instead (it comes back stacked).`,
  );
}
