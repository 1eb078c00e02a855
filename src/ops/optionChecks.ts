/**
 * @file The checks of an options object shared by the NumPy-style ops (statistics, quantiles,
 * running reductions, layout, sequences): a plain object with known keys, and true/false flags —
 * an AdjointError naming the op, the option and the fix otherwise.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { isPlainObject } from '../core/pytree.js';

/** `options` is a plain object whose keys are all in `known` (`example` shows one in the error). */
export function knownOptions(op: string, options: unknown, known: readonly string[], example: string): void {
  // Only a plain object: a tensor or typed array where the options go (a NumPy positional argument,
  // as cov(x, y) or bincount(x, w)) was read as options and named its own fields ('unknown option buffer').
  if (!isPlainObject(options)) {
    throw new InvalidArgumentError(`${op}: options must be an object like ${example}, got ${describe(options)}.`);
  }
  for (const key of Object.keys(options as object)) {
    if (!known.includes(key)) {
      const these = known.length === 1 ? `the one option is ${known[0]}` : `the options are ${known.slice(0, -1).join(', ')} and ${known[known.length - 1]}`;
      throw new InvalidArgumentError(`${op}: unknown option '${key}'; ${these}.`);
    }
  }
}

/** A true/false option, `fallback` when undefined. */
export function flag(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidArgumentError(`${op}: ${name} must be true or false, got ${describe(value)}.`);
  return value;
}
