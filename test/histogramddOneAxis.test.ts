/** @file histogramdd of a 1-D sample: N points of one coordinate, as NumPy 1.24 reads it. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('histogramdd with a 1-D sample', () => {
  it('np.histogramdd([1, 2, 2, 3], 3) → ([1, 2, 1], [[1, 5/3, 7/3, 3]])', () => {
    const [h, edges] = ad.histogramdd(ad.tensor([1, 2, 2, 3]), 3);
    expect(h.toArray()).toEqual([1, 2, 1]);
    expect(edges).toHaveLength(1);
    const e = edges[0]!.toArray() as number[];
    [1, 1.6666666666666667, 2.3333333333333335, 3].forEach((v, i) => expect(e[i]).toBeCloseTo(v, 15));
  });

  it('equals the same points as an [N, 1] sample, weights and density included', () => {
    const x = ad.tensor([0.1, 0.4, 0.35, 0.9, 0.5]), w = ad.tensor([1, 2, 3, 4, 5]);
    const [a] = ad.histogramdd(x, 4, { weights: w, density: true });
    const [b] = ad.histogramdd(ad.reshape(x, [5, 1]), 4, { weights: w, density: true });
    expect(a.toArray()).toEqual(b.toArray());
  });

  it('a scalar sample is still an error naming both accepted shapes', () => {
    expect(() => ad.histogramdd(ad.tensor(1), 3)).toThrow(/\[N, D\].*\[N\]/);
  });
});
