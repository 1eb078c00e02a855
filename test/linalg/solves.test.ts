/** @file Solves and determinants against closed forms and independent oracles, and property-based checks over random matrices. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { expectClose, linalg, mT, randn, randomSpd } from './support.js';

describe('solves', () => {
  it('a · solve(a, b) = b, batched and broadcast', () => {
    const a = ad.add(randn([2, 3, 5, 5], 1), ad.mul(5, ad.eye(5)));
    const b = randn([3, 5, 2], 2);
    expectClose(ad.matmul(a, linalg.solve(a, b)), ad.broadcastTo(b, [2, 3, 5, 2]), 1e-13);
  });
  it('pivots: solves a matrix with a zero leading entry', () => {
    expectClose(linalg.solve(ad.tensor([[0, 1], [1, 0]]), ad.tensor([2, 3])), ad.tensor([3, 2]), 0);
  });
  it('choleskySolve agrees with solve, and inv · a = I', () => {
    const a = randomSpd([6, 6], 3), b = randn([6, 3], 4);
    expectClose(linalg.choleskySolve(linalg.cholesky(a), b), linalg.solve(a, b), 1e-13);
    expectClose(ad.matmul(linalg.inv(a), a), ad.eye(6), 1e-13);
  });
  it.each([
    [{ lower: true }, (l: ad.Tensor, x: ad.Tensor) => ad.matmul(l, x)],
    [{ lower: false, transposeA: true }, (u: ad.Tensor, x: ad.Tensor) => ad.matmul(mT(u), x)],
    [{ lower: true, left: false }, (l: ad.Tensor, x: ad.Tensor) => ad.matmul(x, l)],
    [{ lower: true, unitDiagonal: true }, (l: ad.Tensor, x: ad.Tensor) => ad.matmul(ad.add(ad.mul(l, ad.sub(1, ad.eye(4))), ad.eye(4)), x)],
  ] as const)('triangularSolve %j reads only its triangle: op(a) x = b', (o, apply) => {
    const full = ad.add(randn([4, 4], 5), ad.mul(4, ad.eye(4)));
    const tri = o.lower ? ad.mul(full, ad.tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]])) : mT(ad.mul(mT(full), ad.tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]])));
    const b = randn('left' in o ? [2, 4] : [4, 2], 6);
    const x = linalg.triangularSolve(full, b, o);
    expectClose(apply(tri, x), b, 1e-13);
  });
  it.each([
    { lower: true }, { lower: false }, { lower: true, transposeA: true }, { lower: false, transposeA: true, unitDiagonal: true }, { lower: true, left: false },
  ] as const)('triangularSolve %j of order 200 with 40 right-hand sides (the blocked path) reconstructs b', (o) => {
    const n = 200;
    const keep = ad.tensor(Array.from({ length: n * n }, (_, i) => {
      const r = Math.floor(i / n), c = i % n;
      return o.lower ? c <= r : c >= r;
    }).map((v) => (v ? 1 : 0)), [n, n]);
    let tri = ad.mul(ad.add(ad.mul(randn([n, n], 21), 0.1), ad.eye(n)), keep);
    if ('unitDiagonal' in o) tri = ad.add(ad.mul(tri, ad.sub(1, ad.eye(n))), ad.eye(n));
    const b = randn('left' in o ? [40, n] : [n, 40], 22);
    const x = linalg.triangularSolve(tri, b, o);
    const op = 'transposeA' in o ? mT(tri) : tri;
    expectClose('left' in o ? ad.matmul(x, op) : ad.matmul(op, x), b, 1e-12);
  });
});

describe('determinants', () => {
  it('of triangular and diagonal matrices is the product of the diagonal', () => {
    expect(linalg.det(ad.tensor([[2, 7, 1], [0, -3, 5], [0, 0, 0.5]])).item()).toBeCloseTo(-3, 14);
    expect(linalg.det(ad.tensor([[2, 0], [0, 4]])).item()).toBe(8);
    const { sign, logAbsDet } = linalg.slogdet(ad.tensor([[-1e200, 0], [0, 1e200]]));
    expect([sign.item(), logAbsDet.item()]).toEqual([-1, Math.log(1e200) * 2]);
  });
  it('of a singular matrix: det 0, slogdet sign 0 and −∞', () => {
    const a = ad.tensor([[1, 2], [2, 4]]);
    expect(linalg.det(a).item()).toBe(0);
    expect([linalg.slogdet(a).sign.item(), linalg.slogdet(a).logAbsDet.item()]).toEqual([0, -Infinity]);
  });
  it('det(ab) = det(a) det(b), and slogdet of an spd matrix is twice the log of the Cholesky diagonal', () => {
    const a = randn([4, 4], 7), b = randn([4, 4], 8);
    expect(linalg.det(ad.matmul(a, b)).item()).toBeCloseTo(linalg.det(a).item() * linalg.det(b).item(), 10);
    const s = randomSpd([3, 5, 5], 9);
    const viaCholesky = ad.mul(2, ad.sum(ad.log(linalg.diagonal(linalg.cholesky(s))), -1));
    expectClose(linalg.slogdet(s).logAbsDet, viaCholesky, 1e-13);
  });
  it('d log|det a|/da = a⁻ᵀ (Jacobi), and d det/da = det(a) a⁻ᵀ', () => {
    const a = randn([5, 5], 10);
    expectClose(ad.grad((x: ad.Tensor) => linalg.slogdet(x).logAbsDet)(a), mT(linalg.inv(a)), 1e-12);
    expectClose(ad.grad((x: ad.Tensor) => linalg.det(x))(a), ad.mul(linalg.det(a), mT(linalg.inv(a))), 1e-12);
  });
  it('the gradient of log det through cholesky equals the one through slogdet', () => {
    const s = randomSpd([4, 4], 11);
    const viaCholesky = ad.grad((x: ad.Tensor) => ad.mul(2, ad.sum(ad.log(linalg.diagonal(linalg.cholesky(x))))))(s);
    expectClose(viaCholesky, linalg.inv(s), 1e-12);
  });
});

describe('degenerate derivatives', () => {
  it('eigenvalues stay differentiable at repeated eigenvalues; eigenvectors do not', () => {
    const a = ad.eye(3);
    // d(λ₁ + λ₂ + λ₃)/da = I even though every eigenvalue is repeated.
    expectClose(ad.grad((x: ad.Tensor) => ad.sum(linalg.eigh(x).values))(a), ad.eye(3), 1e-15);
    const g = ad.grad((x: ad.Tensor) => ad.sum(linalg.eigh(x).vectors))(ad.tensor([[2, 0], [0, 2]]));
    expect(Array.from(g.toFloat64Array()).some((v) => !Number.isFinite(v))).toBe(true);
  });
  it('the norm of zero has gradient zero', () => {
    expect(ad.grad((x: ad.Tensor) => linalg.norm(x))(ad.zeros([3])).toArray()).toEqual([0, 0, 0]);
  });
});

describe('norms', () => {
  const x = ad.tensor([[1, -2], [3, 4]]);
  it.each([
    [undefined, undefined, Math.sqrt(30)], [1, undefined, 6], [Infinity, undefined, 7], [-Infinity, undefined, 3], [-1, undefined, 4],
    ['fro', undefined, Math.sqrt(30)], ['nuc', undefined, 5 + Math.sqrt(5) + 0], [2, undefined, 0],
  ] as const)('ord %s of [[1, -2], [3, 4]] matches numpy', (ord, axis, expected) => {
    const s = linalg.svd(x).s.toFloat64Array();
    const want = ord === 'nuc' ? s[0]! + s[1]! : ord === 2 ? s[0]! : expected;
    expect(linalg.norm(x, ord as never, axis)).toSatisfy((t: ad.Tensor) => Math.abs(t.item() - want) < 1e-13);
  });
  it('vector norms along an axis, with keepdims', () => {
    expect(linalg.norm(x, 1, 1).toArray()).toEqual([3, 7]);
    expect(linalg.norm(x, undefined, 0, true).shape).toEqual([1, 2]);
    expect(linalg.norm(ad.tensor([1, 0, 2]), 0).item()).toBe(2);
  });
});

describe('properties over random matrices (fast-check)', () => {
  const matrices = fc.record({ n: fc.integer({ min: 1, max: 7 }), seed: fc.integer({ min: 0, max: 1e6 }) });
  it('reconstruction of cholesky, qr, eigh and svd, and a·solve(a, b) = b', () => {
    fc.assert(fc.property(matrices, ({ n, seed }) => {
      const x = randn([n + 1, n], seed);
      const s = randomSpd([n, n], seed + 1);
      const l = linalg.cholesky(s);
      expectClose(ad.matmul(l, mT(l)), s, 1e-12);
      const { q, r } = linalg.qr(x);
      expectClose(ad.matmul(q, r), x, 1e-12);
      const { values, vectors } = linalg.eigh(s);
      expectClose(ad.matmul(ad.mul(vectors, ad.expandDims(values, -2)), mT(vectors)), s, 1e-12);
      const { u, s: sv, vh } = linalg.svd(x);
      expectClose(ad.matmul(ad.mul(u, ad.expandDims(sv, -2)), vh), x, 1e-12);
      const b = randn([n, 2], seed + 2);
      expectClose(ad.matmul(s, linalg.solve(s, b)), b, 1e-12);
    }), { seed: 14, numRuns: 60 });
  });
  it('gradients of log det and of eigenvalue sums against closed forms', () => {
    fc.assert(fc.property(matrices, ({ n, seed }) => {
      const s = randomSpd([n, n], seed);
      expectClose(ad.grad((a: ad.Tensor) => linalg.slogdet(a).logAbsDet)(s), linalg.inv(s), 1e-11);
      // Σλ = tr(a), so its gradient is I; Σλ² = ‖a‖²_F, so its gradient is 2a.
      expectClose(ad.grad((a: ad.Tensor) => ad.sum(ad.square(linalg.eigh(a).values)))(s), ad.mul(2, s), 1e-11);
      expectClose(ad.grad((a: ad.Tensor) => ad.sum(ad.square(linalg.svd(a).s)))(s), ad.mul(2, s), 1e-11);
    }), { seed: 15, numRuns: 40 });
  });
});
