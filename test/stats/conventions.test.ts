/**
 * @file ad.stats' conventions: −∞/0 outside the support, NaN for invalid parameters, errors naming the
 * function for junk and mismatched shapes; fast-check properties (CDFs monotone, ppf inverts cdf,
 * pmfs sum to 1); vmap and jit equal to eager.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';

const st = ad.stats;

describe('support and parameters', () => {
  it('gives −∞ log-densities and zero densities outside the support, as SciPy', () => {
    expect(st.gamma.logpdf(-1, 2).item()).toBe(-Infinity);
    expect(st.beta.pdf(1.5, 2, 2).item()).toBe(0);
    expect(st.expon.logpdf(-0.1).item()).toBe(-Infinity);
    expect(st.uniform.pdf(ad.tensor([-0.1, 0, 0.5, 1, 1.1])).toArray()).toEqual([0, 1, 1, 1, 0]);
    expect(st.poisson.logpmf(ad.tensor([-1, 1.5]), 2).toArray()).toEqual([-Infinity, -Infinity]);
    expect(st.binom.pmf(4, 3, 0.5).item()).toBe(0);
    expect(st.geom.pmf(0, 0.5).item()).toBe(0);
    expect(st.gamma.cdf(ad.tensor([-1, Infinity]), 3).toArray()).toEqual([0, 1]);
    expect(st.beta.cdf(ad.tensor([-1, 2]), 2, 3).toArray()).toEqual([0, 1]);
    expect(st.lognorm.logpdf(0, 1).item()).toBe(-Infinity);
  });

  it('gives NaN for invalid parameters (scale ≤ 0, p outside [0, 1]), as SciPy and JAX', () => {
    for (const v of [
      st.norm.logpdf(0, 0, 0), st.norm.cdf(0, 0, -1), st.t.logpdf(0, -1), st.gamma.logpdf(1, 0), st.beta.cdf(0.5, 1, -2),
      st.expon.pdf(1, 0, -1), st.cauchy.ppf(0.5, 0, 0), st.poisson.pmf(1, -1), st.bernoulli.pmf(1, 1.5), st.binom.pmf(1, 3, -0.1),
      st.lognorm.cdf(1, 0), st.norm.ppf(0.5, 0, -2), st.expon.ppf(1.5),
    ]) expect(v.item()).toBeNaN();
  });

  it('keeps 0 · log 0 = 0 at the edges of the Bernoulli and binomial', () => {
    expect(st.bernoulli.pmf(ad.tensor([0, 1]), 0).toArray()).toEqual([1, 0]);
    expect(st.binom.pmf(0, 3, 1).item()).toBe(0);
    expect(st.binom.pmf(0, 3, 0).item()).toBe(1);
    expect(st.binom.pmf(3, 3, 1).item()).toBeCloseTo(1, 15);
    expect(st.poisson.pmf(0, 0).item()).toBe(1);
  });

  it('throws an AdjointError naming the function for junk and shapes that do not broadcast', () => {
    expect(() => st.norm.logpdf('a' as unknown as number)).toThrow(/stats\.norm\.logpdf/);
    expect(() => st.gamma.cdf(ad.ones([2]), ad.ones([3]))).toThrow(ad.ShapeError);
    expect(() => st.gamma.cdf(ad.ones([2]), ad.ones([3]))).toThrow(/stats\.gamma\.cdf: shapes \[2\] and \[3\]/);
    expect(() => st.dirichlet.logpdf(ad.tensor([0.5, 0.5]), ad.tensor([1, 1, 1]))).toThrow(/stats\.dirichlet\.logpdf: x \[2\] and alpha \[3\] must have the same last axis/);
    expect(() => st.multivariateNormal.logpdf(ad.tensor([0, 0]), ad.tensor([0, 0]), ad.eye(3))).toThrow(/stats\.multivariateNormal\.logpdf: .* must share the dimension d/);
    expect(() => st.binom.logpmf(1, null as unknown as number, 0.5)).toThrow(ad.AdjointError);
  });

  it('broadcasts parameters against points', () => {
    const v = st.norm.logpdf(ad.tensor([[0], [1]]), ad.tensor([0, 1, 2]), 2);
    expect(v.shape).toEqual([2, 3]);
    expect(v.toArray()).toEqual([[0, 1, 2], [1, 0, -1]].map((row) => row.map((d) => st.norm.logpdf(d, 0, 2).item())));
  });
});

describe('properties (fast-check)', () => {
  const families: Array<[string, (x: number) => number, (q: number) => number]> = [
    ['norm', (x) => st.norm.cdf(x, 0.5, 2).item(), (q) => st.norm.ppf(q, 0.5, 2).item()],
    ['logistic', (x) => st.logistic.cdf(x, -1, 0.7).item(), (q) => st.logistic.ppf(q, -1, 0.7).item()],
    ['cauchy', (x) => st.cauchy.cdf(x, 0, 3).item(), (q) => st.cauchy.ppf(q, 0, 3).item()],
    ['expon', (x) => st.expon.cdf(x, 0, 2).item(), (q) => st.expon.ppf(q, 0, 2).item()],
    ['lognorm', (x) => st.lognorm.cdf(x, 0.8).item(), (q) => st.lognorm.ppf(q, 0.8).item()],
  ];

  it.each(families)('%s: the CDF is monotone in [0, 1] and ppf(cdf(x)) = x', (_name, cdf, ppf) => {
    fc.assert(fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0, max: 0.5, noNaN: true }), (q, h) => {
      const x = ppf(q);
      const a = cdf(x), b = cdf(x + h);
      return a >= 0 && b <= 1 && b >= a && Math.abs(a - q) <= 1e-14;
    }), { numRuns: 200, seed: 3 });
  });

  it('gamma and beta CDFs are monotone in x and decreasing in a', () => {
    fc.assert(fc.property(fc.double({ min: 0.05, max: 30, noNaN: true }), fc.double({ min: 0.1, max: 20, noNaN: true }), (x, a) => {
      const c = st.gamma.cdf(x, a).item();
      return st.gamma.cdf(x * 1.1, a).item() >= c && st.gamma.cdf(x, a * 1.1).item() <= c
        && Math.abs(c + st.gamma.sf(x, a).item() - 1) <= 1e-15;
    }), { numRuns: 150, seed: 5 });
    fc.assert(fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0.2, max: 10, noNaN: true }), (x, a) => {
      const c = st.beta.cdf(x, a, 2).item();
      return st.beta.cdf(Math.min(1, x + 0.01), a, 2).item() >= c && Math.abs(c + st.beta.sf(x, a, 2).item() - 1) <= 1e-14;
    }), { numRuns: 150, seed: 9 });
  });

  it('the probability mass functions sum to 1 and their CDFs are the partial sums', () => {
    const k = ad.arange(0, 60);
    expect(ad.sum(st.poisson.pmf(k, 4.5)).item()).toBeCloseTo(1, 14);
    expect(ad.sum(st.binom.pmf(ad.arange(0, 11), 10, 0.3)).item()).toBeCloseTo(1, 14);
    const partial = ad.cumsum(st.poisson.pmf(ad.arange(0, 10), 4.5), 0).toFloat64Array();
    const cdf = st.poisson.cdf(ad.arange(0, 10), 4.5).toFloat64Array();
    partial.forEach((p, i) => expect(Math.abs(p - cdf[i]!)).toBeLessThan(1e-15));
  });
});

describe('transformations', () => {
  it('vmap and jit equal eager', () => {
    const f = (x: ad.Tensor, a: ad.Tensor) => ad.add(st.gamma.logcdf(x, a), st.norm.logsf(x, a, 2));
    const xs = ad.tensor([[0.5, 2, 7], [1, 3, 0.1]]), a = ad.tensor([1.5, 0.7, 4]);
    const eager = ad.stack([f(ad.reshape(ad.take(xs, [0], 0), [3]), a), f(ad.reshape(ad.take(xs, [1], 0), [3]), a)], 0);
    expect(ad.vmap(f, [0, null])(xs, a).toArray()).toEqual(eager.toArray());
    const g = ad.jit(ad.grad((m: ad.Tensor) => ad.sum(st.multivariateNormal.logpdf(ad.tensor([[0.1, 0.2], [1, -1]]), m, ad.tensor([[2, 0.5], [0.5, 1]])))));
    const m = ad.tensor([0.3, 0.1]);
    g(m);
    expect(g(m).toArray()).toEqual(ad.grad((t: ad.Tensor) => ad.sum(st.multivariateNormal.logpdf(ad.tensor([[0.1, 0.2], [1, -1]]), t, ad.tensor([[2, 0.5], [0.5, 1]]))))(m).toArray());
  });

  it.each([
    ['gamma.logpdf (x, a, scale)', (x: ad.Tensor, a: ad.Tensor, s: ad.Tensor) => st.gamma.logpdf(x, a, 0, s), [[0.7, 3], [1.5, 2.2], [1.2, 0.8]]],
    ['beta.logpdf (x, a, b)', (x: ad.Tensor, a: ad.Tensor, b: ad.Tensor) => st.beta.logpdf(x, a, b), [[0.3, 0.8], [1.5, 2.2], [3, 0.7]]],
    ['norm.logcdf (x, loc, scale)', (x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => st.norm.logcdf(x, l, s), [[-9, 1], [0.5, -0.2], [1.3, 2]]],
    ['binom.logpmf (n, p)', (n: ad.Tensor, p: ad.Tensor) => st.binom.logpmf(ad.tensor([3, 2]), n, p), [[10, 7.5], [0.3, 0.6]]],
    ['cauchy.logcdf (x, loc, scale)', (x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => st.cauchy.logcdf(x, l, s), [[-50, 2], [0.5, -0.2], [1.3, 2]]],
    // Second order in a is refused (as JAX): a is a constant here.
    ['gamma.cdf (x, scale)', (x: ad.Tensor, s: ad.Tensor) => st.gamma.cdf(x, ad.tensor([1.5, 2.2]), 0, s), [[0.7, 3], [1.2, 0.8]]],
  ] as Array<[string, (...xs: ad.Tensor[]) => ad.Tensor, number[][]]>)('%s: second-order gradients check against finite differences', (_name, f, values) => {
    expect(ad.checkGrad(f, values.map((v) => ad.tensor(v)), { order: 2 }).ok).toBe(true);
  });

  it('gradients check against finite differences to second order in x and location/scale', () => {
    const r = ad.checkGrad((x: ad.Tensor, l: ad.Tensor, s: ad.Tensor) => ad.add(st.t.logpdf(x, 3.5, l, s), st.logistic.logcdf(x, l, s)),
      [ad.tensor([0.3, -2]), ad.tensor([0.1, 0.5]), ad.tensor([1.5, 0.7])], { order: 2 });
    expect(r.ok).toBe(true);
  });
});
