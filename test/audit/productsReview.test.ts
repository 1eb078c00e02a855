/**
 * @file Audit regressions for products, cumulative products and signed log-space numbers, each
 * against exact rational arithmetic (Python's fractions over the float64 inputs, values fixed here).
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const pullback = (f: (z: ad.Tensor) => ad.Tensor, x: ad.Tensor, g: ad.Tensor): number[] =>
  Array.from(ad.vjp(f, x)[1](g)[0]!.toFloat64Array());

describe('prod gradient: the cotangent scales the leave-one-out products without leaving the range', () => {
  // x̄_i = ḡ · L_i was computed as ḡ · (y / x_i): y / x_i overflows where ḡ · L_i is finite.
  it('a strided axis (the product down a column) with a small cotangent', () => {
    // Column 0 is [1e-300, 1e300, 1e10]: L_0 = 1e310, ḡ = 1e-300, so x̄_0 = 1e10 (was ∞).
    const x = ad.tensor([[1e-300, 2], [1e300, 2], [1e10, 2]]);
    const g = pullback((z) => ad.prod(z, 0), x, ad.tensor([1e-300, 1]));
    // Exact: float(F(1e-300)·F(1e300)·F(1e10)) = 1e10; ḡ·L_1 = 1e-300·1e-290 underflows to 0.
    expect(g[0]! / 1e10 - 1).toBeLessThan(4e-16);
    expect(g[0]! / 1e10 - 1).toBeGreaterThan(-4e-16);
    expect(g[2]).toBe(0);
    expect(g[4]).toBe(1e-300); // ḡ · (1e-300 · 1e300) = 1e-300 · 1.0000000000000000x, rounded
    expect([g[1], g[3], g[5]]).toEqual([4, 4, 4]);
  });

  it('a contiguous row with a subnormal cotangent (ḡ · y underflows)', () => {
    // ḡ = 1e-320 (subnormal, 9.999888671826831e-321 as stored), y = 1e10: ḡ·y underflows, and
    // ḡ · (y / x_0) = ḡ · ∞ gave ∞; exact ḡ · x_1 · x_2 = 9.999888671826831e-11.
    const g = pullback((z) => ad.prod(z), ad.tensor([1e-300, 1e300, 1e10]), ad.tensor(1e-320));
    expect(g[0]).toBe(9.999888671826831e-11);
    expect(g[1]).toBe(0);
    expect(g[2]).toBe(1e-320);
  });

  it('a row with an infinite factor whose other factors leave the range and come back', () => {
    // x = [∞, 1e300, 1e300, 1e-300, 1e-300]: L_0 = 1e300·1e300·1e-300·1e-300 = 1 (exactly
    // 1.0000000000000002 in float64 products of these doubles, rounded), L_i = ∞ for i ≥ 1.
    // Plain suffix products underflowed to 0: L_0 was 0 and L_1, L_2 were ∞ · 0 = NaN.
    const x = ad.tensor([Infinity, 1e300, 1e300, 1e-300, 1e-300]);
    const g = ad.grad((z: ad.Tensor) => ad.prod(z))(x).toArray() as number[];
    expect(Math.abs(g[0]! - 1)).toBeLessThan(1e-15);
    expect(g.slice(1)).toEqual([Infinity, Infinity, Infinity, Infinity]);
    // With a zero as well, the IEEE products: L_0 = 0, L at the zero = ∞ · (finite) = ∞, others ∞ · 0 = NaN.
    const z = ad.grad((w: ad.Tensor) => ad.prod(w))(ad.tensor([Infinity, 1e300, 0, 1e-300, 1e-300])).toArray() as number[];
    expect(z[0]).toBe(0);
    expect(z[2]).toBe(Infinity);
    expect([z[1], z[3], z[4]].every(Number.isNaN)).toBe(true);
  });
});

describe('cumprod gradient: e_k and s_k out of range, their product in range', () => {
  const close = (got: number[], want: number[]) =>
    got.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(4e-16 * Math.abs(want[i]!)));

  it('inclusive, from the start: ∂c₄/∂x₀ = x₁x₂x₃x₄ = 1e300 (was ∞), ∂c₄/∂x₂ = 1e-200 (was 0)', () => {
    // Exact (Python fractions over these doubles): Σ_m ḡ_m e_k Π_{k<j≤m} x_j, rounded once.
    const x = ad.tensor([1e-300, 1e-300, 1e200, 1e200, 1e200]);
    const want = [9.999999999999999e299, 9.999999999999999e299, 1e-200, 1e-200, 1e-200];
    close(pullback((z) => ad.cumprod(z, 0), x, ad.tensor([0, 0, 0, 0, 1])), want);
    close(pullback((z) => ad.cumprod(z, 0), x, ad.tensor([1, -2, 0.5, 3, 1])), want);
    // The last output is the product: its gradient is prod's.
    close(Array.from(ad.grad((z: ad.Tensor) => ad.prod(z))(x).toFloat64Array()), want);
  });

  it('overflow first, then back', () => {
    const x = ad.tensor([1e300, 1e300, 1e-300, 1e-300, 2]);
    close(pullback((z) => ad.cumprod(z, 0), x, ad.tensor([0, 0, 0, 0, 1])), [2e-300, 2e-300, 2.0000000000000004e300, 2.0000000000000004e300, 1.0000000000000002]);
  });

  it('exclusive and reversed', () => {
    // e_0 = x₁ ⋯ x₅ = 1: its gradient is [0, 1e300, 1e300, 1e-200, 1e-200, 1e-200].
    const x = ad.tensor([1, 1e-300, 1e-300, 1e200, 1e200, 1e200]);
    close(pullback((z) => ad.cumprod(z, 0, { exclusive: true, reverse: true }), x, ad.tensor([1, 0, 0, 0, 0, 0])), [0, 9.999999999999999e299, 9.999999999999999e299, 1e-200, 1e-200, 1e-200]);
  });
});

describe('logAbsProd: log|Π x| to n roundings of the product, not to an ulp of the scaled pieces', () => {
  // log p + e·ln 2 with p ≈ 10⁶⁰ and e = −200 added two terms near ±140 that cancel to about 3:
  // 9 and 36 ulps off. The exact values are mpmath's log|Π x_i| over these doubles (300 bits).
  it.each([
    [[1.2548230510332758e-180, 1.8112429131385436e45, 8.810028380335944e44, -3.7456293138959183e45, -2.4530061754620397e45], 2.912217364463747],
    [[7.462787791932196e-217, -1.9338474987780993e71, 4.1890754186201093e71, -4.07707140929527e71], -3.7030408031365716],
  ])('%j', (x, want) => {
    const got = ad.logAbsProd(ad.tensor(x)).logAbs.item();
    expect(Math.abs(got - want)).toBeLessThanOrEqual((x.length + 2) * 2 ** -53 + 2 ** -53 * Math.abs(want));
  });
});

describe('SignedLog.sum: a term of sign 0 is an exact zero whatever its log-magnitude', () => {
  it('its weight in the gradient of logAbs is 0, not 0 · e^{l − L} = 0 · ∞ = NaN', () => {
    const grad = (s: number[], l: number[]) =>
      ad.grad((t: ad.Tensor) => new ad.SignedLog(ad.tensor(s), t).sum().logAbs)(ad.tensor(l)).toArray() as number[];
    expect(grad([0, 1], [1e308, 0])).toEqual([0, 1]);
    // S = e⁰ − e⁻¹: the weights are 1/(1 − e⁻¹) and −e⁻¹/(1 − e⁻¹).
    const g = grad([0, 1, -1], [800, 0, -1]);
    expect(g[0]).toBe(0);
    expect(g[1]).toBeCloseTo(1 / (1 - Math.exp(-1)), 14);
    expect(g[2]).toBeCloseTo(-Math.exp(-1) / (1 - Math.exp(-1)), 14);
  });

  it('nor does it set the scale of the derivative where the sum cancels exactly', () => {
    // 0·e¹⁰⁰⁰ + e^{l₁} − e^{l₂} at l = [0, 0]: the value is 0, its derivative [1, −1] (as without the
    // zero term); the zero term's 1000 scaled the others to e^{−1000} = 0, giving [0, 0].
    const f = (l: ad.Tensor) => new ad.SignedLog(ad.tensor([0, 1, -1]), ad.concat([ad.tensor([1000]), l], 0)).sum().toTensor();
    expect(f(ad.tensor([0, 0])).item()).toBe(0);
    expect(ad.grad(f)(ad.tensor([0, 0])).toArray()).toEqual([1, -1]);
  });
});

describe('SignedLog.toTensor: sign 0 is zero whatever finite or infinite logAbs it holds', () => {
  it('0 · e⁸⁰⁰ is 0, not 0 · ∞ = NaN; a NaN logAbs stays NaN', () => {
    expect(new ad.SignedLog(0, 800).toTensor().item()).toBe(0);
    expect(new ad.SignedLog(0, Infinity).toTensor().item()).toBe(0);
    expect(new ad.SignedLog(-1, 800).toTensor().item()).toBe(-Infinity);
    expect(new ad.SignedLog(0, NaN).toTensor().item()).toBeNaN();
    // The product of the SignedLogs of 0 and 1e300·1e300 (log-magnitude 1381.55…): 0 · e^{1381.55} = 0.
    const product = ad.SignedLog.fromTensor(0).mul(new ad.SignedLog(1, 2 * Math.log(1e300)));
    expect(product.toTensor().item()).toBe(0);
    expect(ad.grad((l: ad.Tensor) => ad.sum(new ad.SignedLog(ad.tensor([0, 1]), l).toTensor()))(ad.tensor([800, 1])).toArray()).toEqual([0, Math.E]);
  });
});

describe('SignedLog: the sign of a zero is +0, as prod and logAbsProd give it', () => {
  it('neg, mul and div of a zero, and a −0 passed in', () => {
    const zero = ad.SignedLog.fromTensor(0);
    for (const s of [zero.neg(), zero.mul(-2), zero.div(-2), new ad.SignedLog(-0, 1)]) expect(Object.is(s.sign.item(), 0)).toBe(true);
    expect(ad.SignedLog.fromTensor(ad.tensor([0, -2])).neg().sign.toArray()).toEqual([0, 1]);
  });
});
