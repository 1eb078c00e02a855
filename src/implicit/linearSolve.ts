/** @file The public matrix-free solvers cg, minres and gmres over pytrees; their solutions are differentiable. */
import { redirectContext } from '../core/redirects.js';
import { runningTraces } from '../core/trace.js';
import { Tensor } from '../tensor/tensor.js';
import type { PyTree, TensorLikeTree, TensorPyTree, TensorTree } from '../core/pytree.js';
import { add, mul, sub } from '../ops/binary.js';
import { vjp, type Pullback } from '../transforms/vjp.js';
import { Space } from './space.js';
import { cgKernel } from './cgKernel.js';
import { minresKernel } from './minresKernel.js';
import { gmresKernel } from './gmresKernel.js';
import { verifiedKernel, type FlatOperator, type KernelOptions, type KernelResult } from './krylov.js';
import { plainLeaves, solveImplicit, type ImplicitProblem } from './levels.js';
import { isBatched } from '../transforms/vmap.js';
import { Reporter, resetAdjointInfo, type AdjointInfo, type LinearSolveInfo, type ReportOptions } from './diagnostics.js';
import {
  anything, callable, checkCallable, checkOptions, checkTolerance, count, finite, flag, nonNegative, plainObject, positiveCount,
} from './options.js';
import { extraArguments } from '../core/extraArguments.js';

export interface LinearSolveOptions<T = PyTree> extends ReportOptions {
  /** Relative tolerance: stop when ‖b − A x‖ ≤ max(tol·‖b‖, atol); > 0, or 0 with atol > 0. Default 1e-10. */
  tol?: number | undefined;
  /** Absolute tolerance on the residual norm. Default 0. */
  atol?: number | undefined;
  /** Most products with A. Default 10·n (n the number of unknowns), at least 20. */
  maxIter?: number | undefined;
  /** Solve (A + damping·I) x = b instead (Tikhonov damping, for ill-conditioned or singular A). Default 0. */
  damping?: number | undefined;
  /**
   * M(r) ≈ A⁻¹ r, a linear map with b's structure: symmetric positive definite for cg and minres.
   * It changes how fast the solve converges, not what it converges to.
   */
  preconditioner?: ((r: TensorTree<T>) => TensorLikeTree<T>) | undefined;
  /** A starting point (warm start), with b's structure. Default zero. */
  x0?: TensorLikeTree<T> | undefined;
  /** gmres only: the Krylov space is rebuilt from the current residual every `restart` products. Default 30. */
  restart?: number | undefined;
  /**
   * Filled in with the linear solves of derivative passes — a backward pass solves Aᵀu = x̄, a
   * forward-mode pass A ẋ = r — and every warning: see AdjointInfo. Such a solve that does not
   * converge (or cg finding A not positive definite) also prints a warning, once per call site,
   * or throws a ConvergenceError with `throw: true`.
   */
  info?: Partial<AdjointInfo> | undefined;
}

export interface LinearSolveResult<X = TensorPyTree> {
  /** The solution, with b's structure (leaves as tensors): differentiable with respect to b and every tensor matvec closes over. */
  x: X;
  /** Products with A that the iteration made. */
  iterations: number;
  /** ‖b − A x‖ at the end (minres with a preconditioner: in the preconditioner's norm). */
  residualNorm: number;
  /** Whether the residual met the tolerance. A solve that did not converge returns its last iterate. */
  converged: boolean;
  /** cg only: A was found not positive definite (a direction with pᵀAp ≤ 0); always false for minres and gmres. */
  negativeCurvature: boolean;
}

export type SolverKind = 'cg' | 'minres' | 'gmres';

const KERNELS: Record<SolverKind, (A: FlatOperator, b: Float64Array, o: KernelOptions & { restart: number }) => KernelResult> = {
  // cg's and minres's residuals are recurrences that drift from ‖b − A x‖: checked at the end (krylov.ts).
  cg: verifiedKernel(cgKernel, false),
  minres: verifiedKernel(minresKernel, true),
  gmres: gmresKernel,
};

/**
 * Solves A x = b matrix-free with conjugate gradient, for symmetric positive definite A given as
 * `matvec(v) = A v` on pytrees with b's structure. Returns the status instead of throwing: check
 * `converged`, and `negativeCurvature` if A may be indefinite (then use `minres`).
 *
 * `x` is differentiable with respect to b and to every tensor `matvec` closes over, by the
 * implicit function theorem (one more solve in the backward pass; the iterations themselves are
 * not taped), to any order and in forward mode too. That solve has no result for you to check, so
 * it reports instead: its statistics go into `options.info`, and if it does not converge (or cg
 * finds A not positive definite, and redoes it with minres) a warning is printed once per call
 * site — or, with `throw: true`, a ConvergenceError is thrown (for this solve too).
 * @example
 * const A = ad.tensor([[4, 1], [1, 3]]);
 * const { x, converged } = ad.cg((v) => ad.matmul(A, v), ad.tensor([1, 2]));
 * x; // [1/11, 7/11]
 */
export function cg<T>(matvec: (v: TensorTree<T>) => TensorLikeTree<T>, b: T, options?: LinearSolveOptions<T>): LinearSolveResult<TensorTree<T>>;
export function cg<T>(
  matvec: (v: TensorTree<T>) => TensorLikeTree<T>, b: T, options: LinearSolveOptions<T> = {}, ...extra: unknown[]
): LinearSolveResult<TensorTree<T>> {
  if (extra.length > 0) extraArguments('cg', 'cg(matvec, b, options?)', extra, options);
  return solvePublic('cg', matvec, b, options);
}

/**
 * Solves A x = b matrix-free with MINRES, for symmetric A that may be indefinite or singular
 * (a saddle point's Hessian): each iterate minimises ‖b − A x‖ over the Krylov space. Same
 * options, result and differentiability as `cg`; a preconditioner must be positive definite.
 * @example
 * const A = ad.tensor([[1, 2], [2, -3]]); // eigenvalues of both signs
 * ad.minres((v) => ad.matmul(A, v), ad.tensor([3, -1])).x; // [1, 1]
 */
export function minres<T>(matvec: (v: TensorTree<T>) => TensorLikeTree<T>, b: T, options?: LinearSolveOptions<T>): LinearSolveResult<TensorTree<T>>;
export function minres<T>(
  matvec: (v: TensorTree<T>) => TensorLikeTree<T>, b: T, options: LinearSolveOptions<T> = {}, ...extra: unknown[]
): LinearSolveResult<TensorTree<T>> {
  if (extra.length > 0) extraArguments('minres', 'minres(matvec, b, options?)', extra, options);
  return solvePublic('minres', matvec, b, options);
}

/**
 * Solves A x = b matrix-free with restarted GMRES, for any non-singular A (a Jacobian). Same
 * options, result and differentiability as `cg` (the backward pass solves with Aᵀ, whose products
 * come from a VJP of `matvec`, so `matvec` must be linear in its argument).
 * @example
 * const A = ad.tensor([[2, 1], [0, 3]]);
 * ad.gmres((v) => ad.matmul(A, v), ad.tensor([3, 3])).x; // [1, 1]
 */
export function gmres<T>(matvec: (v: TensorTree<T>) => TensorLikeTree<T>, b: T, options?: LinearSolveOptions<T>): LinearSolveResult<TensorTree<T>>;
export function gmres<T>(
  matvec: (v: TensorTree<T>) => TensorLikeTree<T>, b: T, options: LinearSolveOptions<T> = {}, ...extra: unknown[]
): LinearSolveResult<TensorTree<T>> {
  if (extra.length > 0) extraArguments('gmres', 'gmres(matvec, b, options?)', extra, options);
  return solvePublic('gmres', matvec, b, options);
}

// The options and what each must be (tol is checked with atol, below).
const OPTIONS = {
  tol: anything, atol: nonNegative, maxIter: count, damping: finite, preconditioner: callable, x0: anything,
  restart: positiveCount, info: plainObject, warn: flag, throw: flag,
};

/** The public entry: checks, then solves, reporting to the caller's info object. */
function solvePublic<T>(kind: SolverKind, matvec: unknown, b: T, options: LinearSolveOptions<T>): LinearSolveResult<TensorTree<T>> {
  checkCallable(kind, 'matvec', matvec, '(v) => ad.matmul(A, v)');
  checkOptions(kind, options, OPTIONS);
  checkTolerance(kind, 'tol', options.tol, options.atol ?? 0);
  const reporter = new Reporter(kind, resetAdjointInfo(options.info), options);
  const result = linearSolve(kind, matvec as (v: any) => PyTree, b as PyTree, options as unknown as LinearSolveOptions, reporter);
  if (!result.converged && reporter.throws) {
    reporter.report('solve', `${kind}: the solve did not converge (${describeSolve(statsOf(kind, result))}). ` +
      `Raise maxIter, loosen tol${kind === 'cg' ? ', or use minres if A is not positive definite' : ''}.`, statsOf(kind, result));
  }
  return result as LinearSolveResult<TensorTree<T>>; // x has b's structure, its leaves tensors
}

const statsOf = (solver: SolverKind, r: LinearSolveResult): LinearSolveInfo => ({
  solver, iterations: r.iterations, residualNorm: r.residualNorm, converged: r.converged, negativeCurvature: r.negativeCurvature,
});

const describeSolve = (s: LinearSolveInfo) =>
  `${s.solver}, ${s.iterations} iterations, residual ${s.residualNorm.toExponential(2)}${s.negativeCurvature ? ', negative curvature' : ''}`;

/** The linear system of a derivative pass: what derivativeSolve needs to solve it and to word its reports. */
export interface DerivativeSystem {
  readonly kind: SolverKind;
  /** v ↦ Aᵀv for a backward pass, v ↦ A v for a forward-mode pass. */
  readonly matvec: (v: any) => PyTree;
  readonly space: Space;
  readonly settings: LinearSolveOptions;
  readonly reporter: Reporter;
  /** The matrix in words: 'A', 'the Hessian at θ*'. */
  readonly matrix: string;
  /** What it means, and what to do, when cg finds the matrix not positive definite. */
  readonly curvatureAdvice: string;
  /** What to do when the solve does not converge. */
  readonly advice: string;
  /** Returns what `matvec` holds (a pullback's tape) once the solve is done. */
  readonly release?: () => void;
}

/**
 * Solves the linear system of a backward pass (the adjoint solve Aᵀu = x̄) or of a forward-mode
 * pass (the tangent solve A ẋ = r), and reports how it went: the statistics go to the info object,
 * and a solve that did not converge is warned about (or thrown with `{ throw: true }`), since the
 * derivative is then only approximate. cg meeting negative curvature (pᵀAp ≤ 0, so A is not
 * positive definite and cg's iterate is meaningless — for diag(1, −1) and rhs (1, 1) it is 0) is
 * reported too, and the solve redone with minres, which needs only symmetry. @internal
 */
export function derivativeSolve(system: DerivativeSystem, pass: 'backward' | 'forward-mode', rhs: readonly Tensor[]): Tensor[] {
  const { space, reporter, matvec, settings } = system;
  const solve = pass === 'backward' ? 'adjoint' : 'tangent';
  const b = space.rebuild(rhs);
  let solver = system.kind;
  let r: LinearSolveResult;
  try {
    r = linearSolve(solver, matvec, b, settings, reporter, space);
    if (r.negativeCurvature) {
      reporter.report('curvature',
        `${reporter.op}: cg met negative curvature (pᵀAp ≤ 0) in the ${solve} solve of a ${pass} pass: ${system.matrix} is not ` +
          `positive definite, so the derivative was computed with minres instead. ${system.curvatureAdvice}`, statsOf(solver, r));
      solver = 'minres';
      r = linearSolve(solver, matvec, b, settings, reporter, space);
    }
  } finally {
    // Only when no transformation records this solve: under an active one (grad of grad, jvp of
    // grad) the solution's own derivative pulls back through that tape again.
    if (!runningTraces().some((t) => t.active)) system.release?.();
  }
  const stats = statsOf(solver, r);
  reporter.solved(stats);
  if (!r.converged) {
    reporter.report('solve',
      `${reporter.op}: the ${solve} solve of a ${pass} pass did not converge (${describeSolve(stats)}), so the derivative is ` +
        `approximate. ${system.advice}`, stats);
  }
  return space.leaves(r.x, 'the solve must return');
}

/**
 * The solver behind cg, minres and gmres; its derivative passes report to `reporter` (argmin and
 * root pass their own). A derivative's solve passes its caller's space as `like`, so a misshapen
 * preconditioner or matvec is named in the user's terms ("argmin: … theta0 has shape [2]", not
 * "cg: … b has shape [2]"). @internal
 */
export function linearSolve(
  kind: SolverKind, matvec: (v: any) => PyTree, b: PyTree, options: LinearSolveOptions, reporter: Reporter, like?: Space,
): LinearSolveResult {
  const op = kind;
  const space = Space.of(b, like?.op ?? op, like?.ref ?? 'b');
  const bLeaves = space.leaves(b, 'b must have');
  // A warm start receives no gradient; mapped under vmap it makes the solve run per example (the
  // probe below sees it) and is read as that example's slice, as argmin's theta0 (it read the whole
  // batch's values and failed).
  const x0Batched = options.x0 === undefined ? [] : space.leaves(options.x0, 'x0 must have').filter(isBatched);
  const damping = options.damping ?? 0;
  const A = (leaves: readonly Tensor[]): Tensor[] => {
    const out = space.leaves(matvec(space.rebuild(leaves)), 'matvec must return');
    return damping === 0 ? out : out.map((o, i) => add(o, mul(damping, leaves[i]!)));
  };
  const kernelOptions = (Ab: Float64Array | null) => ({
    tol: options.tol ?? 1e-10,
    atol: options.atol ?? 0,
    maxIter: options.maxIter ?? Math.max(20, 10 * space.size),
    x0: options.x0 === undefined ? null : space.flatOfLeaves(plainLeaves(options.x0, op)),
    preconditioner: options.preconditioner
      ? (v: Float64Array) => space.toFlat(options.preconditioner!(space.toTree(v)), 'the preconditioner must return')
      : null,
    restart: options.restart ?? 30,
    Ab,
  });
  // The solves of the backward (transposed) and forward (same) passes use the same settings.
  const again = { tol: options.tol, atol: options.atol, maxIter: options.maxIter, damping, restart: options.restart };
  // Aᵀv is the VJP of the linear map v ↦ A v (at any point; zero is as good as any), recorded once
  // per context: under vmap each example reads the closures of A as its own slice (a redirect).
  const transposed = new Map<object | null, Map<object | null, Pullback>>();
  const matvecT = (v: PyTree) => {
    const [restoredSet, paused] = redirectContext();
    let byPaused = transposed.get(restoredSet);
    if (byPaused === undefined) transposed.set(restoredSet, (byPaused = new Map()));
    let pullback = byPaused.get(paused);
    if (pullback === undefined) {
      pullback = vjp((z: PyTree) => matvec(z), space.toTree(new Float64Array(space.size)))[1];
      byPaused.set(paused, pullback);
    }
    return pullback(v)[0];
  };
  const system = (transpose: boolean): DerivativeSystem => ({
    kind, space, reporter,
    matvec: transpose ? matvecT : matvec,
    settings: transpose ? again : { ...again, preconditioner: options.preconditioner },
    matrix: 'A',
    curvatureAdvice: 'Use minres for a symmetric indefinite A (and check the negativeCurvature of the solve itself).',
    advice: 'Raise maxIter or loosen tol; if A is ill-conditioned, pass a preconditioner or damping.',
  });
  let status: KernelResult | null = null;
  // Every solve of this call: one, or one per example under vmap (reported as the worst of them).
  const statuses: KernelResult[] = [];
  // The IFT derivative is that of the exact solution A⁻¹b: of the returned x only if the solve converged.
  const checkSolved = () => {
    const s = status!;
    if (s.converged) return;
    reporter.report('inexact',
      `${op}: differentiating a solve that did not converge (${describeSolve({ solver: kind, ...s })}): the derivative is that ` +
        'of the exact solution A⁻¹b, not of the returned iterate. Check converged, and raise maxIter or loosen tol.');
  };
  const problem: ImplicitProblem = {
    name: op,
    probe: (args) => [...A(args), ...x0Batched],
    solve: (args, probed) => {
      const flatA: FlatOperator = (v) => space.flatOfLeaves(A(space.toLeaves(v)));
      const Ab = space.flatOfLeaves(probed.slice(0, space.shapes.length) as Tensor[]);
      status = KERNELS[kind](flatA, space.flatOfLeaves(args), kernelOptions(Ab));
      statuses.push(status);
      if (statuses.length > 1) status = worstOf(statuses);
      return space.toLeaves(statuses[statuses.length - 1]!.x);
    },
    residual: (x, args) => A(x).map((ax, i) => sub(ax, args[i]!)),
    adjointSolve: (_x, _args, g) => {
      checkSolved();
      return derivativeSolve(system(kind === 'gmres'), 'backward', g);
    },
    tangentSolve: (_x, _args, r) => {
      checkSolved();
      return derivativeSolve(system(false), 'forward-mode', r);
    },
  };
  const x = solveImplicit(problem, bLeaves);
  const s = status as KernelResult | null;
  if (s === null) throw new Error(`internal: ${op} finished without solving`);
  return {
    x: space.rebuild(x),
    iterations: s.iterations,
    residualNorm: s.residualNorm,
    converged: s.converged,
    negativeCurvature: s.negativeCurvature,
  };
}

/**
 * The statistics of several solves (one per example under vmap) as one honest summary: the most
 * iterations, the largest residual, converged only if every solve did, negative curvature if any met it.
 */
function worstOf(all: readonly KernelResult[]): KernelResult {
  return {
    ...all[all.length - 1]!,
    iterations: Math.max(...all.map((s) => s.iterations)),
    residualNorm: Math.max(...all.map((s) => s.residualNorm)),
    converged: all.every((s) => s.converged),
    negativeCurvature: all.some((s) => s.negativeCurvature),
  };
}
