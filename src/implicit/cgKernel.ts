/** @file Preconditioned conjugate gradient on flat vectors (Hestenes & Stiefel 1952), reporting negative curvature. */
import { axpy, dot, norm } from './space.js';
import { firstProduct, initialResidual, threshold, type FlatOperator, type KernelOptions, type KernelResult } from './krylov.js';

/**
 * Solves A x = b for symmetric positive definite A. If a search direction has pᵀAp ≤ 0 the matrix
 * is not positive definite: the iteration stops there with `negativeCurvature: true` and the last
 * iterate (status, not an exception; use minres for symmetric indefinite systems).
 */
export function cgKernel(A: FlatOperator, b: Float64Array, o: KernelOptions): KernelResult {
  const { x, r } = initialResidual(A, b, o.x0);
  const stop = threshold(b, o);
  const M = o.preconditioner;
  let z = M ? M(r) : r.slice();
  const p = z.slice();
  let rz = dot(r, z);
  let rnorm = norm(r);
  let iterations = 0;
  let negativeCurvature = false;
  while (rnorm > stop && iterations < o.maxIter) {
    const Ap = iterations === 0 ? firstProduct(A, p, 1, o) : A(p);
    iterations++;
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) {
      // Curvature ≤ 0 along p (or NaN): the quadratic is unbounded below along p; stop.
      negativeCurvature = pAp <= 0;
      break;
    }
    const alpha = rz / pAp;
    axpy(alpha, p, x);
    axpy(-alpha, Ap, r);
    rnorm = norm(r);
    if (rnorm <= stop) break;
    z = M ? M(r) : r;
    const rzNext = dot(r, z);
    const beta = rzNext / rz;
    rz = rzNext;
    for (let i = 0; i < p.length; i++) p[i] = z[i]! + beta * p[i]!;
  }
  return { x, iterations, residualNorm: rnorm, converged: rnorm <= stop, negativeCurvature };
}
