/** @file pad, flip, roll, tile, repeat, tril and triu against brute-force loops with NumPy's semantics (and NumPy's own printed outputs), gradients and errors. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { multiIndices, ravel } from './support/indexOracles.js';

const arr = (t: Tensor) => Array.from(t.data);

/** out[index] = x[source(index)], or `fill` where source gives null: the shape of every oracle below. */
function mapped(x: Tensor, outShape: number[], source: (index: number[]) => number[] | null, fill = 0): number[] {
  return multiIndices(outShape).map((index) => {
    const from = source(index);
    return from === null ? fill : x.data[ravel(from, x.shape)]!;
  });
}

/** Where padded position p reads from, by walking: bounce off the ends (reflect, symmetric), go round (wrap) or stop (edge). */
function walk(mode: string, p: number, n: number): number {
  if (mode === 'edge') return Math.min(Math.max(p, 0), n - 1);
  while (p < 0 || p >= n) {
    if (mode === 'wrap') p += p < 0 ? n : -n;
    else if (mode === 'reflect') p = n === 1 ? 0 : p < 0 ? -p : 2 * (n - 1) - p;
    else p = p < 0 ? -p - 1 : 2 * n - 1 - p; // symmetric
  }
  return p;
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 });

describe('pad', () => {
  it('matches NumPy on its documented examples', () => {
    const x = ad.tensor([0, 1, 2]);
    expect(arr(ad.pad(x, 7, { mode: 'reflect' }))).toEqual([1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1]);
    expect(arr(ad.pad(x, 7, { mode: 'symmetric' }))).toEqual([0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2, 2]);
    expect(arr(ad.pad(ad.tensor([0, 1]), 5, { mode: 'wrap' }))).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    expect(arr(ad.pad(ad.tensor([0]), 2, { mode: 'reflect' }))).toEqual([0, 0, 0, 0, 0]);
    expect(ad.pad(ad.tensor([[1, 2], [3, 4]]), [[1, 0], [0, 2]], { value: 9 }).toArray()).toEqual([[9, 9, 9, 9], [1, 2, 9, 9], [3, 4, 9, 9]]);
  });

  it('agrees with a walk over the borders for every mode, random shapes and widths', () => {
    const modes = ['constant', 'edge', 'reflect', 'symmetric', 'wrap'] as const;
    fc.assert(fc.property(shapeArb, fc.array(fc.tuple(fc.nat(6), fc.nat(6)), { minLength: 3, maxLength: 3 }), fc.constantFrom(...modes), (shape, w, mode) => {
      const x = ad.random.normal(shape, shape.length);
      const widths = shape.map((_, k) => w[k]!);
      const out = ad.pad(x, widths, mode === 'constant' ? { value: -7 } : { mode });
      const outShape = shape.map((n, k) => n + widths[k]![0] + widths[k]![1]);
      expect(out.shape).toEqual(outShape);
      expect(arr(out)).toEqual(mapped(x, outShape, (index) => {
        const p = index.map((i, k) => i - widths[k]![0]);
        if (mode === 'constant') return p.every((q, k) => q >= 0 && q < shape[k]!) ? p : null;
        return p.map((q, k) => walk(mode, q, shape[k]!));
      }, -7));
    }), { seed: 51, numRuns: 200 });
  });

  it('takes widths as NumPy does: one number, one pair, or a pair per axis', () => {
    const x = ad.ones([1, 2]);
    expect(ad.pad(x, 1).shape).toEqual([3, 4]);
    expect(ad.pad(x, [1, 2]).shape).toEqual([4, 5]);
    expect(ad.pad(x, [[1, 2]]).shape).toEqual([4, 5]);
    expect(ad.pad(x, [[0, 0], [3, 0]]).shape).toEqual([1, 5]);
  });

  it('gradient: the border of a constant pad gets none, a reflected entry gets its copies', () => {
    const x = ad.tensor([1, 2, 3]);
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.pad(z, 2, { value: 5 })))(x))).toEqual([1, 1, 1]);
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.pad(z, 2, { mode: 'reflect' })))(x))).toEqual([2, 3, 2]);
  });

  it('names bad widths and modes', () => {
    const x = ad.zeros([2, 2]);
    expect(() => ad.pad(x, -1)).toThrow(/pad: a width must be a whole number ≥ 0, got -1/);
    expect(() => ad.pad(x, [[1, 1], [1, 1], [1, 1]])).toThrow(/pad: 3 pairs of widths for a tensor of rank 2/);
    expect(() => ad.pad(x, 1, { mode: 'mirror' as never })).toThrow(/pad: mode must be one of 'constant', 'edge'/);
    expect(() => ad.pad(x, 1, { mode: 'edge', value: 1 })).toThrow(/pad: value .* mode 'constant' only/);
    expect(() => ad.pad(ad.zeros([0]), 1, { mode: 'wrap' })).toThrow(/pad: axis 0 of shape \[0\] is empty/);
  });
});

describe('flip and roll', () => {
  it('flip reverses the given axes (all by default)', () => {
    fc.assert(fc.property(shapeArb, fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), (shape, pick) => {
      const x = ad.random.normal(shape, 3);
      const axes = shape.flatMap((_, k) => (pick[k] ? [k] : []));
      const flipAll = (index: number[]) => index.map((i, k) => shape[k]! - 1 - i);
      expect(arr(ad.flip(x, axes))).toEqual(mapped(x, shape, (index) => index.map((i, k) => (axes.includes(k) ? shape[k]! - 1 - i : i))));
      expect(arr(ad.flip(x))).toEqual(mapped(x, shape, flipAll));
    }), { seed: 52, numRuns: 100 });
  });

  it('roll: out[i] = x[i − shift] along each axis, and over the flattened tensor without one', () => {
    fc.assert(fc.property(shapeArb, fc.array(fc.integer({ min: -9, max: 9 }), { minLength: 3, maxLength: 3 }), (shape, s) => {
      const x = ad.random.normal(shape, 4);
      const axes = shape.map((_, k) => k), shifts = shape.map((_, k) => s[k]!);
      const mod = (a: number, n: number) => ((a % n) + n) % n;
      expect(arr(ad.roll(x, shifts, axes))).toEqual(mapped(x, shape, (index) => index.map((i, k) => mod(i - shifts[k]!, shape[k]!))));
      const flat = arr(x);
      expect(arr(ad.roll(x, s[0]!))).toEqual(flat.map((_, i) => flat[mod(i - s[0]!, flat.length)]!));
    }), { seed: 53, numRuns: 100 });
    expect(ad.roll(ad.tensor([[0, 1, 2], [3, 4, 5]]), 1).toArray()).toEqual([[5, 0, 1], [2, 3, 4]]);
    expect(ad.roll(ad.arange(5), [1, 2], [0, 0]).toArray()).toEqual([2, 3, 4, 0, 1]); // repeated axes add up
  });

  it('name mismatched shifts and axes', () => {
    expect(() => ad.roll(ad.zeros([2, 2]), [1, 2, 3], [0, 1])).toThrow(/roll: 3 shifts for 2 axes/);
    expect(() => ad.roll(ad.zeros([2]), 0.5)).toThrow(/roll: shift must be an integer/);
    expect(() => ad.flip(ad.zeros([2]), 1)).toThrow(/flip: axis 1 is out of range/);
  });
});

describe('tile and repeat', () => {
  it('tile: out[i] = x[i mod shape], reps and x aligned on the right', () => {
    fc.assert(fc.property(shapeArb, fc.array(fc.nat(3), { minLength: 0, maxLength: 4 }), (shape, reps) => {
      const x = ad.random.normal(shape, 5);
      const d = Math.max(shape.length, reps.length);
      const xs = [...new Array<number>(d - shape.length).fill(1), ...shape];
      const rs = [...new Array<number>(d - reps.length).fill(1), ...reps];
      const outShape = xs.map((n, k) => n * rs[k]!);
      const out = ad.tile(x, reps);
      expect(out.shape).toEqual(outShape);
      expect(arr(out)).toEqual(mapped(ad.reshape(x, xs), outShape, (index) => index.map((i, k) => i % xs[k]!)));
    }), { seed: 54, numRuns: 100 });
    expect(ad.tile(ad.tensor([1, 2]), [2, 2]).toArray()).toEqual([[1, 2, 1, 2], [1, 2, 1, 2]]);
  });

  it('repeat: each entry in turn, counts per entry or one for all; flattened without an axis', () => {
    fc.assert(fc.property(shapeArb, fc.nat(), fc.array(fc.nat(3), { minLength: 4, maxLength: 4 }), (shape, axisSeed, c) => {
      const x = ad.random.normal(shape, 6);
      const ax = axisSeed % shape.length;
      const counts = Array.from({ length: shape[ax]! }, (_, i) => c[i]!);
      const source: number[] = counts.flatMap((k, i) => new Array<number>(k).fill(i));
      const outShape = shape.map((n, k) => (k === ax ? source.length : n));
      expect(arr(ad.repeat(x, counts, ax))).toEqual(mapped(x, outShape, (index) => index.map((i, k) => (k === ax ? source[i]! : i))));
      expect(arr(ad.repeat(x, c[0]!))).toEqual(arr(x).flatMap((v) => new Array<number>(c[0]!).fill(v)));
    }), { seed: 55, numRuns: 100 });
    expect(ad.repeat(ad.tensor([[1, 2], [3, 4]]), [1, 2], 0).toArray()).toEqual([[1, 2], [3, 4], [3, 4]]);
  });

  it('gradients sum over the copies', () => {
    const x = ad.tensor([1, 2]);
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.arange(6), ad.tile(z, 3))))(x))).toEqual([0 + 2 + 4, 1 + 3 + 5]);
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.arange(5), ad.repeat(z, [2, 3]))))(x))).toEqual([0 + 1, 2 + 3 + 4]);
  });

  it('name bad counts', () => {
    expect(() => ad.tile(ad.zeros([2]), -1)).toThrow(/tile: reps must be a whole number ≥ 0/);
    expect(() => ad.repeat(ad.zeros([3]), [1, 2], 0)).toThrow(/repeat: 2 counts for axis 0 of length 3/);
    expect(() => ad.repeat(ad.zeros([3]), 1.5)).toThrow(/repeat: repeats must be a whole number/);
  });
});

describe('tril and triu', () => {
  it('keep column − row ≤ k (tril) or ≥ k (triu) over the last two axes, exact zeros elsewhere', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: -4, max: 4 }), (shape, k) => {
      const x = ad.random.normal(shape, 7);
      const d = shape.length;
      const keep = (index: number[], lower: boolean) => (lower ? index[d - 1]! - index[d - 2]! <= k : index[d - 1]! - index[d - 2]! >= k);
      expect(arr(ad.tril(x, k))).toEqual(mapped(x, shape, (index) => (keep(index, true) ? index : null)));
      expect(arr(ad.triu(x, k))).toEqual(mapped(x, shape, (index) => (keep(index, false) ? index : null)));
    }), { seed: 56, numRuns: 100 });
    expect(Object.is(ad.tril(ad.tensor([[1, -2], [3, 4]])).data[1], 0)).toBe(true); // +0, not −0
  });

  it('need a matrix and an integer k', () => {
    expect(() => ad.tril(ad.zeros([3]))).toThrow(/tril: x of shape \[3\] needs at least two axes/);
    expect(() => ad.triu(ad.zeros([2, 2]), 0.5)).toThrow(/triu: k must be an integer/);
  });
});
