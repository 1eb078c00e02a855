/** @file Shared plumbing of the transformations: flattening arguments into tensors and boxing them. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe } from '../tensor/create.js';
import { flatten, isPlainObject, unflatten, type TreeDef } from '../core/pytree.js';
import { childrenLike, nodeLabel } from '../core/pytreeNodes.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { literal } from '../tensor/describe.js';

/** Arguments as flat tensor leaves plus the structure to rebuild them. */
export interface FlatArgs {
  leaves: Tensor[];
  def: TreeDef;
}

export function flattenArgs(args: readonly unknown[], op: string): FlatArgs {
  const { leaves, def } = flatten(args as unknown[], op);
  return { leaves: leaves.map((l) => asTensor(l, op)), def };
}

/** Rebuilds the argument list from (possibly boxed) leaves. */
export function rebuildArgs(def: TreeDef, leaves: readonly Tensor[]): unknown[] {
  return unflatten(def, leaves) as unknown[];
}

/**
 * Normalises `argnums` to a list of in-range indices. A repeated index is allowed (as in JAX): its
 * gradient is given at each place it is listed.
 */
export function argnumList(argnums: number | readonly number[], count: number, op: string): number[] {
  if (typeof argnums !== 'number' && !Array.isArray(argnums)) {
    throw new InvalidArgumentError(
      `${op}: argnums must be an argument index or an array of them, got ${describe(argnums)}; e.g. ${op}(f, 0) or ${op}(f, [0, 1]).`,
    );
  }
  const list = typeof argnums === 'number' ? [argnums] : [...argnums];
  // As written (JSON would show NaN and Infinity as null).
  const shown = typeof argnums === 'number' ? String(argnums) : `[${list.map((a) => (typeof a === 'number' ? String(a) : literal(a))).join(',')}]`;
  if (list.length === 0) {
    throw new InvalidArgumentError(`${op}: argnums is an empty array; list at least one argument index, e.g. [0].`);
  }
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    if (!Number.isInteger(a)) {
      throw new InvalidArgumentError(
        `${op}: argnums ${shown} holds ${typeof a === 'number' ? a : describe(a)}; an argument index is an integer from 0 (the first argument) ` +
          `to ${count - 1} (the last of the ${count} passed), or from −${count} counting from the end.`,
      );
    }
    if (a >= count || a < -count) {
      throw new InvalidArgumentError(
        `${op}: argnums ${shown} refers to argument ${a}, but the function was called with ${count} argument(s); ` +
          `an index is from 0 to ${count - 1}, or from −${count} counting from the end.`,
      );
    }
    if (a < 0) list[i] = a + count; // counting from the end, as Python's and JAX's argnums=-1
  }
  return list;
}

/**
 * A structure in words for an error: `{w: *, b: [*, *], c: null}`, `*` a leaf, `null` an empty node; cut short after `limit`
 * characters so a list of 10⁴ leaves costs one short string.
 */
export function describeTree(def: TreeDef, limit = 120): string {
  let out = '';
  const walk = (d: TreeDef): void => {
    if (out.length > limit) return;
    if (d.kind === 'leaf') out += '*';
    else if (d.kind === 'null') out += 'null';
    else if (d.kind === 'array' || d.kind === 'node') {
      out += d.kind === 'node' ? `${nodeLabel(d.reg, d.aux)}[` : '[';
      d.children.forEach((c, i) => (i > 0 && (out += ', '), walk(c)));
      out += ']';
    } else {
      out += '{';
      d.children.forEach((c, i) => (i > 0 && (out += ', '), (out += `${d.keys[i]}: `), walk(c)));
      out += '}';
    }
  };
  walk(def);
  return out.length > limit ? `${out.slice(0, limit)}…` : out;
}

/**
 * The leaves of `tree` in the order of the structure `def` (another tree's): object keys matched by
 * name in any order (JAX sorts dict keys, so `{b, a}` pairs with `{a, b}`), arrays by position.
 * `what` names `tree` and `against` the tree `def` came from, for the error when they differ.
 */
export function flattenLike(tree: unknown, def: TreeDef, op: string, what: string, against: string): Array<Tensor | number> {
  const leaves = leavesLike(tree, def);
  if (leaves === null) {
    throw new ShapeError(
      `${op}: the ${what} must have the same structure as the ${against} (one leaf per leaf, the same keys and lengths); ` +
        `got ${describeTree(flatten(tree, op).def)} for ${describeTree(def)} (* a leaf, null an empty node).`,
    );
  }
  return leaves;
}

/** `flattenLike`'s leaves, or null where `tree` does not have the structure `def`. */
export function leavesLike(tree: unknown, def: TreeDef): Array<Tensor | number> | null {
  const leaves: Array<Tensor | number> = [];
  const walk = (node: unknown, d: TreeDef): boolean => {
    if (d.kind === 'leaf') {
      if (!(node instanceof Tensor || typeof node === 'number')) return false;
      leaves.push(node);
      return true;
    }
    if (d.kind === 'null') return node === null; // None is a prefix only of None, as in JAX
    if (d.kind === 'array') {
      return Array.isArray(node) && node.length === d.children.length && d.children.every((c, i) => walk(node[i], c));
    }
    if (d.kind === 'node') {
      const children = childrenLike(node, d, 'pytree');
      return children !== null && d.children.every((c, i) => walk(children[i], c));
    }
    if (!isPlainObject(node) || Object.keys(node).length !== d.keys.length) return false;
    // Own enumerable keys, as flatten reads them (Object.keys).
    return d.keys.every((k, i) => Object.prototype.propertyIsEnumerable.call(node, k) && walk(node[k], d.children[i]!));
  };
  return walk(tree, def) ? leaves : null;
}

/**
 * Throws if a transformation was given arguments after those it takes: a JAX keyword carried over
 * (`policy`, `nondiff_argnums`, `axis_name`) would be ignored.
 */
export function noExtraArguments(extra: readonly unknown[], op: string, form: string): void {
  if (extra.length > 0) {
    throw new InvalidArgumentError(`${op}: takes ${form}; got ${extra.length} more argument(s), the first ${describe(extra[0])}, which would be ignored.`);
  }
}

export { checkFunction, checkResult, missingResult } from '../core/functions.js';
