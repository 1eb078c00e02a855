/** @file The public `where`: elementwise selection with three arguments, numpy's `nonzero` with one (np.where(cond), jnp.where(cond, size=…)). */
import { Tensor } from '../tensor/tensor.js';
import type { TensorLike } from '../tensor/create.js';
import { where as select } from './select.js';
import { nonzero, type NonzeroOptions } from './numpyPositions.js';
import { extraArguments } from '../core/extraArguments.js';
import { InvalidArgumentError } from '../core/errors.js';

/**
 * Elementwise `cond ? a : b` (any non-zero condition counts as true), broadcasting all three; the
 * gradient flows only into the branch that was selected. With the condition alone (and jnp's
 * `{ size, fillValue }`), the indices where it holds, one tensor per axis: `nonzero(cond)`, as
 * numpy.where(cond) and jnp.where(cond).
 * @example ad.where(ad.greater(x, 0), ad.sqrt(x), 0)
 * @example ad.where(ad.tensor([0, 1, 1]))[0] // [1, 2]
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor;
export function where(cond: TensorLike, options?: NonzeroOptions): Tensor[];
export function where(cond: TensorLike, a?: TensorLike | NonzeroOptions, b?: TensorLike, ...extra: unknown[]): Tensor | Tensor[] {
  if (extra.length > 0) extraArguments('where', 'where(cond, a, b)', extra, b);
  if (b === undefined && (a === undefined || (typeof a === 'object' && a !== null && !(a instanceof Tensor)))) return nonzero(cond, (a ?? {}) as NonzeroOptions);
  if (a === undefined || b === undefined) {
    throw new InvalidArgumentError('where: give both branches, where(cond, a, b), or the condition alone for the indices where it holds (numpy.where(cond), i.e. nonzero).');
  }
  return select(cond, a as TensorLike, b);
}
