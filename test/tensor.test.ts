/** @file Tensors: construction, every rank, broadcasting kernels against a naive reference, seeded randomness, text. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';

describe('construction', () => {
  it('from numbers, nested arrays and flat data, at every rank', () => {
    expect(ad.tensor(3).shape).toEqual([]);
    expect(ad.tensor(3).toArray()).toBe(3);
    expect(ad.tensor([1, 2]).shape).toEqual([2]);
    expect(ad.tensor([[[1], [2]]]).shape).toEqual([1, 2, 1]);
    expect(ad.tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(ad.tensor([]).shape).toEqual([0]);
    expect(ad.zeros([2, 0, 3]).size).toBe(0);
  });

  it('constructors', () => {
    expect(ad.ones([2]).toArray()).toEqual([1, 1]);
    expect(ad.full([2], 7).toArray()).toEqual([7, 7]);
    expect(ad.eye(2).toArray()).toEqual([[1, 0], [0, 1]]);
    expect(ad.arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(ad.arange(1, 2, 0.25).toArray()).toEqual([1, 1.25, 1.5, 1.75]);
    expect(ad.linspace(0, 1, 5).toArray()).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it('toFloat64Array is a copy; item needs one element', () => {
    const t = ad.tensor([1, 2]);
    const c = t.toFloat64Array();
    c[0] = 9;
    expect(t.toArray()).toEqual([1, 2]);
    expect(ad.tensor([[5]]).item()).toBe(5);
  });

  it('seeded randomness repeats and differs by seed', () => {
    expect(ad.random.normal([5], 3).toArray()).toEqual(ad.random.normal([5], 3).toArray());
    expect(ad.random.normal([5], 3).toArray()).not.toEqual(ad.random.normal([5], 4).toArray());
    const u = ad.random.uniform([10000], 1).toFloat64Array();
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const n = ad.random.normal([20000], 2).toFloat64Array();
    const mean = n.reduce((a, b) => a + b, 0) / n.length;
    const variance = n.reduce((a, b) => a + (b - mean) ** 2, 0) / n.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it('toString is readable and elides long axes', () => {
    expect(String(ad.tensor([[1, 2], [3, 4]]))).toBe('tensor([[1, 2],\n        [3, 4]], shape=[2,2])');
    expect(String(ad.tensor(0.5))).toBe('tensor(0.5)');
    expect(String(ad.arange(100))).toMatch(/\[ 0,  1,  2, \.\.\., 97, 98, 99\]/);
  });

  it('method forms match the functions', () => {
    const x = ad.tensor([[1, -2], [3, 4]]);
    expect(x.add(1).mul(2).toArray()).toEqual(ad.mul(ad.add(x, 1), 2).toArray());
    expect(x.sum(0).toArray()).toEqual([4, 2]);
    expect(x.T.toArray()).toEqual([[1, 3], [-2, 4]]);
    expect(x.matmul(x).toArray()).toEqual(ad.matmul(x, x).toArray());
    expect(x.abs().max().item()).toBe(4);
    expect(x.reshape([4]).shape).toEqual([4]);
  });
});

/** Naive broadcasting reference: index arithmetic per element. */
function naiveBroadcast(a: ad.Tensor, b: ad.Tensor, f: (x: number, y: number) => number): number[] {
  const nd = Math.max(a.ndim, b.ndim);
  const pad = (s: readonly number[]) => [...new Array(nd - s.length).fill(1), ...s];
  const as = pad(a.shape), bs = pad(b.shape);
  const os = as.map((d, i) => Math.max(d, bs[i]!));
  const size = os.reduce((x, y) => x * y, 1);
  const out: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    let rem = flat, ia = 0, ib = 0, sa = 1, sb = 1;
    for (let ax = nd - 1; ax >= 0; ax--) {
      const idx = rem % os[ax]!;
      rem = Math.floor(rem / os[ax]!);
      ia += (as[ax] === 1 ? 0 : idx) * sa;
      ib += (bs[ax] === 1 ? 0 : idx) * sb;
      sa *= as[ax]!;
      sb *= bs[ax]!;
    }
    out.push(f(a.data[ia]!, b.data[ib]!));
  }
  return out;
}

describe('kernels against naive references', () => {
  const shapePair = fc
    .array(fc.record({ d: fc.integer({ min: 1, max: 4 }), a1: fc.boolean(), b1: fc.boolean() }), { maxLength: 4 })
    .chain((axes) => fc.record({ axes: fc.constant(axes), dropA: fc.integer({ min: 0, max: axes.length }), dropB: fc.integer({ min: 0, max: axes.length }) }))
    .map(({ axes, dropA, dropB }) => ({
      a: axes.map((x) => (x.a1 ? 1 : x.d)).slice(dropA),
      b: axes.map((x) => (x.b1 ? 1 : x.d)).slice(dropB),
    }));

  it('binary ops broadcast like NumPy', () => {
    fc.assert(
      fc.property(shapePair, fc.integer({ min: 0, max: 1000 }), ({ a, b }, seed) => {
        const x = ad.random.normal(a, seed);
        const y = ad.random.normal(b, seed + 1);
        expect(Array.from(ad.sub(x, y).data)).toEqual(naiveBroadcast(x, y, (p, q) => p - q));
        expect(Array.from(ad.maximum(x, y).data)).toEqual(naiveBroadcast(x, y, Math.max));
        expect(Array.from(ad.where(ad.greater(x, 0), x, y).data)).toEqual(naiveBroadcast(x, y, (p, q) => (p > 0 ? p : q)));
      }),
      { seed: 42, numRuns: 200 },
    );
  });

  it('matmul matches the triple loop, batched and broadcast', () => {
    for (const [as, bs] of [[[5, 7], [7, 3]], [[9, 300], [300, 6]], [[2, 1, 4, 3], [3, 3, 5]], [[1, 1], [1, 1]]] as const) {
      const a = ad.random.normal(as, 1), b = ad.random.normal(bs, 2);
      const c = ad.matmul(a, b);
      const m = as[as.length - 2]!, k = as[as.length - 1]!, n = bs[bs.length - 1]!;
      const batch = c.size / (m * n);
      const aMats = a.size / (m * k), bMats = b.size / (k * n);
      const cb = ad.reshape(c, [batch, m, n]).toArray() as number[][][];
      // With these shapes, batch index t maps to a[t % aMats... ] only for simple cases; check via broadcastTo.
      const ab = ad.reshape(ad.broadcastTo(a, [...c.shape.slice(0, -2), m, k]), [batch, m, k]).toArray() as number[][][];
      const bb = ad.reshape(ad.broadcastTo(b, [...c.shape.slice(0, -2), k, n]), [batch, k, n]).toArray() as number[][][];
      expect(aMats * bMats).toBeGreaterThan(0);
      for (let t = 0; t < batch; t++)
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += ab[t]![i]![p]! * bb[t]![p]![j]!;
            expect(cb[t]![i]![j]).toBeCloseTo(s, 10);
          }
    }
  });

  it('reductions over any axes match per-axis loops', () => {
    const x = ad.random.normal([3, 4, 5], 7);
    const arr = x.toArray() as number[][][];
    const s02 = ad.sum(x, [0, 2]).toArray() as number[];
    const mx1 = ad.max(x, 1).toArray() as number[][];
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let k = 0; k < 5; k++) s += arr[i]![j]![k]!;
      expect(s02[j]).toBeCloseTo(s, 12);
    }
    for (let i = 0; i < 3; i++) for (let k = 0; k < 5; k++) expect(mx1[i]![k]).toBe(Math.max(...arr[i]!.map((r) => r[k]!)));
    const lse = ad.logsumexp(x, [0, 2]).toArray() as number[];
    for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let k = 0; k < 5; k++) s += Math.exp(arr[i]![j]![k]!);
      expect(lse[j]).toBeCloseTo(Math.log(s), 12);
    }
  });

  it('transpose, slice, concat and take move the right values', () => {
    const x = ad.arange(24).reshape([2, 3, 4]);
    const t = ad.transpose(x, [2, 0, 1]);
    expect(t.shape).toEqual([4, 2, 3]);
    expect((t.toArray() as number[][][])[3]![1]![2]).toBe(1 * 12 + 2 * 4 + 3);
    expect(ad.slice(x, [1, 1, 1], [1, 2, 2]).toArray()).toEqual([[[17, 18], [21, 22]]]);
    expect(ad.concat([ad.tensor([[1], [2]]), ad.tensor([[3, 4], [5, 6]])], 1).toArray()).toEqual([[1, 3, 4], [2, 5, 6]]);
    expect(ad.take(ad.tensor([[1, 2], [3, 4], [5, 6]]), [2, 0], 0).toArray()).toEqual([[5, 6], [1, 2]]);
    expect(ad.cumsum(ad.tensor([[1, 2], [3, 4]]), 0).toArray()).toEqual([[1, 2], [4, 6]]);
  });
});
