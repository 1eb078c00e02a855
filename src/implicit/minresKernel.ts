/** @file MINRES for symmetric, possibly indefinite, systems on flat vectors (Paige & Saunders 1975). */
import { dot, norm } from './space.js';
import { firstProduct, initialResidual, type FlatOperator, type KernelOptions, type KernelResult } from './krylov.js';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * Solves A x = b for symmetric A, definite or not, minimising ‖b − A x‖ over the growing Krylov
 * space (the Lanczos process plus Givens rotations, as in Paige & Saunders' SYMMLQ/MINRES paper
 * and SciPy's `minres`). With a preconditioner M ≈ A⁻¹ (which must be positive definite) the
 * residual is measured in the M-norm. On a singular, inconsistent system the residual stalls at
 * its least-squares minimum and `converged` stays false.
 */
export function minresKernel(A: FlatOperator, b: Float64Array, o: KernelOptions): KernelResult {
  const n = b.length;
  const M = o.preconditioner;
  const { x, r } = initialResidual(A, b, o.x0);
  let r1 = r;
  let y = M ? M(r1) : r1.slice();
  const beta1Squared = dot(r1, y);
  if (beta1Squared < 0) {
    throw new InvalidArgumentError('minres: the preconditioner is not positive definite (rᵀ M r < 0); minres needs an SPD preconditioner.');
  }
  const beta1 = Math.sqrt(beta1Squared);
  // The target is relative to ‖b‖ in the same norm the iteration tracks.
  const bNorm = M ? Math.sqrt(Math.max(0, dot(b, M(b)))) : norm(b);
  const stop = Math.max(o.tol * bNorm, o.atol);
  if (beta1 <= stop) return { x, iterations: 0, residualNorm: beta1, converged: true, negativeCurvature: false };

  let oldb = 0;
  let beta = beta1;
  let dbar = 0;
  let epsln = 0;
  let phibar = beta1;
  let cs = -1;
  let sn = 0;
  let w = new Float64Array(n);
  let w2 = new Float64Array(n);
  let r2 = r1;
  let tnorm2 = 0; // ‖T_k‖_F², an estimate of ‖A‖²
  let iterations = 0;
  while (iterations < o.maxIter) {
    iterations++;
    // Lanczos: v_k = y / β_k, then A v_k orthogonalised against the previous two vectors.
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = y[i]! / beta; // not s·y with s = 1/β: +∞ for a subnormal β
    y = iterations === 1 ? firstProduct(A, v, beta, o) : A(v);
    if (iterations >= 2) {
      const c = beta / oldb;
      for (let i = 0; i < n; i++) y[i]! -= c * r1[i]!;
    }
    const alfa = dot(v, y);
    const c2 = alfa / beta;
    for (let i = 0; i < n; i++) y[i]! -= c2 * r2[i]!;
    r1 = r2;
    r2 = y;
    y = M ? M(r2) : r2;
    oldb = beta;
    const betaSquared = dot(r2, y);
    if (betaSquared < 0) {
      throw new InvalidArgumentError('minres: the operator or the preconditioner is not symmetric (a Lanczos norm came out negative).');
    }
    beta = Math.sqrt(betaSquared);

    // Apply the previous rotation, then make the next one, which zeroes β_{k+1}.
    const oldeps = epsln;
    const delta = cs * dbar + sn * alfa;
    const gbar = sn * dbar - cs * alfa;
    epsln = sn * beta;
    dbar = -cs * beta;
    tnorm2 += alfa * alfa + oldb * oldb + beta * beta;
    const gammaRaw = Math.hypot(gbar, beta);
    if (gammaRaw <= 1e-14 * Math.sqrt(tnorm2)) {
      // A singular system met its null space: no further direction reduces the residual, and the
      // rotation would divide by ~0. Keep the least-squares iterate.
      const residualNorm = Math.abs(phibar);
      return { x, iterations, residualNorm, converged: residualNorm <= stop, negativeCurvature: false };
    }
    const gamma = gammaRaw;
    cs = gbar / gamma;
    sn = beta / gamma;
    const phi = cs * phibar;
    phibar = sn * phibar;

    // x ← x + φ w with w = (v − ε_old w1 − δ w2)/γ.
    const w1 = w2;
    w2 = w;
    w = new Float64Array(n);
    const denom = 1 / gamma;
    for (let i = 0; i < n; i++) {
      w[i] = (v[i]! - oldeps * w1[i]! - delta * w2[i]!) * denom;
      x[i]! += phi * w[i]!;
    }
    const residualNorm = Math.abs(phibar);
    if (residualNorm <= stop) return { x, iterations, residualNorm, converged: true, negativeCurvature: false };
    // β = 0: the Krylov space is invariant, so x is the minimiser of the residual over all of it.
    if (beta === 0) return { x, iterations, residualNorm, converged: false, negativeCurvature: false };
  }
  return { x, iterations, residualNorm: Math.abs(phibar), converged: false, negativeCurvature: false };
}
