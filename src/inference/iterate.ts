/**
 * @file Running an approximate-inference iteration to its result, differentiably in one of two
 * ways: unrolled (backprop through the iterations, by `scan` with binomial checkpointing, or by
 * `whileLoop` when a tolerance may stop it early) or implicit (the fixed point by `root`, whose
 * derivative is the implicit function theorem's). Non-convergence is reported, never silent.
 */
import { Tensor } from '../tensor/tensor.js';
import { tensor, zeros } from '../tensor/create.js';
import { add, greater, less, mul, sub } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { max, sum } from '../ops/reduce.js';
import { stopGradient, where } from '../ops/select.js';
import { scan, type Checkpoints } from '../transforms/scan.js';
import { whileLoop } from '../transforms/whileLoop.js';
import { root, type RootInfo } from '../implicit/root.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import type { Reporter } from '../implicit/diagnostics.js';
import type { UpdateScores } from './updates.js';

/** A fixed-point iteration state ← damp(update(state), state). */
export interface FixedPointProblem {
  /** The starting state (uniform messages, or q ∝ exp θ_s). */
  readonly init: Tensor;
  /** The undamped update; its fixed points are the method's. */
  update(state: Tensor, scores: UpdateScores): Tensor;
  /** The damped step from `next` = update(previous). */
  damp(next: Tensor, previous: Tensor): Tensor;
}

export interface IterationSettings {
  readonly iterations: number;
  readonly tol: number | undefined;
  readonly gradient: 'unrolled' | 'implicit';
  readonly checkpoints: Checkpoints;
  readonly warn: boolean | undefined;
  readonly throw: boolean | undefined;
  /** The caller passed an `info` object (to fill in from the values, every call). */
  readonly info: boolean;
}

/** What `beliefs` (and everything built on it) reports in its `info` option. */
export interface BeliefsInfo {
  /** ‖update(state) − state‖∞ ≤ tol at the end (tol 1e-6 when none was given). */
  converged: boolean;
  /** Iterations run (for 'implicit', before the Newton polish). */
  iterations: number;
  /** ‖update(state) − state‖∞ at the returned state: 0 at a fixed point. Under vmap, the largest over the batch. */
  residualNorm: number;
  /** For gradient: 'implicit', what ad.root reported (the Newton polish and the adjoint solves); null otherwise. */
  root: Partial<RootInfo> | null;
  /** Every warning issued for this call, including those not printed. */
  warnings: string[];
}

/** The tolerance that `converged` is measured against when the caller gave none. */
const FLAG_TOL = 1e-6;

/** The largest entry of a tensor's whole value, batch included (a value read below every trace). */
function largest(t: Tensor): number {
  let x = t;
  while (x.trace !== null) x = x.primal!;
  let m = 0;
  for (const v of x.values) m = v > m || Number.isNaN(v) ? v : m;
  return m;
}

/**
 * ‖update(state) − state‖∞ for `info`. A read of values: when the caller passed an `info` object a
 * running jit recording is told, so the call runs as is and fills it in every time (a replay of a
 * fixed iteration count left the recording call's figures, a stale `converged: true`, in it).
 */
function residualNorm(problem: FixedPointProblem, state: Tensor, scores: UpdateScores, reported: boolean): number {
  const s = stopGradient(state);
  const residual = abs(sub(problem.update(s, frozen(scores)), s));
  if (reported) noteLibraryRead(residual, "PairwiseMRF's info (the residual at the result)");
  return largest(residual);
}

function frozen(scores: UpdateScores): UpdateScores {
  return { unary: stopGradient(scores.unary), directed: stopGradient(scores.directed), weights: scores.weights && stopGradient(scores.weights) };
}

/**
 * The state after the iteration, differentiable in `scores` by the chosen gradient, with `info`
 * filled in and non-convergence reported (a warning once per call site, or a ConvergenceError
 * with `throw: true`): when `tol` was given and not reached, and always for 'implicit', whose
 * derivative holds only at a fixed point. A fixed number of iterations without `tol` is truncated
 * inference by request (Domke 2013; Stoyanov et al. 2011): `info` says how far from a fixed point
 * it ended, and nothing is printed.
 */
export function iterate(
  problem: FixedPointProblem, scores: UpdateScores, settings: IterationSettings, reporter: Reporter, info: BeliefsInfo, what: string,
): Tensor {
  let stalled: string | null = null;
  const state = settings.gradient === 'implicit'
    ? implicit(problem, scores, settings, info, (message) => { stalled = message; })
    : unrolled(problem, scores, settings, info);
  if (stalled !== null) reporter.report('inner', `${what} ${stalled}`);
  // Recomputed also after root: under vmap root's figures are the last example's, this is the batch's largest.
  const r = residualNorm(problem, state, scores, settings.info);
  const tol = settings.tol ?? FLAG_TOL;
  info.residualNorm = r;
  info.converged = r <= tol;
  if (!info.converged && (settings.tol !== undefined || settings.gradient === 'implicit')) {
    const advice = settings.gradient === 'implicit'
      ? 'the implicit gradient assumes a fixed point, so it is approximate; raise iterations or damping, or use gradient: \'unrolled\''
      : 'the beliefs are those of the last iteration; raise iterations or damping';
    reporter.report('inner', `${what} did not converge: ‖Δ‖∞ = ${r.toExponential(2)} > tol = ${tol} after ${info.iterations} iterations; ${advice}.`);
  }
  return state;
}

function unrolled(problem: FixedPointProblem, scores: UpdateScores, settings: IterationSettings, info: BeliefsInfo): Tensor {
  const step = (state: Tensor) => problem.damp(problem.update(state, scores), state);
  const { iterations, tol, checkpoints } = settings;
  if (tol === undefined) {
    info.iterations = iterations;
    return scan(step, problem.init, { length: iterations, checkpoints }) as Tensor;
  }
  // Stopping early: the residual of the state before each step rides in the carry (not taped). The
  // state that met tol is kept, not stepped once more: a damped step can raise the residual again
  // (1.04e-11 after 9.4e-12 ≤ tol = 1e-11 on K4), which reported "did not converge" for a loop that stopped because it had.
  type Carry = { state: Tensor; residual: Tensor; count: Tensor };
  const body = ({ state, count }: Carry): Carry => {
    const next = problem.update(state, scores);
    const residual = max(abs(sub(stopGradient(next), stopGradient(state))));
    const step = greater(residual, tol);
    return { state: where(step, problem.damp(next, state), state), residual, count: add(count, step) };
  };
  const cond = ({ residual, count }: Carry) => mul(greater(residual, tol), less(count, iterations));
  // +∞ to start, batched as the scores are (under vmap the loop then runs per example, masked).
  const probe = add(sum(stopGradient(scores.unary)), sum(stopGradient(scores.directed)));
  const init: Carry = { state: problem.init, residual: add(mul(0, probe), Infinity), count: tensor(0) };
  const out = whileLoop(cond, body, init, { checkpoints });
  info.iterations = largest(out.count);
  return out.state;
}

function implicit(
  problem: FixedPointProblem, scores: UpdateScores, settings: IterationSettings, info: BeliefsInfo, stalled: (message: string) => void,
): Tensor {
  const tol = settings.tol ?? 1e-8;
  const plain = frozen(scores);
  let state = stopGradient(problem.init);
  let n = 0;
  let first = NaN, last = NaN;
  for (; n < settings.iterations; n++) {
    const next = problem.update(state, plain);
    last = largest(abs(sub(next, state)));
    if (n === 0) first = last;
    if (last <= tol) break;
    state = problem.damp(next, state);
  }
  info.iterations = n;
  // Newton polishes an iteration that stopped short of tol while approaching a fixed point. One that
  // ran out with its residual no smaller than at the first step was cycling or diverging, and Newton
  // from there finds whichever fixed point is near: undamped parallel mean field on a frustrated
  // 3-cycle (‖Δ‖∞ 1.08 → 12.1, a 2-cycle) gave the saddle q ≈ ½, ELBO 2.16 where the damped
  // iteration's maximum is 3.86, with no warning and no ConvergenceError under throw: true.
  if (n === settings.iterations && n >= 2 && !(last < first)) {
    stalled(
      `did not approach a fixed point: ‖Δ‖∞ went from ${first.toExponential(2)} to ${last.toExponential(2)} in ${n} iterations (a cycle or ` +
        "divergence), so the fixed point root's Newton solve found from there need not be the method's (for mean field it can be a saddle " +
        "of the ELBO); raise damping or iterations, or use gradient: 'unrolled' with tol.",
    );
  }
  // The fixed point F(state) = state − update(state) = 0, polished by Newton–Krylov if the iteration
  // stopped short, and differentiated by the implicit function theorem: one adjoint solve with
  // (I − ∂update/∂state)ᵀ per backward pass (root.ts).
  const rootInfo: Partial<RootInfo> = {};
  info.root = rootInfo;
  const options = { tol, maxIter: 50, info: rootInfo, ...(settings.warn === undefined ? {} : { warn: settings.warn }), ...(settings.throw === undefined ? {} : { throw: settings.throw }) };
  // Solved for the step δ from where the iteration stopped (x = state + δ, δ0 = 0): the start is
  // then a closure, which under vmap root reads per example (an x0 must be the same for all).
  const delta = root((d: Tensor) => { const x = add(state, d); return sub(x, problem.update(x, scores)); }, zeros(state.shape), options);
  // info.warnings holds every warning of the call: root's so far, and those its backward passes add later.
  const rootWarnings = rootInfo.warnings ?? [];
  info.warnings.push(...rootWarnings);
  rootInfo.warnings = new Forwarded(info.warnings, rootWarnings);
  return add(state, delta);
}

/** A list of warnings (root's) that also adds each new one to another (the call's `info.warnings`). */
class Forwarded extends Array<string> {
  /** map, slice, filter … give plain arrays. */
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }

  constructor(private readonly also: string[], from: readonly string[]) {
    super();
    for (const w of from) super.push(w);
  }

  override push(...items: string[]): number {
    this.also.push(...items);
    return super.push(...items);
  }
}
