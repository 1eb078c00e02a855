/**
 * @file linalg.eigh's gradient when only the eigenvalues reach the loss: one product, V diag(λ̄) Vᵀ
 * (and svd's when only the singular values do: U diag(s̄) Vᵀ),
 * taken only for a plain zero cotangent of the vectors — never where that zero is traced (a
 * derivative through it would be lost), recorded by jit, or batched. Checked against the same
 * gradient written out, the general rule (jit), central differences, and the mixed second
 * derivative whose inner cotangent of the vectors is zero in value but not in derivative.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { linalg, matrixAt, randn } from './support.js';

const symmetric = (n: number, seed: number) => { const x = randn([n, n], seed); return ad.mul(0.5, ad.add(x, linalg.matrixTranspose(x))); };
const maxAbsDiff = (a: ad.Tensor, b: ad.Tensor) => { const x = a.toFloat64Array(), y = b.toFloat64Array(); let m = 0; for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!)); return m; };

describe('eigh: the gradient of a loss of the eigenvalues alone', () => {
  it.each([4, 30, 90])('n = %i: V diag(w) Vᵀ, the jit (general) rule, and central differences agree', (n) => {
    const a = symmetric(n, n), w = randn([n], 100 + n);
    const loss = (m: ad.Tensor) => ad.sum(ad.mul(linalg.eigh(m).values, w));
    const g = ad.grad(loss)(a);
    const { vectors } = linalg.eigh(a);
    const written = ad.matmul(ad.mul(vectors, ad.expandDims(w, 0)), linalg.matrixTranspose(vectors));
    expect(maxAbsDiff(g, written)).toBeLessThan(1e-12);
    expect(maxAbsDiff(g, linalg.matrixTranspose(g))).toBe(0);
    const jitted = ad.jit(ad.grad(loss));
    jitted(symmetric(n, 7)); // recorded at another matrix
    expect(maxAbsDiff(jitted(a), g)).toBeLessThan(1e-12);
    // Central differences along a symmetric direction.
    const d = symmetric(n, 200 + n), h = 1e-6;
    const fd = (loss(ad.add(a, ad.mul(h, d))).item() - loss(ad.sub(a, ad.mul(h, d))).item()) / (2 * h);
    expect(Math.abs(ad.sum(ad.mul(g, d)).item() - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
  });

  it('a loss of the values plus a zero multiple of a function of the vectors: the same gradient', () => {
    const n = 20, a = symmetric(n, 1), w = randn([n], 2);
    const plain = ad.grad((m: ad.Tensor) => ad.sum(ad.mul(linalg.eigh(m).values, w)))(a);
    const withZero = ad.grad((m: ad.Tensor) => { const e = linalg.eigh(m); return ad.add(ad.sum(ad.mul(e.values, w)), ad.mul(0, ad.sum(ad.pow(e.vectors, 4)))); })(a);
    expect(maxAbsDiff(plain, withZero)).toBeLessThan(1e-12);
  });

  it('the mixed second derivative through a vectors term weighted by c at c = 0 (its cotangent zero in value, not in derivative)', () => {
    const n = 12, a = symmetric(n, 3), w = randn([n], 4), probe = randn([n, n], 5);
    const loss = (m: ad.Tensor, c: ad.Tensor) => { const e = linalg.eigh(m); return ad.add(ad.sum(ad.mul(e.values, w)), ad.mul(c, ad.sum(ad.pow(e.vectors, 4)))); };
    // d/dc ⟨probe, ∇_A loss(A, c)⟩ at c = 0 is ⟨probe, ∇_A Σ V⁴⟩.
    const mixed = ad.grad((c: ad.Tensor) => ad.sum(ad.mul(probe, ad.grad((m: ad.Tensor) => loss(m, c))(a))))(ad.scalar(0)).item();
    const direct = ad.sum(ad.mul(probe, ad.grad((m: ad.Tensor) => ad.sum(ad.pow(linalg.eigh(m).vectors, 4)))(a))).item();
    expect(Math.abs(direct)).toBeGreaterThan(1e-3);
    expect(Math.abs(mixed - direct)).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct)));
  });

  it('under jit: recorded where the weight of the vectors term is 0, replayed where it is 1 — the full gradient', () => {
    const n = 9, a = symmetric(n, 11), w = randn([n], 12);
    const loss = (m: ad.Tensor, c: ad.Tensor) => { const e = linalg.eigh(m); return ad.add(ad.sum(ad.mul(e.values, w)), ad.mul(c, ad.sum(ad.pow(e.vectors, 4)))); };
    const step = ad.jit((m: ad.Tensor, c: ad.Tensor) => ad.grad((mm: ad.Tensor) => loss(mm, c))(m));
    step(a, ad.scalar(0));
    step(a, ad.scalar(0));
    const eager = ad.grad((mm: ad.Tensor) => loss(mm, ad.scalar(1)))(a);
    expect(maxAbsDiff(step(a, ad.scalar(1)), eager)).toBeLessThan(1e-12);
    expect(maxAbsDiff(eager, ad.grad((mm: ad.Tensor) => loss(mm, ad.scalar(0)))(a))).toBeGreaterThan(1e-3);
  });

  it('hessian-vector product of a loss of the values against central differences of the gradient; vmap against the loop', () => {
    const n = 10, a = symmetric(n, 6), w = randn([n], 7), d = symmetric(n, 8), h = 1e-5;
    const loss = (m: ad.Tensor) => ad.sum(ad.mul(linalg.eigh(m).values, w));
    const grad = ad.grad(loss);
    const [, hvp] = ad.jvp(grad, [a], [d]);
    const fd = ad.div(ad.sub(grad(ad.add(a, ad.mul(h, d))), grad(ad.sub(a, ad.mul(h, d)))), 2 * h);
    expect(maxAbsDiff(hvp as ad.Tensor, fd)).toBeLessThan(1e-6);
    const batch = ad.stack([a, symmetric(n, 9), symmetric(n, 10)]);
    const mapped = ad.vmap(grad)(batch);
    const looped = ad.stack([0, 1, 2].map((t) => grad(matrixAt(batch, t))));
    expect(maxAbsDiff(mapped, looped)).toBeLessThan(1e-12);
  });
});

describe('svd: the gradient of a loss of the singular values alone', () => {
  it.each([[6, 6], [40, 25], [25, 40], [1, 5], [70, 70]])('%i×%i: U diag(w) Vᵀ, the jit (general) rule, and central differences agree', (m, n) => {
    const k = Math.min(m, n), a = randn([m, n], 31 + m + n), w = randn([k], 32);
    const loss = (x: ad.Tensor) => ad.sum(ad.mul(linalg.svd(x).s, w));
    const g = ad.grad(loss)(a);
    const { u, vh } = linalg.svd(a);
    expect(maxAbsDiff(g, ad.matmul(ad.mul(u, ad.expandDims(w, 0)), vh))).toBeLessThan(1e-12);
    const jitted = ad.jit(ad.grad(loss));
    jitted(randn([m, n], 9));
    expect(maxAbsDiff(jitted(a), g)).toBeLessThan(1e-12);
    const d = randn([m, n], 33), h = 1e-6;
    const fd = (loss(ad.add(a, ad.mul(h, d))).item() - loss(ad.sub(a, ad.mul(h, d))).item()) / (2 * h);
    expect(Math.abs(ad.sum(ad.mul(g, d)).item() - fd)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
  });

  it('svdvals and matrixNorm nuc: the gradient is U Vᵀ for a full-rank matrix', () => {
    const a = randn([9, 7], 34);
    const { u, vh } = linalg.svd(a);
    const uv = ad.matmul(u, vh);
    expect(maxAbsDiff(ad.grad((x: ad.Tensor) => ad.sum(linalg.svdvals(x)))(a), uv)).toBeLessThan(1e-12);
    expect(maxAbsDiff(ad.grad((x: ad.Tensor) => linalg.matrixNorm(x, 'nuc'))(a), uv)).toBeLessThan(1e-12);
  });

  it('the mixed second derivative through a term of u and vh weighted by c at c = 0', () => {
    const a = randn([8, 6], 35), w = randn([6], 36), probe = randn([8, 6], 37);
    const loss = (x: ad.Tensor, c: ad.Tensor) => { const r = linalg.svd(x); return ad.add(ad.sum(ad.mul(r.s, w)), ad.mul(c, ad.add(ad.sum(ad.pow(r.u, 4)), ad.sum(ad.pow(r.vh, 4))))); };
    const mixed = ad.grad((c: ad.Tensor) => ad.sum(ad.mul(probe, ad.grad((x: ad.Tensor) => loss(x, c))(a))))(ad.scalar(0)).item();
    const direct = ad.sum(ad.mul(probe, ad.grad((x: ad.Tensor) => { const r = linalg.svd(x); return ad.add(ad.sum(ad.pow(r.u, 4)), ad.sum(ad.pow(r.vh, 4))); })(a))).item();
    expect(Math.abs(direct)).toBeGreaterThan(1e-3);
    expect(Math.abs(mixed - direct)).toBeLessThan(1e-9 * Math.max(1, Math.abs(direct)));
  });

  it('only u reaches the loss (vh and s do not): the general rule still runs', () => {
    const a = randn([7, 5], 38), d = randn([7, 5], 39), h = 1e-6;
    const loss = (x: ad.Tensor) => ad.sum(ad.pow(linalg.svd(x).u, 4));
    const g = ad.grad(loss)(a);
    const fd = (loss(ad.add(a, ad.mul(h, d))).item() - loss(ad.sub(a, ad.mul(h, d))).item()) / (2 * h);
    expect(Math.abs(ad.sum(ad.mul(g, d)).item() - fd)).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
  });
});
