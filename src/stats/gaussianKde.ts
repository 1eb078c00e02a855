/**
 * @file A Gaussian kernel density estimate, as jax.scipy.stats.gaussian_kde (SciPy's gaussian_kde): the dataset's
 * points as centres of Gaussians sharing one covariance, the data's weighted covariance scaled by a bandwidth
 * factor² (Scott's n_eff^(−1/(d+4)) by default, Silverman's (n_eff(d+2)/4)^(−1/(d+4)), a number, or a function of
 * the estimate). Every method is a composite, so the density is differentiable in the points, the data and the
 * weights, and maps under vmap.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, eye, full, scalar, zeros, type TensorLike } from '../tensor/create.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { add, div, mul, pow, sub } from '../ops/binary.js';
import { exp, log, sqrt, square } from '../ops/unary.js';
import { logsumexp, sum } from '../ops/reduce.js';
import { expandDims, reshape, take, transpose } from '../ops/shape.js';
import { matmul } from '../ops/linalg.js';
import { moveaxis } from '../ops/layout.js';
import { cholesky } from '../linalg/cholesky.js';
import { triangularSolve } from '../linalg/triangular.js';
import { diagonal } from '../linalg/diagonal.js';
import { ndtr } from '../special/normal.js';
import { choice } from '../random/choice.js';
import { split } from '../random/key.js';
import { multivariateNormal } from '../random/multivariate.js';
import type { KeyLike } from '../random/continuous.js';
import type { Key } from '../random/key.js';
import { checkOptionKeys } from '../ops/poolShapes.js';

const HALF_LOG_2PI = 0.9189385332046728;

/** How the bandwidth factor is chosen: a rule's name, the factor itself, or a function of the estimate. */
export type BandwidthMethod = 'scott' | 'silverman' | number | Tensor | ((kde: GaussianKde) => number | Tensor);

/** Options of `gaussianKde`. */
export interface GaussianKdeOptions {
  /** 'scott' (default), 'silverman', a factor, or a function of the estimate (its `neff`, `d`, `n`) giving one. */
  readonly bwMethod?: BandwidthMethod | undefined;
  /** One weight ≥ 0 per point (normalised to sum 1); equal weights by default. */
  readonly weights?: TensorLike | undefined;
}

/** A Gaussian kernel density estimate (jax.scipy.stats.gaussian_kde's attributes and methods). */
export interface GaussianKde {
  /** The data [d, n]: n points of d dimensions. */
  readonly dataset: Tensor;
  /** The points' weights [n], summing to 1. */
  readonly weights: Tensor;
  /** The effective number of points, 1/Σ wᵢ². */
  readonly neff: Tensor;
  /** The bandwidth factor (the kernel's scale relative to the data's). */
  readonly factor: Tensor;
  /** The kernel's covariance [d, d]: the data's weighted covariance times factor². */
  readonly covariance: Tensor;
  /** Its inverse [d, d]. */
  readonly invCov: Tensor;
  readonly d: number;
  readonly n: number;
  /** The density at points [d, m] (or [m] when d = 1; one point [d] is read as [d, 1]): [m]. */
  evaluate(points: TensorLike): Tensor;
  /** The same as `evaluate`. */
  pdf(points: TensorLike): Tensor;
  /** The log density at the points, by logsumexp over the kernels (finite far in the tails): [m]. */
  logpdf(points: TensorLike): Tensor;
  /** ∫ kde(x) N(x; mean, cov) dx. */
  integrateGaussian(mean: TensorLike, cov: TensorLike): Tensor;
  /** ∫ from low to high of the density (d = 1). */
  integrateBox1d(low: TensorLike, high: TensorLike): Tensor;
  /** ∫ kde(x) other(x) dx, for an estimate of the same dimension. */
  integrateKde(other: GaussianKde): Tensor;
  /** Draws [d, ...shape] from the density: a point chosen by weight, plus the kernel's Gaussian noise (JAX's draws). */
  resample(key: KeyLike, shape?: Shape): Tensor;
}

/**
 * A Gaussian kernel density estimate of `dataset` ([d, n], or [n] for one dimension), as
 * jax.scipy.stats.gaussian_kde (and SciPy's): the weighted data covariance (numpy.cov with the
 * weights as aweights) scaled by the bandwidth factor², so `evaluate(x)` = Σᵢ wᵢ N(x; xᵢ, covariance).
 * Differentiable in the points, the data and the weights.
 * @example
 * const kde = ad.stats.gaussianKde(ad.tensor([-1, 0, 2]));
 * kde.evaluate(ad.tensor([0, 1])).shape; // [2]
 */
export function gaussianKde(dataset: TensorLike, options?: GaussianKdeOptions): GaussianKde;
export function gaussianKde(dataset: TensorLike, options: GaussianKdeOptions = {}, ...extra: unknown[]): GaussianKde {
  const op = 'stats.gaussianKde';
  if (extra.length > 0) extraArguments(op, 'stats.gaussianKde(dataset, { bwMethod, weights })', extra, options);
  checkOptionKeys(op, options, ['bwMethod', 'weights']);
  let data = asTensor(dataset, op);
  if (data.ndim === 1) data = reshape(data, [1, data.shape[0]!]);
  if (data.ndim !== 2 || data.size < 2) {
    throw new ShapeError(`${op}: dataset must be [d, n] (or [n] in one dimension) with more than one element, got ${formatShape(data.shape)}.`);
  }
  const [d, n] = data.shape as [number, number];
  let w: Tensor;
  if (options.weights === undefined) w = full([n], 1 / n);
  else {
    const raw = asTensor(options.weights, op);
    if (raw.ndim !== 1 || raw.shape[0] !== n) throw new ShapeError(`${op}: weights must be one-dimensional with one weight per point, [${n}], got ${formatShape(raw.shape)}.`);
    w = div(raw, sum(raw));
  }
  const neff = div(1, sum(square(w)));
  // numpy.cov(dataset, aweights = w, ddof = 1) with Σw = 1: Σ wᵢ (xᵢ − μ)(xᵢ − μ)ᵀ / (1 − Σ wᵢ²).
  const centred = sub(data, expandDims(matmul(data, w), 1));
  const dataCov = div(matmul(mul(centred, w), transpose(centred)), sub(1, sum(square(w))));
  const partial = { dataset: data, weights: w, neff, d, n } as GaussianKde;
  const factor = bandwidth(op, options.bwMethod ?? 'scott', partial, neff, d);
  const covariance = mul(dataCov, square(factor));
  const chol = cholesky(covariance); // lower
  const invCov = (() => {
    const li = triangularSolve(chol, eye(d), { lower: true });
    return matmul(transpose(li), li);
  })();
  // log N(x; xᵢ, Σ) = −½‖L⁻¹(x − xᵢ)‖² − Σ log Lⱼⱼ − (d/2) log 2π, with Σ = LLᵀ.
  const logNorm = sub(mul(-1, sum(log(diagonal(chol)))), d * HALF_LOG_2PI);
  const whitenedData = triangularSolve(chol, data, { lower: true }); // [d, n]
  /** −½‖L⁻¹(x − xᵢ)‖² + logNorm for points [d, m]: [m, n]. */
  const kernelLogs = (points: TensorLike, method: string) => {
    const p = pointsOf(`${op}(…).${method}`, points, d);
    const wp = triangularSolve(chol, p, { lower: true }); // [d, m]
    const diff = sub(expandDims(transpose(wp), 1), expandDims(transpose(whitenedData), 0)); // [m, n, d]
    return add(mul(-0.5, sum(square(diff), -1)), logNorm);
  };
  /**
   * Σᵢ wᵢ N(meanⱼ; xᵢ, Σ + cov) over `target`'s points xᵢ (Σ its kernel's covariance), for each column meanⱼ of
   * means [d, k]: [k], all pairs in one triangular solve.
   */
  const convolved = (cov: Tensor, means: Tensor, target: GaussianKde) => {
    const l = cholesky(add(target.covariance, cov));
    const norm = exp(sub(mul(-1, sum(log(diagonal(l)))), d * HALF_LOG_2PI));
    const k = means.shape[1]!;
    const diffs = reshape(sub(expandDims(target.dataset, 1), expandDims(means, 2)), [d, k * target.n]); // [d, k·n]
    const squared = reshape(sum(square(triangularSolve(l, diffs, { lower: true })), 0), [k, target.n]);
    return mul(norm, sum(mul(exp(mul(-0.5, squared)), target.weights), 1));
  };
  const kde: GaussianKde = {
    dataset: data, weights: w, neff, factor, covariance, invCov, d, n,
    evaluate: (points) => sum(mul(exp(kernelLogs(points, 'evaluate')), w), 1),
    pdf: (points) => kde.evaluate(points),
    logpdf: (points) => logsumexp(add(kernelLogs(points, 'logpdf'), log(w)), 1),
    integrateGaussian(mean, cov) {
      const m = reshape(asTensor(mean, op), [-1]), c = asTensor(cov, op);
      if (m.shape[0] !== d) throw new ShapeError(`${op}(…).integrateGaussian: mean must have ${d} entries, got ${formatShape(asTensor(mean, op).shape)}.`);
      const c2 = c.ndim < 2 ? reshape(c, [1, 1]) : c;
      if (c2.shape[0] !== d || c2.shape[1] !== d) throw new ShapeError(`${op}(…).integrateGaussian: cov must be [${d}, ${d}], got ${formatShape(c.shape)}.`);
      return reshape(convolved(c2, reshape(m, [d, 1]), kde), []);
    },
    integrateBox1d(low, high) {
      const method = `${op}(…).integrateBox1d`;
      if (d !== 1) throw new InvalidArgumentError(`${method}: only a one-dimensional estimate has a box integral here (d = ${d}); integrate a d-dimensional box by sampling.`);
      const lo = asTensor(low, method), hi = asTensor(high, method);
      if (lo.ndim !== 0 || hi.ndim !== 0) throw new ShapeError(`${method}: the limits must be scalars, got ${formatShape(lo.shape)} and ${formatShape(hi.shape)}.`);
      const sigma = sqrt(reshape(covariance, []));
      const x = reshape(data, [n]);
      return sum(mul(w, sub(ndtr(div(sub(hi, x), sigma)), ndtr(div(sub(lo, x), sigma)))));
    },
    integrateKde(other) {
      if (other.d !== d) throw new ShapeError(`${op}(…).integrateKde: the estimates have dimensions ${d} and ${other.d}; they must match.`);
      // Over the smaller dataset's points, the larger's convolution at each (JAX's order).
      const [small, large] = n < other.n ? [kde, other] : [other, kde];
      return sum(mul(small.weights, convolved(small.covariance, small.dataset, large)));
    },
    resample(key, shape = []) {
      const [indexKey, noiseKey] = split(key as Key);
      const picks = choice(indexKey!, n, shape, { p: w });
      const noise = multivariateNormal(noiseKey!, zeros([d]), covariance, shape); // [...shape, d]
      return add(take(data, picks, 1), moveaxis(noise, -1, 0));
    },
  };
  return kde;
}

/** The bandwidth factor from the method. */
function bandwidth(op: string, method: BandwidthMethod, partial: GaussianKde, neff: Tensor, d: number): Tensor {
  if (method === 'scott') return pow(neff, -1 / (d + 4));
  if (method === 'silverman') return pow(mul(neff, (d + 2) / 4), -1 / (d + 4));
  if (typeof method === 'number') return scalar(method);
  if (typeof method === 'function') return reshape(asTensor(method(partial), op), []);
  if (method !== null && typeof method === 'object' && 'shape' in method) return reshape(method, []);
  throw new InvalidArgumentError(`${op}: bwMethod must be 'scott', 'silverman', a number or a function of the estimate, got ${describe(method)}.`);
}

/** The points as [d, m]: a 1-d array is m points of one dimension, or one point of d (as JAX's). */
function pointsOf(op: string, points: TensorLike, d: number): Tensor {
  let p = asTensor(points, op);
  if (p.ndim === 0) p = reshape(p, [1, 1]);
  if (p.ndim === 1) p = reshape(p, [1, p.shape[0]!]);
  if (p.ndim !== 2) throw new ShapeError(`${op}: points must be [d, m] (or [m] in one dimension), got ${formatShape(p.shape)}.`);
  if (p.shape[0] !== d) {
    if (p.shape[0] === 1 && p.shape[1] === d) return reshape(p, [d, 1]);
    throw new ShapeError(`${op}: points have dimension ${p.shape[0]}, the dataset ${d}; pass points as [${d}, m].`);
  }
  return p;
}
