/** @file Linear algebra: matmul (2-D and batched, with broadcasting), dot and outer. */
import { checkedSize } from '../tensor/checks.js';
import { apply } from '../core/trace.js';
import { definePrimitive, type Primitive } from '../core/primitive.js';
import { alignBatched } from './batching.js';
import { ShapeError } from '../core/errors.js';
import { batchedMatmul } from '../tensor/kernels/matmul.js';
import { broadcastShapes, broadcastStrides, formatShape, sizeOf } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { mul } from './binary.js';
import { sum } from './reduce.js';
import { reshape, transpose } from './shape.js';
import { sumTangents, unbroadcastIf } from './rules.js';
import { extraArguments } from '../core/extraArguments.js';

interface MatmulParams { readonly transA: boolean; readonly transB: boolean }

/** op(x)'s last two axes: [rows, cols] of x or of its transpose. */
function dims(x: Tensor, trans: boolean): [number, number] {
  const r = x.shape[x.ndim - 2]!, c = x.shape[x.ndim - 1]!;
  return trans ? [c, r] : [r, c];
}

// For C = op(A) op(B), with G the cotangent of C (Giles 2008, "Extended collection of matrix
// derivative results"; transposes folded into the flags, so no transposed copies are made):
//   C = A B:   dA = G Bᵀ,  dB = Aᵀ G        C = A Bᵀ:   dA = G B,    dB = Gᵀ A
//   C = Aᵀ B:  dA = B Gᵀ,  dB = A G         C = Aᵀ Bᵀ:  dA = Bᵀ Gᵀ,  dB = Gᵀ Aᵀ
// each summed over broadcast batch axes. JVP: dC = op(dA) op(B) + op(A) op(dB).
const matmulP: Primitive<MatmulParams> = definePrimitive<MatmulParams>({
  name: 'matmul',
  saves: 'inputs',
  forward: ([a, b], { transA, transB }) => {
    const [m, k] = dims(a!, transA);
    const [kb, n] = dims(b!, transB);
    if (kb !== k) {
      throw new ShapeError(
        `matmul: shapes ${formatShape(a!.shape)} and ${formatShape(b!.shape)} do not line up: ` +
          `a's last axis (${k}) must equal b's second-to-last (${kb}). Transpose one operand?`,
      );
    }
    const aBatch = a!.shape.slice(0, -2), bBatch = b!.shape.slice(0, -2);
    const batch = broadcastShapes('matmul (batch axes)', aBatch, bBatch);
    checkedSize('matmul', [...batch, m, n]);
    const data = batchedMatmul(a!.values, b!.values, batch, broadcastStrides(aBatch, batch), broadcastStrides(bBatch, batch), m, k, n, transA, transB);
    return new Tensor(data, [...batch, m, n]);
  },
  vjp: (g, r, { transA, transB }, needs) => {
    const [a, b] = r.inputs as [Tensor, Tensor];
    let da: Tensor | null = null, db: Tensor | null = null;
    if (needs[0]) da = transA ? (transB ? mm(b, g, true, true) : mm(b, g, false, true)) : mm(g, b, false, !transB);
    if (needs[1]) db = transB ? (transA ? mm(g, a, true, true) : mm(g, a, true, false)) : mm(a, g, !transA, false);
    return [da && unbroadcastIf(true, da, a.shape), db && unbroadcastIf(true, db, b.shape)];
  },
  jvp: ([ta, tb], [a, b], out, { transA, transB }) =>
    sumTangents(out.shape, ta ? mm(ta, b!, transA, transB) : null, tb ? mm(a!, tb, transA, transB) : null),
  batch: (inputs, batched, params, size) => matmulBatch(inputs as [Tensor, Tensor], batched, params, size),
});

/**
 * A batch of products. Where one operand is a shared matrix, the batch folds into the other's rows
 * or columns, making one large product (the gemm kernels' best case) instead of `size` small ones:
 *   A_b·op(B) for all b = reshape([A_0; …; A_{s−1}] · op(B));
 *   op(A)·B_b for all b = op(A)·[B_0 … B_{s−1}], columns side by side (for vectors B_b:
 *     the rows of [B_0ᵀ; …]·op(A)ᵀ, which needs no transposed copies);
 *   op(A)·B_bᵀ for all b = ([B_0; …] · op(A)ᵀ)ᵀ per example.
 * Otherwise the batch is one more batch axis of the batched product (broadcast where shared).
 */
function matmulBatch([a, b]: [Tensor, Tensor], [ba, bb]: readonly boolean[], p: MatmulParams, size: number): Tensor {
  if (ba && !bb && a.ndim === 3 && b.ndim === 2 && !p.transA) {
    const [m, k] = [a.shape[1]!, a.shape[2]!];
    const out = mm(reshape(a, [size * m, k]), b, false, p.transB);
    return reshape(out, [size, m, out.shape[1]!]);
  }
  if (!ba && bb && a.ndim === 2 && b.ndim === 3) {
    if (!p.transB && b.shape[2] === 1) {
      // Matrix–vector products: the vectors as rows, [b_0ᵀ; …] · op(A)ᵀ, with no transposed copies.
      const out = mm(reshape(b, [size, b.shape[1]!]), a, false, !p.transA); // [size, m]
      return reshape(out, [size, out.shape[1]!, 1]);
    }
    if (!p.transB) {
      const [k, n] = [b.shape[1]!, b.shape[2]!];
      const out = mm(a, reshape(transpose(b, [1, 0, 2]), [k, size * n]), p.transA, false); // [m, size·n]
      return transpose(reshape(out, [out.shape[0]!, size, n]), [1, 0, 2]);
    }
    const [n, k] = [b.shape[1]!, b.shape[2]!];
    const out = mm(reshape(b, [size * n, k]), a, false, !p.transA); // [size·n, m]
    return transpose(reshape(out, [size, n, out.shape[1]!]), [0, 2, 1]);
  }
  return apply(matmulP, alignBatched([a, b], [ba!, bb!]), p);
}

/** op(a) · op(b) for operands of rank ≥ 2, op a transpose of the last two axes when flagged. @internal */
export function mm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return apply(matmulP, [a, b], { transA, transB });
}

/**
 * Matrix product with NumPy's rules: 2-D × 2-D; batched over leading axes (broadcast);
 * a 1-D operand is a vector (its axis is removed from the result).
 * @example ad.matmul(ad.ones([2, 3]), ad.ones([3, 4])).shape // [2, 4]
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor;
export function matmul(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('matmul', 'matmul(a, b)', extra, b);
  const x = asTensor(a, 'matmul');
  const y = asTensor(b, 'matmul');
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(
      `matmul: operands must have at least one axis, got ${formatShape(x.shape)} and ${formatShape(y.shape)}; use mul for scalars.`,
    );
  }
  const xv = x.ndim === 1, yv = y.ndim === 1;
  const k = x.shape[x.ndim - 1]!, kb = y.shape[yv ? 0 : y.ndim - 2]!;
  if ((xv || yv) && k !== kb) { // named here, with the shapes as given: the kernel would see the vectors as [1, k] and [k, 1]
    throw new ShapeError(
      `matmul: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} do not line up: a's last axis (${k}) must equal ` +
        `b's ${yv ? 'length' : 'second-to-last'} (${kb}). Transpose one operand?`,
    );
  }
  const x2 = xv ? reshape(x, [1, x.shape[0]!]) : x;
  const y2 = yv ? reshape(y, [y.shape[0]!, 1]) : y;
  const out = mm(x2, y2, false, false);
  if (!xv && !yv) return out;
  const shape = out.shape.slice(0, -2);
  if (!xv) shape.push(out.shape[out.ndim - 2]!);
  if (!yv) shape.push(out.shape[out.ndim - 1]!);
  return reshape(out, shape);
}

/**
 * NumPy's dot: inner product of vectors, matrix product of matrices, and matrix–vector products;
 * scalars multiply. Beyond matrices, as NumPy (not matmul's broadcasting): the last axis of a
 * against the second-to-last of b, every other axis kept, dot(a, b)[i…, j…, m] = Σ_k a[i…, k]·b[j…, k, m].
 * @example ad.dot(ad.tensor([1, 2]), ad.tensor([3, 4])) // 11
 */
export function dot(a: TensorLike, b: TensorLike): Tensor;
export function dot(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('dot', 'dot(a, b)', extra, b);
  const x = asTensor(a, 'dot');
  const y = asTensor(b, 'dot');
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  if (x.ndim === 1 && y.ndim === 1) {
    if (x.shape[0] !== y.shape[0]) {
      throw new ShapeError(`dot: vectors of lengths ${x.shape[0]} and ${y.shape[0]} (shapes ${formatShape(x.shape)}, ${formatShape(y.shape)}) must have equal length.`);
    }
    return sum(mul(x, y));
  }
  const k = x.shape[x.ndim - 1]!, kb = y.shape[Math.max(y.ndim - 2, 0)]!;
  if (k !== kb) {
    throw new ShapeError(
      `dot: shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} do not line up: a's last axis (${k}) must equal ` +
        `b's ${y.ndim === 1 ? 'length' : 'second-to-last'} (${kb}). Transpose one operand?`,
    );
  }
  if (y.ndim <= 2) return matmul(x, y); // the same as matmul here
  const lead = y.shape.slice(0, -2), m = y.shape[y.ndim - 1]!;
  const bt = transpose(y, [y.ndim - 2, ...lead.map((_, i) => i), y.ndim - 1]); // [k, j…, m]
  const product = matmul(reshape(x, [sizeOf(x.shape.slice(0, -1)), k]), reshape(bt, [k, sizeOf(lead) * m]));
  return reshape(product, [...x.shape.slice(0, -1), ...lead, m]);
}

/** Outer product of two vectors: out[i,j] = a[i] b[j]. @example ad.outer(ad.tensor([1, 2]), ad.tensor([1, 10, 100])).shape // [2, 3] */
export function outer(a: TensorLike, b: TensorLike): Tensor;
export function outer(a: TensorLike, b: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('outer', 'outer(a, b)', extra, b);
  const x = asTensor(a, 'outer');
  const y = asTensor(b, 'outer');
  checkedSize('outer', [x.size, y.size]);
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}
