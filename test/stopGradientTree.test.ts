/** @file stopGradient of a pytree (jax.lax.stop_gradient takes one): each leaf held constant, the structure kept. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

describe('stopGradient of a pytree', () => {
  it('holds every leaf constant and keeps the structure', () => {
    const p = { a: ad.tensor([1, 2]), b: [ad.tensor(3), 4] as [ad.Tensor, number] };
    const g = ad.grad((q: typeof p) => {
      const held = ad.stopGradient(q);
      return ad.add(ad.sum(ad.mul(held.a, q.a)), ad.mul(held.b[0], q.b[0]));
    })(p);
    expect(g.a.toArray()).toEqual([1, 2]); // d/da of a_held·a is a, not 2a
    expect(g.b[0].item()).toBe(3);
    const held = ad.stopGradient(p);
    expect(held.b[1].item()).toBe(4); // a number leaf comes back as a tensor, as every tree result
    expect(Object.keys(held)).toEqual(['a', 'b']);
  });

  it('under jvp, vmap and jit', () => {
    const [, t] = ad.jvp((x: ad.Tensor) => ad.mul(ad.stopGradient([x])[0], x), [ad.tensor(2)], [ad.tensor(1)]);
    expect(t.item()).toBe(2);
    expect(ad.vmap((x: ad.Tensor) => ad.stopGradient({ x }).x)(ad.ones([3, 2])).shape).toEqual([3, 2]);
    expect(ad.jit(ad.grad((x: ad.Tensor) => ad.mul(ad.stopGradient({ x }).x, x)))(ad.tensor(5)).item()).toBe(5);
  });

  it('refuses a leaf that is not a tensor or number, naming its place', () => {
    expect(() => ad.stopGradient({ s: 'x' } as never)).toThrow(/^stopGradient: the leaf at \.s is string 'x'/);
  });
});
