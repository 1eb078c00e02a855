/**
 * @file What jax.numpy says about an array itself, for code ported from NumPy or JAX: its number of
 * axes, shape and size as functions (ndim, shape, size, isscalar), its complex parts and tests on
 * real input (real, imag, conj, conjugate, angle, isreal, iscomplex, isrealobj, iscomplexobj —
 * adjoint has no complex dtype, so these act as jnp's do on real arrays), and the gap to the next
 * float64 (spacing). Composites of adjoint's ops (no new primitives); NumPy 1.24's values.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { normalizeAxes } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorInput, type TensorLike } from '../tensor/create.js';
import { less, mul, sub } from './binary.js';
import { stopGradient, where } from './select.js';
import { atan2 } from './trig.js';
import { onesLike, zerosLike } from './arrayHelpers.js';
import { nextafter } from './numpyBreadth.js';
import { extraArguments } from '../core/extraArguments.js';

// ---------------------------------------------------------------------------------------------
// Shape as functions

/**
 * The number of axes of a (numpy.ndim; `a.ndim`): 0 for a number. As jnp's, a nested list is not
 * an array here: make it a tensor first (`ad.tensor`).
 * @example ad.ndim(ad.zeros([2, 3])); // => 2
 */
export function ndim(a: TensorLike): number;
export function ndim(a: TensorLike, ...extra: unknown[]): number {
  if (extra.length > 0) extraArguments('ndim', 'ndim(a)', extra, a);
  return asTensor(a, 'ndim').ndim;
}

/**
 * The shape of a (numpy.shape; `a.shape`), a new array: [] for a number.
 * @example ad.shape(ad.zeros([2, 3])); // => [2, 3]
 */
export function shape(a: TensorLike): number[];
export function shape(a: TensorLike, ...extra: unknown[]): number[] {
  if (extra.length > 0) extraArguments('shape', 'shape(a)', extra, a);
  return [...asTensor(a, 'shape').shape];
}

/**
 * The number of entries of a (numpy.size; `a.size`), or along `axis` — one axis, or a list of
 * distinct axes whose lengths multiply (jnp's) — negative axes counting from the end.
 * @example ad.size(ad.zeros([2, 3, 4]), [0, -1]); // => 8
 */
export function size(a: TensorLike, axis?: number | readonly number[]): number;
export function size(a: TensorLike, axis?: number | readonly number[], ...extra: unknown[]): number {
  if (extra.length > 0) extraArguments('size', 'size(a, axis?)', extra, axis);
  const t = asTensor(a, 'size');
  if (axis === undefined) return t.size;
  return normalizeAxes(axis, t.ndim, 'size').reduce((n, ax) => n * t.shape[ax]!, 1);
}

/**
 * Whether `element` is a scalar (jnp.isscalar): a number, boolean, string or bigint, and — unlike
 * numpy.isscalar, as JAX's — a 0-d tensor too (so the answer does not change under jit, where a
 * number argument arrives as a 0-d tensor). A tensor with axes, an array or anything else is not.
 * @example [ad.isscalar(3), ad.isscalar(ad.scalar(3)), ad.isscalar(ad.tensor([3]))]; // => [true, true, false]
 */
export function isscalar(element: unknown): boolean;
export function isscalar(element: unknown, ...extra: unknown[]): boolean {
  if (extra.length > 0) extraArguments('isscalar', 'isscalar(element)', extra, element);
  if (element instanceof Tensor) return element.ndim === 0;
  const kind = typeof element;
  return kind === 'number' || kind === 'boolean' || kind === 'string' || kind === 'bigint';
}

// ---------------------------------------------------------------------------------------------
// Complex parts of real input

/** Throws unless x is something `ad.tensor` makes a tensor of (what jnp.asarray takes). */
function arrayLike(op: string, x: unknown): void {
  if (x instanceof Tensor || typeof x === 'number' || Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) return;
  throw new InvalidArgumentError(`${op}: expected a tensor, a number, nested arrays of numbers or a typed array, got ${describe(x)}.`);
}

/**
 * The real part of x (numpy.real): on real input x itself — the same tensor, derivative 1.
 * @example ad.real(ad.tensor([1.5, -2])).toArray(); // => [1.5, -2]
 */
export function real(val: TensorLike): Tensor;
export function real(val: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('real', 'real(val)', extra, val);
  return asTensor(val, 'real');
}

/**
 * The imaginary part of x (numpy.imag): on real input zeros of x's shape (NaN and ±∞ included), as
 * jnp's `full_like(x, 0)`; derivative 0.
 * @example ad.imag(ad.tensor([1.5, NaN])).toArray(); // => [0, 0]
 */
export function imag(val: TensorLike): Tensor;
export function imag(val: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('imag', 'imag(val)', extra, val);
  return zerosLike(asTensor(val, 'imag'));
}

/**
 * The complex conjugate of x (numpy.conjugate): on real input x itself, derivative 1. `conj` is
 * the same function.
 * @example ad.conjugate(ad.tensor([1.5, -2])).toArray(); // => [1.5, -2]
 */
export function conjugate(x: TensorLike): Tensor;
export function conjugate(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('conjugate', 'conjugate(x)', extra, x);
  return asTensor(x, 'conjugate');
}

/** The complex conjugate of x (numpy.conj, another name for numpy.conjugate): on real input x itself. */
export const conj: (x: TensorLike) => Tensor = conjugate;

/**
 * The counterclockwise angle of x from the positive real axis (numpy.angle), atan2(imag, real): on
 * real input 0 for x ≥ +0 and +∞, π for x < 0, −0 and −∞, NaN for NaN; in degrees (0 or 180)
 * with `deg`. Derivative 0 (atan2(0, x)'s), as jnp's away from 0.
 * @example ad.angle(ad.tensor([2, -2, -0])).toArray(); // => [0, 3.141592653589793, 3.141592653589793]
 */
export function angle(z: TensorLike, deg?: boolean): Tensor;
export function angle(z: TensorLike, deg = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('angle', 'angle(z, deg?)', extra, deg);
  const t = asTensor(z, 'angle');
  if (typeof deg !== 'boolean') throw new InvalidArgumentError(`angle: deg must be true (degrees) or false (radians), got ${describe(deg)}.`);
  const a = atan2(0, t);
  return deg ? mul(a, 180 / Math.PI) : a; // numpy: a *= 180/pi
}

/**
 * 1 where x is real (numpy.isreal: where its imaginary part is 0): every entry of a real tensor,
 * NaN included. No gradient.
 * @example ad.isreal(ad.tensor([1, NaN])).toArray(); // => [1, 1]
 */
export function isreal(x: TensorLike): Tensor;
export function isreal(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('isreal', 'isreal(x)', extra, x);
  return onesLike(asTensor(x, 'isreal'));
}

/**
 * 1 where x is complex (numpy.iscomplex: where its imaginary part is not 0): no entry of a real
 * tensor, so zeros of x's shape. No gradient.
 * @example ad.iscomplex(ad.tensor([1, NaN])).toArray(); // => [0, 0]
 */
export function iscomplex(x: TensorLike): Tensor;
export function iscomplex(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('iscomplex', 'iscomplex(x)', extra, x);
  return zerosLike(asTensor(x, 'iscomplex'));
}

/**
 * Whether x's type is real (numpy.isrealobj): always true — adjoint's tensors are float64 — for a
 * tensor, a number, nested arrays or a typed array (anything else is an error).
 * @example ad.isrealobj(ad.tensor([1, 2])); // => true
 */
export function isrealobj(x: TensorInput): boolean;
export function isrealobj(x: TensorInput, ...extra: unknown[]): boolean {
  if (extra.length > 0) extraArguments('isrealobj', 'isrealobj(x)', extra, x);
  arrayLike('isrealobj', x);
  return true;
}

/**
 * Whether x's type is complex (numpy.iscomplexobj): always false, as `isrealobj` is always true.
 * @example ad.iscomplexobj(ad.tensor([1, 2])); // => false
 */
export function iscomplexobj(x: TensorInput): boolean;
export function iscomplexobj(x: TensorInput, ...extra: unknown[]): boolean {
  if (extra.length > 0) extraArguments('iscomplexobj', 'iscomplexobj(x)', extra, x);
  arrayLike('iscomplexobj', x);
  return false;
}

// ---------------------------------------------------------------------------------------------
// Float spacing

/**
 * The distance from x to the next float64 away from zero (numpy.spacing), with x's sign: eps·|x|
 * rounded down to a power of two (2⁻⁵² at 1, −2⁻⁵² at −1), 5e-324 at ±0 (positive at −0, as
 * NumPy 1.24's; jnp's is −5e-324 there) and for subnormals, ∞ at the largest float64, NaN at ±∞
 * and NaN. Exact (the difference of neighbouring floats). No gradient.
 * @example ad.spacing(ad.tensor([1, -1, 0])).toArray(); // => [2.220446049250313e-16, -2.220446049250313e-16, 5e-324]
 */
export function spacing(x: TensorLike): Tensor;
export function spacing(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('spacing', 'spacing(x)', extra, x);
  const t = stopGradient(asTensor(x, 'spacing'));
  return sub(nextafter(t, where(less(t, 0), -Infinity, Infinity)), t);
}
