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
import type { Shape } from '../tensor/shape.js';
import { anyTraceRunning, live } from '../core/trace.js';
import { RecordTrace } from './recordTrace.js';
import type { OutputSource, Program } from './program.js';
import { flatten, isPlainObject, unflatten, type TreeDef } from '../core/pytree.js';
import { valueReads } from './valueReads.js';
import { anomaly } from '../core/anomaly.js';
import { profiler } from '../core/profile.js';
import { detach, detachAll, inArena } from '../tensor/alloc.js';
import { InvalidArgumentError } from '../core/errors.js';
import { checkFunction, noExtraArguments } from '../transforms/args.js';
import { checkOptions } from '../transforms/loopArgs.js';
import type { TreeFunction } from '../core/functions.js';
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

/** A jitted function: the function itself, plus a view of its cache. */
export type Jitted<F extends TreeFunction<unknown>> = F & {
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

/** Identities for functions and symbols in signatures: compared by reference. */
const objectIds = new WeakMap<object, number>();
const symbolIds = new Map<symbol, number>();
let nextObjectId = 1;

/** Thrown by signatureOf for an argument that contains itself: such a call runs as is. */
const CYCLIC = Symbol('cyclic argument');

/** Typed arrays of up to this many elements are keyed by their values; longer ones by a hash of their bytes. */
const SPELLED_OUT = 256;

/** FNV-1a over a typed array's bytes, as two 32-bit halves (with the length, a key for long arrays). */
function bytesHash(v: ArrayBufferView): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < bytes.length; i++) {
    h1 = Math.imul(h1 ^ bytes[i]!, 16777619);
    h2 = Math.imul(h2 ^ bytes[i]!, 2246822519);
  }
  return `${(h1 >>> 0).toString(16)}${(h2 >>> 0).toString(16)}`;
}

/** Whether two lists of typed arrays hold the same bytes, pairwise. */
function sameBytes(kept: readonly ArrayBufferView[], now: readonly ArrayBufferView[]): boolean {
  if (kept.length !== now.length) return false;
  for (let k = 0; k < kept.length; k++) {
    const a = new Uint8Array(kept[k]!.buffer, kept[k]!.byteOffset, kept[k]!.byteLength);
    const b = new Uint8Array(now[k]!.buffer, now[k]!.byteOffset, now[k]!.byteLength);
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  }
  return true;
}

/** A typed array's values as key text: −0 apart from 0 (div(x, −0) is −∞, not +∞). */
function spelled(v: ArrayBufferView): string {
  const values = Array.from(v as unknown as ArrayLike<number | bigint>);
  return values.map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(',');
}

interface Signature {
  readonly key: string;
  /** Long typed arrays keyed by a hash: a hit replays only if their bytes are the same. */
  readonly hashed: ArrayBufferView[];
  /** Why the call cannot be keyed (a Map, a class instance...), or null. */
  readonly unkeyable: string | null;
}

/**
 * The cache key of an argument list, collecting its tensors (live values) in order: tensors by
 * shape, arrays and plain objects by structure (holes of sparse arrays included), numbers and
 * other primitives by value, typed arrays by type and values, functions and symbols by identity.
 * Other objects (class instances, Maps, Sets, Dates) are mutable state jit cannot see change, so
 * a call with one runs as is (JAX rejects them). Throws CYCLIC for an argument that contains itself.
 * `paths`, if given, gets each tensor's place in the arguments.
 */
function signatureOf(args: readonly unknown[], tensors: Tensor[], paths: string[] | null = null): Signature {
  const path = new Set<object>();
  const hashed: ArrayBufferView[] = [];
  let unkeyable: string | null = null;
  // Where the walk is, as segments ("0", "[3]", ".w"), spelled out only where a place is reported:
  // building each leaf's path string was most of a call's cost for 200 tensors in a list.
  const trail: Array<string | number> = [];
  const here = (): string => trail.map((seg) => (typeof seg === 'number' ? `[${seg}]` : seg)).join('');
  const walk = (v: unknown): string => {
    if (v instanceof Tensor) {
      tensors.push(live(v));
      paths?.push(here());
      return shapeKey(v.shape);
    }
    if (v instanceof Key) {
      // A PRNG key is an input too — its two words — so a new key replays the program (JAX's jit(step)(params, key)).
      tensors.push(live(keyWordsTensor(v)));
      paths?.push(here());
      return 'K';
    }
    if (Array.isArray(v) || isPlainObject(v)) {
      if (path.has(v)) throw CYCLIC;
      path.add(v);
      let key: string;
      if (Array.isArray(v)) {
        // Equal parts in a row as one part and its count, `part*count` ('*' appears in no part
        // outside a quoted string): a list of 200 tensors of one shape keys as `[T[8,8]*200]`, a
        // short string to hash where the parts spelled out took 1,400 characters.
        key = '[';
        let last = '', count = 0;
        for (let i = 0; i < v.length; i++) {
          trail.push(i);
          const part = i in v ? walk(v[i]) : 'hole';
          trail.pop();
          if (count > 0 && part === last) {
            count++;
            continue;
          }
          if (count > 0) key += (key.length > 1 ? ',' : '') + (count > 1 ? `${last}*${count}` : last);
          last = part;
          count = 1;
        }
        if (count > 0) key += (key.length > 1 ? ',' : '') + (count > 1 ? `${last}*${count}` : last);
        key += ']';
      } else {
        key = `{${Object.keys(v).map((k) => {
          trail.push(`.${k}`);
          const part = `${JSON.stringify(k)}:${walk(v[k])}`;
          trail.pop();
          return part;
        }).join(',')}}`;
      }
      path.delete(v);
      return key;
    }
    if (ArrayBuffer.isView(v)) {
      // The class's name as it is where it is an identifier (every built-in typed array), quoted
      // where it is not: a subclass named `n1*2,X` must not read as a run of parts (a fuzzed collision).
      const name = /^[A-Za-z_$][\w$]*$/.test(v.constructor.name) ? v.constructor.name : JSON.stringify(v.constructor.name);
      if (v instanceof DataView || v.byteLength > SPELLED_OUT * 8) {
        hashed.push(v);
        return `${name}(#${v.byteLength}:${bytesHash(v)})`;
      }
      return `${name}(${spelled(v)})`;
    }
    switch (typeof v) {
      case 'number': return Object.is(v, -0) ? 'n-0' : `n${v}`;
      case 'string': return `s${JSON.stringify(v)}`;
      case 'boolean': return String(v);
      case 'symbol': {
        let id = symbolIds.get(v);
        if (id === undefined) symbolIds.set(v, (id = nextObjectId++));
        return `y${id}`;
      }
      case 'function': {
        let id = objectIds.get(v);
        if (id === undefined) objectIds.set(v, (id = nextObjectId++));
        return `f${id}`;
      }
      case 'object': {
        if (v === null) return 'null';
        const kind = (v as object).constructor?.name ?? 'object';
        unkeyable ??=
          `argument ${here()} is a ${kind}, mutable state jit cannot key by value (a kept program could replay stale ` +
          `values), so the function runs as is; pass its tensors and numbers in arrays or plain objects instead`;
        return `?${kind}`;
      }
      default: return `${typeof v}:${String(v)}`; // undefined, bigint
    }
  };
  let key = '(';
  for (let i = 0; i < args.length; i++) {
    trail.push(String(i));
    key += (i > 0 ? ',' : '') + walk(args[i]);
    trail.pop();
  }
  key += ')';
  return { key, hashed, unkeyable };
}

/** A tensor's part of a key: `T[` its extents `]`, built without an array join for the common ranks. */
function shapeKey(shape: Shape): string {
  switch (shape.length) {
    case 0: return 'T[]';
    case 1: return 'T[' + shape[0] + ']';
    case 2: return 'T[' + shape[0] + ',' + shape[1] + ']';
    default: return `T[${shape.join(',')}]`;
  }
}

/**
 * A copy of `v` with every tensor (in the order signatureOf met them) replaced by `map(t)`, and every
 * key by `mapKey` of its words (by default a key of `map`'s words: a traced key for a boxed input).
 */
function replaceTensors(v: unknown, map: (t: Tensor) => Tensor, mapKey: (words: Tensor) => unknown = (w) => keyOfWords(map(w), 'jit')): unknown {
  if (v instanceof Tensor) return map(v);
  if (v instanceof Key) return mapKey(keyWordsTensor(v));
  if (Array.isArray(v)) return v.map((c) => replaceTensors(c, map, mapKey));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = replaceTensors(v[k], map, mapKey);
    return out;
  }
  return v;
}

