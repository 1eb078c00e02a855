/**
 * @file `orthogonal(key, n, shape?, m?)`: Haar-distributed orthogonal (or semi-orthogonal) matrices,
 * as JAX's `random.orthogonal` (Mezzadri 2007, "How to generate random matrices from the classical
 * compact groups"): the Q of a QR decomposition of a standard normal matrix, its columns' signs
 * fixed by R's diagonal so that the factorisation, and so the distribution, is unique.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { mul } from '../ops/binary.js';
import { reshape } from '../ops/shape.js';
import { sign } from '../ops/unary.js';
import { diagonal } from '../linalg/diagonal.js';
import { matrixTranspose } from '../linalg/matrix.js';
import { qr } from '../linalg/qr.js';
import { describe } from '../tensor/describe.js';
import { checkShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { keyed } from './batching.js';
import { normalNoise, type KeyLike } from './continuous.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * Uniformly (Haar) distributed n×m matrices with orthonormal columns (m ≤ n) or rows (m > n),
 * shape [...shape, n, m], m default n (JAX's `random.orthogonal`): for z standard normal of shape
 * [...shape, max(n, m), min(n, m)] and z = QR, Q·sign(diag R), transposed when n < m. (This
 * library's `qr` already makes diag R ≥ 0, so the sign fix only restates the convention.)
 * @example ad.random.orthogonal(ad.random.key(0), 3).shape // [3, 3]
 */
export function orthogonal(k: KeyLike, n: number, shape?: Shape, m?: number): Tensor;
export function orthogonal(k: KeyLike, n: number, shape: Shape = [], m: number = n, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.orthogonal', 'random.orthogonal(k, n, shape?, m?)', extra, m);
  const op = 'random.orthogonal';
  for (const [name, v] of [['n', n], ['m', m]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
      throw new InvalidArgumentError(`${op}: ${name} must be a non-negative integer (a matrix size), got ${describe(v)}; pass e.g. 3.`);
    }
  }
  checkShape(shape, op);
  return keyed(op, k, [] as const, (key) => {
    const rows = Math.max(n, m), cols = Math.min(n, m);
    const zShape = [...shape, rows, cols];
    const { q, r } = qr(normalNoise(op, key, zShape));
    const x = mul(q, reshape(sign(diagonal(r)), [...shape, 1, cols]));
    return n < m ? matrixTranspose(x) : x;
  });
}
