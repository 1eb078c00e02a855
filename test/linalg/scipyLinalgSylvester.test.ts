/**
 * @file linalg.solveSylvester and linalg.sqrtm against scipy.linalg.solve_sylvester / sqrtm (SciPy
 * 1.10 values in scipyLinalgReference.ts: 4 Sylvester triples m, n = 1…4, 5 square roots with real
 * and complex-pair eigenvalues), residuals on random batches (fast-check), derivatives against
 * central differences and checkGrad to second order, vmap/jit, and the errors bad input gives.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { expectClose, mT, randn } from './support.js';
import { SCIPY } from './scipyLinalgReference.js';

const L = ad.linalg;
const t = (x: number[][]) => ad.tensor(x);
const js = ad.linalg as unknown as Record<string, (...args: unknown[]) => unknown>;
/** A random [..., n, n] matrix with eigenvalues near 1 (well inside the right half-plane). */
const nearIdentity = (shape: number[], seed: number, scale = 0.3) => ad.add(ad.mul(randn(shape, seed), scale), ad.eye(shape[shape.length - 1]!));

/** Central differences of f along direction d at x, against jvp's tangent. */
function expectTangent(f: (x: Tensor) => Tensor, x: Tensor, d: Tensor, tol: number): void {
  const [, tangent] = ad.jvp(f, [x], [d]);
  const h = 1e-6;
  const fd = ad.div(ad.sub(f(ad.add(x, ad.mul(h, d))), f(ad.sub(x, ad.mul(h, d)))), 2 * h);
  expectClose(tangent as Tensor, fd, tol);
}

describe('solveSylvester', () => {
  it.each(SCIPY.sylvester.map((r, i) => ({ ...r, i })))('as scipy.linalg.solve_sylvester: triple $i', ({ a, b, c, x }) => {
    expectClose(L.solveSylvester(t(a), t(b), t(c)), t(x), 1e-12);
  });

  it('a X + X b = c on random batches (m, n = 1…7, complex-pair eigenvalues included)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 1e6 }), (m, n, seed) => {
      const a = ad.add(randn([2, m, m], seed), ad.mul(3, ad.eye(m))), b = ad.add(randn([n, n], seed + 1), ad.mul(3, ad.eye(n)));
      const c = randn([2, m, n], seed + 2);
      const x = L.solveSylvester(a, b, c);
      expectClose(ad.add(ad.matmul(a, x), ad.matmul(x, b)), c, 1e-11);
    }), { numRuns: 50, seed: 3 });
  });

  it('closed forms: diagonal a and b give c / (aᵢ + bⱼ); the Lyapunov equation a X + X aᵀ = −q of a stable a is symmetric', () => {
    const x = L.solveSylvester(L.diag(ad.tensor([1, 2, 4])), L.diag(ad.tensor([0.5, 3])), t([[3, 8], [5, 10], [9, 14]]));
    expectClose(x, t([[2, 2], [2, 2], [2, 2]]), 1e-15);
    const a = ad.sub(randn([4, 4], 5), ad.mul(4, ad.eye(4))), q = ad.add(ad.matmul(randn([4, 4], 6), mT(randn([4, 4], 6))), ad.eye(4));
    const p = L.solveSylvester(a, mT(a), ad.neg(q));
    expectClose(p, mT(p), 1e-12);
    expect(L.eigvalsh(ad.mul(ad.add(p, mT(p)), 0.5)).toFloat64Array().every((v) => v > 0)).toBe(true);
  });

  it('derivatives: jvp against central differences in a, b and c; checkGrad to second order (batched, broadcast)', () => {
    const a = nearIdentity([3, 3], 1), b = nearIdentity([2, 2], 2), c = randn([3, 2], 3);
    expectTangent((x) => L.solveSylvester(x, b, c), a, randn([3, 3], 4), 1e-8);
    expectTangent((x) => L.solveSylvester(a, x, c), b, randn([2, 2], 5), 1e-8);
    expectTangent((x) => L.solveSylvester(a, b, x), c, randn([3, 2], 6), 1e-8);
    const f = (x: Tensor, y: Tensor, z: Tensor) => L.solveSylvester(ad.add(x, ad.mul(3, ad.eye(3))), ad.add(y, ad.mul(3, ad.eye(2))), z);
    expect(ad.checkGrad(f, [randn([2, 3, 3], 7), randn([2, 2], 8), randn([3, 2], 9)], { order: 2, seed: 1 }).ok).toBe(true);
  });

  it('vmap and jit agree with the batched call', () => {
    const a = nearIdentity([3, 3, 3], 11), b = nearIdentity([2, 2], 12), c = randn([3, 3, 2], 13);
    const want = L.solveSylvester(a, b, c);
    expectClose(ad.vmap((x: Tensor, z: Tensor) => L.solveSylvester(x, b, z))(a, c) as Tensor, want, 1e-14);
    expectClose(ad.jit((x: Tensor, y: Tensor, z: Tensor) => L.solveSylvester(x, y, z))(a, b, c) as Tensor, want, 0);
  });

  it('bad input is an error naming solveSylvester, the shapes and the fix', () => {
    expect(() => L.solveSylvester(ad.eye(3), ad.eye(2), ad.ones([2, 3]))).toThrow(/linalg\.solveSylvester: c of shape \[2,3\] does not fit a of shape \[3,3\] and b of shape \[2,2\].*\[\.\.\., 3, 2\]/);
    expect(() => L.solveSylvester(ad.ones([3, 2]), ad.eye(2), ad.ones([3, 2]))).toThrow(/linalg\.solveSylvester: a must be a square matrix/);
    expect(() => L.solveSylvester(ad.eye(2), ad.mul(-1, ad.eye(2)), ad.ones([2, 2]))).toThrow(/linalg\.solveSylvester: a X \+ X b = c is singular .*a and −b have an eigenvalue in common/);
    expect(() => L.solveSylvester(ad.ones([2, 2, 2]), ad.eye(2), ad.ones([3, 2, 2]))).toThrow(/linalg\.solveSylvester/);
    expect(() => L.solveSylvester(t([[1, Infinity], [0, 1]]), ad.eye(2), ad.ones([2, 2]))).toThrow(/linalg\.solveSylvester: .*non-finite entry/);
    expect(() => js.solveSylvester!(ad.eye(2), ad.eye(2), ad.eye(2), { method: 'bartels' })).toThrow(/linalg\.solveSylvester: takes no options/);
  });
});

describe('sqrtm', () => {
  it.each(SCIPY.sqrtm.map((r, i) => ({ ...r, i })))('as scipy.linalg.sqrtm: matrix $i', ({ a, x }) => {
    expectClose(L.sqrtm(t(a)), t(x), 1e-12);
  });

  it('X X = a with eigenvalues of X in the right half-plane, on random batches (n = 1…8, complex pairs included)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
      const a = ad.add(randn([2, n, n], seed), ad.mul(1.5 * Math.sqrt(n) + 1, ad.eye(n))); // Gershgorin-ish: eigenvalues off the negative axis
      const x = L.sqrtm(a);
      expectClose(ad.matmul(x, x), a, 1e-11);
      const [tt] = L.schur(x);
      const d = tt.toFloat64Array();
      for (let b = 0; b < 2; b++) for (let i = 0; i < n; i++) expect(d[b * n * n + i * n + i]).toBeGreaterThan(0);
    }), { numRuns: 50, seed: 5 });
  });

  it('closed forms: a diagonal, a rotation by 2θ (its root the rotation by θ), a symmetric positive-definite matrix (eigh\'s root), zero eigenvalues', () => {
    expect(L.sqrtm(L.diag(ad.tensor([4, 9, 0.25]))).toArray()).toEqual([[2, 0, 0], [0, 3, 0], [0, 0, 0.5]]);
    const rot = (th: number) => t([[Math.cos(th), -Math.sin(th)], [Math.sin(th), Math.cos(th)]]);
    expectClose(L.sqrtm(rot(2.4)), rot(1.2), 1e-15);
    const s = ad.add(ad.matmul(randn([4, 4], 3), mT(randn([4, 4], 3))), ad.eye(4));
    const { values, vectors } = L.eigh(s);
    expectClose(L.sqrtm(s), ad.matmul(ad.mul(vectors, ad.expandDims(ad.sqrt(values), -2)), mT(vectors)), 1e-13);
    expect(L.sqrtm(ad.zeros([2, 2])).toArray()).toEqual([[0, 0], [0, 0]]);
    expectClose(L.sqrtm(t([[0, 0], [0, 4]])), t([[0, 0], [0, 2]]), 0);
    // A matrix of entries near 1e-300: its root is 1e-150 times that of the matrix scaled up (Schur is scaled as dgees does).
    for (const small of [nearIdentity([3, 3], 9), t(SCIPY.sqrtm[1]!.a), t([[1, -2], [2, 1]])]) { // the last two with complex pairs
      expectClose(ad.div(L.sqrtm(ad.mul(2 ** -996, small)), 2 ** -498), L.sqrtm(small), 1e-14);
    }
  });

  it('derivatives: X Ẋ + Ẋ X = ȧ; jvp against central differences; checkGrad to second order (complex pairs, batched)', () => {
    const a = t(SCIPY.sqrtm[1]!.a), d = randn([4, 4], 1); // eigenvalues 0.62, 2.81, 3.62 ± 0.95i
    expectTangent((x) => L.sqrtm(x), a, d, 1e-8);
    const [x, dx] = ad.jvp((y: Tensor) => L.sqrtm(y), [a], [d]) as [Tensor, Tensor];
    expectClose(ad.add(ad.matmul(x, dx), ad.matmul(dx, x)), d, 1e-12);
    expect(ad.checkGrad((y: Tensor) => L.sqrtm(y), [nearIdentity([2, 3, 3], 2, 0.5)], { order: 2, seed: 3 }).ok).toBe(true);
    // d/dt tr(sqrtm(t·s)) at t = 1 is tr(sqrtm(s))/2.
    const s = ad.add(ad.matmul(randn([3, 3], 4), mT(randn([3, 3], 4))), ad.eye(3));
    expect(ad.grad((u: Tensor) => L.trace(L.sqrtm(ad.mul(u, s))))(ad.tensor(1)).item()).toBeCloseTo(L.trace(L.sqrtm(s)).item() / 2, 12);
  });

  it('vmap and jit agree with the batched call', () => {
    const a = nearIdentity([3, 4, 4], 21);
    const want = L.sqrtm(a);
    expectClose(ad.vmap((x: Tensor) => L.sqrtm(x))(a) as Tensor, want, 1e-14);
    expectClose(ad.jit((x: Tensor) => L.sqrtm(x))(a) as Tensor, want, 0);
  });

  it('a negative real eigenvalue is an error saying the root is not real and adjoint has no complex dtype; so is a matrix with no root', () => {
    const run = () => L.sqrtm(ad.stack([ad.eye(2), t([[-1, 0], [0, 4]])]));
    expect(run).toThrow(ad.AdjointError);
    expect(run).toThrow(/linalg\.sqrtm: the matrix at batch index \[1\] of the \[2,2,2\] argument has a negative real eigenvalue.*no complex dtype/);
    expect(() => L.sqrtm(t([[0, 1], [0, 0]]))).toThrow(/linalg\.sqrtm: .*no square root/);
    expect(() => L.sqrtm(ad.ones([2, 3]))).toThrow(/linalg\.sqrtm: a must be a square matrix/);
    expect(() => js.sqrtm!(ad.eye(2), { disp: false })).toThrow(/linalg\.sqrtm: takes no options/);
  });
});
