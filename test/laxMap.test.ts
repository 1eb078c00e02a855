/**
 * @file ad.map (jax.lax.map): against the stacked results of f called row by row, for tensors and trees, every batch
 * size, under grad (to second order), jvp, vmap and jit, with its errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

/** The oracle: f on each row, each result leaf stacked. */
const loop = (f: (x: { a: Tensor; b: Tensor }) => [Tensor, Tensor], a: Tensor, b: Tensor) => {
  const outs = Array.from({ length: a.shape[0]! }, (_, i) => f({ a: ad.take(a, i, 0), b: ad.take(b, i, 0) }));
  return [ad.stack(outs.map((o) => o[0]), 0), ad.stack(outs.map((o) => o[1]), 0)] as const;
};
/** a and b entry by entry to `digits` decimal places, shapes equal. */
const expectClose = (a: Tensor, b: Tensor, digits: number) => {
  expect(a.shape).toEqual(b.shape);
  expect([...a.toFloat64Array()]).toEqual([...b.toFloat64Array()].map((v) => expect.closeTo(v, digits)));
};
const f = ({ a, b }: { a: Tensor; b: Tensor }): [Tensor, Tensor] => [ad.sum(ad.mul(ad.sin(a), b)), ad.tanh(ad.add(a, ad.sum(b)))];

describe('map', () => {
  it('stacks f of each row of a tree, for every batch size (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 1, max: 9 }), fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }), (n, seed, batchSize) => {
      const a = ad.random.normal(ad.random.key(seed), [n, 3]), b = ad.random.normal(ad.random.key(seed + 100), [n, 3]);
      const [s, t] = ad.map(f, { a, b }, { batchSize });
      expect(s.shape).toEqual([n]);
      expect(t.shape).toEqual([n, 3]);
      if (n === 0) return;
      const [s0, t0] = loop(f, a, b);
      expectClose(s, s0, 14);
      expect(t.toArray()).toEqual(t0.toArray());
    }), { numRuns: 40 });
  });

  it('differentiates as the loop does: grad to second order, jvp, with checkpoints and batches', () => {
    const a = ad.random.normal(ad.random.key(1), [5, 3]), b = ad.random.normal(ad.random.key(2), [5, 3]);
    const loss = (opts: ad.MapOptions) => (x: Tensor, y: Tensor) => {
      const [s, t] = ad.map(f, { a: x, b: y }, opts);
      return ad.add(ad.sum(ad.square(s)), ad.sum(ad.mul(t, ad.arange(t.size).reshape(t.shape))));
    };
    const oracle = (x: Tensor, y: Tensor) => {
      const [s, t] = loop(f, x, y);
      return ad.add(ad.sum(ad.square(s)), ad.sum(ad.mul(t, ad.arange(15).reshape([5, 3]))));
    };
    const want = ad.grad(oracle, [0, 1])(a, b);
    for (const opts of [{}, { batchSize: 2 }, { batchSize: 5 }, { checkpoints: 2 }] as ad.MapOptions[]) {
      const got = ad.grad(loss(opts), [0, 1])(a, b);
      got.forEach((g, i) => expectClose(g, want[i]!, 12));
    }
    ad.assertGrad(loss({ batchSize: 2 }), [ad.slice(a, [0, 0], [3, 3]), ad.slice(b, [0, 0], [3, 3])].map((t) => ad.reshape(t, [3, 3])) as [Tensor, Tensor], { order: 2 });
    const [, tangent] = ad.jvp((x: Tensor) => ad.map((r: Tensor) => ad.sum(ad.exp(r)), x), [a], [ad.ones([5, 3])]);
    expectClose(tangent, ad.sum(ad.exp(a), 1), 13);
  });

  it('maps under vmap and replays under jit', () => {
    const x = ad.random.normal(ad.random.key(3), [2, 5, 3]);
    const rowSums = (m: Tensor) => ad.map((r: Tensor) => ad.sum(ad.square(r)), m, { batchSize: 2 });
    expectClose(ad.vmap(rowSums)(x), ad.sum(ad.square(x), 2), 13);
    const jitted = ad.jit(rowSums);
    expect(jitted(ad.take(x, 0, 0)).toArray()).toEqual(rowSums(ad.take(x, 0, 0)).toArray());
    expect(jitted(ad.take(x, 1, 0)).toArray()).toEqual(rowSums(ad.take(x, 1, 0)).toArray());
  });

  it('refuses what it cannot map, naming the fix', () => {
    expect(() => ad.map((r: Tensor) => r, ad.scalar(1))).toThrow(/map: every leaf of xs needs a leading axis/);
    expect(() => ad.map((r: { a: Tensor; b: Tensor }) => r.a, { a: ad.zeros([2]), b: ad.zeros([3]) })).toThrow(/share their leading length.*\[2\], \[3\]/);
    expect(() => ad.map((r: Tensor) => r, ad.zeros([2]), { batchSize: 0 })).toThrow(/batchSize must be a whole number ≥ 1, got .*0/);
    expect(() => ad.map((r: Tensor) => r, ad.zeros([2]), { batch: 2 } as never)).toThrow(/map/);
    expect(() => ad.map((r: unknown) => r as Tensor, {})).toThrow(/xs has no tensors/);
  });
});
