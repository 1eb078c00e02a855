/** @file Diagonals: linalg.diagonal and linalg.trace over the last two axes (as numpy.linalg), and diag (as numpy.diag). */
import { apply } from '../core/trace.js';
import { leadingAxesRule } from '../ops/batching.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { allocF64 } from '../tensor/alloc.js';
import { diagEmbedKernel, diagonalKernel, diagonalLength } from '../tensor/kernels/linalg/diagonal.js';
import { formatShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { sum } from '../ops/reduce.js';
import { linearTangent } from '../ops/rules.js';
import { matrixArg } from './matrix.js';
import { extraArguments } from '../core/extraArguments.js';

interface DiagonalParams { readonly offset: number }
interface EmbedParams { readonly offset: number; readonly rows: number; readonly cols: number }

// diagonal and diagEmbed are linear and each other's transposes.
const diagonalP: Primitive<DiagonalParams> = definePrimitive<DiagonalParams>({
  name: 'diagonal',
  saves: 'none',
  forward: ([x], { offset }) => {
    const m = x!.shape[x!.ndim - 2]!, n = x!.shape[x!.ndim - 1]!;
    const batch = x!.shape.slice(0, -2), count = sizeOf(batch), len = diagonalLength(m, n, offset);
    return new Tensor(diagonalKernel(x!.values, count, m, n, offset, allocF64(count * len)), [...batch, len]);
  },
  vjp: (g, r, { offset }) => {
    const s = r.shapes[0]!;
    return [diagEmbed(g, offset, s[s.length - 2]!, s[s.length - 1]!)];
  },
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(diagonalP, [u], p)),
  batch: leadingAxesRule(() => diagonalP),
});

const diagEmbedP: Primitive<EmbedParams> = definePrimitive<EmbedParams>({
  name: 'diagEmbed',
  saves: 'none',
  forward: ([v], { offset, rows, cols }) => {
    const batch = v!.shape.slice(0, -1), count = sizeOf(batch);
    return new Tensor(diagEmbedKernel(v!.values, count, rows, cols, offset, allocF64(count * rows * cols)), [...batch, rows, cols]);
  },
  vjp: (g, _r, { offset }) => [apply(diagonalP, [g], { offset })],
  jvp: ([t], _x, _y, p) => linearTangent(t!, (u) => apply(diagEmbedP, [u], p)),
  batch: leadingAxesRule(() => diagEmbedP),
});

function offsetArg(op: string, offset: unknown): number {
  if (typeof offset !== 'number' || !Number.isInteger(offset)) {
    throw new InvalidArgumentError(`${op}: the offset must be an integer (0 for the main diagonal, > 0 above it), got ${String(offset)}.`);
  }
  return offset;
}

/** Zero rows×cols matrices with v (shape [..., len]) on diagonal `offset`. @internal */
export function diagEmbed(v: Tensor, offset: number, rows: number, cols: number): Tensor {
  return apply(diagEmbedP, [v], { offset, rows, cols });
}

/**
 * The diagonal of each matrix, over the last two axes (numpy.linalg.diagonal); `offset` > 0
 * above the main diagonal, < 0 below.
 * @example ad.linalg.diagonal(ad.tensor([[1, 2], [3, 4]])) // [1, 4]
 */
export function diagonal(x: TensorLike, offset?: number): Tensor;
export function diagonal(x: TensorLike, offset = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.diagonal', 'linalg.diagonal(x, offset?)', extra, offset);
  const t = matrixArg('linalg.diagonal', x, 'x');
  return apply(diagonalP, [t], { offset: offsetArg('linalg.diagonal', offset) });
}

/**
 * Sum of each matrix's diagonal, over the last two axes (numpy.linalg.trace).
 * @example ad.linalg.trace(ad.tensor([[1, 2], [3, 4]])) // 5
 */
export function trace(x: TensorLike, offset?: number): Tensor;
export function trace(x: TensorLike, offset = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.trace', 'linalg.trace(x, offset?)', extra, offset);
  const t = matrixArg('linalg.trace', x, 'x');
  return sum(apply(diagonalP, [t], { offset: offsetArg('linalg.trace', offset) }), -1);
}

/**
 * numpy.diag: a vector becomes a square matrix with it on diagonal `k`; a matrix gives its
 * diagonal `k`. (For batches use linalg.diagonal.)
 * @example ad.linalg.diag(ad.tensor([1, 2])) // [[1, 0], [0, 2]]
 */
export function diag(v: TensorLike, k?: number): Tensor;
export function diag(v: TensorLike, k = 0, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.diag', 'linalg.diag(v, k?)', extra, k);
  const t = asTensor(v, 'linalg.diag');
  const offset = offsetArg('linalg.diag', k);
  if (t.ndim === 1) {
    const n = t.shape[0]! + Math.abs(offset);
    return diagEmbed(t, offset, n, n);
  }
  if (t.ndim === 2) return apply(diagonalP, [t], { offset });
  throw new ShapeError(`linalg.diag: v must be a vector (to build a matrix) or a matrix (to read its diagonal), got ${formatShape(t.shape)}; for batches use linalg.diagonal.`);
}
