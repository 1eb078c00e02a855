/**
 * @file stats.gaussianKde (jax.scipy.stats.gaussian_kde) against SciPy 1.10's gaussian_kde (gaussianKdeReference.ts),
 * its gradients against finite differences of the density, resampling's moments, vmap and jit, and its errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { data, oneD, points, twoD, weights } from './gaussianKdeReference.js';

const st = ad.stats;
const near = (got: Tensor | number, want: number[] | number, digits = 13) => {
  const g = typeof got === 'number' ? [got] : [...got.toFloat64Array()];
  const w = Array.isArray(want) ? want : [want];
  expect(g).toEqual(w.map((v) => expect.closeTo(v, digits - Math.max(0, Math.ceil(Math.log10(Math.abs(v) || 1))))));
};
const bwOf: Record<string, ad.stats.BandwidthMethod | undefined> = {
  scott: undefined, silverman: 'silverman', '0.7': 0.7, 'scott, weighted': undefined, 'silverman, weighted': 'silverman',
  'callable, weighted': (k) => ad.mul(ad.pow(k.neff, -0.2), 1.1),
};

describe('stats.gaussianKde', () => {
  it.each(twoD.map((c) => [c.name, c] as const))('%s: as SciPy (evaluate, logpdf, integrateGaussian, covariance, neff, factor)', (name, c) => {
    const kde = st.gaussianKde(ad.tensor(data), { bwMethod: bwOf[name], weights: name.includes('weighted') ? ad.tensor(weights) : undefined });
    near(kde.evaluate(ad.tensor(points)), c.evaluate);
    near(kde.pdf(ad.tensor(points)), c.evaluate);
    near(kde.logpdf(ad.tensor(points)), c.logpdf);
    near(kde.integrateGaussian(ad.tensor([0.1, -0.2]), ad.tensor([[1, 0.2], [0.2, 0.5]])), c.integrateGaussian);
    near(kde.covariance, c.covariance);
    near(kde.neff, c.neff);
    near(kde.factor, c.factor);
    near(ad.matmul(kde.covariance, kde.invCov), [1, 0, 0, 1]);
  });

  it('in one dimension: box integrals, the integral of a product of estimates, and logpdf far in the tails', () => {
    const k1 = st.gaussianKde(ad.tensor([-1, 0, 2, 3.5]));
    const k2 = st.gaussianKde(ad.tensor([0.5, 1, 1.5]), { bwMethod: 'silverman', weights: ad.tensor([1, 3, 2]) });
    for (const [lo, hi, want] of oneD.box) near(k1.integrateBox1d(lo!, hi!), want!);
    near(k1.integrateKde(k2), oneD.kde);
    near(k2.integrateKde(k1), oneD.kde);
    near(k1.logpdf(ad.tensor([-60, 100])), oneD.far); // where evaluate underflows to 0
    expect(k1.evaluate(ad.tensor([100])).item()).toBe(0);
  });

  it('differentiates in the points, the data and the weights (finite differences), and maps under vmap and jit', () => {
    const f = (x: Tensor, d: Tensor, w: Tensor) => ad.sum(st.gaussianKde(d, { weights: w }).logpdf(x));
    ad.assertGrad(f, [ad.tensor([[0.3, -1], [0.2, 0.9]]), ad.tensor(data), ad.tensor(weights)], { order: 1 });
    ad.assertGrad((x: Tensor) => ad.sum(st.gaussianKde(ad.tensor(data)).evaluate(x)), [ad.tensor([[0.3, -1], [0.2, 0.9]])], { order: 2 });
    const kde = st.gaussianKde(ad.tensor(data));
    const one = (x: Tensor) => kde.logpdf(ad.reshape(x, [2, 1]));
    const batch = ad.tensor([[0, 0], [1, -0.5], [0.8, 1.1]]);
    near(ad.reshape(ad.vmap(one)(batch), [3]), [...kde.logpdf(ad.transpose(batch)).toFloat64Array()]);
    near(ad.jit((x: Tensor) => kde.logpdf(x))(ad.tensor(points)), twoD[0]!.logpdf);
  });

  it('resamples [d, ...shape] with the estimate\'s mean and covariance (data covariance + kernel covariance)', () => {
    const kde = st.gaussianKde(ad.tensor(data), { weights: ad.tensor(weights) });
    const draws = kde.resample(ad.random.key(7), [40000]);
    expect(draws.shape).toEqual([2, 40000]);
    expect(kde.resample(ad.random.key(7), [3, 2]).shape).toEqual([2, 3, 2]);
    const w = ad.div(ad.tensor(weights), ad.sum(ad.tensor(weights)));
    const mean = ad.matmul(ad.tensor(data), w);
    near(ad.mean(draws, 1), [...mean.toFloat64Array()], 1.6); // ±0.025 at 40,000 draws
    const centred = ad.sub(ad.tensor(data), ad.expandDims(mean, 1));
    const population = ad.add(ad.matmul(ad.mul(centred, w), ad.transpose(centred)), kde.covariance);
    const dc = ad.sub(draws, ad.expandDims(ad.mean(draws, 1), 1));
    near(ad.div(ad.matmul(dc, ad.transpose(dc)), 40000), [...population.toFloat64Array()], 1.3);
    expect([...kde.resample(ad.random.key(7), [5]).toFloat64Array()]).toEqual([...kde.resample(ad.random.key(7), [5]).toFloat64Array()]);
  });

  it('refuses bad input, naming the fix', () => {
    expect(() => st.gaussianKde(ad.tensor([1]))).toThrow(/more than one element/);
    expect(() => st.gaussianKde(ad.tensor(data), { weights: ad.tensor([1, 2]) })).toThrow(/one weight per point, \[7\]/);
    expect(() => st.gaussianKde(ad.tensor(data), { bwMethod: 'wide' as never })).toThrow(/bwMethod must be 'scott', 'silverman'/);
    expect(() => st.gaussianKde(ad.tensor(data), { bw: 1 } as never)).toThrow(/gaussianKde/);
    expect(() => st.gaussianKde(ad.tensor(data)).evaluate(ad.tensor([[1, 2, 3], [1, 2, 3], [1, 2, 3]]))).toThrow(/points have dimension 3, the dataset 2/);
    expect(() => st.gaussianKde(ad.tensor(data)).integrateBox1d(0, 1)).toThrow(/only a one-dimensional estimate/);
  });
});
