/** @file linalg.cholesky: A = L Lᵀ with L lower, for symmetric positive-definite A. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError } from '../core/errors.js';
import { allocF64, uninitializedF64 } from '../tensor/alloc.js';
import { choleskyKernel } from '../tensor/kernels/linalg/cholesky.js';
import { choleskyAdjointKernel } from '../tensor/kernels/linalg/choleskyAdjoint.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { mul } from '../ops/binary.js';
import { mm } from '../ops/linalg.js';
import { batchOf, checkFinite, checkSymmetric, matrixTranspose, noMoreArguments, noOptions, optionsArg, squareArg, symmetricPart, triangleMask, whereInBatch } from './matrix.js';
import { solveTriangular } from './triangular.js';

/** Φ(X): the lower triangle of X with its diagonal halved (Murray 2016, eq. 9). */
function phi(x: Tensor): Tensor {
  return mul(x, triangleMask(x.shape[x.ndim - 1]!, true, 0.5));
}

const LOWER = { lower: true, transposeA: false, unitDiagonal: false, left: true } as const;

// The function is L = chol(sym(A)), sym(A) = ½(A + Aᵀ), so derivatives are those of a function of
// the symmetric part (as jax.numpy.linalg.cholesky). Murray 2016, "Differentiation of the Cholesky
// decomposition", eqs. 8–10:
//   L̇ = L Φ(L⁻¹ sym(Ȧ) L⁻ᵀ),
// and, its transpose (Φ is a mask, so self-adjoint),
//   Ā = sym(L⁻ᵀ Φ(Lᵀ L̄) L⁻¹).
// Both are two triangular solves and a product, O(n³), written in adjoint's ops.
const choleskyP: Primitive<null> = definePrimitive<null>({
  name: 'cholesky',
  saves: 'output',
  forward: ([a]) => {
    const n = a!.shape[a!.ndim - 1]!;
    const { count } = batchOf(a!.shape);
    checkSymmetric('linalg.cholesky', a!, count, n);
    const out = uninitializedF64(a!.size); // every entry written (L and the zeros above it), or the call throws
    const { failed, row } = choleskyKernel(a!.values, count, n, out);
    if (failed >= 0) {
      // A NaN pivot also fails the test; say that the entries are not finite, not that a is indefinite.
      checkFinite('linalg.cholesky', a!, n * n);
      throw new InvalidArgumentError(
        `linalg.cholesky: ${whereInBatch(a!.shape, failed)} is not positive definite (its leading ${row + 1}×${row + 1} minor is not positive). ` +
          'Pass a symmetric positive-definite matrix: a covariance with too little noise can be fixed by adding jitter, ad.add(a, ad.mul(1e-6, ad.eye(n))).',
      );
    }
    return new Tensor(out, a!.shape);
  },
  vjp: (g, r) => {
    const l = r.out!;
    const p = phi(mm(l, g, true, false));
    const left = solveTriangular(l, p, { ...LOWER, transposeA: true }); //  L⁻ᵀ P
    return [symmetricPart(solveTriangular(l, left, { ...LOWER, left: false }))]; // (L⁻ᵀ P) L⁻¹
  },
  // At first order, the same Ā by Murray's blocked reverse algorithm (kernels/linalg/choleskyAdjoint.ts):
  // 2n³/3 flops in matrix products, where the rule above spends about 4n³ (a full product and two
  // triangular solves with n right-hand sides) plus its temporaries. Equal to the rule up to
  // rounding, not bit for bit (a different order of the same sums).
  fusedVjp: (g, r) => {
    const l = r.out!, n = l.shape[l.ndim - 1]!;
    return [new Tensor(choleskyAdjointKernel(l.values, g.values, batchOf(l.shape).count, n, allocF64(l.size)), l.shape)];
  },
  jvp: ([t], _a, l) => {
    const left = solveTriangular(l, symmetricPart(t!), LOWER); // L⁻¹ Ȧ
    const both = solveTriangular(l, left, { ...LOWER, transposeA: true, left: false }); // (L⁻¹ Ȧ) L⁻ᵀ
    return mm(l, phi(both), false, false);
  },
  batch: leadingAxesRule(() => choleskyP),
});

/** Options of `cholesky`. */
export interface CholeskyOptions {
  /** The upper factor U = Lᵀ (a = Uᵀ U), as torch.linalg.cholesky's and jax.numpy.linalg.cholesky's upper=True. Default false. */
  upper?: boolean;
}

/**
 * The lower Cholesky factor L of a symmetric positive-definite matrix (a = L Lᵀ), batched over
 * leading axes; with `{ upper: true }` the upper factor U = Lᵀ (a = Uᵀ U). a must be symmetric
 * (up to rounding); derivatives are those of the function of its symmetric part. A matrix that is
 * not positive definite is an error naming its batch index.
 * @example ad.linalg.cholesky(ad.tensor([[4, 2], [2, 3]])) // [[2, 0], [1, 1.4142135623730951]]
 */
export function cholesky(a: TensorLike, options?: CholeskyOptions): Tensor;
export function cholesky(a: TensorLike, ...extra: unknown[]): Tensor {
  const options = optionsArg('linalg.cholesky', extra, ['upper'], 'the only option is upper (true for the upper factor)');
  if (options === null) noOptions('linalg.cholesky', extra, 'pass cholesky(a, { upper: true }) for the upper factor');
  noMoreArguments('linalg.cholesky', 'linalg.cholesky(a, options?)', extra, options !== null, a);
  const upper = options?.upper ?? false;
  if (typeof upper !== 'boolean') throw new InvalidArgumentError(`linalg.cholesky: upper must be true or false, got ${String(upper)}.`);
  const l = apply(choleskyP, [squareArg('linalg.cholesky', a)], null);
  return upper ? matrixTranspose(l) : l;
}
