/**
 * @file `truncatedNormal(key, lower, upper, shape?)`: standard normal values conditioned on
 * (lower, upper), by inversion as JAX's `random.truncated_normal`: u uniform between erf(lower/√2)
 * and erf(upper/√2), x = √2·erf⁻¹(u), clamped into the open interval against rounding — except for
 * an interval beyond ±3 (normalTail.ts), where erf has run out of digits and the same x is found by
 * inverting log(1 − Φ) instead; its derivative in the bounds by implicit reparameterisation (a customJvp).
 */
import { InvalidArgumentError } from '../core/errors.js';
import { broadcastTo } from '../ops/shape.js';
import { add, div, equal, greaterEqual, lessEqual, mul, sub } from '../ops/binary.js';
import { exp, neg as negate, square } from '../ops/unary.js';
import { logicalAnd, logicalNot, logicalOr } from '../ops/predicates.js';
import { where } from '../ops/select.js';
import { logNdtrDerivative } from '../special/normal.js';
import { customJvp } from '../transforms/customJvp.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { eachExample, isBatched, keyed } from './batching.js';
import { unitSample, type KeyLike } from './continuous.js';
import { erf, erfinv } from './erf.js';
import { TAIL_START, upperTailDraw } from './normalTail.js';
import { param, optionalShape } from './params.js';
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
  return broadcastTo(p, shape).values.slice();
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
 * (∂x/∂a, ∂x/∂b) = ((1 − u)φ(a)/φ(x), uφ(b)/φ(x)) (implicit reparameterisation of Φ(x) = (1 − u)Φ(a) + uΦ(b)).
 * Between the tails as written, φ(bound)/φ(x) = exp((x² − bound²)/2). Where draw() used the upper tail (a ≥ 3),
 * that form is a difference of squares of rounded numbers — a·ulp(x) relative (1e−6 at a = 1e5) — and ∞ − ∞ past
 * |x| = 1.3e154; there, with s(t) = φ(t)/Q(t) (Q = 1 − Φ; s = 1/Mills ratio, logNdtrDerivative(−t), ≈ t), the
 * draw's own Q(x) = Q(a)(1 − u + uρ), ρ = Q(b)/Q(a) = e^{−(b − a)(b + a)/2} s(a)/s(b), gives
 *   ∂x/∂a = (1 − u)/(1 − u + uρ) · s(a)/s(x),   ∂x/∂b = u e^{−(b − a)(b + a)/2}/(1 − u + uρ) · s(a)/s(x),
 * ratios of numbers near a (no squares, no cancellation; b = ∞ gives ρ = 0 and ∂x/∂b = 0). The lower tail (b ≤ −3)
 * is its mirror image: a′ = −b, b′ = −a, x′ = −x, u′ = 1 − u, with ∂x/∂a = ∂x′/∂b′ and ∂x/∂b = ∂x′/∂a′. Each form is
 * fed safe stand-in values where it is not selected, so its derivatives (second order) carry no NaN through where.
 */
function tangents(a: Tensor, b: Tensor, x: Tensor, u: Tensor): [Tensor, Tensor] {
  // Which forms are needed, from the bounds' own values (a superset where they broadcast: no pairing needed); all
  // three, selected per element, under vmap.
  let hasUpper = true, hasLower = true, hasCentral = true;
  if (!isBatched([a, b])) {
    const lo = a.values.slice(), hi = b.values.slice();
    hasUpper = lo.some((l) => l >= TAIL_START);
    hasLower = hi.some((h) => h <= -TAIL_START);
    hasCentral = lo.some((l) => l < TAIL_START) && hi.some((h) => h > -TAIL_START);
  }
  // Where the forms are mixed, each gets stand-in values where it is not selected, so its own derivatives carry no NaN
  // through where; the masks are not formed when one form serves all (the common case: no cost over the one formula).
  const mixed = Number(hasUpper) + Number(hasLower) + Number(hasCentral) > 1;
  const upperTail = mixed ? greaterEqual(a, TAIL_START) : a, lowerTail = mixed ? logicalAnd(lessEqual(b, -TAIL_START), logicalNot(upperTail)) : a;
  const central = mixed ? logicalNot(logicalOr(upperTail, lowerTail)) : a;
  const inside = (mask: Tensor, v: Tensor, standIn: number) => (mixed ? where(mask, v, standIn) : v);
  const forms: { mask: Tensor; tangents: [Tensor, Tensor] }[] = [];
  if (hasCentral) {
    // Between the tails: φ(bound)/φ(x) = exp((x² − bound²)/2), 0 for an infinite bound without underflow in φ(x).
    const xc = inside(central, x, 0.5);
    const ratio = (v: Tensor) => exp(mul(0.5, sub(square(xc), square(v))));
    forms.push({ mask: central, tangents: [mul(sub(1, u), ratio(inside(central, a, 0))), mul(u, ratio(inside(central, b, 1)))] });
  }
  // A tail in the upper tail's variables (a′, b′, x′, u′): (∂x′/∂a′, ∂x′/∂b′).
  const tail = (inTail: Tensor, a1: Tensor, b1: Tensor, x1: Tensor, u1: Tensor): [Tensor, Tensor] => {
    const infinite = equal(b1, Infinity); // decay 0; stood in for too: (b − a)(b + a)'s derivative in a would be −∞ + ∞
    const at = inside(inTail, a1, TAIL_START), xt = inside(inTail, x1, TAIL_START + 0.5);
    const bt = where(mixed ? logicalOr(logicalNot(inTail), infinite) : infinite, add(at, 1), b1);
    const s = (t: Tensor) => logNdtrDerivative(negate(t));
    const decay = where(infinite, 0, exp(mul(-0.5, mul(sub(bt, at), add(bt, at))))); // φ(b)/φ(a) = Q(b)s(b)/(Q(a)s(a))
    const sa = s(at), rho = div(mul(decay, sa), s(bt));
    const scale = div(div(sa, s(xt)), add(sub(1, u1), mul(u1, rho)));
    return [mul(sub(1, u1), scale), mul(mul(u1, decay), scale)];
  };
  if (hasUpper) forms.push({ mask: upperTail, tangents: tail(upperTail, a, b, x, u) });
  if (hasLower) { // ∂x/∂a = ∂x′/∂b′, ∂x/∂b = ∂x′/∂a′
    const [da, db] = tail(lowerTail, negate(b), negate(a), negate(x), sub(1, u));
    forms.push({ mask: lowerTail, tangents: [db, da] });
  }
  const pick = (j: 0 | 1) => forms.slice(1).reduce((acc, f) => where(f.mask, f.tangents[j], acc), forms[0]!.tangents[j]);
  return [pick(0), pick(1)];
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
  const sampleShape = optionalShape(op, shape) ?? broadcastShapes(op, asTensor(lower, op).shape, asTensor(upper, op).shape);
  const sample: (a: Tensor, b: Tensor) => Tensor = customJvp(
    (a: Tensor, b: Tensor) => draw(op, k, a, b, sampleShape),
    ([a, b]: [Tensor, Tensor], [da, db]: [Tensor, Tensor]) => {
      const x = sample(a, b);
      // u is the draw's own unit uniform: every branch of draw solves Φ(x) = (1 − u)Φ(a) + uΦ(b) for it.
      // (Recovering it as (Φ(x) − Φ(a)) / (Φ(b) − Φ(a)) is 0/0 once the bounds are in the upper tail.)
      const u = new Tensor(unitSample(op, k, sampleShape), [...sampleShape]);
      const [ta, tb] = tangents(a, b, x, u);
      const dx = add(mul(ta, da), mul(tb, db));
      return [x, dx];
    },
  );
  return sample(asTensor(lower, op), asTensor(upper, op));
}
