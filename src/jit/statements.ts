/**
 * @file Statement-level preaccumulation for the scalar tape's backward pass recorded into a jit
 * program (./scalarTapeRecorded.ts): the bookkeeping.
 *
 * The walk goes over the tape newest first. An entry read exactly once, by an entry of the segment
 * being walked, and by nothing outside the scalar tape (a general op, through a bridge; the
 * output's seed) is *interior*: it belongs to the statement of its reader. Every other entry is a
 * *root* (of its own statement) and, to the statements that read it, a *leaf*. A root whose
 * inputs include an interior entry runs its rule with the seed 1 instead of its adjoint G, and so
 * do its interior entries with the local adjoints that reach them: what reaches a leaf is a local
 * partial ∂root/∂leaf, computed from forward values alone and summed per leaf. The leaf's adjoint
 * then gets G · ∂root/∂leaf, one product per leaf, when a contribution of another statement
 * reaches it, when the walk reaches it, or at the end of the segment (the walk's `flush`), so the
 * contributions to an adjoint are added in the order of their statements, as the rules one entry
 * at a time add them.
 *
 * (Griewank & Walther, "Evaluating Derivatives", 2nd ed., §10.2 on preaccumulating local
 * Jacobians; Bischof & Haghighat 1996 on statement-level reverse mode.) On W6's step
 * x' = a·sin x + b·x, the adjoint G of x' meets three products, G·sin x, G·x and G·(b + a·cos x),
 * where the rules entry by entry take five (G·x, G·b, G·sin x, G·a, (G·a)·cos x), and its
 * dependent chain is one product a step instead of two and a sum. A replay computes the partials
 * in the loop's independent work, off the adjoint's chain.
 *
 * Only the recorded walk preaccumulates: it decides once per recording, and every replay gains.
 * The numeric walk of eager `grad` would decide on every call, and on W6 its bookkeeping cost more
 * (measured: 1.2–1.3× the walk's time) than the two products a step it saves. So a recorded
 * gradient agrees with eager `grad` to rounding (regrouped products and sums), not bit for bit;
 * docs/jit.md, "Exactness".
 */
import { Op } from '../core/scalarOps.js';

/**
 * Per op code and input, at [2·code + input]: 1 where the op's rule scales the adjoint by a local
 * derivative for that input — a chain-rule product, left out when the adjoint is the seed 1 (the
 * walk's `chain`). Sums, differences and negation pass the adjoint on; a quotient's first input
 * and log's take a strong quotient g/x, an operation of its own.
 */
const CHAIN_EDGE: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (const code of [Op.MUL, Op.MUL_STRONG, Op.POW, Op.MAXIMUM, Op.MINIMUM]) table[2 * code] = table[2 * code + 1] = 1;
  for (const code of [Op.DIV, Op.DIV_STRONG]) table[2 * code + 1] = 1;
  for (const code of [Op.EXP, Op.LOG1P, Op.EXPM1, Op.SQRT, Op.SQUARE, Op.ABS, Op.SIN, Op.COS, Op.TANH, Op.SIGMOID, Op.SOFTPLUS, Op.RELU, Op.RECIPROCAL]) table[2 * code] = 1;
  return table;
})();

/** The statement bookkeeping of one recorded backward pass over a scalar tape of `length` entries. */
export class Statements {
  /**
   * Per entry: for an interior entry, the root whose local adjoint the walk's local column holds
   * for it; for a leaf, the root whose partial ∂root/∂leaf is pending there; −1 for neither.
   */
  readonly owner: Int32Array;
  /**
   * Per entry: 1 where it is read from outside its segment — by a general op or the output's seed
   * (marked by the tape's `seed`), or by an entry of a newer segment (marked by that segment's
   * `begin`).
   */
  readonly outside: Uint8Array;
  /** Per entry of the current segment (index − `from`): 1 where interior. */
  private readonly flags: Uint8Array;
  /** Leaves given a pending partial in this segment (each flushed at its end, if still pending). */
  private readonly pending: number[] = [];
  private from = 0;
  /** `choose`'s work lists: a statement's entries (root first), and whether the root's adjoint reaches each unscaled. */
  private readonly members: Int32Array;
  private readonly seed: Uint8Array;
  /** Per entry: the last root (+1) whose statement `choose` found it a leaf of. */
  private readonly stamp: Int32Array;

  constructor(length: number) {
    this.owner = new Int32Array(length).fill(-1);
    this.outside = new Uint8Array(length);
    this.flags = new Uint8Array(length);
    this.stamp = new Int32Array(length);
    this.members = new Int32Array(length); // a statement holds each entry at most once
    this.seed = new Uint8Array(length);
  }

  /**
   * Starts the segment [from, to): marks its interior entries (read once in the segment, not a
   * constant or an import, not read from outside) and the older entries it reads as read from
   * outside; returns whether any entry is interior.
   */
  begin(op: Uint8Array, in0: Int32Array, in1: Int32Array, from: number, to: number): boolean {
    this.from = from;
    const flags = this.flags, outside = this.outside;
    flags.fill(0, 0, to - from);
    for (let k = from; k < to; k++) {
      const code = op[k]!;
      if (code === Op.CONST || code === Op.IMPORT) continue; // an import's in0 indexes the imported nodes
      for (let which = 0; which < 2; which++) {
        const x = which === 0 ? in0[k]! : in1[k]!;
        if (x >= from) {
          if (flags[x - from]! < 2) flags[x - from]!++;
        } else if (x >= 0) outside[x] = 1; // read from this segment: a root when its own is walked
      }
    }
    let any = false;
    for (let e = from; e < to; e++) {
      const code = op[e]!;
      const inner = flags[e - from] === 1 && code !== Op.CONST && code !== Op.IMPORT && outside[e] === 0;
      flags[e - from] = inner ? 1 : 0;
      any ||= inner;
    }
    return any;
  }

  /** Whether entry x is interior to a statement of the current segment. */
  interior(x: number): boolean {
    return x >= this.from && this.flags[x - this.from] === 1;
  }

  /** Whether entry k reads an interior entry, so roots a statement of more than itself. */
  readsInterior(op: Uint8Array, in0: Int32Array, in1: Int32Array, k: number): boolean {
    const code = op[k]!;
    if (code === Op.CONST || code === Op.IMPORT) return false;
    return this.interior(in0[k]!) || this.interior(in1[k]!);
  }

  /**
   * Whether root k's statement is preaccumulated; where not, k runs its rule on its adjoint and
   * the statement's interior entries become roots of their own (their flags cleared). Preaccumulating adds one product per leaf (G · ∂root/∂leaf) and saves every
   * chain-rule product with the seed 1 — the root's and those of the interior entries the root's
   * adjoint reaches unscaled (through sums, and a difference's first operand); it is taken where
   * it saves more than it adds (W6's step: four saved, three added). Where the count would only
   * stay level the rules run one entry at a time, with the numeric walk's bits (a statement of
   * many leaves under a scaling rule, tanh of a sum of products, stays as it was). Nor is a
   * statement with a quotient (a/b, log) taken: at the seed its rule forms 1/b, which overflows
   * for a subnormal b where g/b, eager's, need not.
   */
  choose(op: Uint8Array, in0: Int32Array, in1: Int32Array, k: number): boolean {
    const members = this.members, seed = this.seed, stamp = this.stamp;
    members[0] = k;
    seed[0] = 1;
    let count = 1, saved = 0, leaves = 0, quotient = false;
    const mark = k + 1; // the leaves met, stamped with this root
    for (let m = 0; m < count; m++) {
      const e = members[m]!, code = op[e]!, unscaled = seed[m] === 1;
      quotient ||= code === Op.DIV || code === Op.DIV_STRONG || code === Op.LOG;
      for (let which = 0; which < 2; which++) {
        const x = which === 0 ? in0[e]! : in1[e]!;
        if (x < 0 || op[x] === Op.CONST) continue;
        if (unscaled && CHAIN_EDGE[2 * code + which] === 1) saved++;
        if (this.interior(x)) {
          members[count] = x;
          seed[count++] = unscaled && (code === Op.ADD || (code === Op.SUB && which === 0)) ? 1 : 0;
        } else if (stamp[x] !== mark) {
          stamp[x] = mark;
          leaves++;
        }
      }
    }
    if (saved > leaves && !quotient) return true;
    // Every entry of the statement becomes a root of its own. (Clearing only the root's inputs
    // would let them root the rest as statements of their own; on a loop whose carried value is
    // read once a step, tanh(w·x + c), that rest is the whole loop, preaccumulated from one root:
    // no product saved a step, the gradient only rounded differently.)
    for (let m = 1; m < count; m++) this.flags[members[m]! - this.from] = 0;
    return false;
  }

  /** Notes that leaf x has a pending partial (owner[x] is set by the caller). */
  pend(x: number): void {
    this.pending.push(x);
  }

  /** Ends the segment: `flush(x)` for each leaf whose partial is still pending. */
  end(flush: (x: number) => void): void {
    for (const x of this.pending) if (this.owner[x]! >= 0) flush(x);
    this.pending.length = 0;
  }
}
