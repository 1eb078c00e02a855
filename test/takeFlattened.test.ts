/**
 * @file ad.take without an axis reads x flattened, as numpy.take / jax.numpy.take / torch.take
 * (values below from NumPy 1.24: np.take(a, i) for the same a and i).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const a = ad.tensor([[1, 2, 3], [4, 5, 6]]);

describe('take without an axis: x flattened (NumPy, JAX, PyTorch)', () => {
  it('values and shapes as np.take', () => {
    expect(ad.take(a, [5, 0, -2]).toArray()).toEqual([6, 1, 5]); // np.take(a, [5, 0, -2])
    expect(ad.take(a, 4).shape).toEqual([]); // np.take(a, 4) → 5, a scalar
    expect(ad.take(a, 4).item()).toBe(5);
    expect(ad.take(a, ad.tensor([[1, 3], [5, 2]])).toArray()).toEqual([[2, 4], [6, 3]]); // the indices' shape
    expect(ad.take(ad.tensor(7), [0, 0]).toArray()).toEqual([7, 7]); // np.take(7, [0, 0])
    expect(a.take([3]).toArray()).toEqual([4]); // the method form too
    expect(ad.take(a, [1], 0).toArray()).toEqual([[4, 5, 6]]); // an axis: along it, as before
  });

  it('out of range names the flattened length', () => {
    expect(() => ad.take(a, [6])).toThrow(/out of range for axis 0 of length 6/);
  });

  it('the gradient scatters into x’s own shape; vmap flattens each example; jit replays', () => {
    const g = ad.grad((x: Tensor) => ad.sum(ad.mul(ad.take(x, [4, 4, 0]), ad.tensor([1, 2, 3]))))(a);
    expect(g.toArray()).toEqual([[3, 0, 0], [0, 3, 0]]);
    const stack = ad.stack([a, ad.mul(a, 10)], 0); // [2, 2, 3]: each example flattened on its own
    expect(ad.vmap((x: Tensor) => ad.take(x, [5, 1]))(stack).toArray()).toEqual([[6, 2], [60, 20]]);
    const f = ad.jit((x: Tensor) => ad.take(x, [2, 3]));
    expect(f(a).toArray()).toEqual([3, 4]);
    expect(f(ad.mul(a, 2)).toArray()).toEqual([6, 8]);
  });
});
