/**
 * @file Positional arguments past a function's signature are refused, as JAX refuses them (a
 * TypeError): `ad.softplus(x, 2)` (torch's beta), `ad.sum(x, 0, false, 5)` or `ad.add(x, y, z)`
 * would otherwise run as if the extra argument were not there.
 */
import { InvalidArgumentError } from './errors.js';
import { describe } from '../tensor/describe.js';

/**
 * Throws for the arguments `extra` that `op` was given past those it takes (`form`, its signature as
 * written: `'softplus(x)'`, `'sum(x, axis?, keepdims?)'`), which it would ignore. Each public
 * function gathers them in a rest parameter behind an overload that keeps its public type, and calls
 * this only when there are some (`if (extra.length > 0) extraArguments(…)`), so valid calls pay
 * nothing but the empty array.
 *
 * Passes: extra arguments that are all `undefined` (an option not given), and the index and array
 * that an Array method passes its callback after the value — `xs.map(ad.exp)`, `xs.forEach(…)`,
 * `xs.reduce(ad.add)` — recognised by `array[index] === last`, `last` the function's last declared
 * argument (the value the method passed). They are not arguments a user wrote, and mapping an op
 * over an array of tensors is common JavaScript.
 */
export function extraArguments(op: string, form: string, extra: readonly unknown[], last?: unknown): void {
  if (extra.every((e) => e === undefined)) return;
  const [index, array] = extra;
  if (extra.length === 2 && Array.isArray(array) && Number.isInteger(index) && last !== undefined && array[index as number] === last) return;
  const shown = describe(extra.find((e) => e !== undefined));
  const more = extra.length === 1 ? `1 more argument, ${shown},` : `${extra.length} more arguments, among them ${shown},`;
  throw new InvalidArgumentError(`${op}: takes ${form}; got ${more} which would be ignored.`);
}

/** The number of parameters in a form such as `'stats.beta.cdf(x, a, b, loc?, scale?)'` or `'(k, mu, loc?)'`. */
function arityOf(form: string): number {
  const inside = form.slice(form.indexOf('(') + 1, form.lastIndexOf(')')).trim();
  return inside === '' ? 0 : inside.split(',').length;
}

/**
 * `fn`, refusing arguments past those of `form` (its signature as written, `'stats.beta.cdf(x, a, b, loc?, scale?)'`)
 * as extraArguments does: for a function that is a value made by a factory, whose inferred public type a rest
 * parameter would change. Each call costs a wrapper's (a rest array and an apply): for functions off the hot paths.
 */
export function refusingExtra<F extends (...args: never[]) => unknown>(op: string, form: string, fn: F): F {
  const arity = arityOf(form);
  const call = fn as unknown as (...args: unknown[]) => unknown;
  return function (this: unknown, ...args: unknown[]): unknown {
    if (args.length > arity) extraArguments(op, form, args.slice(arity), args[arity - 1]);
    return call.apply(this, args);
  } as unknown as F;
}

/**
 * `members` (an object of functions, ad.stats' distributions), each refusing arguments past those of its form in
 * `forms` (`{ logpdf: '(x, loc?, scale?)' }`), named `${prefix}.${name}` (`stats.norm.logpdf`), as refusingExtra.
 */
export function refusingExtraIn<T extends Record<string, (...args: never[]) => unknown>>(prefix: string, forms: { readonly [K in keyof T]: string }, members: T): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(members)) {
    const op = `${prefix}.${name}`;
    out[name] = refusingExtra(op, `${op}${forms[name as keyof T]}`, fn);
  }
  return out as T;
}
