/**
 * @file `choice(key, a, shape?, { replace, p, axis })`, as JAX's `random.choice`: draws from
 * 0 … n − 1 (a number a = n) or from a tensor's slices along `axis`. With replacement and no p,
 * `randint`; without, the first draws of a `permutation`; with weights p and replacement, the
 * inverse CDF (searchsorted of total·(1 − u) in cumsum(p)); with p and without, the Gumbel top-k
 * trick (the n smallest −gumbel − log p). A tensor `a` is read with `take`, so the result is
 * differentiable in `a` (not in p: the draws jump).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { reshape, take } from '../ops/shape.js';
import { asTensor } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { checkedSize } from '../tensor/checks.js';
import { formatShape, normalizeAxis, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../transforms/loopArgs.js';
import { standardGumbel, unitSample, type KeyLike } from './continuous.js';
import { randint } from './discrete.js';
import { toKey } from './key.js';
import { shuffledOrder } from './permutation.js';
import { constant, eachExample, isBatched, keyed } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

export interface ChoiceOptions {
  /** Draw with replacement (default true, as JAX's). */
  replace?: boolean | undefined;
  /** Weights of the n entries (shape [n], ≥ 0, not all 0); the draws have probabilities p/Σp. Default uniform. */
  p?: Tensor | undefined;
  /** The axis of a tensor `a` whose slices are drawn (default 0). */
  axis?: number | undefined;
}

/** The weights' values, checked: shape [n], finite, ≥ 0, a positive sum, and (without replacement) at least `draws` positive. */
function weights(op: string, p: unknown, n: number, draws: number, replace: boolean): Float64Array {
  if (!(p instanceof Tensor)) throw new InvalidArgumentError(`${op}: p must be a tensor of ${n} weights, got ${describe(p)}; pass ad.tensor([...]).`);
  if (p.ndim !== 1 || p.shape[0] !== n) {
    throw new ShapeError(`${op}: p must have shape [${n}] (one weight per entry of a), got ${formatShape(p.shape)}; pass one weight per entry.`);
  }
  const v = p.values.slice();
  if (!v.every((w) => w >= 0 && w < Infinity)) throw new InvalidArgumentError(`${op}: p must be finite and ≥ 0, got ${Array.from(v).join(', ')}; pass probabilities or weights.`);
  const positive = v.filter((w) => w > 0).length;
  if (positive === 0) throw new InvalidArgumentError(`${op}: p is all 0, so nothing can be drawn; give some entry a positive weight.`);
  if (!replace && positive < draws) {
    throw new InvalidArgumentError(
      `${op}: ${draws} draws without replacement need at least ${draws} entries of positive p, got ${positive}; draw fewer, or pass replace: true.`,
    );
  }
  return v;
}

/** Indices in [0, n) drawn with probabilities p/Σp, with replacement: the first i with cumsum(p)[i] ≥ total·(1 − u). */
function weightedWithReplacement(op: string, k: KeyLike, p: Float64Array, draws: number): Float64Array {
  const cumulative = new Float64Array(p.length);
  // Finite weights whose sum overflows (three of 1e308) are scaled by 2⁻⁶⁴ first (the same
  // probabilities); an ∞ total would send every draw to the first entry whose running sum is ∞.
  const scale = p.reduce((s, w) => s + w, 0) < Infinity ? 1 : 2 ** -64;
  for (let i = 0, s = 0; i < p.length; i++) cumulative[i] = s += p[i]! * scale;
  const total = cumulative[p.length - 1]!;
  const u = unitSample(op, k, [draws]);
  const out = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    const r = total * (1 - u[d]!);
    // searchsorted(cumulative, r, side = 'left') by bisection: the first index whose value is ≥ r.
    let lo = 0, hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    out[d] = Math.min(lo, p.length - 1);
  }
  return out;
}

/** Indices of `draws` distinct entries drawn with probabilities ∝ p (Gumbel top-k): the smallest −gumbel − log p, by a stable argsort. */
function weightedWithoutReplacement(op: string, k: KeyLike, p: Float64Array, draws: number): Float64Array {
  const g = standardGumbel(op, k, [p.length]);
  for (let i = 0; i < g.length; i++) g[i] = -g[i]! - Math.log(p[i]!);
  const order = Array.from({ length: p.length }, (_, i) => i).sort((x, y) => g[x]! - g[y]! || x - y);
  return Float64Array.from(order.slice(0, draws));
}

/**
 * Random draws from 0 … n − 1 (a number `a` = n) or from the slices of tensor `a` along
 * `options.axis`, as JAX's `random.choice`: `shape` draws (default one, shape []), with
 * replacement unless `replace: false`, uniformly or with weights `p`. The result has shape `shape`
 * for a number, and a's shape with `axis` replaced by `shape` for a tensor (differentiable in `a`).
 * @example ad.random.choice(ad.random.key(0), 5, [3], { replace: false }).shape // [3]
 */
export function choice(k: KeyLike, a: number | Tensor, shape?: Shape, options?: ChoiceOptions): Tensor;
export function choice(k: KeyLike, a: number | Tensor, shape: Shape = [], options: ChoiceOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.choice', 'random.choice(k, a, shape?, options?)', extra, options);
  if (k instanceof Tensor) return keyed('random.choice', k, [a, options.p] as const, (key, [a, p]) => choice(key, a, shape, { ...options, p }));
  const op = 'random.choice';
  const key = toKey(k, op);
  checkOptions(options, op, ['replace', 'p', 'axis']);
  if (options.p instanceof Tensor && isBatched([constant(options.p)])) {
    // The weights are read: under vmap, once per example (a, differentiable, taken along).
    const inputs = typeof a === 'number' ? [constant(options.p)] : [constant(options.p), asTensor(a, op)];
    return eachExample(inputs, ([p, x]) => choice(key, x ?? a, shape, { ...options, p: p! }));
  }
  const replace = options.replace ?? true;
  if (typeof replace !== 'boolean') throw new InvalidArgumentError(`${op}: replace must be true or false, got ${describe(replace)}.`);
  const draws = checkedSize(op, shape);
  let n: number, arr: Tensor | null = null, axis = 0;
  if (typeof a === 'number') {
    if (!Number.isInteger(a) || a < 0) throw new InvalidArgumentError(`${op}: a must be a non-negative integer n (draws from 0 … n − 1) or a tensor, got ${a}; pass a count or ad.tensor(values).`);
    n = a;
  } else {
    arr = asTensor(a, op);
    if (arr.ndim === 0) throw new ShapeError(`${op}: a is a scalar tensor; pass a tensor with at least one axis, or an integer n for draws from 0 … n − 1.`);
    axis = normalizeAxis(options.axis ?? 0, arr.ndim, op);
    n = arr.shape[axis]!;
  }
  const outShape = arr === null ? [...shape] : [...arr.shape.slice(0, axis), ...shape, ...arr.shape.slice(axis + 1)];
  if (draws > 0 && n === 0) throw new InvalidArgumentError(`${op}: there is nothing to draw from (n = 0) for ${draws} draws; pass a non-empty a, or shape with a 0.`);
  if (!replace && draws > n) {
    throw new InvalidArgumentError(`${op}: cannot draw ${draws} (shape ${formatShape(shape)}) from ${n} without replacement; draw at most ${n}, or pass replace: true.`);
  }
  let index: Float64Array;
  if (draws === 0) index = new Float64Array(0);
  else if (options.p === undefined) {
    index = replace ? randint(key, [draws], 0, n).values.slice() : shuffledOrder(op, key, n).subarray(0, draws);
  } else {
    const p = weights(op, options.p, n, draws, replace);
    index = replace ? weightedWithReplacement(op, key, p, draws) : weightedWithoutReplacement(op, key, p, draws);
  }
  if (arr === null) return new Tensor(Float64Array.from(index), outShape);
  return reshape(take(arr, new Tensor(Float64Array.from(index), [draws]), axis), outShape);
}
