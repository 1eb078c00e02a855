/**
 * @file Helper 102's review of defaults and call conventions against NumPy 1.24 and jax.numpy
 * (after `take` without an axis, 869d95d): calls that are valid in both libraries and returned a
 * different answer in adjoint. About 650 calls were run in both and diffed (scratch script); the
 * differences fixed here:
 * - `eye(n, m, k)` read only n (numpy.eye and jnp.eye are eye(N, M = N, k = 0)): eye(3, 4) was
 *   the 3×3 identity, eye(3, 3, 1) the main diagonal.
 * - `cross(a, b, 0)`: the third argument is axisa in numpy.cross and jnp.cross (then axisb, axisc,
 *   axis); adjoint read it as the axis of all three, a different product (and shape) whenever
 *   b's vectors do not lie along the same axis.
 * - `special.logsumexp(a, axis, b)`: SciPy's and JAX's positional weights were taken for an options
 *   object without `b` and dropped, giving the unweighted value; now an error saying `{ b }`.
 * Reference values: NumPy 1.24 / SciPy, e.g. np.eye(4, 3, -2), np.cross(np.arange(9.).reshape(3, 3), b, 0).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('eye(n, m, k) as numpy.eye', () => {
  it('has m columns and ones on diagonal k', () => {
    expect(ad.eye(3, 4).toArray()).toEqual([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
    expect(ad.eye(3, 3, 1).toArray()).toEqual([[0, 1, 0], [0, 0, 1], [0, 0, 0]]);
    expect(ad.eye(2, 3, 1).toArray()).toEqual([[0, 1, 0], [0, 0, 1]]);
    expect(ad.eye(4, 3, -2).toArray()).toEqual([[0, 0, 0], [0, 0, 0], [1, 0, 0], [0, 1, 0]]);
    expect(ad.eye(2, 3, 5).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ad.eye(2, 3, -5).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ad.eye(2, 0).shape).toEqual([2, 0]);
    expect(ad.eye(2, undefined, -1).toArray()).toEqual([[0, 0], [1, 0]]); // np.eye(2, None, -1)
    expect(ad.eye(3).toArray()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  });

  it('refuses a bad m or k', () => {
    expect(() => ad.eye(2, 1.5)).toThrow(/eye: m must be a non-negative integer/);
    expect(() => ad.eye(2, -1)).toThrow(/eye: m must be a non-negative integer/);
    expect(() => ad.eye(2, 2, 0.5)).toThrow(/eye: k must be an integer/);
  });
});

describe('cross(a, b, axisa, axisb, axisc, axis) as numpy.cross', () => {
  const a = ad.reshape(ad.arange(9), [3, 3]);
  const b = ad.tensor([[1, 2, 0], [0, 1, 1], [3, 0, 1]]);

  it('reads the third argument as axisa (b keeps its last axis)', () => {
    // np.cross(np.arange(9.).reshape(3, 3), b, 0)
    expect(ad.cross(a, b, 0).toArray()).toEqual([[-12, 6, -3], [-3, -1, 1], [5, 22, -15]]);
    // np.cross(np.arange(6.).reshape(2, 3).T, [1, 0, 0], 0)
    expect(ad.cross(ad.transpose(ad.reshape(ad.arange(6), [2, 3])), ad.tensor([1, 0, 0]), 0).toArray()).toEqual([[0, 2, -1], [0, 5, -4]]);
  });

  it('takes axis (NumPy keyword axis=0) as the sixth argument, overriding the three', () => {
    const want = [[9, -7, -3], [6, 14, -2], [-3, -7, 2]]; // np.cross(a, b, axis=0)
    expect(ad.cross(a, b, -1, -1, -1, 0).toArray()).toEqual(want);
    expect(ad.cross(a, b, 0, 0, 0).toArray()).toEqual(want);
    expect(ad.cross(a, b, 1, 1, 1, 0).toArray()).toEqual(want);
  });

  it('puts the result along axisc', () => {
    // np.cross(np.arange(12.).reshape(2, 2, 3), [1, 2, 0], -1, -1, 1)
    expect(ad.cross(ad.reshape(ad.arange(12), [2, 2, 3]), ad.tensor([1, 2, 0]), -1, -1, 1).toArray()).toEqual([
      [[-4, -10], [2, 5], [-1, 2]],
      [[-16, -22], [8, 11], [5, 8]],
    ]);
  });

  it('differentiates through the moved axes', () => {
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.cross(x, b, 0)))(a);
    // d/da Σ cross(a, b, 0): a's column j meets b's row j; Σ_k (a_j × b_j)_k = a_j · (b_j × 1)
    const ones = ad.ones([3]);
    const want = ad.transpose(ad.cross(b, ones)); // column j is b_j × (1, 1, 1)
    expect(g.toArray()).toEqual(want.toArray());
  });

  it('says which axes must have length 3', () => {
    expect(() => ad.cross(ad.ones([3, 2]), ad.ones([3, 2]), 0)).toThrow(/cross: axis 0 of a \(shape \[3,2\]\) and axis -1 of b \(shape \[3,2\]\) must both have length 3/);
  });
});

describe('special.logsumexp with SciPy/JAX positional weights', () => {
  const v = ad.tensor([3, 1, 2, 5, 4]);

  it('refuses a tensor or array third argument instead of dropping it', () => {
    expect(() => ad.special.logsumexp(v, 0, ad.tensor([1, 2, 3, 4, 5]) as never)).toThrow(/logsumexp: the third argument is an options object; pass the weights as \{ b \}/);
    expect(() => ad.special.logsumexp(v, 0, [1, 2, 3, 4, 5] as never)).toThrow(/pass the weights as \{ b \}/);
    expect(() => ad.special.logsumexp(v, 0, { keepDims: true } as never)).toThrow(/logsumexp: unknown option 'keepDims'; the options are b, keepdims, returnSign and where/);
  });

  it('gives scipy.special.logsumexp(v, 0, b) with { b }', () => {
    const got = ad.special.logsumexp(v, 0, { b: ad.tensor([1, 2, 3, 4, 5]) }).item();
    expect(Math.abs(got - 6.8181944608761365)).toBeLessThan(1e-14); // sp.logsumexp(v, 0, [1, 2, 3, 4, 5])
  });
});
