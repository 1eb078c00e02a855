/**
 * @file Rounding and remainders — floor, ceil, round (half to even), trunc, mod (NumPy's, sign of
 * the divisor) and fmod (C's, sign of the dividend) — as composites of adjoint's ops, bit for bit
 * NumPy's values (signed zeros, ±∞ and NaN included). The rounding functions have derivative 0
 * everywhere, as JAX's and PyTorch's; mod and fmod have PyTorch's gradients.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes } from '../tensor/shape.js';
import { abs, log, neg, sign } from './unary.js';
import { add, div, equal, greater, less, maximum, mul, notEqual, pow, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { registerTensorMethods } from './methods.js';

const TWO52 = 2 ** 52;

/**
 * Round half to even, from float addition: for 0 ≤ x < 2⁵², x + 2⁵² has no fraction bits left,
 * so the sum is x rounded to an integer by IEEE round-to-nearest-even, and subtracting 2⁵² is exact
 * (−2⁵² likewise for x < 0). |x| ≥ 2⁵², ±∞ and NaN are already their own rounding. The zero
 * keeps x's sign, as C's `nearbyint` (round(−0.3) = −0).
 */
function roundOf(t: Tensor): Tensor {
  const c = where(less(t, 0), -TWO52, TWO52);
  const r = sub(add(t, c), c);
  return where(less(abs(t), TWO52), where(equal(r, 0), mul(t, 0), r), t);
}

// ⌊x⌋ and ⌈x⌉ from round(x), stepping by one where it went the wrong way. `where` rather than
// r ∓ [r ≷ x] keeps round's signed zero (ceil(−0.5) = −0, where −0 + 0 would give +0); the step
// up from −1 (x in (−1, −½)) is −0 too, as −1 + 1 would give +0.
const floorOf = (t: Tensor, r: Tensor) => where(greater(r, t), sub(r, 1), r);
const ceilOf = (t: Tensor, r: Tensor) => where(less(r, t), where(equal(r, -1), -0, add(r, 1)), r);
const truncOf = (t: Tensor) => { const r = roundOf(t); return where(less(t, 0), ceilOf(t, r), floorOf(t, r)); };

/**
 * x rounded to the nearest integer, ties to even (numpy.round, jnp.round, torch.round: 0.5 → 0,
 * 1.5 → 2, −2.5 → −2), keeping the sign of zero (−0.3 → −0); ±∞ and NaN pass through. Its
 * derivative is 0 everywhere.
 * @example ad.round(ad.tensor([0.5, 1.5, 2.5, -0.5, -1.7])).toArray(); // => [0, 2, 2, -0, -2]
 */
export function round(x: TensorLike): Tensor { return roundOf(stopGradient(asTensor(x, 'round'))); }

/**
 * The largest integer ≤ x (numpy.floor); ±∞ and NaN pass through; derivative 0.
 * @example ad.floor(ad.tensor([1.5, -1.5, -0])).toArray(); // => [1, -2, -0]
 */
export function floor(x: TensorLike): Tensor {
  const t = stopGradient(asTensor(x, 'floor'));
  return floorOf(t, roundOf(t));
}

/**
 * The smallest integer ≥ x (numpy.ceil), −0 for x in (−1, 0); ±∞ and NaN pass through; derivative 0.
 * @example ad.ceil(ad.tensor([1.2, -1.5, -0.5])).toArray(); // => [2, -1, -0]
 */
export function ceil(x: TensorLike): Tensor {
  const t = stopGradient(asTensor(x, 'ceil'));
  return ceilOf(t, roundOf(t));
}

/**
 * x rounded toward zero (numpy.trunc, C's integer conversion); derivative 0.
 * @example ad.trunc(ad.tensor([1.7, -1.7, -0.2])).toArray(); // => [1, -1, -0]
 */
export function trunc(x: TensorLike): Tensor { return truncOf(stopGradient(asTensor(x, 'trunc'))); }

// ---- Remainders ----

/** Veltkamp's split: hi + lo = x exactly, each with at most 26 significant bits (|x| < 2⁹⁹⁶). */
function split(x: Tensor): [Tensor, Tensor] {
  const c = mul(134217729, x); // 2²⁷ + 1
  const hi = sub(c, sub(c, x));
  return [hi, sub(x, hi)];
}

/**
 * a − q·b without rounding, when that difference is representable (Dekker's two-product: p = fl(qb)
 * and e = qb − p exactly; a − p is exact by Sterbenz's lemma as p lies within a factor 2 of a).
 */
function exactResidual(a: Tensor, q: Tensor, b: Tensor): Tensor {
  const p = mul(q, b);
  const [qh, ql] = split(q);
  const [bh, bl] = split(b);
  const e = add(add(add(sub(mul(qh, bh), p), mul(qh, bl)), mul(ql, bh)), mul(ql, bl));
  return sub(sub(a, p), e);
}

/**
 * x rounded to an integer, for |x| < 2⁵¹ only: x + 1.5·2⁵² lies in [2⁵², 2⁵³), where the spacing of
 * floats is 1, so the sum rounds x to the nearest integer, and subtracting is exact. Two ops, for
 * the reductions below (round() handles every x, in eight).
 */
const roundSmall = (x: Tensor) => sub(add(x, 1.5 * 2 ** 52), 1.5 * 2 ** 52);

/**
 * One reduction of r by b' = b·2ᵏ (exact: a power-of-two multiple of b), k chosen so that |r/b'| <
 * 2⁵⁰: q = round(fl(r/b')) is within ½ + 2⁻⁵² of r/b', so r − qb' (|·| < |b'|, on b's grid of
 * floats) is representable, and exactResidual computes it without rounding. Where its sign is not
 * r's, adding sign(r)·|b'| gives the remainder, exactly too, as that is representable. Afterwards
 * |r| < |b'|, with r's sign or 0; fmod(r, b·2ᵏ) then fmod(·, b) is fmod(r, b).
 */
function reduceOnce(r: Tensor, b: Tensor, k: Tensor): Tensor {
  const bk = mul(b, pow(2, k));
  const r0 = exactResidual(r, roundSmall(div(r, bk)), bk);
  const wrongSign = mul(notEqual(r0, 0), notEqual(less(r0, 0), less(r, 0)));
  return where(wrongSign, add(r0, mul(sign(r), abs(bk))), r0);
}

/** Reductions by b·2ᵏ, each taking 46 bits or more off the quotient: exact for |a/b| < 2¹⁴⁰. */
const REDUCTIONS = 3;

/**
 * C's fmod(a, b) (the remainder of a/b rounded toward zero, with a's sign) on values that carry no
 * gradient, exactly. Operands are first scaled by a power of two (exact) so that Veltkamp's split
 * neither overflows (|b| > 2⁹⁰⁰) nor loses bits to underflow (|b| < 2⁻⁹⁰⁰). C's special cases: a
 * for |a| < |b| (b = ±∞ included), NaN for a = ±∞ or b = 0, a zero with a's sign. Past the
 * reductions' reach (|a/b| ≥ 2¹⁴⁰ or so) the result is NaN rather than a wrong number.
 */
function fmodOf(a: Tensor, b: Tensor): Tensor {
  const scale = where(greater(abs(b), 2 ** 900), 2 ** -200, where(less(abs(b), 2 ** -900), 2 ** 200, 1));
  const bs = mul(b, scale);
  const logB = log(abs(bs));
  let r = mul(a, scale);
  for (let i = 0; i < REDUCTIONS; i++) {
    // k = log₂|r/b| − 48 (or 0), the logarithm rounded: an estimate within 1 of ⌊log₂|r/b|⌋ keeps |r/b'| < 2⁵⁰.
    const bits = roundSmall(mul(sub(log(abs(r)), logB), Math.LOG2E));
    r = reduceOnce(r, bs, maximum(sub(bits, 48), 0));
  }
  const reduced = where(less(abs(r), abs(bs)), div(r, scale), NaN);
  const value = where(equal(reduced, 0), mul(a, 0), reduced);
  return where(less(abs(a), abs(b)), a, value);
}

/**
 * value, with the derivative dᵢ (constants) for each input xᵢ: value − Σ (stop(xᵢ) − xᵢ)·dᵢ, whose
 * value is `value` (each term is ±0; the sum + 0 is +0, and value − (+0) keeps value's signed zero)
 * and whose derivative in xᵢ is dᵢ. Terms with an infinite xᵢ or dᵢ contribute no gradient.
 */
function withDerivatives(value: Tensor, terms: ReadonlyArray<readonly [Tensor, TensorLike]>): Tensor {
  let total: Tensor | number = 0;
  for (const [x, d] of terms) {
    const finite = mul(less(abs(x), Infinity), less(abs(d), Infinity));
    total = add(total, mul(where(finite, sub(stopGradient(x), x), 0), where(finite, d, 0)));
  }
  return sub(value, add(total, 0));
}

/** The two operands as tensors, their broadcast shape checked under the op's name. */
function operands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor] {
  const [ta, tb] = [asTensor(a, op), asTensor(b, op)];
  broadcastShapes(op, ta.shape, tb.shape);
  return [ta, tb];
}

/**
 * The remainder of a/b with the sign of b — numpy.mod / jnp.mod (Python's %), torch.remainder:
 * fmod(a, b), plus b where that has the other sign; a zero remainder takes b's sign
 * (mod(−4, 2) = 0, mod(4, −2) = −0). Exact when |a/b| < 2¹⁴⁰, NaN beyond. Gradients as PyTorch's: 1 for a, −(a // b) for b.
 * @example ad.mod(ad.tensor([5, -5, 5, -5]), ad.tensor([3, 3, -3, -3])).toArray(); // => [2, 1, -1, -2]
 */
export function mod(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands('mod', a, b);
  const [sa, sb] = [stopGradient(ta), stopGradient(tb)];
  const r = fmodOf(sa, sb);
  const adjust = mul(notEqual(r, 0), notEqual(less(r, 0), less(sb, 0)));
  // At b = ±∞ this gives NumPy's a where a has b's sign, b otherwise (mod(−3, ∞) = ∞).
  const m = where(adjust, add(r, sb), r);
  const signedZero = where(equal(m, 0), where(less(sb, 0), -0, 0), m);
  // The quotient of this remainder, (a − m)/b rounded (PyTorch's floor division likewise): ⌊fl(a/b)⌋
  // is off by one where a/b rounds up to an integer (mod(1, 0.1) = 1 − 9·0.1, not 1 − 10·0.1) or
  // underflows (mod(1e−300, −1e300) = 1e−300 − 1·(−1e300)). ⌊a/b⌋ where that is not finite (b = ±∞).
  const quotient = div(sa, sb);
  const q = roundOf(div(sub(sa, signedZero), sb));
  const floorQuotient = where(less(abs(q), Infinity), q, floorOf(quotient, roundOf(quotient)));
  return withDerivatives(signedZero, [[ta, 1], [tb, neg(floorQuotient)]]);
}

/**
 * C's fmod: the remainder of a/b with the sign of a — numpy.fmod, jnp.fmod, torch.fmod
 * (fmod(−5, 3) = −2); NaN where a = ±∞ or b = 0, a where b = ±∞. Exact (C's bits) when
 * |a/b| < 2¹⁴⁰; NaN beyond, rather than a wrong number.
 * Gradients as PyTorch's: 1 for a, −trunc(a/b) for b.
 * @example ad.fmod(ad.tensor([5, -5, 5, -5]), ad.tensor([3, 3, -3, -3])).toArray(); // => [2, -2, 2, -2]
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands('fmod', a, b);
  const [sa, sb] = [stopGradient(ta), stopGradient(tb)];
  return withDerivatives(fmodOf(sa, sb), [[ta, 1], [tb, neg(truncOf(div(sa, sb)))]]);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.floor(x)`. @example ad.tensor([1.5]).floor() // [1] */ floor(): Tensor;
    /** `ad.ceil(x)`. @example ad.tensor([1.5]).ceil() // [2] */ ceil(): Tensor;
    /** `ad.round(x)`. @example ad.tensor([2.5]).round() // [2] */ round(): Tensor;
    /** `ad.trunc(x)`. @example ad.tensor([-1.5]).trunc() // [-1] */ trunc(): Tensor;
    /** `ad.mod(x, b)`. @example ad.tensor([-5]).mod(3) // [1] */ mod(b: TensorLike): Tensor;
    /** `ad.fmod(x, b)`. @example ad.tensor([-5]).fmod(3) // [-2] */ fmod(b: TensorLike): Tensor;
  }
}

registerTensorMethods({ floor, ceil, round, trunc, mod, fmod });
