/** @file Profile mode: for one call, time per op kind in the forward and backward passes, and the tape's size. */
import { checkFunction, checkSynchronous } from './functions.js';
import { InvalidArgumentError } from './errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Primitive } from './primitive.js';
import { memoryStats, resetPeakMemory } from './memory.js';
import { extraArguments } from './extraArguments.js';

/** Time and calls of one op kind. */
export interface OpTime {
  op: string;
  calls: number;
  ms: number;
}

export interface Profile {
  /** Wall time of the whole call. */
  totalMs: number;
  /** Kernel time per primitive outside derivative rules (the forward pass, and any plain computation). */
  forward: OpTime[];
  /** Time of each primitive's VJP rule in backward passes (including the kernels the rule runs). */
  backward: OpTime[];
  /** Tape nodes recorded (primitive calls under reverse mode). */
  tapeNodes: number;
  /** Peak bytes of residuals held during the call (see memoryStats). */
  peakResidualBytes: number;
}

/** Global switch read on the hot path. @internal */
export const profiler = {
  active: false,
  /** > 0 while a VJP rule runs: its kernels count toward that rule, not the forward table. */
  inRule: 0,
  tapeNodes: 0,
  forward: new Map<string, OpTime>(),
  backward: new Map<string, OpTime>(),
};

function add(table: Map<string, OpTime>, op: string, ms: number): void {
  let row = table.get(op);
  if (row === undefined) table.set(op, (row = { op, calls: 0, ms: 0 }));
  row.calls++;
  row.ms += ms;
}

/** Runs a kernel, timing it. @internal */
export function timedForward<P>(prim: Primitive<P>, inputs: readonly Tensor[], params: P): Tensor {
  if (profiler.inRule > 0) return prim.forward(inputs, params);
  const t0 = performance.now();
  const out = prim.forward(inputs, params);
  add(profiler.forward, prim.name, performance.now() - t0);
  return out;
}

/** Records the time of one scalar-tape op (core/scalarTape.ts) under its primitive's name. @internal */
export function timedScalar(op: string, ms: number): void {
  if (profiler.inRule === 0) add(profiler.forward, op, ms);
}

/** Records a backward walk over `entries` scalar-tape entries (one row, 'scalar tape', counting entries). @internal */
export function timedScalarWalk(entries: number, ms: number): void {
  if (profiler.inRule > 0) return;
  add(profiler.backward, 'scalar tape', ms);
  profiler.backward.get('scalar tape')!.calls += entries - 1;
}

/** Times a VJP rule. @internal */
export function timedRule<T>(op: string, rule: () => T): T {
  profiler.inRule++;
  const t0 = performance.now();
  try {
    return rule();
  } finally {
    profiler.inRule--;
    if (profiler.inRule === 0) add(profiler.backward, op, performance.now() - t0);
  }
}

const sorted = (table: Map<string, OpTime>) => [...table.values()].sort((a, b) => b.ms - a.ms);

/**
 * Runs `fn` once with profiling on and reports where the time went: kernel time per op kind in the
 * forward pass, VJP-rule time per op kind in backward passes, the number of tape nodes and the
 * peak residual bytes. Timing every op costs about a microsecond per op, so use it to compare op
 * kinds, not for absolute figures. `formatProfile` prints it as a table.
 * @example
 * const { result, profile } = ad.profile(() => ad.grad((w) => ad.sum(ad.tanh(ad.matmul(w, w))))(ad.ones([64, 64])));
 * profile.backward[0].op; // the op whose backward rule took longest, e.g. 'matmul'
 */
export function profile<T>(fn: () => T): { result: T; profile: Profile };
export function profile<T>(fn: () => T, ...extra: unknown[]): { result: T; profile: Profile } {
  if (extra.length > 0) extraArguments('profile', 'profile(fn)', extra, fn);
  checkFunction(fn, 'profile');
  if (profiler.active) {
    throw new InvalidArgumentError('profile: already profiling (profile calls do not nest); profile the outer call only.');
  }
  profiler.active = true;
  profiler.tapeNodes = 0;
  profiler.forward = new Map();
  profiler.backward = new Map();
  resetPeakMemory();
  const base = memoryStats().residualBytes;
  const t0 = performance.now();
  try {
    const result = fn();
    checkSynchronous(result, 'profile');
    const totalMs = performance.now() - t0;
    return {
      result,
      profile: {
        totalMs,
        forward: sorted(profiler.forward),
        backward: sorted(profiler.backward),
        tapeNodes: profiler.tapeNodes,
        peakResidualBytes: memoryStats().peakResidualBytes - base,
      },
    };
  } finally {
    profiler.active = false;
  }
}

/** A profile as aligned text: one line per op kind, forward and backward side by side. */
export function formatProfile(p: Profile): string;
export function formatProfile(p: Profile, ...extra: unknown[]): string {
  if (extra.length > 0) extraArguments('formatProfile', 'formatProfile(p)', extra, p);
  if (p === null || typeof p !== 'object' || !Array.isArray(p.forward) || !Array.isArray(p.backward)) {
    throw new InvalidArgumentError(`formatProfile: expected the profile ad.profile returns ({ result, forward, backward, … }), got ${p === null ? 'null' : typeof p}.`);
  }
  const ops = [...new Set([...p.forward.map((r) => r.op), ...p.backward.map((r) => r.op)])];
  const f = new Map(p.forward.map((r) => [r.op, r])), b = new Map(p.backward.map((r) => [r.op, r]));
  ops.sort((x, y) => (f.get(y)?.ms ?? 0) + (b.get(y)?.ms ?? 0) - (f.get(x)?.ms ?? 0) - (b.get(x)?.ms ?? 0));
  const cell = (r: OpTime | undefined) => (r ? `${r.ms.toFixed(2).padStart(9)} ms ${String(r.calls).padStart(7)}×` : ''.padStart(21));
  const lines = [`${'op'.padEnd(16)}${'forward'.padStart(21)}${'backward (rule)'.padStart(23)}`];
  for (const op of ops) lines.push(`${op.padEnd(16)}${cell(f.get(op))}  ${cell(b.get(op))}`);
  lines.push(`total ${p.totalMs.toFixed(2)} ms; ${p.tapeNodes} tape nodes; peak residuals ${p.peakResidualBytes} bytes`);
  return lines.join('\n');
}
