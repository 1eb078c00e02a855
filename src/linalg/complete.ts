/**
 * @file The complete factors: linalg.qr's mode 'complete' and linalg.svd's fullMatrices for a
 * matrix that is not square. Their extra columns are an orthonormal basis of a complement, which
 * any rotation of leaves valid: they have no derivative, and torch and JAX raise for one too.
 * Here the values are computed (per example under vmap) and a derivative throws, naming the fix.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { topTrace } from '../core/trace.js';
import { BatchTrace } from '../transforms/vmap.js';
import { completeQKernel } from '../tensor/kernels/linalg/qr.js';
import { Tensor } from '../tensor/tensor.js';
import { customJvp } from '../transforms/customJvp.js';
import { batchOf } from './matrix.js';

/** `value(a)` as a function of `a` whose derivative throws `op: why`. */
export function valueOnly(op: string, why: string, value: (a: Tensor) => Tensor): (a: Tensor) => Tensor {
  return customJvp(
    (a: Tensor) => wholeBatch(a, value),
    () => {
      throw new InvalidArgumentError(`${op}: ${why}`);
    },
  );
}

/**
 * `value(a)` on plain values. Under vmap the box is unboxed and `value` runs on the whole batch at
 * once (it takes leading batch axes: each matrix is completed alone), boxed again; nested vmaps
 * recursively. (Per example, through random's eachExample, a batch of 0 examples was an error
 * about samplers, though the shapes are known.)
 */
function wholeBatch(a: Tensor, value: (a: Tensor) => Tensor): Tensor {
  const x = [a];
  const top = topTrace(x); // x[0] as it reads (a paused or finished level's box replaced)
  return top instanceof BatchTrace ? top.box(wholeBatch(x[0]!.below!, value)) : value(x[0]!);
}

/** The complete Q [..., m, m] of a [..., m, n] (m ≥ n): `completeQKernel`'s, LAPACK's columns. */
export function completeQ(a: Tensor): Tensor {
  const m = a.shape[a.ndim - 2]!, n = a.shape[a.ndim - 1]!;
  const { batch, count } = batchOf(a.shape);
  const q = new Float64Array(count * m * m);
  completeQKernel(a.values.slice(), count, m, n, q);
  return new Tensor(q, [...batch, m, m]);
}

/**
 * q [..., m, k] (orthonormal columns, m ≥ k) completed to an orthogonal [..., m, m]: its first k
 * columns q's own values, the other m − k those of the complete Q of q (orthogonal to q's span).
 */
export function completeColumns(q: Tensor): Tensor {
  const m = q.shape[q.ndim - 2]!, k = q.shape[q.ndim - 1]!;
  const full = completeQ(q), out = full.values.slice(), from = q.values.slice();
  for (let b = 0; b < batchOf(q.shape).count; b++) {
    for (let i = 0; i < m; i++) for (let j = 0; j < k; j++) out[b * m * m + i * m + j] = from[b * m * k + i * k + j]!;
  }
  return new Tensor(out, [...full.shape]);
}
