/**
 * @file The hook through which reading a tensor's values reaches a running `jit` recording.
 *
 * A recorded program is replayed without running the user's JavaScript, so it is valid only if
 * nothing the function did depended on the values of its inputs except through primitive calls.
 * The one way values reach JavaScript is reading them (`item()`, `data`, `toArray()`, a tensor in a
 * numeric context such as `x > 0`, …); while a recording runs, each such read of a value that
 * depends on its inputs is reported here, and the recording is not kept (see jit/jit.ts). Kept apart from tensor.ts so the Tensor class
 * does not import the tracing machinery.
 */
import type { Tensor } from '../tensor/tensor.js';

/**
 * `watcher`: the running recording's read handler, or null (the common case: one load and
 * compare). `result`: anomaly mode's check of values that reach user code (item(), toArray(), a
 * numeric context), or null. @internal
 */
export const valueReads: {
  watcher: ((t: Tensor, how: string) => void) | null;
  result: ((t: Tensor, how: string) => void) | null;
  /**
   * The running recording's guard: records `check` (which throws on values that fail it) as a call
   * on `t` that every replay runs again, and returns true; false where it cannot (an ONNX export's
   * recording, whose graph holds no check: the check is left out). See ops/argumentChecks.ts.
   */
  guard: ((t: Tensor, check: (values: Float64Array) => void) => boolean) | null;
  /**
   * `grad`'s and `vjp`'s note of the one-element values read from traced tensors other than the
   * function's inputs while it runs (a number returned from among them is a gradient silently
   * lost: see transforms/readNumbers.ts), and whether any traced tensor met a numeric context
   * (`x * 2`, `Math.sin(x)`), or null.
   */
  scalars: { note(value: number): void; isInput(t: Tensor): boolean; numericContext(t: Tensor): void } | null;
} = { watcher: null, result: null, guard: null, scalars: null };

/**
 * Reports library code's own read of `t`'s value to a running recording before the read itself,
 * naming what reads it (`cond's predicate`, `whileLoop's condition`), so the reason a function
 * runs as is under jit names the op rather than an item() inside the library. @internal
 */
export function noteLibraryRead(t: Tensor, what: string): void {
  if (t.trace !== null && valueReads.watcher !== null) valueReads.watcher(t, what);
}
