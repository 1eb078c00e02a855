/**
 * @file gridSample's 'nearest' at ties: PyTorch 1.13 rounds a 2-D position half to even (nearbyint) and a
 * 3-D one half away from zero (std::round). A review found 3-D ties read the wrong pixel: grid points
 * ±1 with alignCorners false are the positions −0.5 and size − 0.5, which PyTorch reads as 0 (zeros
 * padding) in 3-D and as the edge pixel in 2-D. Expected values are PyTorch's F.grid_sample.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js';

describe("gridSample 'nearest' ties as PyTorch's kernels", () => {
  it('3-D: half away from zero — [0, 0, 4] for the grid x = −1, 1, 0.2 over [1, 2, 3, 4, 5]', () => {
    const x = ad.reshape(ad.arange(1, 6), [1, 1, 1, 1, 5]);
    const grid = ad.reshape(ad.tensor([-1, 0, 0, 1, 0, 0, 0.2, 0, 0]), [1, 1, 1, 3, 3]);
    expect(ad.reshape(ad.gridSample(x, grid, { mode: 'nearest' }), [3]).toArray()).toEqual([0, 0, 4]);
  });

  it('2-D: half to even — [1, 5, 3] for the same points', () => {
    const x = ad.reshape(ad.arange(1, 6), [1, 1, 1, 5]);
    const grid = ad.reshape(ad.tensor([-1, 0, 1, 0, 0.2, 0]), [1, 1, 3, 2]);
    expect(ad.reshape(ad.gridSample(x, grid, { mode: 'nearest' }), [3]).toArray()).toEqual([1, 5, 3]);
  });
});
