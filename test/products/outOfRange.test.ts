/**
 * @file Products whose partial products leave the float64 range although the result need not:
 * `prod` and `cumprod` give the true product rounded into range (scaledProductExcept /
 * scaledCumprod), where the left-to-right loop (and NumPy, PyTorch) give 0, ∞ or NaN. Factors are
 * powers of two, so every expected value is exact. (A partial product that dips into the
 * subnormals and comes back to a normal result keeps the digits it lost: docs/products.md.)
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());
const padded = (head: number[], n: number) => [...head, ...Array<number>(n - head.length).fill(1)];

describe('prod with partial products out of range', () => {
  it('gives the product that comes back into range, on long, short and strided rows (the loop gave 0)', () => {
    const row = [2 ** -1000, 2 ** -1000, 2 ** 1000, 2 ** 1000];
    expect(ad.prod(ad.tensor(row)).item()).toBe(1);
    expect(ad.prod(ad.tensor(padded(row, 40))).item()).toBe(1);
    expect(arr(ad.prod(ad.tensor(row.map((v) => [v, 2])), 0))).toEqual([1, 16]);
    expect(ad.prod(ad.tensor(padded([2 ** 1000, 2 ** 1000, 2 ** -1000, 2 ** -1000], 40))).item()).toBe(1); // ∞ · 0 = NaN before
  });

  it('still gives 0, ±∞ and NaN where the product itself is out of range or undefined', () => {
    expect(ad.prod(ad.tensor([2 ** -600, 2 ** -600])).item()).toBe(0);
    expect(ad.prod(ad.tensor([-(2 ** 600), 2 ** 600])).item()).toBe(-Infinity);
    expect(ad.prod(ad.tensor(padded([0, 2 ** 1000, 2 ** 1000], 40))).item()).toBe(0);
    expect(ad.prod(ad.tensor([0, 2 ** -600, 2 ** -600, Infinity])).item()).toBeNaN();
    expect(Object.is(ad.prod(ad.tensor([-(2 ** -600), 2 ** -600])).item(), -0)).toBe(true);
  });

  it('gives the gradient of the true product (the division trick divides the exact y)', () => {
    const g = arr(ad.grad((x: Tensor) => ad.prod(x))(ad.tensor([2 ** -600, 2 ** -600, 2 ** 700])));
    expect(g).toEqual([2 ** 100, 2 ** 100, 0]); // ∂/∂x₂ = 2⁻¹²⁰⁰ underflows
    expect(ad.prod(ad.tensor([2 ** -600, 2 ** -600, 2 ** 700])).item()).toBe(2 ** -500);
  });
});

describe('cumprod with partial products out of range', () => {
  it('continues with a separate exponent once the running product leaves the range', () => {
    expect(arr(ad.cumprod(ad.tensor([2 ** -600, 2 ** -600, 2 ** 700, 2 ** 100]), 0))).toEqual([2 ** -600, 0, 2 ** -500, 2 ** -400]);
    expect(arr(ad.cumprod(ad.tensor([2 ** -600, 2 ** -600, 2 ** 700, 2 ** 100].map((v) => [v, -v]), [4, 2]), 0))).toEqual(
      [2 ** -600, -(2 ** -600), 0, 0, 2 ** -500, -(2 ** -500), 2 ** -400, 2 ** -400]);
    expect(arr(ad.cumprod(ad.tensor([2 ** 1000, 2 ** 1000, 2 ** -1000, 2 ** -1000]), 0))).toEqual([2 ** 1000, Infinity, 2 ** 1000, 1]);
  });

  it('is exact after zeros and infinities, in both directions and exclusive', () => {
    expect(arr(ad.cumprod(ad.tensor([2 ** -1000, 2 ** -1000, 0, 2 ** 1000, Infinity]), 0))).toEqual([2 ** -1000, 0, 0, 0, Number.NaN]);
    expect(arr(ad.cumprod(ad.tensor([2 ** 1000, 2 ** 1000, 2 ** -1000, 2 ** -1000]), 0, { reverse: true }))).toEqual([1, 2 ** -1000, 0, 2 ** -1000]);
    expect(arr(ad.cumprod(ad.tensor([2 ** -1000, 2 ** -1000, 2 ** 1000, 2]), 0, { exclusive: true }))).toEqual([1, 2 ** -1000, 0, 2 ** -1000]);
  });
});
