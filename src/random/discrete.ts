/**
 * @file Keyed discrete samplers, as jax.random's in 64-bit mode: `bits`, `bernoulli`,
 * `categorical` (Gumbel-max) and `randint`. Results are float64 tensors of integer values (the
 * library's one dtype); none is differentiable: their values do not move smoothly with parameters.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { add, equal, less, sub } from '../ops/binary.js';
import { max } from '../ops/reduce.js';
import { where } from '../ops/select.js';
import { maxIndex, topk } from '../ops/sort.js';
import { moveaxis } from '../ops/layout.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import { isfinite } from '../ops/predicates.js';
import { isTraced } from '../tensor/checks.js';
import { checkArgumentValues } from '../ops/argumentChecks.js';
import { asTensor, tensor, type TensorLike } from '../tensor/create.js';
import { describe } from '../tensor/describe.js';
import { broadcastStrides, checkShape, formatShape, normalizeAxis, stridesOf, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkOptions } from '../transforms/loopArgs.js';
import { noiseTensor, toGumbel, unitNoise, type KeyLike } from './continuous.js';
import { Key, split } from './key.js';
import { noise } from './keyPrimitives.js';
import { broadcastsTo, checkParam, param, sampleSize, optionalShape } from './params.js';
import { hashCounts, words64 } from './threefry.js';
import { constant, eachExample, isBatched, keyed } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * Uniform 32-bit unsigned integers (JAX's `random.bits` with dtype uint32), as exact float64 values.
 * @example ad.random.bits(ad.random.key(1701), [3]) // => [56197195, 4200222568, 961309823]
 */
export function bits(k: KeyLike, shape?: Shape): Tensor;
export function bits(k: KeyLike, shape: Shape = [], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.bits', 'random.bits(k, shape?)', extra, shape);
  return noiseTensor(noise('random.bits', k, shape, 1, (k0, k1, n) => Float64Array.from(hashCounts(k0, k1, n, null))), shape);
}

/**
 * 1 with probability p, else 0 (JAX's `random.bernoulli`: uniform < p). `p` is a number or a
 * tensor; the shape defaults to p's.
 * @example ad.random.bernoulli(ad.random.key(0), 0.5, [4]).shape // [4]
 */
export function bernoulli(k: KeyLike, p?: TensorLike, shape?: Shape): Tensor;
export function bernoulli(k: KeyLike, p: TensorLike = 0.5, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.bernoulli', 'random.bernoulli(k, p?, shape?)', extra, shape);
  const op = 'random.bernoulli';
  const sampleShape = optionalShape(op, shape) ?? (p instanceof Tensor ? p.shape : []);
  const u = noiseTensor(unitNoise(op, k, sampleShape), sampleShape);
  const prob = param(op, 'p', p, sampleShape);
  checkParam(prob, (values) => {
    if (Array.from(values).every((v) => v >= 0 && v <= 1)) return;
    throw new InvalidArgumentError(`${op}: p must be a probability in [0, 1]${typeof prob === 'number' ? `, got ${prob}` : ' everywhere'}; for log-odds use ad.sigmoid(logits).`);
  });
  return less(u, prob);
}

export interface CategoricalOptions {
  /** The axis of `logits` that indexes the categories (default −1). */
  axis?: number | undefined;
  /** The sample's shape: it must end with (broadcast to) logits' shape without `axis`; default that shape. */
  shape?: Shape | undefined;
  /**
   * Draw with replacement (default true, as JAX's). false: the draws of each batch entry are distinct
   * categories (the Gumbel top-k trick); `shape` is then [...draws, ...batch] with logits' batch shape exactly.
   */
  replace?: boolean | undefined;
}

/**
 * Category indices drawn with probabilities softmax(logits) along `axis` (JAX's
 * `random.categorical`): argmax(logits + Gumbel noise), the Gumbel-max trick, with each row's
 * largest finite logit subtracted first (exact for logits of any size). Logits of −Infinity are never drawn.
 * With `{ replace: false }` the draws of each batch entry are distinct categories (JAX's replace=False).
 * @example ad.random.categorical(ad.random.key(0), ad.tensor([0, -Infinity, -Infinity])) // => 0
 */
export function categorical(k: KeyLike, logits: TensorLike, options?: CategoricalOptions): Tensor;
export function categorical(k: KeyLike, logits: TensorLike, options: CategoricalOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.categorical', 'random.categorical(k, logits, options?)', extra, options);
  if (k instanceof Tensor) return keyed('random.categorical', k, [logits] as const, (key, [logits]) => categorical(key, logits, options));
  const op = 'random.categorical';
  const l = constant(asTensor(logits, op));
  if (isBatched([l])) return eachExample([l], ([plain]) => categorical(k, plain!, options));
  checkOptions(options, op, ['axis', 'shape', 'replace']); // a misspelt axis would draw along the last one
  const replace = options.replace ?? true;
  if (typeof replace !== 'boolean') throw new InvalidArgumentError(`${op}: replace must be true or false, got ${describe(replace)}.`);
  if (l.ndim === 0) throw new ShapeError(`${op}: logits must have at least one axis (the categories), got a scalar; pass e.g. ad.tensor([0.1, 2, -1]).`);
  const axis = normalizeAxis(options.axis ?? -1, l.ndim, op);
  const K = l.shape[axis]!;
  if (K === 0) throw new ShapeError(`${op}: logits have no categories along axis ${axis} (shape ${formatShape(l.shape)}); pass at least one.`);
  // Under jit a guard each replay runs again (ops/argumentChecks.ts), so a step that samples replays.
  checkArgumentValues(l, (v) => checkLogits(v, l.shape, axis, op));
  const batch = l.shape.filter((_, i) => i !== axis);
  const shape = options.shape ?? batch;
  sampleSize(op, shape, 2);
  if (!replace) return withoutReplacement(op, k, l, axis, batch, shape);
  if (!broadcastsTo(batch, shape)) {
    throw new ShapeError(
      `${op}: shape ${formatShape(shape)} must end with logits' batch shape ${formatShape(batch)} (logits ${formatShape(l.shape)} ` +
        `without axis ${axis}) or broadcast it; pass e.g. [n, ${batch.join(', ')}] for n draws.`,
    );
  }
  // The noise has the sample's shape with the categories' axis put back where logits have it.
  const prefix = shape.length - batch.length;
  const noiseShape = [...shape.slice(0, prefix), ...shape.slice(prefix, prefix + axis), K, ...shape.slice(prefix + axis)];
  const noise = unitNoise(op, k, noiseShape, toGumbel);
  const noiseAxis = prefix + axis;
  // The row's largest finite logit m is subtracted first (softmax and the argmax's law do not
  // change; l − m is exact near m, Sterbenz): JAX adds the noise to the logits as given, and where
  // their spacing passes the noise's resolution the sum rounds to ties that the argmax gives to the
  // first (logits [1e16, 1e16] drew category 1 27 % of the time, [1e17, 1e17] never).
  if (noise instanceof Tensor || isTraced(l)) {
    // A key or logits traced by a transformation (jit): the same arithmetic as ops, the first maximum as jnp.argmax.
    const finiteMax = max(where(isfinite(l), l, -Infinity), axis, true);
    const m = where(equal(finiteMax, -Infinity), 0, finiteMax); // no finite logit: a row of −Infinity and one +Infinity
    return maxIndex(add(noiseTensor(noise, noiseShape), sub(l, m)), noiseAxis);
  }
  const logitStrides = broadcastStrides(l.shape, noiseShape), strides = stridesOf(noiseShape);
  const lv = l.values, out = new Float64Array(noise.length / K);
  const inner = strides[noiseAxis]!, step = logitStrides[noiseAxis]!;
  for (let o = 0; o < out.length; o++) {
    const outer = Math.floor(o / inner), within = o - outer * inner;
    const base = outer * K * inner + within;
    let li = 0; // logits' offset of noise element `base`
    for (let d = 0, rest = base; d < noiseShape.length; d++) {
      const idx = Math.floor(rest / strides[d]!);
      rest -= idx * strides[d]!;
      li += idx * logitStrides[d]!;
    }
    let m = -Infinity;
    for (let c = 0; c < K; c++) {
      const x = lv[li + c * step]!;
      if (x > m && x < Infinity) m = x;
    }
    if (m === -Infinity) m = 0; // no finite logit: a row of −Infinity and one +Infinity
    // argmax as jnp.argmax: the first maximum (checkLogits ruled out NaN).
    let best = 0, bestValue = -Infinity;
    for (let c = 0; c < K; c++) {
      const v = noise[base + c * inner]! + (lv[li + c * step]! - m);
      if (v > bestValue) [best, bestValue] = [c, v];
    }
    out[o] = best;
  }
  return new Tensor(out, [...shape]);
}

/**
 * `categorical` with replace = false, as JAX's: Gumbel noise of logits' shape added to logits − m
 * (m each row's largest finite logit, as above), and the draws of a batch entry the indices of its
 * k largest sums, largest first (`lax.top_k`, ties to the lower index), k = the number of draws
 * (the product of `shape` before the batch axes): the Gumbel top-k trick, k categories without
 * replacement with the probabilities of successive softmax draws. A row with fewer than k categories
 * of logit above −∞ is refused (JAX would return excluded categories).
 */
function withoutReplacement(op: string, k: KeyLike, l: Tensor, axis: number, batch: Shape, shape: Shape): Tensor {
  const lead = shape.length - batch.length;
  if (lead < 0 || batch.some((d, i) => d !== shape[lead + i])) {
    throw new ShapeError(
      `${op}: without replacement, shape must be [...draws, ...batch] with logits' batch shape ${formatShape(batch)} exactly ` +
        `(logits ${formatShape(l.shape)} without axis ${axis}), got ${formatShape(shape)}; pass e.g. [3, ${batch.join(', ')}] for 3 distinct draws per entry.`.replace(', ]', ']'),
    );
  }
  const draws = shape.slice(0, lead).reduce((a, b) => a * b, 1), K = l.shape[axis]!;
  if (draws > K) {
    throw new InvalidArgumentError(`${op}: cannot draw ${draws} categories (shape ${formatShape(shape)}) without replacement from ${K}; draw at most ${K}, or pass replace: true.`);
  }
  checkArgumentValues(l, (v) => {
    const inner = stridesOf(l.shape)[axis]!;
    for (let r = 0; r < v.length / K; r++) {
      const base = Math.floor(r / inner) * K * inner + (r % inner);
      let possible = 0;
      for (let c = 0; c < K; c++) if (v[base + c * inner]! > -Infinity) possible++;
      if (possible < draws) {
        throw new InvalidArgumentError(
          `${op}: ${draws} draws without replacement need ${draws} categories of logit above −Infinity in every row, but row ${r} of logits ` +
            `(shape ${formatShape(l.shape)}, axis ${axis}) has ${possible}; draw fewer, or pass replace: true.`,
        );
      }
    }
  });
  const g = noiseTensor(unitNoise(op, k, l.shape, toGumbel), l.shape);
  const finiteMax = max(where(isfinite(l), l, -Infinity), axis, true);
  const m = where(equal(finiteMax, -Infinity), 0, finiteMax);
  const { indices } = topk(add(g, sub(l, m)), draws, axis);
  return reshape(moveaxis(indices, axis, 0), [...shape]);
}

/**
 * Throws for logits that define no distribution: a NaN anywhere, a row (along `axis`) of only
 * −Infinity, or one with two +Infinity (softmax 0/0 or ∞/∞; the argmax would silently say the
 * first such category). A single +Infinity is a certain category. One pass over the logits.
 */
function checkLogits(v: Float64Array, shape: Shape, axis: number, op: string): void {
  const K = shape[axis]!, inner = stridesOf(shape)[axis]!;
  const nan = v.findIndex((x) => Number.isNaN(x));
  if (nan >= 0) throw new InvalidArgumentError(`${op}: logits of shape ${formatShape(shape)} have a NaN at flat index ${nan}; pass finite logits or −Infinity for an excluded category.`);
  for (let r = 0; r < v.length / K; r++) {
    const base = Math.floor(r / inner) * K * inner + (r % inner);
    let excluded = 0, certain = 0;
    for (let c = 0; c < K; c++) {
      const x = v[base + c * inner]!;
      if (x === -Infinity) excluded++;
      else if (x === Infinity) certain++;
    }
    if (excluded === K || certain > 1) {
      const what = excluded === K ? 'every logit is −Infinity, so no category can be drawn' : `${certain} logits are +Infinity, so softmax is ∞/∞`;
      throw new InvalidArgumentError(
        `${op}: in row ${r} of logits ${formatShape(shape)} (along axis ${axis}) ${what}; pass finite logits, −Infinity to exclude a category, or one +Infinity for a certain one.`,
      );
    }
  }
}

/** Whether spans up to this keep randint's arithmetic exact in doubles: (h mod s)·(2^64 mod s) < 2^52. */
const EXACT_SPAN = 2 ** 26;

/**
 * Uniform integers in [low, high) (JAX's `random.randint` with int64, x64 mode): two 64-bit
 * streams from `split(key)`, combined modulo high − low as JAX does to reduce the modulo bias.
 * `low` and `high` may be arrays or tensors broadcasting to `shape` (JAX's array minval/maxval),
 * each entry drawn in its own range from the same bits.
 * @example ad.random.randint(ad.random.key(0), [3, 3], 0, 8) // => [[7, 2, 6], [2, 1, 0], [6, 7, 7]]
 */
export function randint(k: KeyLike, shape: Shape, low: number | readonly unknown[] | Tensor, high: number | readonly unknown[] | Tensor): Tensor;
export function randint(k: KeyLike, shape: Shape, low: number | readonly unknown[] | Tensor, high: number | readonly unknown[] | Tensor, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.randint', 'random.randint(k, shape, low, high)', extra, high);
  const op = 'random.randint';
  checkShape(shape, op);
  if (low === undefined || high === undefined) {
    throw new InvalidArgumentError(`${op}: low and high are required (integers are drawn in [low, high)), got ${describe(low)} and ${describe(high)}; e.g. random.randint(key, [3], 0, 10).`);
  }
  if (typeof low !== 'number' || typeof high !== 'number') {
    const [lows, spans] = boundsAlong(op, shape, low, high);
    return noiseTensor(noise(op, k, shape, 2, (w0, w1, n) => randintWords(w0, w1, n, lows, spans)), shape);
  }
  checkBound(op, 'low', low);
  checkBound(op, 'high', high);
  const span = checkSpan(op, low, high, '');
  return noiseTensor(noise(op, k, shape, 2, (w0, w1, n) => randintWords(w0, w1, n, low, span)), shape);
}

/** randint's bound checked: a whole number within ±2^53. */
function checkBound(op: string, name: string, v: unknown): void {
  // ±2^53 included: high = 2^53 is the natural bound of [0, 2^53), and every draw (< high, ≥ low) is still a safe integer.
  if (typeof v !== 'number' || !Number.isInteger(v) || Math.abs(v) > 2 ** 53) {
    const why = typeof v === 'number' && Number.isInteger(v) ? `${v} is beyond ±2^53, where float64 skips integers; pass bounds in [-2^53, 2^53]` : 'pass whole numbers (Math.floor or Math.round them)';
    throw new InvalidArgumentError(`${op}: ${name} must be an integer, got ${describe(v)}; ${why}.`);
  }
}

/** high − low, checked to be in (0, 2^53]; `where` names the entry for array bounds. */
function checkSpan(op: string, low: number, high: number, where: string): number {
  const span = high - low;
  if (!(span > 0)) throw new InvalidArgumentError(`${op}: low must be less than high${where}, got low = ${low}, high = ${high}; the integers drawn are in [low, high).`);
  if (span > 2 ** 53) throw new InvalidArgumentError(`${op}: high − low = ${span}${where} is more than 2^53; float64 cannot hold every integer of that range, so narrow it.`);
  return span;
}

/** Array bounds of randint broadcast to `shape`: each entry's low and span (values read: bounds are constants). */
function boundsAlong(op: string, shape: Shape, low: number | readonly unknown[] | Tensor, high: number | readonly unknown[] | Tensor): [Float64Array, Float64Array] {
  const read = (b: number | readonly unknown[] | Tensor, name: string): Tensor => {
    const t = b instanceof Tensor ? b : typeof b === 'number' ? asTensor(b, op) : tensor(b);
    if (isTraced(t)) {
      throw new InvalidArgumentError(`${op}: ${name} is a traced tensor (under vmap, jit or a derivative); randint reads its bounds as constants: pass numbers or a constant array.`);
    }
    if (!broadcastsTo(t.shape, shape)) {
      throw new ShapeError(`${op}: ${name} of shape ${formatShape(t.shape)} does not broadcast to the sample shape ${formatShape(shape)}; give bounds of that shape, or of one that broadcasts to it.`);
    }
    return t;
  };
  const size = shape.reduce((a, d) => a * d, 1);
  const [lo, hi] = [broadcastTo(read(low, 'low'), shape).values, broadcastTo(read(high, 'high'), shape).values];
  const lows = new Float64Array(size), spans = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const l = lo[i]!, h = hi[i]!;
    checkBound(op, 'low', l);
    checkBound(op, 'high', h);
    lows[i] = l;
    spans[i] = checkSpan(op, l, h, ` at entry ${i}`);
  }
  return [lows, spans];
}

/**
 * randint's n draws in [low, low + span) from the key (w0, w1): the two 64-bit streams of its split.
 * `low` and `span` are numbers, or one per draw (array bounds; the same bits, each entry's own range).
 */
function randintWords(w0: number, w1: number, n: number, low: number | Float64Array, span: number | Float64Array): Float64Array {
  const [k1, k2] = split(new Key(w0, w1), 2);
  const higher = words64(k1!.words[0], k1!.words[1], n), lower = words64(k2!.words[0], k2!.words[1], n);
  const out = new Float64Array(n);
  let s = -1, m32 = 0, multiplier = 0, big = 0n, bigMultiplier = 0n;
  for (let i = 0; i < n; i++) {
    const si = typeof span === 'number' ? span : span[i]!, li = typeof low === 'number' ? low : low[i]!;
    if (si !== s) { // the multiplier (2^64 mod s) of this span, as JAX's (2^32 mod s)² mod s
      s = si;
      if (s <= EXACT_SPAN) {
        m32 = 2 ** 32 % s;
        multiplier = (m32 * m32) % s;
      } else {
        big = BigInt(s);
        bigMultiplier = ((2n ** 32n % big) * (2n ** 32n % big)) % big;
      }
    }
    if (s <= EXACT_SPAN) {
      // h mod s for h = hi·2^32 + lo: each product stays below 2^52, so doubles compute it exactly.
      const h = ((higher.hi[i]! % s) * m32 + higher.lo[i]!) % s;
      const l = ((lower.hi[i]! % s) * m32 + lower.lo[i]!) % s;
      out[i] = li + ((h * multiplier + l) % s);
    } else {
      // Wide ranges: JAX's uint64 arithmetic (its product wraps modulo 2^64) with bigints.
      const word = (w: { hi: Uint32Array; lo: Uint32Array }) => (BigInt(w.hi[i]!) << 32n) | BigInt(w.lo[i]!);
      const offset = BigInt.asUintN(64, (word(higher) % big) * bigMultiplier + (word(lower) % big)) % big;
      out[i] = li + Number(offset);
    }
  }
  return out;
}
