/**
 * @file A value kept only until the synchronous run that set it ends.
 *
 * Some kernels and ops hand work from one call to the next within a computation — the sum `add`
 * just made, for `logsumexp` (ops/outerSum.ts); the row a product staged in WebAssembly memory,
 * for its gradient (kernels/wasm/vmath.ts). A slot holds that value, and a microtask clears it
 * when the run ends, so nothing it refers to outlives the user's code for the garbage collector.
 */
export class RunSlot<T> {
  private held: T | null = null;
  private clearing = false;

  /** The value set in this run, or null. */
  get value(): T | null {
    return this.held;
  }

  /** Sets the value (null clears it); it is cleared when the current synchronous run ends. */
  set value(v: T | null) {
    this.held = v;
    if (v !== null && !this.clearing) {
      this.clearing = true;
      queueMicrotask(() => {
        this.held = null;
        this.clearing = false;
      });
    }
  }
}
