/** @file Functions of the spectrum: linalg.eigvalsh, svdvals, matrixRank and cond, as numpy.linalg / torch.linalg, composed from eigh, svd, norm and inv. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import { describe } from '../tensor/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { div, greater, mul, notEqual, sub } from '../ops/binary.js';
import { abs } from '../ops/unary.js';
import { max, sum } from '../ops/reduce.js';
import { isfinite, isnan, logicalAnd, logicalNot } from '../ops/predicates.js';
import { where } from '../ops/select.js';
import { slice } from '../ops/shape.js';
import { checkOptions } from '../transforms/loopArgs.js';
import { matrixArg, namedAs, noOptions, squareArg } from './matrix.js';
import { eigh } from './eigh.js';
import { svd } from './svd.js';
import { norm, type NormOrder } from './norm.js';
import { invOf } from './solve.js';
import { tolerance } from './pinv.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * The eigenvalues of each symmetric matrix, ascending (numpy.linalg.eigvalsh): linalg.eigh's
 * values, differentiable also where eigenvalues repeat (d λᵢ = vᵢᵀ dA vᵢ for a simple one).
 * @example ad.linalg.eigvalsh(ad.tensor([[2, 1], [1, 2]])) // [1, 3]
 */
export function eigvalsh(a: TensorLike): Tensor;
export function eigvalsh(a: TensorLike, ...extra: unknown[]): Tensor {
  noOptions('linalg.eigvalsh', extra, "eigvalsh(a) reads the whole matrix, which must be symmetric (no UPLO: for one triangle's matrix build it with ad.tril and its transpose)");
  if (extra.length > 0) extraArguments('linalg.eigvalsh', 'linalg.eigvalsh(a)', extra, a);
  return namedAs('linalg.eigvalsh', () => eigh(squareArg('linalg.eigvalsh', a)).values);
}

/**
 * The singular values of each matrix, descending (torch.linalg.svdvals): linalg.svd's s,
 * differentiable where they are distinct and non-zero (d sᵢ = uᵢᵀ dA vᵢ).
 * @example ad.linalg.svdvals(ad.tensor([[3, 0], [0, -2]])) // [3, 2]
 */
export function svdvals(a: TensorLike): Tensor;
export function svdvals(a: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.svdvals', 'linalg.svdvals(a)', extra, a);
  return namedAs('linalg.svdvals', () => svd(matrixArg('linalg.svdvals', a)).s);
}

/** The entries [k, k+1) of the last axis. */
function lastEntry(x: Tensor, k: number): Tensor {
  const begin = x.shape.map(() => 0), size = [...x.shape];
  begin[x.ndim - 1] = k;
  size[x.ndim - 1] = 1;
  return slice(x, begin, size);
}

/** Options of linalg.matrixRank (numpy.linalg.matrix_rank's keywords). */
export interface MatrixRankOptions {
  /** Absolute threshold: singular values > tol count. Default max(s)·rtol. */
  tol?: number | undefined;
  /** Relative threshold (with tol unset): singular values > rtol·max(s) count. Default max(m, n)·ε. */
  rtol?: number | undefined;
  /** a is symmetric: count its eigenvalues |λ| instead of singular values. Default false. */
  hermitian?: boolean | undefined;
}


/**
 * The rank of each matrix: how many singular values exceed the tolerance, max(m, n)·ε·max(s) by
 * default (numpy.linalg.matrix_rank, whose `tol` is absolute and `rtol` relative). A vector's rank
 * is 1 unless it is all zeros. Returned as a float tensor [...batch]; its derivative is zero.
 * @example ad.linalg.matrixRank(ad.tensor([[1, 2], [2, 4]])) // 1
 */
export function matrixRank(a: TensorLike, options?: MatrixRankOptions): Tensor;
export function matrixRank(a: TensorLike, options: MatrixRankOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.matrixRank', 'linalg.matrixRank(a, options?)', extra, options);
  const op = 'linalg.matrixRank';
  checkOptions(options, op, ['tol', 'rtol', 'hermitian']);
  const t = asTensor(a, op);
  const tol = tolerance(op, 'tol', options.tol, undefined), rtol = tolerance(op, 'rtol', options.rtol, undefined);
  if (tol !== undefined && rtol !== undefined) throw new InvalidArgumentError(`${op}: pass tol (absolute) or rtol (relative), not both.`);
  const hermitian = options.hermitian ?? false;
  if (typeof hermitian !== 'boolean') throw new InvalidArgumentError(`${op}: option hermitian must be true or false, got ${describe(hermitian)}.`);
  if (t.ndim < 2) {
    if (t.ndim === 0) throw new ShapeError(`${op}: a must be a vector or a (batch of) matrices, got a scalar; reshape it to [1, 1].`);
    return t.size === 0 ? sum(t, -1) : max(notEqual(t, 0), -1); // numpy: int(not all(a == 0))
  }
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  if (Math.min(m, n) === 0) return sum(sum(t, -1), -1); // no singular values: rank 0
  const s = namedAs(op, () => (hermitian ? abs(eigh(squareArg(op, t)).values) : svd(t).s));
  const cutoff = tol ?? mul(max(s, -1, true), rtol ?? Math.max(m, n) * Number.EPSILON);
  return sum(greater(s, cutoff), -1);
}

/** What cond's p may be (numpy.linalg.cond): undefined or ±2 by singular values, else a matrix norm of a and a⁻¹. */
export type CondOrder = NormOrder;

/**
 * The condition number of each matrix in the p-norm (numpy.linalg.cond): for p undefined or 2,
 * s_max/s_min from the SVD (any [..., m, n]); −2 gives s_min/s_max; for 'fro', 'nuc', ±1 and
 * ±Infinity, ‖a‖_p·‖a⁻¹‖_p of a square a. A singular matrix gives Infinity (NumPy's rule: a NaN
 * from a⁻¹ becomes ∞ unless a itself has a NaN).
 * @example ad.linalg.cond(ad.tensor([[2, 0], [0, 0.5]])) // 4
 */
export function cond(x: TensorLike, p?: CondOrder): Tensor;
export function cond(x: TensorLike, p?: CondOrder, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.cond', 'linalg.cond(x, p?)', extra, p);
  const op = 'linalg.cond';
  if (p !== undefined && ![2, -2, 1, -1, Infinity, -Infinity, 'fro', 'nuc'].includes(p)) {
    throw new InvalidArgumentError(`${op}: p must be undefined, 2, -2, 1, -1, Infinity, -Infinity, 'fro' or 'nuc', got ${describe(p)}.`);
  }
  const t = matrixArg(op, x);
  const m = t.shape[t.ndim - 2]!, n = t.shape[t.ndim - 1]!;
  if (Math.min(m, n) === 0) throw new ShapeError(`${op}: the condition number of an empty matrix ${formatShape(t.shape)} is not defined (numpy raises too).`);
  let r: Tensor;
  if (p === undefined || p === 2 || p === -2) {
    const s = namedAs(op, () => svd(t).s), k = Math.min(m, n);
    const ratio = p === -2 ? div(lastEntry(s, k - 1), lastEntry(s, 0)) : div(lastEntry(s, 0), lastEntry(s, k - 1));
    r = sum(ratio, -1); // drops the kept axis (one entry)
  } else if (p === 'nuc') {
    // ‖a‖_* ‖a⁻¹‖_* = (Σ σᵢ)(Σ 1/σᵢ) from one SVD of a: a singular a gives ∞ (0 · ∞, a zero matrix,
    // NaN, then ∞ below), where the norm of an inverse full of ±∞ and NaN stopped in its SVD.
    const s = namedAs(op, () => svd(squareArg(op, t)).s);
    r = mul(sum(s, -1), sum(div(1, s), -1));
  } else {
    const sq = squareArg(op, t);
    r = mul(norm(sq, p, [-2, -1]), norm(invOf(sq, null), p, [-2, -1]));
  }
  // A singular a: a⁻¹ has ±∞ and NaN, its norm NaN (or s_max/s_min = 0/0 for a zero matrix);
  // NumPy reports ∞ for every p unless a had a NaN itself. That ∞ has no derivative: it is 1/(e − e)
  // for e the sum of a's finite entries scaled by 2^−1000 (so that it cannot overflow, where e − e
  // would be NaN), whose derivative is NaN in every mode (−∞ + ∞), as JAX's and PyTorch's at a
  // singular a — a constant ∞ would give 0 where the NaN of r's own rule is masked (eagerly, p = 1
  // at a 3×3 of rank 2) and NaN where it is not (under vmap and jit).
  const aHasNaN = greater(sum(isnan(t), [-2, -1]), 0);
  const entries = sum(mul(where(isfinite(t), t, 0), 2 ** -1000), [-2, -1]);
  return where(logicalAnd(isnan(r), logicalNot(aHasNaN)), div(1, sub(entries, entries)), r);
}
