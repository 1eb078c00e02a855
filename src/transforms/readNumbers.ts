/**
 * @file The checks that a differentiated function did not return a number it read out of a traced
 * tensor (`loss.item()`), nor compute its whole result with JavaScript arithmetic on traced tensors
 * (`x * 2`, `Math.sin(x)`: a tensor in a numeric context gives its value): differentiation takes a
 * number as a constant, so its derivative would be zero in silence. JavaScript has no operator
 * overloading, and `x > 0` (a branch, legitimate) reaches the tensor exactly as `x * 2` does, so the
 * second check judges the result: nothing of it depends on the inputs through the trace, and it
 * changes when the inputs move a little (a constant branch does not).
 * Used by grad, vjp (and so jacrev, jacobian, hessian, linearize), jvp (jacfwd, hvp, root), argmin
 * and checkpoint's recomputed body.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { valueReads } from '../jit/valueReads.js';
import { Tensor } from '../tensor/tensor.js';
import type { Trace } from '../core/trace.js';
import { nodeParts, registeredNode } from '../core/pytreeNodes.js';

/**
 * Runs `run()` noting the one-element values it reads from traced tensors (item(), toArray(), x > 0,
 * …) other than the differentiated `inputs` themselves: a number returned from among them is almost
 * surely `loss.item()`, a constant to differentiation (see notRead). A read of an input is left out:
 * `x.item() >= 1 ? 1 : x` at x = 1 returns a literal equal to it (a clip written as control flow).
 */
export function readsDuring<T>(inputs: readonly Tensor[], run: () => T): { result: T; reads: RecentReads } {
  const outer = valueReads.scalars as RecentReads | null;
  const noted = (valueReads.scalars = new RecentReads(inputs, outer));
  try {
    return { result: run(), reads: noted };
  } finally {
    valueReads.scalars = outer;
  }
}

/** How many of the latest reads are kept: `loss.item()` is read just before it is returned. */
const RECENT = 64;

/**
 * The latest RECENT one-element values read, in a ring: constant memory and time per read, where
 * a loop reading a value every step (`while (y.item() >= 1)`) would otherwise keep every one.
 */
class RecentReads {
  private readonly ring = new Float64Array(RECENT);
  private count = 0;
  /** Whether a traced tensor's values left as numbers (`x * 2`, `Math.sin(x)`, `x > 0`, toArray(), data) while f ran. */
  sawNumericContext = false;
  /** The inputs as a set, made at the first read that needs it (200 leaves: ~10 µs a call that reads nothing would pay). */
  private set: ReadonlySet<Tensor> | null = null;
  /** The trace the differentiated inputs belong to (null when there are none). */
  readonly trace: Trace | null;
  constructor(private readonly inputs: readonly Tensor[], private readonly outer: RecentReads | null) {
    this.trace = inputs[0]?.trace ?? null;
  }

  /** Whether `t` is one of the differentiated inputs (whose reads are left out). */
  isInput(t: Tensor): boolean {
    if (this.inputs.length <= 8) return this.inputs.includes(t);
    return (this.set ??= new Set(this.inputs)).has(t);
  }

  /**
   * `t`'s values left as numbers: noted by the innermost running transformation whose inputs `t`
   * depends on (its trace is on t's chain of boxes). Only that one: in grad(grad(abs)) the read of
   * x > 0 belongs to the inner function, whose result depends on x; the outer one's result, the
   * inner gradient ±1, is constant by nature. A tensor of no running differentiation (a constant, a
   * value traced only by jit) is noted by none.
   */
  numericContext(t: Tensor): void {
    for (let scope: RecentReads | null = this; scope !== null; scope = scope.outer) {
      if (scope.trace !== null && onChain(t, scope.trace)) {
        scope.sawNumericContext = true;
        return;
      }
    }
  }

  note(value: number): void {
    this.ring[this.count++ % RECENT] = value;
  }

  /** Whether `value` is among them (NaN matching NaN, as a Set's). */
  has(value: number): boolean {
    for (let i = 0, n = Math.min(this.count, RECENT); i < n; i++) {
      const v = this.ring[i]!;
      if (v === value || (v !== v && value !== value)) return true;
    }
    return false;
  }
}

/**
 * `out`, unless it is a number f read out of a traced tensor: grad would take it as a constant and
 * give a zero gradient in silence (PyTorch's `loss.item()` habit; JAX raises at the read itself).
 * A returned 0 is let through: a value equal to a read one may be a literal, and 0 is the literal of
 * a constant branch at its boundary — x.item() > 0 ? ad.square(x) : 0 (a ReLU, a hinge, a mask)
 * evaluated at x = 0 reads the 0 it then returns, a legitimate program whose gradient is 0.
 */
export function notRead(out: unknown, reads: RecentReads, op: string, rerun: Rerun | null = null): unknown {
  if (typeof out === 'number' && out !== 0 && reads.has(out)) {
    throw new InvalidArgumentError(
      `${op}: the function returned the number ${out}, read from a tensor that depends on its inputs (item(), toArray() or a ` +
        `numeric context such as x * 2); a number is a constant to ${op}, so its gradient would be zero. Return the tensor ` +
        `itself (ad.sum(x), not ad.sum(x).item()).`,
    );
  }
  if (reads.sawNumericContext && reads.trace !== null) {
    const leaves = leavesOf(out);
    const lost = leaves === null ? [] : suspects(leaves);
    if (lost.length > 0 && !constantNearby(leaves!, lost, rerun)) {
      throw new InvalidArgumentError(
        `${op}: the function used a traced tensor as a JavaScript number (x * 2, Math.sin(x), x > 0, toArray(), data: its ` +
          `values leave as numbers) and returned a result (or a number within it) that does not depend on its inputs through ` +
          `the trace, yet changes with them (run again at inputs moved by 2^-24 either way), so its derivative would be zero ` +
          `in silence. JavaScript arithmetic on a tensor leaves the trace: compute with adjoint ops (ad.mul(x, 2), ad.sin(x)). ` +
          `A value read with x.item() is taken as a constant by intent.`,
      );
    }
  }
  return out;
}

/** A result's leaves in order (tensors and numbers), or null past a depth of 64 (a cycle: flatten reports it). */
function leavesOf(out: unknown): Array<Tensor | number> | null {
  const leaves: Array<Tensor | number> = [];
  const visit = (node: unknown, depth: number): boolean => {
    if (depth > 64) return false;
    if (node instanceof Tensor || typeof node === 'number') {
      leaves.push(node);
      return true;
    }
    if (Array.isArray(node)) return node.every((c) => visit(c, depth + 1));
    const reg = registeredNode(node); // a registered node: its children (its auxiliary data is no output)
    if (reg !== undefined) return nodeParts(reg, node as object, 'pytree').children.every((c) => visit(c, depth + 1));
    if (node !== null && typeof node === 'object') return Object.values(node).every((c) => visit(c, depth + 1));
    return true;
  };
  return visit(out, 0) ? leaves : null;
}

/**
 * The positions of the leaves whose derivative would be lost: all of them when no leaf is traced
 * (grad(Math.sin), ad.exp(x * 2)); beside traced leaves, the bare numbers among them ([x, x * 2]).
 * A tensor of another trace (an outer level's) counts as traced: not this check's to judge. A zero
 * result is judged too (Math.sin(x) at 0): a ReLU's flat branch (x > 0 ? x : 0) is told apart by
 * constantNearby, as any constant branch.
 */
function suspects(leaves: ReadonlyArray<Tensor | number>): number[] {
  const traced = leaves.some((l) => l instanceof Tensor && l.trace !== null);
  const out: number[] = [];
  leaves.forEach((l, i) => {
    if (!traced || typeof l === 'number') out.push(i);
  });
  return out;
}

/** Whether `t` is boxed at `trace`, or lies over a value that is (its chain of boxes, down). */
function onChain(t: Tensor, trace: Trace): boolean {
  for (let x: Tensor | null = t; x !== null; x = x.below) if (x.trace === trace) return true;
  return false;
}

/**
 * `f` run again, untraced, at its inputs moved by a relative 2⁻²⁴ up (sign 1) or down (−1): its
 * result without any aux. See constantNearby.
 */
export type Rerun = (sign: 1 | -1) => unknown;

/** `leaves` moved by sign·2⁻²⁴·max(|v|, 1) each, as plain tensors: Rerun's inputs. */
export function nudged(leaves: readonly Tensor[], sign: 1 | -1): Tensor[] {
  return leaves.map((l) => {
    const v = l.values;
    const out = new Float64Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v[i]! + sign * NUDGE * Math.max(Math.abs(v[i]!), 1);
    return new Tensor(out, l.shape);
  });
}

const NUDGE = 2 ** -24;

/**
 * Whether the suspect leaves stay the same, to the bit, when the inputs move a little one way or the
 * other: then they are a constant branch (x > 0 ? 1 : -1, Math.round(x), a clip at its bound), whose
 * derivative zero is right; arithmetic in JavaScript (x * 2, Math.sin(x)) moves with the inputs both
 * ways. Two reruns cost two evaluations of f, only where a leaf was found disconnected after a
 * numeric read; an input sitting on a branch's boundary moves it one way only. A rerun that throws,
 * gives another structure, or cannot be run counts as not constant (the error stands).
 */
function constantNearby(leaves: ReadonlyArray<Tensor | number>, suspect: readonly number[], rerun: Rerun | null): boolean {
  if (rerun === null) return false;
  for (const sign of [1, -1] as const) {
    try {
      const moved = leavesOf(rerun(sign));
      if (moved !== null && moved.length === leaves.length && suspect.every((i) => sameValues(leaves[i]!, moved[i]!))) return true;
    } catch {
      return false;
    }
  }
  return false;
}

/** Whether two leaves hold the same values, bit for bit (NaN matching NaN); a batched box's cannot be read (throws). */
function sameValues(a: Tensor | number, b: Tensor | number): boolean {
  const u = typeof a === 'number' ? [a] : a.values, v = typeof b === 'number' ? [b] : b.values;
  if (u.length !== v.length) return false;
  for (let i = 0; i < u.length; i++) if (!(u[i] === v[i] || (u[i] !== u[i] && v[i] !== v[i]))) return false;
  return true;
}
