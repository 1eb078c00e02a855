/**
 * @file sparsePlus, sparseSigmoid and squareplus (jax.nn's): values and derivatives against their
 * definitions (mpmath at 50 digits for squareplus, through the cancellation-free form b/(2(√(x²+b) − x))
 * below 0), sparseSigmoid as sparsePlus's derivative, checkGrad to second order, vmap, errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from '../src/index.js';

const close = (got: number, want: number, ulps = 4) => expect(Math.abs(got - want)).toBeLessThanOrEqual(ulps * 1.12e-16 * Math.abs(want));

describe('squareplus', () => {
  // x, b, value, derivative (mpmath, 50 digits)
  const MPMATH: Array<[number, number, number, number]> = [
    [-1e200, 4, 1e-200, 0],
    [-1e8, 4, 9.999999999999999e-9, 9.999999999999997e-17],
    [-3, 4, 0.3027756377319947, 0.08397485283107815],
    [-0.5, 4, 0.7807764064044151, 0.3787321874818335],
    [0.7, 4, 1.4094810050208546, 0.6651752123640531],
    [1e160, 4, 1e160, 1],
    [-2.5, 0.3, 0.029648389206972745, 0.011584584272147806],
  ];
  it.each(MPMATH)('at x = %s, b = %s: value and derivative as mpmath', (x, b, value, slope) => {
    close(ad.squareplus(x, b).item(), value);
    close(ad.grad((t: ad.Tensor) => ad.squareplus(t, b))(ad.scalar(x)).item(), slope);
  });

  it('is relu at b = 0, its second derivative is b/(2(x² + b)^{3/2}), and b < 0 is refused', () => {
    expect(ad.squareplus(ad.tensor([-2, 0, 3]), 0).toArray()).toEqual([0, 0, 3]);
    close(ad.grad(ad.grad((t: ad.Tensor) => ad.squareplus(t)))(ad.scalar(1.5)).item(), 4 / (2 * (1.5 ** 2 + 4) ** 1.5));
    expect(() => ad.squareplus(1, -1)).toThrow(/squareplus: b must be a finite number ≥ 0/);
  });
});

describe('sparsePlus and sparseSigmoid', () => {
  const xs = ad.tensor([-3, -1, -0.5, 0, 0.25, 1, 4]);
  it('their definitions, piece by piece', () => {
    expect(ad.sparsePlus(xs).toArray()).toEqual([0, 0, 0.0625, 0.25, 0.390625, 1, 4]);
    expect(ad.sparseSigmoid(xs).toArray()).toEqual([0, 0, 0.25, 0.5, 0.625, 1, 1]);
  });

  it('sparseSigmoid is sparsePlus\'s derivative at every point, the kinks included', () => {
    const g = ad.grad((t: ad.Tensor) => ad.sum(ad.sparsePlus(t)))(xs).toArray();
    expect(g).toEqual(ad.sparseSigmoid(xs).toArray());
    expect(ad.grad((t: ad.Tensor) => ad.sum(ad.sparseSigmoid(t)))(xs).toArray()).toEqual([0, 0, 0.5, 0.5, 0.5, 0, 0]);
  });

  it('checkGrad to second order away from the kinks, and vmap', () => {
    const at = ad.tensor([-0.6, 0.1, 0.8, 2.5, -4]);
    for (const f of [ad.sparsePlus, ad.sparseSigmoid, (t: ad.Tensor) => ad.squareplus(t, 2)]) {
      expect(ad.checkGrad((t: ad.Tensor) => ad.sum(ad.mul(f(t), ad.sin(t))), [at], { order: 2 }).ok).toBe(true);
      const m = ad.vmap(f)(ad.reshape(at, [5, 1]));
      expect(ad.reshape(m, [5]).toArray()).toEqual(f(at).toArray());
    }
  });
});
