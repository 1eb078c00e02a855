/**
 * @file Regressions found by differential testing of approximate inference (ad.PairwiseMRF) against
 * brute-force enumeration on trees and an independent damped loopy BP on loopy graphs: marginals,
 * log Z and the Bethe free energy, their gradients, convergence reports, extreme scores, bad input.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('PairwiseMRF: saturated beliefs (scores of 1e3 scale)', () => {
  it("gradient: 'implicit' is finite when the cotangent of the messages is subnormal (GMRES divided by its norm's reciprocal, +∞)", () => {
    // x0 = 1 costs 720 and every disagreement 720: p(x_s = 1) ≈ e^−720, a subnormal cotangent ‖b‖ ≈ 1e−310.
    const edges = [[0, 1], [1, 2]];
    const pairwise = ad.tensor([[0, -720], [-720, 0]]);
    const logZ = (gradient: 'unrolled' | 'implicit') => (u: Tensor) =>
      new ad.PairwiseMRF({ unary: u, edges, pairwise }).logPartition({ tol: 1e-12, gradient, warn: false });
    const u = ad.tensor([[720, 0], [0, 0], [0, 0]]);
    const info: Partial<ad.BeliefsInfo> = {};
    const implicit = ad.grad((v: Tensor) => new ad.PairwiseMRF({ unary: v, edges, pairwise }).logPartition({ tol: 1e-12, gradient: 'implicit', warn: false, info }))(u);
    expect(arr(implicit).every(Number.isFinite)).toBe(true);
    // ∂ log Z / ∂θ_s = the exact marginals (a chain: BP is exact), [1, 0] per variable to 1e−300.
    expect(arr(implicit)).toEqual(arr(ad.grad(logZ('unrolled'))(u)).map((v) => expect.closeTo(v, 12)));
    expect(arr(implicit)).toEqual([1, 0, 1, 0, 1, 0].map((v) => expect.closeTo(v, 12)));
    expect(info.root?.adjoint?.converged).toBe(true);
  });
});
