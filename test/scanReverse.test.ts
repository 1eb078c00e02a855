/**
 * @file scan's `reverse` (jax.lax.scan's): the same as reversing the leading axes of xs and ys, under grad,
 * vmap, jit and checkpointing; `unroll` accepted as the hint it is.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const step = (c: Tensor, x: Tensor) => [ad.add(ad.mul(c, 0.5), ad.sin(x)), ad.mul(c, x)] as const;

/** The reversed scan written by hand: xs flipped in, ys flipped out. */
function byHand(xs: Tensor, init: Tensor): [Tensor, Tensor] {
  const [c, ys] = ad.scan(step, init, { xs: ad.flip(xs, 0) });
  return [c as Tensor, ad.flip(ys as Tensor, 0)];
}

describe('scan with reverse', () => {
  const xs = ad.tensor([0.3, -1.2, 2.5, 0.7, 1.1]);
  const init = ad.scalar(0.4);
  it('runs from the last row to the first, ys in xs order', () => {
    const [c, ys] = ad.scan(step, init, { xs, reverse: true });
    const [c2, ys2] = byHand(xs, init);
    expect((c as Tensor).item()).toBe(c2.item());
    expect((ys as Tensor).toArray()).toEqual(ys2.toArray());
    const counted = ad.scan((k: Tensor, x: Tensor) => [ad.add(k, 1), ad.add(ad.mul(k, 10), x)] as const, ad.scalar(0), { xs: ad.tensor([1, 2, 3]), reverse: true });
    expect((counted[1] as Tensor).toArray()).toEqual([21, 12, 3]); // the last row first, with k = 0
  });
  it('differentiates as the hand-reversed loop, with checkpoints too', () => {
    const loss = (rev: (x: Tensor, i: Tensor) => [Tensor, Tensor]) => (x: Tensor, i: Tensor) => {
      const [c, ys] = rev(x, i);
      return ad.add(c, ad.sum(ad.square(ys)));
    };
    const want = ad.grad(loss(byHand), [0, 1])(xs, init);
    for (const checkpoints of ['all', 2] as const) {
      const got = ad.grad(loss((x, i) => ad.scan(step, i, { xs: x, reverse: true, checkpoints }) as [Tensor, Tensor]), [0, 1])(xs, init);
      got.forEach((g, j) => expect(Array.from(g.toFloat64Array())).toEqual(Array.from(want[j]!.toFloat64Array())));
    }
  });
  it('batches under vmap and replays under jit', () => {
    const batch = ad.tensor([[0.3, -1.2, 2.5], [1, 2, 3]]);
    const f = (x: Tensor) => (ad.scan(step, init, { xs: x, reverse: true }) as [Tensor, Tensor])[1];
    expect(ad.vmap(f)(batch).toArray()).toEqual([f(ad.tensor([0.3, -1.2, 2.5])).toArray(), f(ad.tensor([1, 2, 3])).toArray()]);
    expect(ad.jit(f)(xs).toArray()).toEqual(f(xs).toArray());
  });
  it('takes unroll as a hint and checks both options', () => {
    expect(ad.scan((c: Tensor) => ad.add(c, 1), ad.scalar(0), { length: 3, unroll: 2 }).item()).toBe(3);
    expect(() => ad.scan((c: Tensor) => c, ad.scalar(0), { length: 3, reverse: 1 as never })).toThrow(/scan: option reverse must be true or false/);
    expect(() => ad.scan((c: Tensor) => c, ad.scalar(0), { length: 3, unroll: 0 })).toThrow(/scan: option unroll must be a whole number ≥ 1 or a boolean/);
  });
});
