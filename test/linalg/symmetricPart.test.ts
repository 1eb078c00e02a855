/**
 * @file The tiled symmetric part and symmetry check (src/tensor/kernels/linalg/symmetricPart.ts)
 * against the plain double loops they replace, across tile edges; and the error of an asymmetric
 * argument naming the first offending pair in row-major order, as before.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { firstAsymmetry, symmetricPartInto, symmetryDefect } from '../../src/tensor/kernels/linalg/symmetricPart.js';
import { symmetricMean } from '../../src/tensor/kernels/linalg/eigh.js';

describe('symmetricPartInto and firstAsymmetry', () => {
  it.each([1, 2, 31, 32, 33, 64, 70, 100])('n = %i: every entry (and the lower triangle alone) as the plain loop; the first asymmetric pair as the plain scan', (n) => {
    const a = ad.random.normal([n, n], n).toFloat64Array(), off = 3, src = new Float64Array(n * n + off);
    src.set(a, off);
    const full = new Float64Array(n * n), lower = new Float64Array(n * n).fill(7);
    symmetricPartInto(src, off, n, full, 0);
    symmetricPartInto(src, off, n, lower, 0, true);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const want = symmetricMean(a[i * n + j]!, a[j * n + i]!);
      expect(full[i * n + j]).toBe(want);
      expect(lower[i * n + j]).toBe(j < i ? want : 7);
    }
    // Symmetric: no pair; then pairs broken in reverse row-major order — the first in order is named.
    const s = new Float64Array(n * n);
    symmetricPartInto(a, 0, n, s, 0);
    expect(firstAsymmetry(s, 0, n, 0)).toBeNull();
    const pairs = [[n - 1, 0], [Math.floor(n / 2), Math.floor(n / 3)], [Math.min(n - 1, 40), Math.min(n - 1, 40) - 1]].filter(([i, j]) => j! >= 0 && j! < i!);
    for (const [i, j] of [...pairs].reverse()) s[i! * n + j!] += 1;
    const first = pairs.map(([i, j]) => i! * n + j!).sort((p, q) => p - q)[0];
    const got = firstAsymmetry(s, 0, n, 0.5);
    expect(got === null ? undefined : got[0] * n + got[1]).toBe(first);
  });

  it('linalg.cholesky and eigh name the first asymmetric entry of a 100×100 argument', () => {
    const n = 100, x = ad.random.normal([n, n], 5), a = ad.add(ad.matmul(x, ad.linalg.matrixTranspose(x)), ad.mul(n, ad.eye(n))).toFloat64Array();
    a[90 * n + 2] += 1; //  row-major later
    a[45 * n + 40] += 1; // row-major first
    expect(() => ad.linalg.cholesky(ad.tensor(a, [n, n]))).toThrow(/entry \[45, 40\]/);
    expect(() => ad.linalg.eigh(ad.tensor(a, [n, n]))).toThrow(/entry \[45, 40\]/);
  });
});

describe('symmetryDefect', () => {
  it.each([1, 5, 32, 33, 70])('n = %i: max |a_ij| and max |a_ij − a_ji| as the plain scans; NaN where an entry is NaN', (n) => {
    const a = ad.random.normal([n, n], 40 + n).toFloat64Array();
    a[(n - 1) * n + (n - 1)] = 50; // the largest entry on the diagonal
    let big = 0, worst = 0;
    for (let i = 0; i < n * n; i++) big = Math.max(big, Math.abs(a[i]!));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) worst = Math.max(worst, Math.abs(a[i * n + j]! - a[j * n + i]!));
    expect(symmetryDefect(a, 0, n)).toEqual({ big, worst });
    a[Math.floor(n / 2) * n] = NaN;
    const withNaN = symmetryDefect(a, 0, n);
    expect(Number.isNaN(withNaN.big)).toBe(true);
  });
});
