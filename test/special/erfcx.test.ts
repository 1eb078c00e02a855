/**
 * @file ad.special.erfcx and its derivatives of every order against mpmath (erfcxReference.ts) in each of its kernel's
 * regimes, beside SciPy's values and PyTorch's derivative (which cancels for large x: the reason erfcx′ is its own kernel).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { erfcxReference } from './erfcxReference.js';
import { relErr } from './support.js';

const S = ad.special;
/** The n-th derivative of erfcx at x by n nested grads. */
const nth = (n: number, x: number) => {
  let f = (t: Tensor) => ad.sum(S.erfcx(t));
  for (let k = 0; k < n; k++) { const g = f; f = (t: Tensor) => ad.sum(ad.grad(g)(t)); }
  return f(ad.scalar(x)).item();
};

describe('special.erfcx', () => {
  it.each(erfcxReference)('at %d: the value within 5 ulp, derivatives 1–6 within 8 ulp (mpmath)', (x, want, scipy) => {
    const ulp = 2 ** -52;
    if (Number.isFinite(want[0]!)) {
      expect(relErr(S.erfcx(x).item(), want[0]!)).toBeLessThanOrEqual(5 * ulp);
      if (x > -26) expect(relErr(S.erfcx(x).item(), scipy)).toBeLessThanOrEqual(6 * ulp); // SciPy's own error grows to ~500 ulp by −26.6
    }
    for (let n = 1; n <= 6; n++) {
      if (!Number.isFinite(want[n]!)) continue;
      expect(relErr(nth(n, x), want[n]!), `order ${n}`).toBeLessThanOrEqual(8 * ulp);
    }
  });

  it("keeps the derivative's digits where PyTorch's 2x·erfcx − 2/√π cancels", () => {
    for (const [x, want, , torch] of erfcxReference) {
      const ours = nth(1, x);
      if (x >= 1e8) {
        expect(torch).toBe(0); // every digit lost
        expect(relErr(ours, want[1]!)).toBeLessThan(1e-15);
      }
    }
  });

  it('at the edges: erfcx(0) = 1, ±∞, NaN, overflow below −26.63, and forward mode agrees with reverse', () => {
    expect(S.erfcx(ad.tensor([0, Infinity, -Infinity, NaN, -26.7, 1e300])).toArray()).toEqual([1, 0, Infinity, NaN, Infinity, 0.5641895835477563 / 1e300]);
    // Finite up to where 2e^{x²} overflows (|x| = 26.6287357…; mpmath 1.7752669187702093e308 at −26.6285, 1.7971461802012608e308 at −26.62873).
    expect(relErr(S.erfcx(-26.6285).item(), 1.7752669187702093e308)).toBeLessThan(1e-13);
    expect(relErr(S.erfcx(-26.62873).item(), 1.7971461802012608e308)).toBeLessThan(1e-13);
    expect(S.erfcx(-26.62874).item()).toBe(Infinity);
    const [atInf, atMinusInf, atNaN] = ad.grad((t: Tensor) => ad.sum(S.erfcx(t)))(ad.tensor([Infinity, -Infinity, NaN])).toFloat64Array();
    expect([atInf === 0, atMinusInf, atNaN]).toEqual([true, -Infinity, NaN]);
    const x = ad.tensor([-2, 0.3, 0.8, 40]);
    const [, tangent] = ad.jvp((t: Tensor) => S.erfcx(t), [x], [ad.ones([4])]);
    expect(tangent.toArray()).toEqual(ad.grad((t: Tensor) => ad.sum(S.erfcx(t)))(x).toArray());
  });

  it('satisfies y′ = 2x·y − 2/√π and, for x ≪ 0, erfcx(x) = 2e^{x²} − erfcx(−x) (property)', () => {
    fc.assert(fc.property(fc.double({ min: -5, max: 5, noNaN: true }), (x) => {
      const y = S.erfcx(x).item(), d1 = nth(1, x);
      expect(Math.abs(d1 - (2 * x * y - 2 / Math.sqrt(Math.PI)))).toBeLessThan(1e-14 * Math.max(1, Math.abs(x * y)));
      if (x < -1) expect(relErr(y, 2 * Math.exp(x * x) - S.erfcx(-x).item())).toBeLessThan(1e-13 * x * x);
    }));
  });
});
