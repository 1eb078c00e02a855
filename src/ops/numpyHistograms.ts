/**
 * @file Multidimensional histograms (numpy.histogramdd, histogram2d) as composites: per axis the
 * edges (equal bins over the range, or given), a searchsorted per coordinate, the flat bin by
 * strides, and one scatter-add. Shapes depend only on the bins, so they run under vmap and jit.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { add, div, equal, mul, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { checkedMax, checkedMin, sum } from './reduce.js';
import { broadcastTo, concat, reshape, slice, stack, take } from './shape.js';
import { ravel } from './layout.js';
import { diff } from './arrayHelpers.js';
import { equalEdges } from './numpyCounting.js';
import { scatterAdd } from './gather.js';
import { searchsorted } from './interpolation.js';
import { knownOptions } from './optionChecks.js';
import { checkArgumentValues } from './argumentChecks.js';
import { integerArg } from './numpyBreadth.js';
import { extraArguments } from '../core/extraArguments.js';

/** The bins along one axis: a count of equal bins, or the edges. */
export type HistogramBins = number | TensorLike;

/** Options of `histogramdd` and `histogram2d`. */
export interface HistogramddOptions {
  /** Per axis, the lower and upper edge of equal bins (default the samples' minimum and maximum on that axis). */
  readonly range?: ReadonlyArray<readonly [number, number]> | undefined;
  /** A weight per sample: each adds its weight instead of 1. */
  readonly weights?: TensorLike | undefined;
  /** Divide the counts by their total and by the bin volumes, so they integrate to 1. */
  readonly density?: boolean | undefined;
}

/** numpy's edges along one axis (np.histogramdd): linspace over the range (widened by ½ where it is one point), or checked given edges. */
function axisEdges(op: string, column: Tensor, bins: HistogramBins, range: readonly [number, number] | undefined, axis: number): Tensor {
  if (typeof bins === 'number') {
    const n = integerArg(op, `bins[${axis}]`, bins);
    if (n < 1) throw new InvalidArgumentError(`${op}: bins[${axis}] must be at least 1, got ${n}.`);
    let lo: Tensor, hi: Tensor;
    if (range !== undefined) {
      if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'number' || typeof range[1] !== 'number') {
        throw new InvalidArgumentError(`${op}: range[${axis}] must be a pair of numbers [min, max], got ${describe(range)}.`);
      }
      if (range[0] > range[1]) throw new InvalidArgumentError(`${op}: range[${axis}] = [${range[0]}, ${range[1]}]: max must be larger than min.`);
      if (!Number.isFinite(range[0]) || !Number.isFinite(range[1])) throw new InvalidArgumentError(`${op}: range[${axis}] = [${range[0]}, ${range[1]}] is not finite.`);
      [lo, hi] = [tensor(range[0]), tensor(range[1])];
    } else if (column.size === 0) [lo, hi] = [tensor(0), tensor(1)];
    else {
      [lo, hi] = [checkedMin(column), checkedMax(column)];
      checkArgumentValues(stack([lo, hi]), ([l, h]) => {
        if (!(Number.isFinite(l!) && Number.isFinite(h!))) {
          throw new InvalidArgumentError(`${op}: the range found on axis ${axis}, [${l}, ${h}], is not finite; give { range } or remove the NaN and infinite samples.`);
        }
      });
    }
    const same = equal(lo, hi);
    [lo, hi] = [where(same, sub(lo, 0.5), lo), where(same, add(hi, 0.5), hi)];
    return equalEdges(lo, hi, n);
  }
  const edges = asTensor(bins, op);
  if (edges.ndim !== 1 || edges.size < 2) throw new ShapeError(`${op}: the edges for axis ${axis} must be 1-d with two or more entries, got shape ${formatShape(edges.shape)}.`);
  checkArgumentValues(edges, (e) => {
    for (let i = 1; i < e.length; i++) {
      if (!(e[i]! >= e[i - 1]!)) throw new InvalidArgumentError(`${op}: the edges for axis ${axis} must increase monotonically, but edge ${i} (${e[i]}) is below edge ${i - 1} (${e[i - 1]}).`);
    }
  });
  return edges;
}

/**
 * The counts of N samples in D dimensions in a grid of bins (numpy.histogramdd): `sample` is
 * [N, D]; `bins` a count for every axis, or one per axis (a count or increasing edges). A sample
 * counts in bin i on an axis where edges[i] ≤ x < edges[i + 1], the last bin closed; samples
 * outside (NaN too) are left out. Returns `[hist, edges]` (hist of shape [bins₀, …, bins_{D−1}]).
 * Differentiable in the weights (and through the edges and density in the samples' extremes).
 * @example
 * const [h, e] = ad.histogramdd(ad.tensor([[0, 0], [1, 1], [1, 0.2]]), 2);
 * h.toArray(); // => [[1, 0], [1, 1]]
 */
export function histogramdd(sample: TensorLike, bins?: HistogramBins | readonly HistogramBins[], options?: HistogramddOptions): [Tensor, Tensor[]];
export function histogramdd(sample: TensorLike, bins: HistogramBins | readonly HistogramBins[] = 10, options: HistogramddOptions = {}, ...extra: unknown[]): [Tensor, Tensor[]] {
  if (extra.length > 0) extraArguments('histogramdd', 'histogramdd(sample, bins?, options?)', extra, options);
  const s = asTensor(sample, 'histogramdd');
  // NumPy reads a 1-D sample as N points of one coordinate (np.histogramdd([1, 2, 2, 3], 3) is
  // ([1, 2, 1], [edges])), not as one point of N coordinates.
  return histogramGrid('histogramdd', s.ndim === 1 ? reshape(s, [s.size, 1]) : s, bins, options);
}

function histogramGrid(op: string, s: Tensor, bins: HistogramBins | readonly HistogramBins[], options: HistogramddOptions): [Tensor, Tensor[]] {
  knownOptions(op, options, ['range', 'weights', 'density'], '{ range: [[0, 1], [0, 1]], density: true }');
  if (s.ndim !== 2) throw new ShapeError(`${op}: sample must be [N, D] (one row per sample) or, for histogramdd, [N] (N points of one coordinate), got shape ${formatShape(s.shape)}.`);
  const [N, D] = s.shape as [number, number];
  const perAxis: HistogramBins[] = Array.isArray(bins) ? [...(bins as readonly HistogramBins[])] : new Array<HistogramBins>(D).fill(bins as HistogramBins);
  if (perAxis.length !== D) throw new InvalidArgumentError(`${op}: ${perAxis.length} bins given for ${D} dimensions; give one count, or one count or edge list per dimension.`);
  if (options.range !== undefined && (!Array.isArray(options.range) || options.range.length !== D)) {
    throw new InvalidArgumentError(`${op}: range must list one [min, max] per dimension (${D}), got ${describe(options.range)}.`);
  }
  const columns = Array.from({ length: D }, (_, i) => reshape(take(s, [i], 1), [N]));
  const edges = columns.map((c, i) => axisEdges(op, c, perAxis[i]!, options.range?.[i], i));
  // numpy.histogramdd: a bin per interval plus an outlier bin at each end; the last edge belongs to the last bin.
  const nbin = edges.map((e) => e.size + 1);
  let flat: Tensor | number = 0;
  let stride = 1;
  for (let i = D - 1; i >= 0; i--) {
    const x = stopGradient(columns[i]!), e = edges[i]!;
    const last = reshape(slice(e, [e.size - 1], [1]), []);
    const k = sub(searchsorted(e, x, { side: 'right' }), equal(x, last));
    flat = add(flat, mul(k, stride));
    stride *= nbin[i]!;
  }
  let w: Tensor;
  if (options.weights === undefined) w = broadcastTo(1, [N]);
  else {
    w = asTensor(options.weights, op);
    if (w.ndim !== 1 || w.size !== N) throw new ShapeError(`${op}: weights of shape ${formatShape(w.shape)} must be [${N}], one per sample.`);
  }
  const counts = scatterAdd(zeros([stride]), N === 0 ? zeros([0]) : broadcastTo(flat, [N]), w, 0);
  let hist = slice(reshape(counts, nbin), nbin.map(() => 1), nbin.map((n) => n - 2));
  if (options.density === true) {
    const total = sum(hist);
    edges.forEach((e, i) => { hist = div(hist, reshape(diff(e), nbin.map((n, j) => (j === i ? n - 2 : 1)))); });
    hist = div(hist, total);
  } else if (options.density !== undefined && options.density !== false) {
    throw new InvalidArgumentError(`${op}: density must be true or false, got ${describe(options.density)}.`);
  }
  return [hist, edges];
}

/**
 * The 2-d histogram of the points (x[i], y[i]) (numpy.histogram2d): `bins` a count, a pair of
 * counts or edge lists, or one edge list for both; x along the first axis of the result. Returns
 * `[hist, xedges, yedges]` (a tensor of bins is the edges of both axes). Options as `histogramdd` (range as [[xmin, xmax], [ymin, ymax]]).
 * @example ad.histogram2d(ad.tensor([0, 1, 1]), ad.tensor([0, 1, 0.2]), 2)[0].toArray(); // => [[1, 0], [1, 1]]
 */
export function histogram2d(x: TensorLike, y: TensorLike, bins?: HistogramBins | readonly [HistogramBins, HistogramBins], options?: HistogramddOptions): [Tensor, Tensor, Tensor];
export function histogram2d(x: TensorLike, y: TensorLike, bins: HistogramBins | readonly [HistogramBins, HistogramBins] = 10, options: HistogramddOptions = {}, ...extra: unknown[]): [Tensor, Tensor, Tensor] {
  if (extra.length > 0) extraArguments('histogram2d', 'histogram2d(x, y, bins?, options?)', extra, options);
  const [tx, ty] = [asTensor(x, 'histogram2d'), asTensor(y, 'histogram2d')];
  if (tx.ndim !== 1 || ty.ndim !== 1 || tx.size !== ty.size) {
    throw new ShapeError(`histogram2d: x and y must be 1-d of one length, got shapes ${formatShape(tx.shape)} and ${formatShape(ty.shape)}.`);
  }
  // numpy.histogram2d: a list of two is [xbins, ybins]; a longer list (or a tensor) is the edges of both axes.
  const pair = Array.isArray(bins) && bins.length === 2 ? (bins as readonly HistogramBins[]) : null;
  const both = pair ?? [bins as HistogramBins, bins as HistogramBins];
  const [hist, [ex, ey]] = histogramGrid('histogram2d', stack([ravel(tx), ravel(ty)], 1), both, options) as [Tensor, [Tensor, Tensor]];
  return [hist, ex, ey];
}
