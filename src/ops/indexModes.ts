/**
 * @file Out-of-range index modes of `take` and `gather` (takeAlongAxis): NumPy's 'raise', 'clip'
 * and 'wrap', and JAX's 'fill' and 'promise_in_bounds'. Each mode maps the given indices to
 * positions in [0, n) (and, for 'fill', a mask of the positions to fill) before the gather, so the
 * gather and its transpose stay as they are: the cotangent of a clipped index goes to the clipped
 * position, that of a wrapped one to its position modulo n, and a filled one sends none.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { describe } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, div, greaterEqual, less, mul, sub } from './binary.js';
import { roundHalfEven } from './unary.js';
import { clip, where } from './select.js';
import { knownOptions } from './optionChecks.js';

/**
 * What an index outside [−n, n) does: 'raise' (an error: NumPy's default and adjoint's),
 * 'clip' (clamped to [0, n − 1]; in `take`, as NumPy's and jnp.take's, a negative index clamps to
 * 0; in `gather`, as jnp.take_along_axis's, n is first added to a negative index), 'wrap' (taken modulo n), 'fill' (JAX's default: the entry is
 * `fillValue`, NaN unless given; indices in [−n, −1] still count from the end) or
 * 'promise_in_bounds' (JAX's promise that none is out of range: adjoint still checks, as 'raise').
 */
export type IndexMode = 'raise' | 'fill' | 'clip' | 'wrap' | 'promise_in_bounds';
const MODES: readonly IndexMode[] = ['raise', 'fill', 'clip', 'wrap', 'promise_in_bounds'];

/** Options of `gather` / `takeAlongAxis` (JAX's take_along_axis keywords). */
export interface GatherOptions {
  /** Out-of-range indices: 'raise' (default), 'fill', 'clip', 'wrap' or 'promise_in_bounds' (see IndexMode). */
  readonly mode?: IndexMode | undefined;
  /** The value of an out-of-range entry with mode 'fill' (default NaN, JAX's for floats). */
  readonly fillValue?: number | undefined;
}

/** Options of `take` (JAX's jnp.take keywords). */
export interface TakeOptions extends GatherOptions {
  /** JAX's hint that the indices are distinct; adjoint accepts it and computes the same either way. */
  readonly uniqueIndices?: boolean | undefined;
  /** JAX's hint that the indices are sorted; adjoint accepts it and computes the same either way. */
  readonly indicesAreSorted?: boolean | undefined;
}

/** A plain options object where an axis may go (`take(x, i, { mode: 'clip' })`). */
export function isOptionsObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** The mode and fill value of `options`, checked (unknown keys, a fill value without mode 'fill'). */
export function indexModeOptions(op: string, options: TakeOptions, known: readonly string[]): { mode: IndexMode; fill: number } {
  knownOptions(op, options, known, "{ mode: 'clip' }");
  for (const hint of ['uniqueIndices', 'indicesAreSorted'] as const) {
    const v = (options as TakeOptions)[hint];
    if (v !== undefined && typeof v !== 'boolean') throw new InvalidArgumentError(`${op}: ${hint} must be true or false, got ${describe(v)}.`);
  }
  const mode = options.mode ?? 'raise';
  if (!MODES.includes(mode)) {
    throw new InvalidArgumentError(`${op}: mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mode)}.`);
  }
  const fill = options.fillValue;
  if (fill !== undefined && typeof fill !== 'number') {
    throw new InvalidArgumentError(`${op}: fillValue must be a number (NaN by default), got ${describe(fill)}.`);
  }
  if (fill !== undefined && mode !== 'fill') {
    throw new InvalidArgumentError(
      `${op}: fillValue goes with mode 'fill' only, got it with mode '${mode}'; add mode: 'fill', or leave fillValue out (JAX ignores it in the other modes).`,
    );
  }
  return { mode, fill: fill ?? Number.NaN };
}

/**
 * The position in [0, n) of a whole-number index `i` under `mode`, or −1 for one 'fill' fills
 * ('raise' and 'promise_in_bounds' return −1 for an index out of range, for the caller's error).
 */
export function modedIndex(i: number, n: number, mode: IndexMode): number {
  switch (mode) {
    case 'clip': return Math.min(Math.max(i, 0), n - 1);
    case 'wrap': return ((i % n) + n) % n;
    default: {
      const v = i < 0 ? i + n : i;
      return v < 0 || v >= n ? -1 : v;
    }
  }
}

/**
 * The indices (a tensor of whole numbers, possibly traced) under `mode` as tensor ops: clipped,
 * wrapped, or for 'fill' the out-of-range ones sent to 0 with `outOfRange` marking them (the
 * gather's kernel counts the remaining negatives from the end and checks every index, so a
 * fractional or NaN index is still an error). 'raise' and 'promise_in_bounds' leave them as given.
 */
export function modedIndexTensor(idx: Tensor, n: number, mode: IndexMode, negativeFirst = false): { idx: Tensor; outOfRange: Tensor | null } {
  switch (mode) {
    // take's 'clip' clamps as NumPy's (−1 → 0); take_along_axis's first adds n to a negative
    // index, as jnp.take_along_axis normalises every mode but 'promise_in_bounds' (−1 → n − 1).
    case 'clip': return { idx: clip(negativeFirst ? where(less(idx, 0), add(idx, n), idx) : idx, 0, n - 1), outOfRange: null };
    // i − n·round(i/n) lies in [−n/2, n/2] for whole i (exact: i/n is at least 1/(2n) from a tie
    // unless it is one); a negative remainder moves up by n.
    case 'wrap': {
      const r = sub(idx, mul(n, roundHalfEven(div(idx, n))));
      return { idx: where(less(r, 0), add(r, n), r), outOfRange: null };
    }
    case 'fill': {
      const outOfRange = add(less(idx, -n), greaterEqual(idx, n)); // NaN is neither: the kernel refuses it
      return { idx: where(outOfRange, 0, idx), outOfRange };
    }
    default: return { idx, outOfRange: null };
  }
}

/** The error for a non-empty take with mode `mode` from an empty axis (NumPy raises for every mode). */
export function emptyAxisError(op: string, axis: number, shape: Shape, mode: IndexMode): InvalidArgumentError {
  return new InvalidArgumentError(
    `${op}: axis ${axis} of shape ${formatShape(shape)} is empty, so no index fits with mode '${mode}' ` +
      `(NumPy raises too); only an empty list of indices fits, or mode 'fill' gives fillValue for every index.`,
  );
}
