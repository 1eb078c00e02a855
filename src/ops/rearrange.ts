/**
 * @file Rearranging ops with NumPy's conventions: pad, flip, roll, tile, repeat, tril, triu. Each
 * is written with differentiable ops — `take` with an index map per axis (its transpose scatters
 * back), `concat`, `broadcastTo`, `where` — so gradients and higher orders come with them.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxes, normalizeAxis } from '../tensor/shape.js';
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { noteLibraryRead } from '../jit/valueReads.js';
import { asTensor, describe, full, type TensorLike } from '../tensor/create.js';
import { checkedSize } from '../tensor/checks.js';
import { where } from './select.js';
import { broadcastTo, concat, reshape, take } from './shape.js';
import { extraArguments } from '../core/extraArguments.js';
import { linearRamp, oddReflect, padPairs, statisticPad, tensorPadPairs } from './padModes.js';

/** A whole number ≥ 0 (or any integer with `signed`), or an AdjointError naming the op and argument. */
function integerArg(op: string, name: string, v: unknown, signed = false): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || (!signed && v < 0)) {
    const got = typeof v === 'number' ? String(v) : describe(v);
    throw new InvalidArgumentError(`${op}: ${name} must be ${signed ? 'an integer' : 'a whole number ≥ 0'}, got ${got}.`);
  }
  return v;
}

/** One entry, or a list of them, as a list. */
function asList(op: string, name: string, v: unknown, signed = false): number[] {
  return (Array.isArray(v) ? v : [v]).map((e) => integerArg(op, name, e, signed));
}

export type PadMode = 'constant' | 'edge' | 'reflect' | 'symmetric' | 'wrap' | 'linear_ramp' | 'maximum' | 'minimum' | 'mean' | 'median' | 'empty';
/**
 * A value for every side (`v`, `[v]`), one `[before, after]` for every axis, or one pair (or one
 * value) per axis: NumPy's forms of constant_values, end_values and stat_length.
 */
export type PadPairs<T> = T | readonly [T] | readonly [T, T] | ReadonlyArray<readonly [T, T] | readonly [T]>;
export interface PadOptions {
  /**
   * How the border is filled (NumPy's modes): 'constant' (default), 'edge', 'reflect', 'symmetric',
   * 'wrap', 'linear_ramp', 'maximum', 'minimum', 'mean', 'median', or 'empty' (zeros, as JAX's).
   */
  readonly mode?: PadMode | undefined;
  /**
   * The fill value of mode 'constant' (NumPy's constant_values, default 0): one number, `[before,
   * after]` for every axis, or `[[b0, a0], [b1, a1], …]` one pair per axis (later axes fill the corners);
   * or a tensor of those shapes (jnp.pad's traced constant_values: differentiable, mappable).
   */
  readonly value?: PadPairs<number> | Tensor | undefined;
  /** Mode 'linear_ramp': the value the ramp starts from at the outer border (NumPy's end_values, default 0). */
  readonly endValues?: PadPairs<number> | undefined;
  /** Modes 'maximum', 'minimum', 'mean', 'median': how many entries next to each side the statistic reads (NumPy's stat_length; the whole axis by default). */
  readonly statLength?: PadPairs<number> | undefined;
  /** Modes 'reflect' and 'symmetric': 'even' (default) mirrors the entries, 'odd' mirrors them about the edge value (2·edge − x). */
  readonly reflectType?: 'even' | 'odd' | undefined;
}
/** Widths as NumPy's pad_width: `w` on every side, `[before, after]` on every axis, or one pair per axis. */
export type PadWidths = number | readonly [number, number] | ReadonlyArray<readonly [number, number]>;

const PAD_MODES: readonly PadMode[] = ['constant', 'edge', 'reflect', 'symmetric', 'wrap', 'linear_ramp', 'maximum', 'minimum', 'mean', 'median', 'empty'];
type IndexMapMode = 'edge' | 'reflect' | 'symmetric' | 'wrap';
/** Which option goes with which modes (NumPy's keyword arguments; numpy.pad refuses the others too). */
const OPTION_MODES: Readonly<Record<string, readonly PadMode[]>> = {
  value: ['constant'], endValues: ['linear_ramp'], statLength: ['maximum', 'minimum', 'mean', 'median'], reflectType: ['reflect', 'symmetric'],
};

/** The source position (in [0, n)) of padded position p (−before ≤ p < n + after) for a border mode. */
function borderIndex(mode: IndexMapMode, p: number, n: number): number {
  const mod = (a: number, b: number) => ((a % b) + b) % b;
  switch (mode) {
    case 'edge': return Math.min(Math.max(p, 0), n - 1);
    case 'wrap': return mod(p, n);
    // A triangle wave of period 2(n−1) (the edge not repeated), or 2n (repeated); a length-1 axis repeats.
    case 'reflect': { if (n === 1) return 0; const j = mod(p, 2 * (n - 1)); return j < n ? j : 2 * (n - 1) - j; }
    case 'symmetric': { const j = mod(p, 2 * n); return j < n ? j : 2 * n - 1 - j; }
  }
}

function padWidths(widths: PadWidths, ndim: number): Array<[number, number]> {
  const pair = (w: unknown): [number, number] => {
    if (!Array.isArray(w) || w.length !== 2) {
      throw new InvalidArgumentError(`pad: each axis's widths must be a pair [before, after], got ${describe(w)}.`);
    }
    return [integerArg('pad', 'a width', w[0]), integerArg('pad', 'a width', w[1])];
  };
  if (typeof widths === 'number') return Array.from({ length: ndim }, () => pair([widths, widths]));
  if (!Array.isArray(widths)) {
    throw new InvalidArgumentError(`pad: widths must be a number, a pair [before, after] or one pair per axis, got ${describe(widths)}.`);
  }
  if (widths.length === 2 && widths.every((w) => typeof w === 'number')) return Array.from({ length: ndim }, () => pair(widths));
  if (widths.length === 1) return Array.from({ length: ndim }, () => pair(widths[0]));
  if (widths.length !== ndim) {
    throw new ShapeError(`pad: ${widths.length} pairs of widths for a tensor of rank ${ndim}; give one [before, after] per axis (or one for all).`);
  }
  return widths.map(pair);
}

/**
 * x with a border along each axis, as NumPy's `pad`: `widths` is `[[before, after], …]` (one pair
 * per axis), one `[before, after]` for every axis, or one number for every side. Modes: 'constant'
 * (fill with `value`, default 0: a number, or NumPy's [before, after] or one pair per axis), 'edge' (repeat the edge), 'reflect' (mirror, edge not repeated),
 * 'symmetric' (mirror, edge repeated), 'wrap' (periodic), each repeating as far as the width needs;
 * 'linear_ramp' (from `endValues`, default 0, to the edge), 'maximum', 'minimum', 'mean', 'median'
 * (of the `statLength` entries nearest each side, the whole axis by default) and 'empty' (zeros, as
 * JAX's; NumPy leaves them unset). `reflectType: 'odd'` mirrors about the edge value (2·edge − x).
 * Axes are padded in order, so later axes fill the corners from the earlier borders, as NumPy's.
 * @example
 * ad.pad(ad.tensor([1, 2, 3]), [[2, 1]]).toArray();                       // => [0, 0, 1, 2, 3, 0]
 * ad.pad(ad.tensor([1, 2, 3]), 2, { mode: 'reflect' }).toArray();        // => [3, 2, 1, 2, 3, 2, 1]
 * ad.pad(ad.tensor([1, 2, 4]), 2, { mode: 'linear_ramp' }).toArray();    // => [0, 0.5, 1, 2, 4, 2, 0]
 */
export function pad(x: TensorLike, widths: PadWidths, options?: PadOptions): Tensor;
export function pad(x: TensorLike, widths: PadWidths, options: PadOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('pad', 'pad(x, widths, options?)', extra, options);
  let t = asTensor(x, 'pad');
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`pad: options must be an object such as { mode: 'reflect' } or { value: 1 }, got ${describe(options)}.`);
  }
  const known = ['mode', ...Object.keys(OPTION_MODES)];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new InvalidArgumentError(`pad: unknown option '${key}'; the options are mode, value, endValues, statLength and reflectType.`);
  }
  const mode = options.mode ?? 'constant';
  if (!PAD_MODES.includes(mode)) throw new InvalidArgumentError(`pad: mode must be one of ${PAD_MODES.map((m) => `'${m}'`).join(', ')}, got ${describe(mode)}.`);
  for (const [key, modes] of Object.entries(OPTION_MODES)) {
    const given = (options as Record<string, unknown>)[key];
    if (given !== undefined && !modes.includes(mode)) {
      throw new InvalidArgumentError(`pad: ${key} goes with mode ${modes.map((m) => `'${m}'`).join(' or ')} only, got it with mode '${mode}'.`);
    }
  }
  const reflectType = options.reflectType ?? 'even';
  if (reflectType !== 'even' && reflectType !== 'odd') throw new InvalidArgumentError(`pad: reflectType must be 'even' or 'odd', got ${describe(reflectType)}.`);
  const pairs = padWidths(widths, t.ndim), given = t.shape;
  const values: Array<[number | Tensor, number | Tensor]> = options.value instanceof Tensor
    ? tensorPadPairs(options.value, t.ndim)
    : padPairs('value', mode === 'empty' ? 0 : options.value ?? 0, t.ndim, (e) => numberOption('value', e));
  const ends = padPairs('endValues', options.endValues ?? 0, t.ndim, (e) => numberOption('endValues', e));
  const lengths = padPairs('statLength', options.statLength ?? null, t.ndim, (e) => (e === null ? null : integerArg('pad', 'a statLength', e)));
  checkedSize('pad', t.shape.map((n, ax) => n + pairs[ax]![0] + pairs[ax]![1])); // before any index map is allocated
  pairs.forEach(([before, after], ax) => {
    if (before === 0 && after === 0) return;
    const n = t.shape[ax]!;
    if (mode === 'constant' || mode === 'empty') {
      const side = (w: number, value: number | Tensor) => {
        const shape = t.shape.map((d, i) => (i === ax ? w : d));
        return typeof value === 'number' ? full(shape, value) : broadcastTo(reshape(value, shape.map(() => 1)), shape);
      };
      t = concat([...(before > 0 ? [side(before, values[ax]![0])] : []), t, ...(after > 0 ? [side(after, values[ax]![1])] : [])], ax);
      return;
    }
    if (n === 0) throw new ShapeError(`pad: axis ${ax} of shape ${formatShape(given)} is empty; mode '${mode}' has nothing to repeat (use 'constant').`);
    if (mode === 'linear_ramp') t = linearRamp(t, ax, [before, after], ends[ax]!);
    else if (mode === 'maximum' || mode === 'minimum' || mode === 'mean' || mode === 'median') t = statisticPad(t, ax, [before, after], lengths[ax]!, mode);
    else if (reflectType === 'odd' && (mode === 'reflect' || mode === 'symmetric')) t = oddReflect(t, ax, [before, after], mode === 'symmetric');
    else {
      const index = new Int32Array(before + n + after);
      for (let i = 0; i < index.length; i++) index[i] = borderIndex(mode, i - before, n);
      t = take(t, index, ax);
    }
  });
  return t;
}

/** A finite-or-not number option (NumPy takes any float), or an AdjointError naming it. */
function numberOption(name: string, v: unknown): number {
  if (typeof v !== 'number') throw new InvalidArgumentError(`pad: ${name} must be numbers, got ${describe(v)}.`);
  return v;
}

/**
 * x with the order of entries reversed along `axis` (every axis when omitted), as NumPy's `flip`.
 * @example
 * ad.flip(ad.tensor([[1, 2], [3, 4]]), 1).toArray();    // => [[2, 1], [4, 3]]
 */
export function flip(x: TensorLike, axis?: number | readonly number[]): Tensor;
export function flip(x: TensorLike, axis?: number | readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('flip', 'flip(x, axis?)', extra, axis);
  let t = asTensor(x, 'flip');
  for (const ax of normalizeAxes(axis, t.ndim, 'flip')) {
    const n = t.shape[ax]!;
    if (n > 1) t = take(t, Int32Array.from({ length: n }, (_, i) => n - 1 - i), ax);
  }
  return t;
}

/**
 * x shifted by `shift` places along `axis`, entries leaving one end coming back at the other
 * (NumPy's `roll`): out[i] = x[i − shift]. Without `axis`, the flattened tensor rolls and keeps
 * its shape; with lists, each shift goes with its axis (a single number applies to all).
 * @example
 * ad.roll(ad.tensor([1, 2, 3, 4]), 1).toArray();        // => [4, 1, 2, 3]
 */
export function roll(x: TensorLike, shift: number | readonly number[], axis?: number | readonly number[]): Tensor;
export function roll(x: TensorLike, shift: number | readonly number[], axis?: number | readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('roll', 'roll(x, shift, axis?)', extra, axis);
  let t = asTensor(x, 'roll');
  const shifts = asList('roll', 'shift', shift, true);
  if (axis === undefined) {
    if (shifts.length !== 1) throw new InvalidArgumentError(`roll: ${shifts.length} shifts need as many axes; pass axis, or one shift for the flattened tensor.`);
    return reshape(roll(reshape(t, [t.size]), shifts[0]!, 0), t.shape);
  }
  const axes = (Array.isArray(axis) ? axis : [axis]).map((a: number) => normalizeAxis(a, t.ndim, 'roll'));
  if (shifts.length !== axes.length && shifts.length !== 1) {
    throw new InvalidArgumentError(`roll: ${shifts.length} shifts for ${axes.length} axes; give one shift per axis, or one for all.`);
  }
  // Shifts of a repeated axis add up, as NumPy's.
  const total = new Array<number>(t.ndim).fill(0);
  axes.forEach((a, i) => (total[a]! += shifts[shifts.length === 1 ? 0 : i]!));
  total.forEach((s, ax) => {
    const n = t.shape[ax]!;
    if (n === 0 || s % n === 0) return;
    t = take(t, Int32Array.from({ length: n }, (_, i) => (((i - s) % n) + n) % n), ax);
  });
  return t;
}

/**
 * x repeated `reps` times along each axis, as NumPy's `tile`: a shorter `reps` is padded with 1s
 * on the left, a longer one gives x leading axes of length 1.
 * @example
 * ad.tile(ad.tensor([1, 2]), [2, 2]).toArray();          // => [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function tile(x: TensorLike, reps: number | readonly number[]): Tensor;
export function tile(x: TensorLike, reps: number | readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('tile', 'tile(x, reps)', extra, reps);
  const t = asTensor(x, 'tile');
  const r = asList('tile', 'reps', reps);
  const d = Math.max(t.ndim, r.length);
  const shape = [...new Array<number>(d - t.ndim).fill(1), ...t.shape];
  const times = [...new Array<number>(d - r.length).fill(1), ...r];
  checkedSize('tile', shape.map((n, i) => n * times[i]!));
  // Each axis n becomes [reps, n] by broadcasting a new axis of length 1, then the two merge.
  const split = shape.flatMap((n) => [1, n]);
  const spread = broadcastTo(reshape(t, split), shape.flatMap((n, i) => [times[i]!, n]));
  return reshape(spread, shape.map((n, i) => n * times[i]!));
}

/**
 * Each entry repeated along `axis` (of the flattened tensor when omitted), as NumPy's `repeat`:
 * `repeats` is one count for every entry, or one count per entry along the axis.
 * @example
 * ad.repeat(ad.tensor([1, 2]), 2).toArray();            // => [1, 1, 2, 2]
 * ad.repeat(ad.tensor([[1, 2], [3, 4]]), [1, 2], 0).toArray(); // => [[1, 2], [3, 4], [3, 4]]
 */
export function repeat(x: TensorLike, repeats: number | readonly number[] | Tensor, axis?: number): Tensor;
export function repeat(x: TensorLike, repeats: number | readonly number[] | Tensor, axis?: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('repeat', 'repeat(x, repeats, axis?)', extra, axis);
  const given = asTensor(x, 'repeat');
  const t = axis === undefined ? reshape(given, [given.size]) : given;
  const ax = axis === undefined ? 0 : normalizeAxis(axis, t.ndim, 'repeat');
  const n = t.shape[ax]!;
  const counts = asList('repeat', 'repeats', repeats instanceof Tensor ? countsOf(repeats) : repeats);
  if (counts.length !== 1 && counts.length !== n) {
    throw new ShapeError(`repeat: ${counts.length} counts for axis ${ax} of length ${n} (shape ${formatShape(t.shape)}); give one count, or one per entry.`);
  }
  const length = counts.length === 1 ? n * counts[0]! : counts.reduce((a, b) => a + b, 0);
  checkedSize('repeat', t.shape.map((s, i) => (i === ax ? length : s)));
  if (counts.length === 1) {
    // One count (a list of one broadcasts, as NumPy's): a new axis of that length after the axis, broadcast, then merged into it.
    const c = counts[0]!;
    const split = [...t.shape.slice(0, ax + 1), 1, ...t.shape.slice(ax + 1)];
    const spread = broadcastTo(reshape(t, split), split.map((s, i) => (i === ax + 1 ? c : s)));
    return reshape(spread, t.shape.map((s, i) => (i === ax ? s * c : s)));
  }
  const index = new Int32Array(length);
  let k = 0;
  counts.forEach((c, i) => index.fill(i, k, (k += c)));
  return take(t, index, ax);
}

/**
 * repeat's counts given as a tensor (jnp.repeat's array repeats): its values, a 0-d or 1-D tensor
 * whose values can be read (the output's length depends on them; under jit the call is noted as a
 * value read, under a derivative the counts are constants, and counts mapped by vmap are an error).
 */
function countsOf(repeats: Tensor): number | number[] {
  if (repeats.ndim > 1) throw new ShapeError(`repeat: repeats of shape ${formatShape(repeats.shape)} must be a number or a 1-D list of counts.`);
  if (opaqueTrace(repeats) !== null) {
    throw new InvalidArgumentError('repeat: repeats is mapped by vmap (each example its own counts), but the output\'s length depends on its values; pass counts every example shares (numbers, or a tensor outside the mapped function).');
  }
  noteLibraryRead(repeats, "repeat's counts");
  const values = Array.from(repeats.values);
  return repeats.ndim === 0 ? values[0]! : values;
}

/** 1 where `keep(row, col)` holds, over the last two axes of `t`, for where(). */
function triangleMask(op: string, x: TensorLike, k: number, keep: (i: number, j: number) => boolean): [Tensor, Tensor] {
  const t = asTensor(x, op);
  integerArg(op, 'k', k, true);
  if (t.ndim < 2) {
    throw new ShapeError(`${op}: x of shape ${formatShape(t.shape)} needs at least two axes (a matrix, or a batch of them); reshape it first.`);
  }
  const [n, m] = t.shape.slice(-2) as [number, number];
  const mask = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) mask[i * m + j] = keep(i, j) ? 1 : 0;
  return [t, new Tensor(mask, [n, m])];
}

/**
 * The lower triangle of the last two axes: entries with column − row ≤ k kept, the rest exactly 0
 * (NumPy's `tril`; k > 0 keeps diagonals above, k < 0 drops some below).
 * @example
 * ad.tril(ad.tensor([[1, 2], [3, 4]])).toArray();       // => [[1, 0], [3, 4]]
 */
export function tril(x: TensorLike, k?: number): Tensor;
export function tril(x: TensorLike, k = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('tril', 'tril(x, k?)', extra, k);
  const [t, mask] = triangleMask('tril', x, k, (i, j) => j - i <= k);
  return where(mask, t, 0);
}

/**
 * The upper triangle of the last two axes: entries with column − row ≥ k kept, the rest exactly 0
 * (NumPy's `triu`).
 * @example
 * ad.triu(ad.tensor([[1, 2], [3, 4]]), 1).toArray();    // => [[0, 2], [0, 0]]
 */
export function triu(x: TensorLike, k?: number): Tensor;
export function triu(x: TensorLike, k = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('triu', 'triu(x, k?)', extra, k);
  const [t, mask] = triangleMask('triu', x, k, (i, j) => j - i >= k);
  return where(mask, t, 0);
}
