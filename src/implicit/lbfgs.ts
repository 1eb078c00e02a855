/** @file L-BFGS with a strong Wolfe line search on flat vectors (Liu & Nocedal 1989; Nocedal & Wright, Algorithm 7.4). */
import { axpy, dot, maxAbs } from './space.js';
import { wolfeLineSearch, type FlatObjective } from './lineSearch.js';

export interface MinimizeOptions {
  /** Stop when ‖∇f‖∞ ≤ tol. */
  tol: number;
  /** Most iterations (line searches). */
  maxIter: number;
  /** L-BFGS: pairs (s, y) kept. */
  memory: number;
}

export interface MinimizeResult {
  x: Float64Array;
  f: number;
  g: Float64Array;
  /** ‖∇f(x)‖∞ at the end. */
  gradientNorm: number;
  iterations: number;
  /** Loss-and-gradient evaluations. */
  evaluations: number;
  /** Hessian-vector products (Newton–CG only). */
  hvps: number;
  converged: boolean;
  /** Why the iteration stopped, in words. */
  message: string;
}

/**
 * Notices a run that no longer makes progress: the gradient norm has not improved on its best for
 * `patience` iterations (at the limit of floating-point precision, below the requested tol). With
 * the loss given, it also tells that apart from a loss that keeps falling while its gradient does
 * not shrink (no minimum: `reason`).
 */
export class Stall {
  private best = Infinity;
  private since = 0;
  private valueAtBest = NaN;
  constructor(private readonly patience: number) {}
  /** Records an iterate's gradient norm (and loss); true when the run should stop. */
  stuck(gradientNorm: number, value = NaN): boolean {
    if (gradientNorm < 0.9 * this.best) {
      this.best = gradientNorm;
      this.valueAtBest = value;
      this.since = 0;
      return false;
    }
    if (++this.since < this.patience) return false;
    // A loss still falling, but by less than a thousand times its size, is a run making progress
    // along a curved valley, not one running off to −∞: from (−1.2, 1) on Rosenbrock's function
    // (a − x)² + 100(y − x²)² ‖∇f‖ rises and falls for dozens of iterations while f keeps falling
    // (with a = 1.5, L-BFGS was stopped after 23 at f = 0.43 and the loss called unbounded).
    // Judge again after another `patience` iterations.
    const fell = this.valueAtBest - value;
    if (this.falling(value) && !(fell > 1e3 * (1 + Math.abs(this.valueAtBest)))) {
      this.valueAtBest = value;
      this.since = 0;
      return false;
    }
    return true;
  }
  private falling(value: number): boolean {
    return this.valueAtBest - value > 1e-3 * (1 + Math.abs(this.valueAtBest));
  }
  /**
   * Why the run stalled, at loss `value` and iterate x: a loss that fell by more than a thousandth
   * of its size (plus 1) since the gradient was last at its best is still descending, so the
   * gradient is not at precision's limit — the loss has no minimum that way (a linear term, a
   * negative curvature, a missing regulariser).
   */
  reason(value: number, x: Float64Array): string {
    if (!this.falling(value)) return STALLED;
    return `${UNBOUNDED} (from ${this.valueAtBest.toPrecision(4)} to ${value.toPrecision(4)} over the last ` +
      `${this.since} iterations, ‖θ‖∞ now ${maxAbs(x).toExponential(2)}) while its gradient did not shrink: it seems to have no ` +
      'minimum (unbounded below); check the loss for a missing regulariser or constraint';
  }
}

/** How the message of a run whose loss has no minimum begins (Stall.reason). */
export const UNBOUNDED = 'the loss kept decreasing';

export const STALLED = 'no progress in the last iterations: the gradient is at the limit of floating-point precision, above tol';

/**
 * Minimises f from x0 with L-BFGS: the two-loop recursion applies an inverse-Hessian estimate
 * built from the last `memory` steps, scaled by sᵀy/yᵀy, and a strong Wolfe line search keeps
 * every stored pair's curvature sᵀy positive. If a line search fails the memory is dropped and the
 * step retried along −∇f; a second failure in a row ends the run (usually: at the limit of
 * floating-point precision).
 */
export function lbfgs(fg: FlatObjective, x0: Float64Array, o: MinimizeOptions): MinimizeResult {
  let x: Float64Array = x0.slice();
  let { f, g }: { f: number; g: Float64Array } = fg(x);
  let evaluations = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  let iterations = 0;
  let message = 'reached maxIter';
  let failedBefore = false;
  const stall = new Stall(20);
  while (true) {
    if (maxAbs(g) <= o.tol) {
      message = 'gradient norm below tol';
      break;
    }
    if (!Number.isFinite(f) || !Number.isFinite(maxAbs(g))) {
      message = 'the loss or its gradient is not finite';
      break;
    }
    if (iterations >= o.maxIter) break;
    if (stall.stuck(maxAbs(g), f)) {
      message = stall.reason(f, x);
      break;
    }
    // Two-loop recursion: d = −H g.
    const q = g.slice();
    const a = new Array<number>(S.length);
    for (let i = S.length - 1; i >= 0; i--) {
      a[i] = rho[i]! * dot(S[i]!, q);
      axpy(-a[i]!, Y[i]!, q);
    }
    const k = S.length - 1;
    const gamma = k >= 0 ? dot(S[k]!, Y[k]!) / dot(Y[k]!, Y[k]!) : 1;
    for (let i = 0; i < q.length; i++) q[i]! *= gamma;
    for (let i = 0; i < S.length; i++) {
      const b = rho[i]! * dot(Y[i]!, q);
      axpy(a[i]! - b, S[i]!, q);
    }
    const d = q;
    for (let i = 0; i < d.length; i++) d[i] = -d[i]!;
    // The first step has no curvature information: take a step of length at most 1.
    const alpha0 = S.length === 0 ? Math.min(1, 1 / maxAbs(g)) : 1;
    const ls = wolfeLineSearch(fg, x, f, g, d, alpha0);
    evaluations += ls.evaluations;
    iterations++;
    if (!ls.decrease) {
      if (failedBefore || S.length === 0) {
        message = 'the line search found no decrease (at the limit of precision, or a non-smooth loss)';
        break;
      }
      S.length = Y.length = rho.length = 0; // restart along −∇f
      failedBefore = true;
      continue;
    }
    failedBefore = false;
    const s = new Float64Array(x.length);
    const y = new Float64Array(x.length);
    for (let i = 0; i < s.length; i++) {
      s[i] = ls.x[i]! - x[i]!;
      y[i] = ls.g[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > o.memory) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    x = ls.x;
    f = ls.f;
    g = ls.g;
  }
  const gradientNorm = maxAbs(g);
  return { x, f, g, gradientNorm, iterations, evaluations, hvps: 0, converged: gradientNorm <= o.tol, message };
}
