/**
 * @file Checks on what users pass where a shape, a size or a number goes, so a bad argument gets an
 * AdjointError naming the op and the fix instead of a RangeError, NaN, or JavaScript's coercions.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe } from './describe.js';
import { checkShape, sizeOf, type Shape } from './shape.js';
import { Tensor } from './tensor.js';
import { noteLibraryRead } from '../jit/valueReads.js';

/**
 * The most elements a tensor may have: 2³² (32 GiB of float64), the longest Float64Array V8 — and
 * so Node and Chrome — will make; other engines allow less. Checking it up front turns a
 * `RangeError: Invalid typed array length` into a message with the op and the shape.
 */
export const MAX_TENSOR_SIZE = 2 ** 32;

/**
 * The number of elements of `shape`, checked: the shape is valid and its size at most
 * `MAX_TENSOR_SIZE`. For every op that allocates a result whose shape a user chose (creation
 * functions, broadcastTo, outer, …).
 */
export function checkedSize(op: string, shape: Shape): number {
  checkShape(shape, op);
  const n = sizeOf(shape);
  if (n > MAX_TENSOR_SIZE) throw tooLarge(op, `[${shape.join(',')}]`, n);
  return n;
}

/** The error for a result of `n` elements, more than a tensor can hold. */
export function tooLarge(op: string, shapeText: string, n: number): ShapeError {
  return new ShapeError(
    `${op}: shape ${shapeText} has ${n.toLocaleString('en-US')} elements, more than the ` +
      `${MAX_TENSOR_SIZE.toLocaleString('en-US')} (2^32) a tensor can hold; ask for a smaller shape, or process the data in pieces.`,
  );
}

/** A zero-filled buffer for a result of `shape` made by `op`, with a clear error when memory runs out. */
export function allocChecked(op: string, shape: Shape): Float64Array {
  const n = checkedSize(op, shape);
  try {
    return new Float64Array(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new ShapeError(
      `${op}: could not allocate shape [${shape.join(',')}] (${n.toLocaleString('en-US')} elements, ` +
        `${(n * 8 / 2 ** 30).toFixed(1)} GiB): out of memory; ask for a smaller shape, or process the data in pieces.`,
    );
  }
}

/**
 * Whether `t` is boxed at a running transformation (grad, jvp, jit, …), so that a new tensor made
 * from its values would be a constant: its derivatives cut. Layers boxed at finished
 * transformations are read through (as core/trace.ts's `live` does); a paused trace that redirects
 * its boxes (a checkpointed region's captures) counts as running.
 */
export function isTraced(t: Tensor): boolean {
  let x: Tensor | null = t;
  while (x !== null && x.trace !== null) {
    if (x.trace.active || x.trace.redirect !== null) return true;
    x = x.primal;
  }
  return false;
}

/**
 * The values of `t` for a check of an argument (a probability in [0, 1], pivots in range), or null
 * where the check is left out: `t` is being differentiated, or batched (vmap), whose values are not
 * the argument's. A tensor traced by jit recordings alone is checked as a plain one would be: its
 * values are read and the read reported to the recording as `what`, so that recording is not kept
 * and the function runs as written — checked — on every call (ops/argumentChecks.ts records a
 * check a replay runs again instead, where the check can be given as a function).
 */
export function checkableValues(t: Tensor, what: string): Float64Array | null {
  if (!isTraced(t)) return t.values;
  for (let x: Tensor | null = t; x !== null && x.trace !== null; x = x.primal) {
    if ((x.trace.active || x.trace.redirect !== null) && !x.trace.records) return null;
  }
  noteLibraryRead(t, what);
  return t.values;
}

/**
 * A number argument (`full`'s value, `linspace`'s ends, `arange`'s bounds, a sampler's mean):
 * a number, or a plain (untraced) one-element tensor read as its value. A traced tensor would
 * become a constant, so it is an error whose fix, `differentiable`, says which ops build the same
 * result with its derivatives kept.
 */
export function numberArg(op: string, name: string, v: unknown, differentiable: string): number {
  if (typeof v === 'number') return v;
  if (v instanceof Tensor) {
    if (isTraced(v)) {
      throw new InvalidArgumentError(
        `${op}: ${name} is a tensor being differentiated or traced (by grad, jvp or jit); ${op} would use its ` +
          `value as a constant and cut its derivatives. ${differentiable}`,
      );
    }
    if (v.size === 1) return v.first;
    throw new InvalidArgumentError(
      `${op}: ${name} is a tensor of shape [${v.shape.join(',')}] (${v.size} elements) where one number goes; ${differentiable}`,
    );
  }
  throw new InvalidArgumentError(`${op}: ${name} must be a number, got ${describe(v)}; ${fixFor(v)}`);
}

/** What to do about a value that is not a number. */
export function fixFor(v: unknown): string {
  if (typeof v === 'string') return 'pass a number (Number(s) parses a string).';
  if (typeof v === 'bigint') return 'pass a number (Number(b) converts a bigint).';
  if (ArrayBuffer.isView(v)) return 'pass a number (Array.from(a) turns a typed array into an array of numbers).';
  if (v === undefined) return 'an argument is probably missing from the call (check the signature), or pass a number.';
  if (Array.isArray(v)) return 'wrap the array with ad.tensor(…) first.';
  return 'pass a number.';
}
