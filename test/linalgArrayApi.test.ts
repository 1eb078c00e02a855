/** @file ad.linalg's array-API members beside the factorisations (numpy 2's numpy.linalg): cross, outer, vecdot, matmul, tensordot — values against the top-level ops and closed forms, derivatives, and the stricter shapes numpy.linalg asks for. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('ad.linalg.cross, outer, vecdot, matmul, tensordot', () => {
  it('cross: 3-vectors along one axis, broadcast, with the top-level cross\'s values and gradient', () => {
    const a = ad.tensor([[1, 2, 3], [0, -1, 4]]), b = ad.tensor([2, 0, 1]);
    // (a × b)_0 = a1 b2 − a2 b1, …: the closed form, row by row.
    expect(ad.linalg.cross(a, b).toArray()).toEqual([[2, 5, -4], [-1, 8, 2]]);
    const cols = ad.linalg.cross(ad.transpose(a), ad.reshape(b, [3, 1]), 0);
    expect(ad.transpose(cols).toArray()).toEqual([[2, 5, -4], [-1, 8, 2]]);
    expect(ad.checkGrad((x: ad.Tensor, y: ad.Tensor) => ad.sum(ad.square(ad.linalg.cross(x, y))), [a, b], { order: 2 }).ok).toBe(true);
    expect(() => ad.linalg.cross(ad.tensor([1, 0]), ad.tensor([0, 1]))).toThrow(/^linalg\.cross: both operands must hold 3-vectors along axis -1.*got \[2\] and \[2\]/);
  });

  it('outer: two vectors only (ad.outer flattens, as numpy.outer)', () => {
    expect(ad.linalg.outer(ad.tensor([1, 2]), ad.tensor([1, 10, 100])).toArray()).toEqual([[1, 10, 100], [2, 20, 200]]);
    expect(ad.grad((u: ad.Tensor) => ad.sum(ad.linalg.outer(u, ad.tensor([1, 10]))))(ad.tensor([1, 2])).toArray()).toEqual([11, 11]);
    expect(() => ad.linalg.outer(ad.zeros([2, 2]), ad.zeros([2]))).toThrow(/^linalg\.outer: both operands must be vectors \(1-D\), got \[2,2\] and \[2\]/);
    expect(ad.outer(ad.zeros([2, 2]), ad.zeros([2])).shape).toEqual([4, 2]);
  });

  it('vecdot, matmul and tensordot are the top-level ops', () => {
    const A = ad.tensor([[1, 2], [3, 4]]);
    expect(ad.linalg.vecdot(A, ad.tensor([1, 1])).toArray()).toEqual([3, 7]);
    expect(ad.linalg.matmul(A, A).toArray()).toEqual([[7, 10], [15, 22]]);
    expect(ad.linalg.tensordot(A, A, 1).toArray()).toEqual([[7, 10], [15, 22]]);
    expect(ad.linalg.vecdot).toBe(ad.vecdot);
  });
});
