/** @file The documented conventions: strong zeros, stable logsumexp, tie splitting, subgradients at kinks. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.data);

describe('strong zeros', () => {
  it('grad(x => where(x > 0, sqrt(x), 0))(0) is 0, not NaN', () => {
    const f = (x: Tensor) => ad.where(ad.greater(x, 0), ad.sqrt(x), 0);
    expect(ad.grad(f)(ad.tensor(0)).item()).toBe(0);
    expect(ad.grad(f)(ad.tensor(4)).item()).toBeCloseTo(0.25, 15);
    // and to second order, and in forward mode
    expect(ad.grad(ad.grad(f))(ad.tensor(0)).item()).toBe(0);
    expect(ad.jvp(f, [ad.tensor(0)], [ad.tensor(1)])[1].item()).toBe(0);
  });

  it('a zero cotangent through log at 0 contributes exactly zero', () => {
    const f = (x: Tensor) => ad.sum(ad.where(ad.greater(x, 0), ad.log(x), 0));
    expect(arr(ad.grad(f)(ad.tensor([0, 2])))).toEqual([0, 0.5]);
  });

  it('genuine NaNs still propagate', () => {
    expect(Number.isNaN(ad.grad((x: Tensor) => ad.sqrt(x))(ad.tensor(-1)).item())).toBe(true);
  });

  it('x² at 0 has derivative 0 through pow (no 0·log 0)', () => {
    expect(ad.grad((x: Tensor) => ad.pow(x, 2))(ad.tensor(0)).item()).toBe(0);
    const [da, db] = ad.grad((a: Tensor, b: Tensor) => ad.pow(a, b), [0, 1])(ad.tensor(0), ad.tensor(2));
    expect([da.item(), db.item()]).toEqual([0, 0]);
  });
});

describe('logsumexp', () => {
  it('of all −Infinity is −Infinity with gradient 0', () => {
    const x = ad.tensor([-Infinity, -Infinity, -Infinity]);
    expect(ad.logsumexp(x).item()).toBe(-Infinity);
    expect(arr(ad.grad((z: Tensor) => ad.logsumexp(z))(x))).toEqual([0, 0, 0]);
  });

  it('does not overflow on large inputs, and −Infinity entries get exactly zero gradient', () => {
    const x = ad.tensor([1000, 1000, -Infinity]);
    expect(ad.logsumexp(x).item()).toBeCloseTo(1000 + Math.log(2), 10);
    const g = arr(ad.grad((z: Tensor) => ad.logsumexp(z))(x));
    expect(g[0]).toBeCloseTo(0.5, 12);
    expect(g[1]).toBeCloseTo(0.5, 12);
    expect(g[2]).toBe(0);
  });

  it('reduces along an axis with rows of −Infinity', () => {
    const x = ad.tensor([[-Infinity, -Infinity], [0, 0]]);
    expect(arr(ad.logsumexp(x, 1))).toEqual([-Infinity, Math.log(2)]);
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.mul(ad.logsumexp(z, 1), ad.tensor([0, 1]))))(x))).toEqual([0, 0, 0.5, 0.5]);
  });
});

describe('ties and kinks', () => {
  it('max splits the cotangent equally among tied maxima', () => {
    expect(arr(ad.grad((x: Tensor) => ad.max(x))(ad.tensor([1, 3, 3])))).toEqual([0, 0.5, 0.5]);
    expect(arr(ad.grad((x: Tensor) => ad.min(x))(ad.tensor([2, 2, 2, 5])))).toEqual([1 / 3, 1 / 3, 1 / 3, 0]);
    const [ga, gb] = ad.grad((a: Tensor, b: Tensor) => ad.maximum(a, b), [0, 1])(ad.tensor(2), ad.tensor(2));
    expect([ga.item(), gb.item()]).toEqual([0.5, 0.5]);
  });

  it("abs'(0) = relu'(0) = 0", () => {
    expect(ad.grad((x: Tensor) => ad.abs(x))(ad.tensor(0)).item()).toBe(0);
    expect(ad.grad((x: Tensor) => ad.relu(x))(ad.tensor(0)).item()).toBe(0);
    expect(arr(ad.grad((x: Tensor) => ad.sum(ad.relu(x)))(ad.tensor([-1, 0, 2])))).toEqual([0, 0, 1]);
  });

  it("sqrt'(0) = +Infinity when the cotangent is non-zero", () => {
    expect(ad.grad((x: Tensor) => ad.sqrt(x))(ad.tensor(0)).item()).toBe(Infinity);
  });

  it('clip passes the gradient inside [lo, hi], boundaries included', () => {
    expect(arr(ad.grad((x: Tensor) => ad.sum(ad.clip(x, 0, 1)))(ad.tensor([-1, 0, 0.5, 1, 2])))).toEqual([0, 1, 1, 1, 0]);
  });
});

describe('stable forms', () => {
  it('sigmoid, softplus, logSoftmax stay finite at extreme inputs', () => {
    const x = ad.tensor([-1000, 0, 1000]);
    expect(arr(ad.sigmoid(x))).toEqual([0, 0.5, 1]);
    expect(arr(ad.softplus(x))).toEqual([0, Math.log(2), 1000]);
    expect(arr(ad.logSoftmax(x)).every(Number.isFinite)).toBe(true);
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.softplus(z)))(x))).toEqual([0, 0.5, 1]);
  });

  it('log1p and expm1 are accurate near 0', () => {
    expect(ad.log1p(1e-12).item()).toBe(Math.log1p(1e-12));
    expect(ad.expm1(1e-12).item()).toBe(Math.expm1(1e-12));
  });
});
