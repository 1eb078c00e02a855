/** @file The blocked kernels at sizes past their block width: LU solves, determinants from one factorisation, and the fused Cholesky adjoint against the generic rule. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, linalg, mT, randn, randomSpd } from './support.js';

/** The generic (op-by-op) first-order gradient: under an outer jvp the backward pass is traced, so fused rules step aside. */
const generic = (f: (x: Tensor) => Tensor, x: Tensor) => ad.jvp((u: Tensor) => ad.grad(f)(u), [x], [ad.zeros(x.shape)])[0];

describe('blocked kernels (n past the block width)', () => {
  it.each([97, 150, 210])('cholesky: the fused blocked adjoint equals the generic rule (n = %i)', (n) => {
    const a = randomSpd([n, n], n), w = randn([n, n], n + 1);
    const f = (m: Tensor) => ad.sum(ad.mul(linalg.cholesky(m), w));
    expectClose(ad.grad(f)(a), generic(f, a), 1e-12);
  });

  it('cholesky: the fused adjoint on a batch, and a strong zero for a zero cotangent', () => {
    const a = randomSpd([2, 120, 120], 3);
    const f = (m: Tensor) => ad.sum(ad.mul(linalg.cholesky(m), ad.tensor([1, 0]).reshape([2, 1, 1])));
    const g = ad.grad(f)(a);
    expectClose(g, generic(f, a), 1e-12);
    expect(Math.max(...ad.abs(ad.slice(g, [1, 0, 0], [1, 120, 120])).toFloat64Array())).toBe(0);
  });

  it('solve by blocked LU: small residual, and the same pivots as the unblocked sizes (a permuted triangular matrix)', () => {
    const n = 200, a = randn([n, n], 7), x = randn([n, 3], 8);
    const b = ad.matmul(a, x);
    expectClose(linalg.solve(a, b), x, 1e-9);
    // A row permutation of an upper triangular matrix with a dominant diagonal: the determinant is ± the diagonal's product.
    const u = ad.add(ad.triu(randn([n, n], 9)), ad.mul(10, ad.eye(n)));
    const p = ad.flip(u, 0); // reverses the n rows: det(P) = (−1)^⌊n/2⌋
    const { sign, logAbsDet } = linalg.slogdet(p);
    const diag = linalg.diagonal(u).toFloat64Array();
    const expected = diag.reduce((s, d) => s + Math.log(Math.abs(d)), 0);
    const expectedSign = diag.reduce((s, d) => s * Math.sign(d), 1) * (Math.floor(n / 2) % 2 ? -1 : 1);
    expect(sign.item()).toBe(expectedSign);
    expect(Math.abs(logAbsDet.item() - expected)).toBeLessThan(1e-9 * Math.abs(expected));
  });

  it.each([
    ['symmetric positive definite (Cholesky)', true, (n: number) => randomSpd([n, n], 11)],
    ['symmetric indefinite (Cholesky fails, LU)', true, (n: number) => ad.add(ad.add(randn([n, n], 12), mT(randn([n, n], 12))), ad.mul(30, ad.eye(n)))],
    ['non-symmetric (LU)', false, (n: number) => ad.add(randn([n, n], 13), ad.mul(3, ad.eye(n)))],
  ] as const)('slogdet of a %s matrix: one factorisation, gradient a⁻ᵀ', (_name, symmetric, make) => {
    const n = 130, a = make(n);
    const { sign, logAbsDet } = linalg.slogdet(a);
    // An independent answer: the eigenvalues of a symmetric matrix, or the LU factors of aᵀ (other pivots).
    let refSign = 1, refLog = 0;
    if (symmetric) for (const l of linalg.eigh(a).values.toFloat64Array()) { refSign *= Math.sign(l); refLog += Math.log(Math.abs(l)); }
    else ({ sign: refSign, logAbsDet: refLog } = (({ sign: s, logAbsDet: d }) => ({ sign: s.item(), logAbsDet: d.item() }))(linalg.slogdet(mT(a))));
    expect(sign.item()).toBe(refSign);
    expect(Math.abs(logAbsDet.item() - refLog)).toBeLessThan(1e-10 * Math.max(1, Math.abs(refLog)));
    const g = ad.grad((m: Tensor) => linalg.slogdet(m).logAbsDet)(a);
    expectClose(g, mT(linalg.inv(a)), 1e-9);
    expectClose(g, generic((m: Tensor) => linalg.slogdet(m).logAbsDet, a), 1e-9);
  });

  it('det reuses its factorisation for the gradient det(a)·a⁻ᵀ', () => {
    const n = 110, a = ad.mul(0.35, ad.add(randn([n, n], 15), ad.mul(3, ad.eye(n))));
    const d = linalg.det(a).item();
    expect(Number.isFinite(d) && d !== 0).toBe(true);
    expectClose(ad.grad((m: Tensor) => linalg.det(m))(a), ad.mul(d, mT(linalg.inv(a))), 1e-8);
  });
});
