/**
 * @file linalg.eigh's kernel (tridiagonalisation run along rows, QL rotations applied four at a
 * time) against an independent oracle — the cyclic Jacobi eigenvalue method in plain loops — on
 * sizes that leave every remainder of the four-rotation passes, with its defining identities.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, randn } from './support.js';

/** Eigenvalues (ascending) and eigenvectors (columns) of a symmetric n×n matrix by cyclic Jacobi. */
function jacobiEigen(a: Float64Array, n: number): { values: number[]; vectors: Float64Array } {
  const m = Float64Array.from(a), v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) {
      const apq = m[p * n + q]!;
      if (apq === 0) continue;
      const theta = (m[q * n + q]! - m[p * n + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < n; k++) { // columns p, q
        const x = m[k * n + p]!, y = m[k * n + q]!;
        m[k * n + p] = c * x - s * y; m[k * n + q] = s * x + c * y;
      }
      for (let k = 0; k < n; k++) { // rows p, q
        const x = m[p * n + k]!, y = m[q * n + k]!;
        m[p * n + k] = c * x - s * y; m[q * n + k] = s * x + c * y;
      }
      for (let k = 0; k < n; k++) {
        const x = v[k * n + p]!, y = v[k * n + q]!;
        v[k * n + p] = c * x - s * y; v[k * n + q] = s * x + c * y;
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => m[x * n + x]! - m[y * n + y]!);
  const vectors = new Float64Array(n * n);
  order.forEach((src, c) => { for (let k = 0; k < n; k++) vectors[k * n + c] = v[k * n + src]!; });
  return { values: order.map((i) => m[i * n + i]!), vectors };
}

describe('linalg.eigh kernel against cyclic Jacobi', () => {
  it.each([2, 5, 6, 7, 9, 37, 70, 131])('n = %i: the same eigenvalues and eigenvectors (up to sign), AV = VΛ, VᵀV = I', (n) => {
    const x = randn([n, n], 100 + n);
    const a = ad.mul(0.5, ad.add(x, linalg.matrixTranspose(x)));
    const { values, vectors } = linalg.eigh(a);
    const lam = values.toFloat64Array(), vec = vectors.toFloat64Array(), av = a.toFloat64Array();
    const oracle = jacobiEigen(av, n);
    const scale = Math.max(...oracle.values.map(Math.abs));
    for (let i = 0; i < n; i++) expect(Math.abs(lam[i]! - oracle.values[i]!) / scale).toBeLessThan(1e-13);
    for (let c = 0; c < n; c++) {
      // Random symmetric matrices have well-separated eigenvalues; the vectors agree up to sign.
      let dot = 0;
      for (let k = 0; k < n; k++) dot += vec[k * n + c]! * oracle.vectors[k * n + c]!;
      const sign = Math.sign(dot);
      for (let k = 0; k < n; k++) expect(Math.abs(vec[k * n + c]! - sign * oracle.vectors[k * n + c]!)).toBeLessThan(1e-9);
    }
    let residual = 0, orth = 0;
    for (let i = 0; i < n; i++) for (let c = 0; c < n; c++) {
      let s = 0, g = 0;
      for (let k = 0; k < n; k++) { s += av[i * n + k]! * vec[k * n + c]!; g += vec[k * n + i]! * vec[k * n + c]!; }
      residual = Math.max(residual, Math.abs(s - lam[c]! * vec[i * n + c]!));
      orth = Math.max(orth, Math.abs(g - (i === c ? 1 : 0)));
    }
    expect(residual / scale).toBeLessThan(1e-13);
    expect(orth).toBeLessThan(1e-13);
  });

  it('n = 120, diagonal and block-diagonal inputs (steps whose reflection is the identity): exact structure kept', () => {
    const n = 120, diag = Array.from({ length: n }, (_, i) => ((i * 37) % n) - 60.5);
    const { values, vectors } = linalg.eigh(linalg.diag(ad.tensor(diag)));
    expect(Array.from(values.toFloat64Array())).toEqual([...diag].sort((x, y) => x - y));
    const v = vectors.toFloat64Array();
    for (let i = 0; i < n * n; i++) expect([0, 1]).toContain(Math.abs(v[i]!));
    // Two uncoupled 60×60 blocks: every eigenvector lives in one block.
    const x = randn([n, n], 77).toFloat64Array(), a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      if ((i < 60) === (j < 60)) a[i * n + j] = x[i * n + j]! + x[j * n + i]!;
    }
    const r = linalg.eigh(ad.tensor(a, [n, n]));
    const w = r.vectors.toFloat64Array();
    for (let c = 0; c < n; c++) {
      let top = 0, bottom = 0;
      for (let k = 0; k < n; k++) (k < 60 ? (top += w[k * n + c]! ** 2) : (bottom += w[k * n + c]! ** 2));
      expect(Math.min(top, bottom)).toBeLessThan(1e-20);
    }
  });
});
