/**
 * @file Values that differed from NumPy, SciPy, jnp or torch, found by a review of the NumPy-named functions
 * against NumPy 1.24 and torch 1.13 (float64). Each case failed before its fix. (hyp1f1 at the roots of a
 * terminating series is in ./hyp1f1Hard.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('semantics against NumPy, SciPy and torch', () => {
  it('arange fills as NumPy does: start, start + step, then start + i·((start + step) − start), to the bit', () => {
    // numpy.arange(…).tolist() (jnp.arange with concrete bounds calls it); start + i·step differed by 1–3 ulp.
    expect(ad.arange(0.639, 1.996, 0.34).toArray()).toEqual([0.639, 0.9790000000000001, 1.3190000000000002, 1.6590000000000003]);
    expect(ad.arange(0.1, 0.35, 0.05).toArray()).toEqual([0.1, 0.15000000000000002, 0.20000000000000004, 0.25000000000000006, 0.30000000000000004]);
    const long = ad.arange(-4.83, 0.434, 0.39).toArray() as number[];
    expect(long.length).toBe(14);
    expect(long[2]).toBe(-4.050000000000001);
    expect(long[13]).toBe(0.23999999999999577);
    expect(ad.arange(3).toArray()).toEqual([0, 1, 2]);
    expect(ad.arange(5, 2, -1).toArray()).toEqual([5, 4, 3]);
  });

  it('stats.cauchy.ppf(−0) is −∞ and isf(−0) is +∞, as at +0 (SciPy; −1/tan(−0) gave +∞)', () => {
    expect(ad.stats.cauchy.ppf(ad.tensor([-0, 0, 1])).toArray()).toEqual([-Infinity, -Infinity, Infinity]);
    expect(ad.stats.cauchy.isf(ad.tensor([-0, 0, 1])).toArray()).toEqual([Infinity, Infinity, -Infinity]);
  });

  it("quantile's derivative in q is 0 at a knot, as torch.quantile's and jnp.quantile's (it was the slope to the right)", () => {
    const x = ad.tensor([5, 1, 3, 2, 7]);
    const dq = (q: number) => ad.grad((q: ad.Tensor) => ad.quantile(x, q))(ad.scalar(q)).item();
    // torch.quantile(x, q).backward(): q.grad 0 at q = 0.25, 0.5, 1 (positions 1, 2, 4); 8 at 0.55 (between 3 and 5).
    expect([dq(0.25), dq(0.5), dq(1), dq(0.55)]).toEqual([0, 0, 0, 8]);
    // The derivative in x is unchanged there: all of it on the entry read.
    expect(ad.grad((x: ad.Tensor) => ad.quantile(x, 0.5))(x).toArray()).toEqual([0, 0, 1, 0, 0]);
  });

  it('linalg.lstsq with a vector b gives residuals of shape [1], as jnp.linalg.lstsq', () => {
    const r = ad.linalg.lstsq(ad.tensor([[1, 0], [1, 1], [1, 2]]), ad.tensor([1, 2, 4]));
    expect(r.residuals.shape).toEqual([1]);
    expect(Math.abs(r.residuals.item() - 1 / 6)).toBeLessThan(1e-14);
  });
});
