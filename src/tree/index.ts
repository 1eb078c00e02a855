/**
 * @file Pytree utilities, as `jax.tree` (jax.tree_util): map a function over the leaves of one
 * tree or of several trees of one structure (an optimizer's update over parameters and
 * gradients), list the leaves, take a tree apart and put it back together. Trees are adjoint's
 * pytrees: nested arrays and plain objects whose leaves are tensors or numbers; `null` is a node
 * with no children, as JAX's None (no leaf, kept by `map`, shown as `null` by `structure`). Object keys are taken
 * in sorted order, as JAX flattens a dict, so `{ b, a }` and `{ a, b }` have one structure and give
 * their leaves in one order (a's first).
 */
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/create.js';
import { flatten as flattenTree, isPlainObject, unflatten as unflattenTree, type IsRegisteredNode, type TreeDef } from '../core/pytree.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describeTree, leavesLike } from '../transforms/args.js';
import { extraArguments } from '../core/extraArguments.js';
import { childrenLike } from '../core/pytreeNodes.js';

export { registerPytreeNode, registerDataclass } from '../core/pytreeNodes.js';

/** The types of the leaves of a tree type T (tensors or numbers). */
export type LeafOf<T> = 0 extends 1 & T
  ? Tensor | number
  : T extends Tensor | number
    ? T
    : IsRegisteredNode<T> extends true
      ? { [K in keyof T]: T[K] extends (...args: never[]) => unknown ? never : LeafOf<T[K]> }[keyof T] // its fields' leaves (methods have none)
    : T extends null
      ? never // an empty node has no leaves
    : T extends readonly (infer E)[]
      ? LeafOf<E>
      : T extends object
        ? LeafOf<T[keyof T]>
        : never;

/** T with every leaf replaced by R: what `tree.map` returns. */
export type LeafMap<T, R> = 0 extends 1 & T
  ? T // an untyped tree stays untyped
  : T extends Tensor | number
    ? R
    : IsRegisteredNode<T> extends true
    ? NoInfer<T> // typed as the class; its leaves are fn's results at run time
    : T extends null
      ? null // kept, as jax.tree.map keeps None
    : T extends readonly unknown[]
      ? { -readonly [K in keyof T]: LeafMap<T[K], R> }
      : T extends object
        ? { -readonly [K in keyof T]: LeafMap<T[K], R> }
        : never;

/** A tree's structure without its leaves (JAX's PyTreeDef): from `structure` or `flatten`, for `unflatten`. */
export interface TreeStructure {
  /** The structure written out, `*` for each leaf and `null` for an empty node: `{b: *, n: null, w: [*, *]}`. */
  toString(): string;
  /** How many leaves it holds. */
  readonly numLeaves: number;
}

class Structure implements TreeStructure {
  constructor(readonly def: TreeDef, readonly numLeaves: number) {}
  toString(): string {
    return describeTree(this.def, Infinity);
  }
}

/** def with every object's keys sorted (JAX sorts dict keys when it flattens: the order is a property of the keys, not of how the object was built). */
function sortedKeys(def: TreeDef): TreeDef {
  if (def.kind === 'leaf' || def.kind === 'null') return def;
  if (def.kind === 'array') return { kind: 'array', children: def.children.map(sortedKeys) };
  if (def.kind === 'node') return { ...def, children: def.children.map(sortedKeys) }; // a registered node's children keep their order
  const order = def.keys.map((_, i) => i).sort((i, j) => (def.keys[i]! < def.keys[j]! ? -1 : def.keys[i]! > def.keys[j]! ? 1 : 0));
  return { kind: 'object', keys: order.map((i) => def.keys[i]!), children: order.map((i) => sortedKeys(def.children[i]!)) };
}

/** The tree's leaves and structure with object keys in sorted order (the tree checked as the library's flatten checks it). */
function flattenSorted(tree: unknown, op: string): { leaves: Array<Tensor | number>; def: TreeDef } {
  const def = sortedKeys(flattenTree(tree, op).def);
  return { leaves: leavesLike(tree, def)!, def };
}

function checkFn(fn: unknown, op: string, form: string): void {
  if (typeof fn !== 'function') throw new InvalidArgumentError(`${op}: the first argument must be a function ${form}, got ${describe(fn)}.`);
}

/**
 * The subtrees of `tree` at the leaves of `def`, in order: `tree` has def's structure, or def as a
 * prefix (a whole subtree where def has a leaf), as jax.tree.map takes its other trees; null where it
 * has neither. Object keys are matched by name.
 */
function subtreesAt(tree: unknown, def: TreeDef): unknown[] | null {
  const out: unknown[] = [];
  const walk = (node: unknown, d: TreeDef): boolean => {
    if (d.kind === 'leaf') return out.push(node) > 0;
    // null is a tree prefix only of null (jax.tree.map(f, None, x) is an error unless x is None)
    if (d.kind === 'null') return node === null;
    if (d.kind === 'array') return Array.isArray(node) && node.length === d.children.length && d.children.every((c, i) => walk(node[i], c));
    if (d.kind === 'node') {
      const children = childrenLike(node, d, 'tree.map');
      return children !== null && d.children.every((c, i) => walk(children[i], c));
    }
    return isPlainObject(node) && Object.keys(node).length === d.keys.length &&
      d.keys.every((k, i) => Object.prototype.propertyIsEnumerable.call(node, k) && walk(node[k], d.children[i]!));
  };
  return walk(tree, def) ? out : null;
}

/**
 * A tree of the same structure as `tree` with `fn(leaf, ...valuesOfRest)` at each leaf, as
 * `jax.tree.map`: each other tree has `tree`'s structure (keys matched by name), giving `fn` its
 * leaf there, or has `tree` as a prefix, giving `fn` the whole subtree where `tree` has a leaf
 * (`map((x, pair) => …, [x0, x1], [[a, b], c])` calls fn(x0, [a, b]) and fn(x1, c)). `fn` may
 * return anything.
 * @example
 * const params = { w: ad.tensor([1, 2]), b: ad.scalar(0.5) };
 * const grads = { w: ad.tensor([0.1, 0.2]), b: ad.scalar(1) };
 * ad.tree.map((p, g) => ad.sub(p, ad.mul(0.1, g)), params, grads); // one SGD step: { w: [0.99, 1.98], b: 0.4 }
 */
export function map<T, Rest extends unknown[], R>(
  fn: (leaf: LeafOf<NoInfer<T>>, ...rest: { [K in keyof Rest]: LeafOf<NoInfer<Rest[K]>> }) => R, tree: T, ...rest: Rest
): LeafMap<T, R> {
  checkFn(fn, 'tree.map', '(leaf, ...leavesOfTheOtherTrees) => value');
  const { leaves, def } = flattenSorted(tree, 'tree.map');
  const others = rest.map((r, k) => {
    const own = flattenTree(r, 'tree.map').def; // a tree of tensors and numbers, as the first
    const values = subtreesAt(r, def);
    if (values === null) {
      throw new ShapeError(
        `tree.map: the tree at position ${k + 2} must have the same structure as the first tree, or have it as a prefix (the same keys and ` +
          `lengths down to the first tree's leaves); got ${describeTree(sortedKeys(own))} for ${describeTree(def)} (* a leaf).`,
      );
    }
    return values;
  });
  const apply = fn as (leaf: unknown, ...rest: unknown[]) => R;
  return unflattenTree(def, leaves.map((l, i) => apply(l, ...others.map((o) => o[i])))) as LeafMap<T, R>;
}

/** A place in a tree: object keys (and a dataclass's field names) as strings, array indices (and a registered node's child positions) as numbers. */
export type TreePath = ReadonlyArray<string | number>;

/** The path of every leaf of `def`, in order. */
function pathsOf(def: TreeDef): TreePath[] {
  const out: TreePath[] = [];
  const walk = (d: TreeDef, at: Array<string | number>): void => {
    if (d.kind === 'leaf') out.push(at.slice());
    else if (d.kind === 'array') d.children.forEach((c, i) => walk(c, [...at, i]));
    else if (d.kind === 'node') d.children.forEach((c, i) => walk(c, [...at, d.reg.childNames?.[i] ?? i]));
    else if (d.kind === 'object') d.children.forEach((c, i) => walk(c, [...at, d.keys[i]!]));
  };
  walk(def, []);
  return out;
}

/**
 * `map` with each leaf's path first, as `jax.tree.map_with_path`: `fn(path, leaf, ...leavesOfTheOtherTrees)`.
 * @example
 * // Weight decay on the weights only: a path ending in 'w'.
 * ad.tree.mapWithPath((path, p) => (path.at(-1) === 'w' ? ad.mul(p, 0.99) : p), { w: ad.ones([2]), b: ad.ones([2]) });
 */
export function mapWithPath<T, Rest extends unknown[], R>(
  fn: (path: TreePath, leaf: LeafOf<NoInfer<T>>, ...rest: { [K in keyof Rest]: LeafOf<NoInfer<Rest[K]>> }) => R, tree: T, ...rest: Rest
): LeafMap<T, R> {
  checkFn(fn, 'tree.mapWithPath', '(path, leaf, ...leavesOfTheOtherTrees) => value');
  const paths = pathsOf(flattenSorted(tree, 'tree.mapWithPath').def);
  let i = 0;
  const apply = fn as (path: TreePath, leaf: unknown, ...rest: unknown[]) => R;
  return map(((leaf: unknown, ...others: unknown[]) => apply(paths[i++]!, leaf, ...others)) as never, tree, ...rest) as LeafMap<T, R>;
}

/**
 * Each leaf with its path, in `leaves`' order, as `jax.tree.leaves_with_path`.
 * @example ad.tree.leavesWithPath({ b: 4, a: [1, 2] }); // [[['a', 0], 1], [['a', 1], 2], [['b'], 4]]
 */
export function leavesWithPath<T>(tree: T): Array<[TreePath, LeafOf<T>]>;
export function leavesWithPath<T>(tree: T, ...extra: unknown[]): Array<[TreePath, LeafOf<T>]> {
  if (extra.length > 0) extraArguments('tree.leavesWithPath', 'tree.leavesWithPath(tree)', extra, tree);
  const { leaves: l, def } = flattenSorted(tree, 'tree.leavesWithPath');
  const paths = pathsOf(def);
  return l.map((leaf, i) => [paths[i]!, leaf as LeafOf<T>]);
}

/**
 * `[leavesWithPath, structure]`, as `jax.tree.flatten_with_path`; `unflatten(structure, leaves)` puts a tree back.
 * @example const [pairs, s] = ad.tree.flattenWithPath({ w: 1, b: [2] }); ad.tree.keystr(pairs[0][0]); // ".b[0]"
 */
export function flattenWithPath<T>(tree: T): [Array<[TreePath, LeafOf<T>]>, TreeStructure];
export function flattenWithPath<T>(tree: T, ...extra: unknown[]): [Array<[TreePath, LeafOf<T>]>, TreeStructure] {
  if (extra.length > 0) extraArguments('tree.flattenWithPath', 'tree.flattenWithPath(tree)', extra, tree);
  const { leaves: l, def } = flattenSorted(tree, 'tree.flattenWithPath');
  const paths = pathsOf(def);
  return [l.map((leaf, i) => [paths[i]!, leaf as LeafOf<T>]), new Structure(def, l.length)];
}

/**
 * A path written out, as `jax.tree_util.keystr`: `.name` for an object key or a field, `[i]` for a
 * position (a key that is not an identifier as `["a key"]`).
 * @example ad.tree.keystr(['layers', 0, 'w']); // ".layers[0].w"
 */
export function keystr(path: TreePath): string;
export function keystr(path: TreePath, ...extra: unknown[]): string {
  if (extra.length > 0) extraArguments('tree.keystr', 'tree.keystr(path)', extra, path);
  if (!Array.isArray(path) || !path.every((k) => typeof k === 'string' || typeof k === 'number')) {
    throw new InvalidArgumentError(`tree.keystr: the path must be an array of keys (strings) and positions (numbers), as tree.leavesWithPath gives, got ${describe(path)}.`);
  }
  return (path as TreePath).map((k) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`)).join('');
}

/**
 * The leaves of `tree` in order (arrays by index, objects by sorted key), as `jax.tree.leaves`.
 * @example ad.tree.leaves({ b: 4, a: [1, ad.tensor([2, 3])] }).length; // 3, a's leaves first
 */
export function leaves<T>(tree: T): Array<LeafOf<T>>;
export function leaves<T>(tree: T, ...extra: unknown[]): Array<LeafOf<T>> {
  if (extra.length > 0) extraArguments('tree.leaves', 'tree.leaves(tree)', extra, tree);
  return flattenSorted(tree, 'tree.leaves').leaves as Array<LeafOf<T>>;
}

/**
 * The structure of `tree`, as `jax.tree.structure`; `String()` of it shows the structure (keys sorted).
 * @example String(ad.tree.structure({ w: [1, 2], b: 3 })); // "{b: *, w: [*, *]}"
 */
export function structure(tree: unknown): TreeStructure;
export function structure(tree: unknown, ...extra: unknown[]): TreeStructure {
  if (extra.length > 0) extraArguments('tree.structure', 'tree.structure(tree)', extra, tree);
  const { leaves: l, def } = flattenSorted(tree, 'tree.structure');
  return new Structure(def, l.length);
}

/**
 * `[leaves, structure]`, as `jax.tree.flatten`; `unflatten(structure, leaves)` puts it back.
 * @example const [ls, s] = ad.tree.flatten({ a: 1, b: [2, 3] }); ls; // [1, 2, 3]
 */
export function flatten<T>(tree: T): [Array<LeafOf<T>>, TreeStructure];
export function flatten<T>(tree: T, ...extra: unknown[]): [Array<LeafOf<T>>, TreeStructure] {
  if (extra.length > 0) extraArguments('tree.flatten', 'tree.flatten(tree)', extra, tree);
  const { leaves: l, def } = flattenSorted(tree, 'tree.flatten');
  return [l as Array<LeafOf<T>>, new Structure(def, l.length)];
}

/**
 * The tree of structure `structure` with the given leaves in order, as `jax.tree.unflatten`; the
 * leaves may be any values (e.g. one per parameter).
 * @example ad.tree.unflatten(ad.tree.structure({ a: 0, b: [0, 0] }), [1, 2, 3]); // { a: 1, b: [2, 3] }
 */
export function unflatten<R = unknown>(structure: TreeStructure, leafValues: readonly R[]): unknown;
export function unflatten<R = unknown>(structure: TreeStructure, leafValues: readonly R[], ...extra: unknown[]): unknown {
  if (extra.length > 0) extraArguments('tree.unflatten', 'tree.unflatten(structure, leafValues)', extra, leafValues);
  if (!(structure instanceof Structure)) {
    throw new InvalidArgumentError(`tree.unflatten: the structure must come from ad.tree.structure or ad.tree.flatten, got ${describe(structure)}.`);
  }
  if (!Array.isArray(leafValues)) throw new InvalidArgumentError(`tree.unflatten: the leaves must be an array, got ${describe(leafValues)}.`);
  if (leafValues.length !== structure.numLeaves) {
    throw new ShapeError(`tree.unflatten: the structure ${String(structure)} has ${structure.numLeaves} leaves but ${leafValues.length} were given.`);
  }
  return unflattenTree(structure.def, leafValues);
}

/**
 * `fn(…fn(fn(initial, leaf₀), leaf₁)…)` over the leaves in order, as `jax.tree.reduce`; without
 * `initial`, the first leaf starts the fold (as functools.reduce, which JAX calls), and a tree
 * without leaves is an error.
 * @example ad.tree.reduce((n, leaf) => n + ad.tensor(leaf).size, { w: ad.zeros([3, 4]), b: ad.zeros([4]) }, 0); // 16
 */
export function reduce<T, A>(fn: (accumulator: A, leaf: LeafOf<T>) => A, tree: T, initial: A): A;
export function reduce<T>(fn: (accumulator: LeafOf<NoInfer<T>>, leaf: LeafOf<NoInfer<T>>) => LeafOf<NoInfer<T>>, tree: T): LeafOf<T>;
export function reduce(fn: (accumulator: never, leaf: never) => unknown, tree: unknown, ...initial: unknown[]): unknown {
  checkFn(fn, 'tree.reduce', '(accumulator, leaf) => accumulator');
  if (initial.length > 1) extraArguments('tree.reduce', 'tree.reduce(fn, tree, initial?)', initial.slice(1), initial[0]);
  const ls: unknown[] = flattenSorted(tree, 'tree.reduce').leaves;
  const step = fn as (accumulator: unknown, leaf: unknown) => unknown;
  if (initial.length > 0) return ls.reduce(step, initial[0]);
  if (ls.length === 0) {
    throw new InvalidArgumentError('tree.reduce: the tree has no leaves and no initial value was given; pass one, tree.reduce(fn, tree, initial).');
  }
  return ls.reduce(step);
}
