/** @file What the Krylov kernels (cg, minres, gmres) share: flat operators, options, results and the stopping rule. */
import { dot, norm } from './space.js';

/** A linear operator on flat vectors. It must not keep or modify its argument. */
export type FlatOperator = (v: Float64Array) => Float64Array;

export interface KernelOptions {
  /** Stop when ‖r‖ ≤ max(tol·‖b‖, atol). */
  tol: number;
  atol: number;
  maxIter: number;
  /** Starting point (copied); zero when absent. */
  x0: Float64Array | null;
  /** An approximation of A⁻¹, symmetric positive definite for cg and minres. */
  preconditioner: FlatOperator | null;
  /** A·b when the caller already computed it (used for the first product when x0 is zero and there is no preconditioner). */
  Ab: Float64Array | null;
}

export interface KernelResult {
  x: Float64Array;
  /** Products with A (not counting the one that forms the initial residual from a non-zero x0). */
  iterations: number;
  /** ‖b − A x‖ as tracked by the iteration (in the preconditioner's norm for preconditioned minres). */
  residualNorm: number;
  converged: boolean;
  /** cg only: a direction p with pᵀAp ≤ 0 was met, so A is not positive definite; x is the last iterate. */
  negativeCurvature: boolean;
}

/** The residual norm below which a solve has converged. */
export function threshold(b: Float64Array, o: KernelOptions): number {
  return Math.max(o.tol * norm(b), o.atol);
}

/**
 * The first Krylov product A·v with v = b / d, from the known A·b when allowed. A divisor, not its
 * reciprocal: for a subnormal d = ‖b‖ (a cotangent of saturated beliefs, 1e-312) 1/d is +∞ and
 * ∞·(A·b) gave NaN, while (A·b)_i / d is A·v, bounded by ‖A‖.
 */
export function firstProduct(A: FlatOperator, v: Float64Array, d: number, o: KernelOptions): Float64Array {
  if (o.Ab === null || o.preconditioner !== null || (o.x0 !== null && o.x0.some((x) => x !== 0))) return A(v);
  const out = new Float64Array(v.length);
  for (let i = 0; i < out.length; i++) out[i] = o.Ab[i]! / d;
  return out;
}

/** r = b − A x0 and x = x0 (a copy), or r = b and x = 0 without a starting point. */
export function initialResidual(A: FlatOperator, b: Float64Array, x0: Float64Array | null): { x: Float64Array; r: Float64Array } {
  if (x0 === null || x0.every((v) => v === 0)) return { x: new Float64Array(b.length), r: b.slice() };
  const Ax = A(x0);
  const r = new Float64Array(b.length);
  for (let i = 0; i < r.length; i++) r[i] = b[i]! - Ax[i]!;
  return { x: x0.slice(), r };
}

/**
 * `kernel` with its claimed convergence checked against the true residual b − A x. CG's residual
 * norm is a recurrence (r_{k+1} = r_k − α A p_k) and MINRES's an estimate (|φ̄_k| from the Givens
 * rotations); in floating point both drift from ‖b − A x_k‖, MINRES's by up to O(ε κ(A)²)
 * (Sleijpen, van der Vorst & Modersitzki, SIAM J. Matrix Anal. Appl. 22 (2000) 726–751). On the
 * 10×10 Hilbert matrix minres reported 1.9e-12 and converged while ‖b − A x‖ was 3.4e-2. So a
 * claimed convergence costs one more product: if the true residual (in the preconditioner's norm
 * when `preconditionedNorm`, as minres measures it) misses the target, the kernel restarts from x
 * (iterative refinement) while the residual keeps halving and products remain; if it never meets
 * it, the best iterate is returned with its true residual and `converged: false`. A solve that
 * stops unconverged (its products spent, or a breakdown) reports its true residual as well.
 */
export function verifiedKernel<O extends KernelOptions>(
  kernel: (A: FlatOperator, b: Float64Array, o: O) => KernelResult, preconditionedNorm: boolean,
): (A: FlatOperator, b: Float64Array, o: O) => KernelResult {
  return (A, b, o) => {
    const M = preconditionedNorm ? o.preconditioner : null;
    const measure = (r: Float64Array) => (M ? Math.sqrt(Math.max(0, dot(r, M(r)))) : norm(r));
    const stop = Math.max(o.tol * measure(b), o.atol);
    const trueResidual = (x: Float64Array): number => {
      const Ax = A(x);
      const r = new Float64Array(b.length);
      for (let i = 0; i < r.length; i++) r[i] = b[i]! - Ax[i]!;
      return measure(r);
    };
    let result = kernel(A, b, o);
    let used = result.iterations;
    let best: KernelResult | null = null;
    // Zero products: the residual is the exact one of the starting point, nothing to check.
    while (result.converged && result.iterations > 0) {
      const residualNorm = trueResidual(result.x);
      if (residualNorm <= stop) return { ...result, iterations: used };
      const checked = { ...result, residualNorm, converged: false, iterations: used };
      if (best !== null && !(residualNorm < best.residualNorm / 2)) return best.residualNorm <= residualNorm ? best : checked;
      if (used >= o.maxIter) return checked;
      best = checked;
      result = kernel(A, b, { ...o, x0: result.x, maxIter: o.maxIter - used, Ab: null });
      used += result.iterations;
    }
    // Not converged: report the true residual too, not the recurrence's estimate (minres on a
    // matrix that is not symmetric, outside its contract, estimated 0.38 for a true 0.56).
    if (!result.converged && result.iterations > 0) return { ...result, residualNorm: trueResidual(result.x), iterations: used };
    return { ...result, iterations: used };
  };
}
