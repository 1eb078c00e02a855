/** @file argmin: the minimiser of a loss, differentiable with respect to everything the loss closes over (implicit function theorem). */
import { Tensor } from '../tensor/tensor.js';
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import type { PyTree, TensorLikeTree, TensorTree } from '../core/pytree.js';
import { gradFor, valueAndGradFor } from '../transforms/vjp.js';
import { Space } from './space.js';
import { solveImplicit, StartingPoint, type ImplicitProblem } from './levels.js';
import { hessianOperator, type HvpMode, type LeafOperator } from './hessian.js';
import { derivativeSolve, type DerivativeSystem, type LinearSolveOptions } from './linearSolve.js';
import { UNBOUNDED, lbfgs, type MinimizeResult } from './lbfgs.js';
import { newtonCg } from './newtonCg.js';
import { Reporter, resetAdjointInfo, type AdjointInfo, type ReportOptions } from './diagnostics.js';
import {
  anything, callable, checkCallable, checkOptions, checkScalarResult, checkTolerance, count, flag, nonNegative, oneOf, plainObject, positiveCount,
} from './options.js';
import { extraArguments } from '../core/extraArguments.js';

export interface ArgminOptions<T = PyTree> extends ReportOptions {
  /** The inner optimizer stops when ‖∇θ loss‖∞ ≤ tol (> 0). Default 1e-9. */
  tol?: number | undefined;
  /** Most inner iterations. Default 1000. */
  maxIter?: number | undefined;
  /** Inner optimizer: 'lbfgs' (default; gradients only) or 'newton-cg' (Hessian-vector products; fewer, dearer steps). */
  method?: 'lbfgs' | 'newton-cg' | undefined;
  /** L-BFGS memory (pairs kept). Default 10. */
  memory?: number | undefined;
  /** Hessian-vector products for the implicit derivative (and newton-cg): 'exact' (default) or 'finiteDifference'. */
  hvp?: HvpMode | undefined;
  /** Linear solver for H u = g: 'cg' (default; H positive definite) or 'minres' (H symmetric, possibly indefinite). */
  solver?: 'cg' | 'minres' | undefined;
  /** Solve (H + damping·I) u = g: regularises an ill-conditioned or singular Hessian (biasing the hypergradient). Default 0. */
  damping?: number | undefined;
  /** Relative residual tolerance of that solve. Default 1e-10. */
  solverTol?: number | undefined;
  /** Most Hessian-vector products per solve. Default 10·n, at least 20. */
  solverMaxIter?: number | undefined;
  /**
   * M(v) ≈ H⁻¹v for that solve, with theta0's structure, symmetric positive definite (e.g. one over
   * the Hessian's diagonal): fewer iterations, the same answer.
   */
  preconditioner?: ((v: TensorTree<T>) => TensorLikeTree<T>) | undefined;
  /**
   * Filled in with what happened: see ArgminInfo. Trouble (an inner run or a derivative's solve that
   * did not converge, a Hessian found indefinite) also prints a warning, once per call site, or
   * throws a ConvergenceError with `throw: true`.
   */
  info?: Partial<ArgminInfo> | undefined;
}

export interface ArgminInfo extends AdjointInfo {
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
}

// The options and what each must be (the tolerances are checked on their own, below).
const OPTIONS = {
  tol: anything, maxIter: count, method: oneOf('lbfgs', 'newton-cg'), memory: positiveCount, hvp: oneOf('exact', 'finiteDifference'),
  solver: oneOf('cg', 'minres'), damping: nonNegative, solverTol: anything, solverMaxIter: count, preconditioner: callable,
  info: plainObject, warn: flag, throw: flag,
};

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
 * Diagnostics go into `options.info` (see ArgminInfo); a run or a derivative's solve that does not
 * converge, or a Hessian found indefinite, also prints a warning once per call site (or throws a
 * ConvergenceError with `throw: true`).
 * @example
 * // Ridge regression in one dimension: θ* = Σxy / (Σx² + λ), so dθ* / dλ = −θ* / (Σx² + λ).
 * const x = ad.tensor([1, 2, 3]), y = ad.tensor([2, 4, 7]);
 * const fit = (lam) => ad.argmin((w) => ad.add(ad.mul(0.5, ad.sum(ad.square(ad.sub(ad.mul(w, x), y)))),
 *   ad.mul(ad.mul(0.5, lam), ad.square(w))), ad.tensor(0));
 * ad.grad(fit)(1); // −31/225
 */
export function argmin<T>(loss: (theta: TensorTree<T>) => PyTree, theta0: T, options?: ArgminOptions<T>): TensorTree<T>;
export function argmin<T>(loss: (theta: TensorTree<T>) => PyTree, theta0: T, options: ArgminOptions<T> = {}, ...extra: unknown[]): TensorTree<T> {
  if (extra.length > 0) extraArguments('argmin', 'argmin(loss, theta0, options?)', extra, options);
  if (typeof loss !== 'function' && ((loss as unknown) instanceof Tensor || Array.isArray(loss) || typeof loss === 'number')) {
    // numpy.argmin's name: say where that one is (ad.argmin minimises a function)
    throw new InvalidArgumentError(
      `argmin: loss must be a function, e.g. (theta) => ad.sum(ad.square(theta)); got ${describe(loss)}. ad.argmin minimises a function ` +
        '(jaxopt-style, differentiable by the implicit function theorem); for the index of the smallest entry (numpy.argmin) use ad.minIndex(x, axis?).',
    );
  }
  checkCallable('argmin', 'loss', loss, '(theta) => ad.sum(ad.square(theta))');
  checkOptions('argmin', options, OPTIONS);
  checkTolerance('argmin', 'tol', options.tol);
  checkTolerance('argmin', 'solverTol', options.solverTol);
  const space = Space.ofUnknowns(theta0, 'argmin', 'theta0');
  const start = new StartingPoint(theta0, 'argmin');
  const info = resetAdjointInfo<ArgminInfo>(options.info);
  Object.assign(info, { converged: false, message: '', iterations: 0, evaluations: 0, hvps: 0, gradientNorm: NaN, value: NaN });
  const reporter = new Reporter('argmin', info, options);
  let solves = 0;
  const f = loss as (theta: any) => PyTree;
  const hvpMode = options.hvp ?? 'exact';
  const tol = options.tol ?? 1e-9;

  const gradient = (x: readonly Tensor[]): Tensor[] => space.leaves(gradFor(f, 'argmin')(space.rebuild(x)), 'the gradient of loss must have');
  // H u = g for a backward pass, H v = r for a forward-mode pass (H is symmetric: one system for both).
  const system = (x: readonly Tensor[]): DerivativeSystem => {
    const H = hessianOperator(f, x, space, hvpMode);
    return {
      kind: options.solver ?? 'cg',
      matvec: (v: PyTree) => space.rebuild(H(space.leaves(v, 'a vector must have'))),
      space, reporter,
      settings: { tol: options.solverTol ?? 1e-10, maxIter: options.solverMaxIter, damping: options.damping ?? 0, preconditioner: options.preconditioner as LinearSolveOptions['preconditioner'] },
      matrix: 'the Hessian at θ*',
      curvatureAdvice: 'So θ* is not a strict minimum: check the inner run, or add damping.',
      advice: 'The Hessian may be ill-conditioned or singular: raise solverMaxIter, loosen solverTol, pass a preconditioner, or add damping.',
      release: () => H.release?.(),
    };
  };

  const problem: ImplicitProblem = {
    name: 'argmin',
    // The loss at θ0 depends on the hyperparameters the way the solution does: its trace levels are theirs.
    probe: () => {
      const value = f(space.rebuild(start.forProbe()));
      checkScalarResult('argmin', 'loss', value);
      return [value as Tensor | number];
    },
    solve: () => {
      const fg = (x: Float64Array) => {
        const [value, g] = valueAndGradFor(f, 'argmin')(space.toTree(x));
        return { f: value.item(), g: space.toFlat(g, 'the gradient of loss must have') };
      };
      const settings = { tol, maxIter: options.maxIter ?? 1000, memory: options.memory ?? 10 };
      const x0 = space.flatOfLeaves(start.values());
      // Each Newton step's Hessian operator keeps a tape until the next step replaces it.
      let H: LeafOperator | null = null;
      let r: MinimizeResult;
      try {
        r = options.method === 'newton-cg'
          ? newtonCg(fg, (x) => {
            H?.release?.();
            const at = (H = hessianOperator(f, space.toLeaves(x), space, hvpMode));
            return (v) => space.flatOfLeaves(at(space.toLeaves(v)));
          }, x0, settings)
          : lbfgs(fg, x0, settings);
      } finally {
        (H as LeafOperator | null)?.release?.();
      }
      // Under vmap there is one solve per example: the figures are the last one's, `converged` all of them.
      const every = solves++ === 0 || info.converged === true;
      Object.assign(info, {
        converged: every && r.converged, message: r.message, iterations: r.iterations, evaluations: r.evaluations, hvps: r.hvps,
        gradientNorm: r.gradientNorm, value: r.f,
      });
      if (!r.converged) {
        reporter.report('inner',
          `argmin: the inner optimizer stopped before ‖∇θ loss‖∞ ≤ tol (${r.gradientNorm.toExponential(2)} > ${tol} ` +
            `after ${r.iterations} iterations: ${r.message}); θ* is not quite stationary, so its implicit derivative is approximate. ` +
            (r.message.startsWith(UNBOUNDED) ? 'Give the loss a minimum (a regulariser, a bounded parameterisation).' : 'Raise maxIter, or warm-start theta0 from a previous solution.'));
      }
      return space.toLeaves(r.x);
    },
    residual: (x) => gradient(x),
    adjointSolve: (x, _args, g) => derivativeSolve(system(x), 'backward', g),
    tangentSolve: (x, _args, r) => derivativeSolve(system(x), 'forward-mode', r),
  };
  return space.rebuild(solveImplicit(problem, [])) as TensorTree<T>;
}

