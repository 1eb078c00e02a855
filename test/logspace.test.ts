/** @file logaddexp, logSigmoid, xlogy, variance and std: stable values, NumPy/SciPy conventions, gradients at −∞ and at x = 0. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const values = (t: Tensor) => Array.from(t.toFloat64Array());

describe('logaddexp', () => {
  it('is stable, and handles infinities as NumPy', () => {
    expect(values(ad.logaddexp(ad.tensor([1000, -1000, 0, 0]), ad.tensor([1000, -1000, -800, 1e-20])))).toEqual(
      [1000 + Math.LN2, -1000 + Math.LN2, Math.log1p(Math.exp(-800)), Math.LN2 + 5e-21]);
    expect(values(ad.logaddexp(ad.tensor([-Infinity, Infinity, Infinity, -Infinity, NaN]), ad.tensor([-Infinity, Infinity, -Infinity, 3, 0]))))
      .toEqual([-Infinity, Infinity, Infinity, 3, NaN]);
  });
  it('equals logsumexp of the pair, and its gradient is the softmax pair', () => {
    const a = ad.tensor([0.3, -2, 40]);
    const b = ad.tensor([1.1, 5, -40]);
    expect(values(ad.logaddexp(a, b))).toEqual(values(ad.logsumexp(ad.stack([a, b]), 0)));
    const [ga, gb] = ad.grad((x: Tensor, y: Tensor) => ad.sum(ad.logaddexp(x, y)), [0, 1])(a, b) as Tensor[];
    const w = values(ad.softmax(ad.stack([a, b]), 0));
    values(ga!).forEach((v, i) => expect(v).toBeCloseTo(w[i]!, 15));
    values(gb!).forEach((v, i) => expect(v).toBeCloseTo(w[3 + i]!, 15));
  });
  it('both −∞: −∞ with a zero gradient, to second order; a tie splits the cotangent', () => {
    const f = (v: Tensor) => ad.logaddexp(ad.take(v, 0, 0), ad.take(v, 1, 0));
    expect(values(ad.grad(f)(ad.tensor([-Infinity, -Infinity])))).toEqual([0, 0]);
    expect(ad.hessian(f)(ad.tensor([-Infinity, -Infinity])).toArray()).toEqual([[0, 0], [0, 0]]);
    expect(values(ad.grad(f)(ad.tensor([Infinity, Infinity])))).toEqual([0.5, 0.5]);
    expect(ad.hessian(f)(ad.tensor([2, 2])).toArray()).toEqual([[0.25, -0.25], [-0.25, 0.25]]);
  });
});

describe('logSigmoid', () => {
  it('never overflows or cancels', () => {
    expect(values(ad.logSigmoid(ad.tensor([-1000, 0, 40, 800])))).toEqual([-1000, -Math.LN2, -Math.exp(-40), -0]);
    expect(ad.grad(ad.logSigmoid)(-1000).item()).toBe(1);
    expect(ad.grad(ad.logSigmoid)(40).item()).toBe(ad.sigmoid(-40).item());
  });
});

describe('xlogy', () => {
  it('is 0 wherever x = 0 (y = 0 and ∞ included) unless y is NaN, as SciPy', () => {
    expect(values(ad.xlogy(ad.tensor([0, 0, 0, 0, 1, 2]), ad.tensor([0, Infinity, -1, NaN, 0, Math.E])))).toEqual([0, 0, 0, NaN, -Infinity, 2]);
  });
  it('∂/∂y = x/y is 0 at x = 0, even at y = 0 (strong zero); ∂/∂x = log y', () => {
    const [gx, gy] = ad.grad(ad.xlogy, [0, 1])(0, 0) as Tensor[];
    expect([gx!.item(), gy!.item()]).toEqual([-Infinity, 0]);
    const [hx, hy] = ad.grad(ad.xlogy, [0, 1])(2, 4) as Tensor[];
    expect([hx!.item(), hy!.item()]).toEqual([Math.log(4), 0.5]);
    // The entropy −Σ p log p has gradient −(log p + 1): finite where p > 0, and p = 0 adds no NaN to the others.
    const entropy = (p: Tensor) => ad.neg(ad.sum(ad.xlogy(p, p)));
    const g = values(ad.grad(entropy)(ad.tensor([0.5, 0.5, 0])));
    expect(g.slice(0, 2)).toEqual([-(Math.log(0.5) + 1), -(Math.log(0.5) + 1)]);
    expect(ad.grad((y: Tensor) => ad.sum(ad.xlogy(ad.tensor([0, 1]), y)))(ad.tensor([0, 2])).toArray()).toEqual([0, 0.5]);
  });
});

describe('variance and std', () => {
  const x = ad.tensor([[1, 2, 4], [3, 3, 9]]);
  it('follow NumPy: ddof 0 by default, axis and keepdims as sum', () => {
    expect(ad.variance(x).item()).toBeCloseTo(59 / 9, 14);
    values(ad.variance(x, 1)).forEach((v, i) => expect(v).toBeCloseTo([14 / 9, 8][i]!, 15));
    expect(ad.variance(x, 0, { keepdims: true }).shape).toEqual([1, 3]);
    values(ad.variance(x, -1, { ddof: 1 })).forEach((v, i) => expect(v).toBeCloseTo([7 / 3, 12][i]!, 15));
    expect(values(ad.std(x, [0]))).toEqual([1, 0.5, 2.5]);
    expect(ad.std(ad.tensor([2, 4, 4, 4, 5, 5, 7, 9])).item()).toBe(2);
    expect(x.variance(1).toArray()).toEqual(ad.variance(x, 1).toArray());
    expect(ad.variance(5).item()).toBe(0); // 0-d
  });
  it('two passes: a large common offset does not cancel', () => {
    expect(ad.variance(ad.tensor([1e9 + 1, 1e9 + 2, 1e9 + 3])).item()).toBeCloseTo(2 / 3, 15);
  });
  it('N − ddof ≤ 0 gives ∞ or NaN, as NumPy', () => {
    expect(ad.variance(ad.tensor([1]), undefined, { ddof: 1 }).item()).toBeNaN();
    expect(ad.variance(ad.tensor([1, 2]), undefined, { ddof: 2 }).item()).toBe(Infinity);
  });
  it('gradients: 2(x − mean)/(N − ddof); std of equal entries has a zero gradient, not NaN', () => {
    const g = values(ad.grad((v: Tensor) => ad.variance(v, undefined, { ddof: 1 }))(ad.tensor([1, 2, 6])));
    expect(g).toEqual([2 * (1 - 3) / 2, 2 * (2 - 3) / 2, 2 * (6 - 3) / 2]);
    expect(values(ad.grad((v: Tensor) => ad.std(v))(ad.tensor([3, 3, 3])))).toEqual([0, 0, 0]);
  });
  it('bad options name the op and the fix', () => {
    expect(() => ad.variance(x, 0, { ddof: NaN })).toThrow(/^variance: ddof must be a finite number/);
    expect(() => ad.std(x, 0, { dof: 1 } as never)).toThrow(/^std: unknown option 'dof'/);
    expect(() => ad.variance(x, 2)).toThrow(ad.AdjointError);
  });
});
