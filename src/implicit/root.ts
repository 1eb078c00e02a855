/** @file root: a solution of F(x) = 0, differentiable with respect to everything F closes over (implicit function theorem). */
import type { Tensor } from '../tensor/tensor.js';
import { flatten, type PyTree, type TensorTree } from '../core/pytree.js';
import { InvalidArgumentError } from '../core/errors.js';
import { jvp } from '../transforms/jvp.js';
import { vjp, type Pullback } from '../transforms/vjp.js';
import { checkFunction } from '../transforms/args.js';
import { Space } from './space.js';
import { plainLeaves, solveImplicit, type ImplicitProblem } from './levels.js';
import { linearSolve } from './linearSolve.js';
import { newtonKrylov } from './newtonKrylov.js';
import { warnOnce, type LinearSolveInfo } from './diagnostics.js';

export interface RootOptions {
  /** Stop when ‖F(x)‖∞ ≤ tol. Default 1e-10. */
  tol?: number;
  /** Most Newton steps. Default 100. */
  maxIter?: number;
  /**
   * Krylov solver for Newton's steps and for the implicit derivative: 'gmres' (default, any
   * Jacobian), or 'cg' / 'minres' when ∂F/∂x is symmetric (positive definite for cg).
   */
  solver?: 'gmres' | 'cg' | 'minres';
  /** Solve (Jᵀ + damping·I) u = x̄ in the backward pass (regularises a nearly singular Jacobian). Default 0. */
  damping?: number;
  /** Relative residual tolerance of the implicit derivative's solve. Default 1e-10. */
  solverTol?: number;
  /** Most products per such solve. Default 10·n, at least 20. */
  solverMaxIter?: number;
  /** GMRES restart length. Default 30. */
  restart?: number;
  /** Filled in with what happened: see RootInfo. */
  info?: Partial<RootInfo>;
  /** Print a console warning (once per kind) on non-convergence. Default true. */
  warn?: boolean;
}

export interface RootInfo {
  converged: boolean;
  message: string;
  /** Newton steps. */
  iterations: number;
  /** Evaluations of F in the line searches, and Jacobian-vector products in the Newton solves. */
  evaluations: number;
  jvps: number;
  /** ‖F(x*)‖∞. */
  residualNorm: number;
  /** The last linear solve Jᵀu = x̄ of a backward pass (or J v = r of a forward pass); null until one runs. */
  adjoint: LinearSolveInfo | null;
  adjointSolves: number;
  warnings: string[];
}

function resetInfo(into: Partial<RootInfo> | undefined): RootInfo {
  const info = (into ?? {}) as RootInfo;
  Object.assign(info, {
    converged: false, message: '', iterations: 0, evaluations: 0, jvps: 0, residualNorm: NaN, adjoint: null, adjointSolves: 0, warnings: [],
  });
  return info;
}

/**
 * x* with F(x*) = 0, by Newton–Krylov from `x0` (GMRES on Jacobian-vector products, backtracking
 * on ‖F‖) to ‖F‖∞ ≤ tol, and **differentiable with respect to every tensor F closes over**: by
 * the implicit function theorem dx* = −J⁻¹ ∂F/∂λ dλ with J = ∂F/∂x at x*, so a backward pass
 * makes one solve Jᵀu = x̄ (GMRES over VJPs of F) and one VJP of λ ↦ F(x*, λ) with cotangent −u.
 * Fixed points z = f(z) are roots of F(z) = z − f(z): implicit layers, equilibrium models.
 *
 * `F` maps x's structure to x's structure. `x0` receives no gradient. Diagnostics go into
 * `options.info`; a run that does not converge prints a warning once.
 * @example
 * // The cube root: x³ = a, dx/da = 1/(3x²)
 * const cbrt = (a) => ad.root((x) => ad.sub(ad.pow(x, 3), a), ad.tensor(1));
 * ad.grad(cbrt)(8); // 1/12
 */
export function root<T>(F: (x: T) => PyTree, x0: T, options: RootOptions = {}): TensorTree<T> {
  checkFunction(F, 'root');
  const solver = options.solver ?? 'gmres';
  if (!['gmres', 'cg', 'minres'].includes(solver)) {
    throw new InvalidArgumentError(`root: option solver must be 'gmres', 'cg' or 'minres', got ${JSON.stringify(options.solver)}.`);
  }
  if (options.tol !== undefined && !(options.tol >= 0)) throw new InvalidArgumentError(`root: option tol must be a number ≥ 0, got ${options.tol}.`);
  const space = Space.of(x0, 'root');
  const start = plainLeaves(x0, 'root');
  const info = resetInfo(options.info);
  const print = options.warn ?? true;
  const f = F as (x: any) => PyTree;
  const tol = options.tol ?? 1e-10;
  const Fx = (x: readonly Tensor[]): Tensor[] => space.leaves(f(space.rebuild(x)), 'the value of F (it must have the structure and shapes of x0)');

  const solveJ = (x: readonly Tensor[], rhs: readonly Tensor[], transpose: boolean): Tensor[] => {
    let pullback: Pullback | null = null;
    const matvec = transpose || solver !== 'gmres'
      ? (v: PyTree) => {
        pullback ??= vjp((z: PyTree) => f(z), space.rebuild(x))[1];
        return pullback(v)[0];
      }
      : (v: PyTree) => jvp(f, [space.rebuild(x)], [v])[1];
    const r = linearSolve(solver, matvec, space.rebuild(rhs as Tensor[]), {
      tol: options.solverTol ?? 1e-10, maxIter: options.solverMaxIter, damping: options.damping ?? 0, restart: options.restart,
    });
    info.adjoint = { solver, iterations: r.iterations, residualNorm: r.residualNorm, converged: r.converged, negativeCurvature: r.negativeCurvature };
    info.adjointSolves++;
    if (!r.converged) {
      warnOnce(info.warnings, print, 'root-solve',
        `root: the linear solve for the implicit derivative did not converge (${solver}, ${r.iterations} iterations, residual ` +
          `${r.residualNorm.toExponential(2)}); ∂F/∂x may be singular at x*. Raise solverMaxIter or add damping.`);
    }
    return space.leaves(r.x, 'x');
  };

  const problem: ImplicitProblem = {
    name: 'root',
    probe: () => flatten(f(space.rebuild(start)), 'root (the value of F)').leaves,
    solve: () => {
      const flatF = (x: Float64Array) => space.flatOfLeaves(Fx(space.toLeaves(x)));
      const jacobianAt = (x: Float64Array) => {
        const at = space.toTree(x);
        return (v: Float64Array) => space.toFlat(jvp(f, [at], [space.toTree(v)])[1], 'a Jacobian-vector product');
      };
      const r = newtonKrylov(flatF, jacobianAt, space.flatOfLeaves(start), {
        tol, maxIter: options.maxIter ?? 100, solver, restart: options.restart ?? 30,
      });
      Object.assign(info, {
        converged: r.converged, message: r.message, iterations: r.iterations, evaluations: r.evaluations, jvps: r.jvps, residualNorm: r.residualNorm,
      });
      if (!r.converged) {
        warnOnce(info.warnings, print, 'root-inner',
          `root: Newton–Krylov stopped before ‖F‖∞ ≤ tol (${r.residualNorm.toExponential(2)} > ${tol} after ${r.iterations} steps: ` +
            `${r.message}); x* is not a root, so its implicit derivative is approximate.`);
      }
      return space.toLeaves(r.x);
    },
    residual: (x) => Fx(x),
    adjointSolve: (x, _args, g) => solveJ(x, g, true),
    tangentSolve: (x, _args, r) => solveJ(x, r, false),
  };
  return space.rebuild(solveImplicit(problem, [])) as TensorTree<T>;
}
