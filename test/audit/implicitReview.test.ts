/**
 * @file Audit regressions from the review of the implicit-differentiation solvers (argmin, root,
 * cg/minres/gmres, reversibleMomentum): each block names the wrong answer it guards against.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('gmres on a singular system returns a least-squares iterate, not rounding noise', () => {
  // [[1, 1], [1, 1]] x = [1, 0] has no solution; the smallest residual is 1/√2 (any x with
  // x₁ + x₂ = 1/2). GMRES back-substituted through a numerically singular triangular factor and
  // returned x ≈ [6.9e31, −6.9e31] with residual 1.
  const S = ad.tensor([[1, 1], [1, 1]]);
  it('finite iterate, minimal residual, converged false', () => {
    const r = ad.gmres((v: ad.Tensor) => ad.matmul(S, v), ad.tensor([1, 0]));
    const [x1, x2] = r.x.toArray() as number[];
    expect(r.converged).toBe(false);
    expect(Math.abs(x1! + x2! - 0.5)).toBeLessThan(1e-12);
    expect(Math.max(Math.abs(x1!), Math.abs(x2!))).toBeLessThan(10);
    expect(Math.abs(r.residualNorm - Math.SQRT1_2)).toBeLessThan(1e-12);
  });
  it('a zero row: the other unknowns are solved, the residual is the unreachable part', () => {
    const Z = ad.tensor([[2, 0, 0], [0, 0, 0], [0, 0, 1]]);
    for (const restart of [1, 30]) {
      const r = ad.gmres((v: ad.Tensor) => ad.matmul(Z, v), ad.tensor([2, 1, 3]), { restart });
      const [x1, x2, x3] = r.x.toArray() as number[];
      expect(r.converged).toBe(false);
      expect(Math.abs(x1! - 1) + Math.abs(x3! - 3)).toBeLessThan(1e-6);
      expect(Number.isFinite(x2!) && Math.abs(x2!) < 100).toBe(true);
      expect(Math.abs(r.residualNorm - 1)).toBeLessThan(1e-6);
    }
  });
  it('a non-singular system still solves to its tolerance', () => {
    const A = ad.tensor([[2, 1, 0], [-1, 3, 1], [0.5, 0, 1]]);
    const r = ad.gmres((v: ad.Tensor) => ad.matmul(A, v), ad.tensor([3, 3, 1]));
    expect(r.converged).toBe(true);
    const want = [14 / 15, 17 / 15, 8 / 15];
    (r.x.toArray() as number[]).forEach((x, i) => expect(Math.abs(x - want[i]!)).toBeLessThan(1e-12));
  });
});
