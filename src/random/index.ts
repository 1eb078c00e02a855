/**
 * @file `ad.random`: keyed, counter-based randomness as JAX's (`key`, `split`, `foldIn` and samplers
 * that take the key first), plus today's seeded forms `normal(shape, seed)` / `uniform(shape, seed)`,
 * told apart by their first argument (a shape is an array, a key never is).
 */
import { ShapeError } from '../core/errors.js';
import type { TensorLike } from '../tensor/create.js';
import type { Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import * as seeded from '../tensor/random.js';
import * as keyed from './continuous.js';
import type { KeyLike } from './continuous.js';
import { Key } from './key.js';
import { extraArguments } from '../core/extraArguments.js';

export { Key, wrapKeyData, threefry2x32 } from './key.js';
export { key, PRNGKey, clone, split, foldIn, keyData, type NestedKeys } from './keyTensors.js';
export type { KeyLike } from './continuous.js';
export { gumbel } from './continuous.js';
export { bits, bernoulli, categorical, randint } from './discrete.js';
export type { CategoricalOptions } from './discrete.js';
export { permutation } from './permutation.js';
export { truncatedNormal } from './truncated.js';
export { multivariateNormal } from './multivariate.js';
export type { MultivariateNormalOptions } from './multivariate.js';
export { exponential, laplace, logistic, cauchy, rademacher } from './locationScale.js';
export { gamma, loggamma } from './gamma.js';
export { beta, dirichlet, chisquare, t } from './gammaFamily.js';
export { poisson } from './poisson.js';
export { choice } from './choice.js';
export { weibullMin, pareto, rayleigh, maxwell, doubleSidedMaxwell, lognormal, triangular, wald } from './closedForm.js';
export { f, generalizedNormal, ball } from './gammaRatios.js';
export { orthogonal } from './orthogonal.js';
export { geometric, binomial, multinomial } from './counts.js';
export type { ChoiceOptions } from './choice.js';

/**
 * Uniform values in [low, high). Keyed, as JAX's: `uniform(key, shape?, low?, high?)` (a number
 * key means `key(number)`), differentiable in `low` and `high`. Seeded, as before:
 * `uniform(shape, seed, low?, high?)` with its own stream (mulberry32), unchanged.
 * @example ad.random.uniform(ad.random.key(0), [2, 3]).shape // [2, 3]
 */
export function uniform(key: KeyLike, shape?: Shape, low?: TensorLike, high?: TensorLike): Tensor;
export function uniform(shape: Shape, seed: number, low?: number, high?: number): Tensor;
export function uniform(first: KeyLike | Shape, second?: Shape | number, low?: TensorLike, high?: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.uniform', 'random.uniform(key, shape?, low?, high?)', extra, high);
  return dispatch('uniform', seeded.uniform, keyed.uniform, first, second, low, high);
}

/**
 * Normal values. Keyed, as JAX's: `normal(key, shape?, mean?, std?)` (a number key means
 * `key(number)`), differentiable in `mean` and `std`. Seeded, as before:
 * `normal(shape, seed, mean?, std?)` with its own stream (Box–Muller over mulberry32), unchanged.
 * @example ad.random.normal(ad.random.key(0), [3]).shape // [3]
 */
export function normal(key: KeyLike, shape?: Shape, mean?: TensorLike, std?: TensorLike): Tensor;
export function normal(shape: Shape, seed: number, mean?: number, std?: number): Tensor;
export function normal(first: KeyLike | Shape, second?: Shape | number, mean?: TensorLike, std?: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('random.normal', 'random.normal(key, shape?, mean?, std?)', extra, std);
  return dispatch('normal', seeded.normal, keyed.normal, first, second, mean, std);
}

/** The seeded form for a shape array first, else the keyed form (after the two-numbers check). */
function dispatch(
  name: string,
  seededForm: (shape: Shape, seed: number, a?: number, b?: number) => Tensor,
  keyedForm: (key: KeyLike, shape?: Shape, a?: TensorLike, b?: TensorLike) => Tensor,
  first: KeyLike | Shape, second: Shape | number | undefined, a: TensorLike | undefined, b: TensorLike | undefined,
): Tensor {
  if (Array.isArray(first) && !first.some(isKeyObject)) return seededForm(first, second as number, a as number, b as number);
  checkNumberShape(name, first, second);
  return keyedForm(first as KeyLike, second as Shape | undefined, a, b);
}

/** Whether `v` is a key: an array of keys (split's result) passed where one key goes takes the keyed path, whose error says to pick one. */
function isKeyObject(v: unknown): boolean {
  return v instanceof Key;
}

/**
 * `normal(3, 0)`: two numbers. The first is a key's seed, so the second should be a shape; most
 * likely the seeded form `normal([3], 0)` was meant, and the message says both readings.
 */
function checkNumberShape(name: string, first: unknown, second: unknown): void {
  if (typeof first !== 'number' || typeof second !== 'number') return;
  const hint = Number.isInteger(first) && first >= 0 ? ` (for one axis, [${first}])` : '';
  throw new ShapeError(
    `random.${name}: got two numbers, ${name}(${first}, ${second}): a number first is a key's seed, and then a shape must ` +
      `follow as an array. For the seeded form, pass the shape as an array${hint}: ${name}([${first}], ${second}); ` +
      `for the keyed form, ${name}(ad.random.key(${first}), [${second}]).`,
  );
}
