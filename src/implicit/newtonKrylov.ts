/** @file Newton–Krylov for F(x) = 0 on flat vectors: GMRES on J δ = −F with Jacobian-vector products, then backtracking on ‖F‖. */
import { norm, maxAbs } from './space.js';
import { gmresKernel } from './gmresKernel.js';
import { cgKernel } from './cgKernel.js';
import { minresKernel } from './minresKernel.js';
import type { FlatOperator } from './krylov.js';
import { STALLED, Stall } from './lbfgs.js';

export interface RootSolveResult {
  x: Float64Array;
  F: Float64Array;
  /** ‖F(x)‖∞ at the end. */
  residualNorm: number;
  iterations: number;
  /** Evaluations of F (not counting those inside Jacobian-vector products). */
  evaluations: number;
  /** Jacobian-vector products. */
  jvps: number;
  converged: boolean;
  message: string;
}

export interface NewtonKrylovOptions {
  tol: number;
  maxIter: number;
  /** The Krylov solver for the Newton steps: gmres for any Jacobian, cg/minres for a symmetric one. */
  solver: 'gmres' | 'cg' | 'minres';
  restart: number;
}

/**
 * Inexact Newton (Dembo, Eisenstat & Steihaug 1982; Knoll & Keyes 2004): each step solves
 * J δ = −F only to the relative tolerance η = min(0.1, ‖F‖₂) (loose far away, tight near the
 * root, which keeps convergence quadratic), then halves the step until ‖F‖₂ decreases by the
 * Armijo factor (1 − 10⁻⁴ t).
 */
export function newtonKrylov(
  F: (x: Float64Array) => Float64Array, jacobianAt: (x: Float64Array) => FlatOperator, x0: Float64Array, o: NewtonKrylovOptions,
): RootSolveResult {
  let x: Float64Array = x0.slice();
  let Fx: Float64Array = F(x);
  const r0 = maxAbs(Fx);
  let evaluations = 1;
  let jvps = 0;
  let iterations = 0;
  let message = 'reached maxIter';
  const stall = new Stall(8);
  const kernel = o.solver === 'cg' ? cgKernel : o.solver === 'minres' ? minresKernel : gmresKernel;
  while (true) {
    const rInf = maxAbs(Fx);
    if (rInf <= o.tol) {
      message = '‖F‖∞ below tol';
      break;
    }
    if (!Number.isFinite(rInf)) {
      message = 'F is not finite';
      break;
    }
    if (iterations >= o.maxIter) break;
    if (stall.stuck(rInf)) {
      // Stuck far above rounding (more than a millionth of ‖F(x0)‖∞) is not precision's limit but a
      // local minimum of ‖F‖ that is no root, where the Jacobian is singular: x³ − 2x + 2 from 0
      // stops at x = √(2/3) with F = 0.91, and this message blamed floating-point precision.
      message = rInf > 1e-6 * r0
        ? `no progress in the last iterations: ‖F‖∞ stays at ${rInf.toExponential(2)}, far above rounding (near a local minimum of ‖F‖ ` +
          'that is not a root, or where the Jacobian is singular or ill-conditioned)'
        : STALLED.replace('gradient', 'residual F');
      break;
    }
    const J = jacobianAt(x);
    const counted: FlatOperator = (v) => {
      jvps++;
      return J(v);
    };
    const r2 = norm(Fx);
    const minusF = Fx.map((v) => -v);
    const step = kernel(counted, minusF, {
      tol: Math.max(1e-14, Math.min(0.1, r2)), atol: 0, maxIter: Math.max(30, 2 * x.length), x0: null,
      preconditioner: null, restart: o.restart, Ab: null,
    });
    iterations++;
    let t = 1;
    let accepted = false;
    for (let halvings = 0; halvings < 40; halvings++) {
      const xt = new Float64Array(x.length);
      for (let i = 0; i < xt.length; i++) xt[i] = x[i]! + t * step.x[i]!;
      const Ft = F(xt);
      evaluations++;
      const n2 = norm(Ft);
      if (n2 <= (1 - 1e-4 * t) * r2 || (n2 <= r2 && maxAbs(Ft) <= o.tol)) {
        x = xt;
        Fx = Ft;
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted) {
      message = 'the Newton step does not reduce ‖F‖ (a poor starting point, a singular Jacobian, or the limit of precision)';
      break;
    }
  }
  const residualNorm = maxAbs(Fx);
  return { x, F: Fx, residualNorm, iterations, evaluations, jvps, converged: residualNorm <= o.tol, message };
}
