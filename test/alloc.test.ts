/**
 * @file Slab allocation inside recordings (src/tensor/alloc.ts): results that leave a recording own
 * their buffers, buffers handed out never overlap, and values are those of ordinary allocation.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { allocF64, inArena, isSlabView } from '../src/tensor/alloc.js';
import { internal } from './support/internalTensor.js';

describe('slab allocation', () => {
  it('hands out zeroed, disjoint views inside an arena and plain arrays outside', () => {
    const outside = allocF64(100);
    expect(isSlabView(outside)).toBe(false);
    const views = inArena(() => [allocF64(100), allocF64(3), allocF64(4096), allocF64(4097), allocF64(5000)]);
    expect(views.map(isSlabView)).toEqual([true, false, true, false, false]);
    expect(views.every((v) => v.every((x) => x === 0))).toBe(true);
    views[0]!.fill(7);
    expect(views[2]!.every((x) => x === 0)).toBe(true); // writing one view leaves the others alone
    // Many requests cross slab boundaries without overlap.
    const many = inArena(() => Array.from({ length: 200 }, (_, i) => { const v = allocF64(1000); v.fill(i); return v; }));
    many.forEach((v, i) => expect(v.every((x) => x === i)).toBe(true));
  });

  it('gradients, vjp outputs and pullback results own their buffers', () => {
    const W = ad.random.normal([16, 16], 1);
    const f = (w: Tensor) => ad.sum(ad.tanh(ad.matmul(w, ad.matmul(w, w))));
    const [v, g] = ad.valueAndGrad(f)(W);
    expect(isSlabView(internal(g).values)).toBe(false);
    expect(v.size).toBe(1);
    const [out, pullback] = ad.vjp((w: Tensor) => ad.tanh(ad.matmul(w, w)), W);
    expect(isSlabView(internal(out).values)).toBe(false);
    const [ct] = pullback(ad.ones([16, 16])) as Tensor[];
    expect(isSlabView(internal(ct!).values)).toBe(false);
    const [g1, g2] = ad.grad((a: Tensor, b: Tensor) => ad.sum(ad.mul(ad.exp(a), b)), [0, 1])(W, W) as Tensor[];
    expect(isSlabView(internal(g1!).values) || isSlabView(internal(g2!).values)).toBe(false);
  });

  it('many small results leave together: views of shared buffers of at most a slab, disjoint, not slab views, with their own values', () => {
    for (const [count, size] of [[300, 100], [400, 100], [3, 4096], [50, 9]] as const) {
      const xs = Array.from({ length: count }, () => ad.ones([size]));
      const loss = (ps: Tensor[]) => ps.reduce((acc, p, i) => ad.add(acc, ad.sum(ad.mul(ad.exp(p), i + 1))), ad.scalar(0));
      const gs = ad.grad(loss)(xs) as Tensor[];
      const buffers = new Map<ArrayBufferLike, Array<[number, number]>>();
      gs.forEach((g, i) => {
        const values = internal(g).values;
        expect(isSlabView(values)).toBe(false);
        expect(Array.from(new Set(values))).toEqual([Math.E * (i + 1)]); // d/dp (i + 1) Σ exp p at p = 1
        expect(g.shape).toEqual([size]);
        const spans = buffers.get(values.buffer) ?? [];
        spans.push([values.byteOffset, values.byteOffset + values.byteLength]);
        buffers.set(values.buffer, spans);
        if (i === 0) values[0] = 7; // writing one result leaves the others alone
      });
      for (const [buffer, spans] of buffers) {
        expect(buffer.byteLength).toBeLessThanOrEqual(32768 * 8);
        spans.sort((p, q) => p[0] - q[0]);
        for (let k = 1; k < spans.length; k++) expect(spans[k]![0]).toBeGreaterThanOrEqual(spans[k - 1]![1]);
      }
      expect(gs.slice(1).every((g, i) => internal(g).values[0] === Math.E * (i + 2))).toBe(true);
      if (count * size > 32768) expect(buffers.size).toBeGreaterThan(1);
      if (count > 3 && count * size <= 32768) expect(buffers.size).toBe(1); // one allocation for all of them
    }
  });

  it('values are those of ordinary allocation: a gradient computed twice, and against finite differences', () => {
    const E = ad.random.normal([20, 12], 3), T = ad.random.normal([12, 12], 4);
    const logZ = (e: Tensor, t: Tensor) => {
      let alpha = ad.reshape(ad.slice(e, [0, 0], [1, 12]), [12]);
      for (let i = 1; i < 20; i++) alpha = ad.add(ad.logsumexp(ad.add(ad.reshape(alpha, [12, 1]), t), 0), ad.reshape(ad.slice(e, [i, 0], [1, 12]), [12]));
      return ad.logsumexp(alpha);
    };
    const a = ad.grad(logZ, [0, 1])(E, T) as Tensor[];
    const b = ad.grad(logZ, [0, 1])(E, T) as Tensor[];
    expect(a.map((x) => Array.from(x.data))).toEqual(b.map((x) => Array.from(x.data)));
    expect(ad.checkGrad(logZ, [E, T], { order: 2 }).ok).toBe(true);
  });
});
