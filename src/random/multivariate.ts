/**
 * @file `multivariateNormal(key, mean, cov, shape?)`: mean + L·z with L = cholesky(cov) and z
 * standard normal, as JAX's `random.multivariate_normal` (method 'cholesky'). Differentiable in
 * `mean` and, through `linalg.cholesky`'s derivative rules, in `cov`.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { matmul } from '../ops/linalg.js';
import { reshape } from '../ops/shape.js';
import { cholesky } from '../linalg/cholesky.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkedSize } from '../tensor/checks.js';
import { normalNoise, type KeyLike } from './continuous.js';
import { broadcastsTo } from './params.js';
import { keyed } from './batching.js';

/**
 * Normal vectors with mean `mean` (shape [..., n]) and covariance `cov` (shape [..., n, n],
 * symmetric positive definite); the result has shape [...shape, n], `shape` defaulting to the
 * broadcast of the two batch shapes.
 * @example ad.random.multivariateNormal(ad.random.key(0), ad.zeros([2]), ad.eye(2), [5]).shape // [5, 2]
 */
export function multivariateNormal(k: KeyLike, mean: TensorLike, cov: TensorLike, shape?: Shape): Tensor {
  if (k instanceof Tensor) return keyed('random.multivariateNormal', k, [mean, cov] as const, (key, [mean, cov]) => multivariateNormal(key, mean, cov, shape));
  const op = 'random.multivariateNormal';
  const mu = asTensor(mean, op), sigma = asTensor(cov, op);
  if (mu.ndim < 1) throw new ShapeError(`${op}: mean must have at least one axis (shape [..., n]), got a scalar; pass a vector, e.g. ad.zeros([n]).`);
  const n = mu.shape[mu.ndim - 1]!;
  if (sigma.ndim < 2 || sigma.shape[sigma.ndim - 1] !== n || sigma.shape[sigma.ndim - 2] !== n) {
    throw new ShapeError(
      `${op}: cov must have shape [..., ${n}, ${n}] to match mean of shape ${formatShape(mu.shape)}, got ${formatShape(sigma.shape)}; ` +
        `pass an ${n}×${n} covariance matrix (or a batch of them).`,
    );
  }
  const batch = broadcastShapes(op, mu.shape.slice(0, -1), sigma.shape.slice(0, -2));
  const sampleShape = shape ?? batch;
  checkedSize(op, sampleShape); // an array of sizes, before its entries are read
  if (!broadcastsTo(batch, sampleShape)) {
    throw new ShapeError(
      `${op}: shape ${formatShape(sampleShape)} must end with (or broadcast) the batch shape ${formatShape(batch)} of mean and cov; ` +
        `pass e.g. [draws, ${batch.join(', ')}].`.replace(', ]', ']'),
    );
  }
  const zShape = [...sampleShape, n, 1];
  const z = reshape(normalNoise(op, k, [...sampleShape, n]), zShape);
  // einsum('...ij,...j->...i', L, z) as a batched matrix–vector product.
  return add(mu, reshape(matmul(covarianceFactor(sigma, op), z), [...sampleShape, n]));
}

/** cholesky(cov), its errors (not symmetric, not positive definite: with the batch entry and the jitter fix) prefixed by the op and the argument. */
function covarianceFactor(cov: Tensor, op: string): Tensor {
  try {
    return cholesky(cov);
  } catch (e) {
    if (e instanceof InvalidArgumentError) throw new InvalidArgumentError(`${op}: cov must be a symmetric positive-definite covariance; ${e.message}`);
    throw e;
  }
}
