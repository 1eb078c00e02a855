/**
 * @file `torch.nn.functional.channel_shuffle` (ShuffleNet's): the channels regrouped so that consecutive
 * groups interleave, a reshape, a transpose and a reshape.
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { reshape, transpose } from './shape.js';

/**
 * The channels of x [N, C, …] (rank ≥ 3) split into `groups` groups of C/groups and interleaved, as
 * `torch.nn.functional.channel_shuffle`: channel g·(C/groups) + i goes to i·groups + g.
 * @example
 * ad.channelShuffle(ad.reshape(ad.arange(4), [1, 4, 1]), 2).toArray(); // => [[[0], [2], [1], [3]]]
 */
export function channelShuffle(x: TensorLike, groups: number): Tensor;
export function channelShuffle(x: TensorLike, groups: number, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('channelShuffle', 'channelShuffle(x, groups)', extra, groups);
  const t = asTensor(x, 'channelShuffle');
  if (typeof groups !== 'number' || !Number.isInteger(groups) || groups < 1) throw new InvalidArgumentError(`channelShuffle: groups must be a whole number ≥ 1, got ${describe(groups)}.`);
  if (t.ndim < 3 || t.shape[1]! % groups !== 0) {
    throw new ShapeError(`channelShuffle: input ${formatShape(t.shape)} must be [N, C, …] (rank ≥ 3, PyTorch's rule) with C divisible by groups (${groups}).`);
  }
  const [n, c] = t.shape as [number, number], rest = t.shape.slice(2);
  const perm = [0, 2, 1, ...rest.map((_, i) => i + 3)];
  return reshape(transpose(reshape(t, [n, groups, c / groups, ...rest]), perm), t.shape);
}
