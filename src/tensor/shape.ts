/** @file Shapes: validation, sizes, strides, NumPy broadcasting and axis normalisation. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe, formatEntry, literal } from './describe.js';

export type Shape = readonly number[];

/** `[2,3]` as text, for error messages. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

/** Throws unless `shape` is an array whose every entry is a non-negative integer. */
export function checkShape(shape: Shape, op: string): void {
  if (!Array.isArray(shape)) {
    const hint = typeof shape === 'number' && Number.isInteger(shape) && shape >= 0 ? ` (for one axis, [${shape}])` : '';
    throw new ShapeError(
      `${op}: a shape must be an array of non-negative integers, got ${describe(shape)}; pass e.g. [2, 3]${hint}.`,
    );
  }
  for (const d of shape as readonly unknown[]) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape [${shape.map(formatEntry).join(',')}] has entry ${formatEntry(d)}; ` +
          `every entry must be a non-negative integer (a plain number).`,
      );
    }
  }
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

/** Row-major strides of a contiguous array of this shape. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align trailing axes; each pair must be equal or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): Shape {
  // Fast paths (no allocation): equal shapes, and a scalar against anything.
  if (shapes.length === 2) {
    const a = shapes[0]!, b = shapes[1]!;
    if (a === b || shapesEqual(a, b) || b.length === 0) return a;
    if (a.length === 0) return b;
  }
  let ndim = 0;
  for (const s of shapes) ndim = Math.max(ndim, s.length);
  const out = new Array<number>(ndim).fill(1);
  for (const s of shapes) {
    const offset = ndim - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = s[i]!;
      const o = out[offset + i]!;
      if (d === o || d === 1) continue;
      if (o === 1) out[offset + i] = d;
      else {
        throw new ShapeError(
          `${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together ` +
            `(axis ${i - s.length} has sizes ${o} and ${d}). Broadcasting aligns trailing axes; ` +
            `each pair must be equal or 1. Use reshape or expandDims to line them up.`,
        );
      }
    }
  }
  // A result larger than any tensor (outer products of long vectors, say) is named here, before a kernel's RangeError.
  if (sizeOf(out) > 2 ** 32) {
    throw new ShapeError(
      `${op}: broadcasting ${shapes.map(formatShape).join(' and ')} gives ${formatShape(out)}, ${sizeOf(out).toLocaleString('en-US')} ` +
        `elements, more than the 4,294,967,296 (2^32) a tensor can hold; reduce as you go (e.g. ad.matmul or ad.dot instead of ` +
        `a broadcast product and a sum), or process the data in pieces.`,
    );
  }
  return out;
}

/** Strides of `shape` read as if broadcast to `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const strides = stridesOf(shape);
  const offset = outShape.length - shape.length;
  const out = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : strides[i]!;
  return out;
}

/** One axis, negative counting from the end, checked against `ndim`. */
export function normalizeAxis(axis: number, ndim: number, op: string): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    const what = typeof axis === 'string' ? `the string '${axis}'` : typeof axis === 'number' ? String(axis) : describe(axis);
    const none = axis === null ? " (NumPy's axis=None: leave the axis out where the op takes every axis)" : '';
    throw new InvalidArgumentError(`${op}: an axis must be an integer, got ${what}; pass a number such as 0 or -1${none}.`);
  }
  if (ndim === 0) {
    throw new InvalidArgumentError(
      `${op}: axis ${axis} is out of range for a 0-d tensor, which has no axes; omit the axis, or reshape to [1] first.`,
    );
  }
  if (axis < -ndim || axis >= ndim) {
    throw new InvalidArgumentError(
      `${op}: axis ${axis} is out of range for a tensor of rank ${ndim}; use an integer in [${-ndim}, ${ndim - 1}].`,
    );
  }
  return axis < 0 ? axis + ndim : axis;
}

/** `undefined` means every axis; returns sorted, distinct axes. */
export function normalizeAxes(axis: number | readonly number[] | undefined, ndim: number, op: string): number[] {
  // Plain loops: every reduction comes through here, and Array.from over an array-like, a Set and a
  // sort with a comparator cost more than a small reduction's arithmetic.
  if (axis === undefined) {
    const all: number[] = [];
    for (let i = 0; i < ndim; i++) all.push(i);
    return all;
  }
  if (typeof axis === 'number') return [normalizeAxis(axis, ndim, op)];
  if (!Array.isArray(axis)) normalizeAxis(axis as unknown as number, ndim, op); // throws, naming it
  const out: number[] = [];
  for (const a of axis) out.push(normalizeAxis(a, ndim, op)); // every axis checked before repeats are
  const sorted: number[] = [];
  for (const v of out) {
    let at = sorted.length;
    while (at > 0 && sorted[at - 1]! > v) at--;
    if (at > 0 && sorted[at - 1] === v) {
      throw new InvalidArgumentError(`${op}: axes ${literal(axis)} repeat an axis (negative axes count from the end); list each axis once.`);
    }
    sorted.splice(at, 0, v);
  }
  return sorted;
}

/**
 * A reduction's `keepdims`: true or false. Anything else is an error, not a truthy value: an options
 * object in its place (`sum(x, 0, { keepdims: false })`, as variance takes) would keep the axes.
 */
export function keepdimsArg(keepdims: unknown, op: string): boolean {
  if (typeof keepdims === 'boolean') return keepdims;
  throw new InvalidArgumentError(
    `${op}: keepdims must be true or false, got ${describe(keepdims)}; it is the argument after the axis, e.g. ${op}(x, 0, true).`,
  );
}

/** The shape after reducing `axes`, with or without the reduced axes kept as 1. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepdims) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}
