/** @file The Bernoulli numbers (JAX's bernoulli(n)), correctly rounded (kernels/bernoulli.ts). */
import { InvalidArgumentError } from '../core/errors.js';
import { Tensor } from '../tensor/tensor.js';
import { bernoulliNumbers } from './kernels/bernoulli.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * B₀, B₁, …, Bₙ as a tensor of n + 1 numbers (JAX's and SciPy's bernoulli(n): B₁ = −½), each the double nearest the
 * exact rational (computed exactly from the tangent numbers); past B₂₅₈ they overflow to ±∞ (odd ones are 0).
 * n must be an integer ≥ 0; not differentiable (a constant).
 * @example ad.special.bernoulli(4) // [1, −0.5, 1/6, 0, −1/30]
 */
export function bernoulli(n: number): Tensor;
export function bernoulli(n: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('bernoulli', 'bernoulli(n)', extra, n);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 2 ** 26) {
    throw new InvalidArgumentError(`bernoulli: n must be an integer from 0 to 2^26 (the index of the last Bernoulli number), got ${String(n)}; pass e.g. bernoulli(10) for B₀ … B₁₀.`);
  }
  return new Tensor(bernoulliNumbers(n), [n + 1]);
}
