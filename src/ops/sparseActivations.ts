/**
 * @file jax.nn's piecewise-polynomial and algebraic twins of softplus and sigmoid: `sparsePlus` and
 * `sparseSigmoid` (Blondel, Martins & Niculae 2020, "Learning with Fenchel–Young losses", §6.2:
 * exactly 0 below −1, so their outputs are sparse) and `squareplus` (Barron 2021, "Squareplus: a
 * softplus-like algebraic rectifier").
 */
import { InvalidArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { add, div, greaterEqual, lessEqual, mul, sub } from './binary.js';
import { square } from './unary.js';
import { where } from './select.js';
import { hypot } from './trig.js';
import { extraArguments } from '../core/extraArguments.js';

/**
 * jax.nn.sparse_plus: 0 for x ≤ −1, (x + 1)²/4 on (−1, 1), x for x ≥ 1; smooth (its derivative is
 * {@link sparseSigmoid}) and convex.
 * @example ad.sparsePlus(ad.tensor([-2, 0, 3])).toArray(); // => [0, 0.25, 3]
 */
export function sparsePlus(x: TensorLike): Tensor;
export function sparsePlus(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('sparsePlus', 'sparsePlus(x)', extra, x);
  const t = asTensor(x, 'sparsePlus');
  const low = lessEqual(t, -1), high = greaterEqual(t, 1);
  return where(low, 0, where(high, t, div(square(add(t, 1)), 4)));
}

/**
 * jax.nn.sparse_sigmoid: 0 for x ≤ −1, (x + 1)/2 on (−1, 1), 1 for x ≥ 1 — the derivative of
 * {@link sparsePlus}. Its own derivative is ½ inside and 0 from ±1 on (the cases as written; JAX's
 * ½·clip(x + 1, 0, 2) gives ¼ at ±1 from its clip's tie rule).
 * @example ad.sparseSigmoid(ad.tensor([-2, 0, 0.5, 3])).toArray(); // => [0, 0.5, 0.75, 1]
 */
export function sparseSigmoid(x: TensorLike): Tensor;
export function sparseSigmoid(x: TensorLike, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('sparseSigmoid', 'sparseSigmoid(x)', extra, x);
  const t = asTensor(x, 'sparseSigmoid');
  return where(lessEqual(t, -1), 0, where(greaterEqual(t, 1), 1, div(add(t, 1), 2)));
}

/**
 * jax.nn.squareplus: (x + √(x² + b))/2, default b = 4, a smooth rectifier with algebraic tails. The
 * root is hypot(x, √b) (no overflow of x² past 1e154), and below 0 the value is b/(2(√(x² + b) − x)),
 * the same number without the cancellation of x + √(x² + b) (which left 0 from x ≈ −1e8, where the
 * value is about 1e−8, and no digits well before).
 * @example ad.squareplus(ad.tensor([0, 3])).toArray(); // => [1, 3.302775637731995]
 */
export function squareplus(x: TensorLike, b?: number): Tensor;
export function squareplus(x: TensorLike, b = 4, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('squareplus', 'squareplus(x, b?)', extra, b);
  if (typeof b !== 'number' || !(b >= 0) || b === Infinity) {
    throw new InvalidArgumentError(`squareplus: b must be a finite number ≥ 0 (its smoothness; default 4), got ${describe(b)}.`);
  }
  const t = asTensor(x, 'squareplus');
  const root = hypot(t, Math.sqrt(b));
  const positive = greaterEqual(t, 0);
  return where(positive, div(add(t, root), 2), div(b, mul(2, sub(root, t))));
}
