/**
 * @file The scalar tape: 0-d elementwise ops recorded in typed arrays instead of tape nodes.
 *
 * A loop of 10⁵ tiny steps (x ← a·sin x + b·x) is per-op overhead, not arithmetic: a general tape
 * node keeps a node, arrays of parents, inputs and shapes, and a boxed Tensor per op (~1.7 kB a
 * step, most of it garbage-collector work). Here a first-order op on 0-d values appends one entry
 * — an op code, the slots of its inputs, their values and the output's — to columns of typed
 * arrays, and returns a light box naming its slot. The backward walk is one loop over those
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

// Op codes. Binary ops take two inputs, unary ops one; IMPORT stands for a general tape node.
export const IMPORT = 0;
const ADD = 1, SUB = 2, MUL = 3, DIV = 4, MUL_STRONG = 5, POW = 6, MAXIMUM = 7, MINIMUM = 8;
const NEG = 9, EXP = 10, LOG = 11, LOG1P = 12, EXPM1 = 13, SQRT = 14, SQUARE = 15, ABS = 16;
const SIN = 17, COS = 18, TANH = 19, SIGMOID = 20, SOFTPLUS = 21, RELU = 22, RECIPROCAL = 23;
// Comparisons: no derivative, so never taped; their codes serve the untraced fast path only.
const GREATER = 24, GREATER_EQUAL = 25, LESS = 26, LESS_EQUAL = 27, EQUAL = 28, NOT_EQUAL = 29, SIGN = 30;

/** Primitive name → op code, read by definePrimitive. */
export const SCALAR_CODES: ReadonlyMap<string, number> = new Map([
  ['add', ADD], ['sub', SUB], ['mul', MUL], ['div', DIV], ['mulStrong', MUL_STRONG], ['pow', POW],
  ['maximum', MAXIMUM], ['minimum', MINIMUM], ['neg', NEG], ['exp', EXP], ['log', LOG],
  ['log1p', LOG1P], ['expm1', EXPM1], ['sqrt', SQRT], ['square', SQUARE], ['abs', ABS], ['sin', SIN],
  ['cos', COS], ['tanh', TANH], ['sigmoid', SIGMOID], ['softplus', SOFTPLUS], ['relu', RELU],
  ['reciprocal', RECIPROCAL], ['greater', GREATER], ['greaterEqual', GREATER_EQUAL], ['less', LESS],
  ['lessEqual', LESS_EQUAL], ['equal', EQUAL], ['notEqual', NOT_EQUAL], ['sign', SIGN],
]);

/** The primitive behind each code, for the traced (higher-order) walk. */
const primitiveOf: Array<Primitive<any> | undefined> = [];

/** Called by definePrimitive for primitives with a scalar code. @internal */
export function registerScalarPrimitive(code: number, prim: Primitive<any>): void {
  primitiveOf[code] = prim;
}

/** Strong-zero product, as the `mulStrong` kernel: 0 when either factor is 0, whatever the other. */
function strong(g: number, d: number): number {
  return g === 0 || d === 0 ? 0 : g * d;
}

/** sign(0) = 0 and sign(NaN) = NaN, as the `sign` kernel. */
function signOf(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : v;
}

/** The stable sigmoid of the `sigmoid` kernel. */
function sigmoidOf(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** One op on numbers: exactly the expression its Float64Array kernel evaluates per element. */
export function scalarForward(code: number, a: number, b: number): number {
  switch (code) {
    case ADD: return a + b;
    case SUB: return a - b;
    case MUL: return a * b;
    case DIV: return a / b;
    case MUL_STRONG: return strong(a, b);
    case POW: return Math.pow(a, b);
    case MAXIMUM: return Math.max(a, b);
    case MINIMUM: return Math.min(a, b);
    case NEG: return -a;
    case EXP: return Math.exp(a);
    case LOG: return Math.log(a);
    case LOG1P: return Math.log1p(a);
    case EXPM1: return Math.expm1(a);
    case SQRT: return Math.sqrt(a);
    case SQUARE: return a * a;
    case ABS: return Math.abs(a);
    case SIN: return Math.sin(a);
    case COS: return Math.cos(a);
    case TANH: return Math.tanh(a);
    case SIGMOID: return sigmoidOf(a);
    case SOFTPLUS: return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
    case RELU: return a > 0 ? a : a === a ? 0 : a;
    case RECIPROCAL: return 1 / a;
    case GREATER: return a > b ? 1 : 0;
    case GREATER_EQUAL: return a >= b ? 1 : 0;
    case LESS: return a < b ? 1 : 0;
    case LESS_EQUAL: return a <= b ? 1 : 0;
    case EQUAL: return a === b ? 1 : 0;
    case NOT_EQUAL: return a !== b ? 1 : 0;
    case SIGN: return signOf(a);
  }
  throw new Error(`internal: scalar op code ${code}`);
}

/** Bytes one entry takes in the columns below. */
const ENTRY_BYTES = 1 + 4 + 4 + 8 + 8 + 8;

/** Column buffers of a released tape, kept for the next one (a loop calling grad reuses them). */
let spare: Columns | null = null;
/** The adjoint buffer of the last backward walk, likewise. */
let spareAdjoints: Float64Array | null = null;

interface Columns {
  op: Uint8Array;
  in0: Int32Array;
  in1: Int32Array;
  v0: Float64Array;
  v1: Float64Array;
  out: Float64Array;
}

function allocate(capacity: number): Columns {
  return {
    op: new Uint8Array(capacity),
    in0: new Int32Array(capacity),
    in1: new Int32Array(capacity),
    v0: new Float64Array(capacity),
    v1: new Float64Array(capacity),
    out: new Float64Array(capacity),
  };
}

/** Plain partial-derivative contributions go here; traced ones (higher order) into `traced`. */
interface Adjoints {
  plain: Float64Array;
  traced: Array<Tensor | null> | null;
}

/**
 * The entries of one reverse trace. Entry k's inputs are slots (earlier entries) or −1 for a
 * constant, whose value is in v0/v1 all the same.
 */
export class ScalarTape {
  length = 0;
  private cols: Columns;
  /** General tape nodes read by IMPORT entries (in0 indexes this). */
  readonly imported: Array<{ ct: Tensor | null }> = [];
  /** Called with the bytes of each 32 new entries (residual-memory accounting counts entries, not capacity). */
  private readonly onGrow: (bytes: number) => void;

  constructor(onGrow: (bytes: number) => void) {
    this.onGrow = onGrow;
    this.cols = spare ?? allocate(1024);
    spare = null;
  }

  /** Appends an entry and returns its slot. */
  push(code: number, in0: number, in1: number, v0: number, v1: number, out: number): number {
    let c = this.cols;
    const k = this.length;
    if (k === c.op.length) c = this.grow();
    c.op[k] = code;
    c.in0[k] = in0;
    c.in1[k] = in1;
    c.v0[k] = v0;
    c.v1[k] = v1;
    c.out[k] = out;
    this.length = k + 1;
    if ((k & 31) === 0) this.onGrow(32 * ENTRY_BYTES); // memory accounting in steps of 32 entries
    return k;
  }

  /** An IMPORT entry for a general tape node holding a 0-d value `v`. */
  importNode(node: { ct: Tensor | null }, v: number): number {
    this.imported.push(node);
    return this.push(IMPORT, this.imported.length - 1, -1, 0, 0, v);
  }

  private grow(): Columns {
    const old = this.cols;
    const n = old.op.length;
    const c = allocate(2 * n);
    c.op.set(old.op);
    c.in0.set(old.in0);
    c.in1.set(old.in1);
    c.v0.set(old.v0);
    c.v1.set(old.v1);
    c.out.set(old.out);
    this.cols = c;
    return c;
  }

  /** Hands the columns to the next tape; this one must not be used again. */
  release(): void {
    if (spare === null || spare.op.length < this.cols.op.length) spare = this.cols;
    this.length = 0;
  }

  /** Fresh adjoints for one backward walk (zeros). */
  adjoints(): Adjoints {
    let plain = spareAdjoints;
    spareAdjoints = null;
    if (plain === null || plain.length < this.length) plain = new Float64Array(Math.max(this.length, 1024));
    else plain.fill(0, 0, this.length);
    return { plain, traced: null };
  }

  /** Returns a walk's adjoint buffer for reuse. */
  doneWith(adj: Adjoints): void {
    if (spareAdjoints === null || spareAdjoints.length < adj.plain.length) spareAdjoints = adj.plain;
  }

  /** Adds a cotangent arriving from a general node (through a bridge) to `slot`'s adjoint. */
  seed(adj: Adjoints, slot: number, ct: Tensor): void {
    if (ct.trace === null) adj.plain[slot]! += ct.first;
    else addTraced(adj, slot, ct);
  }

  /**
   * Propagates the adjoints of entries [from, to) to their inputs, newest first; IMPORT entries
   * hand theirs to the general node through `give(node, cotangent)`.
   */
  backward(adj: Adjoints, from: number, to: number, give: (node: { ct: Tensor | null }, ct: Tensor) => void): void {
    const { op, in0, in1, v0, v1, out } = this.cols;
    const plain = adj.plain;
    for (let k = to - 1; k >= from; k--) {
      if (adj.traced !== null && adj.traced[k] != null) {
        this.tracedEntry(adj, k, give);
        continue;
      }
      const g = plain[k]!;
      if (g === 0) continue; // nothing to propagate (a zero adjoint contributes exactly 0)
      const i = in0[k]!, j = in1[k]!;
      const a = v0[k]!, b = v1[k]!;
      // Each case: the VJP of src/ops, first order, with `strong` where the rule uses chain().
      switch (op[k]) {
        case IMPORT: give(this.imported[i]!, Tensor.scalar(g)); break;
        case ADD: if (i >= 0) plain[i]! += g; if (j >= 0) plain[j]! += g; break; // d(a+b) = da + db
        case SUB: if (i >= 0) plain[i]! += g; if (j >= 0) plain[j]! += -g; break; // d(a−b) = da − db
        case MUL: if (i >= 0) plain[i]! += strong(g, b); if (j >= 0) plain[j]! += strong(g, a); break;
        case MUL_STRONG: if (i >= 0) plain[i]! += strong(g, b); if (j >= 0) plain[j]! += strong(g, a); break;
        case DIV: // d(a/b) = da / b − (a/b) db / b
          if (i >= 0) plain[i]! += strong(g, 1 / b);
          if (j >= 0) plain[j]! += strong(g, -(out[k]! / b));
          break;
        case POW: // b aᵇ⁻¹ da (strong: d(a⁰)/da = 0 at a = 0) + aᵇ log a db (0 at a = 0)
          if (i >= 0) plain[i]! += strong(g, strong(b, Math.pow(a, b - 1)));
          if (j >= 0) plain[j]! += strong(g, a === 0 ? 0 : out[k]! * Math.log(a));
          break;
        case MAXIMUM: case MINIMUM: { // ties share equally
          const wins = op[k] === MAXIMUM ? a > b : a < b;
          const wa = wins ? 1 : a === b ? 0.5 : 0;
          if (i >= 0) plain[i]! += strong(g, wa);
          if (j >= 0) plain[j]! += strong(g, 1 - wa);
          break;
        }
        case NEG: plain[i]! += -g; break;
        case EXP: plain[i]! += strong(g, out[k]!); break; // (eˣ)' = eˣ
        case LOG: plain[i]! += strong(g, 1 / a); break;
        case LOG1P: plain[i]! += strong(g, 1 / (a + 1)); break;
        case EXPM1: plain[i]! += strong(g, out[k]! + 1); break;
        case SQRT: plain[i]! += strong(g, 0.5 / out[k]!); break;
        case SQUARE: plain[i]! += strong(g, 2 * a); break;
        case ABS: plain[i]! += strong(g, signOf(a)); break; // abs'(0) = 0
        case SIN: plain[i]! += strong(g, Math.cos(a)); break;
        case COS: plain[i]! += strong(g, -Math.sin(a)); break;
        case TANH: { const y = out[k]!; plain[i]! += strong(g, 1 - y * y); break; }
        case SIGMOID: { const y = out[k]!; plain[i]! += strong(g, y * (1 - y)); break; }
        case SOFTPLUS: plain[i]! += strong(g, sigmoidOf(a)); break;
        case RELU: plain[i]! += strong(g, a > 0 ? 1 : 0); break; // relu'(0) = 0
        case RECIPROCAL: { const y = out[k]!; plain[i]! += strong(g, -(y * y)); break; }
        default: throw new Error(`internal: scalar tape op code ${op[k]}`);
      }
    }
  }

  /**
   * Entry k with a traced adjoint: the primitive's own VJP rule on Tensors (built from the saved
   * numbers), so an outer transformation sees the backward pass as ordinary ops.
   */
  private tracedEntry(adj: Adjoints, k: number, give: (node: { ct: Tensor | null }, ct: Tensor) => void): void {
    const { op, in0, in1, v0, v1, out } = this.cols;
    let g = adj.traced![k]!;
    adj.traced![k] = null;
    const p = adj.plain[k]!;
    if (p !== 0) g = addCotangents(g, Tensor.scalar(p));
    const code = op[k]!;
    const i = in0[k]!, j = in1[k]!;
    if (code === IMPORT) {
      give(this.imported[i]!, g);
      return;
    }
    const prim = primitiveOf[code]!;
    const res: Residuals = {
      inputs: [Tensor.scalar(v0[k]!), Tensor.scalar(v1[k]!)],
      out: Tensor.scalar(out[k]!),
      shapes: SCALAR_SHAPES,
    };
    const cts = prim.vjp!(g, res, null, [i >= 0, j >= 0]);
    if (i >= 0 && cts[0]) this.seed(adj, i, cts[0]);
    if (j >= 0 && cts[1]) this.seed(adj, j, cts[1]);
  }
}

const SCALAR_SHAPES = [[], []];

function addTraced(adj: Adjoints, slot: number, ct: Tensor): void {
  if (adj.traced === null) adj.traced = [];
  const cur = adj.traced[slot];
  adj.traced[slot] = cur == null ? ct : addCotangents(cur, ct);
}
