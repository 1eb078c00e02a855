/**
 * @file Redirect contexts: how the boxes of a paused trace are read (a vmap solving one example at
 * a time reads its boxes as that example's slice), carried into backward passes run later and
 * used as keys of caches whose values read closures through them.
 */
import type { Tensor } from '../tensor/tensor.js';
import { pausedNow, runningTraces, type Trace } from './trace.js';

type Redirect = (box: Tensor) => Tensor;

/**
 * The redirects in force now for traces above `level` that are paused with one, so a backward pass
 * run later can read its closures in the same context.
 */
export function redirectsAbove(level: number): Array<[Trace, Redirect]> {
  const running = runningTraces();
  const byTrace = new Map<Trace, Redirect>(running.filter((t) => t.level > level && !t.active && t.redirect !== null).map((t) => [t, t.redirect!]));
  // A finished trace above `level` whose redirect a backward pass restored (withRedirects): a
  // region recorded in that backward pass reads the trace's boxes through it as well. Left out, a
  // vmap's per-example slice was missing from the regions of the outer level of grad(grad(·)) over
  // vmap(cg): the adjoint solve's own backward read a vmap box with no redirect ("a tensor computed
  // inside vmap was used after vmap returned").
  for (const [t, r] of restoredInForce((t) => t.level > level && !running.includes(t))) byTrace.set(t, r);
  return [...byTrace];
}

/**
 * The redirects in force now on traces below `level` (older ones, running or finished): a
 * checkpoint or loop step being recomputed (or taped in the forward phase) reads an outer trace's
 * boxes through closures as inputs of its own recording. A region recorded there (argmin, cg,
 * root) must read them the same way in its backward pass, or the closures' cotangents were lost
 * (a zero gradient). Restoring one on a trace that is active then changes nothing.
 */
export function redirectsBelow(level: number): Array<[Trace, Redirect]> {
  // the innermost pause of each trace is the one in force; redirects restored by a backward pass too
  const byTrace = restoredInForce((t) => t.level < level);
  for (const [t, r] of pausedNow()) if (t.level < level && t.redirect === r) byTrace.set(t, r);
  return [...byTrace];
}

/** The redirects restored by withRedirects that are in force now, on traces `keep` selects. */
function restoredInForce(keep: (t: Trace) => boolean): Map<Trace, Redirect> {
  const byTrace = new Map<Trace, Redirect>();
  for (const set of restored) for (const [t, r] of set) if (keep(t) && t.redirect === r) byTrace.set(t, r);
  return byTrace;
}

/** Redirect sets restored by withRedirects and in force now, innermost last. */
const restored: Array<ReadonlyArray<[Trace, Redirect]>> = [];

/** Runs `fn` with `redirects` restored on their traces (finished ones included), then puts back what was there. */
export function withRedirects<T>(redirects: ReadonlyArray<[Trace, Redirect]>, fn: () => T): T {
  if (redirects.length === 0) return fn();
  const saved = redirects.map(([t]) => t.redirect);
  for (const [t, r] of redirects) t.redirect = r;
  restored.push(redirects);
  try {
    return fn();
  } finally {
    restored.pop();
    redirects.forEach(([t], i) => (t.redirect = saved[i]!));
  }
}

/**
 * What the redirects in force now are, as two identities (for caches of values that read closures
 * through them): the innermost set restored by withRedirects, and the innermost pause in force
 * (withPaused, on a running or a finished trace) or else the redirect of the innermost running
 * trace paused with one; null where there is none.
 *
 * A finished trace's pause counts: a region's backward pass differentiates its residual by
 * record(…, captureFrom) with the finished trace paused, so that the closures read as inputs of
 * that recording. Keyed by running traces only, that context looked like none at all, and gmres's
 * cached transposed product (a pullback recorded earlier, its residuals boxes of that trace) was
 * reused there: the residual's dependence on the closures went through those residuals, which are
 * not the region's inputs, and was dropped (grad(grad(·)) and hessian through gmres were wrong —
 * H₀₀ −0.0239 for 0.0493 with A = diag(2 + p²)).
 */
export function redirectContext(): [object | null, object | null] {
  let paused: object | null = null;
  const pauses = pausedNow();
  for (let i = pauses.length - 1; i >= 0; i--) {
    const [t, r] = pauses[i]!;
    if (t.redirect === r) return [restored[restored.length - 1] ?? null, r];
  }
  const running = runningTraces();
  for (let i = running.length - 1; i >= 0; i--) {
    const t = running[i]!;
    if (!t.active && t.redirect !== null) {
      paused = t.redirect;
      break;
    }
  }
  return [restored[restored.length - 1] ?? null, paused];
}
