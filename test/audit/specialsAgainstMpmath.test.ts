/**
 * @file Audit regressions for numerically delicate ops at extreme arguments, against values from
 * mpmath 1.2.1 at 50 digits or exact rational arithmetic (Python's fractions), hard-coded here.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

/** |got − want| / |want|. */
function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.abs(want);
}

describe('variance with a large common offset', () => {
  // 1e15 + k, k = (7919 i mod 10) for i < 1000: each k in 0..9 a hundred times, every entry exact.
  // The plain two-pass result was 23.27: the mean's rounding error (≈ 4) squared added to 8.25.
  const offset15 = Array.from({ length: 1000 }, (_, i) => 1e15 + ((i * 7919) % 10));
  // 1e9 + k/1000 rounded to doubles; the exact variance of those doubles (fractions.Fraction).
  const offset9 = Array.from({ length: 1000 }, (_, i) => 1e9 + ((i * 7919) % 1000) / 1000);

  it('is exact for 1e15 + small integers', () => {
    expect(ad.variance(ad.tensor(offset15)).item()).toBe(8.25);
    expect(ad.variance(ad.tensor([offset15, offset15]), 1).toArray()).toEqual([8.25, 8.25]);
    expect(ad.std(ad.tensor(offset15), undefined, { ddof: 1 }).item()).toBeCloseTo(Math.sqrt(8.25 * 1000 / 999), 14);
  });

  it('is within a few ulp for 1e9 + noise', () => {
    expect(relErr(ad.variance(ad.tensor(offset9)).item(), 0.08333325000190853)).toBeLessThan(1e-15);
  });

  it('keeps the gradient 2(x − mean)/N', () => {
    const g = ad.grad((x: ad.Tensor) => ad.variance(x))(ad.tensor([1e15, 1e15 + 1, 1e15 + 2, 1e15 + 5])).toArray() as number[];
    expect(g).toEqual([-1, -0.5, 0, 1.5]);
  });
});
