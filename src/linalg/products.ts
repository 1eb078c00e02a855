/** @file linalg.matrixPower (repeated squaring, inverse for negative powers) and linalg.multiDot (optimal chain order), as numpy.linalg. */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { formatShape } from '../tensor/shape.js';
import { describe } from '../tensor/describe.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, eye, type TensorLike } from '../tensor/create.js';
import { broadcastTo, reshape } from '../ops/shape.js';
import { mm } from '../ops/linalg.js';
import { squareArg } from './matrix.js';
import { invOf } from './solve.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * aⁿ for each square matrix and any integer n: the identity for n = 0 (its derivative is zero),
 * (a⁻¹)^|n| for n < 0 (a singular matrix is an error), otherwise ⌊log₂ n⌋ squarings and one
 * product per set bit of n (numpy.linalg.matrix_power's binary decomposition).
 * @example ad.linalg.matrixPower(ad.tensor([[1, 1], [0, 1]]), 5) // [[1, 5], [0, 1]]
 */
export function matrixPower(a: TensorLike, n: number): Tensor;
export function matrixPower(a: TensorLike, n: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.matrixPower', 'linalg.matrixPower(a, n)', extra, n);
  const op = 'linalg.matrixPower';
  const t = squareArg(op, a);
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError(`${op}: the exponent must be an integer (negative powers invert a), got ${describe(n)}; for real powers of a symmetric matrix use linalg.eigh.`);
  }
  const size = t.shape[t.ndim - 1]!;
  // The identity, as a function of a with zero derivative (so grad and vmap see a's shape and trace).
  if (n === 0) return broadcastTo(eye(size), t.shape);
  let base = n < 0 ? invOf(t, op) : t;
  let result: Tensor | null = null;
  for (let k = Math.abs(n); ; ) {
    if (k % 2 === 1) result = result === null ? base : mm(result, base, false, false);
    k = Math.floor(k / 2);
    if (k === 0) break;
    base = mm(base, base, false, false);
  }
  return result!;
}

/**
 * The cheapest order to multiply matrices of sizes d₀×d₁, d₁×d₂, …: the classic O(k³) dynamic
 * program (Cormen et al., "Introduction to Algorithms", §15.2): cost[i][j] = min over i ≤ s < j of
 * cost[i][s] + cost[s+1][j] + dᵢ·d_{s+1}·d_{j+1}; split[i][j] the best s. @internal
 */
export function chainOrder(d: readonly number[]): number[][] {
  const k = d.length - 1;
  const cost = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const split = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let len = 1; len < k; len++) {
    for (let i = 0; i + len < k; i++) {
      const j = i + len;
      cost[i]![j] = Infinity;
      for (let s = i; s < j; s++) {
        const c = cost[i]![s]! + cost[s + 1]![j]! + d[i]! * d[s + 1]! * d[j + 1]!;
        if (c < cost[i]![j]!) { cost[i]![j] = c; split[i]![j] = s; }
      }
    }
  }
  return split;
}

/**
 * The product of two or more matrices in the order that needs the fewest multiplications
 * (numpy.linalg.multi_dot). The first array may be a vector (a row), the last a vector (a column);
 * their axes are dropped from the result, as NumPy's. All others must be 2-D.
 * @example ad.linalg.multiDot([ad.ones([10, 100]), ad.ones([100, 5]), ad.ones([5, 50])]).shape // [10, 50]
 */
export function multiDot(arrays: readonly TensorLike[]): Tensor;
export function multiDot(arrays: readonly TensorLike[], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('linalg.multiDot', 'linalg.multiDot(arrays)', extra, arrays);
  const op = 'linalg.multiDot';
  if (!Array.isArray(arrays) || arrays.length < 2) {
    throw new InvalidArgumentError(`${op}: pass an array of at least two matrices, e.g. linalg.multiDot([a, b, c]); got ${Array.isArray(arrays) ? `${arrays.length}` : describe(arrays)}.`);
  }
  const ts = arrays.map((x) => asTensor(x, op));
  const last = ts.length - 1;
  const firstVector = ts[0]!.ndim === 1, lastVector = ts[last]!.ndim === 1;
  const mats = ts.map((t, i) => {
    if (t.ndim === 2) return t;
    if (t.ndim === 1 && i === 0) return reshape(t, [1, t.shape[0]!]);
    if (t.ndim === 1 && i === last) return reshape(t, [t.shape[0]!, 1]);
    throw new ShapeError(`${op}: array ${i} has shape ${formatShape(t.shape)}; all must be 2-D except the first and last, which may be vectors. For batches use ad.matmul.`);
  });
  for (let i = 0; i < last; i++) {
    if (mats[i]!.shape[1] !== mats[i + 1]!.shape[0]) {
      throw new ShapeError(`${op}: arrays ${i} and ${i + 1} do not chain: ${formatShape(ts[i]!.shape)} times ${formatShape(ts[i + 1]!.shape)} (inner sizes ${mats[i]!.shape[1]} and ${mats[i + 1]!.shape[0]} differ).`);
    }
  }
  const split = chainOrder([mats[0]!.shape[0]!, ...mats.map((x) => x.shape[1]!)]);
  const multiply = (i: number, j: number): Tensor =>
    i === j ? mats[i]! : mm(multiply(i, split[i]![j]!), multiply(split[i]![j]! + 1, j), false, false);
  const out = multiply(0, last);
  if (firstVector && lastVector) return reshape(out, []);
  if (firstVector) return reshape(out, [out.shape[1]!]);
  if (lastVector) return reshape(out, [out.shape[0]!]);
  return out;
}
