/**
 * @file `gamma(key, a, shape?)` and `loggamma(key, a, shape?)`, as JAX's `random.gamma` /
 * `random.loggamma`: `a` broadcast to the sample shape, one key per element from
 * `split(key, size)`, each drawn by Marsaglia–Tsang (gammaDraw.ts). Differentiable in `a` by
 * implicit reparameterisation, a `customJvp` whose tangent is dx/da·da (for loggamma d(log x)/da =
 * (dx/da)/x); second derivatives in `a` throw, as JAX's `random_gamma_grad` has none.
 */
import { InvalidArgumentError } from '../core/errors.js';
import { mul } from '../ops/binary.js';
import { broadcastTo } from '../ops/shape.js';
import { customJvp } from '../transforms/customJvp.js';
import type { TensorLike } from '../tensor/create.js';
import type { Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { KeyLike } from './continuous.js';
import { gammaLogSampleDerivative, gammaOne, gammaSampleDerivative } from './gammaDraw.js';
import { toKey } from './key.js';
import { eachExample, isBatched, keyed } from './batching.js';
import { checkPositive, param, sampleSize, valuesToCheck, type Param, optionalShape } from './params.js';
import { hashCounts } from './threefry.js';
import { extraArguments } from '../core/extraArguments.js';

/** The values of `a` (a number or tensor, checked positive) at every element of the sample. */
function shapeValues(op: string, name: string, a: Param, shape: Shape): Float64Array {
  checkPositive(op, name, a, true, `pass a shape parameter ${name} > 0 (a gamma distribution's concentration).`);
  // a = ∞ draws ∞ (d·V with d = ∞), and beta, dirichlet, t and f divide those: ∞/∞ = NaN draws, silently.
  const values = valuesToCheck(a);
  if (values !== null && !Array.from(values).every((v) => v < Infinity)) {
    throw new InvalidArgumentError(`${op}: ${name} must be finite, got Infinity${typeof a === 'number' ? '' : ' in some entry'}; pass a finite shape parameter ${name} > 0.`);
  }
  const n = sampleSize(op, shape, 2);
  if (typeof a === 'number') return new Float64Array(n).fill(a);
  return broadcastTo(a, shape).values.slice();
}

/** The draws (or their logs) on plain values of `a`, one key per element as JAX's `_gamma_impl`. */
function draw(op: string, k: KeyLike, a: Param, name: string, shape: Shape, logSpace: boolean): Tensor {
  // Under vmap, once per example with the same key (JAX's random_gamma_p batching rule broadcasts the key).
  if (a instanceof Tensor && isBatched([a])) return eachExample([a], ([plain]) => draw(op, k, plain!, name, shape, logSpace));
  const key = toKey(k, op);
  const alpha = shapeValues(op, name, a, shape);
  const keys = hashCounts(key.words[0], key.words[1], 2 * alpha.length, null); // split(key, size)
  const out = new Float64Array(alpha.length);
  for (let i = 0; i < out.length; i++) out[i] = gammaOne(keys[2 * i]!, keys[2 * i + 1]!, alpha[i]!, logSpace);
  return new Tensor(out, [...shape]);
}

/**
 * dx/da per element (d(log x)/da in log space, also where x itself underflows). A customJvp whose own derivative throws: the derivative of
 * dx/da is not implemented, so a second derivative in `a` says so instead of being silently wrong.
 */
function sampleDerivative(op: string, name: string, logSpace: boolean): (a: Tensor, x: Tensor) => Tensor {
  return customJvp(
    (a: Tensor, x: Tensor) => eachExample([a, x], ([a, x]) => {
      const av = broadcastTo(a!, x!.shape).values.slice(), xv = x!.values.slice();
      const g = new Float64Array(xv.length);
      for (let i = 0; i < g.length; i++) g[i] = logSpace ? gammaLogSampleDerivative(av[i]!, xv[i]!) : gammaSampleDerivative(av[i]!, xv[i]!);
      return new Tensor(g, [...x!.shape]);
    }),
    () => {
      throw new InvalidArgumentError(
        `${op}: second derivatives in ${name} are not implemented (the draw's derivative in ${name} comes from a series, ` +
          `as JAX's random_gamma_grad, which has no derivative of its own); take one derivative in ${name}, or pass ${name} as a constant for higher ones.`,
      );
    },
  );
}

/**
 * Gamma (or log-gamma) draws of shape `shape` (default a's shape) for shape parameter `a`,
 * differentiable in `a`: the shared core of gamma, loggamma, beta, dirichlet, chisquare and t.
 */
export function gammaSample(op: string, k: KeyLike, a: TensorLike, name: string, shape: Shape | undefined, logSpace: boolean): Tensor {
  const sampleShape = optionalShape(op, shape) ?? (a instanceof Tensor ? a.shape : []);
  const checked = param(op, name, a, sampleShape);
  if (typeof checked === 'number') return draw(op, k, checked, name, sampleShape, logSpace);
  const derivative = sampleDerivative(op, name, logSpace);
  const sample: (alpha: Tensor) => Tensor = customJvp(
    (alpha: Tensor) => draw(op, k, alpha, name, sampleShape, logSpace),
    ([alpha]: [Tensor], [dAlpha]: [Tensor]) => {
      const x = sample(alpha);
      return [x, mul(derivative(alpha, x), dAlpha)];
    },
  );
  return sample(checked);
}

/**
 * Gamma(a) values, density x^{a−1}e^{−x}/Γ(a) (JAX's `random.gamma`: Marsaglia–Tsang with JAX's
 * keys, so its x64 draws up to the last bits of log/pow). Shape `shape`, default a's; divide by a
 * rate (or multiply by a scale) for other gamma distributions. Differentiable in `a` by implicit
 * reparameterisation, dx/da = −(∂F/∂a)/(∂F/∂x) for F the gamma CDF.
 * @example ad.random.gamma(ad.random.key(0), ad.tensor([0.5, 1, 5])).shape // [3]
 */
export function gamma(k: KeyLike, a: TensorLike, shape?: Shape): Tensor;
export function gamma(k: KeyLike, a: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.gamma', 'random.gamma(k, a, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.gamma', k, [a] as const, (key, [a]) => gamma(key, a, shape));
  return gammaSample('random.gamma', k, a, 'a', shape, false);
}

/**
 * The logs of gamma(a) draws, computed in log space (JAX's `random.loggamma`): for a small `a`,
 * gamma draws underflow to 0 (a = 0.001 gives values like 1e−400), their logs do not.
 * Differentiable in `a` (d log x/da = (dx/da)/x).
 * @example ad.random.loggamma(ad.random.key(0), 0.001, [2]).data.every(Number.isFinite) // true
 */
export function loggamma(k: KeyLike, a: TensorLike, shape?: Shape): Tensor;
export function loggamma(k: KeyLike, a: TensorLike, shape?: Shape, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.loggamma', 'random.loggamma(k, a, shape?)', extra, shape);
  if (k instanceof Tensor) return keyed('random.loggamma', k, [a] as const, (key, [a]) => loggamma(key, a, shape));
  return gammaSample('random.loggamma', k, a, 'a', shape, true);
}
