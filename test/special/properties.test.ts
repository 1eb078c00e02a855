/**
 * @file Properties of the incomplete gamma and beta functions over random arguments (fast-check):
 * P + Q = 1, the symmetry I_x(a, b) = 1 − I_{1−x}(b, a), monotonicity, and the parameter
 * derivatives (dual-number continued fractions, term-by-term series) against central differences.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { gradAt } from './support.js';

const S = ad.special;
/** Central difference of f at v with step h·max(1, |v|) (error O(h²)). */
const central = (f: (v: number) => number, v: number, h = 1e-6) => {
  const d = h * Math.max(1, Math.abs(v));
  return (f(v + d) - f(v - d)) / (2 * d);
};
/** Within 1e-6 of `scale`: the central difference's own truncation and rounding error. */
const near = (got: number, want: number, scale: number) => Math.abs(got - want) <= 1e-6 * Math.max(scale, 1e-300);

describe('incomplete gamma (fast-check)', () => {
  it('P + Q = 1, P increases in x and decreases in a, and ∂P/∂a matches central differences', () => {
    fc.assert(fc.property(fc.double({ min: 0.05, max: 200, noNaN: true }), fc.double({ min: 1e-3, max: 300, noNaN: true }), (a, x) => {
      const p = S.gammainc(a, x).item(), q = S.gammaincc(a, x).item();
      if (!(Math.abs(p + q - 1) <= 4e-16 * 4)) return false;
      if (S.gammainc(a, x * 1.01).item() < p || S.gammainc(a * 1.01, x).item() > p) return false;
      const da = gradAt(S.gammainc, [a, x], 0);
      // Difference the smaller of P and Q (∂Q/∂a = −∂P/∂a), whose rounding is smaller.
      const fd = p < q ? central((t) => S.gammainc(t, x).item(), a) : -central((t) => S.gammaincc(t, x).item(), a);
      return da <= 0 && near(da, fd, Math.max(Math.abs(fd), 1e-9 * Math.min(p, q)));
    }), { numRuns: 300, seed: 21 });
  });
});

describe('incomplete beta (fast-check)', () => {
  it('I_x(a, b) = 1 − I_{1−x}(b, a), and ∂I/∂a, ∂I/∂b match central differences', () => {
    fc.assert(fc.property(
      fc.double({ min: 0.05, max: 80, noNaN: true }), fc.double({ min: 0.05, max: 80, noNaN: true }), fc.double({ min: 1e-4, max: 1 - 1e-4, noNaN: true }),
      (a, b, x) => {
        const i = S.betainc(a, b, x).item();
        // 1 − x is rounded (by up to ε/2 · x): that moves I by ∂I/∂x times it.
        const slack = 1e-15 + 1.2e-16 * Math.abs(gradAt(S.betainc, [a, b, x], 2));
        if (!(Math.abs(i - (1 - S.betainc(b, a, 1 - x).item())) <= 4 * slack)) return false;
        const da = gradAt(S.betainc, [a, b, x], 0), db = gradAt(S.betainc, [a, b, x], 1);
        // Difference the smaller of I and 1 − I = I_{1−x}(b, a), whose rounding is smaller.
        const low = i < 0.5;
        const fa = low ? central((t) => S.betainc(t, b, x).item(), a) : -central((t) => S.betainc(b, t, 1 - x).item(), a);
        const fb = low ? central((t) => S.betainc(a, t, x).item(), b) : -central((t) => S.betainc(t, a, 1 - x).item(), b);
        const floor = 1e-9 * (Math.min(i, 1 - i) + 1e-300);
        return da <= 0 && db >= 0 && near(da, fa, Math.max(Math.abs(fa), floor)) && near(db, fb, Math.max(Math.abs(fb), floor));
      }), { numRuns: 300, seed: 23 });
  });

  it('reaches 0 and 1 at the ends of [0, 1] with finite derivatives in a and b', () => {
    expect(S.betainc(ad.tensor([2, 2]), 3, ad.tensor([0, 1])).toArray()).toEqual([0, 1]);
    expect(gradAt(S.betainc, [2, 3, 1], 0)).toBe(0);
  });
});
