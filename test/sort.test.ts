/** @file sort, argsort, topk, maxIndex, minIndex against brute-force NumPy semantics, properties over random inputs, and their gradients. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { argsortOracle, lanes } from './support/indexOracles.js';

const arr = (t: Tensor) => Array.from(t.data);
/** Object.is per entry, so NaN equals NaN and −0 differs from 0. */
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

// Values with many ties, both zeros, infinities and NaNs, so the order conventions are exercised.
const entry = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -4, max: 4 }).map((v) => v / 2) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0) },
);
const shapeAndAxis = fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 3 })
  .filter((s) => s.reduce((a, b) => a * b, 1) <= 400)
  .chain((shape) => fc.tuple(fc.constant(shape), fc.integer({ min: -shape.length, max: shape.length - 1 })));
const case_ = shapeAndAxis.chain(([shape, axis]) =>
  fc.tuple(fc.constant(shape), fc.constant(axis), fc.array(entry, { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }), fc.boolean()));

describe('sort and argsort (NumPy order: stable, NaN last)', () => {
  it('agree with a brute-force stable sort on random lanes, ascending and descending', () => {
    fc.assert(fc.property(case_, ([shape, axis, values, descending]) => {
      const x = ad.tensor(values, shape);
      const ax = axis < 0 ? axis + shape.length : axis;
      const perm = argsortOracle(values, shape, ax, descending);
      const got = arr(ad.argsort(x, axis, { descending }));
      expect(got).toEqual(perm);
      // sort = values at the permutation, lane by lane
      const expected = new Array<number>(values.length);
      for (const lane of lanes(shape, ax)) lane.forEach((p, i) => (expected[p] = values[lane[perm[p]!]!]!));
      expect(same(arr(ad.sort(x, axis, { descending })), expected)).toBe(true);
    }), { seed: 31, numRuns: 300 });
  });

  it('agree with the brute-force sort on long lanes (the radix path), with ties, NaN, ±0, ±∞ and tiny and huge magnitudes', () => {
    const specials = [NaN, -0, 0, Infinity, -Infinity, 5e-324, -5e-324, 1.7e308, -1.7e308, 1, -1];
    const u = ad.random.uniform([2, 9000], 3).toFloat64Array();
    const values = Array.from(u, (v, i) => (i % 7 === 0 ? specials[i % specials.length]! : Math.round((v - 0.5) * 2000) / 8));
    for (const descending of [false, true]) {
      const got = arr(ad.argsort(ad.tensor(values, [2, 9000]), 1, { descending }));
      expect(got).toEqual(argsortOracle(values, [2, 9000], 1, descending));
    }
    // and along a leading axis, where lanes are strided
    const t = ad.tensor(values, [9000, 2]);
    expect(arr(ad.argsort(t, 0))).toEqual(argsortOracle(values, [9000, 2], 0, false));
  });

  it('puts NaN last ascending and first descending, keeps ties in order, treats −0 as 0', () => {
    const x = ad.tensor([2, NaN, -0, 1, 0, NaN, 2]);
    expect(arr(ad.argsort(x))).toEqual([2, 4, 3, 0, 6, 1, 5]);
    expect(arr(ad.argsort(x, -1, { descending: true }))).toEqual([1, 5, 0, 6, 3, 2, 4]);
    expect(same(arr(ad.sort(x)), [-0, 0, 1, 2, 2, NaN, NaN])).toBe(true);
  });

  it('gradient: the cotangent goes back to where each entry came from, to second order', () => {
    const x = ad.tensor([[0.3, -1.2, 2.5], [4, 1, -3]]);
    const w = ad.tensor([[1, 10, 100], [1000, 10000, 100000]]);
    const g = ad.grad((z: Tensor) => ad.sum(ad.mul(w, ad.sort(z, 1))))(x);
    expect(arr(g)).toEqual([10, 1, 100, 100000, 10000, 1000]);
    const g0 = ad.grad((z: Tensor) => ad.sum(ad.mul(w, ad.sort(z, 0, { descending: true }))))(x);
    expect(arr(g0)).toEqual([1000, 10000, 100, 1, 10, 100000]);
    // Σ sort(x)² has Hessian 2I.
    expect(arr(ad.hvp((z: Tensor) => ad.sum(ad.square(ad.sort(z))), x, ad.ones([2, 3])))).toEqual([2, 2, 2, 2, 2, 2]);
    expect(ad.checkGrad((z: Tensor) => ad.sort(z, 0), [x], { order: 2 }).ok).toBe(true);
  });

  it('of a sorted or empty axis, and of length-1 lanes', () => {
    expect(arr(ad.sort(ad.arange(40)))).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(ad.sort(ad.zeros([2, 0]), 1).shape).toEqual([2, 0]);
    expect(arr(ad.argsort(ad.tensor([[5], [3]]), 1))).toEqual([0, 0]);
  });

  it('name the op and the fix for bad arguments', () => {
    expect(() => ad.sort(ad.zeros([2]), 1)).toThrow(/sort: axis 1 is out of range/);
    expect(() => ad.sort(ad.tensor(3))).toThrow(/sort: axis -1 is out of range for a 0-d tensor/);
    expect(() => ad.argsort(ad.zeros([2]), 0, { descending: 1 as unknown as boolean })).toThrow(/argsort: descending must be true or false/);
    expect(() => ad.sort(ad.zeros([2]), 0, { reverse: true } as never)).toThrow(/sort: unknown option 'reverse'/);
    expect(() => ad.sort(ad.zeros([2]), 0.5)).toThrow(ad.InvalidArgumentError);
  });
});

describe('topk', () => {
  it('is the first k of the descending sort, with positions, along any axis', () => {
    fc.assert(fc.property(case_, fc.nat(), ([shape, axis, values], kSeed) => {
      const x = ad.tensor(values, shape);
      const ax = axis < 0 ? axis + shape.length : axis;
      const k = kSeed % (shape[ax]! + 1);
      const { values: v, indices } = ad.topk(x, k, axis);
      const keep = Array.from({ length: k }, (_, i) => i);
      const sorted = ad.sort(x, axis, { descending: true });
      const order = ad.argsort(x, axis, { descending: true });
      expect(same(arr(v), arr(ad.take(sorted, keep, axis)))).toBe(true);
      expect(arr(indices)).toEqual(arr(ad.take(order, keep, axis)));
    }), { seed: 32, numRuns: 200 });
  });

  it('breaks ties by position and counts NaN greatest; values are differentiable', () => {
    const { values, indices } = ad.topk(ad.tensor([1, 5, NaN, 5, 2]), 3);
    expect(same(arr(values), [NaN, 5, 5])).toBe(true);
    expect(arr(indices)).toEqual([2, 1, 3]);
    const g = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.tensor([1, 2]), ad.topk(z, 2).values)))(ad.tensor([0.5, 3, -1, 2]));
    expect(arr(g)).toEqual([0, 1, 0, 2]);
  });

  it('{ largest: false } (or false) is the first k of the ascending sort, smallest first, NaN last (torch.topk largest=False)', () => {
    fc.assert(fc.property(case_, fc.nat(), ([shape, axis, values], kSeed) => {
      const x = ad.tensor(values, shape);
      const ax = axis < 0 ? axis + shape.length : axis;
      const k = kSeed % (shape[ax]! + 1);
      const keep = Array.from({ length: k }, (_, i) => i);
      for (const smallest of [ad.topk(x, k, axis, { largest: false }), ad.topk(x, k, axis, false)]) {
        expect(same(arr(smallest.values), arr(ad.take(ad.sort(x, axis), keep, axis)))).toBe(true);
        expect(arr(smallest.indices)).toEqual(arr(ad.take(ad.argsort(x, axis), keep, axis)));
      }
      expect(arr(ad.topk(x, k, axis, { largest: true }).indices)).toEqual(arr(ad.topk(x, k, axis).indices));
    }), { seed: 33, numRuns: 100 });
    // torch.topk(tensor([1., 5., nan, 5., 2.]), 3, largest=False): values [1, 2, 5], indices [0, 4, 1]
    const { values, indices } = ad.topk(ad.tensor([1, 5, NaN, 5, 2]), 3, -1, { largest: false });
    expect(arr(values)).toEqual([1, 2, 5]);
    expect(arr(indices)).toEqual([0, 4, 1]);
    const g = ad.grad((z: Tensor) => ad.sum(ad.mul(ad.tensor([1, 2]), ad.topk(z, 2, 0, false).values)))(ad.tensor([0.5, 3, -1, 2]));
    expect(arr(g)).toEqual([2, 0, 1, 0]);
  });

  it('rejects a fourth argument that is not { largest } or a boolean (it used to be ignored)', () => {
    const js = ad.topk as unknown as (...args: unknown[]) => unknown;
    expect(() => js(ad.zeros([3]), 1, -1, { sorted: false })).toThrow(/topk: the fourth argument is \{ largest: boolean \}/);
    expect(() => js(ad.zeros([3]), 1, -1, 'smallest')).toThrow(/topk: the fourth argument/);
    expect(() => js(ad.zeros([3]), 1, -1, { largest: 0 })).toThrow(/topk: the fourth argument/);
  });

  it('rejects a k outside [0, n]', () => {
    expect(() => ad.topk(ad.zeros([3]), 4)).toThrow(/topk: k must be a whole number in \[0, 3\]/);
    expect(() => ad.topk(ad.zeros([3]), 1.5)).toThrow(/topk: k/);
  });
});

describe('maxIndex and minIndex (NumPy argmax/argmin)', () => {
  const firstOf = (values: number[], better: (a: number, b: number) => boolean) => {
    let best = 0;
    for (let i = 1; i < values.length; i++) {
      if (Number.isNaN(values[best]!)) break;
      if (Number.isNaN(values[i]!) || better(values[i]!, values[best]!)) best = i;
    }
    return best;
  };

  it('agree with a first-occurrence scan (NaN wins) along every axis and flattened', () => {
    fc.assert(fc.property(case_, ([shape, axis, values]) => {
      const x = ad.tensor(values, shape);
      const ax = axis < 0 ? axis + shape.length : axis;
      const expectMax = lanes(shape, ax).map((lane) => firstOf(lane.map((p) => values[p]!), (a, b) => a > b));
      const expectMin = lanes(shape, ax).map((lane) => firstOf(lane.map((p) => values[p]!), (a, b) => a < b));
      expect(arr(ad.maxIndex(x, axis))).toEqual(expectMax);
      expect(arr(ad.minIndex(x, axis))).toEqual(expectMin);
      expect(ad.maxIndex(x).item()).toBe(firstOf(values, (a, b) => a > b));
    }), { seed: 33, numRuns: 200 });
  });

  it('shapes: reduced, keepdims, flattened', () => {
    const x = ad.tensor([[1, 9, 9], [8, 2, 8]]);
    expect(ad.maxIndex(x, 1).shape).toEqual([2]);
    expect(ad.maxIndex(x, 0, true).toArray()).toEqual([[1, 0, 0]]);
    expect(ad.minIndex(x, undefined, true).toArray()).toEqual([[0]]);
    expect(ad.maxIndex(x).item()).toBe(1);
    expect(ad.maxIndex(ad.tensor(7)).item()).toBe(0);
  });

  it('name an empty axis', () => {
    expect(() => ad.maxIndex(ad.zeros([2, 0]), 1)).toThrow(/maxIndex: x of shape \[2,0\] is empty along axis 1/);
    expect(() => ad.minIndex(ad.zeros([0]))).toThrow(/minIndex: .* empty/);
  });
});
