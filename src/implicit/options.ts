/** @file Checks of the arguments and options of the solvers, argmin, root and the optimizers: misuse throws an InvalidArgumentError that names the op, the option and the fix. */
import { InvalidArgumentError, NonScalarOutputError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../tensor/create.js';
import { checkFunction } from '../transforms/args.js';

/** What a value must be, in words, and the test. */
export interface Rule {
  readonly what: string;
  readonly ok: (v: unknown) => boolean;
}

const num = (v: unknown): v is number => typeof v === 'number';

export const positive: Rule = { what: 'a number > 0', ok: (v) => num(v) && v > 0 && v < Infinity };
export const nonNegative: Rule = { what: 'a number ≥ 0', ok: (v) => num(v) && v >= 0 && v < Infinity };
export const finite: Rule = { what: 'a finite number', ok: (v) => num(v) && Number.isFinite(v) };
export const count: Rule = { what: 'an integer ≥ 0', ok: (v) => num(v) && Number.isInteger(v) && v >= 0 };
export const positiveCount: Rule = { what: 'an integer ≥ 1', ok: (v) => num(v) && Number.isInteger(v) && v >= 1 };
export const flag: Rule = { what: 'true or false', ok: (v) => typeof v === 'boolean' };
export const callable: Rule = { what: 'a function', ok: (v) => typeof v === 'function' };
export const plainObject: Rule = { what: 'an object', ok: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) };
export const anything: Rule = { what: 'anything', ok: () => true };
export const oneOf = (...names: string[]): Rule => ({
  what: names.length === 2 ? `'${names[0]}' or '${names[1]}'` : `${names.slice(0, -1).map((n) => `'${n}'`).join(', ')} or '${names.at(-1)}'`,
  ok: (v) => typeof v === 'string' && names.includes(v),
});

/** A value in words for a message: strings quoted, so `'0.1'` is told from `0.1`. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return String(v);
  return describe(v);
}

/**
 * Checks `options` against `rules` (one per known option; an absent or undefined option is always
 * fine): it must be an object (or absent, unless `required`), every key must be known (a misspelt option would otherwise be
 * ignored without a word: `maxiter` for `maxIter`), and every value must pass its rule.
 */
export function checkOptions(
  op: string, options: unknown, rules: Readonly<Record<string, Rule>>, { example = '{ tol: 1e-8 }', required = false } = {},
): void {
  if (options === undefined && !required) return;
  if (!plainObject.ok(options)) {
    throw new InvalidArgumentError(`${op}: ${required ? 'pass an options object' : 'options must be an object'} such as ${example}, got ${shown(options)}.`);
  }
  const known = Object.keys(rules);
  for (const [key, value] of Object.entries(options as Record<string, unknown>)) {
    const rule = rules[key];
    if (rule === undefined) {
      const near = known.find((k) => k.toLowerCase() === key.toLowerCase());
      throw new InvalidArgumentError(
        `${op}: unknown option ${key}${near ? ` (did you mean ${near}?)` : ''}; the options are ${known.join(', ')}.`,
      );
    }
    if (value !== undefined && !rule.ok(value)) {
      throw new InvalidArgumentError(`${op}: option ${key} must be ${rule.what}, got ${shown(value)}.`);
    }
  }
}

/** A relative tolerance: > 0, or 0 when an absolute tolerance `atol` > 0 stands in for it. */
export function checkTolerance(op: string, name: string, tol: unknown, atol?: unknown): void {
  if (tol === undefined || positive.ok(tol) || (tol === 0 && num(atol) && atol > 0)) return;
  throw new InvalidArgumentError(
    `${op}: option ${name} must be a number > 0${atol === undefined ? '' : ' (or 0 with atol > 0)'}, got ${shown(tol)}; ` +
      `a solve stops when the residual is below the tolerance, so it needs one it can reach (1e-10 is the default).`,
  );
}

/** `f` must be a synchronous function; `name` says which argument (`matvec`, `loss`, …) and `example` how one looks. */
export function checkCallable(op: string, name: string, f: unknown, example: string): void {
  if (typeof f !== 'function') {
    throw new InvalidArgumentError(`${op}: ${name} must be a function, e.g. ${example}; got ${shown(f)}.`);
  }
  checkFunction(f, op);
}

/** A loss's value must be a number or a single-element tensor; `name` says which function ('loss'). */
export function checkScalarResult(op: string, name: string, value: unknown): void {
  if (typeof value === 'number' || (value instanceof Tensor && value.size === 1)) return;
  const got = value === undefined
    ? 'undefined: did it forget to `return` its value?'
    : `${value instanceof Tensor ? `a tensor of shape [${value.shape.join(',')}]` : shown(value)}. Reduce it to a scalar (e.g. ad.sum or ad.mean).`;
  throw new NonScalarOutputError(`${op}: ${name} must return a single-element tensor or a number, but it returned ${got}`);
}
