/**
 * @file linalg.qr's blocked kernel (panels of 32 reflections applied as I − V T Vᵀ by the matrix
 * kernel) against an independent oracle and its defining identities, on sizes that cross panel
 * boundaries: Q and R of a full-rank A are unique once R's diagonal is positive, so they must
 * equal those of Gram–Schmidt orthogonalisation (classical, each column twice: CGS2, accurate to
 * working precision for the well-conditioned random matrices used here).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, randn } from './support.js';

/** Q (m×n) and R (n×n) of A (m×n, full column rank) by CGS2, in plain loops. */
function gramSchmidt(a: Float64Array, m: number, n: number): { q: Float64Array; r: Float64Array } {
  const q = new Float64Array(m * n), r = new Float64Array(n * n), col = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) col[i] = a[i * n + j]!;
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += q[i * n + k]! * col[i]!;
        r[k * n + j] += d;
        for (let i = 0; i < m; i++) col[i] -= d * q[i * n + k]!;
      }
    }
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm += col[i]! ** 2;
    nrm = Math.sqrt(nrm);
    r[j * n + j] = nrm;
    for (let i = 0; i < m; i++) q[i * n + j] = col[i]! / nrm;
  }
  return { q, r };
}

const maxAbsDiff = (x: Float64Array, y: Float64Array) => x.reduce((w, v, i) => Math.max(w, Math.abs(v - y[i]!)), 0);

/** max |QᵀQ − I| over the columns of q (m × cols). */
function orthogonalityError(q: Float64Array, m: number, cols: number): number {
  let worst = 0;
  for (let i = 0; i < cols; i++) for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let k = 0; k < m; k++) s += q[k * cols + i]! * q[k * cols + j]!;
    worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
  }
  return worst;
}

/** max |Q R − A| / max |A|. */
function reconstructionError(q: Float64Array, r: Float64Array, a: Float64Array, m: number, n: number, k: number): number {
  let worst = 0, scale = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += q[i * k + p]! * r[p * n + j]!;
    worst = Math.max(worst, Math.abs(s - a[i * n + j]!));
    scale = Math.max(scale, Math.abs(a[i * n + j]!));
  }
  return worst / scale;
}

describe('linalg.qr, blocked: sizes across panels of 32', () => {
  const sizes: [number, number][] = [[33, 33], [64, 33], [64, 64], [65, 40], [100, 64], [130, 97], [200, 70], [96, 96]];
  it.each(sizes)('%i×%i equals Gram–Schmidt (twice) and satisfies A = QR, QᵀQ = I, R upper with R_ii > 0', (m, n) => {
    const a = randn([m, n], m * 1000 + n);
    const { q, r } = linalg.qr(a);
    const qv = q.toFloat64Array(), rv = r.toFloat64Array();
    const oracle = gramSchmidt(a.toFloat64Array(), m, n);
    expect(maxAbsDiff(qv, oracle.q)).toBeLessThan(1e-12);
    expect(maxAbsDiff(rv, oracle.r) / Math.max(...oracle.r.map(Math.abs))).toBeLessThan(1e-13);
    expect(reconstructionError(qv, rv, a.toFloat64Array(), m, n, n)).toBeLessThan(1e-14);
    expect(orthogonalityError(qv, m, n)).toBeLessThan(1e-13);
    for (let i = 0; i < n; i++) {
      expect(rv[i * n + i]).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(rv[i * n + j]).toBe(0);
    }
  });

  it('zero columns inside and across panels (rank-deficient): A = QR and Q orthonormal still hold', () => {
    const m = 100, n = 70;
    const x = randn([m, n], 7).toFloat64Array();
    for (const zero of [0, 5, 31, 32, 40, 41, 69]) for (let i = 0; i < m; i++) x[i * n + zero] = 0;
    const { q, r } = linalg.qr(ad.tensor(x, [m, n]));
    const qv = q.toFloat64Array(), rv = r.toFloat64Array();
    expect(reconstructionError(qv, rv, x, m, n, n)).toBeLessThan(1e-14);
    expect(orthogonalityError(qv, m, n)).toBeLessThan(1e-13);
    expect(rv[5 * n + 5]).toBe(0); // a zero column that follows independent ones has nothing left to carry
  });

  it("mode 'complete' over several panels: an m×m orthogonal Q whose first n columns are the reduced Q", () => {
    const m = 110, n = 75;
    const a = randn([m, n], 11);
    const full = linalg.qr(a, 'complete');
    const reduced = linalg.qr(a);
    const qf = full.q.toFloat64Array(), qr = reduced.q.toFloat64Array();
    expect(full.q.shape).toEqual([m, m]);
    expect(orthogonalityError(qf, m, m)).toBeLessThan(1e-13);
    let worst = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(qf[i * m + j]! - qr[i * n + j]!));
    expect(worst).toBeLessThan(1e-14);
    expect(reconstructionError(qf, full.r.toFloat64Array(), a.toFloat64Array(), m, n, m)).toBeLessThan(1e-14);
  });

  it('a batch gives each matrix bit for bit its own factorisation', () => {
    const a = randn([3, 80, 50], 5);
    const { q, r } = linalg.qr(a);
    for (let t = 0; t < 3; t++) {
      const one = linalg.qr(ad.tensor(a.toFloat64Array().subarray(t * 4000, (t + 1) * 4000), [80, 50]));
      expect(q.toFloat64Array().subarray(t * 4000, (t + 1) * 4000)).toEqual(one.q.toFloat64Array());
      expect(r.toFloat64Array().subarray(t * 2500, (t + 1) * 2500)).toEqual(one.r.toFloat64Array());
    }
  });

  it('derivatives through the blocked path agree with central differences', () => {
    const a = randn([64, 34], 13);
    const wq = randn([64, 34], 14), wr = randn([34, 34], 15);
    const f = (x: ad.Tensor) => {
      const { q, r } = linalg.qr(x);
      return ad.add(ad.sum(ad.mul(q, wq)), ad.sum(ad.mul(ad.triu(r), wr)));
    };
    const result = ad.checkGrad(f, [a], { order: 1, directions: 3 });
    expect(result.ok, JSON.stringify(result.checks.filter((c) => !c.ok))).toBe(true);
  });
});
