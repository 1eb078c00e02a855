/** @file numpy 2's array-API names (unstack, permuteDims, vecdot, matvec, vecmat): values against loops written out, broadcasting, derivatives to second order, vmap, and the errors. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.round(Math.sin(seed + 1.7 * i) * 50) / 10);

describe('numpy 2 array-API names', () => {
  it('unstack gives the slices along an axis, the inverse of stack', () => {
    const x = ad.tensor(values(24, 1), [2, 3, 4]);
    for (const axis of [0, 1, 2, -1]) {
      const parts = ad.unstack(x, axis);
      const a = axis < 0 ? axis + 3 : axis;
      expect(parts.length).toBe(x.shape[a]);
      expect(ad.stack(parts, a).toArray()).toEqual(x.toArray());
    }
    expect(ad.unstack(ad.zeros([0, 2]))).toEqual([]);
    expect(ad.grad((v: ad.Tensor) => { const [p, q] = ad.unstack(v); return ad.sum(ad.mul(p!, ad.square(q!))); })(ad.tensor([[1, 2], [3, 4]])).toArray()).toEqual([[9, 16], [6, 16]]);
  });

  it('permuteDims is transpose with the permutation required', () => {
    const x = ad.tensor(values(24, 2), [2, 3, 4]);
    expect(ad.permuteDims(x, [2, 0, 1]).toArray()).toEqual(ad.transpose(x, [2, 0, 1]).toArray());
    expect(() => ad.permuteDims(x, undefined as never)).toThrow(/^permuteDims: axes must be an array/);
  });

  it('vecdot, matvec and vecmat agree with loops, batch axes broadcast', () => {
    const A = ad.tensor(values(2 * 3 * 4, 3), [2, 3, 4]);
    const v = ad.tensor(values(4, 4), [4]);
    const w = ad.tensor(values(2 * 3, 5), [2, 3]);
    const a = A.toArray() as number[][][], vv = v.toArray() as number[], ww = w.toArray() as number[][];
    // matvec: [2, 3, 4] × [4] → [2, 3].
    const mv = ad.matvec(A, v).toArray() as number[][];
    for (let b = 0; b < 2; b++) for (let i = 0; i < 3; i++) expect(mv[b]![i]).toBeCloseTo(a[b]![i]!.reduce((s, x, k) => s + x * vv[k]!, 0), 12);
    // vecmat: [2, 3] × [2, 3, 4] → [2, 4]; and a batch that broadcasts: [3, 1, 3] × [2, 3, 4] → [3, 2, 4].
    const vm = ad.vecmat(w, A).toArray() as number[][];
    for (let b = 0; b < 2; b++) for (let j = 0; j < 4; j++) expect(vm[b]![j]).toBeCloseTo([0, 1, 2].reduce((s, k) => s + ww[b]![k]! * a[b]![k]![j]!, 0), 12);
    const u = values(9, 11);
    const wide = ad.vecmat(ad.tensor(u, [3, 1, 3]), A);
    expect(wide.shape).toEqual([3, 2, 4]);
    const wa = wide.toArray() as number[][][];
    for (let i = 0; i < 3; i++) for (let b = 0; b < 2; b++) for (let j = 0; j < 4; j++) expect(wa[i]![b]![j]).toBeCloseTo([0, 1, 2].reduce((s, k) => s + u[i * 3 + k]! * a[b]![k]![j]!, 0), 12);
    // vecdot along the last axis and along axis 1 of the broadcast shape.
    const vd = ad.vecdot(A, v).toArray() as number[][];
    expect(vd).toEqual(mv.map((row) => row.map((x) => expect.closeTo(x, 12))));
    const along1 = ad.vecdot(A, ad.tensor(values(3, 6), [3, 1]), 1).toArray() as number[][];
    const c = values(3, 6);
    for (let b = 0; b < 2; b++) for (let j = 0; j < 4; j++) expect(along1[b]![j]).toBeCloseTo([0, 1, 2].reduce((s, k) => s + a[b]![k]![j]! * c[k]!, 0), 12);
  });

  it('differentiate to second order and map under vmap', () => {
    const A = ad.tensor(values(6, 7), [2, 3]), v = ad.tensor(values(3, 8), [3]), u = ad.tensor(values(2, 9), [2]);
    expect(ad.checkGrad((m: ad.Tensor, x: ad.Tensor) => ad.sum(ad.sin(ad.matvec(m, x))), [A, v], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((x: ad.Tensor, m: ad.Tensor) => ad.sum(ad.sin(ad.vecmat(x, m))), [u, A], { order: 2 }).ok).toBe(true);
    expect(ad.checkGrad((m: ad.Tensor, x: ad.Tensor) => ad.sum(ad.square(ad.vecdot(m, x))), [A, v], { order: 2 }).ok).toBe(true);
    const batch = ad.tensor(values(12, 10), [4, 3]);
    expect(ad.vmap((x: ad.Tensor) => ad.matvec(A, x))(batch).toArray()).toEqual(ad.matvec(A, batch).toArray());
  });

  it('matrixTranspose swaps the last two axes; finfo gives float64\'s limits under numpy\'s names', () => {
    const x = ad.tensor(values(24, 12), [2, 3, 4]);
    expect(ad.matrixTranspose(x).toArray()).toEqual(ad.transpose(x, [0, 2, 1]).toArray());
    const f = ad.finfo();
    expect([f.eps, f.epsneg, f.tiny, f.smallestSubnormal, f.max, f.min]).toEqual([Number.EPSILON, Number.EPSILON / 2, 2.2250738585072014e-308, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE]);
    expect(1 + f.eps).not.toBe(1);
    expect(1 + f.eps / 2).toBe(1);
    expect(f.tiny / 2).toBeGreaterThan(0); // subnormal, not zero
    expect(2 ** f.maxexp).toBe(Infinity);
    expect(ad.finfo(x)).toBe(f);
    expect(() => ad.finfo('float32' as never)).toThrow(/^finfo: adjoint computes in float64 only/);
  });

  it('name the op and the shapes when they do not line up', () => {
    expect(() => ad.matvec(ad.zeros([2, 3]), ad.zeros([2]))).toThrow(/^matvec: A must be \[\.\.\., m, n\] and v \[\.\.\., n\] with one n, got \[2,3\] and \[2\]/);
    expect(() => ad.vecmat(ad.zeros([3]), ad.zeros([2, 3]))).toThrow(/^vecmat: v must be \[\.\.\., m\] and A \[\.\.\., m, n\] with one m/);
    expect(() => ad.vecdot(ad.zeros([2, 3]), ad.zeros([2]))).toThrow(/^vecdot: axis -1 must be an axis of both operands with one length, got \[2,3\] and \[2\]/);
    expect(() => ad.vecdot(2, ad.zeros([2]))).toThrow(/^vecdot: operands must have at least one axis/);
    expect(() => ad.unstack(ad.scalar(1))).toThrow(/^unstack: x is 0-d/);
    expect(() => ad.unstack(ad.zeros([2]), 1)).toThrow(/unstack: axis 1 is out of range/);
  });
});
