/**
 * @file Follow-ups to helper 92's review of the jax.numpy batch. histogram and histogramdd over a range whose width overflows float64 (from helper 92's
 * review): numpy.linspace's lo + i·((hi − lo)/n) gave NaN and ∞ edges and all-zero counts in
 * silence (NumPy itself fails with an IndexError); the edges are now lo·(1 − i/n) + hi·(i/n) there.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('histogram edges over a range wider than float64', () => {
  it('counts every entry in the right bin, eagerly and under jit', () => {
    const x = ad.tensor([1e308, -1e308, 0, 5e307]);
    const [hist, edges] = ad.histogram(x, 4);
    expect(edges.toArray()).toEqual([-1e308, -5e307, 0, 5e307, 1e308]);
    expect(hist.toArray()).toEqual([1, 0, 1, 2]);
    const [jHist] = ad.jit((v: ad.Tensor) => ad.histogram(v, 4))(x);
    expect(jHist.toArray()).toEqual([1, 0, 1, 2]);
    const [density] = ad.histogram(x, 4, { density: true });
    const total = (density.toArray() as number[]).reduce((s, d) => s + d * 5e307, 0);
    expect(total).toBeCloseTo(1, 12);
  });

  it('does the same per axis in histogramdd and histogram2d', () => {
    const [hist, edges] = ad.histogramdd(ad.tensor([[1e308, 0], [-1e308, 1]]), 2);
    expect(edges.map((e) => e.toArray())).toEqual([[-1e308, 0, 1e308], [0, 0.5, 1]]);
    expect(hist.toArray()).toEqual([[0, 1], [1, 0]]);
    const [h2] = ad.histogram2d(ad.tensor([1e308, -1e308]), ad.tensor([0, 1]), 2);
    expect(h2.toArray()).toEqual([[0, 1], [1, 0]]);
  });

  it('keeps numpy.linspace edges where the width is finite', () => {
    // numpy.histogram([0.1, 0.35, 0.7], 3)[1] = [0.1, 0.3, 0.5, 0.7] (0.1 + 1·(0.6/3) rounds to 0.3)
    expect(ad.histogram(ad.tensor([0.1, 0.35, 0.7]), 3)[1].toArray()).toEqual([0.1, 0.3, 0.5, 0.7]);
  });
});

describe("the jax.numpy batch's argument errors (helper 92)", () => {
  it('name the op the user called, and refuse what NumPy refuses', () => {
    expect(() => ad.select([], [], 5)).toThrow(/select: condlist is empty/);
    expect(() => ad.select([ad.tensor([1, 0])], [ad.tensor([1, 2, 3])], 0)).toThrow(/^select: shapes/);
    expect(() => ad.piecewise(ad.tensor([1, 2]), [ad.tensor([1, 0, 1])], [(v: ad.Tensor) => v])).toThrow(/^piecewise: /);
    expect(() => ad.nanprod(ad.tensor([1, 2]), 3)).toThrow(/^nanprod: axis 3/);
    expect(() => ad.nanMaxIndex(ad.tensor([1, 2]), 3)).toThrow(/^nanMaxIndex: axis 3/);
    expect(() => ad.nancumsum(ad.tensor([1, 2]), '0' as unknown as number)).toThrow(/got string '0'/);
    expect(() => ad.indices([2, 2], 'yes' as unknown as true)).toThrow(/indices: sparse must be true or false/);
    expect(ad.select([ad.tensor([1, 0]), ad.tensor([1, 1])], [ad.tensor([1, 2]), ad.tensor([3, 4])], 0).toArray()).toEqual([1, 4]);
  });
});
