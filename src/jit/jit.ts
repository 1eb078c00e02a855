/**
 * @file `jit`: record a function once per argument signature, then replay the recording.
 *
 * The first call with a given signature (the shapes of the tensor arguments and the values of
 * everything else) runs the function on a recording trace (jit/recordTrace.ts) and keeps the
 * program of primitive calls that depend on the tensor arguments (jit/program.ts). Later calls
 * with that signature replay the program on the new tensors without running the function's
 * JavaScript. Wrapped around a transformation — `jit(valueAndGrad(f))` — the program holds the
 * forward and the backward pass, so a scalar loop of 10⁵ steps replays as an interpreter loop
 * over typed arrays instead of 10⁵ dispatches, tape entries and Tensor objects.
 *
 * Replaying is only correct if the function's control flow did not depend on the values of its
 * tensor arguments. Values reach JavaScript only by being read (`item()`, `data`, `toArray()`,
 * printing), so the recording watches for such reads: a function that read one is not kept and
 * runs as is on every call with that signature (`cacheInfo()` says where it read). Like JAX's
 * `jit`, tensors the function closes over are constants of the recording, and side effects
 * happen on the recording call only.
 */
import { Tensor } from '../tensor/tensor.js';
import { anyTraceRunning, live } from '../core/trace.js';
import { RecordTrace } from './recordTrace.js';
import type { OutputSource, Program } from './program.js';
import { flatten, isPlainObject, unflatten, type TreeDef } from '../core/pytree.js';
import { mapNodeChildren, NOT_A_NODE } from '../core/pytreeNodes.js';
import { valueReads } from './valueReads.js';
import { anomaly } from '../core/anomaly.js';
import { profiler } from '../core/profile.js';
import { detach, detachAll, inArena } from '../tensor/alloc.js';
import { InvalidArgumentError } from '../core/errors.js';
import { checkFunction, noExtraArguments } from '../transforms/args.js';
import { checkOptions } from '../transforms/loopArgs.js';
import { CYCLIC, sameBytes, signatureOf, type Signature } from './signature.js';
import type { TreeFunction } from '../core/functions.js';
import type { Loosen } from '../transforms/vjp.js';
import { Key, keyOfWords, keyWordsTensor } from '../random/key.js';

export interface JitOptions {
  /** How many signatures to keep programs for; the oldest is dropped beyond it (default 32). */
  readonly maxSignatures?: number | undefined;
}

/** What `cacheInfo()` reports for one signature. */
export interface JitCacheEntry {
  /** Tensor argument shapes and the other arguments' values, as the cache key. */
  readonly signature: string;
  /** 'replayed': a program is kept; 'eager': the function runs as is (see `reason`). */
  readonly status: 'replayed' | 'eager';
  /** Why the function runs as is, for status 'eager'. */
  readonly reason: string | null;
  /** Slots of the program: 0-d ops run on numbers, other primitive calls, and constants. */
  readonly scalarOps: number;
  readonly generalOps: number;
  readonly constants: number;
  /**
   * Loops generated from the program's repeating runs of 0-d ops, and the ops they cover (known
   * after the first replay; see jit/programLoops.ts). The other 0-d ops are interpreted.
   */
  readonly loops: number;
  readonly loopOps: number;
  /**
   * Fused groups of elementwise calls (ending in a reduction or not) run as one generated loop
   * each, and the calls they replace (known after the first replay; see jit/elementwiseFusion.ts).
   */
  readonly fusedGroups: number;
  readonly fusedOps: number;
  /**
   * The general calls by primitive name. `accumulateInto` counts sparse cotangents (of take and
   * slice) added in place instead of formed densely (see jit/programFusion.ts).
   */
  readonly calls: Readonly<Record<string, number>>;
  /** Calls served by replaying the program. */
  readonly replays: number;
}

/** A jitted function: the function (numbers taken where tensors are declared, as every transformation's), plus a view of its cache. */
export type Jitted<F extends TreeFunction<unknown>> = F & ((...args: Loosen<Parameters<F>>) => ReturnType<F>) & {
  /** One entry per signature seen (oldest first). */
  cacheInfo(): JitCacheEntry[];
  /** Drops every kept program (the next call records again). */
  clearCache(): void;
};

interface Entry {
  readonly program: Program | null;
  readonly outDef: TreeDef | null;
  readonly reason: string | null;
  replays: number;
  /** Copies of the long typed-array arguments, keyed only by a hash of their bytes. */
  hashed: readonly ArrayBufferView[];
  /** The result's leaves that are PRNG keys (their words, [2], rebuilt into a Key after a replay). */
  readonly keyLeaves: readonly number[];
}

/**
 * Records `fn` once per signature and replays the recording on later calls: same results, bit for
 * bit, without re-running the function's JavaScript.
 *
 * Tensor arguments (at any depth of arrays and plain objects) are the program's inputs; their
 * shapes and every other argument (numbers, strings, booleans and typed arrays by value, other
 * objects by identity) make the signature, so a number that changes between calls records a new
 * program — pass it as a tensor if it should not. The function must not read the values of tensors computed from its
 * arguments (`item()`, `data`, `toArray()`); one that does still works, but runs as is every time.
 * Under another transformation (`grad(jit(f))`) the function runs as is; put `jit` outermost.
 * @example
 * const step = ad.jit(ad.valueAndGrad((a, b, steps) => {
 *   let x = ad.scalar(0.5);
 *   for (let t = 0; t < steps; t++) x = ad.add(ad.mul(a, ad.sin(x)), ad.mul(b, x));
 *   return x;
 * }, [0, 1]));
 * step(ad.scalar(2), ad.scalar(0.1), 1000); // records
 * step(ad.scalar(2.5), ad.scalar(0.2), 1000); // replays
 */
export function jit<F extends TreeFunction<unknown>>(fn: F, options?: JitOptions): Jitted<F>;
export function jit<F extends TreeFunction<unknown>>(fn: F, options: JitOptions = {}, ...extra: unknown[]): Jitted<F> {
  checkFunction(fn, 'jit');
  noExtraArguments(extra, 'jit', 'the function and options, jit(f, { maxSignatures })');
  // A misspelt or JAX-only option (staticArgnums) would be ignored silently.
  jaxOnlyOptions(options);
  checkOptions(options, 'jit', ['maxSignatures']);
  const maxSignatures = options.maxSignatures ?? 32;
  if (!Number.isInteger(maxSignatures) || maxSignatures < 1) {
    throw new InvalidArgumentError(`jit: maxSignatures must be a positive integer, got ${String(maxSignatures)}.`);
  }
  const cache = new Map<string, Entry>();

  const jitted = (...args: unknown[]): unknown => {
    // Inside another transformation, anomaly or profile mode the function runs as written, so
    // outer traces see its calls and diagnostics see its lines.
    if (anyTraceRunning() || anomaly.enabled || profiler.active) return fn(...args);
    const tensors: Tensor[] = [];
    let sig: Signature;
    try {
      sig = signatureOf(args, tensors);
    } catch (e) {
      if (e === CYCLIC) return fn(...args); // an argument that contains itself has no signature
      throw e;
    }
    const key = sig.key;
    const entry = cache.get(key);
    if (entry !== undefined) {
      if (entry.program === null) return fn(...args);
      // Long typed arrays are keyed by a hash: a program is replayed only for the very same bytes.
      if (!sameBytes(entry.hashed, sig.hashed)) return fn(...args);
      let leaves: unknown[];
      try {
        leaves = detachAll(inArena(() => entry.program!.run(tensors)));
        for (const i of entry.keyLeaves) leaves[i] = keyOfWords(leaves[i] as Tensor, 'jit');
      } catch {
        // A call threw on these values (cholesky of a matrix that is not positive definite): the
        // function runs as written, which throws the same error, or takes the path of its own
        // catch block, which the program does not hold (jit threw where the function returned).
        return fn(...args);
      }
      entry.replays++;
      return unflatten(entry.outDef!, leaves);
    }
    let result: unknown, made: Entry;
    if (sig.unkeyable !== null) {
      // Mutable objects jit cannot key by value: a kept program could replay stale values.
      result = fn(...args);
      made = { program: null, outDef: null, reason: sig.unkeyable, replays: 0, hashed: [], keyLeaves: [] };
    } else {
      ({ result, entry: made } = recordCall(fn, args, tensors));
      made.hashed = sig.hashed.map((v) => new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength)));
    }
    if (cache.size >= maxSignatures) cache.delete(cache.keys().next().value!);
    cache.set(key, made);
    return result;
  };

  const info = (): JitCacheEntry[] =>
    [...cache].map(([signature, e]) => {
      const c = e.program?.counts();
      const l = e.program?.loopCounts();
      const f = e.program?.fusionCounts();
      return {
        signature,
        status: e.program === null ? 'eager' : 'replayed',
        reason: e.reason,
        scalarOps: c?.scalarOps ?? 0,
        generalOps: c?.generalOps ?? 0,
        constants: c?.constants ?? 0,
        loops: l?.loops ?? 0,
        loopOps: l?.loopOps ?? 0,
        fusedGroups: f?.groups ?? 0,
        fusedOps: f?.fusedOps ?? 0,
        calls: e.program?.callCounts() ?? {},
        replays: e.replays,
      };
    });
  return Object.assign(jitted, { cacheInfo: info, clearCache: () => cache.clear() }) as unknown as Jitted<F>;
}

/** What `recordProgram` gives the ONNX exporter (src/onnx/). @internal */
export interface Recording {
  /** The program, or null when the function cannot be replayed (`reason` says why). */
  readonly program: Program | null;
  readonly reason: string | null;
  /** The result's structure (null when it is not a tree of tensors and numbers). */
  readonly outDef: TreeDef | null;
  /** The argument tensors, in program input order, and where each sits in the arguments (`0`, `1.W1`, `0[2]`). */
  readonly inputs: readonly Tensor[];
  readonly inputPaths: readonly string[];
}

/**
 * Records `fn` at `args` exactly as `jit` does on a first call, on a recording trace that
 * `configure` may set up first (the ONNX exporter turns fused VJPs off and watches each call). @internal
 */
export function recordProgram(fn: (...args: any[]) => unknown, args: unknown[], configure: (rec: RecordTrace) => void): Recording {
  const tensors: Tensor[] = [];
  const inputPaths: string[] = [];
  try {
    signatureOf(args, tensors, inputPaths);
  } catch (e) {
    if (e === CYCLIC) throw new InvalidArgumentError('an argument contains itself (a cyclic structure); pass a tree of tensors and numbers without cycles.');
    throw e;
  }
  const rec = new RecordTrace();
  configure(rec);
  const { entry } = recordCall(fn, args, tensors, rec);
  return { program: entry.program, reason: entry.reason, outDef: entry.outDef, inputs: tensors, inputPaths };
}

/** Runs `fn` on a recording trace; returns its result (plain values) and what to cache. */
function recordCall(fn: (...args: any[]) => unknown, args: unknown[], tensors: Tensor[], rec = new RecordTrace()): { result: unknown; entry: Entry } {
  const boxes = tensors.map((t, i) => rec.input(t, i));
  let k = 0;
  const boxedArgs = replaceTensors(args, () => boxes[k++]!) as unknown[];
  const watcher = valueReads.watcher, guard = valueReads.guard;
  valueReads.watcher = (t, how) => rec.noteRead(t, how);
  valueReads.guard = (t, check) => rec.guard(t, check);
  let result: unknown;
  let sources: OutputSource[] | null = null;
  let outDef: TreeDef | null = null;
  let reason: string | null = null;
  const keyLeaves: number[] = [];
  try {
    result = fn(...boxedArgs);
    let flat: { leaves: Array<Tensor | number>; def: TreeDef } | null = null;
    try {
      // Keys in the result (a step's next key) leave as their words, rebuilt into keys below and after each replay.
      const keyWords = new Set<Tensor>();
      flat = flatten(replaceTensors(result, (t) => t, (t) => (keyWords.add(t), t)), 'jit (output)');
      flat.leaves.forEach((l, i) => void (l instanceof Tensor && keyWords.has(l) && keyLeaves.push(i)));
    } catch {
      reason = 'the result is not a tensor, a number, or arrays and plain objects of them';
      result = replaceTensors(result, (t) => {
        const l = live(t);
        return l.trace === rec ? l.primal! : l;
      });
    }
    if (flat !== null) {
      outDef = flat.def;
      const leaves = flat.leaves.map((l) => (l instanceof Tensor ? live(l) : l));
      sources = leaves.map((l) => (l instanceof Tensor && l.trace === rec ? { slot: l.slot } : { value: detachLeaf(l) }));
      const values: unknown[] = leaves.map((l) => (l instanceof Tensor && l.trace === rec ? l.primal! : l));
      for (const i of keyLeaves) values[i] = keyOfWords(values[i] as Tensor, 'jit');
      result = unflatten(flat.def, values);
    }
  } finally {
    valueReads.watcher = watcher;
    valueReads.guard = guard;
    rec.finish();
  }
  reason ??= rec.valueRead;
  const program = reason === null ? rec.program.finish(sources!) : null;
  return { result, entry: { program, outDef, reason, replays: 0, hashed: [], keyLeaves } };
}

/** A leaf leaving a replay or recording: a tensor detached from allocation slabs, anything else as is. */
const detachLeaf = (x: unknown): unknown => (x instanceof Tensor ? detach(x) : x);

/**
 * A copy of `v` with every tensor (in the order signatureOf met them) replaced by `map(t)`, and every
 * key by `mapKey` of its words (by default a key of `map`'s words: a traced key for a boxed input).
 */
function replaceTensors(v: unknown, map: (t: Tensor) => Tensor, mapKey: (words: Tensor) => unknown = (w) => keyOfWords(map(w), 'jit')): unknown {
  if (v instanceof Tensor) return map(v);
  if (v instanceof Key) return mapKey(keyWordsTensor(v));
  if (Array.isArray(v)) return v.map((c) => replaceTensors(c, map, mapKey));
  const node = mapNodeChildren(v, (c) => replaceTensors(c, map, mapKey), 'jit');
  if (node !== NOT_A_NODE) return node;
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = replaceTensors(v[k], map, mapKey);
    return out;
  }
  return v;
}

/**
 * jax.jit's static_argnums / static_argnames / donate_argnums, refused with what adjoint does
 * instead: every argument that is not a tensor is static already (its value is part of the call's
 * signature), and buffers are never donated (no dispose: memory is the garbage collector's).
 */
function jaxOnlyOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) return;
  for (const name of ['staticArgnums', 'staticArgnames', 'static_argnums', 'static_argnames']) {
    if (name in options) {
      throw new InvalidArgumentError(
        `jit: there is no '${name}' option: every argument that is not a tensor (numbers, strings, booleans, arrays and objects of them, typed arrays) ` +
          `is static already, its value part of the call's signature, so a new value records a new program. To make a tensor static, pass its values ` +
          `(x.toArray(), or a typed array such as x.values) instead of the tensor.`,
      );
    }
  }
  for (const name of ['donateArgnums', 'donateArgnames', 'donate_argnums', 'donate_argnames']) {
    if (name in options) {
      throw new InvalidArgumentError(`jit: there is no '${name}' option: adjoint never reuses an argument's memory (there is no dispose; the garbage collector frees it), so there is nothing to donate; leave it out.`);
    }
  }
}

