/** @file tan … atanh, atan2 and hypot: Math's values, edge cases as NumPy's, cancellation-free derivatives, conventions at the origin. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const values = (t: Tensor) => Array.from(t.toFloat64Array());
const UNARY = [
  ['tan', Math.tan], ['asin', Math.asin], ['acos', Math.acos], ['atan', Math.atan], ['sinh', Math.sinh],
  ['cosh', Math.cosh], ['asinh', Math.asinh], ['acosh', Math.acosh], ['atanh', Math.atanh],
] as const;

describe('values', () => {
  it("equal JavaScript's Math functions (fdlibm) elementwise, special values included", () => {
    const xs = [-2, -1, -0.5, -1e-300, -0, 0, 1e-300, 0.5, 1, 1.5, 2, 800, Infinity, -Infinity, NaN];
    for (const [name, f] of UNARY) expect(values(ad[name](ad.tensor(xs))), name).toEqual(xs.map(f));
  });
  it('NaN outside the domain and ±∞ at its ends, as NumPy', () => {
    expect(values(ad.asin(ad.tensor([1.5, -1])))).toEqual([NaN, -Math.PI / 2]);
    expect(values(ad.acosh(ad.tensor([0.5, 1, Infinity])))).toEqual([NaN, 0, Infinity]);
    expect(values(ad.atanh(ad.tensor([1, -1, 2])))).toEqual([Infinity, -Infinity, NaN]);
    expect(Object.is(ad.asinh(-0).item(), -0)).toBe(true);
  });
  it('atan2 keeps the signed zeros; hypot neither overflows nor underflows, and hypot(∞, NaN) = ∞', () => {
    expect(values(ad.atan2(ad.tensor([0, -0, 0, -0]), ad.tensor([0, 0, -0, -0])))).toEqual([0, -0, Math.PI, -Math.PI]);
    expect(Math.abs(ad.hypot(1e200, 1e200).item() / 1e200 - Math.SQRT2)).toBeLessThanOrEqual(4.5e-16);
    expect(ad.hypot(3e-200, 4e-200).item()).toBe(5e-200);
    expect(values(ad.hypot(ad.tensor([Infinity, NaN]), ad.tensor([NaN, -Infinity])))).toEqual([Infinity, Infinity]);
  });
  it('broadcast as NumPy, with numbers anywhere', () => {
    const y = ad.atan2(ad.tensor([[1], [-1]]), ad.tensor([1, -1, 0]));
    expect(y.shape).toEqual([2, 3]);
    expect(values(y)).toEqual([Math.atan2(1, 1), Math.atan2(1, -1), Math.atan2(1, 0), Math.atan2(-1, 1), Math.atan2(-1, -1), Math.atan2(-1, 0)]);
    expect(ad.hypot(3, 4).shape).toEqual([]);
    expect(values(ad.tensor([3, 5]).hypot(ad.tensor([[4], [12]])))).toEqual([5, Math.hypot(5, 4), Math.hypot(3, 12), 13]);
  });
  it('errors name the op', () => {
    expect(() => ad.hypot(ad.ones([2]), ad.ones([3]))).toThrow(/hypot/);
    expect(() => ad.atan2(ad.ones([2]), ad.ones([3]))).toThrow(ad.AdjointError);
    expect(() => ad.tan(null as never)).toThrow(/^tan:/);
  });
});

describe('derivatives', () => {
  const d = (f: (x: Tensor) => Tensor) => (x: number) => ad.grad(f)(x).item();
  it('match the closed forms', () => {
    expect(d(ad.tan)(0.4)).toBeCloseTo(1 / Math.cos(0.4) ** 2, 14);
    expect(d(ad.asin)(0.3)).toBeCloseTo(1 / Math.sqrt(1 - 0.09), 14);
    expect(d(ad.acos)(0.3)).toBeCloseTo(-1 / Math.sqrt(1 - 0.09), 14);
    expect(d(ad.atan)(2)).toBeCloseTo(0.2, 15);
    expect(d(ad.sinh)(1)).toBe(Math.cosh(1));
    expect(d(ad.cosh)(1)).toBe(Math.sinh(1));
  });
  it('keep relative accuracy where 1 − x² cancels or x² overflows', () => {
    const x = 1 - 2 ** -40; // 1 − x² = 2⁻³⁹ − 2⁻⁸⁰: (1 − x)(1 + x) is exact
    expect(d(ad.atanh)(x)).toBe(1 / ((1 - x) * (1 + x)));
    expect(d(ad.asinh)(1e200)).toBe(1e-200);
    expect(d(ad.acosh)(1e200)).toBe(1e-200);
    expect(d(ad.acosh)(1 + 2 ** -40)).toBeCloseTo(1 / Math.sqrt(2 ** -39), 0);
  });
  it('keep relative accuracy at second order near 0, where the product rule on (1 − x)(1 + x) cancelled', () => {
    // asin″(x) = x/(1 − x²)^{3/2}, acos″ = −asin″, atanh″(x) = 2x/(1 − x²)²: ≈ x and 2x here (they were 8e−8 off at 1e−10, 0 at 1e−300).
    const d2 = (f: (x: Tensor) => Tensor) => (x: number) => ad.grad(ad.grad(f))(x).item();
    for (const x of [1e-300, -1e-10, 1e-5, 0.3, -0.49, 0.51, 0.9]) {
      const q = 1 - x * x;
      expect(Math.abs(d2(ad.asin)(x) / (x / q ** 1.5) - 1), `asin″(${x})`).toBeLessThan(2e-15);
      expect(Math.abs(d2(ad.acos)(x) / (-x / q ** 1.5) - 1), `acos″(${x})`).toBeLessThan(2e-15);
      expect(Math.abs(d2(ad.atanh)(x) / ((2 * x) / (q * q)) - 1), `atanh″(${x})`).toBeLessThan(2e-15);
    }
  });
  it('are +∞ at the ends of asin/acosh/atanh, and 0 when a where does not select them', () => {
    expect(d(ad.asin)(1)).toBe(Infinity);
    expect(d(ad.acosh)(1)).toBe(Infinity);
    const safe = (x: Tensor) => ad.where(ad.less(x, 1), ad.asin(x), 0);
    expect(d(safe)(1)).toBe(0);
    expect(ad.grad(ad.grad(safe))(1).item()).toBe(0);
  });
  it('atan2 and hypot: the partials, and 0 at the origin (a documented subgradient) to second order', () => {
    const [gy, gx] = ad.grad(ad.atan2, [0, 1])(3, 4) as Tensor[];
    expect([gy!.item(), gx!.item()]).toEqual([4 / 25, -3 / 25]);
    const [ha, hb] = ad.grad(ad.hypot, [0, 1])(3, 4) as Tensor[];
    expect([ha!.item(), hb!.item()]).toEqual([0.6, 0.8]);
    for (const f of [ad.atan2, ad.hypot]) {
      expect((ad.grad(f, [0, 1])(0, 0) as Tensor[]).map((g) => g.item())).toEqual([0, 0]);
      expect(ad.hessian((v: Tensor) => f(ad.take(v, 0, 0), ad.take(v, 1, 0)))(ad.tensor([0, 0])).toArray()).toEqual([[0, 0], [0, 0]]);
    }
  });
});
