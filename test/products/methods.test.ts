/** @file The method forms x.prod() and x.cumprod(), registered on Tensor by src/products: the same values and derivatives as the functions. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { prodGradient } from './oracle.js';
import { expectNear } from './cases.js';

const arr = (t: Tensor) => Array.from(t.data);

describe('method forms of the products', () => {
  const m = ad.tensor([[1.5, -2, 0.5], [3, 0, 4]]);

  it('x.prod(axis?, keepdims?) is ad.prod(x, axis, keepdims)', () => {
    expect(m.prod().item()).toBe(ad.prod(m).item());
    expect(m.prod(1).toArray()).toEqual([-1.5, 0]);
    expect(m.prod(0).toArray()).toEqual(ad.prod(m, 0).toArray());
    expect(m.prod([0, 1], true).shape).toEqual([1, 1]);
    expect(m.prod(-1, true).toArray()).toEqual([[-1.5], [0]]);
    expect(ad.tensor([[1, 2], [3, 4]]).prod(1).toArray()).toEqual([2, 12]);
  });

  it('x.cumprod(axis, options?) is ad.cumprod(x, axis, options)', () => {
    expect(ad.tensor([1, 2, 3, 4]).cumprod(0).toArray()).toEqual([1, 2, 6, 24]);
    expect(m.cumprod(1).toArray()).toEqual(ad.cumprod(m, 1).toArray());
    expect(m.cumprod(0, { exclusive: true, reverse: true }).toArray()).toEqual(ad.cumprod(m, 0, { exclusive: true, reverse: true }).toArray());
  });

  it('differentiate like the functions, zeros included', () => {
    const x = ad.tensor([2, 0, 5, -1]);
    expectNear(arr(ad.grad((z: Tensor) => z.prod())(x)), prodGradient([2, 0, 5, -1]), 0);
    const viaMethod = ad.hessian((z: Tensor) => z.prod())(ad.tensor([2, 0, 3, 0])).toArray();
    expect(viaMethod).toEqual(ad.hessian((z: Tensor) => ad.prod(z))(ad.tensor([2, 0, 3, 0])).toArray());
    const w = ad.tensor([1, -1, 2, 0.5]);
    const g = (f: (z: Tensor) => Tensor) => arr(ad.grad((z: Tensor) => ad.sum(ad.mul(f(z), w)))(x));
    expect(g((z) => z.cumprod(0, { exclusive: true }))).toEqual(g((z) => ad.cumprod(z, 0, { exclusive: true })));
  });

  it('are listed with the other method names', () => {
    expect(ad.tensorMethodNames).toContain('prod');
    expect(ad.tensorMethodNames).toContain('cumprod');
    expect(ad.tensorMethodNames).toContain('sum');
    expect(new Set(ad.tensorMethodNames).size).toBe(ad.tensorMethodNames.length);
  });
});
