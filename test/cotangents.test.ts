/** @file Cotangent accumulation: in-place sums and sparse slice/take contributions give the same gradients as dense ones. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const E0 = ad.random.normal([6, 3], 1);
const W = ad.random.normal([6, 3], 2);

/** Mixes dense uses of E with many row slices and gathers, in varying order. */
function mixed(E: Tensor): Tensor {
  let acc = ad.sum(ad.mul(E, W));
  for (let t = 0; t < 6; t++) {
    const row = ad.reshape(ad.take(E, [t], 0), [3]);
    const win = ad.slice(E, [t, 0], [1, 3]);
    acc = ad.add(acc, ad.mul(ad.sum(ad.sin(row)), t + 1));
    acc = ad.add(acc, ad.sum(ad.square(win)));
    if (t % 2 === 0) acc = ad.add(acc, ad.sum(ad.mul(E, 0.5)));
  }
  return acc;
}

/** The same function with the gathers written as dense masks (no slice/take). */
function dense(E: Tensor): Tensor {
  let acc = ad.sum(ad.mul(E, W));
  for (let t = 0; t < 6; t++) {
    const mask = ad.tensor(Array.from({ length: 18 }, (_, i) => (Math.floor(i / 3) === t ? 1 : 0)), [6, 3]);
    const row = ad.sum(ad.mul(E, mask), 0);
    acc = ad.add(acc, ad.mul(ad.sum(ad.sin(row)), t + 1));
    acc = ad.add(acc, ad.sum(ad.square(ad.mul(E, mask))));
    if (t % 2 === 0) acc = ad.add(acc, ad.sum(ad.mul(E, 0.5)));
  }
  return acc;
}

describe('cotangent accumulation', () => {
  it('sparse slice/take contributions equal dense ones, at first and second order', () => {
    const g1 = ad.grad(mixed)(E0).toFloat64Array();
    const g2 = ad.grad(dense)(E0).toFloat64Array();
    g1.forEach((v, i) => expect(v).toBeCloseTo(g2[i]!, 12));
    const V = ad.random.normal([6, 3], 3);
    const h1 = ad.hvp(mixed, E0, V).toFloat64Array();
    const h2 = ad.hvp(dense, E0, V).toFloat64Array();
    h1.forEach((v, i) => expect(v).toBeCloseTo(h2[i]!, 12));
  });

  it('a pullback called twice does not reuse an accumulated buffer', () => {
    const [, pullback] = ad.vjp((E: Tensor) => ad.add(ad.take(E, [0, 0, 1], 0), ad.take(E, [1, 1, 0], 0)), E0);
    const ct = ad.ones([3, 3]);
    const a = pullback(ct)[0].toFloat64Array();
    const b = pullback(ct)[0].toFloat64Array();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(a.slice(0, 3))).toEqual([3, 3, 3]);
  });

  it('a cotangent shared by two parents is not mutated', () => {
    // y = x + x: add's rule hands the same cotangent to both inputs, which meet again at x.
    const g = ad.grad((x: Tensor) => ad.sum(ad.mul(ad.add(x, x), ad.add(x, 1))))(ad.tensor([1, 2]));
    expect(g.toArray()).toEqual([6, 10]); // d/dx 2x(x+1) = 4x + 2
  });
});
