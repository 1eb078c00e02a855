/**
 * @file The scalar tape: 0-d elementwise ops recorded in typed arrays instead of tape nodes.
 *
 * A loop of 10⁵ tiny steps (x ← a·sin x + b·x) is per-op overhead, not arithmetic: a general tape
 * node keeps a node, arrays of parents, inputs and shapes, and a boxed Tensor per op (~1.7 kB a
 * step, most of it garbage-collector work). Here a first-order op on 0-d values appends one entry
 * — an op code, the slots of its inputs and its value, 17 bytes — to columns of typed arrays, and
 * returns a light box naming its slot (a constant operand gets a CONST entry of its own, so
 * every input value is read back from the value column). The backward walk is one loop over those
 * columns with a switch, accumulating adjoints in a Float64Array (Griewank & Walther,
 * "Evaluating Derivatives", §6.1: the tape as a sequential "Wengert list" of elementary ops).
 *
 * It is an optimisation of the general tape, not a second semantics:
 * - each rule below is the same formula, in the same floating-point order, as the op's VJP in
 *   src/ops (chain rule with the strong zero: a zero cotangent or a zero partial gives exactly 0);
 *   test/scalarTape.test.ts compares the two paths op by op;
 * - it is used only when every input is a plain 0-d value or a box of this trace over a plain
 *   value — so the residuals are plain numbers — and not in anomaly mode;
 * - when a cotangent reaching the scalar tape is itself traced (a backward pass differentiated by
 *   an outer transformation), the walk switches those entries to each primitive's own VJP rule on
 *   Tensors, so every higher-order composition still works.
 * Values cross between the two tapes in both directions: a general node read by a scalar op is
 * imported (an IMPORT entry whose adjoint is handed to the node), and a scalar box read by a
 * general op gets a bridge node (its cotangent is added to the slot's adjoint). The backward pass
 * interleaves the two walks by creation order (each tape node records the scalar tape's length).
 */
import { Tensor } from '../tensor/tensor.js';
import type { Primitive, Residuals } from './primitive.js';
import { addCotangents } from './accumulate.js';
import { Op, sigmoidOf, signOf, strong } from './scalarOps.js';
import { quotientStrong } from '../tensor/kernels/quotient.js';
import { ieeePow } from '../tensor/kernels/pow.js';
import type { RecordTrace } from '../jit/recordTrace.js';
import { addRecorded, walkRecorded } from '../jit/scalarTapeRecorded.js';
import { Statements } from '../jit/statements.js';

/** The primitive behind each code, for the traced (higher-order) walk. */
const primitiveOf: Array<Primitive<any> | undefined> = [];

/** Called by definePrimitive for primitives with a scalar code. @internal */
export function registerScalarPrimitive(code: number, prim: Primitive<any>): void {
  primitiveOf[code] = prim;
}

/** strong(g, d) for g ≠ 0 (the walk skips zero adjoints): 0 when d is 0, whatever g. */
function times(g: number, d: number): number {
  return d === 0 ? 0 : g * d;
}

/** Bytes one entry takes in the columns below. */
const ENTRY_BYTES = 1 + 4 + 4 + 8;

/** Column buffers of a released tape, kept for the next one (a loop calling grad reuses them). */
let spare: Columns | null = null;
/** The adjoint buffer of the last backward walk, likewise. */
let spareAdjoints: Float64Array | null = null;
/** The local-derivative buffer of the last backward walk, likewise. */
let spareDerivatives: Float64Array | null = null;

interface Columns {
  op: Uint8Array;
  in0: Int32Array;
  in1: Int32Array;
  out: Float64Array;
}

function allocate(capacity: number): Columns {
  return { op: new Uint8Array(capacity), in0: new Int32Array(capacity), in1: new Int32Array(capacity), out: new Float64Array(capacity) };
}

/** Plain partial-derivative contributions go here; traced ones (higher order) into `traced`. */
export interface Adjoints {
  plain: Float64Array;
  traced: Array<Tensor | null> | null;
  /** Local derivatives of the transcendental unary entries, filled by a pre-pass (see backward). */
  derivative: Float64Array;
  /** Under a jit recording: each entry's adjoint as a program slot (−1: none yet). */
  recorded: Int32Array | null;
  /** Under a jit recording: statement-level preaccumulation's bookkeeping (../jit/statements.ts), and each entry's local value there as a program slot. */
  statements: Statements | null;
  localSlot: Int32Array | null;
}

/**
 * The entries of one reverse trace: op code, input slots (earlier entries; −1 for a unary op's
 * missing second input) and the value. Every input is a slot — a constant operand gets a CONST
 * entry and a general node's value an IMPORT entry — so an entry's input values are read from the
 * `out` column and each entry costs 17 bytes.
 */
export class ScalarTape {
  length = 0;
  // The columns, one element per entry (fields of the tape itself: one load fewer per push).
  private op: Uint8Array;
  private in0: Int32Array;
  private in1: Int32Array;
  private out: Float64Array;
  /** General tape nodes read by IMPORT entries (in0 indexes this). */
  readonly imported: Array<{ ct: Tensor | null }> = [];
  /** Called with the bytes of each 32 new entries (residual-memory accounting counts entries, not capacity). */
  private readonly onGrow: (bytes: number) => void;
  /** The jit recording this tape writes into (see jit/scalarTapeRecorded.ts), or null. */
  readonly recording: RecordTrace | null;
  /** Under a recording: each entry's program slot. */
  private recordedSlots: Int32Array | null = null;

  constructor(onGrow: (bytes: number) => void, recording: RecordTrace | null = null) {
    this.onGrow = onGrow;
    this.recording = recording;
    const c = spare ?? allocate(1024);
    spare = null;
    this.op = c.op;
    this.in0 = c.in0;
    this.in1 = c.in1;
    this.out = c.out;
  }

  /** Appends an entry and returns its slot. */
  push(code: number, in0: number, in1: number, out: number): number {
    const k = this.length;
    if (k === this.op.length) this.grow();
    this.op[k] = code;
    this.in0[k] = in0;
    this.in1[k] = in1;
    this.out[k] = out;
    this.length = k + 1;
    if ((k & 31) === 0) this.onGrow(32 * ENTRY_BYTES); // memory accounting in steps of 32 entries
    return k;
  }

  /** Under a recording: sets entry k's program slot. */
  setRecorded(k: number, slot: number): void {
    let r = this.recordedSlots;
    if (r === null || r.length <= k) {
      const bigger = new Int32Array(Math.max(1024, 2 * (k + 1)));
      if (r !== null) bigger.set(r);
      r = this.recordedSlots = bigger;
    }
    r[k] = slot;
  }

  /** Under a recording: the recorded value in program slot `slot`, as a box of the recording. */
  recordedValue(slot: number): Tensor {
    const rec = this.recording!;
    return Tensor.scalarBox(rec.program.value(slot), rec, slot);
  }

  /** Under a recording: entry k's program slot. */
  recordedSlot(k: number): number {
    return this.recordedSlots![k]!;
  }

  /** The columns, for the recorded walk. @internal */
  columns(): { op: Uint8Array; in0: Int32Array; in1: Int32Array; out: Float64Array; imported: ReadonlyArray<{ ct: Tensor | null }> } {
    return { op: this.op, in0: this.in0, in1: this.in1, out: this.out, imported: this.imported };
  }

  /** A CONST entry holding `v` (an operand that is not traced). */
  constant(v: number): number {
    return this.push(Op.CONST, -1, -1, v);
  }

  /** An IMPORT entry for a general tape node holding a 0-d value `v`. */
  importNode(node: { ct: Tensor | null }, v: number): number {
    this.imported.push(node);
    return this.push(Op.IMPORT, this.imported.length - 1, -1, v);
  }

  private grow(): void {
    const c = allocate(2 * this.op.length);
    c.op.set(this.op);
    c.in0.set(this.in0);
    c.in1.set(this.in1);
    c.out.set(this.out);
    this.op = c.op;
    this.in0 = c.in0;
    this.in1 = c.in1;
    this.out = c.out;
  }

  /** Hands the columns to the next tape; this one must not be used again. */
  release(): void {
    if (spare === null || spare.op.length < this.op.length) spare = { op: this.op, in0: this.in0, in1: this.in1, out: this.out };
    this.length = 0;
  }

  /** Fresh adjoints for one backward walk (zeros). */
  adjoints(): Adjoints {
    let plain = spareAdjoints;
    spareAdjoints = null;
    if (plain === null || plain.length < this.length) plain = new Float64Array(Math.max(this.length, 1024));
    else plain.fill(0, 0, this.length);
    let derivative = spareDerivatives;
    spareDerivatives = null;
    if (derivative === null || derivative.length < this.length) derivative = new Float64Array(Math.max(this.length, 1024));
    const recording = this.recording !== null;
    const recorded = recording ? new Int32Array(this.length).fill(-1) : null;
    return {
      plain, traced: null, derivative, recorded,
      statements: recording ? new Statements(this.length) : null, localSlot: recording ? new Int32Array(this.length) : null,
    };
  }

  /** Returns a walk's adjoint buffer for reuse. */
  doneWith(adj: Adjoints): void {
    if (spareAdjoints === null || spareAdjoints.length < adj.plain.length) spareAdjoints = adj.plain;
    if (spareDerivatives === null || spareDerivatives.length < adj.derivative.length) spareDerivatives = adj.derivative;
  }

  /** Adds a cotangent arriving from a general node (through a bridge) to `slot`'s adjoint. */
  seed(adj: Adjoints, slot: number, ct: Tensor): void {
    if (adj.statements !== null) adj.statements.outside[slot] = 1;
    const rec = this.recording;
    if (rec !== null && (ct.trace === null || (ct.trace === rec && ct.primal!.trace === null))) {
      // Under a recording, a plain or recorded cotangent is a program slot.
      addRecorded(rec.program, adj.recorded!, slot, ct.trace === null ? rec.program.constant(ct) : ct.slot);
    } else if (ct.trace === null) adj.plain[slot]! += ct.first;
    else addTraced(adj, slot, ct);
  }

  /**
   * Propagates the adjoints of entries [from, to) to their inputs, newest first; IMPORT entries
   * hand theirs to the general node through `give(node, cotangent)`.
   */
  backward(adj: Adjoints, from: number, to: number, give: (node: { ct: Tensor | null }, ct: Tensor) => void): void {
    if (this.recording !== null) {
      walkRecorded(this, adj, from, to, give, (k) => this.tracedEntry(adj, k, give));
      return;
    }
    const { op, in0, in1, out } = this;
    const plain = adj.plain;
    // Pre-pass: the local derivatives that cost a transcendental call. They depend on saved values
    // only, so this loop has no chain from one entry to the next and the calls overlap (about 8 ns
    // each), where inside the walk, behind its dependent adds and branches, each costs ~35 ns.
    const d = adj.derivative;
    for (let k = from; k < to; k++) {
      switch (op[k]) {
        case Op.SIN: d[k] = Math.cos(out[in0[k]!]!); break;
        case Op.COS: d[k] = -Math.sin(out[in0[k]!]!); break;
        case Op.SOFTPLUS: d[k] = sigmoidOf(out[in0[k]!]!); break;
        case Op.LOG1P: d[k] = 1 / (out[in0[k]!]! + 1); break;
        case Op.SQRT: d[k] = 0.5 / out[k]!; break;
        default: break;
      }
    }
    // Traced adjoints arrive only through seed(): before this walk, or from a traced entry in it.
    let traced = adj.traced;
    for (let k = to - 1; k >= from; k--) {
      if (traced !== null && traced[k] != null) {
        this.tracedEntry(adj, k, give);
        traced = adj.traced;
        continue;
      }
      const g = plain[k]!;
      if (g === 0) continue; // nothing to propagate (a zero adjoint contributes exactly 0)
      const i = in0[k]!;
      // Each case: the VJP of src/ops at first order, `strong` where the rule uses chain(). Input
      // values are out[i], out[j]; a constant's adjoint goes to its CONST entry and is dropped.
      switch (op[k]) {
        case Op.CONST: break;
        case Op.IMPORT: give(this.imported[i]!, Tensor.scalar(g)); break;
        case Op.ADD: { plain[i]! += g; plain[in1[k]!]! += g; break; } // d(a+b) = da + db
        case Op.SUB: { plain[i]! += g; plain[in1[k]!]! += -g; break; } // d(a−b) = da − db
        case Op.MUL: case Op.MUL_STRONG: { // d(ab) = b da + a db
          const j = in1[k]!;
          plain[i]! += times(g, out[j]!);
          plain[j]! += times(g, out[i]!);
          break;
        }
        case Op.DIV: { // d(a/b) = da / b − (a/b) db / b, da / b the strong quotient
          const j = in1[k]!, b = out[j]!;
          plain[i]! += quotientStrong(g, b);
          plain[j]! += times(g, -(out[k]! / b));
          break;
        }
        case Op.DIV_STRONG: { // d(g/x) = dg / x − (q/x) dx, both strong quotients
          const j = in1[k]!, x = out[j]!;
          plain[i]! += quotientStrong(g, x);
          plain[j]! += times(g, -quotientStrong(out[k]!, x));
          break;
        }
        case Op.POW: { // b aᵇ⁻¹ da (strong: d(a⁰)/da = 0 at a = 0) + aᵇ log a db (0 at a = 0)
          const j = in1[k]!, a = out[i]!, b = out[j]!;
          plain[i]! += times(g, strong(b, ieeePow(a, b - 1)));
          plain[j]! += times(g, a === 0 ? 0 : out[k]! * Math.log(a));
          break;
        }
        case Op.MAXIMUM: case Op.MINIMUM: { // ties share equally; with a NaN neither wins nor ties (0 each)
          const j = in1[k]!, a = out[i]!, b = out[j]!;
          const max = op[k] === Op.MAXIMUM, tie = a === b ? 0.5 : 0;
          plain[i]! += times(g, (max ? a > b : a < b) ? 1 : tie);
          plain[j]! += times(g, (max ? b > a : b < a) ? 1 : tie);
          break;
        }
        case Op.NEG: plain[i]! += -g; break;
        case Op.EXP: plain[i]! += times(g, out[k]!); break; // (eˣ)' = eˣ
        case Op.LOG: plain[i]! += quotientStrong(g, out[i]!); break; // g/x, strong
        case Op.LOG1P: plain[i]! += times(g, d[k]!); break; // 1/(1+x)
        case Op.EXPM1: plain[i]! += times(g, Math.exp(out[i]!)); break; // eˣ, not y + 1 (cancels for x ≪ 0)
        case Op.SQRT: plain[i]! += times(g, d[k]!); break; // 1/(2√x)
        case Op.SQUARE: plain[i]! += times(g, 2 * out[i]!); break;
        case Op.ABS: plain[i]! += times(g, signOf(out[i]!)); break; // abs'(0) = 0
        case Op.SIN: plain[i]! += times(g, d[k]!); break; // cos x
        case Op.COS: plain[i]! += times(g, d[k]!); break; // −sin x
        case Op.TANH: { const y = out[k]!; plain[i]! += times(g, 1 - y * y); break; }
        case Op.SIGMOID: { const y = out[k]!; plain[i]! += times(g, y * (1 - y)); break; }
        case Op.SOFTPLUS: plain[i]! += times(g, d[k]!); break; // σ(x)
        case Op.RELU: plain[i]! += times(g, out[i]! > 0 ? 1 : 0); break; // relu'(0) = 0
        case Op.RECIPROCAL: { const y = out[k]!; plain[i]! += times(g, -(y * y)); break; }
        default: throw new Error(`internal: scalar tape op code ${op[k]}`);
      }
    }
  }

  /**
   * Entry k with a traced adjoint: the primitive's own VJP rule on Tensors (built from the saved
   * numbers), so an outer transformation sees the backward pass as ordinary ops.
   */
  private tracedEntry(adj: Adjoints, k: number, give: (node: { ct: Tensor | null }, ct: Tensor) => void): void {
    let g = adj.traced![k]!;
    adj.traced![k] = null;
    const p = adj.plain[k]!;
    if (p !== 0) g = addCotangents(g, Tensor.scalar(p));
    const rec = this.recording;
    if (rec !== null && adj.recorded![k]! >= 0) g = addCotangents(g, this.recordedValue(adj.recorded![k]!));
    const code = this.op[k]!;
    const i = this.in0[k]!, j = this.in1[k]!;
    if (code === Op.CONST) return;
    if (code === Op.IMPORT) {
      give(this.imported[i]!, g);
      return;
    }
    const prim = primitiveOf[code]!;
    // Residuals as numbers, or under a recording as its values (so the rule's ops are recorded).
    const value = (e: number) => (rec === null ? Tensor.scalar(this.out[e]!) : this.recordedValue(this.recordedSlot(e)));
    const res: Residuals = {
      inputs: [value(i), j >= 0 ? value(j) : Tensor.scalar(0)],
      out: value(k),
      shapes: SCALAR_SHAPES,
    };
    const needs = [this.op[i] !== Op.CONST, j >= 0 && this.op[j] !== Op.CONST];
    const cts = prim.vjp!(g, res, null, needs);
    if (needs[0] && cts[0]) this.seed(adj, i, cts[0]);
    if (needs[1] && cts[1]) this.seed(adj, j, cts[1]);
  }
}

const SCALAR_SHAPES = [[], []];


function addTraced(adj: Adjoints, slot: number, ct: Tensor): void {
  if (adj.traced === null) adj.traced = [];
  const cur = adj.traced[slot];
  adj.traced[slot] = cur == null ? ct : addCotangents(cur, ct);
}
