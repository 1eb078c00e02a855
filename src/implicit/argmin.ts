/** @file argmin: the minimiser of a loss, differentiable with respect to everything the loss closes over (implicit function theorem). */
import { Tensor } from '../tensor/tensor.js';
import type { PyTree, TensorTree } from '../core/pytree.js';
import { InvalidArgumentError, NonScalarOutputError } from '../core/errors.js';
import { grad, valueAndGrad } from '../transforms/vjp.js';
import { checkFunction } from '../transforms/args.js';
import { Space } from './space.js';
import { solveImplicit, plainLeaves, type ImplicitProblem } from './levels.js';
import { hessianOperator, type HvpMode } from './hessian.js';
import { linearSolve } from './linearSolve.js';
import { lbfgs, type MinimizeResult } from './lbfgs.js';
import { newtonCg } from './newtonCg.js';
import { warnOnce, type LinearSolveInfo } from './diagnostics.js';

export interface ArgminOptions {
  /** The inner optimizer stops when ‖∇θ loss‖∞ ≤ tol. Default 1e-9. */
  tol?: number;
  /** Most inner iterations. Default 1000. */
  maxIter?: number;
  /** Inner optimizer: 'lbfgs' (default; gradients only) or 'newton-cg' (Hessian-vector products; fewer, dearer steps). */
  method?: 'lbfgs' | 'newton-cg';
  /** L-BFGS memory (pairs kept). Default 10. */
  memory?: number;
  /** Hessian-vector products for the implicit derivative (and newton-cg): 'exact' (default) or 'finiteDifference'. */
  hvp?: HvpMode;
  /** Linear solver for H u = g: 'cg' (default; H positive definite) or 'minres' (H symmetric, possibly indefinite). */
  solver?: 'cg' | 'minres';
  /** Solve (H + damping·I) u = g: regularises an ill-conditioned or singular Hessian (biasing the hypergradient). Default 0. */
  damping?: number;
  /** Relative residual tolerance of that solve. Default 1e-10. */
  solverTol?: number;
  /** Most Hessian-vector products per solve. Default 10·n, at least 20. */
  solverMaxIter?: number;
  /**
   * M(v) ≈ H⁻¹v for that solve, with theta0's structure, symmetric positive definite (e.g. one over
   * the Hessian's diagonal): fewer iterations, the same answer.
   */
  preconditioner?: (v: any) => PyTree;
  /** Filled in with what happened: see ArgminInfo. */
  info?: Partial<ArgminInfo>;
  /** Print a console warning (once per kind) on non-convergence or negative curvature. Default true. */
  warn?: boolean;
}

export interface ArgminInfo {
  /** Whether the inner optimizer reached ‖∇θ loss‖∞ ≤ tol. */
  converged: boolean;
  /** Why it stopped, in words. */
  message: string;
  iterations: number;
  /** Loss-and-gradient evaluations of the inner run. */
  evaluations: number;
  /** Hessian-vector products of the inner run (newton-cg). */
  hvps: number;
  /** ‖∇θ loss(θ*)‖∞ and loss(θ*). */
  gradientNorm: number;
  value: number;
  /** The last linear solve H u = g of a backward pass (or H v = r of a forward pass); null until one runs. */
  adjoint: LinearSolveInfo | null;
  /** How many such solves ran (one per backward pass per reverse level). */
  adjointSolves: number;
  /** Every warning issued for this call, including those not printed. */
  warnings: string[];
}

function resetInfo(into: Partial<ArgminInfo> | undefined): ArgminInfo {
  const info = (into ?? {}) as ArgminInfo;
  Object.assign(info, {
    converged: false, message: '', iterations: 0, evaluations: 0, hvps: 0, gradientNorm: NaN, value: NaN,
    adjoint: null, adjointSolves: 0, warnings: [],
  });
  return info;
}

function checkOptions(o: ArgminOptions): void {
  const bad = (name: string, v: unknown, what: string) => {
    throw new InvalidArgumentError(`argmin: option ${name} must be ${what}, got ${JSON.stringify(v)}.`);
  };
  if (o.tol !== undefined && !(o.tol >= 0)) bad('tol', o.tol, 'a number ≥ 0');
  if (o.maxIter !== undefined && !(Number.isInteger(o.maxIter) && o.maxIter >= 0)) bad('maxIter', o.maxIter, 'an integer ≥ 0');
  if (o.memory !== undefined && !(Number.isInteger(o.memory) && o.memory >= 1)) bad('memory', o.memory, 'an integer ≥ 1');
  if (o.method !== undefined && o.method !== 'lbfgs' && o.method !== 'newton-cg') bad('method', o.method, "'lbfgs' or 'newton-cg'");
  if (o.hvp !== undefined && o.hvp !== 'exact' && o.hvp !== 'finiteDifference') bad('hvp', o.hvp, "'exact' or 'finiteDifference'");
  if (o.solver !== undefined && o.solver !== 'cg' && o.solver !== 'minres') bad('solver', o.solver, "'cg' or 'minres'");
  if (o.damping !== undefined && !(o.damping >= 0)) bad('damping', o.damping, 'a number ≥ 0');
}

/**
 * θ* = argmin_θ loss(θ), found by L-BFGS (or Newton–CG) from `theta0` to ‖∇θ loss‖∞ ≤ tol, and
 * **differentiable with respect to every tensor `loss` closes over** (hyperparameters λ) by the
 * implicit function theorem: at the optimum ∇θ L(θ*, λ) = 0, so dθ* / dλ = −H⁻¹ ∂²L/∂θ∂λ with H the
 * Hessian in θ. A backward pass makes one linear solve H u = θ̄ (matrix-free: conjugate gradient
 * over Hessian-vector products at θ*) and one VJP of λ ↦ ∇θ L(θ*, λ) with cotangent −u — whatever
 * the number of hyperparameters, and without differentiating the optimizer's iterations. Forward
 * mode and higher orders work too (the solves are themselves differentiable).
 *
 * `theta0` is only a starting point: it receives no gradient. The result has `theta0`'s structure.
 * Diagnostics go into `options.info` (see ArgminInfo); a run that does not converge, or a Hessian
 * found indefinite, also prints a warning once.
 * @example
 * // Ridge regression in one dimension: θ* = Σxy / (Σx² + λ), so dθ* / dλ = −θ* / (Σx² + λ).
 * const x = ad.tensor([1, 2, 3]), y = ad.tensor([2, 4, 7]);
 * const fit = (lam) => ad.argmin((w) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.mul(w, x), y)))),
 *   ad.mul(ad.mul(0.5, lam), ad.square(w))), ad.tensor(0));
 * ad.grad(fit)(1); // −31/225
 */
export function argmin<T>(loss: (theta: T) => PyTree, theta0: T, options: ArgminOptions = {}): TensorTree<T> {
  checkFunction(loss, 'argmin');
  checkOptions(options);
  const space = Space.of(theta0, 'argmin');
  const start = plainLeaves(theta0, 'argmin');
  const info = resetInfo(options.info);
  const print = options.warn ?? true;
  const f = loss as (theta: any) => PyTree;
  const hvpMode = options.hvp ?? 'exact';
  const tol = options.tol ?? 1e-9;

  const gradient = (x: readonly Tensor[]): Tensor[] => space.leaves(grad(f)(space.rebuild(x)), 'the gradient of loss');
  const solveWithHessian = (x: readonly Tensor[], rhs: readonly Tensor[]): Tensor[] => {
    const H = hessianOperator(f, x, space, hvpMode);
    const matvec = (v: PyTree) => space.rebuild(H(space.leaves(v, 'a vector')));
    const settings = {
      tol: options.solverTol ?? 1e-10, maxIter: options.solverMaxIter, damping: options.damping ?? 0, preconditioner: options.preconditioner,
    };
    let solver = options.solver ?? 'cg';
    let r = linearSolve(solver, matvec, space.rebuild(rhs as Tensor[]), settings);
    if (r.negativeCurvature) {
      warnOnce(info.warnings, print, 'argmin-curvature',
        'argmin: the Hessian at θ* is not positive definite (cg met negative curvature), so θ* is not a strict minimum; ' +
          'the implicit derivative was computed with minres instead. Check the inner run, or add damping.');
      solver = 'minres';
      r = linearSolve(solver, matvec, space.rebuild(rhs as Tensor[]), settings);
    }
    info.adjoint = { solver, iterations: r.iterations, residualNorm: r.residualNorm, converged: r.converged, negativeCurvature: r.negativeCurvature };
    info.adjointSolves++;
    if (!r.converged) {
      warnOnce(info.warnings, print, 'argmin-solve',
        `argmin: the linear solve for the implicit derivative did not converge (${solver}, ${r.iterations} iterations, ` +
          `residual ${r.residualNorm.toExponential(2)}); the Hessian may be ill-conditioned or singular. ` +
          'Raise solverMaxIter, loosen solverTol, or add damping.');
    }
    return space.leaves(r.x, 'x');
  };

  const problem: ImplicitProblem = {
    name: 'argmin',
    // The loss at θ0 depends on the hyperparameters the way the solution does: its trace levels are theirs.
    probe: () => {
      const value = f(space.rebuild(start));
      if (!(typeof value === 'number' || (value instanceof Tensor && value.size === 1))) {
        throw new NonScalarOutputError(
          `argmin: loss must return a single-element tensor or a number, but it returned ${value instanceof Tensor ? `a tensor of shape [${value.shape.join(',')}]` : 'a pytree'}. Reduce it to a scalar (e.g. ad.sum or ad.mean).`,
        );
      }
      return [value];
    },
    solve: () => {
      const fg = (x: Float64Array) => {
        const [value, g] = valueAndGrad(f)(space.toTree(x));
        return { f: value.item(), g: space.toFlat(g, 'the gradient of loss') };
      };
      const settings = { tol, maxIter: options.maxIter ?? 1000, memory: options.memory ?? 10 };
      const x0 = space.flatOfLeaves(start);
      const r: MinimizeResult = options.method === 'newton-cg'
        ? newtonCg(fg, (x) => {
          const H = hessianOperator(f, space.toLeaves(x), space, hvpMode);
          return (v) => space.flatOfLeaves(H(space.toLeaves(v)));
        }, x0, settings)
        : lbfgs(fg, x0, settings);
      Object.assign(info, {
        converged: r.converged, message: r.message, iterations: r.iterations, evaluations: r.evaluations, hvps: r.hvps,
        gradientNorm: r.gradientNorm, value: r.f,
      });
      if (!r.converged) {
        warnOnce(info.warnings, print, 'argmin-inner',
          `argmin: the inner optimizer stopped before ‖∇θ loss‖∞ ≤ tol (${r.gradientNorm.toExponential(2)} > ${tol} ` +
            `after ${r.iterations} iterations: ${r.message}); θ* is not quite stationary, so its implicit derivative is approximate.`);
      }
      return space.toLeaves(r.x);
    },
    residual: (x) => gradient(x),
    adjointSolve: (x, _args, g) => solveWithHessian(x, g),
    tangentSolve: (x, _args, r) => solveWithHessian(x, r),
  };
  return space.rebuild(solveImplicit(problem, [])) as TensorTree<T>;
}
