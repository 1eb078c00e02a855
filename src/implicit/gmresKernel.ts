/** @file Restarted GMRES for general (non-symmetric) systems on flat vectors (Saad & Schultz 1986). */
import { axpy, dot, norm } from './space.js';
import { firstProduct, initialResidual, threshold, type FlatOperator, type KernelOptions, type KernelResult } from './krylov.js';

/**
 * Solves A x = b for any non-singular A by minimising ‖b − A x‖ over a Krylov space built with
 * modified Gram–Schmidt (one reorthogonalisation pass), restarted every `restart` products.
 * A preconditioner M ≈ A⁻¹ is applied on the right (A M y = b, x = M y), so the residual that is
 * monitored is the true one. `residualNorm` is the true residual recomputed at the end.
 */
export function gmresKernel(A: FlatOperator, b: Float64Array, o: KernelOptions & { restart: number }): KernelResult {
  const n = b.length;
  const M = o.preconditioner;
  const m = Math.max(1, Math.min(o.restart, n));
  const stop = threshold(b, o);
  let { x, r } = initialResidual(A, b, o.x0);
  let rnorm = norm(r);
  let iterations = 0;
  while (rnorm > stop && iterations < o.maxIter) {
    const V: Float64Array[] = [];
    const H: number[][] = []; // H[j] is column j (length j + 2), rotated into upper-triangular form
    const cs: number[] = [];
    const sn: number[] = [];
    const g = [rnorm];
    const v0 = new Float64Array(n);
    for (let i = 0; i < n; i++) v0[i] = r[i]! / rnorm;
    V.push(v0);
    let k = 0;
    let estimate = rnorm;
    while (k < m && iterations < o.maxIter) {
      const w = iterations === 0 && M === null ? firstProduct(A, V[0]!, rnorm, o) : A(M ? M(V[k]!) : V[k]!);
      iterations++;
      const h = new Array<number>(k + 2).fill(0);
      for (let pass = 0; pass < 2; pass++) {
        for (let i = 0; i <= k; i++) {
          const c = dot(w, V[i]!);
          h[i]! += c;
          axpy(-c, V[i]!, w);
        }
      }
      h[k + 1] = norm(w);
      for (let i = 0; i < k; i++) {
        const t = cs[i]! * h[i]! + sn[i]! * h[i + 1]!;
        h[i + 1] = -sn[i]! * h[i]! + cs[i]! * h[i + 1]!;
        h[i] = t;
      }
      const rho = Math.hypot(h[k]!, h[k + 1]!);
      // A·V[k] lies in A·(the Krylov space so far): A is singular there, and this column would make
      // the triangular factor singular, so the back-substitution divided rounding noise by rounding
      // noise (x ≈ ±7e31 for [[1, 1], [1, 1]] x = [1, 0]). The space without it holds a
      // least-squares iterate already (residual 1/√2, the smallest there is); converged stays false.
      if (rho <= 1e-14 * Math.hypot(...h)) break;
      const breakdown = h[k + 1]! <= 1e-14 * rho; // the Krylov space is invariant: the solution is in it
      const c = rho === 0 ? 1 : h[k]! / rho;
      const s = rho === 0 ? 0 : h[k + 1]! / rho;
      if (!breakdown) {
        const vNext = new Float64Array(n);
        const inv = 1 / h[k + 1]!;
        for (let i = 0; i < n; i++) vNext[i] = w[i]! * inv;
        V.push(vNext);
      }
      cs.push(c);
      sn.push(s);
      h[k] = rho;
      h[k + 1] = 0;
      g.push(-s * g[k]!);
      g[k] = c * g[k]!;
      H.push(h);
      k++;
      estimate = Math.abs(g[k]!);
      if (estimate <= stop || breakdown) break;
    }
    // Back-substitution for the k coefficients, then x ← x + M V y.
    const y = new Array<number>(k).fill(0);
    for (let i = k - 1; i >= 0; i--) {
      let s = g[i]!;
      for (let j = i + 1; j < k; j++) s -= H[j]![i]! * y[j]!;
      y[i] = H[i]![i]! === 0 ? 0 : s / H[i]![i]!;
    }
    const update = new Float64Array(n);
    for (let j = 0; j < k; j++) axpy(y[j]!, V[j]!, update);
    axpy(1, M ? M(update) : update, x);
    // The true residual, for the restart and for the report.
    const Ax = A(x);
    r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = b[i]! - Ax[i]!;
    const trueNorm = norm(r);
    if (trueNorm >= rnorm && estimate >= rnorm) {
      rnorm = trueNorm;
      break; // no progress in a whole cycle: stagnation
    }
    rnorm = trueNorm;
  }
  return { x, iterations, residualNorm: rnorm, converged: rnorm <= stop, negativeCurvature: false };
}
