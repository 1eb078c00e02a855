/**
 * @file NumPy's remaining elementwise functions — cbrt, copysign, sinc, deg2rad, rad2deg,
 * heaviside, logaddexp2, signbit, isclose, allclose. cbrt is a primitive (Math.cbrt: exact for
 * perfect cubes and negative x, which |x|^⅓ is not); the rest are composites.
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Primitive } from '../core/primitive.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, broadcastOperands, describe, type TensorLike } from '../tensor/create.js';
import { add, div, equal, greater, less, lessEqual, maximum, mul, sub } from './binary.js';
import { abs, log1p, neg, reciprocal, sin, square } from './unary.js';
import { exp2 } from './logBases.js';
import { stopGradient, where } from './select.js';
import { isfinite, isnan, logicalAnd, logicalOr } from './predicates.js';
import { callUnary, unaryPrimitive } from './pointwise.js';
import { registerTensorMethods } from './methods.js';
import { flag, knownOptions } from './optionChecks.js';
import { extraArguments } from '../core/extraArguments.js';

function cbrtKernel(x: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.cbrt(x[i]!);
  return out;
}
// d∛x = dx / (3 ∛x²), from the output; +∞ at 0 (as sqrt's, so strong zeros matter there).
const cbrtP: Primitive<null> = unaryPrimitive<null>('cbrt', 'output', cbrtKernel, (_x, y) => reciprocal(mul(3, square(y))));

/**
 * The real cube root (numpy.cbrt), exact for perfect cubes and odd in x: cbrt(−27) = −3.
 * The derivative 1/(3∛x²) is +∞ at 0.
 * @example ad.cbrt(ad.tensor([27, -8, 2])).toArray(); // => [3, -2, Math.cbrt(2)]
 */
export function cbrt(x: TensorLike): Tensor;
export function cbrt(x: TensorLike, ...extra: unknown[]): Tensor { return callUnary(cbrtP, x, null, extra); }

/**
 * 1 where x's sign bit is set — x < 0, or −0 — else 0 (numpy.signbit). No gradient. (A NaN's sign
 * bit is not read: NaN gives 0.)
 * @example ad.signbit(ad.tensor([-1, -0, 0, 2])).toArray(); // => [1, 1, 0, 0]
 */
export function signbit(x: TensorLike): Tensor;
export function signbit(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('signbit', 'signbit(x)', extra, x);
  const t = stopGradient(asTensor(x, 'signbit'));
  return where(equal(t, 0), less(reciprocal(t), 0), less(t, 0)); // 1/−0 = −∞
}

/**
 * |a| with b's sign (numpy.copysign), broadcasting; −0 in b counts as negative. The gradient in a is
 * ±sign(a) (0 at a = 0, as abs's); none in b.
 * @example ad.copysign(ad.tensor([1, -2, 3]), ad.tensor([-1, 1, -0])).toArray(); // => [-1, 2, -3]
 */
export function copysign(a: TensorLike, b: TensorLike): Tensor;
export function copysign(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('copysign', 'copysign(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('copysign', a, b);
  return mul(abs(ta), where(signbit(tb), -1, 1));
}

/**
 * The Maclaurin series of sin z / z to z¹⁰, by Horner in z²: 1 − z²/3! + z⁴/5! − z⁶/7! + z⁸/9! − z¹⁰/11!.
 * On |z| < 0.1 the next term, z¹²/13!, is below 2·10⁻²², and its second derivative below 10⁻¹⁷.
 */
function sincSeries(z: Tensor): Tensor {
  const z2 = square(z);
  let p: Tensor | number = -1 / 39916800;
  for (const c of [1 / 362880, -1 / 5040, 1 / 120, -1 / 6, 1]) p = add(mul(p, z2), c);
  return p as Tensor;
}

/**
 * The normalised sinc, sin(πx)/(πx) with sinc(0) = 1 (numpy.sinc). Near 0 it is its Taylor series,
 * so every derivative there is right (sinc′(0) = 0, sinc″(0) = −π²/3), as JAX's Maclaurin rule.
 * @example ad.sinc(ad.tensor([0, 0.5, 1])).toArray(); // => [1, 2 / Math.PI, 3.8981718325193755e-17]
 */
export function sinc(x: TensorLike): Tensor;
export function sinc(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('sinc', 'sinc(x)', extra, x);
  const z = mul(asTensor(x, 'sinc'), Math.PI);
  const small = less(abs(z), 0.1);
  const safe = where(small, 1, z); // keeps 0/0 (and its NaN derivative) out of the branch not taken
  return where(small, sincSeries(z), div(sin(safe), safe));
}

/** x in radians (numpy.deg2rad): x · π/180. @example ad.deg2rad(180).item(); // => Math.PI */
export function deg2rad(x: TensorLike): Tensor;
export function deg2rad(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('deg2rad', 'deg2rad(x)', extra, x); return mul(asTensor(x, 'deg2rad'), Math.PI / 180); }

/** x in degrees (numpy.rad2deg): x · 180/π. @example ad.rad2deg(Math.PI).item(); // => 180 */
export function rad2deg(x: TensorLike): Tensor;
export function rad2deg(x: TensorLike, ...extra: unknown[]): Tensor { if (extra.length > 0) extraArguments('rad2deg', 'rad2deg(x)', extra, x); return mul(asTensor(x, 'rad2deg'), 180 / Math.PI); }

/**
 * The Heaviside step (numpy.heaviside): 0 for x < 0, 1 for x > 0, `atZero` at x = 0, NaN for NaN,
 * broadcasting. The gradient goes to `atZero` where x = 0; none to x.
 * @example ad.heaviside(ad.tensor([-2, 0, 3]), 0.5).toArray(); // => [0, 0.5, 1]
 */
export function heaviside(x: TensorLike, atZero: TensorLike): Tensor;
export function heaviside(x: TensorLike, atZero: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('heaviside', 'heaviside(x, atZero)', extra, atZero);
  const [tx, t0] = broadcastOperands('heaviside', x, atZero);
  return where(isnan(tx), NaN, where(less(tx, 0), 0, where(greater(tx, 0), 1, t0)));
}

/**
 * log₂(2ᵃ + 2ᵇ) without overflow (numpy.logaddexp2, its formula): max(a, b) + log₂(1 + 2^−|a − b|),
 * and a + 1 at a tie (so ±∞ with itself stays ±∞). The gradient is 2ᵃ/(2ᵃ + 2ᵇ) and 2ᵇ/(2ᵃ + 2ᵇ),
 * ½ each at a tie (written ½a + ½b + 1 + (ln 2/8)(a − b)² there, for the second derivative).
 * @example ad.logaddexp2(ad.tensor([1, 1000, 3]), ad.tensor([1, 1000, -Infinity])).toArray(); // => [2, 1001, 3]
 */
export function logaddexp2(a: TensorLike, b: TensorLike): Tensor;
export function logaddexp2(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('logaddexp2', 'logaddexp2(a, b)', extra, b);
  const [ta, tb] = broadcastOperands('logaddexp2', a, b);
  const tie = equal(ta, tb);
  const gap = abs(sub(ta, where(tie, 0, tb))); // the branch not taken at a tie stays finite
  const general = add(maximum(ta, tb), mul(log1p(exp2(neg(gap))), Math.LOG2E));
  // At a finite tie, + (ln 2/8)(a − b)², 0 there, gives the Hessian (ln 2/4)[[1, −1], [−1, 1]] (it was 0); a − b
  // taken as 0 − 0 elsewhere, so ∞ − ∞ reaches no gradient.
  const finiteTie = logicalAnd(tie, isfinite(ta));
  const d = sub(where(finiteTie, ta, 0), where(finiteTie, tb, 0));
  return where(tie, add(add(add(mul(ta, 0.5), mul(tb, 0.5)), 1), mul(square(d), Math.LN2 / 8)), general);
}

/** Options of `isclose` and `allclose`. */
export interface CloseOptions {
  /** Relative tolerance (default 1e-5, NumPy's). */
  readonly rtol?: number | undefined;
  /** Absolute tolerance (default 1e-8, NumPy's). */
  readonly atol?: number | undefined;
  /** NaN equals NaN (default false). */
  readonly equalNan?: boolean | undefined;
}

function closeOptions(op: string, options: CloseOptions): { rtol: number; atol: number; equalNan: boolean } {
  knownOptions(op, options, ['rtol', 'atol', 'equalNan'], '{ rtol: 1e-5, atol: 1e-8, equalNan: false }');
  const { rtol = 1e-5, atol = 1e-8 } = options;
  for (const [name, v] of [['rtol', rtol], ['atol', atol]] as const) {
    if (typeof v !== 'number' || !(v >= 0)) throw new InvalidArgumentError(`${op}: ${name} must be a number ≥ 0, got ${describe(v)}.`);
  }
  return { rtol, atol, equalNan: flag(op, 'equalNan', options.equalNan, false) };
}

function closeness(op: string, a: TensorLike, b: TensorLike, options: CloseOptions): Tensor {
  const [ta, tb] = broadcastOperands(op, a, b);
  const { rtol, atol, equalNan } = closeOptions(op, options);
  // NumPy's test, asymmetric in b: |a − b| ≤ atol + rtol·|b| where both are finite; equality elsewhere (∞ = ∞).
  const finite = mul(isfinite(ta), isfinite(tb));
  const close = where(finite, lessEqual(abs(sub(ta, tb)), add(atol, mul(rtol, abs(tb)))), equal(ta, tb));
  return equalNan ? logicalOr(close, mul(isnan(ta), isnan(tb))) : close;
}

/**
 * 1 where a and b are equal within tolerance, |a − b| ≤ atol + rtol·|b|, else 0 (numpy.isclose,
 * broadcasting): infinities are close only to themselves, NaN to nothing unless `equalNan`.
 * @example ad.isclose(ad.tensor([1, 1e10, NaN]), ad.tensor([1 + 1e-9, 1.0001e10, NaN])).toArray(); // => [1, 0, 0]
 */
export function isclose(a: TensorLike, b: TensorLike, options?: CloseOptions): Tensor;
export function isclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('isclose', 'isclose(a, b, options?)', extra, options);
  return closeness('isclose', a, b, options);
}

/**
 * Whether every entry of a is close to b's, as `isclose` (numpy.allclose): a boolean, as NumPy's.
 * @example ad.allclose(ad.tensor([1, 2]), ad.tensor([1, 2 + 1e-9])); // => true
 */
export function allclose(a: TensorLike, b: TensorLike, options?: CloseOptions): boolean;
export function allclose(a: TensorLike, b: TensorLike, options: CloseOptions = {}, ...extra: unknown[]): boolean {
  if (extra.length > 0) extraArguments('allclose', 'allclose(a, b, options?)', extra, options);
  return closeness('allclose', a, b, options).values.every((v) => v === 1);
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** `ad.cbrt(x)`. @example ad.tensor([8]).cbrt() // [2] */ cbrt(): Tensor;
  }
}

registerTensorMethods({ cbrt });
