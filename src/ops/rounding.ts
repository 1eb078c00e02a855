/**
 * @file Rounding and remainders — floor, ceil, round (half to even), trunc, mod (NumPy's, sign of
 * the divisor) and fmod (C's, sign of the dividend) — as composites of adjoint's ops, bit for bit
 * NumPy's values (signed zeros, ±∞ and NaN included). The rounding functions have derivative 0
 * everywhere, as JAX's and PyTorch's; mod and fmod have PyTorch's gradients.
 */
import { Tensor } from '../tensor/tensor.js';
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { binaryMathKernel } from '../tensor/kernels/binaryMath.js';
import { broadcastingRule } from './batching.js';
import { asTensor, broadcastOperands, describe, type TensorLike } from '../tensor/create.js';
import { InvalidArgumentError } from '../core/errors.js';
import { broadcastShapes } from '../tensor/shape.js';
import { abs, neg, roundHalfEven } from './unary.js';
import { add, div, equal, greater, less, mul, mulStrong, notEqual, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { registerTensorMethods } from './methods.js';
import { extraArguments } from '../core/extraArguments.js';

/** Round half to even (the `round` primitive, tensor/kernels/unary.ts), signed zeros kept. */
const roundOf = (t: Tensor): Tensor => roundHalfEven(t);

// ⌊x⌋ and ⌈x⌉ from round(x), stepping by one where it went the wrong way. `where` rather than
// r ∓ [r ≷ x] keeps round's signed zero (ceil(−0.5) = −0, where −0 + 0 would give +0); the step
// up from −1 (x in (−1, −½)) is −0 too, as −1 + 1 would give +0.
const floorOf = (t: Tensor, r: Tensor) => where(greater(r, t), sub(r, 1), r);
const ceilOf = (t: Tensor, r: Tensor) => where(less(r, t), where(equal(r, -1), -0, add(r, 1)), r);
const truncOf = (t: Tensor) => { const r = roundOf(t); return where(less(t, 0), ceilOf(t, r), floorOf(t, r)); };

/**
 * x rounded to the nearest integer, ties to even (numpy.round, jnp.round, torch.round: 0.5 → 0,
 * 1.5 → 2, −2.5 → −2), keeping the sign of zero (−0.3 → −0); ±∞ and NaN pass through. With
 * `decimals` (NumPy's second argument, which was ignored: round(x, 2) gave whole numbers), to that
 * many decimal places, as numpy.round computes it: rint(x·10ᵈ)/10ᵈ, or rint(x/10⁻ᵈ)·10⁻ᵈ for d < 0
 * (so round(1.005, 2) = 1: 1.005·100 is 100.49999…). Its derivative is 0 everywhere.
 * @example ad.round(ad.tensor([0.5, 1.5, 2.5, -0.5, -1.7])).toArray(); // => [0, 2, 2, -0, -2]
 * @example ad.round(ad.tensor([1.2345, 1250]), 2).toArray(); // => [1.23, 1250]
 */
export function round(x: TensorLike, decimals?: number): Tensor;
export function round(x: TensorLike, decimals = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('round', 'round(x, decimals?)', extra, decimals);
  const t = stopGradient(asTensor(x, 'round'));
  if (typeof decimals !== 'number' || !Number.isInteger(decimals)) {
    throw new InvalidArgumentError(`round: decimals must be an integer (negative rounds to tens, hundreds, …), got ${describe(decimals)}.`);
  }
  if (decimals === 0) return roundOf(t);
  // numpy/core/src/multiarray/calculation.c PyArray_Round: multiply (divide for d < 0) by
  // power_of_ten(|d|), rint, divide (multiply) back; power_of_ten is 1e0…1e7 from a table, then
  // ×10 per further digit from 1e8.
  const d = Math.abs(decimals);
  let f = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7][d] ?? 1e8;
  for (let k = 8; k < d; k++) f *= 10;
  return decimals > 0 ? div(roundOf(mul(t, f)), f) : mul(roundOf(div(t, f)), f);
}

/**
 * The largest integer ≤ x (numpy.floor); ±∞ and NaN pass through; derivative 0.
 * @example ad.floor(ad.tensor([1.5, -1.5, -0])).toArray(); // => [1, -2, -0]
 */
export function floor(x: TensorLike): Tensor;
export function floor(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('floor', 'floor(x)', extra, x);
  const t = stopGradient(asTensor(x, 'floor'));
  return floorOf(t, roundOf(t));
}

/**
 * The smallest integer ≥ x (numpy.ceil), −0 for x in (−1, 0); ±∞ and NaN pass through; derivative 0.
 * @example ad.ceil(ad.tensor([1.2, -1.5, -0.5])).toArray(); // => [2, -1, -0]
 */
export function ceil(x: TensorLike): Tensor;
export function ceil(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('ceil', 'ceil(x)', extra, x);
  const t = stopGradient(asTensor(x, 'ceil'));
  return ceilOf(t, roundOf(t));
}

/**
 * x rounded toward zero (numpy.trunc, C's integer conversion); derivative 0.
 * @example ad.trunc(ad.tensor([1.7, -1.7, -0.2])).toArray(); // => [1, -1, -0]
 */
export function trunc(x: TensorLike): Tensor;
export function trunc(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('trunc', 'trunc(x)', extra, x); return truncOf(stopGradient(asTensor(x, 'trunc'))); }

// ---- Remainders ----

/**
 * C's fmod(a, b) on values that carry no gradient (mod and fmod form their derivatives themselves):
 * JavaScript's `%`, which is IEEE 754's fmod — the exact remainder of a/b rounded toward zero, with
 * a's sign, at every magnitude (fmod(1, 1e−300) included); a for |a| < |b| (b = ±∞ included), NaN
 * for a = ±∞ or b = 0. A primitive without derivative rules (its operands are constants), exported
 * to ONNX as Mod with fmod = 1.
 */
const fmodP: Primitive<null> = definePrimitive<null>({
  name: 'fmod',
  saves: 'none',
  forward: ([a, b]) => {
    const shape = broadcastShapes('fmod', a!.shape, b!.shape);
    return new Tensor(binaryMathKernel('fmod', a!.values, a!.shape, b!.values, b!.shape, shape), shape);
  },
  vjp: null,
  jvp: null,
  batch: broadcastingRule(() => fmodP),
});

const fmodOf = (a: Tensor, b: Tensor): Tensor => apply(fmodP, [a, b], null);

/**
 * value, with the derivative dᵢ (constants) for each input xᵢ: value − Σ (stop(xᵢ) − xᵢ)·dᵢ, whose
 * value is `value` (each term is ±0; the sum + 0 is +0, and value − (+0) keeps value's signed zero)
 * and whose derivative in xᵢ is dᵢ. The product is the strong zero's (mulStrong), so an infinite dᵢ
 * keeps the value and is the derivative: mod(1e300, 1e−300)'s quotient 1e600 overflows, and its
 * derivative in b is −∞, as torch.remainder's and JAX's (it was dropped to 0). An infinite xᵢ
 * (stop(xᵢ) − xᵢ = NaN) contributes no gradient.
 */
function withDerivatives(value: Tensor, terms: ReadonlyArray<readonly [Tensor, TensorLike]>): Tensor {
  let total: Tensor | number = 0;
  for (const [x, d] of terms) {
    total = add(total, mulStrong(where(less(abs(x), Infinity), sub(stopGradient(x), x), 0), d));
  }
  return sub(value, add(total, 0));
}

/**
 * The remainder of a/b with the sign of b — numpy.mod / jnp.mod (Python's %), torch.remainder:
 * fmod(a, b), plus b where that has the other sign; a zero remainder takes b's sign
 * (mod(−4, 2) = 0, mod(4, −2) = −0). Exact at every magnitude. Gradients as PyTorch's: 1 for a, −(a // b) for b.
 * @example ad.mod(ad.tensor([5, -5, 5, -5]), ad.tensor([3, 3, -3, -3])).toArray(); // => [2, 1, -1, -2]
 */
export function mod(a: TensorLike, b: TensorLike): Tensor;
export function mod(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('mod', 'mod(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('mod', a, b);
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
 * (fmod(−5, 3) = −2); NaN where a = ±∞ or b = 0, a where b = ±∞. Exact (C's bits) at every
 * magnitude.
 * Gradients as PyTorch's: 1 for a, −trunc(a/b) for b.
 * @example ad.fmod(ad.tensor([5, -5, 5, -5]), ad.tensor([3, 3, -3, -3])).toArray(); // => [2, -2, 2, -2]
 */
export function fmod(a: TensorLike, b: TensorLike): Tensor;
export function fmod(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('fmod', 'fmod(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('fmod', a, b);
  const [sa, sb] = [stopGradient(ta), stopGradient(tb)];
  return withDerivatives(fmodOf(sa, sb), [[ta, 1], [tb, neg(truncOf(div(sa, sb)))]]);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.floor(x)`. @example ad.tensor([1.5]).floor() // [1] */ floor(): Tensor;
    /** `ad.ceil(x)`. @example ad.tensor([1.5]).ceil() // [2] */ ceil(): Tensor;
    /** `ad.round(x, decimals)`. @example ad.tensor([2.5]).round() // [2] */ round(decimals?: number): Tensor;
    /** `ad.trunc(x)`. @example ad.tensor([-1.5]).trunc() // [-1] */ trunc(): Tensor;
    /** `ad.mod(x, b)`. @example ad.tensor([-5]).mod(3) // [1] */ mod(b: TensorLike): Tensor;
    /** `ad.fmod(x, b)`. @example ad.tensor([-5]).fmod(3) // [-2] */ fmod(b: TensorLike): Tensor;
  }
}

registerTensorMethods({ floor, ceil, round, trunc, mod, fmod });
