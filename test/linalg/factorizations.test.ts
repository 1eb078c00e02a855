/** @file Decompositions against reconstruction and structure: l·lᵀ = a, q·r = a, v·diag(λ)·vᵀ = a, u·diag(s)·vh = a, and batches equal to loops. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { expectClose, linalg, matrixAt, mT, randn, randomSpd } from './support.js';

const diagMatrix = (v: ad.Tensor) => ad.mul(ad.expandDims(v, -2), ad.eye(v.shape[v.ndim - 1]!));

describe('cholesky', () => {
  it.each([1, 3, 17, 100, 130, 300])('reconstructs an spd matrix of order %i, lower triangular with a positive diagonal', (n) => {
    const a = randomSpd([n, n], n);
    const l = linalg.cholesky(a);
    expectClose(ad.matmul(l, mT(l)), a, 1e-13);
    const d = l.toFloat64Array();
    for (let i = 0; i < n; i++) {
      expect(d[i * n + i]!).toBeGreaterThan(0);
      for (let j = i + 1; j < n; j++) expect(d[i * n + j]).toBe(0);
    }
  });
  it('of a diagonal matrix is its square root', () => {
    expectClose(linalg.cholesky(ad.tensor([[4, 0], [0, 9]])), ad.tensor([[2, 0], [0, 3]]), 0);
  });
});

describe('qr', () => {
  it.each([[5, 3], [4, 4], [1, 1], [3, 6], [40, 20]])('reconstructs a %i×%i matrix with orthonormal q and upper r (diagonal ≥ 0)', (m, n) => {
    const a = randn([m, n], m * 10 + n);
    const { q, r } = linalg.qr(a);
    const k = Math.min(m, n);
    expect(q.shape).toEqual([m, k]);
    expect(r.shape).toEqual([k, n]);
    expectClose(ad.matmul(q, r), a, 1e-13);
    expectClose(ad.matmul(mT(q), q), ad.eye(k), 1e-13);
    const d = r.toFloat64Array();
    for (let i = 0; i < k; i++) {
      expect(d[i * n + i]!).toBeGreaterThanOrEqual(0);
      for (let j = 0; j < i; j++) expect(d[i * n + j]).toBe(0);
    }
  });
});

describe('eigh', () => {
  it.each([1, 2, 5, 30, 80])('reconstructs a symmetric matrix of order %i: v·diag(λ)·vᵀ = a, vᵀv = I, λ ascending', (n) => {
    const x = randn([n, n], n + 1);
    const a = ad.add(x, mT(x));
    const { values, vectors } = linalg.eigh(a);
    expectClose(ad.matmul(ad.matmul(vectors, diagMatrix(values)), mT(vectors)), a, 1e-12);
    expectClose(ad.matmul(mT(vectors), vectors), ad.eye(n), 1e-12);
    const v = values.toFloat64Array();
    for (let i = 1; i < n; i++) expect(v[i]!).toBeGreaterThanOrEqual(v[i - 1]!);
  });
  it('of a diagonal matrix sorts the diagonal, and handles repeated eigenvalues', () => {
    const { values, vectors } = linalg.eigh(ad.tensor([[3, 0, 0], [0, 1, 0], [0, 0, 3]]));
    expect(values.toArray()).toEqual([1, 3, 3]);
    expectClose(ad.matmul(mT(vectors), vectors), ad.eye(3), 1e-15);
  });
  it('matches the closed form of a 2×2 matrix', () => {
    // [[a, b], [b, c]]: λ = (a + c)/2 ∓ √(((a − c)/2)² + b²)
    const [a, b, c] = [1.5, -0.7, 0.2];
    const r = Math.sqrt(((a - c) / 2) ** 2 + b * b);
    expectClose(linalg.eigh(ad.tensor([[a, b], [b, c]])).values, ad.tensor([(a + c) / 2 - r, (a + c) / 2 + r]), 1e-15);
  });
});

describe('svd', () => {
  it.each([[5, 3], [3, 3], [2, 5], [1, 4], [30, 12]])('reconstructs a %i×%i matrix: u·diag(s)·vh = a, orthonormal u and vh, s descending', (m, n) => {
    const a = randn([m, n], 7 * m + n);
    const { u, s, vh } = linalg.svd(a);
    const k = Math.min(m, n);
    expect([u.shape, s.shape, vh.shape]).toEqual([[m, k], [k], [k, n]]);
    expectClose(ad.matmul(ad.mul(u, ad.expandDims(s, -2)), vh), a, 1e-13);
    expectClose(ad.matmul(mT(u), u), ad.eye(k), 1e-13);
    expectClose(ad.matmul(vh, mT(vh)), ad.eye(k), 1e-13);
    const sv = s.toFloat64Array();
    for (let i = 1; i < k; i++) expect(sv[i]!).toBeLessThanOrEqual(sv[i - 1]!);
  });
  it('squares to the eigenvalues of aᵀa', () => {
    const a = randn([6, 4], 3);
    const s = linalg.svd(a).s.toFloat64Array().map((x) => x * x).reverse();
    expectClose(ad.tensor(s), linalg.eigh(ad.matmul(mT(a), a)).values, 1e-12);
  });
  it('completes u for a rank-deficient matrix', () => {
    const a = ad.tensor([[1, 2], [2, 4], [3, 6]]);
    const { u, s } = linalg.svd(a);
    expect(s.toFloat64Array()[1]).toBeLessThan(1e-14);
    expectClose(ad.matmul(mT(u), u), ad.eye(2), 1e-14);
  });
});

describe('batches equal a loop over the batch', () => {
  const shape = [2, 3, 4, 4];
  const count = 6;
  const a = randomSpd(shape, 11);
  const b = randn([2, 3, 4, 2], 12);
  const cases: Array<[string, () => ad.Tensor[], (t: number) => ad.Tensor[]]> = [
    ['cholesky', () => [linalg.cholesky(a)], (t) => [linalg.cholesky(matrixAt(a, t))]],
    ['solve', () => [linalg.solve(a, b)], (t) => [linalg.solve(matrixAt(a, t), matrixAt(b, t))]],
    ['inv', () => [linalg.inv(a)], (t) => [linalg.inv(matrixAt(a, t))]],
    ['qr', () => Object.values(linalg.qr(b)), (t) => Object.values(linalg.qr(matrixAt(b, t)))],
    ['eigh', () => [linalg.eigh(a).vectors], (t) => [linalg.eigh(matrixAt(a, t)).vectors]],
    ['svd', () => [linalg.svd(b).u, linalg.svd(b).vh], (t) => [linalg.svd(matrixAt(b, t)).u, linalg.svd(matrixAt(b, t)).vh]],
  ];
  it.each(cases)('%s', (_name, batched, single) => {
    const out = batched();
    for (let t = 0; t < count; t++) {
      const one = single(t);
      out.forEach((o, i) => expect(matrixAt(o, t).toArray()).toEqual(one[i]!.toArray()));
    }
  });
  it.each([
    ['det', (x: ad.Tensor) => linalg.det(x)], ['slogdet', (x: ad.Tensor) => linalg.slogdet(x).logAbsDet],
    ['eigh values', (x: ad.Tensor) => linalg.eigh(x).values], ['svd values', (x: ad.Tensor) => linalg.svd(x).s],
  ] as const)('%s', (_name, f) => {
    const out = f(a);
    for (let t = 0; t < count; t++) {
      const one = f(matrixAt(a, t));
      expect(Array.from(out.toFloat64Array().slice(t * one.size, (t + 1) * one.size))).toEqual(Array.from(one.toFloat64Array()));
    }
  });
});
