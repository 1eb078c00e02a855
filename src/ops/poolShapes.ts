/**
 * @file The options of the pooling ops (`maxPool`, `avgPool`, the adaptive pools), checked and turned
 * into window tables, with errors that name the op, the shapes and the fix — in conv's conventions
 * (layout [batch, channels, …spatial] or unbatched [channels, …spatial]; `stride`, `padding`,
 * `dilation` one number or one per spatial axis).
 *
 * Along each spatial axis, with input length L, window k, stride s, dilation d and padding lo + hi,
 * the window's extent is e = d·(k − 1) + 1 and (PyTorch's pooling output size)
 *
 *   out = ⌊(L + lo + hi − e) / s⌋ + 1,   or with ceilMode ⌈(L + lo + hi − e) / s⌉ + 1,
 *
 * less, in ceil mode, a last window that would start past the input and its left padding (PyTorch's
 * rule: such a window sees only padding). Window j's tap t sits at padded position j·s + t·d, that is
 * at input position j·s + t·d − lo. 'same' padding pads max(0, (⌈L/s⌉ − 1)·s + e − L) in total, the
 * odd one after (SAME_UPPER, as XLA/flax/ONNX; 'same_lower' before; conv's 'same' is the same rule), giving ⌈L/s⌉ outputs.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../tensor/create.js';
import { checkedSize } from '../tensor/checks.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { paddingName, perAxis, samePads, type ConvPadding, type PerAxis } from './convShapes.js';

export interface PoolOptions {
  /** Step between windows: one number or one per spatial axis (default: the window, as PyTorch). */
  readonly stride?: PerAxis | undefined;
  /** Padding around the input (default 0): a number, one per axis, [before, after] pairs per axis, 'valid', 'same' or 'same_lower' (JAX's upper-case spellings too). */
  readonly padding?: ConvPadding | undefined;
  /** Spacing between the taps of a window (default 1). */
  readonly dilation?: PerAxis | undefined;
  /** Round the number of windows up rather than down (PyTorch's ceil_mode; default false). */
  readonly ceilMode?: boolean | undefined;
}

export interface MaxPoolOptions extends PoolOptions {
  /** Also return each maximum's position in its input plane (PyTorch's return_indices): `{ values, indices }`. */
  readonly returnIndices?: boolean | undefined;
}

export interface AvgPoolOptions extends PoolOptions {
  /** Divide by the whole window, padding included (PyTorch's count_include_pad; default true, as PyTorch and flax). */
  readonly countIncludePad?: boolean | undefined;
  /** Divide every window's sum by this whole number ≠ 0 instead (PyTorch's divisor_override). */
  readonly divisorOverride?: number | undefined;
}

/**
 * Windows along one spatial axis: `taps` per window, `positions[j·taps + t]` the input position of
 * window j's tap t, or −1 where it falls on padding; `counts[j]` what window j averages over.
 */
export interface AxisWindows {
  readonly out: number;
  readonly taps: number;
  readonly positions: Int32Array;
  readonly counts: Float64Array;
}

/** The pooled axes: D from the window, and whether x is unbatched ([C, …spatial]). */
export function poolLayout(op: string, xShape: Shape, D: number): { lead: number } {
  if (xShape.length !== D + 2 && xShape.length !== D + 1) {
    throw new ShapeError(
      `${op}: input of shape ${formatShape(xShape)} does not fit a ${D}-d window: it must be [batch, channels, …${D} spatial] ` +
        `(rank ${D + 2}) or unbatched [channels, …] (rank ${D + 1}); give one window size per spatial axis.`,
    );
  }
  return { lead: xShape.length - D };
}

/** The window sizes: a list of positive integers, one per spatial axis (its length says how many). */
export function windowSizes(op: string, window: unknown, what = 'window'): number[] {
  if (!Array.isArray(window) || window.length === 0 || window.length > 3) {
    throw new InvalidArgumentError(
      `${op}: ${what} must be a list of 1 to 3 sizes, one per spatial axis (e.g. [2, 2] for 2-d pooling), got ${describe(window)}.`,
    );
  }
  return perAxis(op, what, window, window.length, 1, 1);
}

/** A boolean option (`dflt` when not given), or an error naming it. */
export function flag(op: string, name: string, v: unknown, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== 'boolean') throw new InvalidArgumentError(`${op}: ${name} must be true or false, got ${describe(v)}.`);
  return v;
}

/** Rejects anything but a plain object whose keys are among `keys` (a misspelt key would be ignored). */
export function checkOptionKeys(op: string, options: unknown, keys: readonly string[]): void {
  // A plain object only: a tensor there (a fourth positional argument) named its own fields.
  const proto = typeof options === 'object' && options !== null ? Object.getPrototypeOf(options) : undefined;
  if (proto !== Object.prototype && proto !== null) {
    throw new InvalidArgumentError(`${op}: options must be an object with any of ${keys.join(', ')}, got ${describe(options)}.`);
  }
  for (const k of Object.keys(options as object)) {
    if (!keys.includes(k)) throw new InvalidArgumentError(`${op}: unknown option '${k}'; the options are ${keys.join(', ')}.`);
  }
}

/** Padding as [before, after] per axis. */
function paddingPairs(op: string, padding: unknown, inSize: Shape, extent: readonly number[], stride: readonly number[]): Array<[number, number]> {
  const D = inSize.length;
  const name = paddingName(padding);
  if (padding === undefined || name === 'valid') return inSize.map(() => [0, 0]);
  if (name !== null) return inSize.map((L, j) => samePads(L, stride[j]!, extent[j]!, name === 'same_lower'));
  if (Array.isArray(padding) && padding.length === D && padding.every((p) => Array.isArray(p))) {
    return padding.map((p: unknown[]) => {
      if (p.length !== 2) throw new InvalidArgumentError(`${op}: each axis's padding pair must be [before, after], got ${describe(p)}.`);
      const [a, b] = perAxis(op, 'padding', p, 2, 0, 0);
      return [a!, b!];
    });
  }
  if (typeof padding === 'string') {
    throw new InvalidArgumentError(`${op}: padding must be a number, a list of ${D}, [before, after] pairs, 'same', 'same_lower' or 'valid' (or JAX's 'SAME', 'SAME_LOWER', 'VALID'), got '${padding}'.`);
  }
  return perAxis(op, 'padding', padding, D, 0, 0).map((p) => [p, p]);
}

/**
 * The windows of a strided pool of x (shape `xShape`, spatial axes from `lead` on) with window
 * `window`: one AxisWindows per spatial axis. `countIncludePad` picks what an average divides by:
 * the taps inside the input and its padding (true), or inside the input only (false); taps past the
 * padding (a ceil-mode last window) never count, as PyTorch.
 */
export function poolWindows(op: string, xShape: Shape, window: readonly number[], o: AvgPoolOptions, lead: number, countIncludePad: boolean): AxisWindows[] {
  const D = window.length, inSize = xShape.slice(lead);
  const stride = o.stride === undefined ? [...window] : perAxis(op, 'stride', o.stride, D, 1, 1);
  const dilation = perAxis(op, 'dilation', o.dilation, D, 1, 1);
  const ceilMode = flag(op, 'ceilMode', o.ceilMode, false);
  const extent = window.map((k, j) => dilation[j]! * (k - 1) + 1);
  const pads = paddingPairs(op, o.padding, inSize, extent, stride);
  const name = paddingName(o.padding), fromSame = name === 'same' || name === 'same_lower';
  const axes = inSize.map((L, j): AxisWindows => {
    const [lo, hi] = pads[j]!, s = stride[j]!, d = dilation[j]!, k = window[j]!, padded = L + lo + hi;
    const span = padded - extent[j]!;
    let out = Math.floor(span / s) + 1;
    if (ceilMode) {
      // A window may overhang the padded end in ceil mode (PyTorch: ⌈span/s⌉ + 1 ≥ 1 while span > −s).
      out = Math.ceil(span / s) + 1;
      if ((out - 1) * s >= L + lo) out--;
    }
    if (out < 1) {
      throw new ShapeError(
        `${op}: along spatial axis ${j} the window spans ${extent[j]} (size ${k}, dilation ${d}) but the padded input is only ${padded} long ` +
          `(input ${formatShape(xShape)}, padding ${lo}+${hi}); pad more, or use a smaller window or dilation.`,
      );
    }
    const positions = new Int32Array(out * k), counts = new Float64Array(out);
    const [countFrom, countTo] = countIncludePad ? [0, padded] : [lo, lo + L];
    for (let w = 0; w < out; w++) {
      let inside = 0;
      for (let t = 0; t < k; t++) {
        const p = w * s + t * d;
        positions[w * k + t] = p >= lo && p < lo + L ? p - lo : -1;
        if (p >= lo && p < lo + L) inside++;
        if (p >= countFrom && p < countTo) counts[w]!++;
      }
      if (inside === 0) {
        throw new ShapeError(
          `${op}: along spatial axis ${j} window ${w} covers only padding (input ${formatShape(xShape)}, window ${k}, stride ${s}, ` +
            `dilation ${d}, padding ${lo}+${hi}${fromSame ? ` from '${String(o.padding)}'` : ''}); ` +
            (fromSame ? "use 'valid' or explicit padding, or less dilation." : 'use less padding (at most half the window, as PyTorch asks), or less dilation.'),
        );
      }
    }
    return { out, taps: k, positions, counts };
  });
  checkedSize(op, [...xShape.slice(0, lead), ...axes.map((a) => a.out), axes.reduce((n, a) => n * a.taps, 1)]);
  return axes;
}

/**
 * The bins of an adaptive pool along each spatial axis, as PyTorch's adaptive_avg_pool: bin i of
 * `out` over L positions is [⌊i·L/out⌋, ⌈(i + 1)·L/out⌉), so bins cover the input, overlapping by at
 * most one where out does not divide L. Bins shorter than the longest end in padding taps (−1).
 */
export function adaptiveWindows(op: string, xShape: Shape, outputSize: readonly number[], lead: number): AxisWindows[] {
  return xShape.slice(lead).map((L, j): AxisWindows => {
    const out = outputSize[j]!;
    if (L < 1) throw new ShapeError(`${op}: input ${formatShape(xShape)} is empty along spatial axis ${j}; an adaptive pool needs at least one position.`);
    const start = (i: number) => Math.floor((i * L) / out), end = (i: number) => Math.ceil(((i + 1) * L) / out);
    let taps = 0;
    for (let i = 0; i < out; i++) taps = Math.max(taps, end(i) - start(i));
    const positions = new Int32Array(out * taps).fill(-1), counts = new Float64Array(out);
    for (let i = 0; i < out; i++) {
      for (let p = start(i); p < end(i); p++) positions[i * taps + p - start(i)] = p;
      counts[i] = end(i) - start(i);
    }
    return { out, taps, positions, counts };
  });
}
