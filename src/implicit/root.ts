/** @file root: a solution of F(x) = 0, differentiable with respect to everything F closes over (implicit function theorem). */
import type { Tensor } from '../tensor/tensor.js';
import type { PyTree, TensorTree } from '../core/pytree.js';
import { jvpAs } from '../transforms/jvp.js';
import { releasablePullback } from '../transforms/vjp.js';
import { reorderLike } from '../core/pytree.js';
import { Space } from './space.js';
import { StartingPoint, solveImplicit, type ImplicitProblem } from './levels.js';
import { derivativeSolve, type DerivativeSystem } from './linearSolve.js';
import { newtonKrylov } from './newtonKrylov.js';
import { Reporter, resetAdjointInfo, type AdjointInfo, type ReportOptions } from './diagnostics.js';
import { anything, checkCallable, checkOptions, checkTolerance, count, flag, nonNegative, oneOf, plainObject, positiveCount } from './options.js';
import { extraArguments } from '../core/extraArguments.js';

export interface RootOptions extends ReportOptions {
  /** Stop when ‖F(x)‖∞ ≤ tol (> 0). Default 1e-10. */
  tol?: number | undefined;
  /** Most Newton steps. Default 100. */
  maxIter?: number | undefined;
  /**
   * Krylov solver for Newton's steps and for the implicit derivative: 'gmres' (default, any
   * Jacobian), or 'cg' / 'minres' when ∂F/∂x is symmetric (positive definite for cg).
   */
  solver?: 'gmres' | 'cg' | 'minres' | undefined;
  /** Solve (Jᵀ + damping·I) u = x̄ in the backward pass (regularises a nearly singular Jacobian). Default 0. */
  damping?: number | undefined;
  /** Relative residual tolerance of the implicit derivative's solve. Default 1e-10. */
  solverTol?: number | undefined;
  /** Most products per such solve. Default 10·n, at least 20. */
  solverMaxIter?: number | undefined;
  /** GMRES restart length. Default 30. */
  restart?: number | undefined;
  /**
   * Filled in with what happened: see RootInfo. A Newton run or a derivative's solve that does not
   * converge also prints a warning, once per call site, or throws a ConvergenceError with `throw: true`.
   */
  info?: Partial<RootInfo> | undefined;
}

export interface RootInfo extends AdjointInfo {
  converged: boolean;
  message: string;
  /** Newton steps. */
  iterations: number;
  /** Evaluations of F in the line searches, and Jacobian-vector products in the Newton solves. */
  evaluations: number;
  jvps: number;
  /** ‖F(x*)‖∞. */
  residualNorm: number;
}

// The options and what each must be (the tolerances are checked on their own, below).
const OPTIONS = {
  tol: anything, maxIter: count, solver: oneOf('gmres', 'cg', 'minres'), damping: nonNegative, solverTol: anything,
  solverMaxIter: count, restart: positiveCount, info: plainObject, warn: flag, throw: flag,
};

/**
 * x* with F(x*) = 0, by Newton–Krylov from `x0` (GMRES on Jacobian-vector products, backtracking
 * on ‖F‖) to ‖F‖∞ ≤ tol, and **differentiable with respect to every tensor F closes over**: by
 * the implicit function theorem dx* = −J⁻¹ ∂F/∂λ dλ with J = ∂F/∂x at x*, so a backward pass
 * makes one solve Jᵀu = x̄ (GMRES over VJPs of F) and one VJP of λ ↦ F(x*, λ) with cotangent −u.
 * Fixed points z = f(z) are roots of F(z) = z − f(z): implicit layers, equilibrium models.
 *
 * `F` maps x's structure to x's structure. `x0` receives no gradient. Diagnostics go into
 * `options.info`; a run or a derivative's solve that does not converge prints a warning once per
 * call site (or throws a ConvergenceError with `throw: true`).
 * @example
 * // The cube root: x³ = a, dx/da = 1/(3x²)
 * const cbrt = (a) => ad.root((x) => ad.sub(ad.pow(x, 3), a), ad.tensor(1));
 * ad.grad(cbrt)(8); // 1/12
 */
export function root<T>(F: (x: TensorTree<T>) => PyTree, x0: T, options?: RootOptions): TensorTree<T>;
export function root<T>(F: (x: TensorTree<T>) => PyTree, x0: T, options: RootOptions = {}, ...extra: unknown[]): TensorTree<T> {
  if (extra.length > 0) extraArguments('root', 'root(F, x0, options?)', extra, options);
  checkCallable('root', 'F', F, '(x) => ad.sub(ad.pow(x, 3), 2)');
  checkOptions('root', options, OPTIONS);
  checkTolerance('root', 'tol', options.tol);
  checkTolerance('root', 'solverTol', options.solverTol);
  const solver = options.solver ?? 'gmres';
  const space = Space.ofUnknowns(x0, 'root', 'x0');
  const start = new StartingPoint(x0, 'root');
  const info = resetAdjointInfo<RootInfo>(options.info);
  Object.assign(info, { converged: false, message: '', iterations: 0, evaluations: 0, jvps: 0, residualNorm: NaN });
  const reporter = new Reporter('root', info, options);
  let solves = 0;
  // F's result in x0's key order (a tree rebuilt by tree.map has its keys sorted): the derivative
  // solves pair F's leaves with x's by position, as the forward solve does by key.
  const f = (x: any): PyTree => reorderLike((F as (x: any) => PyTree)(x), space.def, 'root') as PyTree;
  const tol = options.tol ?? 1e-10;
  const Fx = (x: readonly Tensor[]): Tensor[] => space.leaves(f(space.rebuild(x)), 'F must return');

  // Jᵀu = x̄ for a backward pass, J v = r for a forward-mode pass, J = ∂F/∂x at x*.
  const system = (x: readonly Tensor[], transpose: boolean): DerivativeSystem => {
    let linear: ReturnType<typeof releasablePullback> | null = null;
    const matvec = transpose || solver !== 'gmres'
      ? (v: PyTree) => (linear ??= releasablePullback((z: PyTree) => f(z), space.rebuild(x), 'root')).pullback(v)
      : (v: PyTree) => jvpAs(f, [space.rebuild(x)], [v], 'root', 'direction')[1] as PyTree;
    return {
      kind: solver, matvec, space, reporter,
      release: () => linear?.release(),
      settings: { tol: options.solverTol ?? 1e-10, maxIter: options.solverMaxIter, damping: options.damping ?? 0, restart: options.restart },
      matrix: '∂F/∂x at x*',
      curvatureAdvice: "Use solver: 'minres' (symmetric ∂F/∂x) or 'gmres'.",
      advice: '∂F/∂x may be singular at x*: raise solverMaxIter, or add damping.',
    };
  };

  const problem: ImplicitProblem = {
    name: 'root',
    probe: () => Fx(start.forProbe()),
    solve: () => {
      const flatF = (x: Float64Array) => space.flatOfLeaves(Fx(space.toLeaves(x)));
      const jacobianAt = (x: Float64Array) => {
        const at = space.toTree(x);
        return (v: Float64Array) => space.toFlat(jvpAs(f, [at], [space.toTree(v)], 'root', 'direction')[1], 'a Jacobian-vector product must have');
      };
      const r = newtonKrylov(flatF, jacobianAt, space.flatOfLeaves(start.values()), {
        tol, maxIter: options.maxIter ?? 100, solver, restart: options.restart ?? 30,
      });
      // Under vmap there is one solve per example: the figures are the last one's, `converged` all of them.
      const every = solves++ === 0 || info.converged === true;
      Object.assign(info, {
        converged: every && r.converged, message: r.message, iterations: r.iterations, evaluations: r.evaluations, jvps: r.jvps, residualNorm: r.residualNorm,
      });
      if (!r.converged) {
        reporter.report('inner',
          `root: Newton–Krylov stopped before ‖F‖∞ ≤ tol (${r.residualNorm.toExponential(2)} > ${tol} after ${r.iterations} steps: ` +
            `${r.message}); x* is not a root, so its implicit derivative is approximate. Raise maxIter, or start x0 closer to a root.`);
      }
      return space.toLeaves(r.x);
    },
    residual: (x) => Fx(x),
    adjointSolve: (x, _args, g) => derivativeSolve(system(x, true), 'backward', g),
    tangentSolve: (x, _args, r) => derivativeSolve(system(x, false), 'forward-mode', r),
  };
  return space.rebuild(solveImplicit(problem, [])) as TensorTree<T>;
}
