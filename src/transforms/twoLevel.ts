/**
 * @file A checkpointed loop under `grad` of `grad`: its region recorded on the inner reverse level
 * and, as two region nodes, on the outer one right below it, so that neither level tapes the steps.
 *
 * The inner level (`inner`) records the loop as one region node (customNode.ts), run with it paused;
 * but the outer level (`outer`) used to tape every op that ran below the inner one — the loop's
 * forward steps, and in the inner backward pass every recomputed and taped step with its pullback —
 * so that its memory grew with n as with 'all'. Now the loop runs with both levels paused, and the
 * outer level records
 *  - the loop itself, F: a ↦ y (a the loop's inputs and the closure values the inner region takes,
 *    as the outer level sees them; c the outer level's boxes read through closures): its backward
 *    pass is the vjp of F, the loop run again under a fresh reverse trace, which checkpoints it;
 *  - the inner region's backward pass, G: (a, ȳ) ↦ ā = J_F(a)ᵀ ȳ, when it runs while the outer level
 *    is recording (inside the outer function): for a cotangent μ of ā, ⟨ā, μ⟩ = ⟨ȳ, J_F(a) μ⟩, so
 *    ȳ's cotangent is the jvp J_F(a) μ and (a, c)'s is the gradient of ⟨ȳ, J_F(a) μ⟩: grad of a jvp
 *    of the loop, which belowJvp.ts runs in bounded memory.
 * Both run the loop again (`rerun`) with the inner level's closure boxes read as the fresh inputs
 * standing for them, and the outer level's as theirs. A level below `outer` (grad of grad of grad)
 * meets the same arrangement one level down when these run under it. 2,720 B of residuals for a [16]
 * carry with c = 5 at any n (372 kB at 400 steps before, as with 'all'), 3·(t(n, c) + n) step calls.
 */
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { JvpTrace, ReverseTrace, Trace, innermostActive, live, runningTraces, unbox, withPaused } from '../core/trace.js';
import { flatten, type PyTree } from '../core/pytree.js';
import { retainKept } from '../core/memory.js';
import { recordRegion, runCapturing } from './customNode.js';
import { record } from './record.js';
import { withRedirects } from '../core/redirects.js';

/** The reverse trace right below `top` among the running traces (none between them), when it is recording; else null. */
export function reverseRightBelow(top: ReverseTrace): ReverseTrace | null {
  const running = runningTraces();
  const i = running.lastIndexOf(top);
  const below = i > 0 ? running[i - 1]! : null;
  return below instanceof ReverseTrace && below.active ? below : null;
}

/** What a checkpointed loop gives `recordTwoLevel`. */
export interface TwoLevelLoop {
  /** Runs the loop (its region's forward phase, `inner` paused): the flat output leaves and `inner`'s boxes it read through closures. */
  forward(): { out: Tensor[]; captured: Tensor[] };
  /** The inner region's backward rule: cotangents of its inputs, then of `captured`, for output cotangents `ct`. */
  backward(ct: Tensor[]): Tensor[];
  /** The loop run again on `inputs` (the region's inputs, read as given), with closures read as the caller arranges: flat output leaves. */
  rerun(inputs: Tensor[]): Tensor[];
}

/**
 * Records a checkpointed loop with region inputs `inputs` on `inner` and on `outer` (the reverse
 * trace right below it): the inner region node's outputs are boxes of `inner` over the outer node's.
 */
export function recordTwoLevel(name: string, inner: ReverseTrace, outer: ReverseTrace, inputs: readonly Tensor[], loop: TwoLevelLoop): Tensor[] {
  const { result: fwd, captured: outerCaptured } = runCapturing(outer, () => loop.forward());
  const innerCaptured = fwd.captured;
  const k = inputs.length;
  // F's inputs as the outer level sees them: the region's inputs and the inner closure values.
  const a = [...inputs.map((x) => live(unbox(x, inner))), ...innerCaptured.map((b) => live(b.primal!))];
  const below = (x: Tensor) => (x.trace === outer ? x.primal! : x);
  retainKept(outer, [...a, ...outerCaptured].map((x) => (x.trace === outer ? x.primal! : x)));

  /**
   * `fn` with `inner`'s captured boxes read as `aIn` (past the region's inputs) and `outer`'s
   * `captured` as `cIn`; other boxes of the two levels read as their values below them.
   */
  const innerRead = (aIn: readonly Tensor[]) => {
    const innerMap = new Map(innerCaptured.map((b, j) => [b, aIn[k + j]!]));
    return (b: Tensor) => innerMap.get(b) ?? b.primal!;
  };
  const substituted = <T>(aIn: readonly Tensor[], captured: readonly Tensor[], cIn: readonly Tensor[], fn: () => T): T => {
    const outerMap = new Map(captured.map((b, j) => [b, cIn[j]!]));
    return substitute(inner, innerRead(aIn), () => substitute(outer, (b) => outerMap.get(b) ?? b.primal!, fn));
  };

  // F on the outer level: its backward pass the vjp of the loop run again (checkpointed there).
  const yOuter = recordRegion(name, outer, a, {
    out: fwd.out,
    captured: outerCaptured,
    backward: (ct) => {
      const ctLeaves = leaves(ct);
      const rec = record((ins) => substituted(ins, outerCaptured, ins.slice(a.length), () => loop.rerun(ins.slice(0, k))), [...a, ...outerCaptured].map(below));
      try {
        return rec.pullback(ctLeaves);
      } finally {
        rec.release();
      }
    },
  }) as Tensor[];

  return recordRegion(name, inner, inputs, {
    out: yOuter,
    captured: innerCaptured,
    backward: (ct) => {
      const ctLeaves = leaves(ct);
      if (innermostActive(Trace) !== outer) {
        // The outer level is not the one recording now (the pullback called later, or inside another
        // transformation): the loop's states were stored as values below it, so the reversal runs
        // again from the inputs as they read here, under a fresh reverse trace (which checkpoints it).
        const rec = record((ins) => substitute(inner, innerRead(ins), () => loop.rerun(ins.slice(0, k))), a);
        try {
          return rec.pullback(ctLeaves);
        } finally {
          rec.release();
        }
      }
      // G on the outer level: its backward pass the jvp of the loop and the gradient of ⟨ȳ, jvp⟩.
      const ctBelow = ctLeaves.map(below);
      const { result: abar, captured: gCaptured } = runCapturing(outer, () => loop.backward(ctBelow));
      retainKept(outer, [...gCaptured.map((b) => b.primal!), ...ctBelow]);
      return recordRegion(`${name} (backward)`, outer, [...a, ...ctLeaves], {
        out: abar,
        captured: gCaptured,
        backward: (mu) => {
          const muLeaves = leaves(mu);
          const rec = record((ins) => {
            const jvp = new JvpTrace();
            try {
              const aJ = ins.slice(0, a.length).map((x, i) => jvp.input(x, muLeaves[i]!));
              const out = substituted(aJ, gCaptured, ins.slice(a.length), () => loop.rerun(aJ.slice(0, k)));
              return out.map((l) => {
                const v = live(l);
                return v.trace === jvp && v.tangent !== null ? v.tangent : zeros(v.shape);
              });
            } finally {
              jvp.finish();
            }
          }, [...a, ...gCaptured].map(below));
          try {
            const jmu = rec.outLeaves as Tensor[];
            const cts = rec.pullback(ctBelow);
            return [...cts.slice(0, a.length), ...jmu, ...cts.slice(a.length)];
          } finally {
            rec.release();
          }
        },
      }) as Tensor[];
    },
  }) as Tensor[];
}

/**
 * Runs `fn` with `trace`'s boxes read through `redirect`. The levels are finished when the loop runs
 * again (in a backward pass): the redirect is restored as a backward pass restores a region's, so
 * that a region recorded in `fn` on a level below (the loop's own, one level down under grad of grad
 * of grad) keeps it for its backward pass (core/redirects.ts redirectsAbove). Paused with
 * withPaused, it was lost there, and the closures read as constants: a wrong third derivative.
 */
function substitute<T>(trace: Trace, redirect: (box: Tensor) => Tensor, fn: () => T): T {
  return trace.active ? withPaused(trace, redirect, fn) : withRedirects([[trace, redirect]], fn);
}

const leaves = (tree: PyTree): Tensor[] => flatten(tree, 'loop (cotangent)').leaves as Tensor[];

