/** @file Shared plumbing of the transformations: flattening arguments into tensors and boxing them. */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe } from '../tensor/create.js';
import { flatten, unflatten, type TreeDef } from '../core/pytree.js';
import { InvalidArgumentError } from '../core/errors.js';

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
  if (list.length === 0) {
    throw new InvalidArgumentError(`${op}: argnums is an empty array; list at least one argument index, e.g. [0].`);
  }
  for (const a of list) {
    if (!Number.isInteger(a) || a < 0) {
      throw new InvalidArgumentError(
        `${op}: argnums ${JSON.stringify(argnums)} holds ${typeof a === 'number' ? a : describe(a)}; an argument index is an integer from 0 (the first argument) ` +
          `to ${count - 1} (the last of the ${count} passed).`,
      );
    }
    if (a >= count) {
      throw new InvalidArgumentError(
        `${op}: argnums ${JSON.stringify(argnums)} refers to argument ${a}, but the function was called with ${count} argument(s).`,
      );
    }
  }
  return list;
}

export { checkFunction, checkResult, missingResult } from '../core/functions.js';
