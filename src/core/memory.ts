/** @file Residual memory you can read: bytes held by live tapes and checkpoints now, and the peak. */
import type { Tensor } from '../tensor/tensor.js';
import { extraArguments } from './extraArguments.js';

/**
 * What a tape holds (its saved values, the inputs its checkpointed regions keep, the carries its
 * loops store); small, so a FinalizationRegistry can keep it. Once released it counts nothing more.
 */
export interface Holder {
  residualBytes: number;
  released?: boolean;
  /** Holders of tapes that live inside this one's (read only from its backward pass): released with it. */
  dependents?: Holder[];
  /** Called once when the holder is released (the prefix pool lets go of a chain's chunks then). */
  onRelease?: Array<() => void>;
}

const state = { current: 0, peak: 0 };

/**
 * Counts `t`'s bytes against `holder` once (a tensor saved by several nodes is counted once per
 * holder), and only if `t` was made after serial `since` (when the tape began): the arguments and
 * weights a tape refers to already existed, so keeping them costs nothing extra. @internal
 */
export function retainResidual(holder: Holder, level: number, since: number, t: Tensor): void {
  if (t.savedBy === level || t.serial < since || holder.released === true) return;
  t.savedBy = level;
  const bytes = t.size * 8; // not t.data: no value read, and a 0-d tensor keeps no buffer
  holder.residualBytes += bytes;
  state.current += bytes;
  if (state.current > state.peak) state.peak = state.current;
}

/** Adds raw bytes (stored checkpoints) against a holder. @internal */
export function retainBytes(holder: Holder, bytes: number): void {
  if (holder.released === true) return;
  holder.residualBytes += bytes;
  state.current += bytes;
  if (state.current > state.peak) state.peak = state.current;
}

/** Returns a holder's bytes, and its dependents': its tape or checkpoints are no longer reachable. @internal */
export function releaseTrace(holder: Holder): void {
  const pending = [holder];
  for (let h = pending.pop(); h !== undefined; h = pending.pop()) {
    state.current -= h.residualBytes;
    h.residualBytes = 0;
    h.released = true;
    if (h.onRelease !== undefined) {
      const callbacks = h.onRelease;
      h.onRelease = undefined;
      for (const f of callbacks) f();
    }
    if (h.dependents !== undefined) {
      pending.push(...h.dependents);
      h.dependents = undefined;
    }
  }
}

/**
 * Releases `dependent` when `holder` is released (now, if it is already): for a tape read only by
 * the backward pass of `holder`'s tape, which can no longer run once that tape is released. Where
 * a FinalizationRegistry (`releaseWith`) would wait for a collection — and each registration adds
 * to the collector's work (chainProduct's kept fold of 100 steps: 5–12% of its value and gradient). @internal
 */
export function releaseAlong(dependent: Holder, holder: Holder): void {
  if (holder.released === true) releaseTrace(dependent);
  else (holder.dependents ??= []).push(dependent);
}

/** What `retainKept` needs of a reverse trace (structural, so this file imports no trace). */
export interface TapeMemory { readonly memory: Holder; readonly level: number; readonly since: number }

/**
 * Counts tensors a region node of `tape` keeps for its backward pass — the inputs of a
 * `checkpoint`, the xs of a checkpointed `scan`, the closed-over values either reads — as that
 * tape's residuals (each once, and only if made after the tape began), released with it. @internal
 */
export function retainKept(tape: TapeMemory, kept: readonly Tensor[]): void {
  for (const t of kept) retainResidual(tape.memory, tape.level, tape.since, t);
}

// Tapes whose pullback the user keeps (vjp) are released when the pullback is collected.
const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Holder>(releaseTrace) : null;

/** Releases `holder` when `owner` is garbage-collected. @internal */
export function releaseWith(owner: object, holder: Holder): void {
  registry?.register(owner, holder);
}

export interface MemoryStats {
  /** Bytes of residuals (saved values and stored checkpoints) held by tapes not yet released. */
  residualBytes: number;
  /** The most held at once since the last `resetPeakMemory()`. */
  peakResidualBytes: number;
}

/**
 * Bytes of residuals that reverse mode holds now and held at peak: the values derivative rules
 * saved for the backward pass and the carries stored by checkpointed loops. A `grad` or
 * `valueAndGrad` call releases its tape when it returns (as do jacobian, hessian and the structured
 * models' decoders); a `vjp` pullback holds its tape until the pullback is garbage-collected, which
 * a FinalizationRegistry learns only when the event loop turns: in a synchronous loop of `vjp`
 * calls the count keeps the dropped pullbacks' residuals until the loop yields.
 * @example
 * ad.resetPeakMemory();
 * ad.grad((x) => ad.sum(ad.tanh(ad.tanh(x))))(ad.ones([1000]));
 * ad.memoryStats().peakResidualBytes; // 16000: two tanh outputs of 1000 float64s
 */
export function memoryStats(): MemoryStats;
export function memoryStats(...extra: unknown[]): MemoryStats {
  if (extra.length > 0) extraArguments('memoryStats', 'memoryStats()', extra);
  return { residualBytes: state.current, peakResidualBytes: state.peak };
}

/** Starts a new peak measurement from the bytes held now. */
export function resetPeakMemory(): void;
export function resetPeakMemory(...extra: unknown[]): void {
  if (extra.length > 0) extraArguments('resetPeakMemory', 'resetPeakMemory()', extra);
  state.peak = state.current;
}

/** Returns raw bytes (a checkpoint dropped) from a holder. @internal */
export function releaseBytes(holder: Holder, bytes: number): void {
  if (holder.released === true) return;
  holder.residualBytes -= bytes;
  state.current -= bytes;
}
