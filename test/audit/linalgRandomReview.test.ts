/**
 * @file Regressions found by an independent differential review of the ad.linalg extras (lstsq,
 * pinv, expm, cond, norms, …) and the jax.random tail against PyTorch 1.13 (float64 autograd),
 * NumPy and closed forms, by a harness outside the repo. Oracle values are written out here (the
 * numbers NumPy / torch printed, or exact closed forms), so this file needs no Python.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const close = (got: number[], want: number[], rtol: number) =>
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(rtol * Math.abs(want[i]!)));

describe('svd and eigh at extreme scales (their sums of squares overflowed or underflowed)', () => {
  // s of [[1, 2], [3, 4]]: √(15 ± √221); numpy.linalg.svd(1e200 * a) gives these times 1e200.
  const s = [Math.sqrt(15 + Math.sqrt(221)), Math.sqrt(15 - Math.sqrt(221))];
  for (const scale of [1e200, 1e-200, 1e300, 1e-300]) {
    it(`svdvals, matrixNorm(2), cond and pinv of ${scale}·[[1, 2], [3, 4]]`, () => {
      const a = ad.mul(ad.tensor([[1, 2], [3, 4]]), scale);
      close(arr(ad.linalg.svdvals(a)).map((v) => v / scale), s, 1e-14); // was the column norms √10, √20 (no rotation)
      close([ad.linalg.matrixNorm(a, 2).item() / scale], [s[0]!], 1e-14);
      close([ad.linalg.cond(a).item()], [s[0]! / s[1]!], 1e-13);
      close(arr(ad.linalg.pinv(a)).map((v) => v * scale), [-2, 1, 1.5, -0.5], 1e-13); // inv: [[-2, 1], [1.5, -0.5]]
    });
    it(`eigvalsh and pinv(hermitian) of ${scale}·tridiag(1, 2, 1)`, () => {
      const a = ad.mul(ad.tensor([[2, 1, 0], [1, 2, 1], [0, 1, 2]]), scale);
      // 2 − √2, 2, 2 + √2; at 1e200 they were NaN (and pinv silently all zeros), at 1e-200 wrong.
      close(arr(ad.linalg.eigvalsh(a)).map((v) => v / scale), [2 - Math.SQRT2, 2, 2 + Math.SQRT2], 1e-14);
      close(arr(ad.linalg.pinv(a, { hermitian: true })).map((v) => v * scale), [0.75, -0.5, 0.25, -0.5, 1, -0.5, 0.25, -0.5, 0.75], 1e-13);
    });
  }
});

describe('cond of a zero matrix', () => {
  it('is Infinity for p undefined, 2 and −2, as numpy.linalg.cond (it was NaN = 0/0)', () => {
    for (const p of [undefined, 2, -2] as const) expect(ad.linalg.cond(ad.zeros([3, 3]), p).item()).toBe(Infinity);
    expect(arr(ad.linalg.cond(ad.zeros([2, 2, 3]), -2))).toEqual([Infinity, Infinity]);
    expect(ad.linalg.cond(ad.tensor([[1, 0], [0, 0]]), -2).item()).toBe(0); // a finite 0 stays 0, as NumPy
  });
});
