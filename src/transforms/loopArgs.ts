/** @file What scan and whileLoop check of their arguments: the functions, the options, `checkpoints`. */
import { describe } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { isPlainObject } from '../core/pytree.js';
import { checkFunction } from './args.js';

/** How many carries a checkpointed loop may store: every one, at most c, or about √n. */
export type Checkpoints = 'all' | 'sqrt' | number;

/** Throws unless `f`, the argument called `name` of `op`, is a synchronous function. */
export function checkLoopFunction(f: unknown, op: string, name: string, form: string): void {
  if (typeof f !== 'function') {
    throw new InvalidArgumentError(`${op}: ${name} must be a function ${form}, got ${describe(f)}.`);
  }
  checkFunction(f, op);
}

/** Throws unless `options` is a plain object whose keys are all among `known` (a misspelt key would be ignored). */
export function checkOptions(options: unknown, op: string, known: readonly string[]): void {
  const list = known.join(', ');
  if (!isPlainObject(options)) { // a Map or a Date has no keys to check: read as {} it would hide the mistake
    throw new InvalidArgumentError(`${op}: options must be an object with any of ${list}, got ${describe(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new InvalidArgumentError(`${op}: unknown option '${key}'; the options are ${list}.`);
    }
  }
}

/** Resolves the `checkpoints` option for a loop of n steps to a number of stored carries, or null for 'all'. */
export function resolveCheckpoints(checkpoints: unknown, n: number, op: string): number | null {
  if (checkpoints === undefined || checkpoints === 'all') return null;
  if (checkpoints === 'sqrt') return Math.max(1, Math.ceil(Math.sqrt(n)));
  if (typeof checkpoints !== 'number' || !Number.isInteger(checkpoints) || checkpoints < 1) {
    throw new InvalidArgumentError(
      `${op}: checkpoints must be 'all', 'sqrt' or an integer ≥ 1 (stored carries, the initial one included), got ${describe(checkpoints)}; ` +
        `e.g. { checkpoints: 10 }.`,
    );
  }
  return checkpoints;
}

/**
 * Throws unless `stats` (the option the loop fills in with its counts) is left out or is an object
 * it can write: the loop sets its fields, so a number or a frozen object failed with a bare TypeError.
 */
export function checkStats(stats: unknown, op: string): void {
  if (stats !== undefined && (typeof stats !== 'object' || stats === null || Array.isArray(stats) || !Object.isExtensible(stats))) {
    throw new InvalidArgumentError(
      `${op}: stats must be an object the loop can fill in with its counts, got ${describe(stats)}; e.g. const stats = {}; ${op}(…, { stats }).`,
    );
  }
}
