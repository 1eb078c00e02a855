/**
 * @file Regressions from a second adversarial differential review of the jax.numpy-style op
 * catalogue against NumPy 1.24 (values) and PyTorch 1.13 float64 autograd (gradients). The oracle
 * values are the numbers NumPy / torch printed, written out, so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('variance, std, nanvar and nanstd of finite entries whose mean overflows', () => {
  // The mean of [1e308, 1.7e308] overflows to +∞, every rough deviation is −∞, and the mean-rounding
  // correction subtracted −∞ from −∞: NaN. NumPy 1.24 (and jnp) give +∞:
  //   np.var([1e308, 1.7e308]) = inf, np.std(...) = inf, np.nanvar([1e308, 1.7e308, nan]) = inf,
  //   np.var([[1e308, 1.7e308], [1, 3]], axis=1) = [inf, 1], np.std([-1e308, -1.7e308, -1.5e308]) = inf.
  it('is +∞ as NumPy, not NaN', () => {
    expect(ad.variance(ad.tensor([1e308, 1.7e308])).item()).toBe(Infinity);
    expect(ad.std(ad.tensor([1e308, 1.7e308])).item()).toBe(Infinity);
    expect(ad.std(ad.tensor([-1e308, -1.7e308, -1.5e308]), undefined, { ddof: 1 }).item()).toBe(Infinity);
    expect(ad.nanvar(ad.tensor([1e308, 1.7e308, NaN])).item()).toBe(Infinity);
    expect(ad.nanstd(ad.tensor([NaN, -1e308, -1.7e308])).item()).toBe(Infinity);
    expect(arr(ad.variance(ad.tensor([[1e308, 1.7e308], [1, 3]]), 1))).toEqual([Infinity, 1]);
    expect(arr(ad.nanvar(ad.tensor([[1e308, 1.7e308, NaN], [1, NaN, 3]]), 1))).toEqual([Infinity, 1]);
  });

  it('under jit as eagerly', () => {
    const v = ad.jit((x: Tensor) => ad.variance(x, 1));
    expect(arr(v(ad.tensor([[1, 2], [3, 5]])))).toEqual([0.25, 1]);
    expect(arr(v(ad.tensor([[1e308, 1.7e308], [1, 3]])))).toEqual([Infinity, 1]);
  });

  it('keeps NumPy\'s NaN where an entry is infinite or NaN', () => {
    // np.var([1, inf]) = np.var([inf, inf]) = np.var([-inf, inf]) = np.var([1, nan]) = nan
    for (const x of [[1, Infinity], [Infinity, Infinity], [-Infinity, Infinity], [1, NaN]]) {
      expect(ad.variance(ad.tensor(x)).item()).toBeNaN();
      expect(ad.std(ad.tensor(x)).item()).toBeNaN();
    }
    // np.nanvar([inf, 1, nan]) = nan, np.nanvar([nan, nan]) = nan
    expect(ad.nanvar(ad.tensor([Infinity, 1, NaN])).item()).toBeNaN();
    expect(ad.nanvar(ad.tensor([NaN, NaN])).item()).toBeNaN();
  });

  it('leaves ordinary values and gradients as they were', () => {
    // np.var([1e9 + 1, 1e9 + 2, 1e9 + 3]) = 2/3; torch: d/dx Σ w·var(x, dim=1, unbiased=True) for
    // x = [[1, 2, 4], [0, -1, 5]], w = [1, 2]: [[-1.3333333333333335, -0.3333333333333335, 1.6666666666666665],
    // [-2.6666666666666665, -4.666666666666666, 7.333333333333334]].
    expect(ad.variance(ad.tensor([1e9 + 1, 1e9 + 2, 1e9 + 3])).item()).toBe(2 / 3);
    const g = ad.grad((x: Tensor) => ad.sum(ad.mul(ad.variance(x, 1, { ddof: 1 }), ad.tensor([1, 2]))))(ad.tensor([[1, 2, 4], [0, -1, 5]]));
    const want = [-1.3333333333333335, -0.3333333333333335, 1.6666666666666665, -2.6666666666666665, -4.666666666666666, 7.333333333333334];
    arr(g).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 14));
    const gn = ad.grad((x: Tensor) => ad.nanvar(x))(ad.tensor([1, NaN, 3, 8]));
    // torch.var over the non-NaN entries [1, 3, 8] (unbiased=False): 2(x − 4)/3 = [-2, ·, -2/3, 8/3]
    expect(arr(gn)).toEqual([-2, 0, -2 / 3, 8 / 3]);
  });
});
