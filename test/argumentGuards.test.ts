/**
 * @file Checks of argument values hold under jit as guards a replay runs again (ops/argumentChecks.ts):
 * jit(f)(x) throws where f(x) does, on every call, while a program with valid values is kept and
 * replayed. (quantile's q, average's weights and cov's fweights were left out of jit replays: a
 * replay returned a value where the function throws.)
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const x = ad.tensor([1, 5, 2, 8]);

describe('argument checks under jit', () => {
  it('quantile: q in [0, 1]', () => {
    const f = ad.jit((v: Tensor, q: Tensor) => ad.quantile(v, q));
    expect(f(x, ad.scalar(0.3)).item()).toBe(ad.quantile(x, 0.3).item());
    expect(f(x, ad.scalar(0.7)).item()).toBe(ad.quantile(x, 0.7).item());
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
    expect(() => f(x, ad.scalar(1.5))).toThrow(/quantile: q must lie in \[0, 1\], got 1\.5/);
    expect(() => f(x, ad.scalar(-0.1))).toThrow(/quantile: q must lie in \[0, 1\], got -0\.1/);
  });

  it('average: weights that sum to zero', () => {
    const f = ad.jit((v: Tensor, w: Tensor) => ad.average(v, 0, { weights: w }));
    expect(f(x, ad.tensor([1, 1, 1, 1])).item()).toBe(4);
    expect(f(x, ad.tensor([1, 0, 0, 0])).item()).toBe(1);
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
    expect(() => f(x, ad.tensor([1, -1, 0, 0]))).toThrow(/average: the weights sum to zero/);
  });

  it('cov: fweights must be whole numbers ≥ 0', () => {
    const data = ad.tensor([[1, 2, 4, 7], [0, 1, 1, 3]]);
    const f = ad.jit((d: Tensor, w: Tensor) => ad.cov(d, { fweights: w }));
    const w = ad.tensor([1, 2, 1, 3]);
    expect(Array.from(f(data, w).toFloat64Array())).toEqual(Array.from(ad.cov(data, { fweights: w }).toFloat64Array()));
    expect(Array.from(f(data, ad.tensor([2, 2, 1, 1])).toFloat64Array())).toEqual(Array.from(ad.cov(data, { fweights: ad.tensor([2, 2, 1, 1]) }).toFloat64Array()));
    expect(f.cacheInfo()[0]!.status).toBe('replayed');
    expect(() => f(data, ad.tensor([1, 1.5, 1, 1]))).toThrow(/cov: fweights must be whole numbers ≥ 0, got 1\.5/);
  });
});
