/**
 * @file Running reductions beside cumsum and cumprod — cummax, cummin (jax.lax.cummax/cummin) and
 * cumlogsumexp (jax.lax.cumlogsumexp: the log-semiring cumsum) — as composites, so every
 * transformation comes with them.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, full, tensor, type TensorLike } from '../tensor/create.js';
import { where } from './select.js';
import { concat, expandDims } from './shape.js';
import { max, min } from './reduce.js';
import { flip } from './rearrange.js';
import { logaddexp } from './logspace.js';
import { moveaxis } from './layout.js';
import { slice } from './shape.js';

/** Options of the running reductions. */
export interface CumulativeOptions {
  /** Run from the last entry back to the first (jax.lax's reverse; default false). */
  readonly reverse?: boolean | undefined;
}

function prepared(op: string, x: TensorLike, axis: number, options: CumulativeOptions) {
  const t = asTensor(x, op);
  const ax = normalizeAxis(axis, t.ndim, op);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidArgumentError(`${op}: options must be an object like { reverse: true }, got ${describe(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (key !== 'reverse') throw new InvalidArgumentError(`${op}: unknown option '${key}'; the one option is { reverse: boolean }.`);
  }
  const { reverse = false } = options;
  if (typeof reverse !== 'boolean') throw new InvalidArgumentError(`${op}: reverse must be true or false, got ${describe(reverse)}.`);
  // A reverse run is the forward run of the flipped tensor, flipped back.
  const run = (f: (u: Tensor) => Tensor) => (reverse ? flip(f(flip(t, ax)), ax) : f(t));
  return { t, ax, n: t.shape[ax]!, run };
}

/**
 * The running extremum as a max over the lower triangle: out[i] = max_{j ≤ i} x[j], the entries
 * after i masked to the identity. Each prefix is one `max`, so its gradient is max's — split
 * equally among the prefix's tied maxima — and NaN propagates as max's does. It costs n² per lane
 * (memory and time): fine for the few thousand entries of a sequence, a loop for much longer ones.
 */
function runningExtremum(op: 'cummax' | 'cummin', x: TensorLike, axis: number, options: CumulativeOptions): Tensor {
  const { t, ax, n, run } = prepared(op, x, axis, options);
  if (n === 0) return t;
  const identity = op === 'cummax' ? -Infinity : Infinity;
  const lower = tensor(Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (j <= i ? 1 : 0))));
  return run((u) => {
    const last = moveaxis(u, ax, -1); // [..., n]
    const triangle = where(lower, expandDims(last, -2), identity); // [..., i, j]
    return moveaxis((op === 'cummax' ? max : min)(triangle, -1), -1, ax);
  });
}

/**
 * The running maximum along `axis` (jax.lax.cummax, numpy.maximum.accumulate): out[i] = max of x[0..i]
 * (x[i..] with `reverse`). The gradient of each out[i] goes to the maxima of its prefix, split
 * equally among ties, as `max`. Costs O(n²) per lane.
 * @example ad.cummax(ad.tensor([1, 3, 2, 5, 4])).toArray(); // => [1, 3, 3, 5, 5]
 */
export function cummax(x: TensorLike, axis = 0, options: CumulativeOptions = {}): Tensor {
  return runningExtremum('cummax', x, axis, options);
}

/**
 * The running minimum along `axis` (jax.lax.cummin, numpy.minimum.accumulate); as `cummax`.
 * @example ad.cummin(ad.tensor([3, 1, 2, 0]), 0, { reverse: true }).toArray(); // => [0, 0, 0, 0]
 */
export function cummin(x: TensorLike, axis = 0, options: CumulativeOptions = {}): Tensor {
  return runningExtremum('cummin', x, axis, options);
}

/**
 * log Σ_{j ≤ i} exp(x[j]) along `axis` (jax.lax.cumlogsumexp): the cumulative sum of the log
 * semiring, without overflow or underflow — a doubling scan (Hillis & Steele 1986) of the stable
 * `logaddexp`, ⌈log₂ n⌉ steps of y ← logaddexp(y, y shifted by 2ᵏ), the shift bringing in −∞.
 * Its gradient is the softmax of each prefix; −∞ entries get none.
 * @example ad.cumlogsumexp(ad.tensor([0, 0, Math.log(2)])).toArray(); // => [0, Math.log(2), Math.log(4)]
 */
export function cumlogsumexp(x: TensorLike, axis = 0, options: CumulativeOptions = {}): Tensor {
  const { t, ax, n, run } = prepared('cumlogsumexp', x, axis, options);
  return run((u) => {
    let y = u;
    for (let shift = 1; shift < n; shift *= 2) {
      const head = full(t.shape.map((d, i) => (i === ax ? shift : d)), -Infinity);
      const kept = slice(y, t.shape.map(() => 0), t.shape.map((d, i) => (i === ax ? n - shift : d)));
      y = logaddexp(y, concat([head, kept], ax));
    }
    return y;
  });
}
