/** @file SignedLog sums against exact arithmetic (a BigInt fixed-point oracle): exact for exact cancellation, within the documented bound otherwise; and derivatives at exact zeros. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { SignedLog, type Tensor } from 'adjoint';
import { signedLogSumOracle } from './oracle.js';

const u = 2 ** -53;
const arr = (t: Tensor) => Array.from(t.toFloat64Array());
/** Agreement to a few roundings (the log-space path rounds e^{log x}). */
const expectNear = (got: number[], want: number[]) => got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(8 * u * Math.max(1, Math.abs(want[i]!))));

/** The documented bound on |S̃ − S|, relative to |S|: 2u·Σ|tᵢ|(1 + |lᵢ − M|)/|S|, plus u·(|M| + |log|S||) from rounding logAbs, M the largest log that does not cancel. */
function relativeBound(signs: number[], logs: number[], logS: number): number {
  const net = new Map<number, number>();
  logs.forEach((l, i) => net.set(l, (net.get(l) ?? 0) + signs[i]!));
  const kept = [...net].filter(([l, c]) => c !== 0 && l > -Infinity);
  const M = Math.max(...kept.map(([l]) => l));
  const weighted = kept.reduce((a, [l, c]) => a + Math.abs(c) * Math.exp(l - logS) * (1 + Math.abs(l - M)), 0);
  return 2 * u * weighted + 2 * u * (Math.abs(M) + Math.abs(logS)) + 4 * u;
}

function expectAccurateSum(signs: number[], logs: number[]): void {
  const got = new SignedLog(ad.tensor(signs), ad.tensor(logs)).sum();
  const want = signedLogSumOracle(signs, logs);
  expect(got.sign.item()).toBe(want.sign);
  if (want.sign === 0) {
    expect(got.logAbs.item()).toBe(-Infinity);
    return;
  }
  const relative = Math.abs(Math.expm1(got.logAbs.item() - want.logAbs));
  expect(relative).toBeLessThanOrEqual(relativeBound(signs, logs, want.logAbs));
}

describe('SignedLog.sum against exact arithmetic', () => {
  it('issue #12: e^800 − e^800 + e^−5 − e^−5.000001 is 6.7e−9, not an exact zero', () => {
    const signs = [1, -1, 1, -1], logs = [800, 800, -5, -5.000001];
    const s = new SignedLog(ad.tensor(signs), ad.tensor(logs)).sum();
    expect(s.sign.item()).toBe(1);
    const truth = signedLogSumOracle(signs, logs);
    expect(Math.exp(truth.logAbs)).toBeCloseTo(6.7379e-9, 12);
    expect(Math.abs(s.logAbs.item() - truth.logAbs)).toBeLessThan(1e-12); // expm1 keeps the difference's accuracy
    expectAccurateSum(signs, logs);
  });

  it('exact cancellation is exact at any magnitude, in any order, along any axis', () => {
    const logs = ad.tensor([[700, -3, 700, 1e-300, -3, 1e-300], [-1e5, 2, -1e5, 2, 5, 5]]);
    const signs = ad.tensor([[1, 1, -1, -1, -1, 1], [-1, 1, 1, -1, 1, -1]]);
    const s = new SignedLog(signs, logs).sum(1);
    expect(arr(s.sign)).toEqual([0, 0]);
    expect(arr(s.logAbs)).toEqual([-Infinity, -Infinity]);
    const cols = new SignedLog(ad.transpose(signs), ad.transpose(logs)).sum(0);
    expect(arr(cols.sign)).toEqual([0, 0]);
  });

  it('terms that look like they cancel but do not (rounded logs) get their true small sum', () => {
    // log(1e-200), log(3e-200), log(2e-200) are rounded: 1 − 3 + 2 of them is not exactly 0.
    const logs = [1e-200, 3e-200, 2e-200].map(Math.log), signs = [1, -1, 1];
    expectAccurateSum(signs, logs);
  });

  it('agrees with the oracle on random terms across 2,000 orders of magnitude, with repeats that cancel (fast-check)', () => {
    const term = fc.record({ s: fc.constantFrom(-1, 1), l: fc.double({ min: -1000, max: 1000, noNaN: true }) });
    fc.assert(fc.property(fc.array(term, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(11), { maxLength: 6 }), (terms, repeats) => {
      // Add the negation of some terms: those pairs cancel exactly.
      const all = [...terms, ...repeats.filter((i) => i < terms.length).map((i) => ({ s: -terms[i]!.s, l: terms[i]!.l }))];
      expectAccurateSum(all.map((t) => t.s), all.map((t) => t.l));
    }), { numRuns: 200 });
  });

  it('agrees with the naive float sum where that is accurate (moderate terms of one sign)', () => {
    const x = [0.5, 2, 3.25, 1e-3, 7];
    const s = SignedLog.fromTensor(ad.tensor(x)).sum();
    expect(Math.abs(Math.exp(s.logAbs.item()) - x.reduce((a, b) => a + b, 0))).toBeLessThan(4 * u * 13);
  });

  it('zeros, infinities and NaN', () => {
    const sumOf = (signs: number[], logs: number[]) => new SignedLog(ad.tensor(signs), ad.tensor(logs)).sum();
    expect(sumOf([0, 0], [-Infinity, -Infinity]).logAbs.item()).toBe(-Infinity);
    expect(sumOf([1, -1], [Infinity, 3]).sign.item()).toBe(1);
    expect(sumOf([1, -1], [Infinity, 3]).logAbs.item()).toBe(Infinity);
    expect(sumOf([1, -1], [Infinity, Infinity]).logAbs.item()).toBeNaN(); // ∞ − ∞
    expect(sumOf([1, 1], [NaN, 0]).logAbs.item()).toBeNaN();
  });
});

describe('SignedLog derivatives at exact zeros', () => {
  const viaLog = (f: (x: SignedLog) => SignedLog) => (x: Tensor) => ad.sum(f(SignedLog.fromTensor(x)).toTensor());

  it('issue #12: a sum that is exactly zero has the gradient of Σxᵢ', () => {
    expect(arr(ad.grad(viaLog((x) => x.sum()))(ad.tensor([2.5, -2.5])))).toEqual([1, 1]);
    expectNear(arr(ad.grad(viaLog((x) => x.sum()))(ad.tensor([0, 3]))), [1, 1]); // a zero term in a non-zero sum
    expect(arr(ad.grad(viaLog((x) => x))(ad.tensor([0, -2])))).toEqual([1, 1]); // conversion at 0
  });

  it('a + b and a − b that cancel exactly, and their forward-mode derivative', () => {
    const a = ad.tensor([1.5, 0, -4]), b = ad.tensor([-1.5, 0, 4]);
    const added = (x: Tensor, y: Tensor) => ad.sum(SignedLog.fromTensor(x).add(SignedLog.fromTensor(y)).toTensor());
    const [ga, gb] = ad.grad(added, [0, 1])(a, b) as Tensor[];
    expect(arr(ga!)).toEqual([1, 1, 1]);
    expect(arr(gb!)).toEqual([1, 1, 1]);
    const diff = (x: Tensor) => ad.sum(SignedLog.fromTensor(x).sub(SignedLog.fromTensor(ad.tensor([1.5, 0, -4]))).toTensor());
    const [, tangent] = ad.jvp(diff, [ad.tensor([1.5, 0, -4])], [ad.tensor([1, 2, 3])]);
    expect(tangent.item()).toBe(6);
  });

  it('products and quotients with zero factors match ad.prod and plain arithmetic', () => {
    for (const x of [[2, 0, 5], [0, 0, 5], [3, -2, 0.5]]) {
      const g = ad.grad(viaLog((v) => v.prod()))(ad.tensor(x));
      expectNear(arr(g), arr(ad.grad((v: Tensor) => ad.prod(v))(ad.tensor(x))));
    }
    const mulGrad = ad.grad((a: Tensor, b: Tensor) => ad.sum(SignedLog.fromTensor(a).mul(SignedLog.fromTensor(b)).toTensor()), [0, 1]);
    const [da, db] = mulGrad(ad.tensor([0, 2, 0]), ad.tensor([3, 0, 0])) as Tensor[];
    expectNear(arr(da!), [3, 0, 0]);
    expectNear(arr(db!), [0, 2, 0]);
    const divGrad = ad.grad((a: Tensor) => ad.sum(SignedLog.fromTensor(a).div(4).toTensor()));
    expectNear(arr(divGrad(ad.tensor([0, 2]))), [0.25, 0.25]);
  });

  it('away from zeros the derivatives are unchanged: checkGrad to second order through a cancelling sum', () => {
    const f = (x: Tensor) => SignedLog.fromTensor(x).mul(SignedLog.fromTensor(ad.tensor([1, -1, 2]))).sum().logAbs;
    expect(ad.checkGrad(f, [ad.tensor([2, 1.5, -0.3])], { order: 2 }).ok).toBe(true);
  });
});
