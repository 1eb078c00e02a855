/** @file Truncated Newton (Newton–CG) on flat vectors: CG on H p = −∇f with Hessian-vector products, then a Wolfe line search (Nocedal & Wright, Algorithm 7.1). */
import { maxAbs } from './space.js';
import { cgKernel } from './cgKernel.js';
import type { FlatOperator } from './krylov.js';
import { wolfeLineSearch, type FlatObjective } from './lineSearch.js';
import { Stall, type MinimizeOptions, type MinimizeResult } from './lbfgs.js';

/**
 * Minimises f from x0 by inexact Newton steps: CG solves H p = −g to the relative tolerance
 * min(0.5, √‖g‖)·‖g‖ (so convergence is superlinear near the optimum), stopping early at
 * negative curvature (then the CG iterate so far, or −g, is the direction). `hvpAt(x)` gives the
 * Hessian's action at x.
 */
export function newtonCg(fg: FlatObjective, hvpAt: (x: Float64Array) => FlatOperator, x0: Float64Array, o: MinimizeOptions): MinimizeResult {
  let x: Float64Array = x0.slice();
  let { f, g }: { f: number; g: Float64Array } = fg(x);
  let evaluations = 1;
  let hvps = 0;
  let iterations = 0;
  let message = 'reached maxIter';
  const stall = new Stall(5);
  while (true) {
    const gnorm = maxAbs(g);
    if (gnorm <= o.tol) {
      message = 'gradient norm below tol';
      break;
    }
    if (!Number.isFinite(f) || !Number.isFinite(gnorm)) {
      message = 'the loss or its gradient is not finite';
      break;
    }
    if (iterations >= o.maxIter) break;
    if (stall.stuck(gnorm, f)) {
      message = stall.reason(f, x);
      break;
    }
    const H = hvpAt(x);
    const counted: FlatOperator = (v) => {
      hvps++;
      return H(v);
    };
    const minusG = g.map((v) => -v);
    const eta = Math.min(0.5, Math.sqrt(Math.sqrt(g.reduce((s, v) => s + v * v, 0))));
    const r = cgKernel(counted, minusG, { tol: eta, atol: 0, maxIter: Math.max(20, 2 * x.length), x0: null, preconditioner: null, Ab: null });
    const useful = r.x.some((v) => v !== 0);
    const d = useful ? r.x : minusG;
    const ls = wolfeLineSearch(fg, x, f, g, d, useful ? 1 : Math.min(1, 1 / gnorm));
    evaluations += ls.evaluations;
    iterations++;
    if (!ls.decrease) {
      message = 'the line search found no decrease (at the limit of precision, or a non-smooth loss)';
      break;
    }
    x = ls.x;
    f = ls.f;
    g = ls.g;
  }
  const gradientNorm = maxAbs(g);
  return { x, f, g, gradientNorm, iterations, evaluations, hvps, converged: gradientNorm <= o.tol, message };
}
