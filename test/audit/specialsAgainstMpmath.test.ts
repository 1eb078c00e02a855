/**
 * @file Audit regressions for numerically delicate ops at extreme arguments, against values from
 * mpmath 1.2.1 at 50 digits or exact rational arithmetic (Python's fractions), hard-coded here.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

/** |got − want| / |want|. */
function relErr(got: number, want: number): number {
  return Math.abs(got - want) / Math.abs(want);
}

describe('variance with a large common offset', () => {
  // 1e15 + k, k = (7919 i mod 10) for i < 1000: each k in 0..9 a hundred times, every entry exact.
  // The plain two-pass result was 23.27: the mean's rounding error (≈ 4) squared added to 8.25.
  const offset15 = Array.from({ length: 1000 }, (_, i) => 1e15 + ((i * 7919) % 10));
  // 1e9 + k/1000 rounded to doubles; the exact variance of those doubles (fractions.Fraction).
  const offset9 = Array.from({ length: 1000 }, (_, i) => 1e9 + ((i * 7919) % 1000) / 1000);

  it('is exact for 1e15 + small integers', () => {
    expect(ad.variance(ad.tensor(offset15)).item()).toBe(8.25);
    expect(ad.variance(ad.tensor([offset15, offset15]), 1).toArray()).toEqual([8.25, 8.25]);
    expect(ad.std(ad.tensor(offset15), undefined, { ddof: 1 }).item()).toBeCloseTo(Math.sqrt(8.25 * 1000 / 999), 14);
  });

  it('is within a few ulp for 1e9 + noise', () => {
    expect(relErr(ad.variance(ad.tensor(offset9)).item(), 0.08333325000190853)).toBeLessThan(1e-15);
  });

  it('keeps the gradient 2(x − mean)/N', () => {
    const g = ad.grad((x: ad.Tensor) => ad.variance(x))(ad.tensor([1e15, 1e15 + 1, 1e15 + 2, 1e15 + 5])).toArray() as number[];
    expect(g).toEqual([-1, -0.5, 0, 1.5]);
  });
});

describe('linalg.norm near overflow and underflow', () => {
  // mpmath: √2·1e200 = 1.4142135623730951e200, √2·1e-200 = 1.4142135623730951e-200, |(3, 4)·1e-320| = 5e-320
  // (subnormal inputs: 3e-320 and 4e-320 are multiples of 2^-1074, so the value is exact).
  it('the 2-norm and the Frobenius norm neither overflow nor underflow', () => {
    expect(relErr(ad.linalg.norm(ad.tensor([1e200, 1e200])).item(), 1.4142135623730951e200)).toBeLessThan(3e-16);
    expect(relErr(ad.linalg.norm(ad.tensor([1e-200, -1e-200])).item(), 1.4142135623730951e-200)).toBeLessThan(3e-16);
    expect(ad.linalg.norm(ad.tensor([3e-320, 4e-320])).item()).toBe(5e-320);
    expect(relErr(ad.linalg.norm(ad.tensor([[1e200, 0], [0, 1e200]]), 'fro').item(), 1.4142135623730951e200)).toBeLessThan(3e-16);
    const rows = ad.linalg.norm(ad.tensor([[1e-200, 1e-200], [3e200, 4e200]]), 2, 1, true);
    expect(rows.shape).toEqual([2, 1]);
    expect(relErr((rows.toArray() as number[][])[1]![0]!, 5e200)).toBeLessThan(3e-16);
  });

  it('keeps the gradient x/‖x‖ and the edge values', () => {
    const g = ad.grad((x: ad.Tensor) => ad.linalg.norm(x))(ad.tensor([3e-200, 4e-200])).toArray() as number[];
    expect(relErr(g[0]!, 0.6)).toBeLessThan(3e-16);
    expect(relErr(g[1]!, 0.8)).toBeLessThan(3e-16);
    expect(ad.grad((x: ad.Tensor) => ad.linalg.norm(x))(ad.tensor([0, 0])).toArray()).toEqual([0, 0]);
    expect(ad.linalg.norm(ad.tensor([Infinity, 1])).item()).toBe(Infinity);
    expect(ad.linalg.norm(ad.tensor([NaN, 1])).item()).toBeNaN();
    expect(ad.linalg.norm(ad.zeros([0])).item()).toBe(0);
  });
});

describe('std near overflow and underflow', () => {
  // mpmath: √(8/3)·1e160 and ·1e-170 (the population std of [1, −1, 3] times the scale).
  it('neither overflows nor underflows where the std is representable', () => {
    expect(relErr(ad.std(ad.tensor([1e160, -1e160, 3e160])).item(), 1.632993161855452e160)).toBeLessThan(3e-16);
    expect(relErr(ad.std(ad.tensor([1e-170, -1e-170, 3e-170])).item(), 1.6329931618554521e-170)).toBeLessThan(3e-16);
    expect(ad.std(ad.tensor([[1e-300, -1e-300], [2, 2]]), 1, { keepdims: true }).toArray()).toEqual([[1e-300], [0]]);
  });

  it('keeps the gradient (x − mean)/(N·std)', () => {
    expect(ad.grad((x: ad.Tensor) => ad.std(x))(ad.tensor([1e-170, -1e-170])).toArray()).toEqual([0.5, -0.5]);
    expect(ad.grad((x: ad.Tensor) => ad.std(x))(ad.tensor([1e160, -1e160])).toArray()).toEqual([0.5, -0.5]);
    expect(ad.grad((x: ad.Tensor) => ad.std(x))(ad.tensor([3, 3, 3])).toArray()).toEqual([0, 0, 0]);
  });
});

describe('expm1′ for x ≪ 0', () => {
  // y + 1 with y = expm1(x) ≈ −1 cancels: expm1′(−20) had 8 digits, expm1′(−40) was 0. The rule
  // is eˣ now, on every path (the rule, the fused kernel, the 0-d tape, jit's recorded tape).
  const want: Array<[number, number]> = [[-20, 2.061153622438557828e-9], [-40, 4.2483542552915889953e-18], [-700, 9.8596765437597708567e-305], [5, 148.41315910257660342]];
  it.each(want)('at %d', (x, d) => {
    const rel = (v: number) => Math.abs(v - d) / d;
    expect(rel(ad.grad((v: ad.Tensor) => ad.expm1(v))(ad.scalar(x)).item())).toBeLessThan(1e-15); // 0-d tape
    expect(rel(ad.grad((v: ad.Tensor) => ad.sum(ad.expm1(v)))(ad.tensor([x, x])).toFloat64Array()[0]!)).toBeLessThan(1e-15); // fused kernel
    expect(rel((ad.jvp((v: ad.Tensor) => ad.expm1(v), [ad.tensor([x])], [ad.tensor([1])])[1] as ad.Tensor).item())).toBeLessThan(1e-15); // the rule
    const jg = ad.jit(ad.grad((v: ad.Tensor) => ad.expm1(v)));
    jg(ad.scalar(x));
    expect(rel(jg(ad.scalar(x)).item())).toBeLessThan(1e-15); // jit's recorded tape
  });
});
