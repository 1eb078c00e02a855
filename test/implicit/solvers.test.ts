/** @file cg, minres and gmres on known systems (SPD, ill-conditioned, indefinite, non-symmetric, pytrees), their statuses, and the derivatives of their solutions. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import {
  hilbert, matVec, maxAbsDiff, maxAbsOf, randomMatrix, solveDense, spd, stream, transposeM, withEigenvalues, type Matrix,
} from './dense.js';

const T = (A: Matrix) => ad.tensor(A);
const mv = (A: Tensor) => (v: Tensor) => ad.matmul(A, v);
const arr = (t: Tensor) => t.toFloat64Array();
const relErr = (got: ArrayLike<number>, want: ArrayLike<number>) => maxAbsDiff(got, want) / maxAbsOf(want);
const vec = (n: number, seed: number) => Array.from({ length: n }, stream(seed));

describe('cg', () => {
  it('solves a symmetric positive definite system to the tolerance', () => {
    const A = spd(30, 1);
    const b = vec(30, 2);
    const r = ad.cg(mv(T(A)), ad.tensor(b), { tol: 1e-12 });
    expect(r.converged).toBe(true);
    expect(r.negativeCurvature).toBe(false);
    expect(r.iterations).toBeLessThanOrEqual(60);
    expect(r.residualNorm).toBeLessThanOrEqual(1e-12 * Math.hypot(...b));
    expect(relErr(arr(r.x), solveDense(A, b))).toBeLessThan(1e-9);
  });

  it('converges on an ill-conditioned Hilbert system (κ ≈ 1.5e7), to the accuracy κ allows', () => {
    const H = hilbert(6);
    const xTrue = [1, -1, 2, 0.5, -0.25, 1];
    const b = matVec(H, xTrue);
    const r = ad.cg(mv(T(H)), ad.tensor(b), { tol: 1e-14, maxIter: 200 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeGreaterThan(6); // rounding costs CG its finite termination here
    // Forward error ≤ κ · relative residual: about 1e-7 · a few.
    expect(relErr(arr(r.x), solveDense(H, b))).toBeLessThan(1e-5);
    const res = matVec(H, Array.from(arr(r.x)));
    expect(maxAbsDiff(res, b)).toBeLessThan(1e-13);
  });

  it('reports non-convergence at the iteration cap instead of throwing', () => {
    const H = hilbert(10);
    const r = ad.cg(mv(T(H)), ad.ones([10]), { tol: 1e-15, maxIter: 5 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(5);
    expect(r.residualNorm).toBeGreaterThan(1e-15);
  });

  it('a Jacobi preconditioner cuts the iterations on a badly scaled system and keeps the solution', () => {
    const n = 40;
    const S = spd(n, 3, 2);
    const d = Array.from({ length: n }, (_, i) => 10 ** (3 * i / (n - 1))); // scales from 1 to 1000
    const A = S.map((row, i) => row.map((a, j) => d[i]! * a * d[j]!));
    const b = vec(n, 4);
    const diag = ad.tensor(A.map((row, i) => row[i]!));
    const plain = ad.cg(mv(T(A)), ad.tensor(b), { tol: 1e-10, maxIter: 2000 });
    const pre = ad.cg(mv(T(A)), ad.tensor(b), { tol: 1e-10, preconditioner: (r) => ad.div(r, diag) });
    expect(plain.converged && pre.converged).toBe(true);
    expect(pre.iterations).toBeLessThan(plain.iterations / 2);
    expect(relErr(arr(pre.x), solveDense(A, b))).toBeLessThan(1e-7);
  });

  it('reports negative curvature on an indefinite matrix', () => {
    const A = withEigenvalues([3, 2, 1, -1, -2], 5);
    const r = ad.cg(mv(T(A)), ad.tensor(vec(5, 6)));
    expect(r.negativeCurvature).toBe(true);
    expect(r.converged).toBe(false);
  });

  it('damping solves (A + δI) x = b; a warm start at the solution needs no iterations', () => {
    const A = spd(12, 7);
    const b = vec(12, 8);
    const damped = ad.cg(mv(T(A)), ad.tensor(b), { damping: 0.5, tol: 1e-13 });
    const Ad = A.map((row, i) => row.map((a, j) => a + (i === j ? 0.5 : 0)));
    expect(relErr(arr(damped.x), solveDense(Ad, b))).toBeLessThan(1e-10);
    const warm = ad.cg(mv(T(A)), ad.tensor(b), { x0: ad.tensor(solveDense(A, b)), tol: 1e-8 });
    expect(warm.iterations).toBe(0);
    expect(warm.converged).toBe(true);
  });

  it('works on pytrees: a block-diagonal operator on { a, b: [c] }', () => {
    const A1 = spd(3, 9), A2 = spd(4, 10);
    const b = { a: ad.tensor(vec(3, 11)), b: [ad.tensor(vec(4, 12), [2, 2])] };
    const matvec = (v: typeof b) => ({ a: ad.matmul(T(A1), v.a), b: [ad.reshape(ad.matmul(T(A2), ad.reshape(v.b[0]!, [4])), [2, 2])] });
    const r = ad.cg(matvec, b, { tol: 1e-13 });
    expect(r.converged).toBe(true);
    expect(relErr(arr(r.x.a), solveDense(A1, vec(3, 11)))).toBeLessThan(1e-10);
    expect(r.x.b[0]!.shape).toEqual([2, 2]);
    expect(relErr(arr(r.x.b[0]!), solveDense(A2, vec(4, 12)))).toBeLessThan(1e-10);
  });

  it('b = 0 gives x = 0 with no iterations; a matvec of the wrong structure is a clear error', () => {
    const r = ad.cg(mv(T(spd(3, 1))), ad.zeros([3]));
    expect(r.iterations).toBe(0);
    expect(r.x.toArray()).toEqual([0, 0, 0]);
    expect(() => ad.cg(() => ad.zeros([4]), ad.ones([3]))).toThrow(/cg: matvec must return b's structure and shapes, but it has shape \[4\] where b has shape \[3\]/);
    expect(() => ad.cg(mv(T(spd(3, 1))), ad.ones([3]), { tol: -1 })).toThrow(/tol must be a number > 0/);
  });
});

describe('minres', () => {
  it('solves a symmetric indefinite system', () => {
    const A = withEigenvalues([5, 3, 1, 0.5, -0.5, -2, -4, 2.5], 13);
    const b = vec(8, 14);
    const r = ad.minres(mv(T(A)), ad.tensor(b), { tol: 1e-12 });
    expect(r.converged).toBe(true);
    expect(relErr(arr(r.x), solveDense(A, b))).toBeLessThan(1e-9);
  });

  it('matches cg on SPD systems, and accepts a positive definite preconditioner', () => {
    const A = spd(20, 15);
    const b = vec(20, 16);
    const diag = ad.tensor(A.map((row, i) => row[i]!));
    const r = ad.minres(mv(T(A)), ad.tensor(b), { tol: 1e-12, preconditioner: (v) => ad.div(v, diag) });
    expect(r.converged).toBe(true);
    expect(relErr(arr(r.x), solveDense(A, b))).toBeLessThan(1e-9);
  });

  it('on a singular inconsistent system it stalls at the least-squares residual and says so', () => {
    const A = [[2, 0, 0], [0, 1, 0], [0, 0, 0]];
    const r = ad.minres(mv(T(A)), ad.tensor([1, 2, 3]), { tol: 1e-12, maxIter: 50 });
    expect(r.converged).toBe(false);
    expect(r.residualNorm).toBeCloseTo(3, 12); // the part of b in A's null space
    // A least-squares solution: A x is b's projection on A's range (x itself may keep a null-space part).
    expect(maxAbsDiff(matVec(A, Array.from(arr(r.x))), [1, 2, 0])).toBeLessThan(1e-12);
  });

  it('an unconverged solve reports its true residual ‖b − A x‖, not the recurrence estimate', () => {
    // A non-symmetric matrix (outside minres's contract) and a short cg: the estimates drift from the truth.
    const N = [[2, 1, 0], [-1, 3, 1], [0, 2, 1]];
    const b = [1, -2, 0.5];
    const trueNorm = (x: number[], A: number[][]) => Math.hypot(...matVec(A, x).map((v, i) => b[i]! - v));
    const m = ad.minres(mv(T(N)), ad.tensor(b), { tol: 1e-14, maxIter: 2 });
    expect(m.converged).toBe(false);
    expect(m.residualNorm).toBeCloseTo(trueNorm(Array.from(arr(m.x)), N), 14);
    const A = spd(12, 21);
    const c = ad.cg(mv(T(A)), ad.tensor(vec(12, 22)), { tol: 1e-14, maxIter: 3 });
    expect(c.converged).toBe(false);
    const bc = vec(12, 22);
    expect(c.residualNorm).toBeCloseTo(Math.hypot(...matVec(A, Array.from(arr(c.x))).map((v, i) => bc[i]! - v)), 12);
  });
});

describe('gmres', () => {
  it('solves a non-symmetric system, with and without restarts', () => {
    const n = 25;
    const A = randomMatrix(n, n, 18).map((row, i) => row.map((a, j) => a + (i === j ? 6 : 0)));
    const b = vec(n, 19);
    for (const restart of [5, 30]) {
      const r = ad.gmres(mv(T(A)), ad.tensor(b), { tol: 1e-12, restart });
      expect(r.converged).toBe(true);
      expect(relErr(arr(r.x), solveDense(A, b))).toBeLessThan(1e-9);
    }
  });
});

describe('derivatives of solutions (implicit function theorem)', () => {
  const n = 6;
  const A0 = spd(n, 20);
  const b0 = vec(n, 21);
  const c = vec(n, 22);
  // f(A, b) = cᵀ A⁻¹ b: ∂f/∂b = A⁻ᵀ c, ∂f/∂A = −(A⁻ᵀ c) xᵀ.
  const f = (solver: typeof ad.cg) => (A: Tensor, b: Tensor) =>
    ad.dot(ad.tensor(c), solver((v: Tensor) => ad.matmul(A, v), b, { tol: 1e-13 }).x);

  it.each([['cg', ad.cg], ['minres', ad.minres], ['gmres', ad.gmres]] as const)('%s: grad with respect to b and the matrix closed over equals the closed form', (_, solver) => {
    const [gA, gb] = ad.grad(f(solver as typeof ad.cg), [0, 1])(T(A0), ad.tensor(b0));
    const x = solveDense(A0, b0);
    const u = solveDense(transposeM(A0), c);
    expect(relErr(arr(gb), u)).toBeLessThan(1e-9);
    expect(relErr(arr(gA), u.flatMap((ui) => x.map((xj) => -ui * xj)))).toBeLessThan(1e-9);
  });

  it('gmres on a non-symmetric matrix: the backward pass solves with the transpose', () => {
    const A = randomMatrix(n, n, 23).map((row, i) => row.map((a, j) => a + (i === j ? 4 : 0)));
    const [gA, gb] = ad.grad(f(ad.gmres as typeof ad.cg), [0, 1])(T(A), ad.tensor(b0));
    const x = solveDense(A, b0);
    const u = solveDense(transposeM(A), c);
    expect(relErr(arr(gb), u)).toBeLessThan(1e-9);
    expect(relErr(arr(gA), u.flatMap((ui) => x.map((xj) => -ui * xj)))).toBeLessThan(1e-9);
  });

  it('passes checkGrad to second order (reverse, and forward against reverse)', () => {
    const r = ad.checkGrad((A: Tensor, b: Tensor) => {
      const S = ad.add(ad.matmul(ad.transpose(A), A), ad.eye(4));
      return ad.cg((v: Tensor) => ad.matmul(S, v), b, { tol: 1e-14 }).x;
    }, [ad.tensor(randomMatrix(4, 4, 24)), ad.tensor(vec(4, 25))], { order: 2 });
    expect(r.ok).toBe(true);
  });

  it('is differentiable when nested in grad of grad: d²/ds² of bᵀ(A + sI)⁻¹b', () => {
    // g(s) = Σ b_i² / (λ_i + s) in A's eigenbasis; g'' = 2 Σ (qᵢᵀb)² / (λ_i + s)³.
    const eig = [1, 2, 4];
    const A = withEigenvalues(eig, 26);
    const b = ad.tensor([1, 2, 3]);
    const g = (s: Tensor) => ad.dot(b, ad.cg((v: Tensor) => ad.add(ad.matmul(T(A), v), ad.mul(s, v)), b, { tol: 1e-14 }).x);
    const h = 1e-4;
    const s0 = 0.5;
    const fd = (g(ad.tensor(s0 + h)).item() - 2 * g(ad.tensor(s0)).item() + g(ad.tensor(s0 - h)).item()) / h ** 2;
    const second = ad.grad(ad.grad(g))(s0).item();
    expect(Math.abs(second - fd) / Math.abs(fd)).toBeLessThan(1e-5);
    const viaJvp = ad.jvp(ad.grad(g), [ad.tensor(s0)], [ad.tensor(1)])[1].item();
    expect(Math.abs(viaJvp - second) / Math.abs(second)).toBeLessThan(1e-10);
  });
});
