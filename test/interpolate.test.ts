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

  it('checks its arguments', () => {
    const x = ad.ones([1, 1, 4]);
    expect(() => ad.interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(/interpolate: give exactly one of size and scaleFactor/);
    expect(() => ad.interpolate(x, { size: 2, mode: 'bilinear' })).toThrow(/interpolate: mode 'bilinear' takes 4-D input/);
    expect(() => ad.interpolate(x, { size: 2, alignCorners: true })).toThrow(/interpolate: alignCorners applies to the linear modes and bicubic only/);
    expect(() => ad.interpolate(ad.ones([4]), { size: 2 })).toThrow(/interpolate: the input \[4\] must be \[N, C, \*spatial\]/);
    expect(() => ad.interpolate(x, { size: [2, 3] })).toThrow(/interpolate: size must be a number or 1 of them/);
    expect(() => ad.interpolate(x, { size: 2, mode: 'cubic' as never })).toThrow(/interpolate: mode must be/);
  });
});
