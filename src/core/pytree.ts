/**
 * @file Pytrees: nested arrays and plain objects whose leaves are tensors or numbers, flattened and
 * rebuilt. `null` is a node with no children, as JAX's `None` (jax.tree_util registers None as a
 * pytree with no children): it holds no leaf, and comes back as `null` wherever a tree is rebuilt
 * (a gradient, a cotangent, a mapped tree). `undefined` has no JAX analogue and stays an error: a
 * missing key or a hole is more often a mistake than an intended empty node.
 */
import { Tensor } from '../tensor/tensor.js';
import { InvalidArgumentError } from './errors.js';
import { describe } from '../tensor/create.js';
import type { Key } from '../random/key.js';
import { auxEqual, nodeParts, registeredNode, type NodeRegistration } from './pytreeNodes.js';

/**
 * The classes registered as pytree nodes (ad.tree.registerPytreeNode, registerDataclass), for the
 * types: empty here, filled by the program that registers them, by declaration merging —
 * `declare module 'adjoint' { interface PytreeNodeTypes { linear: Linear } }` (any key, the class's
 * instance type as the value). Their instances are then pytrees to the types as they are at run
 * time: accepted where a pytree goes, and gradients, cotangents and mapped trees of one are typed
 * as the class itself.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface, @typescript-eslint/no-empty-object-type
export interface PytreeNodeTypes {}

/** The instance types of the registered classes (never until PytreeNodeTypes is filled). */
export type RegisteredPytreeNode = PytreeNodeTypes[keyof PytreeNodeTypes];

/**
 * true where T is one of the registered classes' instance types — assignable both ways, not only
 * to it: an object type with more fields (or any object, against a class with none) is not one.
 */
export type IsRegisteredNode<T> = true extends {
  [K in keyof PytreeNodeTypes]: [T] extends [PytreeNodeTypes[K]] ? ([PytreeNodeTypes[K]] extends [T] ? true : false) : false;
}[keyof PytreeNodeTypes] ? true : false;

/** A tensor or number, or arrays and plain objects of them, nested to any depth; `null` is an empty node; instances of registered classes. */
export type PyTree = Tensor | number | null | readonly PyTree[] | { readonly [key: string]: PyTree } | RegisteredPytreeNode;

/**
 * The same structure with every leaf a tensor: what gradients come back as. An `any` argument
 * (an unannotated lambda parameter) gives back the same `any`, no more and no less precise.
 */
export type TensorTree<T> = 0 extends 1 & T
  ? T
  : PyTree extends T
  ? TensorPyTree // any tree at all: named, not expanded
  : T extends Tensor | number
  ? Tensor
  : IsRegisteredNode<T> extends true
  ? NoInfer<T> // an instance of a registered class comes back as one (its children hold tensors); NoInfer: a step's parameter type must not become a loop's carry type
  : T extends Key
  ? Key // a PRNG key in a loop's carry stays a key (transforms/keyCarry.ts)
  : T extends null
  ? null // an empty node stays empty
  : T extends readonly unknown[]
    ? { [K in keyof T]: TensorTree<T[K]> }
    : T extends object
      ? { [K in keyof T]: TensorTree<T[K]> }
      : never;

/** The same structure with every leaf a tensor or a number: what cotangents and tangents may be passed as. */
export type TensorLikeTree<T> = 0 extends 1 & T
  ? T
  : PyTree extends T
  ? PyTree
  : T extends Tensor | number
  ? Tensor | number
  : IsRegisteredNode<T> extends true
  ? NoInfer<T>
  : T extends Key
  ? Key
  : T extends null
  ? null
  : T extends readonly unknown[]
    ? { readonly [K in keyof T]: TensorLikeTree<T[K]> }
    : T extends object
      ? { readonly [K in keyof T]: TensorLikeTree<T[K]> }
      : never;

/**
 * Any loop carry (scan, foriLoop, whileLoop); the empty tuple in the union makes TypeScript infer an
 * array literal as a tuple (`[w, optState]` is `[Tensor, AdamState]`, not `(Tensor | AdamState)[]`),
 * as a carry is read position by position.
 */
export type TupleInferred = Tensor | number | null | object | [];

/**
 * What a loop body may return as the next carry: the carry's structure (numbers accepted for
 * tensors) or, for a tuple carry, an array of its element types, as a body typed `=> Tensor[]`
 * returns (the runtime checks the length).
 */
export type CarryLike<C> =
  | TensorLikeTree<C>
  | (C extends readonly [unknown, ...unknown[]] ? readonly TensorLikeTree<C[number]>[] : never);

/** A pytree whose leaves are all tensors. */
export type TensorPyTree = Tensor | null | readonly TensorPyTree[] | { readonly [key: string]: TensorPyTree };

/** One tensor-or-number tree per argument: tangents as `jvp` and `linearize` take them. */
export type TensorLikeTrees<Args extends readonly unknown[]> = { -readonly [K in keyof Args]: TensorLikeTree<Args[K]> };

/** One tensor tree per argument: what a pullback returns (a tuple with `Args`' length). */
export type TensorTrees<Args extends readonly unknown[]> = { -readonly [K in keyof Args]: TensorTree<Args[K]> };

/**
 * A dense derivative's nesting (jacobian, hessian): the output's structure outside and, at each
 * output leaf, the argument's structure inside, each leaf a tensor of shape [...out.shape, ...in.shape].
 */
export type JacobianTree<Out, Arg> = 0 extends 1 & Out
  ? Out
  : Out extends Tensor | number
  ? TensorTree<Arg>
  : Out extends null
  ? null
  : Out extends readonly unknown[]
    ? { [K in keyof Out]: JacobianTree<Out[K], Arg> }
    : Out extends object
      ? { [K in keyof Out]: JacobianTree<Out[K], Arg> }
      : never;

export type TreeDef =
  | { readonly kind: 'leaf' }
  | { readonly kind: 'null' } // an empty node: no children, no leaves (JAX's None)
  // `flat`: every child is a leaf (a list of parameters), rebuilt as one slice of the leaves
  | { readonly kind: 'array'; readonly children: readonly TreeDef[]; readonly flat?: true }
  | { readonly kind: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] }
  // an instance of a registered class (./pytreeNodes.ts): its children's structures and its auxiliary data
  | { readonly kind: 'node'; readonly reg: NodeRegistration; readonly aux: unknown; readonly children: readonly TreeDef[] };

const LEAF: TreeDef = { kind: 'leaf' };
export const NULL_NODE: TreeDef = { kind: 'null' };

/** An object literal (or one with a null prototype): a pytree node, not a leaf. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Leaves in a fixed order (arrays by index, objects by key order) and the structure to rebuild them. */
export function flatten(tree: unknown, op = 'pytree'): { leaves: Array<Tensor | number>; def: TreeDef } {
  const leaves: Array<Tensor | number> = [];
  // Arrays and objects on the path from the root: one met again contains itself (an endless tree).
  const path = new Set<object>();
  // The keys from the root to the node being walked, made into a path (`[3].w`) only for an error:
  // a string per leaf would cost more than the walk itself for a list of 200 matrices.
  const keys: Array<string | number> = [];
  const at = () => keys.map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('') || 'the top';
  const walk = (node: unknown): TreeDef => {
    if (node instanceof Tensor || typeof node === 'number') {
      leaves.push(node);
      return LEAF;
    }
    if (node === null) return NULL_NODE;
    const isArray = Array.isArray(node);
    if (isArray && allLeaves(node as unknown[])) { // a list of tensors and numbers: no walk per element
      const list = node as ReadonlyArray<Tensor | number>;
      for (let i = 0; i < list.length; i++) leaves.push(list[i]!);
      return flatArray(list.length);
    }
    const reg = isArray ? undefined : registeredNode(node);
    if (isArray || reg !== undefined || isPlainObject(node)) {
      const branch = node as object;
      if (path.has(branch)) {
        throw new InvalidArgumentError(
          `${op}: the argument contains itself at ${at()} (a cyclic structure); pass a tree of tensors ` +
            `and numbers without cycles, or close over the cyclic object instead of passing it.`,
        );
      }
      path.add(branch);
      const child = (c: unknown, k: string | number): TreeDef => {
        keys.push(k);
        const d = walk(c);
        keys.pop();
        return d;
      };
      let def: TreeDef;
      if (isArray) def = { kind: 'array', children: (node as unknown[]).map(child) };
      else if (reg !== undefined) {
        const { children, aux } = nodeParts(reg, branch, op);
        def = { kind: 'node', reg, aux, children: children.map(child) };
      } else {
        const obj = node as Record<string, unknown>;
        const names = Object.keys(obj);
        def = { kind: 'object', keys: names, children: names.map((k) => child(obj[k], k)) };
      }
      path.delete(branch);
      return def;
    }
    if (isPrngKey(node)) {
      throw new InvalidArgumentError(
        `${op}: the leaf at ${at()} is a PRNG key, which is not a tensor and has no derivative; pass it as an argument that is not ` +
          'differentiated (grad differentiates argument 0 unless told otherwise by argnums), close over it, carry it through ' +
          "scan, whileLoop or foriLoop (they carry keys), or pass its words as a tensor, ad.tensor(key.words) (split, foldIn and the samplers take them).",
      );
    }
    throw new InvalidArgumentError(
      `${op}: the leaf at ${at()} is ${describe(node)}; leaves of arguments and results must be ` +
        `tensors or numbers (in nested arrays and plain objects, with null for an empty entry). ` +
        (node === undefined
          ? 'Write null where an entry is meant to be empty, or leave the key out.'
          : typeof node === 'object' && node !== null && !ArrayBuffer.isView(node)
            ? 'Close over other values instead of passing them, or register the class as a pytree node ' +
              '(ad.tree.registerPytreeNode(Class, flatten, unflatten) or ad.tree.registerDataclass(Class, dataFields, metaFields), as JAX\'s).'
            : 'Close over other values instead of passing them.'),
    );
  };
  const def = walk(tree);
  return { leaves, def };
}

/** Whether every element of `list` is a tensor or a number (a hole is not). */
function allLeaves(list: readonly unknown[]): boolean {
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (!(c instanceof Tensor || typeof c === 'number')) return false;
  }
  return true;
}

/** The structure of a list of `n` leaves (kept for the lengths met most: the structures are immutable). */
function flatArray(n: number): TreeDef {
  let def = flatArrays.get(n);
  if (def === undefined) {
    def = { kind: 'array', children: new Array<TreeDef>(n).fill(LEAF), flat: true };
    if (flatArrays.size < 64) flatArrays.set(n, def);
  }
  return def;
}
const flatArrays = new Map<number, TreeDef>();

/** Whether `v` is an ad.random Key (branded in random/key.ts, which core does not import). @internal */
export function isPrngKey(v: unknown): boolean {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[Symbol.for('adjoint.prngKey')] === true;
}

/** Rebuilds a structure from its leaves. */
export function unflatten<T>(def: TreeDef, leaves: readonly T[]): unknown {
  let k = 0;
  const build = (d: TreeDef): unknown => {
    if (d.kind === 'leaf') return leaves[k++];
    if (d.kind === 'null') return null;
    if (d.kind === 'array') {
      if (d.flat !== true) return d.children.map(build);
      const list = leaves.slice(k, k + d.children.length); // a list of leaves in one slice
      k += d.children.length;
      return list;
    }
    if (d.kind === 'node') return d.reg.unflatten(d.aux, d.children.map(build));
    const out: Record<string, unknown> = {};
    d.keys.forEach((key, i) => (out[key] = build(d.children[i]!)));
    return out;
  };
  return build(def);
}

/** Applies `fn` to every leaf. */
export function mapTree(tree: unknown, fn: (leaf: Tensor | number, index: number) => unknown, op = 'pytree'): unknown {
  const { leaves, def } = flatten(tree, op);
  return unflatten(def, leaves.map(fn));
}

/**
 * `tree` flattened in the order of `def`: where its objects hold the same keys as def's in another
 * order (a tree rebuilt by `ad.tree.map`, which sorts keys as JAX does, against one written by hand),
 * their leaves are taken in def's key order, so that leaf i of each is the same entry. Its own
 * structure (for the caller's check with `treesMatch`) otherwise.
 */
export function flattenLike(tree: unknown, def: TreeDef, op: string): { leaves: Array<Tensor | number>; def: TreeDef } {
  const own = flatten(tree, op);
  if (treesMatch(own.def, def) || !sameKeys(own.def, def)) return own;
  return flatten(inKeyOrder(tree, def), op);
}

/** `tree` with its objects' keys in `def`'s order where they are the same keys in another order; otherwise `tree` itself. */
export function reorderLike(tree: unknown, def: TreeDef, op: string): unknown {
  const own = flatten(tree, op).def;
  return treesMatch(own, def) || !sameKeys(own, def) ? tree : inKeyOrder(tree, def);
}

/** Whether two structures are the same up to the order of each object's keys. */
function sameKeys(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf' || a.kind === 'null') return true;
  const bc = (b as typeof a).children;
  if (a.children.length !== bc.length) return false;
  if (a.kind === 'array') return a.children.every((c, i) => sameKeys(c, bc[i]!));
  if (a.kind === 'node') return sameNode(a, b as typeof a) && a.children.every((c, i) => sameKeys(c, bc[i]!));
  const bk = (b as typeof a).keys, at = new Map(bk.map((k, i) => [k, i] as const));
  return a.keys.every((k, i) => at.has(k) && sameKeys(a.children[i]!, bc[at.get(k)!]!));
}

/** `tree` with every object's keys in `def`'s order (the structures are the same up to that order: `sameKeys`). */
function inKeyOrder(tree: unknown, def: TreeDef): unknown {
  if (def.kind === 'array') return (tree as unknown[]).map((c, i) => inKeyOrder(c, def.children[i]!));
  if (def.kind === 'node') {
    const { children, aux } = nodeParts(def.reg, tree as object, 'pytree');
    return def.reg.unflatten(aux, children.map((c, i) => inKeyOrder(c, def.children[i]!)));
  }
  if (def.kind !== 'object') return tree;
  const obj = tree as Record<string, unknown>, out: Record<string, unknown> = {};
  def.keys.forEach((k, i) => (out[k] = inKeyOrder(obj[k], def.children[i]!)));
  return out;
}

export function treesMatch(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'leaf' || a.kind === 'null') return true;
  const bc = (b as typeof a).children;
  if (a.children.length !== bc.length) return false;
  if (a.kind === 'object') {
    const bk = (b as typeof a).keys;
    if (a.keys.some((k, i) => k !== bk[i])) return false;
  }
  if (a.kind === 'node' && !sameNode(a, b as typeof a)) return false;
  return a.children.every((c, i) => treesMatch(c, bc[i]!));
}

/** Whether two registered nodes' structures agree at the node itself: one class, equal auxiliary data. */
function sameNode(a: { reg: NodeRegistration; aux: unknown }, b: { reg: NodeRegistration; aux: unknown }): boolean {
  return a.reg === b.reg && auxEqual(a.aux, b.aux);
}
