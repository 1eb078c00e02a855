/**
 * @file The options of the reductions that NumPy and jax.numpy give `where=` and `initial=`
 * (sum, prod, mean, var, std, max, min, any, all and their nan-forms): read from the keepdims
 * position (`sum(x, 0, { where })`) or the axis's (`sum(x, { where })`), and the mask itself —
 * a tensor (non-zero is true, as `ad.where`'s condition and the comparisons' 0/1 results), a
 * number or boolean, or nested arrays of booleans or numbers — broadcast to x's shape.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { broadcastShapes, formatShape, keepdimsArg, shapesEqual, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { describe, tensor } from '../tensor/create.js';
import { broadcastTo } from './shape.js';
import { notEqual } from './binary.js';
import { knownOptions } from './optionChecks.js';
import type { Axis } from './reduce.js';

/** A mask: a tensor (non-zero counts as true), a number or boolean, or nested arrays of booleans or numbers. */
export type Mask = Tensor | number | boolean | readonly unknown[];

/** Options of sum, prod, max, min and their nan-forms (NumPy's keywords). */
export interface ReduceOptions {
  /** Keep the reduced axes as length 1 (default false). */
  readonly keepdims?: boolean | undefined;
  /** Only the entries where this mask (broadcast to x's shape) is true take part; the others get a zero gradient. */
  readonly where?: Mask | undefined;
  /** The starting value: added (sum), multiplied (prod) or compared (max, min) in; max and min need it with `where`. */
  readonly initial?: number | undefined;
}

/** Options of mean, any and all (NumPy's keywords: no `initial`). */
export interface MaskOptions {
  /** Keep the reduced axes as length 1 (default false). */
  readonly keepdims?: boolean | undefined;
  /** Only the entries where this mask (broadcast to x's shape) is true take part. */
  readonly where?: Mask | undefined;
}

function isOptions(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/**
 * The axis, keepdims, mask and initial value of a call `op(x, axis?, keepdims?)` whose keepdims
 * (or axis) may be an options object with `known` keys among keepdims, where and initial.
 */
export function reductionOptions(op: string, axis: unknown, keepdims: unknown, known: readonly string[]):
  { axis: Axis | undefined; keepdims: boolean; where: Mask | undefined; initial: number | undefined } {
  let options: Record<string, unknown> = {};
  if (isOptions(axis)) {
    if (keepdims !== undefined) {
      throw new InvalidArgumentError(`${op}: options in place of the axis come last; got ${describe(keepdims)} after them. Pass ${op}(x, axis, options) or ${op}(x, options).`);
    }
    [options, axis, keepdims] = [axis, undefined, undefined];
  } else if (isOptions(keepdims)) {
    [options, keepdims] = [keepdims, undefined];
  } else {
    return { axis: axis as Axis | undefined, keepdims: keepdimsArg(keepdims ?? false, op), where: undefined, initial: undefined };
  }
  knownOptions(op, options, ['keepdims', ...known], `{ where: mask${known.includes('initial') ? ', initial: 0' : ''} }`);
  const initial = options['initial'];
  if (initial !== undefined && typeof initial !== 'number') {
    throw new InvalidArgumentError(`${op}: initial must be a number, got ${describe(initial)}.`);
  }
  return {
    axis: axis as Axis | undefined,
    keepdims: keepdimsArg(options['keepdims'] ?? false, op),
    where: options['where'] as Mask | undefined,
    initial,
  };
}

/** Nested arrays with booleans read as 1 and 0. */
function numbersOf(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  return Array.isArray(v) ? v.map(numbersOf) : v;
}

/** `where` as a tensor of 0 and 1 (non-zero read as 1) broadcast to `shape`, or an AdjointError naming `op`, the shapes and the fix. */
export function maskOf(op: string, where: Mask, shape: Shape): Tensor {
  let mask: Tensor;
  if (where instanceof Tensor) mask = where;
  else if (typeof where === 'number' || typeof where === 'boolean' || Array.isArray(where)) {
    try {
      mask = tensor(numbersOf(where) as number);
    } catch (e) {
      if (!(e instanceof InvalidArgumentError || e instanceof ShapeError)) throw e;
      throw new (e instanceof ShapeError ? ShapeError : InvalidArgumentError)(`${op}: where: ${e.message}`);
    }
  } else {
    throw new InvalidArgumentError(
      `${op}: where must be a tensor (non-zero is true, as ad.greater(x, 0) gives), a boolean, or nested arrays of booleans or numbers, got ${describe(where)}.`,
    );
  }
  let common: Shape | null = null;
  try { common = broadcastShapes(op, mask.shape, shape); } catch { /* reported below */ }
  if (common === null || !shapesEqual(common, shape)) {
    throw new ShapeError(
      `${op}: where of shape ${formatShape(mask.shape)} does not broadcast to x's shape ${formatShape(shape)}; ` +
        `the mask must match x or broadcast to it (axes of length 1, or fewer leading axes).`,
    );
  }
  const ones = notEqual(mask, 0);
  return shapesEqual(ones.shape, shape) ? ones : broadcastTo(ones, shape);
}

/** The error of max/min with `where` but no `initial` (NumPy's and JAX's ValueError). */
export function needsInitial(op: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${op}: where needs initial: ${op} has no identity, so a slice with no true entry would have no value (NumPy and JAX raise too). ` +
      `Pass initial, e.g. { where: mask, initial: ${op.includes('min') ? 'Infinity' : '-Infinity'} }.`,
  );
}
