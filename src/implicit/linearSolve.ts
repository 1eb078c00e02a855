/** @file The public matrix-free solvers cg, minres and gmres over pytrees; their solutions are differentiable. */
import { Tensor } from '../tensor/tensor.js';
import type { PyTree } from '../core/pytree.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add, mul, sub } from '../ops/binary.js';
import { vjp, type Pullback } from '../transforms/vjp.js';
import { checkFunction } from '../transforms/args.js';
import { Space } from './space.js';
import { cgKernel } from './cgKernel.js';
import { minresKernel } from './minresKernel.js';
import { gmresKernel } from './gmresKernel.js';
import type { FlatOperator, KernelOptions, KernelResult } from './krylov.js';
import { solveImplicit, type ImplicitProblem } from './levels.js';

export interface LinearSolveOptions<T = any> {
  /** Relative tolerance: stop when ‖b − A x‖ ≤ max(tol·‖b‖, atol). Default 1e-10. */
  tol?: number;
  /** Absolute tolerance on the residual norm. Default 0. */
  atol?: number;
  /** Most products with A. Default 10·n (n the number of unknowns), at least 20. */
  maxIter?: number;
  /** Solve (A + damping·I) x = b instead (Tikhonov damping, for ill-conditioned or singular A). Default 0. */
  damping?: number;
  /**
   * M(r) ≈ A⁻¹ r, a linear map with b's structure: symmetric positive definite for cg and minres.
   * It changes how fast the solve converges, not what it converges to.
   */
  preconditioner?: (r: T) => PyTree;
  /** A starting point (warm start), with b's structure. Default zero. */
  x0?: T;
  /** gmres only: the Krylov space is rebuilt from the current residual every `restart` products. Default 30. */
  restart?: number;
}

export interface LinearSolveResult<X = any> {
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
  cg: cgKernel,
  minres: minresKernel,
  gmres: gmresKernel,
};

/**
 * Solves A x = b matrix-free with conjugate gradient, for symmetric positive definite A given as
 * `matvec(v) = A v` on pytrees with b's structure. Returns the status instead of throwing: check
 * `converged`, and `negativeCurvature` if A may be indefinite (then use `minres`).
 *
 * `x` is differentiable with respect to b and to every tensor `matvec` closes over, by the
 * implicit function theorem (one more solve in the backward pass; the iterations themselves are
 * not taped), to any order and in forward mode too.
 * @example
 * const A = ad.tensor([[4, 1], [1, 3]]);
 * const { x, converged } = ad.cg((v) => ad.matmul(A, v), ad.tensor([1, 2]));
 * x; // [1/11, 7/11]
 */
export function cg<T extends PyTree>(
  matvec: (v: T) => PyTree, b: T, options: LinearSolveOptions<T> = {},
): LinearSolveResult<T> {
  return linearSolve('cg', matvec, b, options);
}

/**
 * Solves A x = b matrix-free with MINRES, for symmetric A that may be indefinite or singular
 * (a saddle point's Hessian): each iterate minimises ‖b − A x‖ over the Krylov space. Same
 * options, result and differentiability as `cg`; a preconditioner must be positive definite.
 * @example
 * const A = ad.tensor([[1, 2], [2, -3]]); // eigenvalues of both signs
 * ad.minres((v) => ad.matmul(A, v), ad.tensor([3, -1])).x; // [1, 1]
 */
export function minres<T extends PyTree>(
  matvec: (v: T) => PyTree, b: T, options: LinearSolveOptions<T> = {},
): LinearSolveResult<T> {
  return linearSolve('minres', matvec, b, options);
}

/**
 * Solves A x = b matrix-free with restarted GMRES, for any non-singular A (a Jacobian). Same
 * options, result and differentiability as `cg` (the backward pass solves with Aᵀ, whose products
 * come from a VJP of `matvec`, so `matvec` must be linear in its argument).
 * @example
 * const A = ad.tensor([[2, 1], [0, 3]]);
 * ad.gmres((v) => ad.matmul(A, v), ad.tensor([3, 3])).x; // [1, 1]
 */
export function gmres<T extends PyTree>(
  matvec: (v: T) => PyTree, b: T, options: LinearSolveOptions<T> = {},
): LinearSolveResult<T> {
  return linearSolve('gmres', matvec, b, options);
}

function checkOptions(o: LinearSolveOptions, op: string): void {
  const bad = (name: string, v: unknown, what: string) => {
    throw new InvalidArgumentError(`${op}: option ${name} must be ${what}, got ${String(v)}.`);
  };
  if (o.tol !== undefined && !(o.tol >= 0)) bad('tol', o.tol, 'a number ≥ 0');
  if (o.atol !== undefined && !(o.atol >= 0)) bad('atol', o.atol, 'a number ≥ 0');
  if (o.damping !== undefined && !Number.isFinite(o.damping)) bad('damping', o.damping, 'a finite number');
  if (o.maxIter !== undefined && !(Number.isInteger(o.maxIter) && o.maxIter >= 0)) bad('maxIter', o.maxIter, 'an integer ≥ 0');
  if (o.restart !== undefined && !(Number.isInteger(o.restart) && o.restart >= 1)) bad('restart', o.restart, 'an integer ≥ 1');
  if (o.preconditioner !== undefined) checkFunction(o.preconditioner, `${op} (preconditioner)`);
}

/** The solver behind cg, minres and gmres. @internal */
export function linearSolve(kind: SolverKind, matvec: (v: any) => PyTree, b: PyTree, options: LinearSolveOptions): LinearSolveResult {
  const op = kind;
  checkFunction(matvec, op);
  checkOptions(options, op);
  const space = Space.of(b, op);
  const bLeaves = space.leaves(b, 'b');
  const damping = options.damping ?? 0;
  const A = (leaves: readonly Tensor[]): Tensor[] => {
    const out = space.leaves(matvec(space.rebuild(leaves)), 'the result of matvec');
    return damping === 0 ? out : out.map((o, i) => add(o, mul(damping, leaves[i]!)));
  };
  const kernelOptions = (Ab: Float64Array | null) => ({
    tol: options.tol ?? 1e-10,
    atol: options.atol ?? 0,
    maxIter: options.maxIter ?? Math.max(20, 10 * space.size),
    x0: options.x0 === undefined ? null : space.toFlat(options.x0, 'x0'),
    preconditioner: options.preconditioner
      ? (v: Float64Array) => space.toFlat(options.preconditioner!(space.toTree(v)), 'the result of the preconditioner')
      : null,
    restart: options.restart ?? 30,
    Ab,
  });
  // The solves of the backward (transposed) and forward (same) passes use the same settings.
  const again = { tol: options.tol, atol: options.atol, maxIter: options.maxIter, damping, restart: options.restart };
  let transposed: Pullback | null = null;
  const matvecT = (v: PyTree) => {
    // Aᵀv is the VJP of the linear map v ↦ A v (at any point; zero is as good as any).
    transposed ??= vjp((z: PyTree) => matvec(z), space.toTree(new Float64Array(space.size)))[1];
    return transposed(v)[0];
  };
  let status: KernelResult | null = null;
  const problem: ImplicitProblem = {
    name: op,
    probe: (args) => A(args),
    solve: (args, probed) => {
      const flatA: FlatOperator = (v) => space.flatOfLeaves(A(space.toLeaves(v)));
      const Ab = space.flatOfLeaves(probed as Tensor[]);
      status = KERNELS[kind](flatA, space.flatOfLeaves(args), kernelOptions(Ab));
      return space.toLeaves(status.x);
    },
    residual: (x, args) => A(x).map((ax, i) => sub(ax, args[i]!)),
    adjointSolve: (_x, _args, g) => {
      const rhs = space.rebuild(g as Tensor[]);
      const r = kind === 'gmres'
        ? linearSolve(kind, matvecT, rhs, again)
        : linearSolve(kind, matvec, rhs, { ...again, preconditioner: options.preconditioner });
      return space.leaves(r.x, 'x');
    },
    tangentSolve: (_x, _args, r) =>
      space.leaves(linearSolve(kind, matvec, space.rebuild(r as Tensor[]), { ...again, preconditioner: options.preconditioner }).x, 'x'),
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

