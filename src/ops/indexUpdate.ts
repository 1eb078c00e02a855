/**
 * @file jnp's `x.at[i, j, …]` indexed reads and updates, as `ad.at(x, i, j, …)`: integer indices (numbers,
 * lists or tensors, broadcast together) and slices on the leading axes of x, NumPy's indexing, and the pure
 * updates set, add, subtract, multiply, divide, power, min and max — every update at a repeated position
 * applied (add: summed; multiply, divide, power: their product; min, max: the extreme), as JAX's, except
 * `set`, whose last update wins (JAX leaves the order undefined). Composites of take, scatter, scatterAdd and
 * the segment reductions over x's leading axes flattened, so differentiable in x and the values, and the
 * indices may be traced (under jit and vmap).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, ones, tensor, zeros, type TensorInput, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, formatShape } from '../tensor/shape.js';
import { add, div, equal, greater, greaterEqual, less, maximum, minimum, mul, pow, sub } from './binary.js';
import { logicalAnd } from './predicates.js';
import { clip, where } from './select.js';
import { broadcastTo, concat, reshape, slice, take } from './shape.js';
import { scatter, scatterAdd } from './gather.js';
import { segmentMax, segmentMin, segmentProd, segmentSum } from './segment.js';
import { customJvp } from '../transforms/customJvp.js';
import { checkArgumentValues } from './argumentChecks.js';
import { checkOptionKeys } from './poolShapes.js';

/**
 * An index on one axis: a number, a (nested) list or a tensor of whole numbers (negative counts from the end),
 * or a slice: `null` for the whole axis (Python's `:`), or `{ start, stop, step }` (Python's `start:stop:step`,
 * each part optional).
 */
export type AtIndex = number | readonly unknown[] | Tensor | null | AtSlice;

/** A slice of one axis, as Python's `start:stop:step`: parts left out (or null) take Python's defaults. */
export interface AtSlice {
  readonly start?: number | null | undefined;
  readonly stop?: number | null | undefined;
  readonly step?: number | null | undefined;
}

/**
 * What an index outside [−n, n) does: 'raise' (the default, as `take`'s: an error, checked where the values
 * can be read), 'clip' (to the nearest end), 'drop' (an update there is ignored; a read gives `fillValue`) or
 * 'fill' (a read gives `fillValue`, default NaN; an update there is ignored, as jnp's).
 */
export type AtMode = 'raise' | 'clip' | 'drop' | 'fill';

/** Options of the reads and updates. */
export interface AtOptions {
  readonly mode?: AtMode | undefined;
  /** What an out-of-range read gives under 'drop' and 'fill' (default NaN). */
  readonly fillValue?: number | undefined;
}

/** The reads and pure updates of `ad.at(x, …indices)` (jnp's `x.at[…]`), each returning a new tensor. */
export interface IndexUpdater {
  /** x[i, j, …]: shape [...broadcast index shape, ...x's remaining axes]. */
  get(options?: AtOptions): Tensor;
  /** x with x[i, j, …] = values (the last of repeated positions wins). */
  set(values: TensorLike, options?: AtOptions): Tensor;
  /** x with x[i, j, …] += values (repeated positions summed). */
  add(values: TensorLike, options?: AtOptions): Tensor;
  /** x with x[i, j, …] −= values. */
  subtract(values: TensorLike, options?: AtOptions): Tensor;
  /** x with x[i, j, …] *= values. */
  multiply(values: TensorLike, options?: AtOptions): Tensor;
  /** The same as `multiply` (jnp's older name). */
  mul(values: TensorLike, options?: AtOptions): Tensor;
  /** x with x[i, j, …] /= values. */
  divide(values: TensorLike, options?: AtOptions): Tensor;
  /** x with x[i, j, …] **= values. */
  power(values: TensorLike, options?: AtOptions): Tensor;
  /** x with x[i, j, …] = minimum(x[i, j, …], values). */
  min(values: TensorLike, options?: AtOptions): Tensor;
  /** x with x[i, j, …] = maximum(x[i, j, …], values). */
  max(values: TensorLike, options?: AtOptions): Tensor;
}

const OP = 'at';

/**
 * Reads and pure updates at positions of x's leading axes, as jnp's `x.at[i, j, …]`: one index per leading
 * axis — a number, a list or a tensor of whole numbers (negative counting from the end), broadcast together
 * (NumPy's advanced indexing), or a slice, `null` for `:` and `{ start, stop, step }` for `start:stop:step` —
 * with NumPy's layout of the result (the advanced indices' axes where they stand when they are adjacent, else
 * first). `ad.at(x, i).add(v)` is `x.at[i].add(v)`, `ad.at(x, rows, cols).set(v)` is `x.at[rows, cols].set(v)`,
 * and `ad.at(x, null, 1).set(0)` is `x.at[:, 1].set(0)`. For a block that moves under jit, `dynamicSlice` and
 * `dynamicUpdateSlice`.
 * @example ad.at(ad.zeros([3]), [0, 2, 0]).add(ad.tensor([1, 2, 3])).toArray(); // => [4, 0, 2]
 * @example ad.at(ad.zeros([2, 2]), 1, 0).set(5).toArray(); // => [[0, 0], [5, 0]]
 * @example ad.at(ad.zeros([2, 3]), null, { start: 1 }).set(1).toArray(); // => [[0, 1, 1], [0, 1, 1]]
 */
export function at(x: TensorLike, ...indices: AtIndex[]): IndexUpdater {
  const t = asTensor(x, OP);
  if (indices.length === 0) throw new InvalidArgumentError(`${OP}: give at least one index (one per leading axis of x ${formatShape(t.shape)}).`);
  if (indices.length > t.ndim) throw new ShapeError(`${OP}: ${indices.length} indices for x of shape ${formatShape(t.shape)}, which has ${t.ndim} axes.`);
  const k = indices.length, lead = t.shape.slice(0, k), rest = t.shape.slice(k);
  const { raw, shape } = layout(indices, lead);
  const size = shape.reduce((p, d) => p * d, 1), rows = lead.reduce((p, d) => p * d, 1);
  const flatRows = reshape(t, [rows, ...rest]);

  /** The flat row of every index position, and whether it lies in range (null: all do, or 'raise'/'clip' made it so). */
  const positions = (mode: AtMode): { row: Tensor; valid: Tensor | null } => {
    let row: Tensor | null = null;
    let valid: Tensor | null = null;
    raw.forEach((ix, i) => {
      const n = lead[i]!;
      let v = reshape(broadcastTo(ix, shape), [size]);
      if (mode === 'raise') {
        checkArgumentValues(v, (values) => values.forEach((p, j) => {
          if (!Number.isInteger(p)) throw new InvalidArgumentError(`${OP}: index ${p} (entry ${j} of index ${i}) is not a whole number.`);
          if (!(p >= -n && p < n)) {
            throw new InvalidArgumentError(`${OP}: index ${p} (entry ${j} of index ${i}) is out of range for axis ${i} of length ${n} of x ${formatShape(t.shape)}; pass { mode: 'clip' }, 'drop' or 'fill' to allow it.`);
          }
        }));
      }
      v = where(less(v, 0), add(v, n), v); // −1 is the last
      if (mode === 'clip') v = clip(v, 0, n - 1);
      else if (mode !== 'raise') {
        const inside = logicalAnd(greaterEqual(v, 0), less(v, n));
        valid = valid === null ? inside : logicalAnd(valid, inside);
        v = where(inside, v, 0);
      }
      const stride = lead.slice(i + 1).reduce((p, d) => p * d, 1);
      row = row === null ? mul(v, stride) : add(row, mul(v, stride));
    });
    return { row: row!, valid };
  };
  const modeOf = (options: AtOptions, update: boolean): AtMode => {
    checkOptionKeys(OP, options, ['mode', 'fillValue']);
    const mode = options.mode ?? 'raise';
    if (!['raise', 'clip', 'drop', 'fill'].includes(mode)) throw new InvalidArgumentError(`${OP}: mode must be 'raise', 'clip', 'drop' or 'fill', got ${describe(mode)}.`);
    if (update && options.fillValue !== undefined) throw new InvalidArgumentError(`${OP}: fillValue is for get; an update out of range is dropped.`);
    return mode;
  };
  /** Values broadcast to [size, ...rest] (the index shape flattened, then x's remaining axes). */
  const valuesOf = (values: TensorLike) => {
    const v = asTensor(values, OP);
    return reshape(broadcastTo(v, [...shape, ...rest]), [size, ...rest]);
  };
  /** The updated rows [rows, ...rest] back in x's shape. */
  const back = (y: Tensor) => reshape(y, [...t.shape]);
  /** Rows of out-of-range positions sent to an extra row past the end (then cut off): their updates land nowhere. */
  const target = (mode: AtMode) => {
    const { row, valid } = positions(mode);
    return valid === null ? { row, extra: false } : { row: where(valid, row, rows), extra: true };
  };
  const padded = (extra: boolean, y = flatRows) => (extra ? concat([y, zeros([1, ...rest])], 0) : y);
  const cut = (y: Tensor, extra: boolean) => (extra ? slice(y, [0, ...rest.map(() => 0)], [rows, ...rest]) : y);
  /** x combined with one segment reduction of the values per row (rows without updates get the identity). */
  const combine = (values: TensorLike, options: AtOptions, reduce: typeof segmentProd, join: (a: Tensor, b: Tensor) => Tensor) => {
    const { row, extra } = target(modeOf(options, true));
    const reduced = cut(reduce(valuesOf(values), row, { numSegments: rows + (extra ? 1 : 0) }), extra);
    return back(join(flatRows, reduced));
  };
  /**
   * min or max: the values as `combine`'s, the derivative JAX's (lax's scatter_min/max JVP): where x's entry
   * and k of the updates at its position all equal the result, each of them gets 1/(k + 1) of the tangent
   * (the updates alone 1/k where x lost), so a tie's derivative is their mean, as `max`'s reduction gives.
   * An untouched position passes x's tangent; a NaN result gets none.
   */
  const extreme = (values: TensorLike, options: AtOptions, reduce: typeof segmentMin, join: (a: Tensor, b: Tensor) => Tensor) => {
    const { row, extra } = target(modeOf(options, true));
    const segmentsOf = { numSegments: rows + (extra ? 1 : 0) };
    const value = (x: Tensor, u: Tensor, at: Tensor) => join(x, cut(reduce(u, at, segmentsOf), extra));
    const withMeanTies = customJvp(value, ([x, u, at], [dx, du]) => {
      const out = value(x, u, at);
      const outAt = take(padded(extra, out), at, 0); // the result where each update lands
      const fromX = equal(x, out), fromU = equal(u, outAt);
      const sumAt = (w: Tensor) => cut(segmentSum(w, at, segmentsOf), extra);
      const contenders = add(fromX, sumAt(fromU));
      const mean = div(add(mul(fromX, dx), sumAt(mul(fromU, du))), maximum(contenders, 1));
      const touched = greater(sumAt(ones(u.shape)), 0);
      return [out, where(touched, where(greater(contenders, 0), mean, 0), dx)];
    });
    return back(withMeanTies(flatRows, valuesOf(values), row));
  };
  const rowIndex = (row: Tensor) => reshape(row, [size, ...rest.map(() => 1)]);
  const updater: IndexUpdater = {
    get(options = {}) {
      const mode = modeOf(options, false);
      const { row, valid } = positions(mode);
      const read = reshape(take(flatRows, row, 0), [...shape, ...rest]);
      if (valid === null) return read;
      const fill = options.fillValue ?? NaN;
      if (typeof fill !== 'number') throw new InvalidArgumentError(`${OP}: fillValue must be a number, got ${describe(fill)}.`);
      return where(reshape(valid, [...shape, ...rest.map(() => 1)]), read, fill);
    },
    set(values, options = {}) {
      const { row, extra } = target(modeOf(options, true));
      const v = valuesOf(values);
      return back(cut(scatter(padded(extra), broadcastTo(rowIndex(row), [size, ...rest]), v, 0), extra));
    },
    add(values, options = {}) {
      const { row, extra } = target(modeOf(options, true));
      return back(cut(scatterAdd(padded(extra), broadcastTo(rowIndex(row), [size, ...rest]), valuesOf(values), 0), extra));
    },
    subtract(values, options = {}) {
      return updater.add(mul(asTensor(values, OP), -1), options);
    },
    multiply: (values, options = {}) => combine(values, options, segmentProd, mul),
    mul: (values, options = {}) => combine(values, options, segmentProd, mul),
    divide: (values, options = {}) => combine(values, options, segmentProd, div),
    power: (values, options = {}) => combine(values, options, segmentProd, pow),
    min: (values, options = {}) => extreme(values, options, segmentMin, minimum),
    max: (values, options = {}) => extreme(values, options, segmentMax, maximum),
  };
  for (const [name, method] of Object.entries(updater)) {
    (updater as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const arity = name === 'get' ? 1 : 2;
      if (args.length > arity) extraArguments(`${OP}(…).${name}`, `${OP}(x, …indices).${name}(${name === 'get' ? 'options?' : 'values, options?'})`, args.slice(arity), args[arity - 1]);
      return (method as (...a: unknown[]) => Tensor)(...args);
    };
  }
  return updater;
}

/** Whether an index is a slice (`null`, or an object of start, stop and step). */
function isSlice(ix: unknown): ix is AtSlice | null {
  return ix === null || (typeof ix === 'object' && !(ix instanceof Tensor) && !Array.isArray(ix));
}

/** The positions a slice selects on an axis of length n, as Python's slice(start, stop, step).indices(n). */
function slicePositions(s: AtSlice | null, n: number, i: number): Float64Array {
  const parts = s ?? {};
  const unknown = Object.keys(parts).filter((key) => !['start', 'stop', 'step'].includes(key));
  if (unknown.length > 0) throw new InvalidArgumentError(`${OP}: index ${i} is a slice with unknown part '${unknown[0]}'; a slice is { start, stop, step }, each optional.`);
  const part = (name: 'start' | 'stop' | 'step') => {
    const v = parts[name];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new InvalidArgumentError(`${OP}: the ${name} of slice index ${i} must be a whole number or null, got ${describe(v)}.`);
    return v;
  };
  const step = part('step') ?? 1;
  if (step === 0) throw new InvalidArgumentError(`${OP}: the step of slice index ${i} is 0; it must be a non-zero whole number.`);
  // Python's rules: negative ends count from the end, then clamp to [0, n] (step > 0) or [−1, n − 1] (step < 0).
  const [low, high] = step > 0 ? [0, n] : [-1, n - 1];
  const end = (v: number | null, fallback: number) => (v === null ? fallback : Math.min(Math.max(v < 0 ? v + n : v, low), high));
  const start = end(part('start'), step > 0 ? 0 : n - 1), stop = end(part('stop'), step > 0 ? n : -1);
  const count = Math.max(0, Math.ceil((stop - start) / step));
  return Float64Array.from({ length: count }, (_, j) => start + j * step);
}

/**
 * The indices as tensors laid out as NumPy lays out x[indices]: the advanced indices (numbers, lists, tensors)
 * broadcast together into one block of axes — where the first of them stands when they are adjacent, first of
 * all when a slice parts them — and each slice an axis of its own, in order. Each tensor broadcasts to `shape`.
 */
function layout(indices: readonly AtIndex[], lead: readonly number[]): { raw: Tensor[]; shape: readonly number[] } {
  const advanced = indices.map((ix, i) => {
    if (isSlice(ix)) return null;
    if (ix instanceof Tensor || typeof ix === 'number') return asTensor(ix, OP);
    if (Array.isArray(ix)) return tensor(ix as TensorInput);
    throw new InvalidArgumentError(`${OP}: index ${i} must be a number, a list or a tensor of whole numbers, or a slice (null or { start, stop, step }), got ${describe(ix)}.`);
  });
  const slices = indices.map((ix, i) => (isSlice(ix) ? slicePositions(ix, lead[i]!, i) : null));
  const block = advanced.reduce<readonly number[]>((s, ix) => (ix === null ? s : broadcastShapes(OP, s, ix.shape)), []);
  const where = advanced.flatMap((ix, i) => (ix === null ? [] : [i]));
  const adjacent = where.length === 0 || where[where.length - 1]! - where[0]! === where.length - 1;
  // Axis order of the result: slice axes by index position, the advanced block as one entry.
  const order: Array<number | 'block'> = [];
  if (where.length > 0 && !adjacent) order.push('block');
  indices.forEach((_, i) => {
    if (slices[i] !== null) order.push(i);
    else if (adjacent && i === where[0]) order.push('block');
  });
  const shape = order.flatMap((o) => (o === 'block' ? [...block] : [slices[o]!.length]));
  const blockAt = order.slice(0, order.indexOf('block')).length; // slice axes before the block
  const raw = indices.map((_, i) => {
    const ix = advanced[i];
    if (ix !== null && ix !== undefined) {
      const padded = [...new Array<number>(block.length - ix.ndim).fill(1), ...ix.shape];
      return reshape(ix, [...new Array<number>(blockAt).fill(1), ...padded, ...new Array<number>(shape.length - blockAt - block.length).fill(1)]);
    }
    const axis = order.slice(0, order.indexOf(i)).reduce<number>((p, o) => p + (o === 'block' ? block.length : 1), 0);
    const dims = shape.map((d, j) => (j === axis ? d : 1));
    return reshape(tensor(slices[i]!), dims);
  });
  return { raw, shape };
}

