/** @file torch.linalg's vectorNorm and matrixNorm: linalg.norm with the vector or matrix reading made explicit. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import { describe, literal } from '../tensor/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { reshape, transpose } from '../ops/shape.js';
import { norm, type NormOrder } from './norm.js';
import { extraArguments } from '../core/extraArguments.js';

function keepdimsArg(op: string, keepdims: unknown): boolean {
  if (typeof keepdims !== 'boolean') throw new InvalidArgumentError(`${op}: keepdims must be true or false, got ${describe(keepdims)}.`);
  return keepdims;
}

/**
 * The vector p-norm over `axis` (torch.linalg.vector_norm): all entries when axis is omitted,
 * one axis, or several taken together as one vector. ord: 2 (default), any finite p, 0 (the count
 * of non-zeros), Infinity, -Infinity.
 * @example ad.linalg.vectorNorm(ad.tensor([[3, 0], [0, 4]])) // 5
 */
export function vectorNorm(x: TensorLike, ord?: number, axis?: number | readonly number[], keepdims?: boolean): Tensor;
export function vectorNorm(x: TensorLike, ord: number = 2, axis?: number | readonly number[], keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.vectorNorm', 'linalg.vectorNorm(x, ord?, axis?, keepdims?)', extra, keepdims);
  const op = 'linalg.vectorNorm';
  const t = asTensor(x, op);
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new InvalidArgumentError(`${op}: ord must be a number (2, 1, 0, Infinity, -Infinity or any p), got ${describe(ord)}; for 'fro' or 'nuc' use linalg.matrixNorm.`);
  keepdimsArg(op, keepdims);
  if (axis === undefined && t.ndim === 0) return norm(reshape(t, [1]), ord, -1); // one entry: its norm, 0-d (as torch)
  const list = axis === undefined ? t.shape.map((_, i) => i) : typeof axis === 'number' ? [axis] : Array.isArray(axis) ? axis : null;
  if (list === null) throw new InvalidArgumentError(`${op}: axis must be a number or an array of numbers, got ${describe(axis)}.`);
  // torch.linalg.vector_norm reads dim=[] as every axis, NumPy's array API as none (|x|): either
  // reading would silently give the other's users a different answer.
  if (list.length === 0) throw new InvalidArgumentError(`${op}: axis [] is ambiguous (torch reduces every axis, NumPy's vector_norm none); omit axis for the norm of all entries, or use ad.abs(x) for none.`);
  const axes = Array.from(list, (a) => normalizeAxis(a, t.ndim, op)); // holes refused
  if (new Set(axes).size !== axes.length) throw new InvalidArgumentError(`${op}: axis ${literal(list)} names an axis of ${formatShape(t.shape)} twice.`);
  const rest = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const size = axes.reduce((p, a) => p * t.shape[a]!, 1);
  const flat = reshape(transpose(t, [...rest, ...axes]), [...rest.map((i) => t.shape[i]!), size]);
  const out = norm(flat, ord, -1);
  return keepdims ? reshape(out, t.shape.map((d, i) => (axes.includes(i) ? 1 : d))) : out;
}

/**
 * A matrix norm over two axes, the last two by default (torch.linalg.matrix_norm): ord 'fro'
 * (default), 'nuc', 2, -2, 1, -1, Infinity, -Infinity, as linalg.norm.
 * @example ad.linalg.matrixNorm(ad.tensor([[1, -2], [3, 4]]), 1) // 6
 */
export function matrixNorm(x: TensorLike, ord?: NormOrder, axis?: readonly [number, number], keepdims?: boolean): Tensor;
export function matrixNorm(x: TensorLike, ord: NormOrder = 'fro', axis: readonly [number, number] = [-2, -1], keepdims = false, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.matrixNorm', 'linalg.matrixNorm(x, ord?, axis?, keepdims?)', extra, keepdims);
  const op = 'linalg.matrixNorm';
  const t = asTensor(x, op);
  if (![2, -2, 1, -1, Infinity, -Infinity, 'fro', 'nuc'].includes(ord)) {
    throw new InvalidArgumentError(`${op}: ord must be 'fro', 'nuc', 2, -2, 1, -1, Infinity or -Infinity, got ${describe(ord)}; for vector norms use linalg.vectorNorm.`);
  }
  if (t.ndim < 2) throw new ShapeError(`${op}: x must have at least two axes (a matrix or a batch of them), got ${formatShape(t.shape)}; for vectors use linalg.vectorNorm.`);
  if (!Array.isArray(axis) || axis.length !== 2) throw new InvalidArgumentError(`${op}: axis must be two axes, e.g. [-2, -1], got ${describe(axis)}.`);
  keepdimsArg(op, keepdims);
  return norm(t, ord, axis, keepdims);
}
