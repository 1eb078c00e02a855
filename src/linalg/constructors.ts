/**
 * @file jax.scipy.linalg's special matrices and Cholesky pair: linalg.blockDiag, toeplitz and
 * hilbert, and choFactor/choSolve (SciPy's (c, lower) pair). All are compositions of
 * differentiable ops (concat, take, cholesky, triangular solves), so their derivatives, vmap and
 * jit come from those ops.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { describe } from '../tensor/describe.js';
import { broadcastShapes, formatShape, shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { allocChecked } from '../tensor/checks.js';
import { asTensor, zeros, type TensorLike } from '../tensor/create.js';
import { broadcastTo, concat, reshape, take } from '../ops/shape.js';
import { cholesky } from './cholesky.js';
import { noMoreArguments, noOptions, squareArg } from './matrix.js';
import { solveOperands } from './operands.js';
import { solveTriangular } from './triangular.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * The block diagonal matrix of the arguments (jax.scipy.linalg.block_diag): each argument a
 * matrix, a vector (one row) or a number (1×1), placed along the diagonal with zeros elsewhere;
 * no arguments give a [1, 0] matrix, as SciPy and JAX. Not batched (JAX's is not: an argument
 * with more than two axes is an error). Differentiable in every argument.
 * @example ad.linalg.blockDiag(ad.tensor([[1, 2]]), 3) // [[1, 2, 0], [0, 0, 3]]
 */
export function blockDiag(...arrays: TensorLike[]): Tensor {
  const op = 'linalg.blockDiag';
  if (arrays.length === 0) return zeros([1, 0]);
  const blocks = arrays.map((x, i) => {
    if (typeof x === 'object' && x !== null && !(x instanceof Tensor) && !Array.isArray(x) && !ArrayBuffer.isView(x)) {
      throw new InvalidArgumentError(`${op}: argument ${i} is ${describe(x)}; blockDiag takes the blocks themselves (tensors, arrays or numbers), spread: blockDiag(...blocks).`);
    }
    const t = asTensor(x, op);
    if (t.ndim > 2) {
      throw new ShapeError(`${op}: argument ${i} has shape ${formatShape(t.shape)}; blocks must have at most two axes (jax.scipy.linalg.block_diag is not batched). For a batch, vmap blockDiag over it.`);
    }
    return t.ndim === 2 ? t : reshape(t, [1, t.size]);
  });
  const cols = blocks.reduce((s, b) => s + b.shape[1]!, 0);
  let before = 0;
  const rows = blocks.map((b) => {
    const [r, c] = b.shape as [number, number];
    const parts = [...(before > 0 ? [zeros([r, before])] : []), b, ...(cols - before - c > 0 ? [zeros([r, cols - before - c])] : [])];
    before += c;
    return parts.length === 1 ? b : concat(parts, 1);
  });
  return rows.length === 1 ? rows[0]! : concat(rows, 0);
}

/**
 * The Toeplitz matrix with first column c and first row r (jax.scipy.linalg.toeplitz): t[i, j] =
 * c[i − j] for i ≥ j, r[j − i] above the diagonal (r[0] is not read: c[0] is the diagonal).
 * Without r, r = c (a symmetric Toeplitz matrix). As JAX's (and unlike SciPy's, which flattens),
 * c [..., m] and r [..., n] are batched over broadcast leading axes: the result is [..., m, n].
 * A number is a vector of one entry. Differentiable in c and r.
 * @example ad.linalg.toeplitz(ad.tensor([1, 2, 3]), ad.tensor([1, 4, 5])) // [[1, 4, 5], [2, 1, 4], [3, 2, 1]]
 */
export function toeplitz(c: TensorLike, r?: TensorLike): Tensor;
export function toeplitz(c: TensorLike, r?: TensorLike, ...extra: unknown[]): Tensor {
  const op = 'linalg.toeplitz';
  noOptions(op, extra, 'toeplitz(c, r?) takes the first column and the first row');
  if (extra.length > 0) extraArguments(op, 'linalg.toeplitz(c, r?)', extra, r);
  let col = asTensor(c, op);
  let row = r === undefined ? col : asTensor(r, op);
  if (col.ndim === 0) col = reshape(col, [1]);
  if (row.ndim === 0) row = reshape(row, [1]);
  const m = col.shape[col.ndim - 1]!, n = row.shape[row.ndim - 1]!;
  const batch = broadcastShapes(op, col.shape.slice(0, -1), row.shape.slice(0, -1));
  const cb = shapesEqual(col.shape, [...batch, m]) ? col : broadcastTo(col, [...batch, m]);
  const rb = shapesEqual(row.shape, [...batch, n]) ? row : broadcastTo(row, [...batch, n]);
  if (m === 0 || n === 0) return zeros([...batch, m, n]);
  // v = [c[m−1], …, c[1], c[0], r[1], …, r[n−1]], and t[i, j] = v[m − 1 − i + j].
  const index = new Int32Array(m + n - 1);
  for (let k = 0; k < m; k++) index[k] = m - 1 - k; // c reversed
  const fromC = take(cb, index.subarray(0, m), -1);
  const v = n > 1 ? concat([fromC, take(rb, Int32Array.from({ length: n - 1 }, (_, k) => k + 1), -1)], -1) : fromC;
  const grid = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) grid[i * n + j] = m - 1 - i + j;
  return take(v, new Tensor(grid, [m, n]), -1);
}

/**
 * The n×n Hilbert matrix h[i, j] = 1/(i + j + 1) (jax.scipy.linalg.hilbert), a classic
 * ill-conditioned test matrix (cond ≈ e^{3.5n}).
 * @example ad.linalg.hilbert(2) // [[1, 0.5], [0.5, 0.3333333333333333]]
 */
export function hilbert(n: number): Tensor;
export function hilbert(n: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.hilbert', 'linalg.hilbert(n)', extra, n);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError(`linalg.hilbert: n must be a non-negative integer (the matrix's size), got ${describe(n)}.`);
  }
  const h = allocChecked('linalg.hilbert', [n, n]);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) h[i * n + j] = 1 / (i + j + 1);
  return new Tensor(h, [n, n]);
}

/** The Cholesky factor with its triangle, as choFactor returns it and choSolve takes it (SciPy's (c, lower) pair). */
export interface ChoFactor {
  /** The factor: lower l with a = l lᵀ (lower: true), or upper u with a = uᵀ u (lower: false). The other triangle is zero (JAX's; SciPy leaves it arbitrary). */
  readonly c: Tensor;
  /** Which triangle c holds. */
  readonly lower: boolean;
}

/** `lower` from choFactor(a, true) or choFactor(a, { lower }); false by default, as SciPy. */
function lowerOption(extra: readonly unknown[]): boolean {
  const [first] = extra;
  if (first === undefined || typeof first === 'number' || Array.isArray(first)) return false; // xs.map(choFactor): index, array
  if (typeof first === 'boolean') return first;
  if (typeof first === 'object' && first !== null && !(first instanceof Tensor)) {
    const keys = Object.keys(first);
    const unknown = keys.filter((k) => k !== 'lower');
    if (unknown.length > 0) throw new InvalidArgumentError(`linalg.choFactor: unknown option(s) ${unknown.join(', ')}; the only option is lower (true for the lower factor).`);
    const lower = (first as { lower?: unknown }).lower ?? false;
    if (typeof lower !== 'boolean') throw new InvalidArgumentError(`linalg.choFactor: lower must be true or false, got ${describe(lower)}.`);
    return lower;
  }
  throw new InvalidArgumentError(`linalg.choFactor: the second argument is lower (true or false, or { lower }), got ${describe(first)}.`);
}

/**
 * The Cholesky factor of a symmetric positive-definite a with the triangle it is in
 * (jax.scipy.linalg.cho_factor): `{ c, lower }`, c upper (a = cᵀ c, the default, as SciPy) or
 * lower (`choFactor(a, true)` or `{ lower: true }`: a = c cᵀ). Pass the pair to linalg.choSolve.
 * Batched over leading axes; differentiable as linalg.cholesky.
 * @example ad.linalg.choFactor(ad.tensor([[4, 2], [2, 3]])).c // [[2, 1], [0, 1.4142135623730951]]
 */
export function choFactor(a: TensorLike, lower?: boolean | { lower?: boolean }): ChoFactor;
export function choFactor(a: TensorLike, ...extra: unknown[]): ChoFactor {
  const lower = lowerOption(extra);
  noMoreArguments('linalg.choFactor', 'linalg.choFactor(a, lower?)', extra, typeof extra[0] === 'boolean' || (typeof extra[0] === 'object' && extra[0] !== null), a);
  return { c: cholesky(squareArg('linalg.choFactor', a), { upper: !lower }), lower };
}

/**
 * Solves a x = b from choFactor(a)'s `{ c, lower }` (jax.scipy.linalg.cho_solve; SciPy's
 * `(c, lower)` tuple as `[c, lower]` is taken too): two triangular solves reading c's triangle
 * only. b is [..., n, k], or a vector [n] when c is 2-D; batch axes broadcast. Differentiable in
 * c and b.
 * @example
 * const f = ad.linalg.choFactor(ad.tensor([[4, 2], [2, 3]]));
 * ad.linalg.choSolve(f, ad.tensor([6, 5])); // [1, 1]
 */
export function choSolve(factor: ChoFactor | readonly [TensorLike, boolean], b: TensorLike): Tensor;
export function choSolve(factor: ChoFactor | readonly [TensorLike, boolean], b: TensorLike, ...extra: unknown[]): Tensor {
  const op = 'linalg.choSolve';
  noOptions(op, extra, 'choSolve(factor, b) solves a x = b with the { c, lower } of linalg.choFactor');
  if (extra.length > 0) extraArguments(op, 'linalg.choSolve(factor, b)', extra, b);
  let c: TensorLike, lower: unknown;
  if (Array.isArray(factor) && factor.length === 2) [c, lower] = factor as [TensorLike, unknown];
  else if (typeof factor === 'object' && factor !== null && 'c' in factor && 'lower' in factor) ({ c, lower } = factor as ChoFactor);
  else throw new InvalidArgumentError(`${op}: pass the { c, lower } that linalg.choFactor returns (or SciPy's [c, lower] pair), then b; got ${describe(factor)}.`);
  if (typeof lower !== 'boolean') throw new InvalidArgumentError(`${op}: the factor's lower must be true or false, got ${describe(lower)}.`);
  const s = solveOperands(op, squareArg(op, c, 'c'), b);
  // lower: l y = b, lᵀ x = y.  upper: uᵀ y = b, u x = y.
  const y = solveTriangular(s.a, s.b, { lower, transposeA: !lower, unitDiagonal: false, left: true });
  return s.finish(solveTriangular(s.a, y, { lower, transposeA: lower, unitDiagonal: false, left: true }));
}
