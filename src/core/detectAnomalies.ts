/** @file `detectAnomalies`: the public switch of anomaly mode (core/anomaly.ts holds the checks). */
import { checkAnomalies, withAnomalyMode, type AnomalyOptions } from './anomaly.js';
import { checkFunction, checkSynchronous } from './functions.js';
import { InvalidArgumentError } from './errors.js';
import { extraArguments } from './extraArguments.js';
import { literal } from '../tensor/describe.js';

const PASSES = ['both', 'forward', 'backward'];

/**
 * Runs `fn` in anomaly mode. A NaN or ±Infinity that reaches a result — `fn`'s return value, what a
 * transformation returns (a value, a gradient, a tangent), or a value read with `item()` or
 * `toArray()` — or that appears in a cotangent of the backward pass throws an `AnomalyError`
 * naming the op that made it (`error.op`) and the lines of your code that called it
 * (`error.site`). Values that are masked away (`where(z > 0, sqrt(z), 0)`, a −∞ mask in a CRF)
 * are not flagged. Options: `strict` flags every non-finite intermediate where it is made;
 * `nanOnly` allows ±Infinity; `pass: 'forward' | 'backward'` checks one pass only. Slower; for
 * debugging. `fn` must be synchronous (the ops after an `await` would run outside the mode).
 * @example
 * const g = ad.grad((x) => ad.sqrt(x).sum());
 * ad.detectAnomalies(() => g(ad.tensor([1, 4]))); // fine
 * // ad.detectAnomalies(() => g(ad.tensor([0, 4]))); // AnomalyError: backward pass of op 'sqrt' produced Infinity
 */
export function detectAnomalies<T>(fn: () => T, options?: AnomalyOptions): T;
export function detectAnomalies<T>(fn: () => T, options: AnomalyOptions = {}, ...extra: unknown[]): T {
  if (extra.length > 0) extraArguments('detectAnomalies', 'detectAnomalies(fn, options?)', extra, options);
  checkFunction(fn, 'detectAnomalies');
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`detectAnomalies: options must be an object such as { strict: true }, got ${String(options)}.`);
  }
  // A misspelt key (strcit) or a flag given as a string ('false' is truthy) would turn a check off silently.
  for (const key of Object.keys(options)) {
    if (key !== 'strict' && key !== 'nanOnly' && key !== 'pass') {
      throw new InvalidArgumentError(`detectAnomalies: unknown option '${key}'; the options are strict, nanOnly and pass.`);
    }
  }
  for (const key of ['strict', 'nanOnly'] as const) {
    const v = options[key];
    if (v !== undefined && typeof v !== 'boolean') throw new InvalidArgumentError(`detectAnomalies: ${key} must be true or false, got ${literal(v)}.`);
  }
  if (options.pass !== undefined && !PASSES.includes(options.pass)) {
    throw new InvalidArgumentError(`detectAnomalies: pass must be 'both', 'forward' or 'backward', got ${literal(options.pass)}.`);
  }
  return withAnomalyMode(options, () => {
    const result = fn();
    checkSynchronous(result, 'detectAnomalies');
    checkAnomalies(result, 'the value detectAnomalies returns');
    return result;
  });
}
