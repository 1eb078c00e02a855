/**
 * @file Checks of argument values (an index in range, p in [0, 1], a non-negative scale) that hold
 * wherever the values are the argument's: eagerly, under grad (the values below the derivative),
 * and under jit as guards every replay runs again.
 */
import { stopGradient } from './select.js';
import { isTraced } from '../tensor/checks.js';
import { valueReads } from '../jit/valueReads.js';
import { opaqueTrace, type Tensor } from '../tensor/tensor.js';

/**
 * Runs `check` (which throws on bad values) on t's values where they can be read (eagerly, under
 * grad); while jit records, as a guard every replay runs again on its own values (RecordTrace.guard),
 * so jit(f)(x) throws where f(x) does — a check left out while jit recorded let replays return
 * ldexp(1, 0.5) = √2, gcd(1.5, 6) = 1.5 or unravelIndex(7, [2, 3]) without an error, and a check
 * that read the value kept a sampler's program from being recorded. Left out under
 * vmap (each example's values are not the argument's, as JAX) and in an ONNX export, whose graph
 * holds no check (a read there would stop the export). @internal
 */
export function checkArgumentValues(t: Tensor, check: (values: Float64Array) => void): void {
  const values = readableValues(t);
  if (values !== null) return check(values);
  if (valueReads.guard !== null) valueReads.guard(stopGradient(t), check);
}

/**
 * t's values where they are t's own and may be read now — eagerly, and under grad — else null: while vmap
 * batches t (each example's values are not the argument's) or jit (or an ONNX export) records. @internal
 */
export function readableValues(t: Tensor): Float64Array | null {
  const s = stopGradient(t);
  if (!isTraced(s) || (opaqueTrace(s) === null && valueReads.watcher === null)) return s.values;
  return null;
}
