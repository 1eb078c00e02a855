/**
 * @file autoJit: `grad` and `valueAndGrad` taking the recorded path by themselves when a call
 * turns out to be a long run of 0-d ops (opt-in: `ad.config({ autoJit: true })`).
 *
 * Eagerly, each 0-d op is a dispatch, a box and a scalar-tape entry — about ten times the cost
 * of the arithmetic on a loop like x ← a·sin x + b·x (bench W6); replayed by `jit` it costs about
 * what the hand-written gradient does. With autoJit on, a gradient function runs its first call
 * as usual and looks at what it recorded: a run of at least AUTO_JIT_MIN_SCALAR_OPS 0-d ops that
 * is at least nine tenths of everything recorded (a program of tensor ops gains little from a
 * replay) makes it wrap itself in `jit`, so the next call with that signature records a program
 * and the calls after it replay it. Everything `jit` says holds then (docs/jit.md): a call whose
 * function reads a traced value, or whose arguments jit cannot key, runs as written; tensors the
 * function closes over are constants of a recording, and side effects happen on recording calls
 * only — which is why this is an option and not the default. A function whose calls keep
 * recording new signatures (a number argument that changes every call) gives up on jit and runs
 * as written from then on.
 */
import { anyTraceRunning } from '../core/trace.js';
import { jit } from './jit.js';

/** Whether gradient functions may wrap themselves in jit (`ad.config({ autoJit })`). @internal */
export const autoJitSetting = { on: false };

/** The fewest 0-d ops in one call that make a function worth recording. */
export const AUTO_JIT_MIN_SCALAR_OPS = 10_000;

/** What one eager call recorded: scalar-tape entries and general tape nodes. */
export interface RecordedOps {
  readonly scalarOps: number;
  readonly generalOps: number;
}

/** Whether a call that recorded `ops` is a long run of 0-d ops (most of what it recorded). */
export function worthJit({ scalarOps, generalOps }: RecordedOps): boolean {
  return scalarOps >= AUTO_JIT_MIN_SCALAR_OPS && generalOps * 9 <= scalarOps;
}

/** After this many calls that ran the function under jit (recordings, or runs jit declined to keep)… */
const GIVE_UP_MISSES = 4;

/**
 * `eager` (a gradient function) that, while autoJit is on, wraps itself in `jit` after a call
 * whose recording `lastRun()` reports as worth it. Under another transformation it always runs as
 * is (as jit would). A jitted call either replays or runs the function (to record, or because jit
 * could not keep a program); once the latter outnumber the former, GIVE_UP_MISSES or more, jit is
 * dropped for good. @internal
 */
export function autoJit<A extends unknown[], R>(eager: (...args: A) => R, lastRun: () => RecordedOps): (...args: A) => R {
  let jitted: ((...args: A) => R) | null = null;
  let gaveUp = false;
  let ran = false, misses = 0, replays = 0;
  const running = (...args: A): R => {
    ran = true;
    return eager(...args);
  };
  return (...args: A): R => {
    if (!autoJitSetting.on || gaveUp || anyTraceRunning()) return eager(...args);
    if (jitted === null) {
      const out = eager(...args);
      if (worthJit(lastRun())) jitted = jit(running) as unknown as (...args: A) => R; // (generic A: Loosen<A> is A's supertype, unprovable here)
      return out;
    }
    ran = false;
    const out = jitted(...args);
    if (!ran) replays++;
    else if (++misses >= GIVE_UP_MISSES && misses > replays) {
      gaveUp = true;
      jitted = null;
    }
    return out;
  };
}
