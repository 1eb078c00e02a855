/**
 * @file jvp(f, primals, tangents, { hasAux: true }) as jax.jvp's has_aux: f returns [output, aux];
 * the aux comes back third, as values, and is not differentiated; nested under grad and vmap.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js';

describe('jvp with hasAux', () => {
  it('returns [output, tangentOut, aux], the aux a pytree of plain values', () => {
    const f = (x: ad.Tensor) => [ad.sin(x), { x2: ad.square(x), n: 3 }] as const;
    const [y, dy, aux] = ad.jvp(f, [ad.tensor([0.5, 1])], [ad.tensor([1, 2])], { hasAux: true });
    expect(y.toArray()).toEqual([Math.sin(0.5), Math.sin(1)]);
    expect(dy.toArray()).toEqual([Math.cos(0.5), 2 * Math.cos(1)]);
    expect(aux.x2.toArray()).toEqual([0.25, 1]);
    expect(aux.x2.trace).toBe(null);
    expect(aux.n).toBe(3);
  });

  it('inside grad: the tangent output is differentiated, the aux carries the outer trace as any value does', () => {
    const g = ad.grad((x: ad.Tensor) => {
      const [, dy, aux] = ad.jvp((t: ad.Tensor) => [ad.mul(t, t), ad.exp(t)] as const, [x], [ad.scalar(1)], { hasAux: true });
      return ad.add(dy, aux); // d/dx (2x + eˣ)
    });
    expect(g(ad.scalar(0.3)).item()).toBeCloseTo(2 + Math.exp(0.3), 15);
  });

  it('under vmap, and errors: a function not returning a pair, options that are not { hasAux }', () => {
    const f = (x: ad.Tensor) => ad.jvp((t: ad.Tensor) => [ad.mul(t, 3), ad.neg(t)] as const, [x], [ad.scalar(1)], { hasAux: true });
    const [y, dy, aux] = ad.vmap(f)(ad.tensor([1, 2])) as [ad.Tensor, ad.Tensor, ad.Tensor];
    expect([y.toArray(), dy.toArray(), aux.toArray()]).toEqual([[3, 6], [3, 3], [-1, -2]]);
    expect(() => ad.jvp((t: ad.Tensor) => t as never, [ad.scalar(1)], [ad.scalar(1)], { hasAux: true })).toThrow(/jvp: with hasAux the function must return a pair \[output, aux\]/);
    expect(() => ad.jvp((t: ad.Tensor) => t, [ad.scalar(1)], [ad.scalar(1)], { aux: true } as never)).toThrow(/jvp: the fourth argument is the options, \{ hasAux: true \}/);
  });
});
