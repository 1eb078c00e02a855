/**
 * @file ad.poly of a square matrix (its characteristic polynomial) against numpy.poly (NumPy 1.24:
 * the poly of LAPACK's eigenvalues). The Faddeev–LeVerrier recurrence it used before cancelled
 * catastrophically where the eigenvalues span a wide range (helper 92's review: diag(1e-3, 1, 1e3,
 * 1e6) gave a constant coefficient of 4,945,990 for 1e6); Hessenberg reduction and La Budde's
 * recurrence (src/ops/characteristicPolynomial.ts) do not.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const coefficients = (a: number[][]) => Array.from(ad.poly(ad.tensor(a)).toFloat64Array());
const diag = (d: number[]) => d.map((x, i) => d.map((_, j) => (i === j ? x : 0)));

describe('poly of a matrix', () => {
  it('gives numpy.poly for eigenvalues over nine orders of magnitude (diagonal and triangular: the products of the linear factors)', () => {
    // numpy.poly(np.diag([1e-3, 1, 1e3, 1e6])), numpy.poly(np.diag([1e-2, 1, 1e2, 1e4, 1e6]))
    expect(coefficients(diag([1e-3, 1, 1e3, 1e6]))).toEqual([1, -1001001.001, 1001002001.001, -1001001000.9999999, 1000000]);
    expect(coefficients(diag([1e-2, 1, 1e2, 1e4, 1e6]))).toEqual([1, -1010101.01, 10102020201.01, -1010202020101, 1010101010000, -10000000000]);
    // An upper triangular matrix: its Hessenberg form is itself (no reflection), p = Π (λ − a_ii).
    const want = [1, -6.0001, 3.0006, 9.9997, -0.001]; // numpy.poly of [[2,7,1,-3],[0,-1,4,2],[0,0,5,1e3],[0,0,0,1e-4]]
    coefficients([[2, 7, 1, -3], [0, -1, 4, 2], [0, 0, 5, 1e3], [0, 0, 0, 1e-4]]).forEach((c, i) => expect(Math.abs(c - want[i]!)).toBeLessThanOrEqual(1e-15 * Math.abs(want[i]!) + 1e-18));
  });

  it('agrees with numpy.poly on a 12×12 matrix whose columns are scaled from 1e-3 to 1e2.5', () => {
    let seed = 3;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
    const n = 12;
    const m = Array.from({ length: n }, () => Array.from({ length: n }, (_, j) => rnd() * 10 ** (-3 + (5.5 * j) / (n - 1))));
    // numpy.poly(M) for the same matrix (the same generator in Python)
    const want = [1.0, -3.6240969517149915, -1429.430699519023, 82753.53447948606, 182638.19276892915, -76111.53218950037, -66041.19270347152,
      -31485.7768260866, 76.61474126608628, 53.90883747951908, 1.0005037112893587, 0.002288638242432306, 9.468225766651908e-07];
    const got = coefficients(m);
    // The coefficients' scale: Σ of |products of eigenvalues| is not at hand, so each is compared to
    // the largest coefficient of its neighbourhood (a backward-stable reduction's error is normwise).
    got.forEach((c, i) => expect(Math.abs(c - want[i]!)).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(want[i]!), 1e-6)));
  });

  it('is differentiable to second order, and runs under jit and vmap as eagerly', () => {
    const w = ad.tensor([0.3, -1, 2, 0.5]);
    const f = (a: ad.Tensor) => ad.sum(ad.mul(ad.poly(a), w));
    expect(ad.checkGrad(f, [ad.tensor([[1, 2, 0.5], [3, 4, 1], [0.2, -1, 2]])], { order: 2 }).ok).toBe(true);
    // A column already zero below the subdiagonal (no reflection there): no 0/0 in the derivatives.
    expect(ad.checkGrad(f, [ad.tensor([[1, 0, 0], [0, 2, 0], [5, 0, 3]])], { order: 2 }).ok).toBe(true);
    const a = ad.tensor([[[1, 2], [3, 4]], [[2, 0], [0, 3]]]);
    expect(ad.vmap((x: ad.Tensor) => ad.poly(x))(a).toArray()).toEqual([[1, -5, -2], [1, -5, 6]]);
    expect(ad.jit((x: ad.Tensor) => ad.poly(x))(ad.tensor([[1, 2], [3, 4]])).toArray()).toEqual([1, -5, -2]);
  });
});
