/**
 * @file take's and gather's (takeAlongAxis's) out-of-range modes, JAX's keywords: 'clip' and 'wrap'
 * against NumPy 1.24's np.take(a, i, axis, mode=…); 'fill' (JAX's default, which NumPy has not)
 * against its documented rule written in NumPy — indices in [−n, n) normalised, the rest filled;
 * take_along_axis's against np.take_along_axis of np.clip / np.mod'ed indices (scratch/take_ref.py;
 * its 'clip' first adds n to a negative index, as jnp.take_along_axis normalises them).
 * Gradients by checkGrad to second order (a clipped index's cotangent at the clipped position, a
 * filled one's nowhere), vmap and jit against the loop, and the errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

// a = np.arange(12.).reshape(3, 4) * 1.5 - 4
const a = ad.tensor([[-4.0, -2.5, -1.0, 0.5], [2.0, 3.5, 5.0, 6.5], [8.0, 9.5, 11.0, 12.5]]);
const I = [0, 13, -1, -13, 12, 5];
const J = ad.tensor([[4, -5], [-1, 7]]);

describe('take: modes as np.take / jnp.take', () => {
  it("'clip' and 'wrap' (np.take(a, i, axis, mode=…))", () => {
    expect(ad.take(a, I, { mode: 'clip' }).toArray()).toEqual([-4.0, 12.5, -4.0, -4.0, 12.5, 3.5]);
    expect(ad.take(a, I, undefined, { mode: 'clip' }).toArray()).toEqual([-4.0, 12.5, -4.0, -4.0, 12.5, 3.5]);
    expect(ad.take(a, J, 1, { mode: 'clip' }).toArray()).toEqual(
      [[[0.5, -4.0], [-4.0, 0.5]], [[6.5, 2.0], [2.0, 6.5]], [[12.5, 8.0], [8.0, 12.5]]]);
    expect(ad.take(a, [-4, 3, 1], 0, { mode: 'clip' }).toArray()).toEqual(
      [[-4.0, -2.5, -1.0, 0.5], [8.0, 9.5, 11.0, 12.5], [2.0, 3.5, 5.0, 6.5]]);
    expect(ad.take(a, I, { mode: 'wrap' }).toArray()).toEqual([-4.0, -2.5, 12.5, 12.5, -4.0, 3.5]);
    expect(ad.take(a, J, 1, { mode: 'wrap' }).toArray()).toEqual(
      [[[-4.0, 0.5], [0.5, 0.5]], [[2.0, 6.5], [6.5, 6.5]], [[8.0, 12.5], [12.5, 12.5]]]);
    expect(ad.take(a, [-4, 3, 1], 0, { mode: 'wrap' }).toArray()).toEqual(
      [[8.0, 9.5, 11.0, 12.5], [-4.0, -2.5, -1.0, 0.5], [2.0, 3.5, 5.0, 6.5]]);
    expect(a.take(I, { mode: 'wrap' }).toArray()).toEqual([-4.0, -2.5, 12.5, 12.5, -4.0, 3.5]); // the method
  });

  it("'fill': NaN (or fillValue) out of [−n, n), negative indices inside it counting from the end", () => {
    expect(ad.take(a, I, { mode: 'fill' }).toArray()).toEqual([-4.0, NaN, 12.5, NaN, NaN, 3.5]);
    expect(ad.take(a, J, 1, { mode: 'fill', fillValue: 2.5 }).toArray()).toEqual(
      [[[2.5, 2.5], [0.5, 2.5]], [[2.5, 2.5], [6.5, 2.5]], [[2.5, 2.5], [12.5, 2.5]]]);
    expect(ad.take(a, 12, { mode: 'fill', fillValue: 7 }).item()).toBe(7); // a scalar index
    expect(ad.take(ad.zeros([2, 0]), [0, -1], 1, { mode: 'fill', fillValue: 3 }).toArray()).toEqual([[3, 3], [3, 3]]);
  });

  it("'raise' (the default), 'promise_in_bounds' and the hints leave in-range indices as they were", () => {
    const want = [-4.0, 12.5]; // np.take(a, [-12, 11], mode='raise')
    for (const options of [{}, { mode: 'raise' as const }, { mode: 'promise_in_bounds' as const }, { uniqueIndices: true, indicesAreSorted: true }]) {
      expect(ad.take(a, [-12, 11], options).toArray()).toEqual(want);
    }
    expect(() => ad.take(a, [12], { mode: 'promise_in_bounds' })).toThrow(/index 12 is out of range/);
  });

  it('gradients: to the clipped or wrapped position, none from a filled entry (checkGrad, order 2)', () => {
    const w = ad.tensor([1, 2, 3, 4, 5]);
    const idx = [0, 3, -4, 2, 2];
    const along = (mode: 'clip' | 'wrap' | 'fill') => (t: Tensor) =>
      ad.sum(ad.mul(ad.square(ad.take(t, idx, 1, mode === 'fill' ? { mode, fillValue: 0.5 } : { mode })), w));
    const row = (c0: number, c1: number, c2: number) => (r: number[]) => [2 * r[0]! * c0 + 0, 2 * r[1]! * c1 + 0, 2 * r[2]! * c2 + 0];
    const x = ad.tensor([[1, -2, 3], [0.5, 4, -1]]);
    const rows = x.toArray() as number[][];
    // clip: 0→0 (w 1), 3→2 (w 2), −4→0 (w 3), 2, 2 (w 4, 5); wrap: 3→0, −4→2; fill: 3 and −4 send nothing.
    expect(ad.grad(along('clip'))(x).toArray()).toEqual(rows.map(row(4, 0, 11)));
    expect(ad.grad(along('wrap'))(x).toArray()).toEqual(rows.map(row(3, 0, 12)));
    expect(ad.grad(along('fill'))(x).toArray()).toEqual(rows.map(row(1, 0, 9)));
    for (const mode of ['clip', 'wrap', 'fill'] as const) {
      expect(ad.checkGrad(along(mode), [x], { order: 2 }).ok).toBe(true);
      // traced indices (the gather path) differentiate the same way
      const traced = (t: Tensor, i: Tensor) => ad.sum(ad.mul(ad.square(ad.take(t, i, 1, { mode })), w));
      const viaVmap = ad.vmap((i: Tensor) => ad.grad((t: Tensor) => traced(t, i))(x))(ad.tensor([idx, idx]));
      const g = ad.grad(along(mode))(x).toArray(); // fill's NaN (its default) reaches no gradient either
      expect(viaVmap.toArray()).toEqual([g, g]);
    }
    const [, tangent] = ad.jvp((t: Tensor) => ad.take(t, [5, -1, -7], { mode: 'fill', fillValue: 0 }), [x], [ad.onesLike(x)]);
    expect(tangent.toArray()).toEqual([1, 1, 0]);
  });

  it('vmap over x and over the indices equals the loop; jit replays with new indices', () => {
    const xs = ad.stack([a, ad.mul(a, -2)], 0);
    const idxs = ad.tensor([[0, 13, -1], [-13, 12, 5]]);
    for (const mode of ['clip', 'wrap', 'fill'] as const) {
      const f = (t: Tensor, i: Tensor) => ad.take(t, i, { mode, ...(mode === 'fill' ? { fillValue: -7 } : {}) });
      const loop = [0, 1].map((k) => f(ad.take(xs, k, 0), ad.take(idxs, k, 0)).toArray());
      expect(ad.vmap(f)(xs, idxs).toArray()).toEqual(loop);
      const byIndices = ad.vmap((i: Tensor) => f(a, i))(idxs);
      expect(byIndices.toArray()).toEqual([0, 1].map((k) => f(a, ad.take(idxs, k, 0)).toArray()));
      const jitted = ad.jit((t: Tensor, i: Tensor) => f(t, ad.add(i, 0)));
      expect(jitted(a, ad.tensor([0, 13, -1])).toArray()).toEqual(f(a, ad.tensor([0, 13, -1])).toArray());
      expect(jitted(a, ad.tensor([-13, 12, 5])).toArray()).toEqual(f(a, ad.tensor([-13, 12, 5])).toArray());
    }
  });

  it('errors name take, the index, the axis and the modes', () => {
    expect(() => ad.take(a, [12])).toThrow(/^take: index 12 is out of range for axis 0 of length 12 \(shape \[12\]\); use an integer in \[-12, 11\], or pass \{ mode: 'clip' \}/);
    expect(() => ad.take(a, [1], 0, { mode: 'nearest' as 'clip' })).toThrow(/^take: mode must be one of 'raise', 'fill', 'clip', 'wrap', 'promise_in_bounds', got string 'nearest'/);
    expect(() => ad.take(a, [1], { mode: 'clip', fillValue: 0 })).toThrow(/^take: fillValue goes with mode 'fill' only/);
    expect(() => ad.take(a, [1], { mode: 'fill', fillValue: '0' as unknown as number })).toThrow(/^take: fillValue must be a number/);
    expect(() => ad.take(a, [1], { fill_value: 0 } as object)).toThrow(/^take: unknown option 'fill_value'; the options are mode, fillValue, uniqueIndices and indicesAreSorted/);
    expect(() => ad.take(a, [1], { mode: 'clip' }, { mode: 'clip' })).toThrow(/^take: options were given twice/);
    expect(() => ad.take(a, [1.5], { mode: 'clip' })).toThrow(/^take: index 0 is 1.5, not an integer/);
    expect(() => ad.take(ad.zeros([2, 0]), [0], 1, { mode: 'clip' })).toThrow(/^take: axis 1 of shape \[2,0\] is empty, so no index fits with mode 'clip'/);
    expect(() => ad.take(a, [1], { mode: 'clip', uniqueIndices: 1 as unknown as boolean })).toThrow(/^take: uniqueIndices must be true or false/);
    expect(() => (ad.take as (...args: unknown[]) => Tensor)(a, [1], 0, {}, 5)).toThrow(/^take: takes take\(x, indices, axis\?, options\?\)/);
  });
});

// a[:, :3] and K as in scratch/take_ref.py
const b = ad.tensor([[-4.0, -2.5, -1.0], [2.0, 3.5, 5.0], [8.0, 9.5, 11.0]]);
const K = ad.tensor([[4, -5, 0], [-1, 7, 2], [3, -4, -8]]);

describe('gather / takeAlongAxis: modes as jnp.take_along_axis', () => {
  it('values (np.take_along_axis of np.clip(K, 0, 2), np.mod(K, 3), and the fill rule)', () => {
    // clip as jnp.take_along_axis: n added to a negative index first (−1 → 2, −5 → −2 → 0), then clamped;
    // np.take_along_axis(b, np.clip(np.where(K < 0, K + 3, K), 0, 2), 1)
    expect(ad.takeAlongAxis(b, K, 1, { mode: 'clip' }).toArray()).toEqual([[-1.0, -4.0, -4.0], [5.0, 5.0, 5.0], [11.0, 8.0, 8.0]]);
    expect(ad.gather(b, K, 1, { mode: 'wrap' }).toArray()).toEqual([[-2.5, -2.5, -4.0], [5.0, 3.5, 5.0], [8.0, 11.0, 9.5]]);
    expect(ad.gather(b, K, { mode: 'fill', fillValue: -9 }).toArray()).toEqual([[-9.0, -9.0, -4.0], [5.0, -9.0, 5.0], [-9.0, -9.0, -9.0]]);
    expect((ad.gather(b, K, 1, { mode: 'fill' }).toArray() as number[][])[0]).toEqual([NaN, NaN, -4.0]);
    expect(() => ad.gather(b, K, 1)).toThrow(/^gather: index 4 at position \[0,0\] of the indices .* is out of range for axis 1 of length 3 \(x of shape \[3,3\]\); use integers in \[-3, 2\], or pass \{ mode: 'clip' \}/);
  });

  it('gradients (checkGrad, order 2) and vmap against the loop', () => {
    for (const mode of ['clip', 'wrap', 'fill'] as const) {
      const f = (t: Tensor) => ad.sum(ad.sin(ad.gather(t, K, 1, mode === 'fill' ? { mode, fillValue: 0 } : { mode })));
      expect(ad.checkGrad(f, [b], { order: 2 }).ok).toBe(true);
      const ks = ad.stack([K, ad.neg(K)], 0);
      const g = (t: Tensor, k: Tensor) => ad.gather(t, k, 1, { mode, fillValue: mode === 'fill' ? 1 : undefined });
      expect(ad.vmap((k: Tensor) => g(b, k))(ks).toArray()).toEqual([g(b, K).toArray(), g(b, ad.neg(K)).toArray()]);
    }
    // clip: K's rows → [2, 0, 0], [2, 2, 2], [2, 0, 0]: the cotangent lands on the clipped positions
    expect(ad.grad((t: Tensor) => ad.sum(ad.gather(t, K, 1, { mode: 'clip' })))(b).toArray()).toEqual([[2, 0, 1], [0, 0, 3], [2, 0, 1]]);
    expect(ad.grad((t: Tensor) => ad.sum(ad.gather(t, K, 1, { mode: 'fill', fillValue: 0 })))(b).toArray()).toEqual([[1, 0, 0], [0, 0, 2], [0, 0, 0]]);
  });
});
