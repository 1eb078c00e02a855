/**
 * @file jax.numpy's polynomial functions on coefficient vectors (highest degree first, as
 * numpy.poly1d's), as composites (no new primitives): poly, polyadd, polysub, polymul, polydiv,
 * polyder, polyint, polyfit (least squares through linalg.lstsq) and vander. Differentiable in
 * every coefficient, root, sample and weight. (numpy.roots needs the eigenvalues of a general
 * matrix, which adjoint does not have, so it is left out.)
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { arange, asTensor, describe, eye, ones, tensor, zeros, type TensorLike } from '../tensor/create.js';
import { add, div, mul, sub } from './binary.js';
import { neg, sqrt } from './unary.js';
import { broadcastTo, concat, reshape, slice, stack } from './shape.js';
import { flip, pad } from './rearrange.js';
import { sum } from './reduce.js';
import { atleast1d } from './layout.js';
import { convolve } from './interpolation.js';
import { matmul } from './linalg.js';
import { cumprod } from '../products/cumprod.js';
import { lstsq } from '../linalg/pinv.js';
import { characteristicPolynomial } from './characteristicPolynomial.js';
import { trace as matrixTrace } from '../linalg/diagonal.js';
import { knownOptions } from './optionChecks.js';
import { integerArg } from './numpyBreadth.js';
import { readValues } from './numpyPositions.js';
import { extraArguments } from '../core/extraArguments.js';

/** A coefficient vector: a 0-d input becomes [c] (NumPy's atleast_1d); more than one axis is an error. */
function coefficients(op: string, name: string, p: TensorLike): Tensor {
  const t = atleast1d(asTensor(p, op));
  if (t.ndim !== 1) throw new ShapeError(`${op}: ${name} must be 1-d (coefficients, highest degree first), got shape ${formatShape(t.shape)}.`);
  return t;
}

/** Entry k of a 1-d tensor, 0-d. */
const entry = (t: Tensor, k: number) => reshape(slice(t, [k], [1]), []);

/**
 * The coefficients of the monic polynomial with the given roots (numpy.poly): Π (x − rᵢ), highest
 * degree first, by successive convolutions as NumPy's. A square matrix gives its characteristic
 * polynomial det(xI − A) — by Householder reduction to Hessenberg form and La Budde's recurrence
 * (./characteristicPolynomial.ts; NumPy takes the poly of the eigenvalues: the values agree to
 * rounding, and exactly for triangular matrices). No roots give the 0-d 1. Differentiable.
 * @example ad.poly(ad.tensor([1, 2])).toArray(); // => [1, -3, 2]
 */
export function poly(seqOfZeros: TensorLike): Tensor;
export function poly(seqOfZeros: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('poly', 'poly(seqOfZeros)', extra, seqOfZeros);
  const t = asTensor(seqOfZeros, 'poly');
  if (t.ndim === 2 && t.shape[0] === t.shape[1] && t.shape[0]! > 0) return characteristicPolynomial(t);
  if (t.ndim > 1) throw new ShapeError(`poly: seqOfZeros must be 1-d (the roots) or a square matrix, got shape ${formatShape(t.shape)}.`);
  const roots = atleast1d(t);
  if (roots.size === 0) return tensor(1);
  let a: Tensor = tensor([1]);
  for (let k = 0; k < roots.size; k++) a = convolve(a, stack([tensor(1), neg(entry(roots, k))], 0), 'full');
  return a;
}

/** The shorter of two coefficient vectors padded with leading zeros to the longer one's length. */
function aligned(op: string, a1: TensorLike, a2: TensorLike): [Tensor, Tensor] {
  const [a, b] = [coefficients(op, 'a1', a1), coefficients(op, 'a2', a2)];
  const n = Math.max(a.size, b.size);
  return [pad(a, [[n - a.size, 0]]), pad(b, [[n - b.size, 0]])];
}

/**
 * The sum of two polynomials (numpy.polyadd): the shorter padded with leading zeros.
 * @example ad.polyadd(ad.tensor([1, 2]), ad.tensor([9, 5, 4])).toArray(); // => [9, 6, 6]
 */
export function polyadd(a1: TensorLike, a2: TensorLike): Tensor;
export function polyadd(a1: TensorLike, a2: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polyadd', 'polyadd(a1, a2)', extra, a2);
  return add(...aligned('polyadd', a1, a2));
}

/**
 * The difference a1 − a2 of two polynomials (numpy.polysub).
 * @example ad.polysub(ad.tensor([2, 10, -2]), ad.tensor([3, 10, -4])).toArray(); // => [-1, 0, 2]
 */
export function polysub(a1: TensorLike, a2: TensorLike): Tensor;
export function polysub(a1: TensorLike, a2: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polysub', 'polysub(a1, a2)', extra, a2);
  return sub(...aligned('polysub', a1, a2));
}

/**
 * The product of two polynomials (numpy.polymul): the convolution of their coefficients.
 * @example ad.polymul(ad.tensor([1, 2]), ad.tensor([1, -2])).toArray(); // => [1, 0, -4]
 */
export function polymul(a1: TensorLike, a2: TensorLike): Tensor;
export function polymul(a1: TensorLike, a2: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polymul', 'polymul(a1, a2)', extra, a2);
  // An empty coefficient list is the zero polynomial [0] (NumPy's poly1d([]), jnp.polymul's), which
  // convolve (needing non-empty inputs) would refuse: np.polymul([], [1, 2]) = [0, 0].
  const [a, b] = [coefficients('polymul', 'a1', a1), coefficients('polymul', 'a2', a2)];
  return convolve(a.size === 0 ? zeros([1]) : a, b.size === 0 ? zeros([1]) : b, 'full');
}

/** Options of `polydiv`. */
export interface PolydivOptions {
  /** Drop the remainder's leading entries with |r₀| ≤ 1e-8 as NumPy does (its length then depends on the values; read eagerly). Default false, as jnp's. */
  readonly trimLeadingZeros?: boolean | undefined;
}

/**
 * `[quotient, remainder]` of u / v (numpy.polydiv), by NumPy's long division. As jnp.polydiv the
 * remainder keeps u's length (leading zeros included) unless `trimLeadingZeros`, which drops them
 * as NumPy (entries |r₀| ≤ 1e-8, numpy.allclose's test) — a value-dependent length, read eagerly.
 * v's leading coefficient must be non-zero (it is divided by). Differentiable in u and v.
 * @example ad.polydiv(ad.tensor([3, 5, 2]), ad.tensor([2, 1])).map((t) => t.toArray()); // => [[1.5, 1.75], [0, 0, 0.25]]
 */
export function polydiv(u: TensorLike, v: TensorLike, options?: PolydivOptions): [Tensor, Tensor];
export function polydiv(u: TensorLike, v: TensorLike, options: PolydivOptions = {}, ...extra: unknown[]): [Tensor, Tensor] {
  if (extra.length > 0) extraArguments('polydiv', 'polydiv(u, v, options?)', extra, options);
  knownOptions('polydiv', options, ['trimLeadingZeros'], '{ trimLeadingZeros: true }');
  const trim = options.trimLeadingZeros ?? false;
  if (typeof trim !== 'boolean') throw new InvalidArgumentError(`polydiv: trimLeadingZeros must be true or false, got ${describe(trim)}.`);
  const tu = coefficients('polydiv', 'u', u), tv = coefficients('polydiv', 'v', v);
  if (tu.size === 0 || tv.size === 0) throw new ShapeError(`polydiv: u and v need a coefficient each, got shapes ${formatShape(tu.shape)} and ${formatShape(tv.shape)}.`);
  const m = tu.size - 1, n = tv.size - 1;
  const scale = div(1, entry(tv, 0));
  let r = tu;
  const q: Tensor[] = [];
  for (let k = 0; k <= m - n; k++) {
    const d = mul(scale, entry(r, k));
    q.push(d);
    r = sub(r, pad(mul(d, tv), [[k, m - n - k]]));
  }
  const quotient = q.length === 0 ? zeros([1]) : stack(q, 0);
  if (!trim) return [quotient, r];
  const values = readValues('polydiv', r, 'leave trimLeadingZeros out (the remainder then keeps u\'s length, as jnp.polydiv)');
  let start = 0;
  while (start < values.length - 1 && Math.abs(values[start]!) <= 1e-8) start++;
  return [quotient, slice(r, [start], [r.size - start])];
}

/**
 * The m-th derivative of a polynomial (numpy.polyder): m ≥ 0; a constant's derivative is empty
 * (NumPy's). Differentiable (linear).
 * @example ad.polyder(ad.tensor([1, 1, 1, 1])).toArray(); // => [3, 2, 1]
 */
export function polyder(p: TensorLike, m?: number): Tensor;
export function polyder(p: TensorLike, m = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polyder', 'polyder(p, m?)', extra, m);
  let t = coefficients('polyder', 'p', p);
  integerArg('polyder', 'the order m', m);
  for (let k = 0; k < m; k++) {
    const n = t.size - 1;
    t = n <= 0 ? zeros([0]) : mul(slice(t, [0], [n]), arange(n, 0, -1));
  }
  return t;
}

/**
 * The m-th antiderivative of a polynomial (numpy.polyint), with integration constants k: one number
 * or tensor for all m steps, or m of them (the first for the first integration); default 0.
 * Differentiable in p and k.
 * @example ad.polyint(ad.tensor([3, 2, 1]), 1, 5).toArray(); // => [1, 1, 1, 5]
 */
export function polyint(p: TensorLike, m?: number, k?: TensorLike): Tensor;
export function polyint(p: TensorLike, m = 1, k?: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polyint', 'polyint(p, m?, k?)', extra, k);
  let t = coefficients('polyint', 'p', p);
  integerArg('polyint', 'the order m', m);
  let ks = k === undefined ? zeros([m]) : atleast1d(asTensor(k, 'polyint'));
  if (ks.ndim !== 1) throw new ShapeError(`polyint: k must be a number or 1-d, got shape ${formatShape(ks.shape)}.`);
  if (ks.size === 1 && m > 1) ks = broadcastTo(ks, [m]);
  if (ks.size < m) throw new InvalidArgumentError(`polyint: k has ${ks.size} constants for ${m} integrations; give one, or at least m.`);
  for (let j = 0; j < m; j++) t = concat([div(t, arange(t.size, 0, -1)), reshape(entry(ks, j), [1])], 0);
  return t;
}

/**
 * The Vandermonde matrix of the 1-d x (numpy.vander): column j is x^(N−1−j), or x^j with
 * `increasing`; N = x's length by default. Powers by running products (NumPy's), so the derivative
 * at x = 0 is exact.
 * @example ad.vander(ad.tensor([1, 2, 3]), 3).toArray(); // => [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
 */
export function vander(x: TensorLike, N?: number, increasing?: boolean): Tensor;
export function vander(x: TensorLike, N?: number, increasing = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('vander', 'vander(x, N?, increasing?)', extra, increasing);
  const t = asTensor(x, 'vander');
  if (t.ndim !== 1) throw new ShapeError(`vander: x must be 1-d, got shape ${formatShape(t.shape)}.`);
  const cols = N === undefined ? t.size : integerArg('vander', 'N', N);
  if (typeof increasing !== 'boolean') throw new InvalidArgumentError(`vander: increasing must be true or false, got ${describe(increasing)}.`);
  const n = t.size;
  let v: Tensor;
  if (cols === 0) v = zeros([n, 0]);
  else if (cols === 1) v = ones([n, 1]);
  else v = concat([ones([n, 1]), cumprod(broadcastTo(reshape(t, [n, 1]), [n, cols - 1]), 1)], 1);
  return increasing ? v : flip(v, 1);
}

/** Options of `polyfit`. */
export interface PolyfitOptions {
  /** Singular values below rcond × the largest are treated as zero (default len(x)·ε, NumPy's). */
  readonly rcond?: number | undefined;
  /** A weight per sample, multiplying its residual (NumPy's w: 1/σ, not 1/σ²). */
  readonly w?: TensorLike | undefined;
}

/**
 * The least-squares polynomial of degree `deg` through (x, y) (numpy.polyfit): coefficients
 * highest degree first; y of shape [n] or [n, K] (K fits, coefficients [deg + 1, K]). NumPy's
 * method: the Vandermonde matrix (rows times the weights `w`) with columns scaled to unit norm,
 * solved by `linalg.lstsq` (pseudo-inverse, `rcond`), the scale divided out. Differentiable in x,
 * y and w. NumPy's `full` and `cov` outputs are not offered (use `linalg.lstsq` on `vander`).
 * @example ad.polyfit(ad.tensor([0, 1, 2, 3]), ad.tensor([1, 3, 5, 7]), 1).toArray().map((c) => Math.round(c * 1e12) / 1e12); // => [2, 1]
 */
export function polyfit(x: TensorLike, y: TensorLike, deg: number, options?: PolyfitOptions): Tensor;
export function polyfit(x: TensorLike, y: TensorLike, deg: number, options: PolyfitOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('polyfit', 'polyfit(x, y, deg, options?)', extra, options);
  knownOptions('polyfit', options, ['rcond', 'w'], '{ w: weights, rcond: 1e-10 }');
  const tx = asTensor(x, 'polyfit'), ty = asTensor(y, 'polyfit');
  integerArg('polyfit', 'deg', deg);
  if (tx.ndim !== 1 || tx.size === 0) throw new ShapeError(`polyfit: x must be 1-d and non-empty, got shape ${formatShape(tx.shape)}.`);
  if (ty.ndim < 1 || ty.ndim > 2 || ty.shape[0] !== tx.size) {
    throw new ShapeError(`polyfit: y of shape ${formatShape(ty.shape)} must be [${tx.size}] or [${tx.size}, K] (one row per x).`);
  }
  const rcond = options.rcond ?? tx.size * Number.EPSILON;
  if (typeof rcond !== 'number') throw new InvalidArgumentError(`polyfit: rcond must be a number, got ${describe(rcond)}.`);
  let lhs = vander(tx, deg + 1);
  let rhs = ty;
  if (options.w !== undefined) {
    const w = asTensor(options.w, 'polyfit');
    if (w.ndim !== 1 || w.size !== tx.size) throw new ShapeError(`polyfit: w of shape ${formatShape(w.shape)} must be [${tx.size}], a weight per sample.`);
    lhs = mul(lhs, reshape(w, [tx.size, 1]));
    rhs = mul(rhs, ty.ndim === 2 ? reshape(w, [tx.size, 1]) : w);
  }
  const scale = sqrt(sum(mul(lhs, lhs), 0));
  const { solution } = lstsq(div(lhs, scale), rhs, rcond);
  return div(solution, ty.ndim === 2 ? reshape(scale, [deg + 1, 1]) : scale);
}

