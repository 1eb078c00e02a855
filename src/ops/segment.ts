/**
 * @file Segment reductions as jax.ops names them (`segment_sum`, `segment_max`, `segment_min`,
 * `segment_prod`) and a `segmentMean`: data's rows (its leading axis) reduced by segment id, composed
 * from differentiable ops (scatter, gather, sort), so grad, jvp, vmap and jit apply, with ids given
 * as constants or traced.
 *
 * Ids outside [0, numSegments) are dropped, as JAX's (its scatter's FILL_OR_DROP mode, negatives
 * included): they are sent to one extra segment that is cut off at the end.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, full, ones, tensor, type TensorInput, type TensorLike, tensorArg } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { div, equal, greaterEqual, less, maximum, mul, sub } from './binary.js';
import { neg } from './unary.js';
import { logicalAnd, isfinite } from './predicates.js';
import { stopGradient, where } from './select.js';
import { broadcastTo, concat, reshape, slice } from './shape.js';
import { argsort } from './sort.js';
import { gatherAlong, scatterAddAlong, scatterAlong } from './gather.js';
import { checkableValues } from './statistics.js';
import { checkOptionKeys } from './poolShapes.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of the segment reductions. */
export interface SegmentOptions {
  /**
   * The number of segments, the result's leading length. Omitted: max(segmentIds) + 1, which needs
   * the ids' values (so it must be given when they are traced: under vmap, or as a jit argument).
   */
  readonly numSegments?: number | undefined;
  /**
   * The ids are sorted (non-decreasing), as JAX's hint: `segmentProd` then skips its sort. Checked
   * where the ids can be read; where they cannot, unsorted ids give unspecified products.
   */
  readonly indicesAreSorted?: boolean | undefined;
}

interface Segments {
  /** data, at least 1-d. */
  readonly x: Tensor;
  /** The ids [N], out-of-range ones replaced by `numSegments` (the dropped segment). */
  readonly ids: Tensor;
  /** The ids broadcast to x's shape (a scatter's or gather's indices). */
  readonly idx: Tensor;
  readonly numSegments: number;
  readonly sorted: boolean;
}

/** data and ids checked: ids one per row of data, whole numbers; the segment count known. */
function segments(op: string, data: TensorLike, segmentIds: TensorInput, options: SegmentOptions): Segments {
  checkOptionKeys(op, options, ['numSegments', 'indicesAreSorted']);
  const x = asTensor(data, op);
  const ids = segmentIds instanceof Tensor ? segmentIds : tensorArg(segmentIds, op);
  if (x.ndim === 0 || ids.ndim !== 1 || ids.shape[0] !== x.shape[0]) {
    throw new ShapeError(
      `${op}: segmentIds of shape ${formatShape(ids.shape)} must be 1-d with one id per row of data (shape ${formatShape(x.shape)}), ` +
        `i.e. [${x.ndim === 0 ? 'n' : x.shape[0]}]; segments run along data's leading axis (reshape data to [rows, …]).`,
    );
  }
  const values = checkableValues(ids);
  if (values !== null) {
    const bad = values.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0) {
      throw new InvalidArgumentError(`${op}: segment id ${values[bad]} at position ${bad} of segmentIds ${formatShape(ids.shape)} is not an integer; ids must be whole numbers (round them first).`);
    }
  }
  let numSegments = options.numSegments;
  if (numSegments === undefined) {
    if (values === null) {
      throw new InvalidArgumentError(`${op}: the segment ids are traced (under vmap, or a jit argument), so their maximum cannot set the output's length; pass { numSegments }.`);
    }
    numSegments = values.reduce((m, v) => Math.max(m, v + 1), 0);
  } else if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw new InvalidArgumentError(`${op}: numSegments must be a whole number ≥ 0, got ${describe(numSegments)}.`);
  }
  const sorted = options.indicesAreSorted ?? false;
  if (typeof sorted !== 'boolean') throw new InvalidArgumentError(`${op}: indicesAreSorted must be a boolean, got ${describe(sorted)}.`);
  if (sorted && values !== null && values.some((v, i) => i > 0 && v < values[i - 1]!)) {
    throw new InvalidArgumentError(`${op}: indicesAreSorted is true but segmentIds ${formatShape(ids.shape)} are not sorted (non-decreasing); sort them, or drop the hint.`);
  }
  const inRange = logicalAnd(greaterEqual(ids, 0), less(ids, numSegments));
  const mapped = where(inRange, ids, numSegments);
  const idx = broadcastTo(reshape(mapped, [x.shape[0]!, ...x.shape.slice(1).map(() => 1)]), x.shape);
  return { x, ids: mapped, idx, numSegments, sorted };
}

/** The first `numSegments` rows (the dropped segment cut off). */
function kept(y: Tensor, numSegments: number): Tensor {
  return slice(y, [0, ...y.shape.slice(1).map(() => 0)], [numSegments, ...y.shape.slice(1)]);
}

/** Σ of `values` (shaped as x) per segment, the dropped segment included as the last row. */
function sumWithDropped(s: Segments, values: Tensor, op: string): Tensor {
  return scatterAddAlong(values, s.idx, 0, s.numSegments + 1, op);
}

/**
 * The sum of data's rows per segment (`jax.ops.segment_sum`): out[s] = Σ_{i: ids[i] = s} data[i], of
 * shape [numSegments, ...data.shape[1:]]; an empty segment sums to 0, and ids outside
 * [0, numSegments) are dropped. Linear in data: its gradient gathers the cotangent back.
 * @example
 * ad.segmentSum(ad.tensor([1, 2, 3, 4]), [0, 0, 2, 5], { numSegments: 3 }).toArray(); // => [3, 0, 3]
 */
export function segmentSum(data: TensorLike, segmentIds: TensorInput, options?: SegmentOptions): Tensor;
export function segmentSum(data: TensorLike, segmentIds: TensorInput, options: SegmentOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('segmentSum', 'segmentSum(data, segmentIds, options?)', extra, options);
  const s = segments('segmentSum', data, segmentIds, options);
  return kept(sumWithDropped(s, s.x, 'segmentSum'), s.numSegments);
}

/**
 * The mean of data's rows per segment: segmentSum / the segment's row count, 0 for an empty segment
 * (as torch_scatter's `scatter_mean`; jax.ops has no mean). Ids as `segmentSum`.
 * @example
 * ad.segmentMean(ad.tensor([1, 2, 3, 4]), [0, 0, 2, 2], { numSegments: 3 }).toArray(); // => [1.5, 0, 3.5]
 */
export function segmentMean(data: TensorLike, segmentIds: TensorInput, options?: SegmentOptions): Tensor;
export function segmentMean(data: TensorLike, segmentIds: TensorInput, options: SegmentOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('segmentMean', 'segmentMean(data, segmentIds, options?)', extra, options);
  const s = segments('segmentMean', data, segmentIds, options);
  const count = sumWithDropped(s, broadcastTo(ones([s.x.shape[0]!, ...s.x.shape.slice(1).map(() => 1)]), s.x.shape), 'segmentMean');
  return kept(div(sumWithDropped(s, s.x, 'segmentMean'), maximum(count, 1)), s.numSegments);
}

/**
 * Per segment and column, the maximum (dropped segment last): the forward value by sorting each column
 * and letting the last (largest) write of a scatter win; the gradient by the tie rule on top.
 */
function extremum(s: Segments, op: string): Tensor {
  const { x, idx } = s;
  const rest = x.shape.slice(1);
  const order = argsort(x, 0); // ascending per column, NaN last (so a NaN wins, as max propagates it)
  const empty = full([s.numSegments + 1, ...rest], -Infinity);
  const best = stopGradient(scatterAlong(empty, gatherAlong(x, order, 0, op), gatherAlong(idx, order, 0, op), 0, op));
  // Ties split the cotangent equally (jax.lax.scatter_max's JVP averages the tangents of the
  // updates equal to the result; adjoint's max does the same): weight 1/k on each of k maxima.
  const sx = stopGradient(x);
  const hits = equal(sx, gatherAlong(best, idx, 0, op));
  const count = sumWithDropped(s, hits, op);
  const weight = where(hits, div(1, maximum(gatherAlong(count, idx, 0, op), 1)), 0);
  // best − Σ weight·(sg(x) − x): the value is best's bits (the sum is +0, and b − (+0) keeps a −0),
  // the derivative Σ weight·dx. An infinite entry would make sg(x) − x NaN, so it passes no gradient.
  const delta = where(isfinite(sx), sub(sx, x), 0);
  return kept(sub(best, sumWithDropped(s, mul(weight, delta), op)), s.numSegments);
}

/**
 * The maximum of data's rows per segment (`jax.ops.segment_max`), columnwise: −∞ for an empty segment;
 * ids outside [0, numSegments) dropped; NaN propagates. The gradient goes to the maxima, split
 * equally among tied ones (JAX's scatter-max rule, and `ad.max`'s); an entry of ±∞ passes none.
 * @example
 * ad.segmentMax(ad.tensor([1, 5, 3, 4]), [0, 0, 2, 2], { numSegments: 3 }).toArray(); // => [5, -Infinity, 4]
 */
export function segmentMax(data: TensorLike, segmentIds: TensorInput, options?: SegmentOptions): Tensor;
export function segmentMax(data: TensorLike, segmentIds: TensorInput, options: SegmentOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('segmentMax', 'segmentMax(data, segmentIds, options?)', extra, options);
  return extremum(segments('segmentMax', data, segmentIds, options), 'segmentMax');
}

/**
 * The minimum of data's rows per segment (`jax.ops.segment_min`): −segmentMax(−data), so +∞ for an
 * empty segment, and the same gradient rule.
 * @example
 * ad.segmentMin(ad.tensor([1, 5, 3, 4]), [0, 0, 2, 2], { numSegments: 3 }).toArray(); // => [1, Infinity, 3]
 */
export function segmentMin(data: TensorLike, segmentIds: TensorInput, options?: SegmentOptions): Tensor;
export function segmentMin(data: TensorLike, segmentIds: TensorInput, options: SegmentOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('segmentMin', 'segmentMin(data, segmentIds, options?)', extra, options);
  const s = segments('segmentMin', data, segmentIds, options);
  return neg(extremum({ ...s, x: neg(s.x) }, 'segmentMin'));
}

/**
 * The product of data's rows per segment (`jax.ops.segment_prod`): 1 for an empty segment; ids outside
 * [0, numSegments) dropped. The rows are sorted by id (unless `indicesAreSorted`), then an inclusive
 * segmented prefix product by ⌈log₂ n⌉ doubling steps of multiplications only, so the gradient is
 * exact with any number of zeros and correct to every order (JAX differentiates segment_prod only with
 * unique ids). Costs O(n log n) time and memory for the gradient.
 * @example
 * ad.segmentProd(ad.tensor([2, 3, 0, 4]), [0, 0, 2, 2], { numSegments: 3 }).toArray(); // => [6, 1, 0]
 * ad.grad((x) => ad.sum(ad.segmentProd(x, [0, 0, 0], { numSegments: 1 })))(ad.tensor([2, 0, 5])).toArray(); // => [0, 10, 0]
 */
export function segmentProd(data: TensorLike, segmentIds: TensorInput, options?: SegmentOptions): Tensor;
export function segmentProd(data: TensorLike, segmentIds: TensorInput, options: SegmentOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('segmentProd', 'segmentProd(data, segmentIds, options?)', extra, options);
  const op = 'segmentProd';
  const s = segments(op, data, segmentIds, options);
  const { x } = s, n = x.shape[0]!, rest = x.shape.slice(1);
  if (n === 0) return ones([s.numSegments, ...rest]);
  const lane = (t: Tensor) => broadcastTo(reshape(t, [t.size, ...rest.map(() => 1)]), [t.size, ...rest]);
  const order = s.sorted ? null : argsort(s.ids, 0);
  const ids = order === null ? s.ids : gatherAlong(s.ids, order, 0, op);
  let v = order === null ? x : gatherAlong(x, lane(order), 0, op);
  const rows = (t: Tensor, from: number, count: number) => slice(t, [from, ...rest.map(() => 0)], [count, ...rest]);
  for (let d = 1; d < n; d *= 2) {
    // v[i] holds the product over (i − d, i] within i's segment; extend it to (i − 2d, i].
    const same = lane(equal(slice(ids, [d], [n - d]), slice(ids, [0], [n - d])));
    const tail = rows(v, d, n - d);
    v = concat([rows(v, 0, d), where(same, mul(tail, rows(v, 0, n - d)), tail)], 0);
  }
  // Each segment's product sits at its last row: the largest position written for its id.
  const last = scatterAlong(full([s.numSegments + 1], -1), arange(n), ids, 0, op);
  const at = broadcastTo(reshape(maximum(last, 0), [s.numSegments + 1, ...rest.map(() => 1)]), [s.numSegments + 1, ...rest]);
  const present = broadcastTo(reshape(greaterEqual(last, 0), [s.numSegments + 1, ...rest.map(() => 1)]), [s.numSegments + 1, ...rest]);
  return kept(where(present, gatherAlong(v, at, 0, op), 1), s.numSegments);
}

