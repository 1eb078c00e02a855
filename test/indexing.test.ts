/** @file gather, scatterAdd and scatter against brute-force NumPy semantics (take_along_axis, add.at, put_along_axis), their gradients and their errors. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { multiIndices, ravel } from './support/indexOracles.js';

const arr = (t: Tensor) => Array.from(t.data);
const broadcastIndex = (index: readonly number[], shape: readonly number[]) => index.map((v, k) => (shape[k] === 1 ? 0 : v));

/** Random x, index tensor and axis for take_along_axis: indices broadcast against x off the axis, negatives included. */
const gatherCase = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }).chain((shape) =>
  fc.record({
    shape: fc.constant(shape),
    axis: fc.integer({ min: 0, max: shape.length - 1 }),
    m: fc.integer({ min: 0, max: 5 }),
    ones: fc.array(fc.boolean(), { minLength: shape.length, maxLength: shape.length }),
    seed: fc.nat(1000),
  }));

function makeCase({ shape, axis, m, ones, seed }: { shape: number[]; axis: number; m: number; ones: boolean[]; seed: number }) {
  const n = shape[axis]!;
  // Off the axis the indices are 1 where `ones` says (broadcast), else x's length.
  const idxShape = shape.map((d, k) => (k === axis ? m : ones[k] ? 1 : d));
  const idxCount = idxShape.reduce((a, b) => a * b, 1);
  const raw = ad.random.uniform([idxCount], seed).toFloat64Array();
  const idx = Array.from(raw, (u) => Math.floor(u * 2 * n) - n); // in [−n, n)
  return { x: ad.random.normal(shape, seed + 1), idx: ad.tensor(idx, idxShape), idxShape, n };
}

describe('gather (take_along_axis)', () => {
  it('agrees with out[…, i, …] = x[…, idx[…, i, …], …] on random shapes, broadcasting and negative indices', () => {
    fc.assert(fc.property(gatherCase, (c) => {
      const { x, idx, idxShape, n } = makeCase(c);
      const out = ad.gather(x, idx, c.axis);
      const outShape = c.shape.map((d, k) => (k === c.axis ? c.m : d));
      expect(out.shape).toEqual(outShape);
      const expected = multiIndices(outShape).map((index) => {
        const i = idx.data[ravel(broadcastIndex(index, idxShape), idxShape)]!;
        return x.data[ravel(index.map((v, k) => (k === c.axis ? (i + n) % n : v)), c.shape)]!;
      });
      expect(arr(out)).toEqual(expected);
    }), { seed: 41, numRuns: 200 });
  });

  it('broadcasts x against the indices off the axis (NumPy)', () => {
    const x = ad.tensor([[1, 2, 3]]); // [1, 3]
    expect(ad.gather(x, [[2], [0]], 1).toArray()).toEqual([[3], [1]]);
  });

  it('gradient: the cotangent is scattered back, repeated indices adding; second order', () => {
    const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    const idx = [[2, 2, 0, -1], [1, 0, 0, 0]];
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.gather(z, idx, 1)))(x))).toEqual([1, 0, 3, 3, 1, 0]);
    expect(ad.checkGrad((z: Tensor) => ad.square(ad.gather(z, idx, 1)), [x], { order: 2 }).ok).toBe(true);
  });

  it('names bad indices: out of range, not integers, wrong rank', () => {
    const x = ad.zeros([2, 3]);
    expect(() => ad.gather(x, [[3], [0]], 1)).toThrow(/gather: index 3 at position \[0,0\] .* out of range for axis 1 of length 3 .* \[-3, 2\]/);
    expect(() => ad.gather(x, [[0.5], [0]], 1)).toThrow(/gather: index 0.5 .* not an integer/);
    expect(() => ad.gather(x, [0, 1], 1)).toThrow(/gather: indices of shape \[2\] have 1 axes but x of shape \[2,3\] has 2/);
    expect(() => ad.gather(x, [[0], [1], [2]], 1)).toThrow(ad.ShapeError);
    expect(() => ad.gather(x, 'a' as never, 1)).toThrow(/gather: indices must be/);
  });
});

describe('indices as values, not reads: jit and vmap', () => {
  it('jit replays a sort-based loss on new inputs (the permutation is recomputed, not frozen)', () => {
    const loss = (x: Tensor) => ad.sum(ad.mul(ad.arange(4), ad.sort(x)));
    const jitted = ad.jit(ad.valueAndGrad(loss));
    for (const values of [[3, 1, 2, 0], [0, 1, 2, 3], [-1, 5, -7, 2]]) {
      const x = ad.tensor(values);
      const [v, g] = jitted(x) as [Tensor, Tensor];
      const [v0, g0] = ad.valueAndGrad(loss)(x);
      expect([v.item(), arr(g)]).toEqual([v0.item(), arr(g0)]);
    }
    expect(jitted.cacheInfo().map((e) => e.status)).toEqual(['replayed']);
  });

  it('vmap over batched indices and batched values equals a loop', () => {
    const x = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    const idx = ad.tensor([[[2, 0]], [[1, 1]]]); // a batch of two [1, 2] index tensors
    const got = ad.vmap((i: Tensor) => ad.gather(x, i, 1))(idx) as Tensor;
    expect(got.toArray()).toEqual([0, 1].map((b) => ad.gather(x, ad.take(idx, b, 0), 1).toArray()));
    const sorted = ad.vmap((r: Tensor) => ad.topk(r, 2).values, 1)(x) as Tensor;
    expect(sorted.toArray()).toEqual([[4, 1], [5, 2], [6, 3]].map((col) => col.sort((a, b) => b - a)));
  });
});

describe('scatterAdd and scatter (put_along_axis)', () => {
  /** x with updates added (or set, the last index winning), by loops in index order. */
  function oracle(x: Tensor, idx: Tensor, idxShape: number[], u: Tensor, axis: number, n: number, set: boolean): number[] {
    const out = arr(x);
    for (const index of multiIndices(idxShape)) {
      const i = idx.data[ravel(index, idxShape)]!;
      const target = ravel(index.map((v, k) => (k === axis ? (i + n) % n : v)), x.shape);
      const value = u.data[ravel(index, idxShape)]!;
      out[target] = set ? value : out[target]! + value;
    }
    return out;
  }

  it('agree with loops over the indices in order (repeats add; the last one set wins)', () => {
    fc.assert(fc.property(gatherCase, (c) => {
      const { x, idx, n } = makeCase({ ...c, ones: c.ones.map(() => false) });
      const idxShape = c.shape.map((d, k) => (k === c.axis ? c.m : d));
      const u = ad.random.normal(idxShape, c.seed + 2);
      const close = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]!) < 1e-12);
      expect(close(arr(ad.scatterAdd(x, idx, u, c.axis)), oracle(x, idx, idxShape, u, c.axis, n, false))).toBe(true);
      expect(arr(ad.scatter(x, idx, u, c.axis))).toEqual(oracle(x, idx, idxShape, u, c.axis, n, true));
    }), { seed: 42, numRuns: 200 });
  });

  it('broadcast indices and updates to x off the axis', () => {
    const x = ad.zeros([2, 3]);
    expect(ad.scatterAdd(x, [[0, 0]], 1, 1).toArray()).toEqual([[2, 0, 0], [2, 0, 0]]);
    expect(ad.scatter(x, [[2]], ad.tensor([[7], [8]]), 1).toArray()).toEqual([[0, 0, 7], [0, 0, 8]]);
  });

  it('gradients: scatterAdd passes g to x and gathers it for updates; scatter zeroes overwritten x and losing updates', () => {
    const x = ad.tensor([1, 2, 3, 4]);
    const u = ad.tensor([10, 20, 30]);
    const w = ad.tensor([1, 10, 100, 1000]);
    const idx = [1, 3, 1];
    const loss = (op: typeof ad.scatter) => (a: Tensor, b: Tensor) => ad.sum(ad.mul(w, op(a, idx, b, 0)));
    const [dxa, dua] = ad.grad(loss(ad.scatterAdd), [0, 1])(x, u);
    expect([arr(dxa), arr(dua)]).toEqual([[1, 10, 100, 1000], [10, 1000, 10]]);
    const [dxs, dus] = ad.grad(loss(ad.scatter), [0, 1])(x, u);
    expect([arr(dxs), arr(dus)]).toEqual([[1, 0, 100, 0], [0, 1000, 10]]);
    for (const op of [ad.scatter, ad.scatterAdd]) {
      expect(ad.checkGrad((a: Tensor, b: Tensor) => ad.square(op(a, idx, b, 0)), [x, u], { order: 2 }).ok).toBe(true);
    }
  });

  it('name the op for shapes that do not fit', () => {
    expect(() => ad.scatter(ad.zeros([2, 3]), [[0], [1], [2]], 1, 1)).toThrow(/scatter: indices of shape \[3,1\] do not broadcast to \[2,1\]/);
    expect(() => ad.scatterAdd(ad.zeros([2, 3]), [[0], [1]], ad.zeros([2, 2]), 1)).toThrow(/scatterAdd: updates of shape \[2,2\] do not broadcast/);
    expect(() => ad.scatterAdd(ad.zeros([3]), [5], 1, 0)).toThrow(/scatterAdd: index 5 .* out of range/);
  });
});
