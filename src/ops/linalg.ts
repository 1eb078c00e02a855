/** @file Linear algebra: matmul (2-D and batched, with broadcasting), dot and outer. */
import { apply } from '../core/trace.js';
import { definePrimitive } from '../core/primitive.js';
import { ShapeError } from '../core/errors.js';
import { batchedMatmul } from '../tensor/kernels/matmul.js';
import { broadcastShapes, broadcastStrides, formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { mul } from './binary.js';
import { sum } from './reduce.js';
import { reshape, transpose } from './shape.js';
import { sumTangents, unbroadcastIf } from './rules.js';

/** Swaps the last two axes. */
function mT(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  perm[x.ndim - 1] = x.ndim - 2;
  perm[x.ndim - 2] = x.ndim - 1;
  return transpose(x, perm);
}

// For C = A B: dA = G Bᵀ, dB = Aᵀ G (Giles 2008, "Extended collection of matrix derivative
// results"), each summed over broadcast batch axes. JVP: dC = dA B + A dB.
const matmulP = definePrimitive<null>({
  name: 'matmul',
  saves: 'inputs',
  forward: ([a, b]) => {
    const m = a!.shape[a!.ndim - 2]!, k = a!.shape[a!.ndim - 1]!, n = b!.shape[b!.ndim - 1]!;
    if (b!.shape[b!.ndim - 2] !== k) {
      throw new ShapeError(
        `matmul: shapes ${formatShape(a!.shape)} and ${formatShape(b!.shape)} do not line up: ` +
          `a's last axis (${k}) must equal b's second-to-last (${b!.shape[b!.ndim - 2]}). Transpose one operand?`,
      );
    }
    const aBatch = a!.shape.slice(0, -2), bBatch = b!.shape.slice(0, -2);
    const batch = broadcastShapes('matmul (batch axes)', aBatch, bBatch);
    const data = batchedMatmul(a!.data, b!.data, batch, broadcastStrides(aBatch, batch), broadcastStrides(bBatch, batch), m, k, n);
    return new Tensor(data, [...batch, m, n]);
  },
  vjp: (g, r, _p, needs) => {
    const [a, b] = r.inputs as [Tensor, Tensor];
    return [
      needs[0] ? unbroadcastIf(true, matmul(g, mT(b)), a.shape) : null,
      needs[1] ? unbroadcastIf(true, matmul(mT(a), g), b.shape) : null,
    ];
  },
  jvp: ([ta, tb], [a, b], out) =>
    sumTangents(out.shape, ta ? matmul(ta, b!) : null, tb ? matmul(a!, tb) : null),
});

/**
 * Matrix product with NumPy's rules: 2-D × 2-D; batched over leading axes (broadcast);
 * a 1-D operand is a vector (its axis is removed from the result).
 * @example ad.matmul(ad.ones([2, 3]), ad.ones([3, 4])).shape // [2, 4]
 */
export function matmul(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, 'matmul');
  const y = asTensor(b, 'matmul');
  if (x.ndim === 0 || y.ndim === 0) {
    throw new ShapeError(
      `matmul: operands must have at least one axis, got ${formatShape(x.shape)} and ${formatShape(y.shape)}; use mul for scalars.`,
    );
  }
  const xv = x.ndim === 1, yv = y.ndim === 1;
  const x2 = xv ? reshape(x, [1, x.shape[0]!]) : x;
  const y2 = yv ? reshape(y, [y.shape[0]!, 1]) : y;
  const out = apply(matmulP, [x2, y2], null);
  if (!xv && !yv) return out;
  const shape = out.shape.slice(0, -2);
  if (!xv) shape.push(out.shape[out.ndim - 2]!);
  if (!yv) shape.push(out.shape[out.ndim - 1]!);
  return reshape(out, shape);
}

/**
 * NumPy's dot: inner product of vectors, matrix product of matrices, and matrix–vector products;
 * scalars multiply.
 * @example ad.dot(ad.tensor([1, 2]), ad.tensor([3, 4])) // 11
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, 'dot');
  const y = asTensor(b, 'dot');
  if (x.ndim === 0 || y.ndim === 0) return mul(x, y);
  if (x.ndim === 1 && y.ndim === 1) {
    if (x.shape[0] !== y.shape[0]) {
      throw new ShapeError(`dot: vectors of lengths ${x.shape[0]} and ${y.shape[0]} (shapes ${formatShape(x.shape)}, ${formatShape(y.shape)}) must have equal length.`);
    }
    return sum(mul(x, y));
  }
  return matmul(x, y);
}

/** Outer product of two vectors: out[i,j] = a[i] b[j]. @example ad.outer(ad.tensor([1, 2]), ad.tensor([1, 10, 100])).shape // [2, 3] */
export function outer(a: TensorLike, b: TensorLike): Tensor {
  const x = asTensor(a, 'outer');
  const y = asTensor(b, 'outer');
  return mul(reshape(x, [x.size, 1]), reshape(y, [1, y.size]));
}
