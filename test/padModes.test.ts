/**
 * @file pad's NumPy modes 'linear_ramp' (endValues), 'maximum', 'minimum', 'mean', 'median'
 * (statLength), 'empty' (zeros, JAX's) and reflectType 'odd', against NumPy 1.24's np.pad printed
 * by scratch/pad_ref.py (all equal to the last bit); gradients by checkGrad to second order and by
 * hand (a statistic's gradient on the entries it chose), vmap against the loop, errors.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const v = ad.tensor([1, -2, 4, 3.5, 0.25]);
const m = ad.tensor([[1, 5, -2], [0.5, 3, 7]]);
const arr = (t: Tensor) => t.toArray();

describe('pad: NumPy modes (np.pad)', () => {
  it("'linear_ramp' with endValues as a number, a pair or pairs per axis", () => {
    // np.pad(v, (3, 2), 'linear_ramp', end_values=(-1, 10))
    expect(arr(ad.pad(v, [3, 2], { mode: 'linear_ramp', endValues: [-1, 10] }))).toEqual(
      [-1.0, -0.33333333333333337, 0.33333333333333326, 1.0, -2.0, 4.0, 3.5, 0.25, 5.125, 10.0]);
    expect(arr(ad.pad(v, 2, { mode: 'linear_ramp' }))).toEqual([0.0, 0.5, 1.0, -2.0, 4.0, 3.5, 0.25, 0.125, 0.0]);
    // np.pad(m, ((1, 2), (2, 1)), 'linear_ramp', end_values=((1, 2), (3, 4)))
    expect(arr(ad.pad(m, [[1, 2], [2, 1]], { mode: 'linear_ramp', endValues: [[1, 2], [3, 4]] }))).toEqual(
      [[3.0, 2.0, 1.0, 1.0, 1.0, 4.0], [3.0, 2.0, 1.0, 5.0, -2.0, 4.0], [3.0, 1.75, 0.5, 3.0, 7.0, 4.0],
        [3.0, 2.125, 1.25, 2.5, 4.5, 4.0], [3.0, 2.5, 2.0, 2.0, 2.0, 4.0]]);
  });

  it("'maximum', 'minimum', 'mean', 'median' over the whole axis or statLength entries", () => {
    const want: Record<string, [number[], number[], number[][]]> = {
      // np.pad(v, (2, 3), mode), with stat_length=(2, 3), and np.pad(m, ((1, 1), (2, 1)), mode, stat_length=((1, 2), (2, 2)))
      maximum: [[4.0, 4.0, 1.0, -2.0, 4.0, 3.5, 0.25, 4.0, 4.0, 4.0], [1.0, 1.0, 1.0, -2.0, 4.0, 3.5, 0.25, 4.0, 4.0, 4.0],
        [[5.0, 5.0, 1.0, 5.0, -2.0, 5.0], [5.0, 5.0, 1.0, 5.0, -2.0, 5.0], [3.0, 3.0, 0.5, 3.0, 7.0, 7.0], [5.0, 5.0, 1.0, 5.0, 7.0, 7.0]]],
      minimum: [[-2.0, -2.0, 1.0, -2.0, 4.0, 3.5, 0.25, -2.0, -2.0, -2.0], [-2.0, -2.0, 1.0, -2.0, 4.0, 3.5, 0.25, 0.25, 0.25, 0.25],
        [[1.0, 1.0, 1.0, 5.0, -2.0, -2.0], [1.0, 1.0, 1.0, 5.0, -2.0, -2.0], [0.5, 0.5, 0.5, 3.0, 7.0, 3.0], [0.5, 0.5, 0.5, 3.0, -2.0, -2.0]]],
      mean: [[1.35, 1.35, 1.0, -2.0, 4.0, 3.5, 0.25, 1.35, 1.35, 1.35],
        [-0.5, -0.5, 1.0, -2.0, 4.0, 3.5, 0.25, 2.5833333333333335, 2.5833333333333335, 2.5833333333333335],
        [[3.0, 3.0, 1.0, 5.0, -2.0, 1.5], [3.0, 3.0, 1.0, 5.0, -2.0, 1.5], [1.75, 1.75, 0.5, 3.0, 7.0, 5.0], [2.375, 2.375, 0.75, 4.0, 2.5, 3.25]]],
      median: [[1.0, 1.0, 1.0, -2.0, 4.0, 3.5, 0.25, 1.0, 1.0, 1.0], [-0.5, -0.5, 1.0, -2.0, 4.0, 3.5, 0.25, 3.5, 3.5, 3.5],
        [[3.0, 3.0, 1.0, 5.0, -2.0, 1.5], [3.0, 3.0, 1.0, 5.0, -2.0, 1.5], [1.75, 1.75, 0.5, 3.0, 7.0, 5.0], [2.375, 2.375, 0.75, 4.0, 2.5, 3.25]]],
    };
    for (const mode of ['maximum', 'minimum', 'mean', 'median'] as const) {
      const [whole, some, twoAxes] = want[mode]!;
      expect(arr(ad.pad(v, [2, 3], { mode }))).toEqual(whole);
      expect(arr(ad.pad(v, [2, 3], { mode, statLength: [2, 3] }))).toEqual(some);
      expect(arr(ad.pad(m, [[1, 1], [2, 1]], { mode, statLength: [[1, 2], [2, 2]] }))).toEqual(twoAxes);
      expect(arr(ad.pad(v, [2, 3], { mode, statLength: 99 }))).toEqual(whole); // longer than the axis: all of it
    }
    expect(arr(ad.pad(ad.tensor([4, 1, 3, 2]), 1, { mode: 'median' }))).toEqual([2.5, 4.0, 1.0, 3.0, 2.0, 2.5]);
  });

  it("reflectType 'odd' (2·edge − mirror), wider than the axis as NumPy iterates it", () => {
    const cases: Array<[Tensor, number | [number, number] | Array<[number, number]>, 'reflect' | 'symmetric', unknown]> = [
      [v, [3, 2], 'reflect', [-1.5, -2.0, 4.0, 1.0, -2.0, 4.0, 3.5, 0.25, -3.0, -3.5]],
      [v, [3, 2], 'symmetric', [-2.0, 4.0, 1.0, 1.0, -2.0, 4.0, 3.5, 0.25, 0.25, -3.0]],
      [ad.tensor([1, 3, 2]), [8, 11], 'reflect', [-3.0, -1.0, -2.0, -3.0, -1.0, 1.0, 0.0, -1.0, 1.0, 3.0, 2.0, 1.0, 3.0, 5.0, 4.0, 3.0, 5.0, 7.0, 6.0, 5.0, 7.0, 9.0]],
      [ad.tensor([1, 3, 2]), [8, 11], 'symmetric', [-3.0, -1.0, -1.0, 1.0, 0.0, 0.0, -1.0, 1.0, 1.0, 3.0, 2.0, 2.0, 1.0, 3.0, 3.0, 5.0, 4.0, 4.0, 3.0, 5.0, 5.0, 7.0]],
      [m, [[2, 3], [4, 1]], 'reflect', [[46.0, 53.0, 24.0, -5.0, 2.0, 9.0, -20.0, -49.0], [26.5, 32.0, 14.0, -4.0, 1.5, 7.0, -11.0, -29.0],
        [7.0, 11.0, 4.0, -3.0, 1.0, 5.0, -2.0, -9.0], [-12.5, -10.0, -6.0, -2.0, 0.5, 3.0, 7.0, 11.0], [-32.0, -31.0, -16.0, -1.0, 0.0, 1.0, 16.0, 31.0],
        [-51.5, -52.0, -26.0, 0.0, -0.5, -1.0, 25.0, 51.0], [-71.0, -73.0, -36.0, 1.0, -1.0, -3.0, 34.0, 71.0]]],
      [m, [[2, 3], [4, 1]], 'symmetric', [[14.0, 14.0, -4.0, 1.5, 1.5, 7.0, -11.0, -11.0], [4.0, 4.0, -3.0, 1.0, 1.0, 5.0, -2.0, -2.0],
        [4.0, 4.0, -3.0, 1.0, 1.0, 5.0, -2.0, -2.0], [-6.0, -6.0, -2.0, 0.5, 0.5, 3.0, 7.0, 7.0], [-6.0, -6.0, -2.0, 0.5, 0.5, 3.0, 7.0, 7.0],
        [-16.0, -16.0, -1.0, 0.0, 0.0, 1.0, 16.0, 16.0], [-16.0, -16.0, -1.0, 0.0, 0.0, 1.0, 16.0, 16.0]]],
      [ad.tensor([2]), [2, 1], 'reflect', [2, 2, 2, 2]], // a length-1 axis repeats (NumPy's legacy rule)
      [ad.tensor([2]), [2, 1], 'symmetric', [2, 2, 2, 2]],
    ];
    for (const [x, widths, mode, want] of cases) expect(arr(ad.pad(x, widths, { mode, reflectType: 'odd' }))).toEqual(want);
    expect(arr(ad.pad(v, 2, { mode: 'reflect', reflectType: 'even' }))).toEqual(arr(ad.pad(v, 2, { mode: 'reflect' })));
  });

  it("'empty' pads with zeros, as jnp.pad (NumPy leaves the values unset)", () => {
    expect(arr(ad.pad(m, 1, { mode: 'empty' }))).toEqual([[0, 0, 0, 0, 0], [0, 1, 5, -2, 0], [0, 0.5, 3, 7, 0], [0, 0, 0, 0, 0]]);
    expect(ad.pad(ad.zeros([0, 2]), [[1, 0], [0, 0]], { mode: 'empty' }).shape).toEqual([1, 2]);
  });

  it('gradients: checkGrad to second order; statistics send the cotangent to the entries they chose', () => {
    const w = ad.tensor([[0.3, -1.2, 0.7, 2.1, -0.4, 1.3], [0.9, 0.2, -0.8, 1.1, 0.6, -1.5], [1.7, -0.6, 0.4, -0.9, 1.2, 0.8]]);
    const x = ad.tensor([[0.4, -1.3, 2.2], [1.1, 0.7, -0.5]]);
    const options = [
      { mode: 'linear_ramp', endValues: [[1, -2], [0.5, 3]] }, { mode: 'maximum' }, { mode: 'minimum', statLength: 2 }, { mode: 'mean' },
      { mode: 'median', statLength: [[2, 1], [3, 3]] }, { mode: 'reflect', reflectType: 'odd' }, { mode: 'symmetric', reflectType: 'odd' },
    ] as const;
    for (const o of options) {
      // rows padded [0, 1], columns [2, 1]: a [3, 6] result, weighted so every entry's cotangent differs
      const f = (t: Tensor) => ad.sum(ad.mul(w, ad.sin(ad.pad(t, [[0, 1], [2, 1]], o))));
      expect(ad.checkGrad(f, [x], { order: 2 }).ok, JSON.stringify(o)).toBe(true);
    }
    // over [1, 3, 2] the five padded entries are the maximum x[1], or the median x[2]
    expect(arr(ad.grad((t: Tensor) => ad.sum(ad.pad(t, [2, 3], { mode: 'maximum' })))(ad.tensor([1, 3, 2])))).toEqual([1, 6, 1]);
    expect(arr(ad.grad((t: Tensor) => ad.sum(ad.pad(t, [2, 3], { mode: 'median' })))(ad.tensor([1, 3, 2])))).toEqual([1, 1, 6]);
    // the median of an even count is the mean of the middle two: each gets half of every padded entry's
    expect(arr(ad.grad((t: Tensor) => ad.sum(ad.pad(t, [1, 1], { mode: 'median' })))(ad.tensor([4, 1, 3, 2])))).toEqual([1, 1, 2, 2]);
    // linear_ramp: the edge's share of each ramp entry is i/width — before: 0, 1/3, 2/3 → 1 + 1; after: 1/2, 0 → 1 + 1/2
    expect(arr(ad.grad((t: Tensor) => ad.sum(ad.pad(t, [3, 2], { mode: 'linear_ramp', endValues: 5 })))(ad.tensor([1, 2, 3])))).toEqual([2, 1, 1.5]);
    // reflect odd over [a, b, c], width 2 before: [2a − c, 2a − b, a, b, c]: a gets 1 + 2 + 2
    expect(arr(ad.grad((t: Tensor) => ad.sum(ad.pad(t, [2, 0], { mode: 'reflect', reflectType: 'odd' })))(ad.tensor([1, 2, 3])))).toEqual([5, 0, 0]);
  });

  it('vmap equals the loop, and jit replays', () => {
    const xs = ad.tensor([[[1, 5, -2], [0.5, 3, 7]], [[2, -1, 4], [6, 0.5, 1]]]);
    for (const o of [{ mode: 'linear_ramp', endValues: 2 }, { mode: 'median', statLength: 2 }, { mode: 'reflect', reflectType: 'odd' }] as const) {
      const f = (t: Tensor) => ad.pad(t, [[1, 2], [3, 1]], o);
      expect(arr(ad.vmap(f)(xs))).toEqual([0, 1].map((k) => arr(f(ad.take(xs, k, 0)))));
      expect(arr(ad.jit(f)(m))).toEqual(arr(f(m)));
    }
  });

  it('errors name pad, the option and the fix', () => {
    expect(() => ad.pad(v, 1, { mode: 'edge', endValues: 1 })).toThrow(/^pad: endValues goes with mode 'linear_ramp' only, got it with mode 'edge'\.$/);
    expect(() => ad.pad(v, 1, { mode: 'mean', reflectType: 'odd' })).toThrow(/^pad: reflectType goes with mode 'reflect' or 'symmetric' only/);
    expect(() => ad.pad(v, 1, { statLength: 2 })).toThrow(/^pad: statLength goes with mode 'maximum' or 'minimum' or 'mean' or 'median' only, got it with mode 'constant'/);
    expect(() => ad.pad(v, 1, { mode: 'reflect', reflectType: 'oddly' as 'odd' })).toThrow(/^pad: reflectType must be 'even' or 'odd', got string 'oddly'/);
    expect(() => ad.pad(v, 1, { mode: 'mean', statLength: 0 })).toThrow(/^pad: statLength 0 gives no value to pad with in mode 'mean'/);
    expect(() => ad.pad(v, 1, { mode: 'mean', statLength: -1 })).toThrow(/^pad: a statLength must be a whole number ≥ 0, got -1/);
    expect(() => ad.pad(m, 1, { mode: 'maximum', statLength: [[1, 1], [1, 1], [1, 1]] })).toThrow(/^pad: 3 pairs of statLength for a tensor of rank 2/);
    expect(() => ad.pad(v, 1, { mode: 'linear_ramp', endValues: ['0', 1] as unknown as [number, number] })).toThrow(/^pad: endValues must be numbers, got string '0'/);
    expect(() => ad.pad(ad.zeros([0]), 1, { mode: 'median' })).toThrow(/^pad: axis 0 of shape \[0\] is empty; mode 'median' has nothing to repeat/);
    expect(() => ad.pad(v, 1, { end_values: 1 } as object)).toThrow(/^pad: unknown option 'end_values'; the options are mode, value, endValues, statLength and reflectType/);
  });
});
