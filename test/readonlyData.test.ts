/**
 * @file A tensor's values cannot be changed through its public accessors: `data` is a read-only
 * copy (typed so that writes do not compile: test/types/signatures.ts), `toArray()` and
 * `toFloat64Array()` build new arrays, and reshapes sharing the storage are not affected either.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const writable = (a: ArrayLike<number>) => a as unknown as number[]; // what a JavaScript caller can do

describe('read-only tensor storage', () => {
  it('writes into data, toArray() and toFloat64Array() leave the tensor and its reshapes unchanged', () => {
    const t = ad.tensor([[1, 2], [3, 4]]);
    const r = ad.reshape(t, [4]); // shares t's storage
    writable(t.data)[0] = 99;
    (t.data as unknown as Float64Array).fill(7);
    const d = t.data;
    writable(d)[1] = -5;
    expect(writable(d)[1]).toBe(-5); // the copy changed …
    (t.toArray() as number[][])[1]![0] = 42;
    t.toFloat64Array()[3] = 42;
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]); // … the tensor did not
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
    expect(r.toArray()).toEqual([1, 2, 3, 4]);
    expect(ad.sum(t).item()).toBe(10);
    expect(ad.grad((x: Tensor) => ad.sum(ad.mul(x, t)))(ad.ones([2, 2])).toArray()).toEqual([[1, 2], [3, 4]]);
  });

  it('holds for 0-d tensors, results of ops, gradients, and values read inside transformations', () => {
    const s = ad.scalar(3);
    writable(s.data)[0] = 0;
    expect(s.item()).toBe(3);
    const g = ad.grad((x: Tensor) => ad.sum(ad.square(x)))(ad.tensor([1, 2]));
    writable(g.data)[0] = 0;
    expect(g.toArray()).toEqual([2, 4]);
    const y = ad.grad((x: Tensor) => {
      writable(x.data)[0] = 100; // inside a trace: still a copy
      return ad.sum(ad.mul(x, x));
    })(ad.tensor([1, 2]));
    expect(y.toArray()).toEqual([2, 4]);
  });

  it('each read of data is a fresh copy with the current values', () => {
    const t = ad.tensor([5, 6]);
    expect(t.data).not.toBe(t.data);
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(Array.from(t.data)).toEqual([5, 6]);
  });
});
