/**
 * @file pad's modes beyond the index maps (./rearrange.ts): NumPy's 'linear_ramp' (end_values),
 * the statistics 'maximum', 'minimum', 'mean', 'median' (stat_length), and reflect_type 'odd' for
 * 'reflect' and 'symmetric'. Each pads one axis at a time, as numpy.pad does (so a later axis pads
 * the corners from the borders already made), with differentiable ops: a ramp is affine in the
 * edge, a statistic's gradient flows to the entries it chose (max/min split among ties, median to
 * its middle entries), an odd reflection is 2·edge − mirror.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { Tensor } from '../tensor/tensor.js';
import { add, div, equal, mul, sub } from './binary.js';
import { where } from './select.js';
import { any } from './statistics.js';
import { checkedMax, checkedMin, mean } from './reduce.js';
import { median } from './quantiles.js';
import { broadcastTo, concat, reshape, take } from './shape.js';

/**
 * One `[before, after]` pair per axis, as NumPy's `_as_pairs` (numpy/lib/arraypad.py) reads
 * pad_width, constant_values, end_values and stat_length: one value (also [v] or [[v]]) for every
 * side; two values ([b, a] or [[b, a]]) as [before, after] for every axis; otherwise a table that
 * broadcasts to (ndim, 2): one row per axis, of [before, after] or of one value for both sides.
 */
export function padPairs<T>(option: string, v: unknown, ndim: number, entry: (e: unknown) => T): Array<[T, T]> {
  const all = (b: unknown, a: unknown): Array<[T, T]> => { const p: [T, T] = [entry(b), entry(a)]; return Array.from({ length: ndim }, () => p); };
  if (!Array.isArray(v)) return all(v, v);
  const rows = v as unknown[];
  if (rows.every((w) => !Array.isArray(w))) {
    if (rows.length === 1) return all(rows[0], rows[0]);
    if (rows.length === 2) return all(rows[0], rows[1]);
    throw new ShapeError(`pad: ${option} ${describe(v)} holds ${rows.length} values; give one value, [before, after], or one [before, after] per axis.`);
  }
  if (!rows.every((w) => Array.isArray(w) && w.every((e: unknown) => !Array.isArray(e)))) {
    throw new InvalidArgumentError(`pad: each axis's ${option} must be a pair [before, after] (or one value), got ${describe(v)}.`);
  }
  const table = rows as unknown[][];
  const width = table[0]!.length;
  if (width < 1 || width > 2 || table.some((w) => w.length !== width)) {
    throw new InvalidArgumentError(`pad: each axis's ${option} must be a pair [before, after] (or one value), got ${describe(table.find((w) => w.length !== 2 && w.length !== 1) ?? v)}.`);
  }
  const pairOf = (w: unknown[]): [T, T] => [entry(w[0]), entry(w[width - 1])];
  if (table.length === 1) return Array.from({ length: ndim }, () => pairOf(table[0]!)); // [[v]] or [[b, a]]
  if (table.length !== ndim) {
    throw new ShapeError(`pad: ${table.length} pairs of ${option} for a tensor of rank ${ndim}; give one [before, after] per axis (or one for all).`);
  }
  return table.map(pairOf);
}

/**
 * constant_values given as a tensor (jnp.pad's form, differentiable and mappable): one scalar
 * tensor per axis and side, broadcast as `_as_pairs` does — one entry for every side, two as
 * [before, after] for every axis (unless shaped [2, 1]), otherwise a table broadcast to (ndim, 2).
 */
export function tensorPadPairs(v: Tensor, ndim: number): Array<[Tensor, Tensor]> {
  let table: Tensor;
  if (v.ndim < 3 && v.size === 1) table = broadcastTo(reshape(v, [1, 1]), [ndim, 2]);
  else if (v.ndim < 3 && v.size === 2 && !(v.ndim === 2 && v.shape[0] === 2)) table = broadcastTo(reshape(v, [1, 2]), [ndim, 2]);
  else {
    const fits = v.ndim === 2 && (v.shape[0] === 1 || v.shape[0] === ndim) && (v.shape[1] === 1 || v.shape[1] === 2);
    if (!fits) {
      throw new ShapeError(`pad: a value tensor of shape [${v.shape.join(', ')}] does not broadcast to [${ndim}, 2]; give a scalar, [before, after], or one [before, after] per axis.`);
    }
    table = broadcastTo(v, [ndim, 2]);
  }
  const flat = reshape(table, [2 * ndim]);
  const entry = (k: number) => reshape(take(flat, Int32Array.of(k), 0), []);
  return Array.from({ length: ndim }, (_, ax) => [entry(2 * ax), entry(2 * ax + 1)] as [Tensor, Tensor]);
}

/** The entries [from, from + count) of `t` along `axis` (the axis kept). */
function range(t: Tensor, axis: number, from: number, count: number): Tensor {
  return take(t, Int32Array.from({ length: count }, (_, i) => from + i), axis);
}

/** `t` (length 1 along `axis`) repeated to `width` along it. */
function spread(t: Tensor, axis: number, width: number): Tensor {
  return broadcastTo(t, t.shape.map((d, i) => (i === axis ? width : d)));
}

/**
 * 'linear_ramp': from the end value at the outer border to the edge entry, the edge itself left out
 * — numpy's linspace(end, edge, width, endpoint=False), end + i·(edge − end)/width; the side after
 * reversed. Linear in the edge entry, so its gradient is (i/width) there.
 */
export function linearRamp(t: Tensor, axis: number, [before, after]: [number, number], [endBefore, endAfter]: [number, number]): Tensor {
  const n = t.shape[axis]!;
  const ramp = (edge: Tensor, end: number, width: number, reversed: boolean): Tensor => {
    const steps = Float64Array.from({ length: width }, (_, i) => (reversed ? width - 1 - i : i));
    const at = reshape(new Tensor(steps, [width]), t.shape.map((_, k) => (k === axis ? width : 1)));
    // As numpy.linspace: where any step of this side rounds to 0 (an edge entry equal to the end
    // value, e.g. a zero row an earlier axis padded), every entry is end + (i/width)·(edge − end).
    const delta = sub(edge, end), step = div(delta, width);
    return add(where(any(equal(step, 0)), mul(div(at, width), delta), mul(at, step)), end);
  };
  const parts = [
    ...(before > 0 ? [ramp(range(t, axis, 0, 1), endBefore, before, false)] : []),
    t,
    ...(after > 0 ? [ramp(range(t, axis, n - 1, 1), endAfter, after, true)] : []),
  ];
  return concat(parts, axis);
}

export type PadStatistic = 'maximum' | 'minimum' | 'mean' | 'median';
const STATISTICS: Record<PadStatistic, (x: Tensor, axis: number) => Tensor> = {
  maximum: (x, axis) => checkedMax(x, axis, true),
  minimum: (x, axis) => checkedMin(x, axis, true),
  mean: (x, axis) => mean(x, axis, true),
  median: (x, axis) => median(x, axis, true),
};

/**
 * 'maximum', 'minimum', 'mean', 'median': each side filled with the statistic of the `statLength`
 * entries nearest it (the whole axis when null, at most the axis), as numpy.pad's stat_length.
 */
export function statisticPad(t: Tensor, axis: number, [before, after]: [number, number], [lengthBefore, lengthAfter]: [number | null, number | null],
  stat: PadStatistic): Tensor {
  const n = t.shape[axis]!;
  const side = (width: number, length: number | null, atEnd: boolean): Tensor[] => {
    if (width === 0) return [];
    const count = Math.min(length ?? n, n);
    if (count === 0) {
      throw new InvalidArgumentError(`pad: statLength 0 gives no value to pad with in mode '${stat}' (axis ${axis}); use a length ≥ 1, or leave statLength out for the whole axis.`);
    }
    return [spread(STATISTICS[stat](range(t, axis, atEnd ? n - count : 0, count), axis), axis, width)];
  };
  return concat([...side(before, lengthBefore, false), t, ...side(after, lengthAfter, true)], axis);
}

/**
 * reflect_type 'odd' for 'reflect' (`symmetric` false) and 'symmetric': numpy.pad's iteration
 * (arraypad.py `_set_reflect_both`) written out on slices of length 1. Each round mirrors a chunk
 * about the current outermost entry e, each value v becoming 2e − v, so wider borders continue the
 * trend instead of repeating it; sides alternate chunk by chunk, as NumPy's do, a chunk at most as
 * long as what is filled so far. A length-1 axis repeats its entry (NumPy's legacy rule).
 */
export function oddReflect(t: Tensor, axis: number, [before, after]: [number, number], symmetric: boolean): Tensor {
  const n = t.shape[axis]!;
  if (n === 1) return spread(t, axis, before + n + after);
  const cells: Array<Tensor | undefined> = new Array<Tensor | undefined>(before + n + after);
  const at = (p: number): Tensor => (cells[p] ??= range(t, axis, p - before, 1)); // original entries on demand
  const odd = (edge: number, p: number) => sub(mul(at(edge), 2), at(p));
  const edgeOffset = symmetric ? 1 : 0;
  let left = before, right = after;
  const total = before + n + after;
  while (left > 0 || right > 0) {
    // A chunk is at most what is filled so far, read once per round, cut to whole periods of the
    // axis (n for 'symmetric', n − 1 for 'reflect', whose edge is left out). NumPy 1.24 took the
    // whole filled length, so a border wider than the axis on one side reread part of the other
    // side's border and stalled: pad([1, 2], [1, 9], symmetric odd) ended 5, 5, 5, 5 for 5, 5, 6, 6.
    // numpy/numpy#25926, fixed by #25963 (NumPy 2.1) as here; jnp.pad's odd reflection (chunks of at
    // most n − offset values of the latest border) agrees.
    const filled = total - left - right;
    const chunkMax = symmetric ? Math.floor(filled / n) * n : Math.floor((filled - 1) / (n - 1)) * (n - 1);
    if (left > 0) {
      const chunk = Math.min(chunkMax, left);
      // NumPy reads padded[stop + chunk … stop + 1] right to left (stop = left − edgeOffset) and
      // writes them to [left − chunk, left): position left − 1 − k gets 2·padded[left] − padded[left − edgeOffset + 1 + k … ].
      const values = Array.from({ length: chunk }, (_, k) => odd(left, left - edgeOffset + 1 + k));
      values.forEach((v, k) => { cells[left - 1 - k] = v; });
      left -= chunk;
    }
    if (right > 0) {
      const chunk = Math.min(chunkMax, right);
      const edge = total - right - 1; // the current last filled position
      const values = Array.from({ length: chunk }, (_, k) => odd(edge, edge - 1 + edgeOffset - k));
      values.forEach((v, k) => { cells[edge + 1 + k] = v; });
      right -= chunk;
    }
  }
  return concat([...cells.slice(0, before) as Tensor[], t, ...cells.slice(before + n) as Tensor[]], axis);
}
