/**
 * @file `truncatedNormal(key, lower, upper, shape?)`: standard normal values conditioned on
 * (lower, upper), by inversion as JAX's `random.truncated_normal`: u uniform between erf(lower/√2)
 * and erf(upper/√2), x = √2·erf⁻¹(u), clamped into the open interval against rounding — except for
 * an interval beyond ±3 (normalTail.ts), where erf has run out of digits and the same x is found by
 * inverting log(1 − Φ) instead; its derivative in the bounds by implicit reparameterisation (a customJvp).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { broadcastTo } from '../ops/shape.js';
import { add, mul, sub } from '../ops/binary.js';
import { exp, square } from '../ops/unary.js';
import { customJvp } from '../transforms/customJvp.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { eachExample, isBatched, keyed } from './batching.js';
import { unitSample, type KeyLike } from './continuous.js';
import { erf, erfinv } from './erf.js';
import { TAIL_START, upperTailDraw } from './normalTail.js';
import { param } from './params.js';
import { extraArguments } from '../core/extraArguments.js';

const view = new DataView(new ArrayBuffer(8));

/** The next float64 after x towards +Infinity (dir 1) or −Infinity (dir −1), as C's nextafter. */
export function nextAfter(x: number, dir: 1 | -1): number {
  if (Number.isNaN(x) || x === dir * Infinity) return x;
  if (x === 0) return dir * Number.MIN_VALUE;
  view.setFloat64(0, x);
  // Away from zero adds one to the 64-bit pattern, towards zero subtracts one (carrying across words).
  const step = (x > 0) === (dir > 0) ? 1 : -1;
  const low = view.getUint32(4) + step, high = view.getUint32(0);
  view.setUint32(4, low >>> 0);
  view.setUint32(0, low < 0 ? high - 1 : low > 0xffffffff ? high + 1 : high);
  return view.getFloat64(0);
}

/** A bound's values broadcast to the sample shape (plain values: the derivative comes from the rule below). */
function boundValues(op: string, name: string, v: TensorLike, shape: Shape): Float64Array {
  const p = param(op, name, v, shape);
  if (typeof p === 'number') return new Float64Array(1).fill(p);
  return broadcastTo(p, shape).toFloat64Array();
}

/** The draws on plain bounds: u uniform between Φ(lower) and Φ(upper) (as erfs), x = Φ⁻¹(u), clamped inside. */
function draw(op: string, k: KeyLike, lower: Tensor, upper: Tensor, sampleShape: Shape): Tensor {
  // Under vmap, once per example with the same key (as JAX's, whose uniform does not depend on the bounds).
  if (isBatched([lower, upper])) return eachExample([lower, upper], ([a, b]) => draw(op, k, a!, b!, sampleShape));
  const x = unitSample(op, k, sampleShape);
  const lo = boundValues(op, 'lower', lower, sampleShape), hi = boundValues(op, 'upper', upper, sampleShape);
  for (let i = 0; i < Math.max(lo.length, hi.length); i++) {
    const l = lo[lo.length === 1 ? 0 : i]!, h = hi[hi.length === 1 ? 0 : i]!;
    if (!(l < h)) {
      throw new InvalidArgumentError(`${op}: lower must be less than upper, got lower = ${l}, upper = ${h}; the values drawn lie strictly between them.`);
    }
  }
  // Per bound: erf(bound/√2) and the clamp into the open interval, jnp.clip(v, nextafter(lower, +inf), nextafter(upper, -inf)).
  const a = lo.map((l) => erf(l / Math.SQRT2)), lowest = lo.map((l) => nextAfter(l, 1));
  const b = hi.map((h) => erf(h / Math.SQRT2)), highest = hi.map((h) => nextAfter(h, -1));
  const iLo = lo.length === 1 ? 0 : 1, iHi = hi.length === 1 ? 0 : 1;
  for (let i = 0; i < x.length; i++) {
    const l = lo[i * iLo]!, h = hi[i * iHi]!, f = x[i]!;
    let v: number;
    if (l >= TAIL_START) v = upperTailDraw(l, h, f);
    else if (h <= -TAIL_START) v = -upperTailDraw(-h, -l, 1 - f); // by symmetry: Φ(x) = (1 − f)Φ(l) + fΦ(h) still
    else {
      const ai = a[i * iLo]!, bi = b[i * iHi]!;
      v = Math.SQRT2 * erfinv(Math.max(ai, f * (bi - ai) + ai));
    }
    x[i] = Math.min(Math.max(v, lowest[i * iLo]!), highest[i * iHi]!);
  }
  return new Tensor(x, [...sampleShape]);
}

/**
 * Standard normal values truncated to (lower, upper) (JAX's `random.truncated_normal`). The
 * bounds are numbers or tensors (±Infinity allowed); the shape defaults to their broadcast shape.
 * Differentiable in the bounds by implicit reparameterisation: x = Φ⁻¹((1 − u)Φ(a) + uΦ(b)) for the
 * uniform u the draw used, so φ(x) dx = (1 − u) φ(a) da + u φ(b) db (an infinite bound
 * contributes nothing: φ(±∞) = 0). Accurate in the tails too: truncatedNormal(key, 9, Infinity)
 * draws just above 9 (JAX's recipe, kept between −3 and 3, would return 1.8e308 there).
 * @example ad.random.truncatedNormal(ad.random.key(0), 0, 2, [3]).shape // [3]
 */
export function truncatedNormal(k: KeyLike, lower: TensorLike, upper: TensorLike, shape?: Shape): Tensor;
export function truncatedNormal(k: KeyLike, lower: TensorLike, upper: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.truncatedNormal', 'random.truncatedNormal(k, lower, upper, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.truncatedNormal', k, [lower, upper] as const, (key, [lower, upper]) => truncatedNormal(key, lower, upper, shape));
  const op = 'random.truncatedNormal';
  const sampleShape = shape ?? broadcastShapes(op, asTensor(lower, op).shape, asTensor(upper, op).shape);
  const sample: (a: Tensor, b: Tensor) => Tensor = customJvp(
    (a: Tensor, b: Tensor) => draw(op, k, a, b, sampleShape),
    ([a, b]: [Tensor, Tensor], [da, db]: [Tensor, Tensor]) => {
      const x = sample(a, b);
      // u is the draw's own unit uniform: every branch of draw solves Φ(x) = (1 − u)Φ(a) + uΦ(b) for it.
      // (Recovering it as (Φ(x) − Φ(a)) / (Φ(b) − Φ(a)) is 0/0 once the bounds are in the upper tail.)
      const u = new Tensor(unitSample(op, k, sampleShape), [...sampleShape]);
      // φ(bound)/φ(x) = exp((x² − bound²)/2): 0 for an infinite bound, without underflow in φ(x).
      const ratio = (bound: Tensor) => exp(mul(0.5, sub(square(x), square(bound))));
      const dx = add(mul(mul(sub(1, u), ratio(a)), da), mul(mul(u, ratio(b)), db));
      return [x, dx];
    },
  );
  return sample(asTensor(lower, op), asTensor(upper, op));
}
