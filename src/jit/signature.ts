/**
 * @file A jitted call's signature: the cache key of its arguments — tensors by shape, arrays and
 * plain objects by structure, everything else by value or identity — collecting its tensors in
 * order (the program's inputs). Separate calls with equal keys replay one program, so the key must
 * tell apart every two argument lists a program could not serve both of.
 */
import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { live } from '../core/trace.js';
import { isPlainObject } from '../core/pytree.js';
import { auxKey, nodeParts, registeredNode } from '../core/pytreeNodes.js';
import { Key, keyWordsTensor } from '../random/key.js';

/** Identities for functions and symbols in signatures: compared by reference. */
const objectIds = new WeakMap<object, number>();
const symbolIds = new Map<symbol, number>();
let nextObjectId = 1;

/** Thrown by signatureOf for an argument that contains itself: such a call runs as is. */
export const CYCLIC = Symbol('cyclic argument');

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
export function sameBytes(kept: readonly ArrayBufferView[], now: readonly ArrayBufferView[]): boolean {
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

export interface Signature {
  readonly key: string;
  /** Long typed arrays keyed by a hash: a hit replays only if their bytes are the same. */
  readonly hashed: ArrayBufferView[];
  /** Why the call cannot be keyed (a Map, a class instance...), or null. */
  readonly unkeyable: string | null;
}

/**
 * The cache key of an argument list, collecting its tensors (live values) in order: tensors by
 * shape, arrays and plain objects by structure (holes of sparse arrays included), numbers and
 * other primitives by value, typed arrays by type and values, functions and symbols by identity,
 * instances of registered pytree classes by class, auxiliary data and children.
 * Other objects (class instances, Maps, Sets, Dates) are mutable state jit cannot see change, so
 * a call with one runs as is (JAX rejects them). Throws CYCLIC for an argument that contains itself.
 * `paths`, if given, gets each tensor's place in the arguments.
 */
export function signatureOf(args: readonly unknown[], tensors: Tensor[], paths: string[] | null = null): Signature {
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
    const reg = registeredNode(v);
    if (reg !== undefined) {
      // A registered node: its class and auxiliary data (static, compared by value), then its children as a list.
      if (path.has(v as object)) throw CYCLIC;
      path.add(v as object);
      const { children, aux } = nodeParts(reg, v as object, 'jit');
      // The auxiliary data keyed as an argument is (−0 apart from 0, typed arrays by value, class
      // instances unkeyable), as the function may read it; a tensor there is not an input.
      const before = tensors.length;
      trail.push('<aux>');
      const auxPart = walk(aux);
      trail.pop();
      if (tensors.length !== before) {
        tensors.length = before;
        if (paths !== null) paths.length = before;
        unkeyable ??= `the auxiliary data of the ${reg.name} at ${here()} holds a tensor, which jit cannot key by value, so the function runs as is; put tensors among the node's children`;
      }
      const key = `N${auxKey(reg)}(${auxPart})${walk(children.slice())}`;
      path.delete(v as object);
      return key;
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
