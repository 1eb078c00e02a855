/**
 * @file `torch.pdist`: the p-norm distances between every pair of rows of a matrix, condensed (the upper
 * triangle of the distance matrix, row by row, SciPy's pdist order), through `cdist`'s distances, so
 * its values and gradients are cdist's (torch's pdist's too: 0 where two rows coincide).
 */
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { extraArguments } from '../core/extraArguments.js';
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, describe, zeros, type TensorLike } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { reshape, take } from './shape.js';
import { cdist } from './functional.js';

/**
 * The distances ‖xᵢ − xⱼ‖ₚ between the rows of x [N, M] for i < j, in the order (0, 1), (0, 2), …,
 * (0, N − 1), (1, 2), …: N(N − 1)/2 of them, as `torch.pdist(input, p)`. p ≥ 0 or Infinity (default 2;
 * p = 0 counts the differing coordinates). Differentiable, with cdist's gradients: 0 where two rows
 * coincide; for p = ∞ every coordinate at the maximum gets the whole gradient (torch's).
 * @example
 * ad.pdist(ad.tensor([[0, 0], [3, 4], [0, 1]])).toArray(); // => [5, 1, 4.242640687119285]
 */
export function pdist(x: TensorLike, p?: number): Tensor;
export function pdist(x: TensorLike, p = 2, ...extra: unknown[]): Tensor {
  if (extra.length > 0) extraArguments('pdist', 'pdist(x, p?)', extra, p);
  const t = asTensor(x, 'pdist');
  if (t.ndim !== 2) throw new ShapeError(`pdist: input of shape ${formatShape(t.shape)} must be 2-D [N, M], N rows of M coordinates (torch's rule; for batches use cdist).`);
  if (typeof p !== 'number' || !(p >= 0)) throw new InvalidArgumentError(`pdist: p must be a number ≥ 0 or Infinity, got ${describe(p)}.`);
  const [n, m] = t.shape as [number, number], pairs = (n * (n - 1)) / 2;
  if (pairs === 0) return zeros([0]);
  const first = new Int32Array(pairs), second = new Int32Array(pairs);
  for (let i = 0, k = 0; i < n; i++) for (let j = i + 1; j < n; j++, k++) [first[k], second[k]] = [i, j];
  // Each pair as a batch of one row against one row: cdist [pairs, 1, M] × [pairs, 1, M] → [pairs, 1, 1].
  const rows = (at: Int32Array) => reshape(take(t, at, 0), [pairs, 1, m]);
  return reshape(cdist(rows(first), rows(second), p), [pairs]);
}
