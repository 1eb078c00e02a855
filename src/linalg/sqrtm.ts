/** @file linalg.sqrtm: the principal square root of a real matrix (Higham's real Schur method), differentiable through a Sylvester equation. */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { AdjointError, InvalidArgumentError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { sqrtmKernel } from '../tensor/kernels/linalg/sylvester.js';
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { batchOf, checkFinite, matrixTranspose, noOptions, squareArg, whereInBatch } from './matrix.js';
import { sylvester } from './sylvester.js';
import { extraArguments } from '../core/extraArguments.js';

// X² = A, so X Ẋ + Ẋ X = Ȧ: Ẋ solves a Sylvester equation with both coefficients X (Higham,
// "Functions of Matrices", 2008, §6.1: L(A, E) of the square root solves X L + L X = E). Its
// transpose: Ā = L⁻ᵀ(Ḡ), the equation of Xᵀ and Xᵀ. Unique where X has no two eigenvalues summing to
// zero, which holds for the principal root of a matrix with no eigenvalue on the closed negative axis.
const sqrtmP: Primitive<null> = definePrimitive<null>({
  name: 'sqrtm',
  saves: 'output',
  forward: ([a]) => {
    const n = a!.shape[a!.ndim - 1]!;
    checkFinite('linalg.sqrtm', a!, n * n);
    const out = allocF64(a!.size);
    const status = sqrtmKernel(a!.values, batchOf(a!.shape).count, n, out);
    const where = () => whereInBatch(a!.shape, status.failed);
    if (status.reason === 'convergence') throw new AdjointError(`linalg.sqrtm: the Schur QR iteration did not converge for ${where()}; please report the matrix.`);
    if (status.reason === 'negative') {
      throw new InvalidArgumentError(
        `linalg.sqrtm: ${where()} has a negative real eigenvalue, so its principal square root is not real, and adjoint has no complex dtype ` +
          '(SciPy would return a complex matrix). Pass a matrix with no eigenvalue on the closed negative real axis, e.g. a symmetric positive-definite one.',
      );
    }
    if (status.reason === 'singular') {
      throw new InvalidArgumentError(
        `linalg.sqrtm: ${where()} is singular with a zero eigenvalue in a non-trivial Jordan block, so it has no square root ` +
          '(as [[0, 1], [0, 0]]). Pass a matrix with no eigenvalue on the closed negative real axis (add a small multiple of the identity).',
      );
    }
    return new Tensor(out, a!.shape);
  },
  vjp: (g, r) => {
    const xt = matrixTranspose(r.out!);
    return [sylvester(xt, xt, g)];
  },
  jvp: ([t], _a, x) => sylvester(x, x, t!),
  batch: leadingAxesRule(() => sqrtmP),
});

/**
 * The principal square root X of each square matrix, X·X = a with every eigenvalue of X in the
 * right half-plane (jax.scipy.linalg.sqrtm, scipy.linalg.sqrtm), for real matrices whose square
 * root is real: no eigenvalue on the negative real axis (an error otherwise: adjoint has no complex
 * dtype). Higham's real Schur method: a = Z T Zᵀ, the block upper triangular root of T by a
 * recurrence over its 1×1 and 2×2 blocks, then Z R Zᵀ. Batched over leading axes. Differentiable
 * to any order: X·Ẋ + Ẋ·X = ȧ (linalg.solveSylvester's equation), which needs a non-singular a
 * (at a zero eigenvalue the derivative is ±∞/NaN, as sqrt's at 0).
 * @example ad.linalg.sqrtm(ad.tensor([[4, 0], [0, 9]])) // [[2, 0], [0, 3]]
 */
export function sqrtm(a: TensorLike): Tensor;
export function sqrtm(a: TensorLike, ...extra: unknown[]): Tensor {
  noOptions('linalg.sqrtm', extra, 'sqrtm(a) computes the whole root (no blocksize or disp option)');
  if (extra.length > 0) extraArguments('linalg.sqrtm', 'linalg.sqrtm(a)', extra, a);
  return apply(sqrtmP, [squareArg('linalg.sqrtm', a)], null);
}
