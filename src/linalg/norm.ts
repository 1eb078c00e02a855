/** @file linalg.norm: vector and matrix norms with numpy.linalg.norm's ord and axis conventions. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { describe, literal } from '../tensor/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { div, greater, mul, notEqual, pow } from '../ops/binary.js';
import { isfinite, logicalAnd } from '../ops/predicates.js';
import { stopGradient, where } from '../ops/select.js';
import { abs } from '../ops/unary.js';
import { max, min, sum } from '../ops/reduce.js';
import { rootSumSquares } from '../ops/squareScale.js';
import { expandDims, reshape, squeeze, transpose } from '../ops/shape.js';
import { svd } from './svd.js';
import { namedAs } from './matrix.js';
import { extraArguments } from '../core/extraArguments.js';

/** What `ord` may be: a number (vector: any p, ±Infinity, 0; matrix: ±1, ±2, ±Infinity), 'fro' or 'nuc'. */
export type NormOrder = number | 'fro' | 'nuc';

/**
 * A max or min over an empty axis has no identity (numpy.linalg.norm and torch.linalg.norm raise):
 * without this check the norm would be a silent NaN. `what` names the empty axis.
 */
function nonEmpty(size: number, ord: NormOrder, x: Tensor, what: string): void {
  if (size > 0) return;
  throw new InvalidArgumentError(
    `linalg.norm: the ord ${String(ord)} norm of ${formatShape(x.shape)} takes a max or min over ${what}, which is empty and has no identity; ` +
      `pass a non-empty tensor, or use ord 'fro' (or 2 for vectors), whose value for no entries is 0.`,
  );
}

/** `ord` in a message: a string quoted, so '2' is told from 2. */
const shownOrd = (ord: unknown) => (typeof ord === 'string' ? `'${ord}'` : String(ord));

function vectorNorm(x: Tensor, ord: NormOrder | undefined, axis: number, keepdims: boolean): Tensor {
  if (ord === undefined || ord === 2) return rootSumSquares(x, axis, keepdims);
  if (ord === Infinity || ord === -Infinity) nonEmpty(x.shape[axis]!, ord, x, `axis ${axis}`);
  if (ord === Infinity) return max(abs(x), axis, keepdims);
  if (ord === -Infinity) return min(abs(x), axis, keepdims);
  if (ord === 1) return sum(abs(x), axis, keepdims);
  if (ord === 0) return sum(notEqual(x, 0), axis, keepdims); // a count: no derivative
  if (typeof ord === 'number' && Number.isFinite(ord)) return pNorm(x, ord, axis, keepdims);
  throw new InvalidArgumentError(`linalg.norm: ord ${shownOrd(ord)} is not a vector norm; use a number, Infinity or -Infinity (or give two axes for 'fro'/'nuc').`);
}

/**
 * (Σ|x|^p)^{1/p} for a finite p ∉ {0, 1, 2} as m·(Σ|x/m|^p)^{1/p}, m the largest |x| (p > 0) or the
 * smallest (p < 0), held constant (the norm is homogeneous, so any constant m gives the same
 * function and derivative): the powers stay within [0, 1] per entry, the sum within [1, n]. Unscaled,
 * |x|^p and |x|^{p−1} over- or underflowed where the norm does not: ‖[2e200, 1e200, …]‖₋₁ was right
 * but its gradient 0 (NaN at 1e160), ‖[2e−50, 1e−50]‖₁₀ was 0. Where m is 0, ∞ or NaN the sum is
 * taken as it stands (its value then 0, ∞ or NaN as before).
 */
function pNorm(x: Tensor, p: number, axis: number, keepdims: boolean): Tensor {
  const a = abs(x);
  if (x.shape[axis] === 0) return pow(sum(pow(a, p), axis, keepdims), 1 / p);
  const extreme = stopGradient(p > 0 ? max(a, axis, true) : min(a, axis, true));
  const m = where(logicalAnd(isfinite(extreme), greater(extreme, 0)), extreme, 1);
  const scaled = mul(m, pow(sum(pow(div(a, m), p), axis, true), 1 / p));
  return keepdims ? scaled : squeeze(scaled, axis);
}

function matrixNorm(x: Tensor, ord: NormOrder | undefined, rowAxis: number, colAxis: number, keepdims: boolean): Tensor {
  // Move the two axes to the end, rows then columns.
  const rest = x.shape.map((_, i) => i).filter((i) => i !== rowAxis && i !== colAxis);
  const m = transpose(x, [...rest, rowAxis, colAxis]);
  const rows = x.shape[rowAxis]!, cols = x.shape[colAxis]!;
  if (ord === 2 || ord === -2) nonEmpty(Math.min(rows, cols), ord, x, 'the singular values');
  if (ord === 1 || ord === -1) nonEmpty(cols, ord, x, 'the column sums');
  if (ord === Infinity || ord === -Infinity) nonEmpty(rows, ord, x, 'the row sums');
  let out: Tensor;
  const singularValues = () => namedAs('linalg.norm', () => svd(m).s); // a NaN is told as the norm's
  if (ord === undefined || ord === 'fro') out = rootSumSquares(m, [-2, -1], false);
  else if (ord === 'nuc') out = sum(singularValues(), -1);
  else if (ord === 2) out = max(singularValues(), -1);
  else if (ord === -2) out = min(singularValues(), -1);
  else if (ord === 1) out = max(sum(abs(m), -2), -1); //          largest column sum
  else if (ord === -1) out = min(sum(abs(m), -2), -1);
  else if (ord === Infinity) out = max(sum(abs(m), -1), -1); //   largest row sum
  else if (ord === -Infinity) out = min(sum(abs(m), -1), -1);
  else throw new InvalidArgumentError(`linalg.norm: ord ${shownOrd(ord)} is not a matrix norm; use 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity.`);
  if (!keepdims) return out;
  const [a, b] = rowAxis < colAxis ? [rowAxis, colAxis] : [colAxis, rowAxis];
  return expandDims(expandDims(out, a), b);
}

/**
 * A vector or matrix norm, as numpy.linalg.norm. With no axis: the 2-norm of all entries when
 * ord is omitted, otherwise x must be 1-D (vector norm) or 2-D (matrix norm). A number `axis`
 * takes vector norms along it; two axes take matrix norms over them (so batches of matrices use
 * axis [-2, -1]). Vector ord: 2 (default), 1, Infinity, -Infinity, 0 (count of non-zeros), any p.
 * Matrix ord: 'fro' (default), 'nuc', 1, -1, 2, -2, Infinity, -Infinity. The gradient of the
 * 2-norm at 0 is 0 (a subgradient).
 * @example ad.linalg.norm(ad.tensor([3, 4])) // 5
 */
export function norm(x: TensorLike, ord?: NormOrder, axis?: number | readonly number[], keepdims?: boolean): Tensor;
export function norm(x: TensorLike, ord?: NormOrder, axis?: number | readonly number[], keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.norm', 'linalg.norm(x, ord?, axis?, keepdims?)', extra, keepdims);
  const t = asTensor(x, 'linalg.norm');
  if (typeof keepdims !== 'boolean') {
    throw new InvalidArgumentError(`linalg.norm: keepdims must be true or false, got ${describe(keepdims)}; it is the fourth argument, e.g. linalg.norm(x, 2, -1, true).`);
  }
  if (axis === undefined) {
    if (ord === undefined) {
      const flat = vectorNorm(reshape(t, [t.size]), undefined, 0, false);
      return keepdims ? reshape(flat, t.shape.map(() => 1)) : flat;
    }
    if (t.ndim === 1) return vectorNorm(t, ord, 0, keepdims);
    if (t.ndim === 2) return matrixNorm(t, ord, 0, 1, keepdims);
    throw new ShapeError(`linalg.norm: with ord given and no axis, x must be 1-D or 2-D, got ${formatShape(t.shape)}; pass axis (a number for vector norms, two for matrix norms).`);
  }
  if (typeof axis === 'number') return vectorNorm(t, ord, normalizeAxis(axis, t.ndim, 'linalg.norm'), keepdims);
  if (!Array.isArray(axis)) normalizeAxis(axis as unknown as number, t.ndim, 'linalg.norm'); // null, a string…: throws, naming it
  if (axis.length === 1) return vectorNorm(t, ord, normalizeAxis(axis[0]!, t.ndim, 'linalg.norm'), keepdims);
  if (axis.length === 2) {
    const r = normalizeAxis(axis[0]!, t.ndim, 'linalg.norm'), c = normalizeAxis(axis[1]!, t.ndim, 'linalg.norm');
    if (r === c) throw new InvalidArgumentError(`linalg.norm: the two axes ${literal(axis)} name the same axis of ${formatShape(t.shape)}; pass two different axes.`);
    return matrixNorm(t, ord, r, c, keepdims);
  }
  throw new InvalidArgumentError(`linalg.norm: axis must be a number or two numbers, got ${literal(axis)}.`);
}
