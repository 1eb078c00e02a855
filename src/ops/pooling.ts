/**
 * @file Pooling as PyTorch's max_pool/avg_pool/adaptive_avg_pool (1-, 2- and 3-d), in conv's layout
 * [batch, channels, …spatial] (or unbatched [channels, …spatial]), composed from differentiable ops.
 *
 * A pool reads every window's taps with one gather: x's spatial axes are flattened into one axis of
 * P positions, one padding entry is appended at position P (−∞ for a max, 0 for a mean), and one
 * `take` with a constant index table [out positions × taps] (padding taps pointing at P) gives the
 * taps, reshaped to [..., …out, K]. Then
 *
 *   maxPool:  y = taps[argmax]   (maxIndex over the K taps, the first of tied maxima, and a gather)
 *   avgPool:  y = Σ taps / count (count per window: separable, one factor per spatial axis)
 *
 * so the gradient of a max goes to the first maximum of each window in window order (row-major over
 * the window's taps, as PyTorch's kernels scan it), that of a mean spreads 1/count over the window,
 * and every derivative order, jvp, vmap, jit and ONNX export come from take/gather/sum/div (the
 * argmax is a no-gradient index). Work is O(out · K), the windows' own size.
 */
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, full, type TensorLike } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { div, equal } from './binary.js';
import { sum } from './reduce.js';
import { broadcastTo, concat, reshape, squeeze, take } from './shape.js';
import { stopGradient, where } from './select.js';
import { maxIndex } from './sort.js';
import { gatherAlong } from './gather.js';
import {
  adaptiveWindows, checkOptionKeys, flag, poolLayout, poolWindows, windowSizes, type AxisWindows, type AvgPoolOptions, type MaxPoolOptions,
} from './poolShapes.js';
import { extraArguments } from '../core/extraArguments.js';

export type { PoolOptions, AvgPoolOptions, MaxPoolOptions } from './poolShapes.js';

/**
 * x's windows as [...lead, …out, K], the first tap of each window inside the input ([…out, 1]), and
 * the flat input position of every (window, tap) pair (window-major; P, one past the input, for padding).
 */
interface Windows {
  readonly taps: Tensor;
  readonly firstInside: Tensor;
  readonly positions: Int32Array;
}

/**
 * x's windows: the flat input position of every (window, tap) pair, the padding taps at P (one past
 * the input), read by one take from x flattened with `padValue` appended.
 */
function windowTaps(x: Tensor, lead: number, axes: readonly AxisWindows[], padValue: number): Windows {
  const inSize = x.shape.slice(lead), leadShape = x.shape.slice(0, lead);
  const P = inSize.reduce((a, b) => a * b, 1);
  const outs = axes.map((a) => a.out), K = axes.reduce((n, a) => n * a.taps, 1);
  const windows = outs.reduce((a, b) => a * b, 1);
  const index = new Int32Array(windows * K), firstInside = new Float64Array(windows).fill(-1);
  const o = new Array<number>(axes.length).fill(0);
  for (let w = 0; w < windows; w++) {
    let rest = w;
    for (let i = axes.length - 1; i >= 0; i--) { o[i] = rest % outs[i]!; rest = Math.floor(rest / outs[i]!); }
    for (let k = 0; k < K; k++) {
      let r = k, flat = 0, inside = true;
      for (let i = axes.length - 1, step = 1; i >= 0; step *= inSize[i]!, i--) {
        const a = axes[i]!, p = a.positions[o[i]! * a.taps + (r % a.taps)]!;
        r = Math.floor(r / a.taps);
        if (p < 0) inside = false;
        flat += p * step;
      }
      index[w * K + k] = inside ? flat : P;
      if (inside && firstInside[w]! < 0) firstInside[w] = k;
    }
  }
  const flatX = reshape(x, [...leadShape, P]);
  const withPad = concat([flatX, full([...leadShape, 1], padValue)], lead);
  return {
    taps: reshape(take(withPad, index, lead), [...leadShape, ...outs, K]),
    firstInside: new Tensor(firstInside, [...outs, 1]),
    positions: index,
  };
}

/** The divisor of every window, [...out]: the product of the per-axis counts. */
function windowCounts(axes: readonly AxisWindows[]): Tensor {
  const outs = axes.map((a) => a.out), size = outs.reduce((a, b) => a * b, 1);
  const data = new Float64Array(size);
  for (let w = 0; w < size; w++) {
    let rest = w, count = 1;
    for (let i = axes.length - 1; i >= 0; i--) {
      count *= axes[i]!.counts[rest % outs[i]!]!;
      rest = Math.floor(rest / outs[i]!);
    }
    data[w] = count;
  }
  return new Tensor(data, outs);
}

/**
 * The first maximum of each window (taps on the last axis); its gradient goes to that tap only. A
 * window whose maximum is −∞ (every input tap −∞) points at its first input tap, not at a padding
 * tap before it, as PyTorch's kernel (which starts from the first input position). `at`: the tap
 * taken ([...lead, …out, 1]).
 */
function firstMax({ taps, firstInside }: Windows): { values: Tensor; at: Tensor } {
  const last = taps.ndim - 1, constant = stopGradient(taps);
  let at = maxIndex(constant, last, true);
  if (firstInside.values.slice().some((k) => k > 0)) {
    at = where(equal(gatherAlong(constant, at, last, 'maxPool'), -Infinity), firstInside, at);
  }
  return { values: squeeze(gatherAlong(taps, at, last, 'maxPool'), last), at };
}

const POOL_KEYS = ['stride', 'padding', 'dilation', 'ceilMode'];
const MAX_KEYS = [...POOL_KEYS, 'returnIndices'];
const AVG_KEYS = [...POOL_KEYS, 'countIncludePad', 'divisorOverride'];

/**
 * Max pooling as PyTorch's `max_pool1d/2d/3d`: x is `[batch, channels, …spatial]` or unbatched
 * `[channels, …spatial]`, `window` one size per spatial axis (its length, 1 to 3, says how many).
 * Options as `conv`'s: `stride` (default: the window), `padding` (a number, one per axis,
 * `[before, after]` pairs, `'valid'` or `'same'` — ⌈L/stride⌉ outputs, the odd pad after; `'same_lower'`
 * before; JAX's upper-case spellings too), `dilation`,
 * and `ceilMode`. Padding never wins (it is −∞). The gradient goes to the maximum of each window;
 * among tied maxima, to the first in window order (row-major over the window), as PyTorch.
 * `returnIndices: true` returns `{ values, indices }`, indices (float64 whole numbers, shaped as values)
 * the position of each maximum in its input plane, the spatial axes flattened row-major (PyTorch's
 * convention, what `maxUnpool` takes).
 * @example
 * ad.maxPool(ad.tensor([[[1, 3, 2, 5, 4]]]), [2]).toArray();                    // => [[[3, 5]]]
 * ad.maxPool(ad.tensor([[[1, 3, 2, 5, 4]]]), [2], { ceilMode: true }).toArray(); // => [[[3, 5, 4]]]
 * ad.maxPool(ad.tensor([[[1, 3, 2, 5, 4]]]), [2], { returnIndices: true }).indices.toArray(); // => [[[1, 3]]]
 */
export function maxPool(x: TensorLike, window: readonly number[], options: MaxPoolOptions & { readonly returnIndices: true }): { values: Tensor; indices: Tensor };
export function maxPool(x: TensorLike, window: readonly number[], options?: MaxPoolOptions & { readonly returnIndices?: false | undefined }): Tensor;
export function maxPool(x: TensorLike, window: readonly number[], options?: MaxPoolOptions): Tensor | { values: Tensor; indices: Tensor };
export function maxPool(x: TensorLike, window: readonly number[], options: MaxPoolOptions = {}, ...extra: unknown[]): Tensor | { values: Tensor; indices: Tensor } {
  if (extra.length > 0) extraArguments('maxPool', 'maxPool(x, window, options?)', extra, options);
  checkOptionKeys('maxPool', options, MAX_KEYS);
  const returnIndices = flag('maxPool', 'returnIndices', options.returnIndices, false);
  const xt = asTensor(x, 'maxPool'), sizes = windowSizes('maxPool', window);
  const { lead } = poolLayout('maxPool', xt.shape, sizes.length);
  const axes = poolWindows('maxPool', xt.shape, sizes, options, lead, false);
  const windows = windowTaps(xt, lead, axes, -Infinity);
  const { values, at } = firstMax(windows);
  if (!returnIndices) return values;
  // The taken tap's flat input position: the window table broadcast over the leading axes, gathered at it.
  const table = broadcastTo(new Tensor(Float64Array.from(windows.positions), windows.taps.shape.slice(lead)), windows.taps.shape);
  return { values, indices: squeeze(gatherAlong(table, at, at.ndim - 1, 'maxPool'), at.ndim - 1) };
}

/**
 * Average pooling as PyTorch's `avg_pool1d/2d/3d`, with `maxPool`'s layout and options, and
 * `countIncludePad` (PyTorch's count_include_pad, default true as PyTorch and flax): divide by the
 * whole window, padding included; `false` divides by the input entries in the window only. Taps
 * past the padding (a ceil-mode last window) are never counted. `dilation` is allowed (PyTorch's
 * avg_pool has none; ONNX's AveragePool has it). `divisorOverride` (PyTorch's divisor_override, a whole
 * number ≠ 0) divides every window's sum by itself instead (PyTorch's avg_pool1d has none; adjoint's
 * 1-d pool takes it too). The gradient spreads evenly over each window.
 * @example
 * ad.avgPool(ad.tensor([[[1, 3, 2, 6]]]), [2]).toArray();                                  // => [[[2, 4]]]
 * ad.avgPool(ad.tensor([[[2, 4]]]), [2], { padding: 1 }).toArray();                        // => [[[1, 2]]]
 * ad.avgPool(ad.tensor([[[2, 4]]]), [2], { padding: 1, countIncludePad: false }).toArray(); // => [[[2, 4]]]
 */
export function avgPool(x: TensorLike, window: readonly number[], options?: AvgPoolOptions): Tensor;
export function avgPool(x: TensorLike, window: readonly number[], options: AvgPoolOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('avgPool', 'avgPool(x, window, options?)', extra, options);
  checkOptionKeys('avgPool', options, AVG_KEYS);
  const xt = asTensor(x, 'avgPool'), sizes = windowSizes('avgPool', window);
  const { lead } = poolLayout('avgPool', xt.shape, sizes.length);
  const includePad = flag('avgPool', 'countIncludePad', options.countIncludePad, true);
  const divisor = options.divisorOverride;
  if (divisor !== undefined && (typeof divisor !== 'number' || !Number.isInteger(divisor) || divisor === 0)) {
    throw new InvalidArgumentError(`avgPool: divisorOverride must be a whole number other than 0 (PyTorch's divisor_override), got ${describe(divisor)}.`);
  }
  const axes = poolWindows('avgPool', xt.shape, sizes, options, lead, includePad);
  return div(sum(windowTaps(xt, lead, axes, 0).taps, -1), divisor ?? windowCounts(axes));
}

/**
 * Adaptive average pooling as PyTorch's `adaptive_avg_pool1d/2d/3d`: `outputSize` has one length per
 * spatial axis, and output i along an axis of length L averages input positions
 * [⌊i·L/out⌋, ⌈(i + 1)·L/out⌉). Layouts as `avgPool`.
 * @example
 * ad.adaptiveAvgPool(ad.tensor([[[1, 2, 3, 4, 5]]]), [2]).toArray(); // => [[[2, 4]]]
 */
export function adaptiveAvgPool(x: TensorLike, outputSize: readonly number[]): Tensor;
export function adaptiveAvgPool(x: TensorLike, outputSize: readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('adaptiveAvgPool', 'adaptiveAvgPool(x, outputSize)', extra, outputSize);
  const xt = asTensor(x, 'adaptiveAvgPool'), sizes = windowSizes('adaptiveAvgPool', outputSize, 'outputSize');
  const { lead } = poolLayout('adaptiveAvgPool', xt.shape, sizes.length);
  const axes = adaptiveWindows('adaptiveAvgPool', xt.shape, sizes, lead);
  return div(sum(windowTaps(xt, lead, axes, 0).taps, -1), windowCounts(axes));
}

/**
 * Adaptive max pooling as PyTorch's `adaptive_max_pool1d/2d/3d` (values only): `adaptiveAvgPool`'s
 * bins, each reduced by its maximum; the gradient goes to the first maximum of each bin.
 * @example
 * ad.adaptiveMaxPool(ad.tensor([[[1, 5, 3, 4, 2]]]), [2]).toArray(); // => [[[5, 4]]]
 */
export function adaptiveMaxPool(x: TensorLike, outputSize: readonly number[]): Tensor;
export function adaptiveMaxPool(x: TensorLike, outputSize: readonly number[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('adaptiveMaxPool', 'adaptiveMaxPool(x, outputSize)', extra, outputSize);
  const xt = asTensor(x, 'adaptiveMaxPool'), sizes = windowSizes('adaptiveMaxPool', outputSize, 'outputSize');
  const { lead } = poolLayout('adaptiveMaxPool', xt.shape, sizes.length);
  return firstMax(windowTaps(xt, lead, adaptiveWindows('adaptiveMaxPool', xt.shape, sizes, lead), -Infinity)).values;
}
