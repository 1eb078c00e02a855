/** @file betainc against mpmath (references.ts): values near x = 0 and 1, and its derivatives in a, b and x. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { BETAINC } from './references.js';
import { gradAt, relErr } from './support.js';

const S = ad.special;

describe('betainc', () => {
  // The prefactor x^a (1−x)^b/(a B(a,b)) is exp of a sum of size ~ a|log x| + b|log(1−x)|: its
  // rounding bounds the relative error; the complement (x past (a+1)/(a+b+2)) costs direct/complement.
  const bound = (a: number, b: number, x: number) => 4e-16 * Math.max(8, a * Math.abs(Math.log(x)) + b * Math.abs(Math.log1p(-x)));

  it.each(BETAINC)('I at a = %d, b = %d, x = %d', (a, b, x, want) => {
    const complement = x >= (a + 1) / (a + b + 2);
    // Past a + b = 20 the prefactor is Loader's binomial form (no cancellation): the fraction's own
    // rounding, growing like its length √(a + b), is what is left.
    const tol = a + b >= 20 ? 4e-16 * Math.max(8, Math.sqrt(a + b)) : bound(a, b, x);
    expect(relErr(S.betainc(a, b, x).item(), want)).toBeLessThan(tol * (complement ? Math.max(1, (1 - want) / want) : 1));
  });

  it.each(BETAINC)('∂/∂a, ∂/∂b, ∂/∂x at a = %d, b = %d, x = %d', (a, b, x, _i, da, db, dx) => {
    const tol = 4 * bound(a, b, x) + 1e-15;
    expect(relErr(gradAt(S.betainc, [a, b, x], 0), da)).toBeLessThan(tol);
    expect(relErr(gradAt(S.betainc, [a, b, x], 1), db)).toBeLessThan(tol);
    expect(relErr(gradAt(S.betainc, [a, b, x], 2), dx)).toBeLessThan(tol);
  });

  it('has the closed forms and SciPy\'s edges', () => {
    const x = ad.tensor([0, 0.25, 0.5, 1]);
    expect(S.betainc(1, 1, x).toArray()).toEqual([0, 0.25, 0.5, 1]);
    // I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
    expect(relErr(S.betainc(3.5, 1, 0.3).item(), 0.3 ** 3.5)).toBeLessThan(1e-15);
    expect(relErr(S.betainc(1, 2.5, 0.3).item(), 1 - 0.7 ** 2.5)).toBeLessThan(1e-15);
    expect(S.betainc(ad.tensor([0, 1, 1, -1]), ad.tensor([1, 0, 1, 1]), ad.tensor([0.5, 0.5, 1.5, 0.5])).toArray()).toEqual([NaN, NaN, NaN, NaN]);
  });

  it('checks against finite differences in every argument, and refuses second order in a and b', () => {
    const r = ad.checkGrad((a: ad.Tensor, b: ad.Tensor, x: ad.Tensor) => S.betainc(a, b, x),
      [ad.tensor([0.7, 3, 12]), ad.tensor([2, 0.4, 9]), ad.tensor([0.3, 0.9, 0.6])], { order: 1 });
    expect(r.ok).toBe(true);
    const g = ad.grad((b: ad.Tensor) => S.betainc(2, b, 0.4));
    expect(() => ad.grad(g)(ad.scalar(3))).toThrow(/betaincGradB: no derivative in operand 1: second derivatives of betainc in a and b/);
  });
});
