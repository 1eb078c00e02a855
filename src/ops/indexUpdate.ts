/**
 * @file jnp's `x.at[i, j, …]` indexed reads and updates, as `ad.at(x, i, j, …)`: integer indices (numbers,
 * lists or tensors, broadcast together) on the leading axes of x, NumPy's advanced indexing, and the pure
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

/** An index on one axis: a number, a (nested) list or a tensor of whole numbers (negative counts from the end). */
export type AtIndex = number | readonly unknown[] | Tensor;

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
 * Reads and pure updates at integer positions of x's leading axes, as jnp's `x.at[i, j, …]`: one index per
 * leading axis (a number, a list or a tensor of whole numbers, negative counting from the end), the indices
 * broadcast together (NumPy's advanced indexing). `ad.at(x, i).add(v)` is `x.at[i].add(v)`, and
 * `ad.at(x, rows, cols).set(v)` is `x.at[rows, cols].set(v)`. Slices are not indices here: take them with
 * `slice`, or `dynamicSlice` / `dynamicUpdateSlice` for a moving block.
 * @example ad.at(ad.zeros([3]), [0, 2, 0]).add(ad.tensor([1, 2, 3])).toArray(); // => [4, 0, 2]
 * @example ad.at(ad.zeros([2, 2]), 1, 0).set(5).toArray(); // => [[0, 0], [5, 0]]
 */
export function at(x: TensorLike, ...indices: AtIndex[]): IndexUpdater {
  const t = asTensor(x, OP);
  if (indices.length === 0) throw new InvalidArgumentError(`${OP}: give at least one index (one per leading axis of x ${formatShape(t.shape)}).`);
  if (indices.length > t.ndim) throw new ShapeError(`${OP}: ${indices.length} indices for x of shape ${formatShape(t.shape)}, which has ${t.ndim} axes.`);
  const k = indices.length, lead = t.shape.slice(0, k), rest = t.shape.slice(k);
  const raw = indices.map((ix, i) => {
    if (ix instanceof Tensor || typeof ix === 'number' || Array.isArray(ix)) return ix instanceof Tensor || typeof ix === 'number' ? asTensor(ix, OP) : tensor(ix as TensorInput);
    throw new InvalidArgumentError(`${OP}: index ${i} must be a number, a list or a tensor of whole numbers, got ${describe(ix)}.`);
  });
  const shape = raw.reduce<readonly number[]>((s, ix) => broadcastShapes(OP, s, ix.shape), []);
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
