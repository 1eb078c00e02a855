/** @file i0, i0e, i1, i1e and the Hurwitz zeta function against mpmath (references.ts), with their derivatives. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { BESSEL, ZETA } from './references.js';
import { gradAt, relErr } from './support.js';

const S = ad.special;

describe('modified Bessel functions', () => {
  it.each(BESSEL)('at x = %d', (x, i0, i1, i0e, i1e) => {
    if (Math.abs(x) <= 700) {
      expect(relErr(S.i0(x).item(), i0)).toBeLessThan(6e-16);
      expect(relErr(S.i1(x).item(), i1)).toBeLessThan(2e-15);
    }
    expect(relErr(S.i0e(x).item(), i0e)).toBeLessThan(6e-16);
    expect(relErr(S.i1e(x).item(), i1e)).toBeLessThan(2e-15);
    // I₀′ = I₁, I₁′ = I₀ − I₁/x, (e^{−|x|}I₀)′ = e^{−|x|}(I₁ − sign x I₀).
    if (Math.abs(x) <= 700) expect(relErr(gradAt(S.i0, [x], 0), i1)).toBeLessThan(2e-15);
    expect(relErr(gradAt(S.i0e, [x], 0), i1e - Math.sign(x) * i0e)).toBeLessThan(1e-13);
    expect(relErr(gradAt(S.i1e, [x], 0), i0e - i1e / x - Math.sign(x) * i1e)).toBeLessThan(1e-13);
  });

  it('has the limits at 0 and ±∞, and is even/odd', () => {
    expect(S.i0(ad.tensor([0, -Infinity])).toArray()).toEqual([1, Infinity]);
    expect(S.i1e(ad.tensor([0, Infinity, -Infinity])).toArray()).toEqual([0, 0, 0]);
    expect(gradAt(S.i1, [0], 0)).toBe(0.5);
    expect(gradAt(S.i1e, [0], 0)).toBe(0.5);
    expect(gradAt((x) => ad.grad(S.i1)(x), [0], 0)).toBe(0); // I₁″(0) = 0, no 0/0
    expect(S.i1(-2.5).item()).toBe(-S.i1(2.5).item());
    expect(relErr(S.i0(713).item(), 6.705128263670997e307)).toBeLessThan(1e-15); // e^{713} overflows, I₀(713) does not (mpmath)
  });
});

describe('zeta', () => {
  it.each(ZETA)('ζ(%d, %d) and ∂/∂q', (s, q, want, dq) => {
    expect(relErr(S.zeta(s, q).item(), want)).toBeLessThan(1e-15 * (q < 0 ? 50 : 1));
    // At q = −2.5, ∂/∂q = −6 ζ(7, q) sums terms of both signs (−2.5⁻⁷ … +0.5⁻⁷ …) cancelling 1e5-fold.
    expect(relErr(gradAt((qq) => S.zeta(s, qq), [q], 0), dq)).toBeLessThan(q < 0 ? 1e-10 : 2e-15);
  });

  it('has Cephes\' and JAX\'s domain, and refuses the s-derivative', () => {
    expect(S.zeta(ad.tensor([1, 0.5, 2, 2, 2.5]), ad.tensor([1, 1, 0, -3, -1.5])).toArray()).toEqual([Infinity, NaN, Infinity, Infinity, NaN]);
    expect(relErr(S.zeta(2, 1).item(), Math.PI ** 2 / 6)).toBeLessThan(3e-16);
    expect(() => ad.grad((s: ad.Tensor) => S.zeta(s, 1))(ad.scalar(2))).toThrow(/zeta: no derivative in operand 0: the derivative of the Hurwitz zeta function in s/);
  });
});
