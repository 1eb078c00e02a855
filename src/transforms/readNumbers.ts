/**
 * @file The checks that a differentiated function did not return a number it read out of a traced
 * tensor (`loss.item()`), nor compute its whole result with JavaScript arithmetic on traced tensors
 * (`x * 2`, `Math.sin(x)`: a tensor in a numeric context gives its value): differentiation takes a
 * number as a constant, so its derivative would be zero in silence. JavaScript has no operator
 * overloading, and `x > 0` (a branch, legitimate) reaches the tensor exactly as `x * 2` does, so the
 * second check judges the result: nothing of it depends on the inputs, and it is not all zero.
 * Used by grad, vjp (and so jacrev, jacobian, hessian) and jvp (jacfwd, hvp).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { valueReads } from '../jit/valueReads.js';
import { Tensor } from '../tensor/tensor.js';
import type { Trace } from '../core/trace.js';

/**
 * Runs `run()` noting the one-element values it reads from traced tensors (item(), toArray(), x > 0,
 * …) other than the differentiated `inputs` themselves: a number returned from among them is almost
 * surely `loss.item()`, a constant to differentiation (see notRead). A read of an input is left out:
 * `x.item() >= 1 ? 1 : x` at x = 1 returns a literal equal to it (a clip written as control flow).
 */
export function readsDuring<T>(inputs: readonly Tensor[], run: () => T): { result: T; reads: RecentReads } {
  const outer = valueReads.scalars;
  const noted = (valueReads.scalars = new RecentReads(inputs));
  try {
    return { result: run(), reads: noted };
  } finally {
    valueReads.scalars = outer;
    // An inner grad's function that met a numeric context ran inside the outer one's too.
    if (noted.sawNumericContext) outer?.numericContext();
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
  constructor(private readonly inputs: readonly Tensor[]) {}

  /** Whether `t` is one of the differentiated inputs (whose reads are left out). */
  isInput(t: Tensor): boolean {
    if (this.inputs.length <= 8) return this.inputs.includes(t);
    return (this.set ??= new Set(this.inputs)).has(t);
  }

  numericContext(): void {
    this.sawNumericContext = true;
  }

  /** The trace the differentiated inputs belong to (null when there are none). */
  get trace(): Trace | null {
    return this.inputs[0]?.trace ?? null;
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
export function notRead(out: unknown, reads: RecentReads, op: string): unknown {
  if (typeof out === 'number' && out !== 0 && reads.has(out)) {
    throw new InvalidArgumentError(
      `${op}: the function returned the number ${out}, read from a tensor that depends on its inputs (item(), toArray() or a ` +
        `numeric context such as x * 2); a number is a constant to ${op}, so its gradient would be zero. Return the tensor ` +
        `itself (ad.sum(x), not ad.sum(x).item()).`,
    );
  }
  if (reads.sawNumericContext && lostInNumbers(out, reads.trace)) {
    throw new InvalidArgumentError(
      `${op}: the function used a traced tensor as a JavaScript number (x * 2, Math.sin(x), x > 0, toArray(), data: its ` +
        `values leave as numbers) and returned a result that does not depend on its inputs, so its derivative would be zero ` +
        `in silence. JavaScript arithmetic on a tensor leaves the trace: compute with adjoint ops (ad.mul(x, 2), ad.sin(x)). ` +
        `If a constant result is meant (a flat branch such as x > 1 ? 1 : x), compare with an explicit read, x.item() > 1.`,
    );
  }
  return out;
}

/**
 * Whether `out` holds no tensor of `trace` (nor of a trace above it) and some nonzero value: every
 * derivative of it is zero. All-zero results are let through, as the literal 0 is above: the flat
 * branch of a ReLU or a hinge (x > 0 ? x : 0) at its boundary.
 */
function lostInNumbers(out: unknown, trace: Trace | null): boolean {
  if (trace === null) return false;
  let nonzero = false;
  const visit = (node: unknown, depth: number): boolean => {
    if (depth > 64) return true; // a cycle or a pathological tree: flatten reports it
    if (node instanceof Tensor) {
      for (let x: Tensor | null = node; x !== null; x = x.below) if (x.trace === trace) return true;
      if (node.trace === null && !nonzero) nonzero = node.values.some((v) => v !== 0);
      return node.trace !== null; // another trace's tensor: not this check's to judge
    }
    if (typeof node === 'number') {
      if (node !== 0) nonzero = true;
      return false;
    }
    if (Array.isArray(node)) return node.some((c) => visit(c, depth + 1));
    if (node !== null && typeof node === 'object') return Object.values(node).some((c) => visit(c, depth + 1));
    return false;
  };
  return !visit(out, 0) && nonzero;
}
