// Correctness check: adjoint's value and gradients against the plain hand-written ones, to a relative tolerance.

export const TOLERANCE = 1e-8;

/** A number, Float64Array or array of them, as one flat list of numbers. */
function flat(x) {
  if (typeof x === 'number') return [x];
  // An adjoint tensor: workloads return gradients as tensors, read here, outside the timed call
  // (as PyTorch's side returns tensors and converts them only for this check).
  if (x !== null && typeof x === 'object' && typeof x.toFloat64Array === 'function') return Array.from(x.toFloat64Array());
  if (ArrayBuffer.isView(x)) return Array.from(x);
  if (Array.isArray(x)) return x.flatMap(flat);
  throw new Error(`check: cannot compare ${Object.prototype.toString.call(x)}`);
}

/**
 * Normwise relative error max|got − ref| / max|ref| (max|got − ref| when ref is all zeros);
 * Infinity on a length mismatch or NaN.
 */
export function relError(got, ref) {
  const g = flat(got), r = flat(ref);
  if (g.length !== r.length) return Infinity;
  let diff = 0, scale = 0;
  for (let i = 0; i < r.length; i++) {
    const e = Math.abs(g[i] - r[i]);
    if (!(e <= diff)) diff = Number.isNaN(e) ? Infinity : e;
    scale = Math.max(scale, Math.abs(r[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

/**
 * Compares named quantities ({ name: [got, ref] }) and returns the worst relative error with
 * the names of those above `tol`.
 */
export function compare(pairs, tol = TOLERANCE) {
  let worst = 0;
  const failures = [];
  for (const [name, [got, ref]] of Object.entries(pairs)) {
    const err = relError(got, ref);
    worst = Math.max(worst, err);
    if (!(err <= tol)) failures.push(`${name} (rel err ${err.toExponential(1)})`);
  }
  return { worst, failures };
}
