/**
 * @file The scalar tape under a jit recording: its backward pass written into the program.
 *
 * `jit(valueAndGrad(f))` records f's forward and backward pass. Without this file, a reverse trace
 * right above the recording would leave every 0-d op to the general tape (a node, arrays and a
 * box per op), and the backward pass would run each VJP rule as ops on boxes: a recording of
 * W6's 10⁵ steps took about 0.7 s. Here such ops go on the scalar tape as usual, each entry also
 * remembering the program slot of its value, and the backward walk *emits* each rule's ops into
 * the program (`ProgramBuilder.emit`, which also computes their values) instead of computing
 * numbers: adjoints are program slots. The rules are those of the numeric walk in scalarTape.ts —
 * the ops' VJPs from src/ops, `mulStrong` for the chain rule, `divStrong` for a rule's g/x — so a replay computes what running
 * the VJP rules computes. Selections in rules (ties of maximum, the sign of abs, relu's step,
 * pow at a = 0) are written with the 0-d comparison ops, whose values are 0 and 1.
 */
import type { Tensor } from '../tensor/tensor.js';
import { Op } from '../core/scalarOps.js';
import type { Adjoints, ScalarTape } from '../core/scalarTape.js';
import type { ProgramBuilder } from './program.js';

/** The ops the recorded walk has rules for. */
export const RECORDED_OPS: ReadonlySet<number> = new Set<number>([
  Op.ADD, Op.SUB, Op.MUL, Op.MUL_STRONG, Op.DIV, Op.POW, Op.MAXIMUM, Op.MINIMUM, Op.NEG, Op.EXP, Op.LOG,
  Op.LOG1P, Op.EXPM1, Op.SQRT, Op.SQUARE, Op.ABS, Op.SIN, Op.COS, Op.TANH, Op.SIGMOID, Op.SOFTPLUS,
  Op.RELU, Op.RECIPROCAL, Op.DIV_STRONG,
]);

/** Adds program slot `c` to entry e's recorded adjoint (its first contribution is taken as is). */
export function addRecorded(program: ProgramBuilder, adjoints: Int32Array, e: number, c: number): void {
  adjoints[e] = adjoints[e]! < 0 ? c : program.emit(Op.ADD, adjoints[e]!, c);
}

/**
 * Propagates the adjoints (program slots in `adj.recorded`) of entries [from, to) to their inputs,
 * newest first, emitting each rule's ops; IMPORT entries hand theirs to the general node as a
 * recorded value; entries with a traced adjoint go to `traced(k)`. At first order, statements are
 * preaccumulated (./statements.ts): a root pushes its adjoint to each leaf of its statement in one
 * product, G · ∂root/∂leaf, so the gradient agrees with the numeric walk (eager `grad`) to
 * rounding; a replay still equals its recording bit for bit (the recording's values are the
 * emitted ops').
 */
export function walkRecorded(
  tape: ScalarTape, adj: Adjoints, from: number, to: number,
  give: (node: { ct: Tensor | null }, ct: Tensor) => void, traced: (k: number) => void,
): void {
  const program = tape.recording!.program;
  const { op, in0, in1, imported } = tape.columns();
  const r = adj.recorded!;
  const at = (e: number) => tape.recordedSlot(e);
  const emit = (code: number, a: number, b = -1) => program.emit(code, a, b);
  const constant = (v: number) => program.scalarConstant(v);
  /** A statement's seed: the slot of the constant 1 (a product with it is left out). */
  const ONE = constant(1);
  // Pre-pass, as in the numeric walk: the transcendental local derivatives first, in a run of
  // their own. They read forward values only, so a replay computes them in a loop whose calls
  // overlap, instead of inside the backward loop's dependent chain (W6: 6.5 ms against 5.2).
  const derivative = new Int32Array(to - from);
  for (let k = from; k < to; k++) {
    if (op[k] === Op.SIN) derivative[k - from] = emit(Op.COS, at(in0[k]!)); // cos x
    else if (op[k] === Op.COS) derivative[k - from] = emit(Op.NEG, emit(Op.SIN, at(in0[k]!))); // −sin x
  }
  const st = adj.statements!, owner = st.owner, local = adj.localSlot!;
  // With traced adjoints (an outer transformation differentiates this backward pass) the rules run
  // one entry at a time. `begin`, which marks the older entries this segment reads, is then
  // skipped; that is safe because adj.traced never becomes null again, so no older segment of
  // this pass draws statements either.
  const defer = adj.traced === null && st.begin(op, in0, in1, from, to);
  /** The statement whose local values the current entry's contributions are (−1: its adjoint's own). */
  let root = -1;
  /** Leaf x's pending G · ∂root/∂leaf into its adjoint. */
  const flush = (x: number): void => {
    const R = owner[x]!;
    owner[x] = -1;
    addRecorded(program, r, x, local[x] === ONE ? r[R]! : emit(Op.MUL_STRONG, r[R]!, local[x]!));
  };
  /** Contribution `c()` to input x of the current entry; a constant's adjoint is not needed, so not made. */
  const add = (x: number, c: () => number): void => {
    if (op[x] === Op.CONST) return;
    if (root < 0) {
      if (owner[x]! >= 0) flush(x);
      addRecorded(program, r, x, c());
      return;
    }
    if (st.interior(x)) {
      owner[x] = root;
      local[x] = c();
      return;
    }
    const o = owner[x]!;
    if (o === root) {
      local[x] = emit(Op.ADD, local[x]!, c());
      return;
    }
    if (o >= 0) flush(x);
    else st.pend(x);
    owner[x] = root;
    local[x] = c();
  };

  /** Entry k's rule for its adjoint G (a slot; in a statement its local adjoint, ONE at the root): each input's contribution to `add`. */
  const rule = (k: number, G: number): void => {
    const i = in0[k]!, j = in1[k]!;
    // Inside a statement a product with the seed 1 is left out; elsewhere every rule is the numeric walk's.
    const chain = (d: number) => (G === ONE && root >= 0 ? d : emit(Op.MUL_STRONG, G, d));
    switch (op[k]) {
      case Op.CONST: break;
      // The numeric walk's adjoints are 0 + c₁ + c₂ + … (a zeroed array added into), never −0;
      // here the first contribution is taken as is, so an adjoint whose contributions are all
      // zeros may be −0 (a −0 from NEG or SUB, or a product underflowing to −0). Zero adjoints
      // only change by sign and strong products (chain) drop the sign, so the difference can only
      // leave the walk here: hand over 0 + G, which is G except that −0 becomes +0 (jit(grad(f))
      // gave −0 where grad(f) gave 0).
      case Op.IMPORT: give(imported[i]!, tape.recordedValue(emit(Op.ADD, constant(0), G))); break;
      case Op.ADD: add(i, () => G); add(j, () => G); break; // d(a+b) = da + db
      case Op.SUB: add(i, () => G); add(j, () => emit(Op.NEG, G)); break; // d(a−b) = da − db
      case Op.MUL: case Op.MUL_STRONG: // d(ab) = b da + a db
        add(i, () => chain(at(j)));
        add(j, () => chain(at(i)));
        break;
      case Op.DIV: // d(a/b) = da / b − (a/b) db / b, da / b the strong quotient
        add(i, () => emit(Op.DIV_STRONG, G, at(j)));
        add(j, () => chain(emit(Op.NEG, emit(Op.DIV, at(k), at(j)))));
        break;
      case Op.DIV_STRONG: // d(g/x) = dg / x − (q/x) dx, both strong quotients
        add(i, () => emit(Op.DIV_STRONG, G, at(j)));
        add(j, () => chain(emit(Op.NEG, emit(Op.DIV_STRONG, at(k), at(j)))));
        break;
      case Op.POW: // b aᵇ⁻¹ da (strong: d(a⁰)/da = 0 at a = 0) + aᵇ log a db (0 at a = 0)
        add(i, () => chain(emit(Op.MUL_STRONG, at(j), emit(Op.POW, at(i), emit(Op.SUB, at(j), constant(1))))));
        // [a ≠ 0] is 0 or 1, and the strong product makes 0 · (aᵇ log a) exactly 0 at a = 0.
        add(j, () => chain(emit(Op.MUL_STRONG, emit(Op.NOT_EQUAL, at(i), constant(0)), emit(Op.MUL, at(k), emit(Op.LOG, at(i))))));
        break;
      case Op.MAXIMUM: case Op.MINIMUM: { // ties share equally: a's weight is [a wins] + ½ [a = b] (0 with a NaN), b's likewise
        const wins = op[k] === Op.MAXIMUM ? Op.GREATER : Op.LESS;
        let tie = -1;
        const half = () => (tie >= 0 ? tie : (tie = emit(Op.MUL, emit(Op.EQUAL, at(i), at(j)), constant(0.5))));
        add(i, () => chain(emit(Op.ADD, emit(wins, at(i), at(j)), half())));
        add(j, () => chain(emit(Op.ADD, emit(wins, at(j), at(i)), half())));
        break;
      }
      case Op.ABS: add(i, () => chain(emit(Op.SIGN, at(i)))); break; // abs'(0) = 0
      case Op.SOFTPLUS: add(i, () => chain(emit(Op.SIGMOID, at(i)))); break; // σ(x)
      case Op.RELU: add(i, () => chain(emit(Op.GREATER, at(i), constant(0)))); break; // relu'(0) = 0
      case Op.NEG: add(i, () => emit(Op.NEG, G)); break;
      case Op.EXP: add(i, () => chain(at(k))); break; // (eˣ)' = eˣ
      case Op.LOG: add(i, () => emit(Op.DIV_STRONG, G, at(i))); break; // g/x, strong
      case Op.LOG1P: add(i, () => chain(emit(Op.RECIPROCAL, emit(Op.ADD, at(i), constant(1))))); break; // 1/(1+x)
      case Op.EXPM1: add(i, () => chain(emit(Op.EXP, at(i)))); break; // eˣ (not y + 1, which cancels for x ≪ 0)
      case Op.SQRT: add(i, () => chain(emit(Op.DIV, constant(0.5), at(k)))); break; // 1/(2√x)
      case Op.SQUARE: add(i, () => chain(emit(Op.MUL, constant(2), at(i)))); break; // 2x
      case Op.SIN: case Op.COS: add(i, () => chain(derivative[k - from]!)); break; // from the pre-pass
      case Op.TANH: add(i, () => chain(emit(Op.SUB, constant(1), emit(Op.SQUARE, at(k))))); break; // 1 − y²
      case Op.SIGMOID: add(i, () => chain(emit(Op.MUL, at(k), emit(Op.SUB, constant(1), at(k))))); break; // y(1 − y)
      case Op.RECIPROCAL: add(i, () => chain(emit(Op.NEG, emit(Op.SQUARE, at(k))))); break; // −y²
      default: throw new Error(`internal: op code ${op[k]} on a recorded scalar tape`);
    }
  };

  for (let k = to - 1; k >= from; k--) {
    if (adj.traced !== null && adj.traced[k] != null) {
      traced(k);
      continue;
    }
    let G: number;
    if (defer && st.interior(k)) {
      root = owner[k]!;
      if (root < 0) continue; // its reader passed nothing
      owner[k] = -1;
      G = local[k]!;
    } else {
      if (owner[k]! >= 0) flush(k);
      G = r[k]!;
      if (G < 0) continue; // no adjoint reached this entry
      root = defer && st.readsInterior(op, in0, in1, k) && st.choose(op, in0, in1, k) ? k : -1;
      if (root === k) G = ONE; // the statement's seed
    }
    rule(k, G);
  }
  if (defer) st.end(flush);
}
