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

describe("prod's cotangent in every mode: ḡ folded into each leave-one-out product before it leaves the range", () => {
  // x = [2¹⁰⁰⁰, 2¹⁰⁰⁰, 2⁻¹⁰⁰⁰]: y = 2¹⁰⁰⁰ and the gradient of log y is 1/x = [2⁻¹⁰⁰⁰, 2⁻¹⁰⁰⁰, 2¹⁰⁰⁰],
  // but L₂ = 2²⁰⁰⁰ = ∞: ḡ·L with ḡ = 2⁻¹⁰⁰⁰ applied afterwards gave ∞ under vmap, jacrev and
  // forward-over-reverse, where eager grad (the fused kernel) was exact (a review of fused against
  // generic rules).
  const x = ad.tensor([2 ** 1000, 2 ** 1000, 2 ** -1000]);
  const logProd = (v: Tensor) => ad.log(ad.prod(v));
  const want = [2 ** -1000, 2 ** -1000, 2 ** 1000];

  it('grad, jit(grad), vmap(grad), jit(vmap(grad)) and jacrev agree with 1/x', () => {
    expect(arr(ad.grad(logProd)(x))).toEqual(want);
    expect(arr(ad.jit(ad.grad(logProd))(x))).toEqual(want);
    expect(arr(ad.vmap(ad.grad(logProd))(ad.reshape(x, [1, 3])) as Tensor)).toEqual(want);
    expect(arr(ad.jit(ad.vmap(ad.grad(logProd)))(ad.reshape(x, [1, 3])) as Tensor)).toEqual(want);
    expect(arr(ad.jacrev(logProd)(x))).toEqual(want);
  });

  it('a zero factor: ḡ · Π of the others, in range although that product is not', () => {
    const f = (v: Tensor) => ad.mul(ad.prod(v), 2 ** -1000);
    const z = ad.tensor([0, 2 ** 1000, 2 ** 1000, 2]); // x̄₀ = 2⁻¹⁰⁰⁰ · 2²⁰⁰¹ = 2¹⁰⁰¹
    expect(arr(ad.grad(f)(z))).toEqual([2 ** 1001, 0, 0, 0]);
    expect(arr(ad.vmap(ad.grad(f))(ad.reshape(z, [1, 4])) as Tensor)).toEqual([2 ** 1001, 0, 0, 0]);
  });

  it('the generic cotangent is the fused one bit for bit on ordinary rows (vmap against grad)', () => {
    const rows = ad.tensor([[1.1, -2.3, 0.7, 3.9], [0, 2, 5, -1], [0, 0, 3, 1], [1e-200, 1e-200, 1e150, 7]]);
    for (let r = 0; r < 4; r++) {
      const row = ad.take(rows, [r], 0);
      const f = (v: Tensor) => ad.sum(ad.mul(ad.prod(v, 1), 1.5));
      expect(arr(ad.vmap(ad.grad(f))(ad.expandDims(row, 0)) as Tensor)).toEqual(arr(ad.grad(f)(row)));
    }
  });
});
