/** @file scan in jax.lax.scan's positional form, scan(step, init, xs, options): the same loop as scan(step, init, { xs, ...options }). */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const xs = ad.random.normal(ad.random.key(3), [6, 2]);
const w = ad.random.normal(ad.random.key(4), [2, 2]);
const step = (h: Tensor, x: Tensor) => {
  const next = ad.tanh(ad.add(ad.matmul(w, h), x));
  return [next, ad.sum(next)] as const;
};

describe('scan(step, init, xs, options)', () => {
  it('is scan(step, init, { xs, ...options }): carry, stacked outputs and gradients', () => {
    for (const options of [undefined, { reverse: true }, { checkpoints: 2 }]) {
      const [h1, ys1] = ad.scan(step, ad.zeros([2]), xs, options);
      const [h2, ys2] = ad.scan(step, ad.zeros([2]), { xs, ...options });
      expect(h1.toArray()).toEqual(h2.toArray());
      expect(ys1.toArray()).toEqual(ys2.toArray());
      const g1 = ad.grad((x: Tensor) => ad.sum(ad.scan(step, ad.zeros([2]), x, options)[1]))(xs);
      const g2 = ad.grad((x: Tensor) => ad.sum(ad.scan(step, ad.zeros([2]), { xs: x, ...options })[1]))(xs);
      expect(g1.toArray()).toEqual(g2.toArray());
    }
  });

  it('takes an array of sequences, and null with a length', () => {
    const s = ad.scan((c: Tensor, [a, b]: Tensor[]) => ad.add(c, ad.mul(a!, b!)), ad.scalar(0), [ad.arange(4), ad.arange(4)]);
    expect(s.item()).toBe(14);
    const t = ad.scan((c: Tensor) => ad.add(c, 1), ad.scalar(0), null, { length: 5 });
    expect(t.item()).toBe(5);
    expect(ad.scan((c: Tensor) => ad.add(c, 1), ad.scalar(0), undefined as never, { length: 3 }).item()).toBe(3); // JAX's xs=None
    const [total, prefix] = ad.scan((c: Tensor, x: Tensor) => [ad.add(c, x), c] as const, ad.scalar(0), ad.arange(4));
    expect(total.item()).toBe(6);
    expect(prefix.toArray()).toEqual([0, 0, 1, 3]);
  });

  it('refuses xs twice and a fifth argument, naming both forms', () => {
    expect(() => ad.scan(step, ad.zeros([2]), xs, { xs } as never)).toThrow(/unknown option 'xs'/);
    expect(() => (ad.scan as (...a: unknown[]) => unknown)(step, ad.zeros([2]), xs, {}, 3)).toThrow(ad.AdjointError);
    expect(() => (ad.scan as (...a: unknown[]) => unknown)(step, ad.zeros([2]), {}, 3)).toThrow(/jax\.lax\.scan, scan\(step, init, xs/);
  });
});
