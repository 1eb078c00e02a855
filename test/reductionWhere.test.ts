/**
 * @file NumPy's where= and initial= on the reductions (sum, prod, mean, variance, std, max, min,
 * any, all, nansum, nanmean, nanmax, nanmin, nanprod, nanvar, nanstd), given in keepdims's place
 * or the axis's: values against NumPy 1.24 (scratch/where_ref.py), masks as booleans, 0/1 tensors
 * from comparisons and broadcasting rows; gradients (zero off the mask, checkGrad to order 2),
 * vmap over x and over the mask against the loop, and the errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const a = ad.tensor([[1, NaN, 3, -2], [4, 5, NaN, 0.5], [2, -1, 6, 3]]);
const b = ad.tensor([[1, 2, 3, -2], [4, 5, 7, 0.5], [2, -1, 6, 3]]);
const w = [[true, false, true, true], [false, true, true, true], [true, true, false, false]];
const arr = (t: Tensor) => t.toArray();
const close = (got: Tensor, want: number[]) => (got.toArray() as number[]).forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 14));

describe('where= and initial= as NumPy', () => {
  it('sum, mean, max, min, prod (np.sum(b, 1, where=w), …)', () => {
    expect(arr(ad.sum(b, 1, { where: w }))).toEqual([2, 12.5, 1]);
    expect(ad.sum(b, { where: w, initial: 10 }).item()).toBe(25.5);
    expect(arr(ad.sum(b, 0, { where: [true, false, true, true], keepdims: true }))).toEqual([[7, 0, 16, 1.5]]); // a row broadcast down
    expect(arr(ad.sum(b, 1, { initial: 1 }))).toEqual([5, 17.5, 11]);
    expect(arr(ad.mean(b, 1, { where: w }))).toEqual([0.6666666666666666, 4.166666666666667, 0.5]);
    expect(arr(ad.mean(b, 0, { where: w }))).toEqual([1.5, 2, 5, -0.75]);
    expect(arr(ad.max(b, 1, { where: w, initial: -10 }))).toEqual([3, 7, 2]);
    expect(arr(ad.min(b, 0, { where: w, initial: 100 }))).toEqual([1, -1, 3, -2]);
    expect(arr(ad.max(b, 1, { initial: 5 }))).toEqual([5, 7, 6]);
    expect(arr(ad.amax(b, 1, { initial: 5 }))).toEqual([5, 7, 6]);
    expect(arr(ad.prod(b, 1, { where: w, initial: 2 }))).toEqual([-12, 35, -4]);
    // the mask as a comparison's 0/1 tensor (as ad.where takes it), and the method forms
    expect(arr(ad.sum(b, 1, { where: ad.greater(b, 1) }))).toEqual([5, 16, 11]);
    expect(arr(b.sum(1, { where: w }))).toEqual([2, 12.5, 1]);
    expect(arr(b.max({ where: w, initial: 0, keepdims: true }))).toEqual([[7]]);
  });

  it('variance and std divide by the count of true entries (less ddof)', () => {
    close(ad.variance(b, 1, { where: w }), [4.222222222222222, 7.388888888888889, 2.25]);
    close(ad.std(b, 1, { where: w, ddof: 1 }), [2.5166114784235836, 3.3291640592396967, 2.1213203435596424]);
    expect(ad.std(b, { where: w }).item()).toBeCloseTo(2.8111107680061274, 14);
    const first = [[true, false, false, false]];
    expect(arr(ad.variance(b, 1, { where: first, ddof: 1 }))).toEqual([NaN, NaN, NaN]); // 0/0, as np.var
    expect(arr(ad.std(b, 1, { where: first }))).toEqual([0, 0, 0]);
    expect(ad.std(b, 1, { where: w, keepdims: true }).shape).toEqual([3, 1]);
  });

  it('any and all test the masked-in entries only', () => {
    expect(arr(ad.any(ad.tensor([[0, 1, 0], [0, 0, 0]]), 1, { where: [true, false, true] }))).toEqual([0, 0]);
    expect(arr(ad.all(ad.tensor([[0, 1, 0], [1, 1, 0]]), 1, { where: [false, true, false] }))).toEqual([1, 1]);
  });

  it('the nan-forms (np.nansum(a, 1, where=w), …)', () => {
    expect(arr(ad.nansum(a, 1, { where: w }))).toEqual([2, 5.5, 1]);
    expect(arr(ad.nanmean(a, 1, { where: w }))).toEqual([0.6666666666666666, 2.75, 0.5]);
    expect(arr(ad.nanmax(a, 1, { where: w, initial: -3 }))).toEqual([3, 5, 2]);
    expect(arr(ad.nanmin(a, 1, { where: w, initial: 9 }))).toEqual([-2, 0.5, -1]);
    close(ad.nanvar(a, 1, { where: w }), [4.222222222222222, 5.0625, 2.25]);
    close(ad.nanstd(a, 1, { where: w }), [2.0548046676563256, 2.25, 1.5]);
    expect(arr(ad.nanprod(a, 1, { where: w, initial: 2 }))).toEqual([-12, 5, -4]);
    expect(arr(ad.nanmax(ad.tensor([[NaN, 1]]), 1, { where: [true, false], initial: -5 }))).toEqual([-5]);
  });

  it('a slice with no true entry: mean NaN, max initial', () => {
    expect(arr(ad.mean(b, 1, { where: [false, false, false, false] }))).toEqual([NaN, NaN, NaN]);
    expect(arr(ad.max(b, 1, { where: false, initial: 7 }))).toEqual([7, 7, 7]);
    expect(arr(ad.max(ad.zeros([2, 0]), 1, { initial: 3 }))).toEqual([3, 3]); // an empty axis is fine with initial
  });
});

describe('gradients and vmap', () => {
  const x = ad.tensor([[0.4, -1.3, 2.2, 0.9], [1.1, 0.7, -0.5, 1.6], [-0.8, 0.3, 1.9, -1.2]]);
  const fs: Record<string, (t: Tensor) => Tensor> = {
    sum: (t) => ad.sum(ad.sin(t), 1, { where: w, initial: 2 }),
    mean: (t) => ad.mean(ad.sin(t), 0, { where: w }),
    max: (t) => ad.max(t, 1, { where: w, initial: -9 }),
    min: (t) => ad.min(t, 0, { where: w, initial: 9 }),
    prod: (t) => ad.prod(t, 1, { where: w, initial: 3 }),
    variance: (t) => ad.variance(t, 1, { where: w, ddof: 1 }),
    std: (t) => ad.std(t, 1, { where: w }),
    nansum: (t) => ad.nansum(ad.sin(t), { where: w }),
    nanmean: (t) => ad.nanmean(ad.sin(t), 1, { where: w }),
    nanmax: (t) => ad.nanmax(t, 1, { where: w, initial: -9 }),
    nanvar: (t) => ad.nanvar(t, 1, { where: w }),
    nanstd: (t) => ad.nanstd(t, 0, { where: w }),
    nanprod: (t) => ad.nanprod(t, 1, { where: w }),
  };

  it.each(Object.keys(fs))('%s: zero gradient off the mask, checkGrad to order 2', (name) => {
    const f = (t: Tensor) => ad.sum(ad.mul(fs[name]!(t), ad.tensor(name === 'mean' || name === 'min' || name === 'nanstd' ? [1, -2, 0.5, 3] : [1, -2, 0.5])));
    const g = ad.grad(f)(x).toArray() as number[][];
    w.forEach((row, i) => row.forEach((on, j) => { if (!on) expect(g[i]![j]).toBe(0); }));
    expect(g.flat().some((v) => v !== 0)).toBe(true);
    expect(ad.checkGrad(f, [x], { order: 2 }).ok).toBe(true);
  });

  it('masked-out NaN and ∞ entries reach neither the value nor the gradient', () => {
    const bad = ad.tensor([1, NaN, Infinity, 2]);
    const mask = [true, false, false, true];
    expect(ad.sum(bad, { where: mask }).item()).toBe(3);
    expect(arr(ad.grad((t: Tensor) => ad.mean(ad.square(t), { where: mask }))(bad))).toEqual([1, 0, 0, 2]);
    expect(arr(ad.grad((t: Tensor) => ad.std(t, { where: mask }))(bad))).toEqual([-0.5, 0, 0, 0.5]);
  });

  it('vmap over x and over the mask equals the loop; jit replays', () => {
    const xs = ad.stack([x, ad.neg(x)], 0);
    const masks = ad.tensor([w.map((r) => r.map(Number)), w.map((r) => r.map((v) => (v ? 0 : 1)))]);
    for (const name of ['sum', 'mean', 'max', 'variance', 'std', 'nanmean', 'prod']) {
      const f = (t: Tensor, m: Tensor) => {
        const o = name === 'max' ? { where: m, initial: -9 } : { where: m };
        if (name === 'variance' || name === 'std') return ad[name](t, 1, o);
        return (ad[name as 'sum'] as (t: Tensor, axis: number, o: object) => Tensor)(t, 1, o);
      };
      const loop = [0, 1].map((k) => arr(f(ad.take(xs, k, 0), ad.take(masks, k, 0))));
      expect(arr(ad.vmap(f)(xs, masks)), name).toEqual(loop);
      expect(arr(ad.vmap((m: Tensor) => f(x, m))(masks))).toEqual([0, 1].map((k) => arr(f(x, ad.take(masks, k, 0)))));
      const m1 = ad.take(masks, 1, 0);
      expect(arr(ad.jit(f)(x, m1))).toEqual(arr(f(x, m1)));
    }
  });
});

describe('errors name the op, the shapes and the fix', () => {
  it('refuses what NumPy refuses, and malformed options', () => {
    expect(() => ad.max(b, 1, { where: w })).toThrow(/^max: where needs initial: max has no identity, .*Pass initial, e\.g\. \{ where: mask, initial: -Infinity \}/);
    expect(() => ad.nanmin(b, 1, { where: w })).toThrow(/^nanmin: where needs initial: .*initial: Infinity/);
    expect(() => ad.sum(b, 1, { where: [true, false] })).toThrow(/^sum: where of shape \[2\] does not broadcast to x's shape \[3,4\]/);
    expect(() => ad.sum(b, 1, { where: [[true], [false], [true], [true]] })).toThrow(/^sum: where of shape \[4,1\] does not broadcast to x's shape \[3,4\]/);
    expect(() => ad.sum(b, 1, { where: [[true, 'no']] as unknown as boolean[][] })).toThrow(/^sum: where: tensor: element \[0\]\[1\] is string 'no'/);
    expect(() => ad.sum(b, 1, { where: 'yes' as unknown as boolean })).toThrow(/^sum: where must be a tensor \(non-zero is true/);
    expect(() => ad.mean(b, 1, { initial: 0 } as object)).toThrow(/^mean: unknown option 'initial'; the options are keepdims and where/);
    expect(() => ad.sum(b, 1, { initial: '0' as unknown as number })).toThrow(/^sum: initial must be a number, got string '0'/);
    expect(() => ad.sum(b, { where: w }, true as never)).toThrow(/^sum: options in place of the axis come last/);
    expect(() => ad.variance(b, { ddof: 1 }, { ddof: 1 })).toThrow(/^variance: options were given twice/);
    expect(() => ad.sum(b, 1, { keepdims: 1 as unknown as boolean })).toThrow(/^sum: keepdims must be true or false/);
    expect(() => ad.max(ad.zeros([2, 0]), 1)).toThrow(/^max: x of shape \[2,0\] is empty along axis 1; .* pass \{ initial \}/);
  });
});
