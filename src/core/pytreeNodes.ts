/**
 * @file Registered pytree nodes: classes whose instances the transformations take apart and put back
 * together, as jax.tree_util.register_pytree_node. A registration gives a class's `flatten`
 * (instance → its children, a list of pytrees, and auxiliary data that is not differentiated) and
 * `unflatten` (auxiliary data and children → an instance); every walk of a tree (grad's gradient,
 * vmap's axes, jit's signature, loop carries, `ad.tree`) goes through them, so a gradient comes back
 * as an instance of the class. Two nodes have one structure when they are of one registered class,
 * their children have one structure and their auxiliary data are equal (JAX compares aux_data with
 * ==: here numbers, strings, booleans, null and undefined by value, arrays and plain objects of them
 * entry by entry, anything else by identity).
 *
 * Registration is by exact class, as JAX's registry is by exact type: a subclass is a node of its
 * own, registered separately (an unregistered subclass's instances stay refused leaves).
 */
import { InvalidArgumentError } from './errors.js';
import { extraArguments } from './extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';

/** A class's registration: how its instances are taken apart and rebuilt. */
export interface NodeRegistration {
  /** The class's name, for structures written out and errors. */
  readonly name: string;
  /** The instance's children (a list of pytrees) and auxiliary data. */
  readonly flatten: (node: object) => readonly [readonly unknown[], unknown];
  /** An instance from auxiliary data and children (as many, in the same order, as flatten gave). */
  readonly unflatten: (aux: unknown, children: unknown[]) => unknown;
  /** The children's names for paths (tree.leavesWithPath): a dataclass's data fields; positions where absent. */
  readonly childNames?: readonly string[];
  /** The auxiliary data in words, where the registration knows better than JSON (a dataclass's `name=value` pairs). */
  readonly describeAux?: (aux: unknown) => string;
}

/** Registrations by the prototype their instances have. */
const registry = new Map<object, NodeRegistration>();

/** A class: something `new` builds instances of, with a prototype. */
export type NodeClass = abstract new (...args: never[]) => object;

/** `v`'s registration, if `v` is an instance of a registered class (undefined for anything else, at the cost of one test while nothing is registered). */
export function registeredNode(v: unknown): NodeRegistration | undefined {
  if (registry.size === 0 || v === null || typeof v !== 'object') return undefined;
  return registry.get(Object.getPrototypeOf(v) as object);
}

/** `node`'s children and auxiliary data by its registration's flatten, checked. */
export function nodeParts(reg: NodeRegistration, node: object, op: string): { children: readonly unknown[]; aux: unknown } {
  const parts = reg.flatten(node);
  if (!Array.isArray(parts) || parts.length !== 2 || !Array.isArray(parts[0])) {
    const got = !Array.isArray(parts) ? describe(parts)
      : parts.length !== 2 ? `an array of ${parts.length}` : `[children, aux] whose children are ${describe(parts[0])}, not an array`;
    throw new InvalidArgumentError(
      `${op}: the registered flatten of ${reg.name} returned ${got}; it must return ` +
        '[children, aux]: an array of the children (pytrees: tensors, numbers, arrays, objects, registered nodes) and the auxiliary data (anything, or undefined).',
    );
  }
  return { children: parts[0] as readonly unknown[], aux: parts[1] };
}

/**
 * `node`'s children where it is a node of `def`'s class with `def`'s auxiliary data and as many
 * children; null where it is not (a walk of one tree against another's structure).
 */
export function childrenLike(node: unknown, def: { reg: NodeRegistration; aux: unknown; children: readonly unknown[] }, op: string): readonly unknown[] | null {
  if (registeredNode(node) !== def.reg) return null;
  const { children, aux } = nodeParts(def.reg, node as object, op);
  return auxEqual(aux, def.aux) && children.length === def.children.length ? children : null;
}

/** What `mapNodeChildren` returns for a value that is not a registered node. */
export const NOT_A_NODE: unique symbol = Symbol('not a registered node');

/** `v` rebuilt with `fn` applied to each of its children, where `v` is an instance of a registered class; NOT_A_NODE otherwise. */
export function mapNodeChildren(v: unknown, fn: (child: unknown, index: number) => unknown, op: string): unknown {
  const reg = registeredNode(v);
  if (reg === undefined) return NOT_A_NODE;
  const { children, aux } = nodeParts(reg, v as object, op);
  return reg.unflatten(aux, children.map(fn));
}

/** Identities for objects met as auxiliary data (compared by identity). */
const objectIds = new WeakMap<object, number>();
const symbolIds = new Map<symbol, number>();
let nextId = 1;

/**
 * A string that is equal for two auxiliary data exactly when they are equal: primitives by value
 * (0 and −0 alike, as ==), arrays and plain objects entry by entry, other objects and functions by identity.
 */
export function auxKey(aux: unknown, path: Set<object> = new Set()): string {
  switch (typeof aux) {
    case 'symbol': {
      let id = symbolIds.get(aux);
      if (id === undefined) symbolIds.set(aux, (id = nextId++));
      return `y${id}`;
    }
    case 'undefined': return 'u';
    case 'number': return `n${aux === 0 ? 0 : aux}`;
    case 'string': return `s${JSON.stringify(aux)}`;
    case 'boolean': return aux ? 't' : 'f';
    case 'bigint': return `b${aux}`;
    default: break;
  }
  if (aux === null) return 'z';
  const obj = aux as object;
  const proto = typeof aux === 'object' ? Object.getPrototypeOf(obj) : undefined;
  if ((Array.isArray(aux) || proto === Object.prototype || proto === null) && !path.has(obj)) {
    path.add(obj); // an array or object that contains itself is compared by identity where it recurs
    const rec = obj as Record<string, unknown>;
    const key = Array.isArray(aux) ? `[${aux.map((a) => auxKey(a, path)).join(',')}]`
      : `{${Object.keys(rec).map((k) => `${JSON.stringify(k)}:${auxKey(rec[k], path)}`).join(',')}}`;
    path.delete(obj);
    return key;
  }
  let id = objectIds.get(obj);
  if (id === undefined) objectIds.set(obj, (id = nextId++));
  return `#${id}`;
}

/** A node's class and auxiliary data in words, for a structure written out: `Linear`, `Linear("tanh")`, `Conv([3,3])`. */
export function nodeLabel(reg: NodeRegistration, aux: unknown): string {
  if (aux === undefined) return reg.name;
  const text = reg.describeAux !== undefined ? reg.describeAux(aux) : inWords(aux);
  return text === '' ? reg.name : `${reg.name}(${text.length > 60 ? `${text.slice(0, 60)}…` : text})`;
}

function inWords(value: unknown): string {
  if (typeof value === 'function') return `function ${value.name}`;
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'symbol') return value.toString();
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return 'an object';
  }
}

/** Whether two auxiliary data are equal (auxKey's equality). */
export function auxEqual(a: unknown, b: unknown): boolean {
  return a === b || auxKey(a) === auxKey(b);
}

function checkClass(type: unknown, op: string): asserts type is NodeClass {
  if (typeof type !== 'function' || typeof (type as { prototype?: unknown }).prototype !== 'object' || type.prototype === null) {
    throw new InvalidArgumentError(`${op}: the first argument must be a class (its instances become pytree nodes), got ${typeof type === 'function' ? 'a function without a prototype (an arrow function?)' : typeof type}.`);
  }
  const proto = type.prototype as object;
  if (proto === Object.prototype || proto === Array.prototype || proto instanceof Tensor || proto === Tensor.prototype) {
    throw new InvalidArgumentError(`${op}: plain objects and arrays are pytree nodes and tensors are leaves already; register your own classes only.`);
  }
  if (registry.has(proto)) {
    throw new InvalidArgumentError(`${op}: ${type.name || 'this class'} is registered already (a class has one registration, as in JAX: duplicate registration is an error).`);
  }
}

/**
 * Registers a class as a pytree node, as `jax.tree_util.register_pytree_node`: `flatten(instance)`
 * returns `[children, aux]` — the children as a list of pytrees (the parts that hold tensors and
 * numbers, differentiated, mapped, traced) and auxiliary data (static configuration: kept as is,
 * part of the structure) — and `unflatten(aux, children)` builds an instance from them. Afterwards
 * instances of the class may be passed wherever a pytree goes (grad's arguments, vmap, jit, loop
 * carries, optimizers, `ad.tree`), and come back as instances: the gradient of a model object is a
 * model object. Registration is by exact class (a subclass registers on its own) and once per class.
 * @example
 * class Linear { constructor(public w: ad.Tensor, public b: ad.Tensor, public activation: string) {} }
 * ad.tree.registerPytreeNode(Linear, (l) => [[l.w, l.b], l.activation], (act, [w, b]) => new Linear(w as ad.Tensor, b as ad.Tensor, act as string));
 * const g = ad.grad((l: Linear) => ad.sum(ad.tanh(ad.add(l.w, l.b))))(new Linear(ad.ones([3]), ad.zeros([3]), 'tanh'));
 * g instanceof Linear; // true: g.w and g.b are the gradients, g.activation is 'tanh'
 */
export function registerPytreeNode<T extends object>(
  type: abstract new (...args: never[]) => T,
  flatten: (node: T) => readonly [readonly unknown[], unknown],
  unflatten: (aux: unknown, children: unknown[]) => T,
): void;
export function registerPytreeNode<T extends object>(
  type: abstract new (...args: never[]) => T,
  flatten: (node: T) => readonly [readonly unknown[], unknown],
  unflatten: (aux: unknown, children: unknown[]) => T,
  ...extra: unknown[]
): void {
  const op = 'tree.registerPytreeNode';
  if (extra.length > 0) extraArguments(op, 'tree.registerPytreeNode(Class, flatten, unflatten)', extra, unflatten);
  checkClass(type, op);
  if (typeof flatten !== 'function' || typeof unflatten !== 'function') {
    throw new InvalidArgumentError(`${op}: takes (class, flatten, unflatten): flatten(instance) => [children, aux] and unflatten(aux, children) => instance, as jax.tree_util.register_pytree_node.`);
  }
  registry.set(type.prototype as object, {
    name: type.name || 'anonymous class',
    flatten: flatten as (node: object) => readonly [readonly unknown[], unknown],
    unflatten,
  });
}

/**
 * Registers a class whose instances are records of named fields, as `jax.tree_util.register_dataclass`
 * (its fields public and assignable: a class with `#private` fields or getters registers with
 * registerPytreeNode and an unflatten that calls its constructor):
 * the `dataFields` are children (tensors and numbers, or trees of them), the `metaFields` auxiliary data
 * (static configuration, compared by value). An instance is rebuilt without calling the constructor:
 * an object with the class's prototype and the fields assigned (so a constructor's side effects and
 * checks do not run again for a gradient, and the gradient of an instance is an instance).
 * @example
 * class Params { constructor(public w: ad.Tensor, public b: ad.Tensor, public name: string) {} }
 * ad.tree.registerDataclass(Params, ['w', 'b'], ['name']);
 */
export function registerDataclass<T extends object>(
  type: abstract new (...args: never[]) => T,
  dataFields: ReadonlyArray<keyof T & string>,
  metaFields?: ReadonlyArray<keyof T & string>,
): void;
export function registerDataclass<T extends object>(
  type: abstract new (...args: never[]) => T,
  dataFields: ReadonlyArray<keyof T & string>,
  metaFields: ReadonlyArray<keyof T & string> = [],
  ...extra: unknown[]
): void {
  const op = 'tree.registerDataclass';
  if (extra.length > 0) extraArguments(op, 'tree.registerDataclass(Class, dataFields, metaFields?)', extra, metaFields);
  checkClass(type, op);
  const names = (v: unknown, which: string): readonly string[] => {
    if (!Array.isArray(v) || !v.every((k) => typeof k === 'string')) {
      throw new InvalidArgumentError(`${op}: ${which} must be an array of field names (strings), got ${Array.isArray(v) ? 'an array with a non-string entry' : typeof v}.`);
    }
    return v as readonly string[];
  };
  const data = names(dataFields, 'dataFields'), meta = names(metaFields, 'metaFields');
  const both = data.filter((k) => meta.includes(k));
  if (both.length > 0 || new Set(data).size < data.length || new Set(meta).size < meta.length) {
    throw new InvalidArgumentError(`${op}: each field is named once, as data or as meta; ${both.length > 0 ? `[${both.join(', ')}] are both` : 'a name is repeated'}.`);
  }
  const proto = type.prototype as object;
  registry.set(proto, {
    name: type.name || 'anonymous class',
    flatten: (node) => {
      const rec = node as Record<string, unknown>;
      return [data.map((k) => rec[k]), meta.map((k) => rec[k])];
    },
    unflatten: (aux, children) => {
      const out = Object.create(proto) as Record<string, unknown>;
      const set = (k: string, value: unknown) => {
        try {
          out[k] = value;
        } catch (e) {
          throw new InvalidArgumentError(
            `${op}: rebuilding a ${type.name || 'instance'} assigns its fields to an object with the class's prototype, and field '${k}' cannot be assigned ` +
              `(${(e as Error).message}): a getter without a setter? Register the class with tree.registerPytreeNode and an unflatten that calls the constructor.`,
          );
        }
      };
      data.forEach((k, i) => set(k, children[i]));
      meta.forEach((k, i) => set(k, (aux as unknown[])[i]));
      return out;
    },
    describeAux: (aux) => meta.map((k, i) => `${k}=${inWords((aux as unknown[])[i])}`).join(', '),
    childNames: data,
  });
}
