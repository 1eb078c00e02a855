/**
 * @file `multivariateNormal(key, mean, cov, shape?, { method })`: mean + F·z with F a factor of cov
 * (F Fᵀ = cov) and z standard normal, as JAX's `random.multivariate_normal`: F = cholesky(cov)
 * (method 'cholesky', the default), V·diag(√w) of eigh(cov) = (w, V) ('eigh') or U·diag(√s) of
 * svd(cov) ('svd'); the last two take a singular (positive semidefinite) covariance. Differentiable
 * in `mean` and, through the factorisations' derivative rules, in `cov`.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { add, div, maximum, mul, sub } from '../ops/binary.js';
import { matmul } from '../ops/linalg.js';
import { expandDims, reshape } from '../ops/shape.js';
import { abs, neg, sqrt } from '../ops/unary.js';
import { max, min } from '../ops/reduce.js';
import { checkArgumentValues } from '../ops/argumentChecks.js';
import { cholesky } from '../linalg/cholesky.js';
import { eigh } from '../linalg/eigh.js';
import { svd } from '../linalg/svd.js';
import { matrixTranspose } from '../linalg/matrix.js';
import { describe } from '../tensor/describe.js';
import { checkOptions } from '../transforms/loopArgs.js';
import { asTensor, type TensorLike } from '../tensor/create.js';
import { broadcastShapes, formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkedSize } from '../tensor/checks.js';
import { normalNoise, type KeyLike } from './continuous.js';
import { broadcastsTo, optionalShape } from './params.js';
import { keyed } from './batching.js';
import { extraArguments } from '../core/extraArguments.js';

export interface MultivariateNormalOptions {
  /**
   * How cov is factored (JAX's `method`): 'cholesky' (default; cov positive definite), 'eigh' or
   * 'svd' (cov positive semidefinite, singular allowed). Derivatives in cov through 'eigh'/'svd'
   * need distinct eigenvalues, all positive (√w has no derivative at 0).
   */
  method?: 'cholesky' | 'eigh' | 'svd' | undefined;
}

/**
 * Normal vectors with mean `mean` (shape [..., n]) and covariance `cov` (shape [..., n, n],
 * symmetric positive definite; semidefinite with `{ method: 'eigh' }` or `'svd'`); the result has
 * shape [...shape, n], `shape` defaulting to the broadcast of the two batch shapes.
 * @example ad.random.multivariateNormal(ad.random.key(0), ad.zeros([2]), ad.eye(2), [5]).shape // [5, 2]
 * @example ad.random.multivariateNormal(ad.random.key(0), ad.zeros([2]), ad.ones([2, 2]), [3], { method: 'eigh' }).shape // [3, 2]
 */
export function multivariateNormal(k: KeyLike, mean: TensorLike, cov: TensorLike, shape?: Shape, options?: MultivariateNormalOptions): Tensor;
export function multivariateNormal(k: KeyLike, mean: TensorLike, cov: TensorLike, shape?: Shape, options: MultivariateNormalOptions = {}, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.multivariateNormal', 'random.multivariateNormal(k, mean, cov, shape?, options?)', extra, options);
  if (k instanceof Tensor) return keyed('random.multivariateNormal', k, [mean, cov] as const, (key, [mean, cov]) => multivariateNormal(key, mean, cov, shape, options));
  const op = 'random.multivariateNormal';
  checkOptions(options, op, ['method']);
  const method = options.method ?? 'cholesky';
  if (method !== 'cholesky' && method !== 'eigh' && method !== 'svd') {
    throw new InvalidArgumentError(`${op}: method must be 'cholesky', 'eigh' or 'svd', got ${describe(method)}; use 'eigh' or 'svd' for a singular covariance.`);
  }
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
  const sampleShape = optionalShape(op, shape) ?? batch;
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
  return add(mu, reshape(matmul(covarianceFactor(sigma, op, method), z), [...sampleShape, n]));
}

/**
 * A factor F of cov with F Fᵀ = cov by `method`, the factorisations' errors (not symmetric, not
 * positive definite: with the batch entry and the fix) prefixed by the op and the argument.
 */
function covarianceFactor(cov: Tensor, op: string, method: 'cholesky' | 'eigh' | 'svd'): Tensor {
  try {
    if (method === 'cholesky') return cholesky(cov);
    if (method === 'eigh') {
      const { values, vectors } = eigh(cov);
      // −(smallest eigenvalue)/(largest magnitude): a singular cov's zero eigenvalues come out at ±1e−16·‖cov‖.
      checkSemidefinite(op, div(neg(min(values, -1)), max(abs(values), -1)), 'its smallest eigenvalue is −{r} times the largest magnitude');
      // √ of the eigenvalues clamped at 0 (JAX's √w is NaN at those rounding-size negatives).
      return mul(vectors, expandDims(sqrt(maximum(values, 0)), -2));
    }
    const { u, s } = svd(cov);
    // cov = U S Vᵀ is U S Uᵀ only where cov is semidefinite (a negative eigenvalue λ shows as s = |λ| with v = −u):
    // NumPy's multivariate_normal check, max |U S Uᵀ − cov| relative to the largest singular value.
    const rebuilt = matmul(mul(u, expandDims(s, -2)), matrixTranspose(u));
    checkSemidefinite(op, div(max(abs(sub(rebuilt, cov)), [-2, -1]), max(s, -1)), 'U·diag(s)·Uᵀ differs from it by {r} times its largest singular value');
    return mul(u, expandDims(sqrt(s), -2));
  } catch (e) {
    if (e instanceof InvalidArgumentError && !e.message.startsWith(op)) {
      throw new InvalidArgumentError(`${op}: cov must be a symmetric positive-${method === 'cholesky' ? 'definite' : 'semidefinite'} covariance; ${e.message}`);
    }
    throw e;
  }
}

/** Relative tolerance of the semidefiniteness check (as linalg's symmetry check and NumPy's multivariate_normal). */
const PSD_TOL = 1e-8;

/**
 * Throws unless every entry of `ratio` (one per matrix of the batch: a violation relative to the
 * matrix's scale; NaN for a zero matrix, which passes) is at most PSD_TOL, where the values can be
 * read (under jit a guard each replay runs again; left out under vmap).
 */
function checkSemidefinite(op: string, ratio: Tensor, what: string): void {
  checkArgumentValues(ratio, (r) => {
    const b = r.findIndex((v) => v > PSD_TOL);
    if (b < 0) return;
    throw new InvalidArgumentError(
      `${op}: cov${r.length > 1 ? ` (matrix ${b} of the batch)` : ''} is not positive semidefinite: ${what.replace('{r}', String(r[b]))}; ` +
        'pass a covariance (symmetric, no negative eigenvalues), e.g. x·xᵀ.',
    );
  });
}
