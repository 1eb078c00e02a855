/**
 * @file Keyed samplers that are one closed-form transform of a uniform, as jax.random's in x64
 * mode (jax/_src/random.py: `_exponential`, `_laplace`, `_logistic`, `_cauchy`, `_rademacher`):
 * the same uniform (the same minval and maxval, so the same u to the last bit) through the same
 * formula, so the standard draws are JAX's up to the last bits of log1p/log/tan. JAX's samplers
 * are standard; here they also take a location and scale (a rate for `exponential`), applied as
 * x = loc + scale·ε, so the draws are differentiable in them (the reparameterisation trick).
 */
import { div } from '../ops/binary.js';
import type { TensorLike } from '../tensor/create.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { NORMAL_LOW, NORMAL_SPAN, noiseTensor, unitNoise, type KeyLike } from './continuous.js';
import { affine, checkPositive, param } from './params.js';
import { extraArguments } from '../core/extraArguments.js';

/** float64's machine epsilon 2⁻⁵²: JAX's minval for `logistic` and `cauchy`, so that log(u) and tan stay finite. */
const EPS = 2 ** -52;

/** Unit uniforms to the uniforms JAX's `uniform(key, shape, minval = eps, maxval = 1)` gives: max(eps, f·(1 − eps) + eps) (in place). */
function aboveEps(u: Float64Array): void {
  for (let i = 0; i < u.length; i++) u[i] = Math.max(EPS, u[i]! * (1 - EPS) + EPS);
}

/** loc + scale·ε with loc and scale read and checked (scale ≥ 0) for sampler `op`. */
function locScale(op: string, base: Float64Array | Tensor, shape: Shape, loc: TensorLike, scale: TensorLike): Tensor {
  const l = param(op, 'loc', loc, shape), s = param(op, 'scale', scale, shape);
  checkPositive(op, 'scale', s, false, 'pass a scale ≥ 0 (its absolute value, say).');
  return affine(base, shape, s, l);
}

/**
 * Exponential values with rate `rate` (mean 1/rate): E/rate for E = −log1p(−u), u uniform in
 * [0, 1) (JAX's `random.exponential` for E, its values up to the last bits of log1p).
 * Differentiable in `rate` (dx/drate = −x/rate).
 * @example ad.random.exponential(ad.random.key(0), [3], 2).shape // [3]
 */
export function exponential(k: KeyLike, shape?: Shape, rate?: TensorLike): Tensor;
export function exponential(k: KeyLike, shape: Shape = [], rate: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.exponential', 'random.exponential(k, shape?, rate?)', extra, rate);
  const op = 'random.exponential';
  // −log1p(−u): 1 − u moves log's domain to (0, 1], so E is finite (at most 36.7).
  const e = unitNoise(op, k, shape, (u) => {
    for (let i = 0; i < u.length; i++) u[i] = -Math.log1p(-u[i]!);
  });
  const r = param(op, 'rate', rate, shape);
  checkPositive(op, 'rate', r, true, 'pass a rate > 0 (the mean is 1/rate; for a scale s, pass 1/s).');
  if (typeof r === 'number' && !(e instanceof Tensor)) {
    if (r !== 1) for (let i = 0; i < e.length; i++) e[i] = e[i]! / r;
    return new Tensor(e, [...shape]);
  }
  return r === 1 ? noiseTensor(e, shape) : div(noiseTensor(e, shape), r);
}

/**
 * Laplace values loc + scale·ε, density e^{−|x − loc|/scale}/(2·scale): ε = sign(u)·log1p(−|u|)
 * for u uniform in [−1 + 2⁻⁵³, 1) (JAX's `random.laplace` for ε). Differentiable in `loc` and `scale`.
 * @example ad.random.laplace(ad.random.key(0), [2, 2], 1, 0.5).shape // [2, 2]
 */
export function laplace(k: KeyLike, shape?: Shape, loc?: TensorLike, scale?: TensorLike): Tensor;
export function laplace(k: KeyLike, shape: Shape = [], loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.laplace', 'random.laplace(k, shape?, loc?, scale?)', extra, scale);
  const op = 'random.laplace';
  const e = unitNoise(op, k, shape, (f) => {
    for (let i = 0; i < f.length; i++) {
      const u = Math.max(NORMAL_LOW, f[i]! * NORMAL_SPAN + NORMAL_LOW); // JAX's minval −1 + epsneg, maxval 1
      f[i] = Math.sign(u) * Math.log1p(-Math.abs(u));
    }
  });
  return locScale(op, e, shape, loc, scale);
}

/**
 * Logistic values loc + scale·ε, CDF 1/(1 + e^{−(x − loc)/scale}): ε = log(u/(1 − u)) for u
 * uniform in [2⁻⁵², 1) (JAX's `random.logistic` for ε). Differentiable in `loc` and `scale`.
 * @example ad.random.logistic(ad.random.key(0), [3]).shape // [3]
 */
export function logistic(k: KeyLike, shape?: Shape, loc?: TensorLike, scale?: TensorLike): Tensor;
export function logistic(k: KeyLike, shape: Shape = [], loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.logistic', 'random.logistic(k, shape?, loc?, scale?)', extra, scale);
  const op = 'random.logistic';
  const e = unitNoise(op, k, shape, (u) => {
    aboveEps(u);
    for (let i = 0; i < u.length; i++) u[i] = Math.log(u[i]! / (1 - u[i]!));
  });
  return locScale(op, e, shape, loc, scale);
}

/**
 * Cauchy values loc + scale·ε, density 1/(π·scale·(1 + ((x − loc)/scale)²)): ε = tan(π(u − ½))
 * for u uniform in [2⁻⁵², 1) (JAX's `random.cauchy` for ε). Differentiable in `loc` and `scale`.
 * @example ad.random.cauchy(ad.random.key(0), [3]).shape // [3]
 */
export function cauchy(k: KeyLike, shape?: Shape, loc?: TensorLike, scale?: TensorLike): Tensor;
export function cauchy(k: KeyLike, shape: Shape = [], loc: TensorLike = 0, scale: TensorLike = 1, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.cauchy', 'random.cauchy(k, shape?, loc?, scale?)', extra, scale);
  const op = 'random.cauchy';
  const e = unitNoise(op, k, shape, (u) => {
    aboveEps(u);
    for (let i = 0; i < u.length; i++) u[i] = Math.tan(Math.PI * (u[i]! - 0.5));
  });
  return locScale(op, e, shape, loc, scale);
}

/**
 * −1 or 1 with probability ½ each (JAX's `random.rademacher`: 2·bernoulli(key, ½) − 1, so 1
 * where the uniform is below ½), as float64 values. Random signs for Hutchinson's trace estimator.
 * @example ad.random.rademacher(ad.random.key(0), [4]).data.every((v) => v === 1 || v === -1) // true
 */
export function rademacher(k: KeyLike, shape?: Shape): Tensor;
export function rademacher(k: KeyLike, shape: Shape = [], ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.rademacher', 'random.rademacher(k, shape?)', extra, shape);
  return noiseTensor(unitNoise('random.rademacher', k, shape, (s) => {
    for (let i = 0; i < s.length; i++) s[i] = s[i]! < 0.5 ? 1 : -1;
  }), shape);
}
