/**
 * @file Checkpoint policies, as jax.checkpoint's `policy` (jax.checkpoint_policies): which of a
 * checkpointed region's intermediates are saved in its forward pass instead of recomputed in its
 * backward pass. 'nothing' (the default: only the arguments are kept) and 'everything' (no
 * recomputation: the region is taped as usual) are the two ends; 'dots' saves the outputs of
 * matrix products (JAX's dots_saveable: the expensive O(n³) ops, while the cheap elementwise
 * ones are recomputed), 'dotsWithNoBatchDims' only those of plain 2-D products (JAX's
 * dots_with_no_batch_dims_saveable), and a function decides per op.
 *
 * adjoint runs programs as they are written (define-by-run), so a saved output is found again by
 * what the op computes, not by a place in a traced program: the recomputation runs the region
 * again, and an op the policy saves is looked up by its primitive, its parameters and its inputs'
 * shapes and values (a 128-bit hash of their bits); ops whose parameters hold a function (a
 * sampler's settings) are never saved. The same op on the same inputs computes the same output, so
 * a hit returns what the kernel would have; a miss (inputs that differ) computes as usual. (A
 * kernel that also leaves something behind — solve keeps its last LU factors for its fused
 * backward step — is not run again on a hit, and its backward pass takes its general rule: the
 * same gradient to rounding.) What is saved lives as long as the region's backward pass can run,
 * counted in memoryStats as the region's residuals.
 */
import { Tensor } from '../tensor/tensor.js';
import type { Primitive } from '../core/primitive.js';
import { swapForwardMemo } from '../core/trace.js';
import { detach } from '../tensor/alloc.js';
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { profiler, timedForward } from '../core/profile.js';

/** An op as a policy function sees it: its primitive's name and its inputs' shapes. */
export interface CheckpointOp {
  readonly name: string;
  readonly shapes: ReadonlyArray<readonly number[]>;
}

/** What a checkpointed region saves for its backward pass (see the file's comment). */
export type CheckpointPolicy = 'nothing' | 'everything' | 'dots' | 'dotsWithNoBatchDims' | ((op: CheckpointOp) => boolean);

/** What a checkpointed region's policy did, counted over the region's calls (the `stats` option). */
export interface CheckpointStats {
  /** Op outputs saved in forward passes. */
  saved: number;
  /** Ops of recomputations answered from what was saved (their kernels not run again). */
  reused: number;
}

/** checkpoint's options. */
export interface CheckpointOptions {
  /** What to save instead of recomputing: 'nothing' (the default), 'everything', 'dots', 'dotsWithNoBatchDims', or a function of the op. */
  readonly policy?: CheckpointPolicy;
  /** An object the region adds its counts to (saved, reused), as scan's stats. */
  readonly stats?: Partial<CheckpointStats>;
}

const JAX_NAMES: Record<string, string> = {
  nothing_saveable: 'nothing', everything_saveable: 'everything', dots_saveable: 'dots', checkpoint_dots: 'dots',
  dots_with_no_batch_dims_saveable: 'dotsWithNoBatchDims', checkpoint_dots_with_no_batch_dims: 'dotsWithNoBatchDims',
};

/** The policy in `options`, checked. */
export function checkpointPolicy(options: unknown): CheckpointPolicy {
  if (options === undefined) return 'nothing';
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`checkpoint: the second argument is the options, { policy, stats }, got ${describe(options)}.`);
  }
  const stats = (options as { stats?: unknown }).stats;
  if (stats !== undefined && (typeof stats !== 'object' || stats === null || Array.isArray(stats) || !Object.isExtensible(stats) ||
    (['saved', 'reused'] as const).some((k) => (stats as Record<string, unknown>)[k] !== undefined && typeof (stats as Record<string, unknown>)[k] !== 'number'))) {
    throw new InvalidArgumentError(`checkpoint: option stats must be an object to fill in ({ saved, reused }: numbers, or left out), got ${describe(stats)}.`);
  }
  const extra = Object.keys(options).filter((k) => k !== 'policy' && k !== 'stats');
  if (extra.length > 0) {
    const why = extra.some((k) => /static|prevent|cse/i.test(k))
      ? " (every argument that is not a tensor is static already, and nothing is merged across the region's boundary to prevent)"
      : '';
    throw new InvalidArgumentError(`checkpoint: unknown option(s) ${extra.join(', ')}${why}; the options are policy and stats.`);
  }
  const policy = (options as { policy?: unknown }).policy;
  if (policy === undefined) return 'nothing';
  if (typeof policy === 'function') return policy as (op: CheckpointOp) => boolean;
  if (policy === 'nothing' || policy === 'everything' || policy === 'dots' || policy === 'dotsWithNoBatchDims') return policy;
  const jax = typeof policy === 'string' ? JAX_NAMES[policy.replace(/^(jax\.)?checkpoint_policies\./, '')] : undefined;
  const names = /save_only_these_names|save_any_names_but_these|names/.test(String(policy))
    ? " Policies by name (JAX's checkpoint_name) save nothing here: adjoint runs the region as written, so the ops before a named value run again anyway; checkpoint the pieces between the values instead."
    : '';
  throw new InvalidArgumentError(
    `checkpoint: policy must be 'nothing', 'everything', 'dots', 'dotsWithNoBatchDims' or a function (op: { name, shapes }) => boolean, got ${describe(policy)}` +
      (jax !== undefined ? `; JAX's ${String(policy)} is '${jax}'.` : '.') + names,
  );
}

/** Whether `policy` saves this call's output. */
function saves(policy: CheckpointPolicy, prim: Primitive<unknown>, inputs: readonly Tensor[]): boolean {
  if (policy === 'dots') return prim.name === 'matmul';
  if (policy === 'dotsWithNoBatchDims') return prim.name === 'matmul' && inputs.every((x) => x.ndim <= 2);
  if (typeof policy === 'function') return Boolean(policy({ name: prim.name, shapes: inputs.map((x) => x.shape.slice()) }));
  return false;
}

/**
 * The saved outputs of one checkpointed region: `record` runs its forward pass saving the policy's
 * ops, `replay` its recomputation answering them from what was saved.
 */
export class SavedOutputs {
  private readonly outputs = new Map<string, Tensor>();

  constructor(private readonly policy: CheckpointPolicy, private readonly stats: Partial<CheckpointStats> | undefined) {}

  /** Whether the policy saves anything at all (else the region runs as before, with no lookups). */
  get active(): boolean {
    return this.policy !== 'nothing' && this.policy !== 'everything';
  }

  /** The outputs saved so far (held as long as the region's backward pass can run: residuals, for memoryStats). */
  get kept(): Tensor[] {
    return [...this.outputs.values()];
  }

  /** Runs `fn` saving the outputs of the ops the policy names. */
  record<T>(fn: () => T): T {
    return this.with((prim, inputs, params) => {
      if (!saves(this.policy, prim as Primitive<unknown>, inputs)) return null;
      const key = callKey(prim as Primitive<unknown>, inputs, params);
      if (key === null) return null;
      const out = profiler.active ? timedForward(prim, inputs, params) : prim.forward(inputs, params);
      if (!this.outputs.has(key)) {
        this.outputs.set(key, detach(out)); // out of any recycled memory: it outlives this pass
        if (this.stats !== undefined) this.stats.saved = (this.stats.saved ?? 0) + 1;
      }
      return out;
    }, fn);
  }

  /** Runs `fn` (the recomputation) answering saved ops from what `record` kept. */
  replay<T>(fn: () => T): T {
    if (this.outputs.size === 0) return fn();
    return this.with((prim, inputs, params) => {
      if (!saves(this.policy, prim as Primitive<unknown>, inputs)) return null;
      const key = callKey(prim as Primitive<unknown>, inputs, params);
      const hit = key === null ? undefined : this.outputs.get(key);
      if (hit === undefined) return null;
      if (this.stats !== undefined) this.stats.reused = (this.stats.reused ?? 0) + 1;
      return hit;
    }, fn);
  }

  private with<T>(memo: <P>(prim: Primitive<P>, inputs: Tensor[], params: P) => Tensor | null, fn: () => T): T {
    const before = swapForwardMemo(memo);
    try {
      return fn();
    } finally {
      swapForwardMemo(before);
    }
  }
}

/** The call as a string: primitive, parameters, and each input's shape and a hash of its values; null where the parameters cannot be written out. */
function callKey(prim: Primitive<unknown>, inputs: readonly Tensor[], params: unknown): string | null {
  const spelled = spell(params, 0);
  if (spelled === null) return null;
  let key = `${prim.name}|${spelled}`;
  for (const x of inputs) key += `|${x.shape.join(',')}:${valueHash(x.values)}`;
  return key;
}

/**
 * Parameters written out so that different parameters never read alike: numbers by their exact
 * value (−0, NaN and ±∞ apart), strings quoted, arrays and plain objects entry by entry, typed
 * arrays by their values. null — not saved — for anything else: a function (a sampler's settings
 * live in a closure that JSON would drop, so two draws of different ranges read alike) or a class
 * instance, whose state the text cannot show.
 */
function spell(v: unknown, depth: number): string | null {
  if (depth > 16) return null;
  switch (typeof v) {
    case 'number': return Object.is(v, -0) ? '-0' : String(v);
    case 'string': return JSON.stringify(v);
    case 'boolean': return v ? 'T' : 'F';
    case 'undefined': return 'U';
    case 'bigint': return `${v}n`;
    case 'object': break;
    default: return null; // functions and symbols
  }
  if (v === null) return 'N';
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    return `${v.constructor.name}(${Array.from(v as unknown as ArrayLike<number | bigint>, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',')})`;
  }
  const parts: string[] = [];
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = spell(x, depth + 1);
      if (p === null) return null;
      parts.push(p);
    }
    return `[${parts.join(',')}]`;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return null;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const p = spell(x, depth + 1);
    if (p === null) return null;
    parts.push(`${JSON.stringify(k)}:${p}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * A 128-bit hash of the bits of `values` (four 32-bit lanes of multiply–xorshift mixing, each
 * seeded differently, over the words of the array): equal bits give equal hashes; different bits
 * collide with probability about 2⁻¹²⁸.
 */
function valueHash(values: Float64Array): string {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  let a = 0x9e3779b9 ^ words.length, b = 0x85ebca6b, c = 0xc2b2ae35, d = 0x27d4eb2f;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    a = Math.imul(a ^ w, 0x01000193); a ^= a >>> 15;
    b = Math.imul(b + w, 0x5bd1e995); b ^= b >>> 13;
    c = Math.imul(c ^ (w + i), 0x27d4eb2d); c ^= c >>> 16;
    d = Math.imul(d + (w ^ (i * 0x9e3779b9)), 0x165667b1); d ^= d >>> 12;
  }
  return `${(a >>> 0).toString(36)}.${(b >>> 0).toString(36)}.${(c >>> 0).toString(36)}.${(d >>> 0).toString(36)}`;
}
