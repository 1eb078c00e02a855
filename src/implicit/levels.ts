/** @file Differentiating a solution x*(λ) of F(x, λ) = 0 by the implicit function theorem, at every trace level: the engine under cg, argmin and root. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, zeros } from '../tensor/create.js';
import { JvpTrace, ReverseTrace, live, topTrace, unbox, withPaused } from '../core/trace.js';
import { redirectsAbove, redirectsBelow, withRedirects } from '../core/redirects.js';
import { RecordTrace } from '../jit/recordTrace.js';
import { flatten } from '../core/pytree.js';
import { neg } from '../ops/unary.js';
import { recordRegion, runCapturing } from '../transforms/customNode.js';
import { record } from '../transforms/record.js';
import { BatchTrace, eachExample, isBatched } from '../transforms/vmap.js';

/**
 * A problem whose solution x is defined implicitly by F(x, args, closure) = 0, where `args` are
 * explicit inputs (the right-hand side of a linear system) and `closure` is every tensor the
 * user's functions read through their closures (hyperparameters). By the implicit function
 * theorem, with J = ∂F/∂x at the solution,
 *
 *     dx = −J⁻¹ (∂F/∂args · dargs + ∂F/∂closure · dclosure),
 *
 * so a cotangent x̄ pulls back through ONE adjoint solve Jᵀu = x̄ and one VJP of F with respect
 * to (args, closure) with cotangent −u, whatever the number of hyperparameters; and a tangent
 * pushes forward through one solve J ẋ = −Ḟ. The solver's iterations are never differentiated.
 */
export interface ImplicitProblem {
  /** The public name, for errors and the tape. */
  readonly name: string;
  /**
   * Evaluates something that depends on every differentiated input (args and closures) the way F
   * does — a loss value, a matrix-vector product. Only the trace levels of its leaves are read,
   * and at the bottom level (nothing traced) the result is passed on to `solve`.
   */
  probe(args: readonly Tensor[]): ReadonlyArray<Tensor | number>;
  /** Finds the solution when nothing is traced any more; returns its leaves. */
  solve(args: readonly Tensor[], probe: ReadonlyArray<Tensor | number>): Tensor[];
  /** F(x, args), in differentiable adjoint ops, reading the closures as the user's functions do. */
  residual(x: readonly Tensor[], args: readonly Tensor[]): Tensor[];
  /** Solves J(x)ᵀ u = g (differentiably, since it may run under an outer transformation). */
  adjointSolve(x: readonly Tensor[], args: readonly Tensor[], g: readonly Tensor[]): Tensor[];
  /** Solves J(x) v = r. */
  tangentSolve(x: readonly Tensor[], args: readonly Tensor[], r: readonly Tensor[]): Tensor[];
}

/**
 * The solution's leaves, boxed at every running transformation that the problem depends on.
 * Level by level from the innermost: a reverse trace gets one tape node (a region) whose backward
 * rule is the adjoint solve; a forward trace gets the tangent from a tangent solve. Below the
 * lowest level the problem is solved on plain values, once.
 */
export function solveImplicit(problem: ImplicitProblem, given: readonly Tensor[]): Tensor[] {
  // Boxes of finished or paused traces as what they read as: under eachExample (vmap, one example
  // at a time) a box of the paused batch reads as this example's slice, which is the value the
  // levels below record. Left boxed, a reverse level's region took the paused box for its input,
  // not on its tape, and grad(vmap(cg)) gave b a zero gradient.
  const args = given.map(live);
  const probed = problem.probe(args);
  const top = topTrace([...args, ...probed.filter((p): p is Tensor => p instanceof Tensor)]);
  if (top instanceof RecordTrace) {
    // A jit recording: the iterations depend on values, so it cannot be replayed; solve as is.
    top.computesOnValues(`${problem.name} iterates until values converge`);
    return problem.solve(args.map(live), probed);
  }
  if (top === null) return problem.solve(args.map(live), probed);
  // Under vmap the iterations read values, which differ across the batch: one example at a time.
  if (top instanceof BatchTrace) return eachExample(() => solveImplicit(problem, args), problem.name, top);
  const inner = args.map((a) => unbox(a, top));
  if (top instanceof ReverseTrace) return reverseLevel(problem, top, args, inner);
  if (top instanceof JvpTrace) return forwardLevel(problem, top, args, inner);
  throw new Error(`internal: ${problem.name} met a trace of an unknown kind`);
}

function reverseLevel(problem: ImplicitProblem, trace: ReverseTrace, args: readonly Tensor[], inner: Tensor[]): Tensor[] {
  // Solve one level down with this trace paused, collecting the closure tensors F reads.
  const { result: x, captured } = runCapturing(trace, () => solveImplicit(problem, inner));
  // Under a vmap inside this trace, one example of the batch is being solved: its backward pass
  // must read the closures as that example's slices too; inside a checkpoint or loop step being
  // recomputed, as inputs of that recomputation.
  const context = [...redirectsAbove(trace.level), ...redirectsBelow(trace.level)];
  return recordRegion(problem.name, trace, args, {
    out: x,
    captured,
    backward: (cotangent) => withRedirects(context, () => {
      const xBar = flatten(cotangent, problem.name).leaves.map((l) => asTensor(l, problem.name));
      // The trace has finished: its boxes read as their values one level down.
      const u = problem.adjointSolve(x, inner, xBar);
      // VJP of (args, closure) ↦ F(x*, args, closure) with cotangent −u; x* held fixed.
      const rec = record((ins) => problem.residual(x, ins), inner, trace);
      try {
        const cts = rec.pullback(u.map((t) => neg(t)));
        const byBox = new Map(rec.captured.map((b, i) => [b, cts[inner.length + i]!]));
        return [...cts.slice(0, inner.length), ...captured.map((b) => byBox.get(b) ?? zeros(b.shape))];
      } finally {
        rec.release();
      }
    }),
  }) as Tensor[];
}

function forwardLevel(problem: ImplicitProblem, trace: JvpTrace, args: readonly Tensor[], inner: Tensor[]): Tensor[] {
  const primal = (box: Tensor) => box.primal!;
  const x = withPaused(trace, primal, () => solveImplicit(problem, inner));
  // Ḟ: the tangent of F(x*, args, closure) with x* held fixed, read off this trace.
  const F = problem.residual(x, args);
  let any = false;
  const rhs = F.map((f) => {
    const l = live(f);
    if (l.trace !== trace || l.tangent === null) return zeros(l.shape);
    any = true;
    return neg(l.tangent);
  });
  if (!any) return x;
  const xDot = withPaused(trace, primal, () => problem.tangentSolve(x, inner, rhs));
  return x.map((xi, i) => trace.input(xi, xDot[i]!));
}

/**
 * A starting point (root's x0, argmin's θ0). It receives no gradient, so it is read as plain
 * values — except that under vmap each example may start elsewhere: batched leaves stay boxes for
 * the probe (so the problem is solved one example at a time), and the values are read only when
 * the solve runs, below every trace, where a paused vmap reads its boxes as the current example's
 * slice. @internal
 */
export class StartingPoint {
  private readonly leaves: Tensor[];
  constructor(
    private readonly tree: unknown,
    private readonly op: string,
  ) {
    this.leaves = flatten(tree, op).leaves.map((l) => asTensor(l, op));
  }

  /** The leaves the probe evaluates at: plain values, and the vmap boxes of a batched start. */
  forProbe(): Tensor[] {
    return this.leaves.map((l) => (isBatched(l) ? l : plainOf(live(l))));
  }

  /** The values the solver starts from (call it below every trace). */
  values(): Tensor[] {
    return plainLeaves(this.tree, this.op);
  }
}

function plainOf(t: Tensor): Tensor {
  return t.trace === null ? t : new Tensor(t.values, t.shape);
}

/** Plain leaves of a pytree, for code that runs below every trace. @internal */
export function plainLeaves(tree: unknown, op: string): Tensor[] {
  return flatten(tree, op).leaves.map((l) => plainOf(live(asTensor(l, op))));
}
