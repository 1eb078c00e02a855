/**
 * @file unfold and fold (torch.nn.functional's im2col and col2im) against PyTorch 1.13's values and autograd gradients
 * (unfoldReference.ts), fold as unfold's adjoint (property), under vmap, jit and second-order checkGrad, and their errors.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { unfoldReference } from './unfoldReference.js';

const close = (got: Tensor, want: { shape: number[]; values: number[] }, digits = 13) => {
  expect(got.shape).toEqual(want.shape);
  expect([...got.toFloat64Array()]).toEqual(want.values.map((v) => expect.closeTo(v, digits)));
};
const weighted = (y: Tensor) => ad.sum(ad.mul(y, ad.reshape(ad.mul(ad.arange(1, y.size + 1), 0.1), y.shape)));

describe('unfold and fold', () => {
  it.each(unfoldReference.map((c) => [`${c.shape} kernel ${c.kernel} ${JSON.stringify(c.opts)}`, c] as const))('%s: values and gradients as PyTorch', (_name, c) => {
    const x = ad.tensor(c.x, c.shape);
    close(ad.unfold(x, c.kernel, c.opts), c.unfold);
    close(ad.grad((t: Tensor) => weighted(ad.unfold(t, c.kernel, c.opts)))(x), { shape: c.shape, values: c.unfold.grad });
    const cols = ad.tensor(c.unfold.values, c.unfold.shape);
    const size = c.shape.slice(-2) as [number, number];
    close(ad.fold(cols, size, c.kernel, c.opts), c.fold);
    close(ad.grad((t: Tensor) => weighted(ad.fold(t, size, c.kernel, c.opts)))(cols), { shape: c.unfold.shape, values: c.fold.grad });
  });

  it('fold is the adjoint of unfold: ⟨unfold x, y⟩ = ⟨x, fold y⟩ (property)', () => {
    fc.assert(fc.property(
      fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 2 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 99 }),
      (h, w, kh, kw, dilation, padding, stride, seed) => {
        const opts = { dilation, padding, stride };
        if (h + 2 * padding < dilation * (kh - 1) + 1 || w + 2 * padding < dilation * (kw - 1) + 1) return;
        const x = ad.random.normal(ad.random.key(seed), [2, 3, h, w]);
        const u = ad.unfold(x, [kh, kw], opts);
        const y = ad.random.normal(ad.random.key(seed + 1), u.shape);
        expect(ad.sum(ad.mul(u, y)).item()).toBeCloseTo(ad.sum(ad.mul(x, ad.fold(y, [h, w], [kh, kw], opts))).item(), 11);
      }), { numRuns: 60 });
  });

  it('maps under vmap, replays under jit, and differentiates to second order', () => {
    const x = ad.random.normal(ad.random.key(3), [4, 2, 5, 5]);
    const f = (t: Tensor) => ad.unfold(t, 3, { padding: 1, stride: 2 });
    const batched = ad.vmap(f)(x);
    expect([...batched.toFloat64Array()]).toEqual([...f(x).toFloat64Array()]);
    expect([...ad.jit(f)(x).toFloat64Array()]).toEqual([...f(x).toFloat64Array()]);
    ad.assertGrad((t: Tensor) => ad.sum(ad.square(ad.fold(ad.square(ad.unfold(t, 2, { stride: 1 })), [3, 3], 2))), [ad.random.normal(ad.random.key(4), [1, 1, 3, 3])], { order: 2 });
  });

  it('refuses bad geometry and shapes, naming the fix', () => {
    expect(() => ad.unfold(ad.zeros([1, 1, 2, 2]), 3)).toThrow(/unfold: a 3×3 block .* does not fit .*more padding/);
    expect(() => ad.unfold(ad.zeros([2, 2]), 1)).toThrow(/unfold: x must be \[N, C, H, W\] or \[C, H, W\]/);
    expect(() => ad.unfold(ad.zeros([1, 1, 2, 2]), 0)).toThrow(/kernelSize must be a whole number ≥ 1/);
    expect(() => ad.unfold(ad.zeros([1, 1, 2, 2]), 1, { stride: [1] as never })).toThrow(/stride must be/);
    expect(() => ad.unfold(ad.zeros([1, 1, 2, 2]), 1, { pad: 1 } as never)).toThrow(/unfold/);
    expect(() => ad.fold(ad.zeros([1, 3, 4]), [3, 3], 2)).toThrow(/fold: cols must be \[N, C·4, 4\]/);
  });
});
