/** @file gammainc, gammaincc, betaln and multigammaln against mpmath (references.ts), with their derivatives. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { BETALN, GAMMAINC } from './references.js';
import { gradAt, relErr } from './support.js';

const S = ad.special;

describe('gammainc and gammaincc', () => {
  it.each(GAMMAINC)('P and Q at a = %d, x = %d', (a, x, p, q) => {
    // The prefactor x^a e^{−x}/Γ(a+1) is exp of a number of size ~|log min(P, Q)|: its rounding is
    // the bound. The series (x < a + 1) gives P, the fraction Q, and the other is 1 minus it, at a
    // cost of a factor direct/complement — but where that would cost Q digits (x ≤ 1.1, small a) Q
    // has its own series, so Q is always direct (gammaincc(0.001, 0.001) = 0.0063 to 1e-16).
    const tol = 4e-16 * Math.max(8, -Math.log(Math.min(p, q)));
    const series = x < a + 1;
    expect(relErr(S.gammainc(a, x).item(), p)).toBeLessThan(tol * (series ? 1 : Math.max(1, q / p)));
    expect(relErr(S.gammaincc(a, x).item(), q)).toBeLessThan(tol); // direct: the fraction, or Q's own series below x = 1.1
  });

  it.each(GAMMAINC)('∂/∂a and ∂/∂x at a = %d, x = %d', (a, x, p, q, dpda, dpdx) => {
    // ∂P/∂a for a = 1e4 sums ~1e3 terms of both signs: 1e-13 there.
    const tol = 1e-15 * Math.max(8, -Math.log(Math.min(p, q))) * (a > 1000 ? 20 : 1);
    expect(relErr(gradAt(S.gammainc, [a, x], 0), dpda)).toBeLessThan(tol);
    expect(relErr(gradAt(S.gammaincc, [a, x], 0), -dpda)).toBeLessThan(tol);
    // ∂/∂x is the density from P's own prefactor (JAX's lgamma form loses |a log x| ulps: 1e-11 at a = 1e4).
    expect(relErr(gradAt(S.gammainc, [a, x], 1), dpdx)).toBeLessThan(4e-16 * Math.max(8, -Math.log(Math.min(p, q))));
    expect(relErr(gradAt(S.gammaincc, [a, x], 1), -dpdx)).toBeLessThan(4e-16 * Math.max(8, -Math.log(Math.min(p, q))));
  });

  it('has SciPy\'s edge values', () => {
    expect(S.gammainc(ad.tensor([2, 2, 2, -1, 0, 2]), ad.tensor([0, Infinity, -1, 1, 0, NaN])).toArray()).toEqual([0, 1, NaN, NaN, NaN, NaN]);
    expect(S.gammaincc(2, 0).item()).toBe(1);
    // The ends of a, as SciPy 1.10's and PyTorch's igam/igamc (printed there): P(0, x > 0) = 1, P(∞, x < ∞) = 0;
    // P(0, 0) and P(∞, ∞) NaN. (They were NaN for every a = 0 and a = ∞.)
    const xs = ad.tensor([1e-300, 1e-10, 0.5, 30, 1e10, Infinity]);
    expect(S.gammainc(0, xs).toArray()).toEqual([1, 1, 1, 1, 1, 1]);
    expect(S.gammaincc(0, xs).toArray()).toEqual([0, 0, 0, 0, 0, 0]);
    expect(S.gammainc(Infinity, ad.tensor([0, 1e-300, 0.5, 30, 1e10, Infinity])).toArray()).toEqual([0, 0, 0, 0, 0, NaN]);
    expect(S.gammaincc(Infinity, ad.tensor([0, 1e-300, 0.5, 30, 1e10, Infinity])).toArray()).toEqual([1, 1, 1, 1, 1, NaN]);
    expect(S.gammaincc(0, 0).item()).toBeNaN();
    // Their derivatives: in x, 0 (the functions are constant there); in a at a = 0, the one-sided
    // −E₁(x) (Q(a, x) ~ a·E₁(x) as a → 0⁺), against a forward difference; at a = ∞, 0.
    for (const x of [0.5, 2, 30]) {
      expect(gradAt(S.gammainc, [0, x], 1)).toBe(0);
      expect(Math.abs(gradAt(S.gammaincc, [Infinity, x], 1))).toBe(0);
      expect(gradAt(S.gammainc, [Infinity, x], 0)).toBe(0);
      const h = 1e-8, forward = (S.gammainc(h, x).item() - 1) / h;
      expect(gradAt(S.gammainc, [0, x], 0)).toBe(-S.exp1(x).item());
      expect(relErr(gradAt(S.gammainc, [0, x], 0), forward)).toBeLessThan(1e-6);
    }
    expect(relErr(S.gammaincc(10, 100).item(), 1.1253473960842734e-31)).toBeLessThan(4e-14); // mpmath; not 1 − P = 0
  });

  it('broadcasts and keeps the first order in a checkable by finite differences', () => {
    expect(S.gammainc(ad.tensor([[1], [2]]), ad.tensor([0.5, 1, 3])).shape).toEqual([2, 3]);
    const r = ad.checkGrad((a: ad.Tensor, x: ad.Tensor) => S.gammainc(a, x), [ad.tensor([0.7, 3, 12]), ad.tensor([1.1, 2.5, 14])], { order: 1 });
    expect(r.ok).toBe(true);
  });

  it('refuses the second derivative in a, as JAX', () => {
    const g = ad.grad((a: ad.Tensor) => S.gammainc(a, 2));
    expect(() => ad.grad(g)(ad.scalar(1.5))).toThrow(/gammaincGradA: no derivative in operand 0: the second derivative of gammainc in a/);
    expect(ad.grad(ad.grad((x: ad.Tensor) => S.gammainc(1.5, x)))(ad.scalar(2)).item()).toBeCloseTo(Math.exp(-2) * (0.5 / 2 - 1) * Math.sqrt(2) / 0.886226925452758, 14);
  });
});

describe('betaln and multigammaln', () => {
  it.each(BETALN)('betaln(%d, %d)', (a, b, want, dA) => {
    expect(relErr(S.betaln(a, b).item(), want)).toBeLessThan(4e-16 * Math.max(1, Math.abs(Math.log(a + b))));
    expect(relErr(S.betaln(b, a).item(), want)).toBeLessThan(4e-16 * Math.max(1, Math.abs(Math.log(a + b))));
    // ψ(a) − ψ(a + b) by two digammas: cancels when b ≪ a (absolute error ~ ε·ψ(a)).
    expect(Math.abs(gradAt(S.betaln, [a, b], 0) - dA)).toBeLessThan(1e-15 * Math.max(Math.abs(dA), Math.abs(Math.log(a)) * 4, 1 / a));
  });

  it('second derivatives ψ′(a) − ψ′(a + b) keep their digits for b ≪ a (mpmath at 90 digits); two trigammas lost them', () => {
    const second = (f: (a: ad.Tensor) => ad.Tensor, a: number) => ad.grad(ad.grad(f))(ad.scalar(a)).item();
    const cases: Array<[number, number, number]> = [
      [1e10, 1e-6, 1.0000000000999999e-26], [1e12, 1e-6, 1.000000000001e-30], [1e9, 1e-8, 1.000000001e-26],
      [1e6, 1e-6, 1.0000009999995e-18], [25, 1e-9, 1.665279318354526e-12], [3.7, 2.5, 0.13504450786297569], [0.4, 0.7, 5.8420574397368379],
    ];
    for (const [a, b, want] of cases) {
      expect(relErr(second((x) => S.betaln(x, b), a), want), `betaln at ${a}, ${b}`).toBeLessThan(1e-14);
      expect(relErr(second((x) => S.betaln(b, x), a), want), `betaln in its second argument`).toBeLessThan(1e-14);
    }
    // ∂²/∂z² poch(z, m) at z = 1e10, m = 1e−6 (mpmath.diff of rf at 90 digits); it was −2.585e−26
    expect(relErr(second((z) => S.poch(z, 1e-6), 1e10), -1.0000220261930028e-26)).toBeLessThan(1e-12);
  });

  it('multigammaln is the sum of lgammas plus d(d−1)/4 log π', () => {
    const want = (d: number, a: number) => {
      let s = (d * (d - 1) / 4) * Math.log(Math.PI);
      for (let j = 1; j <= d; j++) s += ad.lgamma(a + (1 - j) / 2).item();
      return s;
    };
    expect(relErr(S.multigammaln(3.7, 3).item(), want(3, 3.7))).toBeLessThan(1e-15);
    expect(S.multigammaln(2, 1).item()).toBe(0);
    expect(() => S.multigammaln(2, 0)).toThrow(/multigammaln: the dimension d must be a positive integer/);
  });
});
