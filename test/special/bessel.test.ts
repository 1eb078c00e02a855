/** @file i0, i0e, i1, i1e and the Hurwitz zeta function against mpmath (references.ts), with their derivatives. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { BESSEL, ZETA } from './references.js';
import { BESSEL_SCALED_DERIVATIVES } from './besselDerivativeReferences.js';
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
  });

  // i0e′ = i1e − sign(x)·i0e cancels to about 1/(2|x|) of either term: as that difference the first
  // derivative was 1e−8 off at x = 1e8 and the second 127 %. Every order now within a few ulp.
  it.each(BESSEL_SCALED_DERIVATIVES)('d/dx of e^{−|x|}I_%d, order %d, at x = %d', (nu, m, x, want) => {
    let f: (t: ad.Tensor) => ad.Tensor = nu === 0 ? S.i0e : S.i1e;
    for (let i = 0; i < m; i++) f = ad.grad(f);
    expect(relErr(f(ad.scalar(x)).item(), want)).toBeLessThan(2e-14);
    // forward mode takes the same rule
    const [, tangent] = ad.jvp(nu === 0 ? S.i0e : S.i1e, [ad.scalar(x)], [ad.scalar(1)]);
    if (m === 1) expect(relErr(tangent.item(), want)).toBeLessThan(2e-14);
  });

  it('has the limits at 0 and ±∞, and is even/odd', () => {
    expect(S.i0(ad.tensor([0, -Infinity])).toArray()).toEqual([1, Infinity]);
    expect(S.i1e(ad.tensor([0, Infinity, -Infinity])).toArray()).toEqual([0, 0, 0]);
    expect(gradAt(S.i1, [0], 0)).toBe(0.5);
    expect(gradAt(S.i1e, [0], 0)).toBe(0.5);
    // At the kink of |x|, the mean of the one-sided derivatives: i0e′(0) = 0, i0e″(0) = 3/2 (1 − |x| + 3x²/4 + …).
    expect(gradAt(S.i0e, [0], 0)).toBe(0);
    expect(relErr(gradAt((x) => ad.grad(S.i0e)(x), [0], 0), 1.5)).toBeLessThan(1e-15);
    expect(gradAt((x) => ad.grad(S.i1e)(x), [0], 0)).toBe(0);
    expect(ad.grad((x: ad.Tensor) => ad.sum(S.i0e(x)))(ad.tensor([NaN, Infinity, -Infinity])).toArray()).toEqual([NaN, 0, 0]);
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
