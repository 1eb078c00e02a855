/** @file What a transformation checks of the function it is given and of what that function returns. */
import { describe } from '../tensor/create.js';
import { InvalidArgumentError } from './errors.js';
import type { PyTree } from './pytree.js';

/**
 * A function a transformation takes: pytrees in, `R` out. The public types' one deliberate
 * `any`: a constraint's parameter type is what TypeScript gives an unannotated lambda's
 * parameters, and `any` keeps `ad.grad((x) => ad.sum(x))` compiling (`never[]` would type `x` as
 * never, `PyTree[]` would reject `ad.sum(x)`). Annotated parameters keep their own types, and the
 * results are computed from them (`TensorTree<Parameters<F>[0]>`, …).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TreeFunction<R = PyTree> = (...args: any[]) => R;

/** Throws unless `f` is a synchronous function. */
export function checkFunction(f: unknown, op: string): void {
  if (typeof f !== 'function') {
    throw new InvalidArgumentError(`${op}: expected a function to transform, got ${describe(f)}.`);
  }
  // An async function returns at its first await, before the ops after it run: no transformation
  // (nor anomaly or profile mode) can see them.
  if (isAsync(f)) {
    throw new InvalidArgumentError(
      `${op}: the function is async; transformations trace synchronous code only (the ops after an await run ` +
        `after ${op} has returned). Await the data first, then call a synchronous function.`,
    );
  }
}

/** Whether `f` is declared async (an async function or async generator). */
export function isAsync(f: Function): boolean {
  const kind = f.constructor?.name;
  return kind === 'AsyncFunction' || kind === 'AsyncGeneratorFunction';
}

/**
 * What a transformed function returned, in words, when it is not a pytree: so a function that
 * forgot its `return` (undefined) or an async one (a Promise) is told what went wrong. Null for a
 * result that is a tensor, a number, or an array or object (flatten checks those).
 */
export function missingResult(out: unknown, op: string): string | null {
  if (out === undefined) {
    return `${op}: the function returned undefined; did it forget to \`return\` its result? It must return a tensor or a number (or arrays and plain objects of them).`;
  }
  if (out !== null && typeof (out as { then?: unknown }).then === 'function') {
    return `${op}: the function returned a Promise (is it async?); transformations trace synchronous code only. Await the data first, then call a synchronous function.`;
  }
  return null;
}

/** Throws the `missingResult` error for `out`, if any. */
export function checkResult(out: unknown, op: string): void {
  const problem = missingResult(out, op);
  if (problem !== null) throw new InvalidArgumentError(problem);
}

/** Throws if a function that must be synchronous returned a Promise (`op` ran only up to its first await). */
export function checkSynchronous(result: unknown, op: string): void {
  if (result !== undefined) checkResult(result, op);
}
