/** @file logAbsProd and SignedLog: exact where plain products underflow, exact zeros when sums cancel, and gradients that agree with plain arithmetic. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { SEED, expectNear } from './cases.js';

const arr = (t: Tensor) => Array.from(t.data);
const { SignedLog } = ad;

describe('logAbsProd', () => {
  it('10⁵ factors of 10⁻³: exact, where the plain product underflows to 0', () => {
    const x = ad.full([100000], 1e-3);
    expect(ad.prod(x).item()).toBe(0);
    const { sign, logAbs } = ad.logAbsProd(x);
    expect(sign.item()).toBe(1);
    expect(logAbs.item()).toBe(1e5 * Math.log(1e-3)); // no rounding error at all here
    // Summing 10⁵ logarithms left to right is what it replaces; it drifts.
    let loop = 0;
    for (let i = 0; i < 1e5; i++) loop += Math.log(1e-3);
    expect(Math.abs(loop - 1e5 * Math.log(1e-3))).toBeGreaterThan(0);
    // d logAbs / dx_i = 1 / x_i.
    const g = ad.grad((z: Tensor) => ad.logAbsProd(z).logAbs)(x);
    expect(arr(g).every((v) => Math.abs(v - 1000) <= 1e-9)).toBe(true);
  });

  it('overflow, mixed signs, a zero factor, subnormal factors, along an axis', () => {
    expect(ad.logAbsProd(ad.full([1000], -1e300)).logAbs.item()).toBeCloseTo(1000 * Math.log(1e300), 8);
    expect(ad.logAbsProd(ad.full([1000], -1e300)).sign.item()).toBe(1);
    expect(ad.logAbsProd(ad.full([999], -1e300)).sign.item()).toBe(-1);
    const withZero = ad.tensor([2, 0, -3]);
    expect(ad.logAbsProd(withZero).logAbs.item()).toBe(-Infinity);
    expect(ad.logAbsProd(withZero).sign.item()).toBe(0);
    expect(arr(ad.grad((z: Tensor) => ad.logAbsProd(z).logAbs)(withZero))).toEqual([0.5, 0, -1 / 3]);
    const tiny = ad.tensor([5e-324, 1e-310, 2]);
    expect(ad.logAbsProd(tiny).logAbs.item()).toBeCloseTo(Math.log(5e-324) + Math.log(1e-310) + Math.log(2), 10);
    const m = ad.tensor([[-2, 3], [0.5, 4]]);
    const r = ad.logAbsProd(m, 1, true);
    expect(r.sign.toArray()).toEqual([[-1], [1]]);
    expectNear(arr(r.logAbs), [Math.log(6), Math.log(2)], 1e-15);
  });

  it('agrees with log|prod| on random moderate factors, with its gradient (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }).chain((v) => fc.boolean().map((n) => (n ? -v : v))), { minLength: 1, maxLength: 20 }), (xs) => {
        const x = ad.tensor(xs);
        const p = xs.reduce((a, b) => a * b, 1);
        expect(ad.logAbsProd(x).sign.item()).toBe(Math.sign(p));
        expectNear([ad.logAbsProd(x).logAbs.item()], [Math.log(Math.abs(p))], 1e-13, [Math.max(1, Math.abs(Math.log(Math.abs(p))))]);
        expectNear(arr(ad.grad((z: Tensor) => ad.logAbsProd(z).logAbs)(x)), xs.map((v) => 1 / v), 1e-14);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe('SignedLog', () => {
  const values = [3, -2, 0.5, -0.25, 0];
  const sl = (v: number[]) => SignedLog.fromTensor(ad.tensor(v));

  it('converts to and from tensors, zero included', () => {
    const x = sl(values);
    expect(arr(x.sign)).toEqual([1, -1, 1, -1, 0]);
    expect(x.logAbs.data[4]).toBe(-Infinity);
    expectNear(arr(x.toTensor()), values, 1e-15);
  });

  it('mul, div, add, sub, neg agree with plain arithmetic', () => {
    const a = [3, -2, 0.5, -0.25, 0, 7], b = [-1.5, -2, 0.5, 4, 2, 0];
    const A = sl(a), B = sl(b);
    expectNear(arr(A.mul(B).toTensor()), a.map((v, i) => v * b[i]!), 1e-14);
    expectNear(arr(A.div(sl(b.map((v) => v || 1))).toTensor()), a.map((v, i) => v / (b[i]! || 1)), 1e-14);
    expectNear(arr(A.add(B).toTensor()), a.map((v, i) => v + b[i]!), 1e-14);
    expectNear(arr(A.sub(B).toTensor()), a.map((v, i) => v - b[i]!), 1e-14);
    expectNear(arr(A.neg().toTensor()), a.map((v) => -v), 1e-15);
    expectNear(arr(A.add(2).toTensor()), a.map((v) => v + 2), 1e-14);
  });

  it('a zero divisor gives ±∞ with the numerator’s sign (0/0 NaN), as x/0 in IEEE: it gave 0', () => {
    const q = sl([2, -3, 0]).div(sl([0, 0, 0]));
    expect(arr(q.sign)).toEqual([1, -1, 0]);
    expect(arr(q.toTensor())).toEqual([Infinity, -Infinity, NaN]);
    expect(arr(sl([1]).div(sl([0])).mul(ad.tensor([5])).toTensor())).toEqual([Infinity]);
    expect(arr(ad.grad((z: Tensor) => ad.sum(ad.SignedLog.fromTensor(z).div(sl([0])).toTensor()))(ad.tensor([2])))).toEqual([Infinity]);
  });

  it('terms that cancel give an exact zero: log-magnitude −∞ and sign 0', () => {
    const r = sl([2.5, -1e-300]).add(sl([-2.5, 1e-300]));
    expect(arr(r.logAbs)).toEqual([-Infinity, -Infinity]);
    expect(arr(r.sign)).toEqual([0, 0]);
    const s = new SignedLog(ad.tensor([1, -1, 1, -1]), ad.tensor([-700, -2, -2, -700])).sum();
    expect(s.logAbs.item()).toBe(-Infinity);
    expect(s.sign.item()).toBe(0);
    // 1e-200 − 3e-200 + 2e-200 of rounded logs is not exactly 0: signedSum.test.ts checks it against exact arithmetic.
    expect(sl([1e-200, -3e-200, 2e-200]).sum().sign.item()).not.toBe(0);
    // 0 + 0 and 0 − 0
    expect(sl([0]).add(sl([0])).logAbs.item()).toBe(-Infinity);
    expect(sl([0]).sub(sl([0])).sign.item()).toBe(0);
  });

  it('near cancellation keeps its relative accuracy (expm1)', () => {
    const a = SignedLog.fromLog(ad.log1p(ad.tensor(1e-12)));
    const d = a.sub(SignedLog.fromLog(0));
    expect(d.sign.item()).toBe(1);
    expect(d.logAbs.item()).toBeCloseTo(Math.log(1e-12), 9);
  });

  it('sums and products along an axis far outside float64', () => {
    // Each term e^{-1000 ± …}: the plain tensors are all 0, the log-space sum is exact.
    const logs = ad.tensor([[-1000, -1001, -1002], [-2000, -2000, -5]]);
    const signs = ad.tensor([[1, -1, 1], [1, -1, 1]]);
    const x = new SignedLog(signs, logs);
    const s = x.sum(1);
    const row0 = -1000 + Math.log(1 - Math.exp(-1) + Math.exp(-2));
    expectNear(arr(s.logAbs), [row0, -5], 1e-14);
    expect(arr(s.sign)).toEqual([1, 1]);
    const p = x.prod(1, true);
    expect(p.shape).toEqual([2, 1]);
    expect(arr(p.logAbs)).toEqual([-3003, -4005]);
    expect(arr(p.sign)).toEqual([-1, -1]);
    expect(arr(x.prod().sign)).toEqual([1]);
  });

  it('gradients through every operation agree with plain arithmetic', () => {
    const a = ad.tensor([3, -2, 0.5, -0.25]), b = ad.tensor([-1.5, 0.7, 0.5, 4]);
    const viaLog = (x: Tensor, y: Tensor) => {
      const X = SignedLog.fromTensor(x), Y = SignedLog.fromTensor(y);
      return X.mul(Y).add(X.div(Y)).sub(Y).sum().toTensor();
    };
    const plain = (x: Tensor, y: Tensor) => ad.sum(ad.sub(ad.add(ad.mul(x, y), ad.div(x, y)), y));
    expect(viaLog(a, b).item()).toBeCloseTo(plain(a, b).item(), 13);
    const g1 = ad.grad(viaLog, [0, 1])(a, b) as Tensor[];
    const g2 = ad.grad(plain, [0, 1])(a, b) as Tensor[];
    g1.forEach((g, i) => expectNear(arr(g), arr(g2[i]!), 1e-12));
    const v = [ad.tensor([1, -1, 0.5, 2]), ad.tensor([0.3, 0.2, -1, 1])];
    const h1 = ad.hvp((xs: Tensor[]) => viaLog(xs[0]!, xs[1]!), [a, b], v) as Tensor[];
    const h2 = ad.hvp((xs: Tensor[]) => plain(xs[0]!, xs[1]!), [a, b], v) as Tensor[];
    h1.forEach((h, i) => expectNear(arr(h), arr(h2[i]!), 1e-11, arr(h2[i]!).map(() => 1)));
  });

  it('the log-magnitude of a sum is differentiated smoothly, even at ties, to second order', () => {
    // log(e^a + e^b) at a = b: first derivatives 1/2, second derivatives ±1/4.
    const f = (x: Tensor) => SignedLog.fromLog(ad.take(x, [0], 0)).add(SignedLog.fromLog(ad.take(x, [1], 0))).logAbs.sum();
    const x = ad.tensor([0.3, 0.3]);
    expectNear(arr(ad.grad(f)(x)), [0.5, 0.5], 1e-15);
    const H = ad.hessian(f)(x).toArray() as number[][];
    expectNear(H.flat(), [0.25, -0.25, -0.25, 0.25], 1e-15);
    expect(ad.checkGrad((z: Tensor) => SignedLog.fromTensor(z).sum().logAbs, [ad.tensor([2, -0.5, 1.5, -1])]).ok).toBe(true);
  });
});

describe('SignedLog at exact zeros, to second order', () => {
  // The oracle: the same arithmetic on plain tensors, whose Hessians are exact at zeros (ad.prod's to every order).
  const forms: Array<[string, (s: (x: Tensor) => ad.SignedLog, x: Tensor) => Tensor, (x: Tensor) => Tensor]> = [
    ['square of a sum', (s, x) => ad.square(s(x).sum().toTensor()), (x) => ad.square(ad.sum(x))],
    ['log|sum|', (s, x) => s(x).sum().logAbs, (x) => ad.log(ad.abs(ad.sum(x)))],
    ['sum of x·x', (s, x) => s(x).mul(s(x)).sum().toTensor(), (x) => ad.sum(ad.mul(x, x))],
    ['product', (s, x) => s(x).prod().toTensor(), (x) => ad.prod(x)],
    ['rows of a product, summed', (s, x) => s(ad.reshape(x, [2, 3])).prod(1).sum().toTensor(), (x) => ad.sum(ad.prod(ad.reshape(x, [2, 3]), 1))],
    ['sum of x/(x + 1)', (s, x) => s(x).div(s(ad.add(x, 1))).sum().toTensor(), (x) => ad.sum(ad.div(x, ad.add(x, 1)))],
  ];
  it.each(forms)('%s: the Hessian of plain arithmetic, with 0 to 3 zeros (property)', (_name, viaLog, plain) => {
    fc.assert(fc.property(fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 6, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (ints, zeroed) => {
      const values = ints.map((v, i) => (zeroed[i] && zeroed.filter(Boolean).length <= 3 ? 0 : v + 0.25 * Math.sign(v || 1)));
      const x = ad.tensor(values);
      if (values.reduce((a, b) => a + b, 0) === 0 && _name === 'log|sum|') return; // log|0|: no derivative
      const want = [...ad.hessian(plain)(x).toFloat64Array()];
      const got = [...ad.hessian((t: Tensor) => viaLog((u) => ad.SignedLog.fromTensor(u), t))(x).toFloat64Array()];
      const size = Math.max(1, ...want.map(Math.abs));
      expect(got.map((g, i) => Math.abs(g - want[i]!) <= 1e-12 * size)).toEqual(want.map(() => true));
    }), { numRuns: 60, seed: SEED });
  });
});
