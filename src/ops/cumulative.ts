/**
 * @file Running reductions beside cumsum and cumprod — cummax, cummin (jax.lax.cummax/cummin) and
 * cumlogsumexp (jax.lax.cumlogsumexp: the log-semiring cumsum) — as composites, so every
 * transformation comes with them.
 */
import { normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, full, type TensorLike } from '../tensor/create.js';
import { div, equal, maximum, minimum, notEqual, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { concat, reshape, slice } from './shape.js';
import { cumsum } from './reduce.js';
import { flip } from './rearrange.js';
import { gather } from './gather.js';
import { logaddexp } from './logspace.js';
import { isfinite, isnan, logicalAnd } from './predicates.js';
import { flag, knownOptions } from './optionChecks.js';
import { extraArguments } from '../core/extraArguments.js';

/** Options of the running reductions. */
export interface CumulativeOptions {
  /** Run from the last entry back to the first (jax.lax's reverse; default false). */
  readonly reverse?: boolean | undefined;
}

function prepared(op: string, x: TensorLike, axis: number, options: CumulativeOptions) {
  const t = asTensor(x, op);
  const ax = normalizeAxis(axis, t.ndim, op);
  knownOptions(op, options, ['reverse'], '{ reverse: true }');
  const reverse = flag(op, 'reverse', options.reverse, false);
  // A reverse run is the forward run of the flipped tensor, flipped back.
  const run = (f: (u: Tensor) => Tensor) => (reverse ? flip(f(flip(t, ax)), ax) : f(t));
  return { t, ax, n: t.shape[ax]!, run };
}

/** y shifted `shift` places along `ax`: `fill` in the first `shift`, y's leading entries after. */
function shifted(y: Tensor, ax: number, shift: number, fill: number): Tensor {
  const n = y.shape[ax]!;
  const head = full(y.shape.map((d, i) => (i === ax ? Math.min(shift, n) : d)), fill);
  if (shift >= n) return head;
  return concat([head, slice(y, y.shape.map(() => 0), y.shape.map((d, i) => (i === ax ? n - shift : d)))], ax);
}

/**
 * An inclusive scan of an associative `combine` along `ax` by doubling (Hillis & Steele, "Data
 * parallel algorithms", 1986): ⌈log₂ n⌉ steps of y ← combine(y, y shifted by 2ᵏ), the shift
 * bringing in the identity. O(n log n) work, every step one op on the whole tensor.
 */
function doublingScan(u: Tensor, ax: number, combine: (a: Tensor, b: Tensor) => Tensor, identity: number): Tensor {
  let y = u;
  for (let shift = 1; shift < u.shape[ax]!; shift *= 2) y = combine(y, shifted(y, ax, shift, identity));
  return y;
}

/**
 * The running extremum m (a doubling scan of maximum or minimum, held constant), with max's
 * derivative added as a term of value 0: out[i] = m[i] + Σ (x[j] − x̄[j]) / kᵢ over the kᵢ
 * positions j ≤ i where x[j] = m[i] (x̄ the constant copy). Those positions are the ties of m's
 * current run (m only changes at a new record, and x[j] = m[i] ≥ m[j] ≥ x[j]), so the sum is a
 * cumsum minus its value before the run, gathered at the run's start. Each prefix's cotangent is
 * thus split equally among its tied extrema, as `max` splits it; O(n log n), not the n² of a
 * masked max per prefix.
 *
 * A non-finite extremum (±∞, or NaN, which `maximum` propagates as numpy does) cannot carry the
 * zero term (∞ − ∞ is NaN), so its prefixes take the mean of their tied entries instead:
 * out[i] = Σ x[j] / kᵢ over the kᵢ entries j ≤ i equal to m[i] (NaN: the NaN entries), exactly m[i]
 * (k copies of ±∞ sum to ±∞, of NaN to NaN) with the same equal shares as the derivative. m is
 * monotone and NaN absorbs, so each of +∞, −∞ and NaN is the extremum of at most one run: a plain
 * cumsum over the entries of that value is the run's sum, with no ∞ − ∞ between runs. So the
 * cotangent reaches an infinite extremum as torch.cummax's index does, and a NaN one as PyTorch's
 * NaN-propagating cummax does (JAX's balanced `max` rule gives NaN nothing: NaN ≠ NaN).
 */
function runningExtremum(op: 'cummax' | 'cummin', x: TensorLike, axis: number, options: CumulativeOptions): Tensor {
  const { t, ax, n, run } = prepared(op, x, axis, options);
  if (n === 0) return t;
  const [combine, identity] = op === 'cummax' ? [maximum, -Infinity] : [minimum, Infinity];
  return run((u) => {
    const fixed = stopGradient(u);
    const m = doublingScan(fixed, ax, combine, identity);
    const tie = logicalAnd(equal(fixed, m), isfinite(fixed)); // finite ties; non-finite extrema are handled below
    // Where each run of m starts (a new record, or position 0: NaN ≠ anything), by a running max of positions.
    const positions = reshape(arange(n), u.shape.map((d, i) => (i === ax ? d : 1)));
    const start = doublingScan(where(notEqual(m, shifted(m, ax, 1, NaN)), positions, 0), ax, maximum, 0);
    // A cumsum's value just before each run: the cumsum with a 0 put in front, at the run's start.
    const beforeRun = (c: Tensor) => gather(concat([zerosAlong(c, ax), c], ax), start, ax);
    const sums = cumsum(where(tie, sub(u, fixed), 0), ax);
    const counts = cumsum(tie, ax);
    // m − (before − sums)/k rather than m + (sums − before)/k: keeps m = −0 as −0 (−0 − 0 = −0).
    // A non-finite extremum has no finite tie: k = 0, read as 1 over a zero sum, then replaced below.
    const k = maximum(sub(counts, beforeRun(counts)), 1);
    let out = sub(m, div(sub(beforeRun(sums), sums), k));
    for (const value of [Infinity, -Infinity, NaN]) {
      const [entries, runs] = Number.isNaN(value) ? [isnan(fixed), isnan(m)] : [equal(fixed, value), equal(m, value)];
      const mean = div(cumsum(where(entries, u, 0), ax), maximum(cumsum(entries, ax), 1));
      out = where(runs, mean, out);
    }
    return out;
  });
}

/** A slice of zeros of length 1 along `ax`, to put before a cumulative sum (its value before position 0). */
function zerosAlong(c: Tensor, ax: number): Tensor { return full(c.shape.map((d, i) => (i === ax ? 1 : d)), 0); }

/**
 * The running maximum along `axis` (jax.lax.cummax, numpy.maximum.accumulate): out[i] = max of x[0..i]
 * (x[i..] with `reverse`). The gradient of each out[i] goes to the maxima of its prefix, split
 * equally among ties, as `max`; an infinite or NaN maximum gets it too (as torch.cummax's index).
 * @example ad.cummax(ad.tensor([1, 3, 2, 5, 4])).toArray(); // => [1, 3, 3, 5, 5]
 */
export function cummax(x: TensorLike, axis?: number, options?: CumulativeOptions): Tensor;
export function cummax(x: TensorLike, axis = 0, options: CumulativeOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cummax', 'cummax(x, axis?, options?)', extra, options);
  return runningExtremum('cummax', x, axis, options);
}

/**
 * The running minimum along `axis` (jax.lax.cummin, numpy.minimum.accumulate); as `cummax`.
 * @example ad.cummin(ad.tensor([3, 1, 2, 0]), 0, { reverse: true }).toArray(); // => [0, 0, 0, 0]
 */
export function cummin(x: TensorLike, axis?: number, options?: CumulativeOptions): Tensor;
export function cummin(x: TensorLike, axis = 0, options: CumulativeOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cummin', 'cummin(x, axis?, options?)', extra, options);
  return runningExtremum('cummin', x, axis, options);
}

/**
 * log Σ_{j ≤ i} exp(x[j]) along `axis` (jax.lax.cumlogsumexp): the cumulative sum of the log
 * semiring, without overflow or underflow — a doubling scan (Hillis & Steele 1986) of the stable
 * `logaddexp`, ⌈log₂ n⌉ steps of y ← logaddexp(y, y shifted by 2ᵏ), the shift bringing in −∞.
 * Its gradient is the softmax of each prefix; −∞ entries get none.
 * @example ad.cumlogsumexp(ad.tensor([0, 0, Math.log(2)])).toArray(); // => [0, Math.log(2), Math.log(4)]
 */
export function cumlogsumexp(x: TensorLike, axis?: number, options?: CumulativeOptions): Tensor;
export function cumlogsumexp(x: TensorLike, axis = 0, options: CumulativeOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('cumlogsumexp', 'cumlogsumexp(x, axis?, options?)', extra, options);
  const { ax, run } = prepared('cumlogsumexp', x, axis, options);
  return run((u) => doublingScan(u, ax, logaddexp, -Infinity));
}
