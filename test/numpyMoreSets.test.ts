/**
 * @file More of jax.numpy (src/ops/numpyPolynomials.ts, numpySets.ts, numpyWindows.ts,
 * numpyHistograms.ts, numpyComposition.ts) against NumPy 1.24's values, embedded by
 * test/numpyMoreReference.py (np.poly of roots and of matrices, polyadd/sub/mul/div/der/int,
 * vander, polyfit with degrees 0–5, weights and two right-hand sides; union1d, intersect1d with
 * return_indices, setdiff1d, setxor1d with NaN and −0; the five windows at M = 0, 1, 2, 5, 12 and
 * kaiser's β; histogramdd / histogram2d with counts, edges, ranges, density, weights, NaN;
 * apply_along_axis; block), with gradient checks (second order) and vmap/jit against eager.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { ref } from './numpyMoreReference.js';
import { batched, close, gradOk, T, type Nested } from './support/numpyCompare.js';

describe('polynomials', () => {
  const p1 = ad.tensor([3, -1, 2, 5]), p2 = ad.tensor([2, 0.5]);
  it('as NumPy (poly of a matrix by Faddeev–LeVerrier: within 1e-14)', () => {
    close(ad.poly(ad.tensor([1.5, -2, 0.25, 3])), ref.poly);
    close(ad.poly(ad.tensor([[2, 1, 0], [1, 3, 1], [0, 1, 4]])), ref.polyM, 1e-14);
    close(ad.poly(ad.tensor([[1, 2], [3, 4]])), ref.polyM2, 1e-14);
    expect(ad.poly(ad.zeros([0])).toArray()).toEqual(1);
    close(ad.polyadd(p1, p2), ref.polyadd);
    close(ad.polysub(p2, p1), ref.polysub);
    close(ad.polymul(p1, p2), ref.polymul);
    const cases: Array<[ad.Tensor, ad.Tensor]> = [[p1, p2], [ad.tensor([1, -3, 2]), ad.tensor([1, -1])], [p2, p1], [ad.tensor([4, 2, -6, 1, 1]), ad.tensor([2, 0, 1])]];
    cases.forEach(([u, v], k) => {
      const [q, r] = ad.polydiv(u, v, { trimLeadingZeros: true });
      close(q, ref.polydiv[k][0]);
      close(r, ref.polydiv[k][1]);
    });
    const [, untrimmed] = ad.polydiv(ad.tensor([1, -3, 2]), ad.tensor([1, -1]));
    expect(untrimmed.toArray()).toEqual([0, 0, 0]); // jnp's default: u's length
    [0, 1, 2, 3, 4].forEach((m) => close(ad.polyder(p1, m), ref.polyder[m]));
    close(ad.polyint(p1), ref.polyint[0], 1e-16);
    close(ad.polyint(p1, 2), ref.polyint[1], 1e-16);
    close(ad.polyint(p1, 2, ad.tensor([1, -2])), ref.polyint[2], 1e-16);
    close(ad.polyint(p1, 3, 4), ref.polyint[3], 1e-16);
    const vx = ad.tensor([0.5, -1, 2, 3]);
    close(ad.vander(vx), ref.vander[0]);
    close(ad.vander(vx, 3, true), ref.vander[1]);
    close(ad.vander(vx, 6), ref.vander[2]);
    close(ad.vander(vx, 0), ref.vander[3]);
    close(ad.vander(vx, 1), ref.vander[4]);
  });
  it('polyfit as NumPy: degrees 0–5, weights, two right-hand sides (within 1e-11)', () => {
    const [fx, fy, fw] = [T(ref.fx), T(ref.fy), T(ref.fw)];
    [0, 1, 3, 5].forEach((d, k) => close(ad.polyfit(fx, fy, d), ref.polyfit[k], 1e-11));
    close(ad.polyfit(fx, fy, 3, { w: fw }), ref.polyfit[4], 1e-11);
    close(ad.polyfit(fx, ad.stack([fy, ad.square(fx)], 1), 2), ref.polyfit[5], 1e-11);
    expect(() => ad.polyfit(fx, ad.zeros([3]), 1)).toThrow(/polyfit: y of shape \[3\] must be \[9\]/);
    expect(() => ad.polyfit(fx, fy, 1, { w: ad.ones([2]) })).toThrow(/polyfit: w of shape \[2\] must be \[9\]/);
    expect(() => ad.polyint(p1, 3, ad.tensor([1, 2]))).toThrow(/polyint: k has 2 constants for 3 integrations/);
    expect(() => ad.polyder(p1, -1)).toThrow(/polyder: the order m must be a whole number/);
    expect(() => ad.poly(ad.zeros([2, 3]))).toThrow(/poly: seqOfZeros must be 1-d .* or a square matrix/);
  });
  it('gradients (second order) in roots, coefficients, samples and weights; vmap, jit', () => {
    gradOk((r) => ad.poly(r), ad.tensor([1.5, -2, 0.25]));
    gradOk((a) => ad.poly(ad.reshape(a, [2, 2])), ad.tensor([1, 2, 3, 4]));
    gradOk((u) => ad.concat(ad.polydiv(u, ad.tensor([2, 0.5, 1])), 0), ad.tensor([3, -1, 2, 5]));
    gradOk((v) => ad.concat(ad.polydiv(ad.tensor([3, -1, 2, 5]), v), 0), ad.tensor([2, 0.5, 1]));
    gradOk((p) => ad.polyint(ad.polyder(p, 1), 2, ad.square(p).reshape([-1]).take([0, 1], 0)), ad.tensor([3, -1, 2, 5]));
    gradOk((x) => ad.vander(x, 4), ad.tensor([0, -1, 2]));
    const fx = T(ref.fx), fy = T(ref.fy), fw = T(ref.fw);
    gradOk((y) => ad.polyfit(fx, y, 3, { w: fw }), fy);
    gradOk((x) => ad.polyfit(x, fy, 2), fx, 1);
    gradOk((w) => ad.polyfit(fx, fy, 2, { w }), fw, 1);
    batched((r) => ad.poly(r), [ad.tensor([1, 2, 3]), ad.tensor([-1, 0.5, 4])]);
    batched((y) => ad.polyfit(fx, y, 2), [fy, ad.square(fx)], 1e-12);
  });
});

describe('set operations', () => {
  const s1 = T(ref.s1), s2 = T(ref.s2);
  it('as NumPy: sorted, NaN last, −0 and 0 one value, intersect1d\'s first positions', () => {
    close(ad.union1d(s1, s2), ref.union1d);
    const [v, i1, i2] = ad.intersect1d(s1, s2, { returnIndices: true });
    close(v, ref.intersect1d[0]);
    close(i1, ref.intersect1d[1]);
    close(i2, ref.intersect1d[2]);
    close(ad.intersect1d(s1, s2), ref.intersect1d[0]);
    close(ad.setdiff1d(s1, s2), ref.setdiff1d[0]);
    close(ad.setdiff1d(s2, s1), ref.setdiff1d[1]);
    close(ad.setxor1d(s1, s2), ref.setxor1d);
    expect(ad.union1d(ad.zeros([0]), ad.zeros([0])).shape).toEqual([0]);
    expect(ad.setxor1d(ad.zeros([0]), ad.tensor([2, 1, 2])).toArray()).toEqual([1, 2]);
    expect(ad.intersect1d(ad.tensor([1]), ad.zeros([0])).shape).toEqual([0]);
    expect(() => ad.setdiff1d(s1, s2, { assumeUnique: true } as never)).toThrow(/setdiff1d: unknown option 'assumeUnique'/);
  });
  it('{ size, fillValue }: the first size values, padded (default the smallest); vmap and jit equal eager', () => {
    expect(ad.union1d(ad.tensor([3, 1]), ad.tensor([2]), { size: 5 }).toArray()).toEqual([1, 2, 3, 1, 1]);
    expect(ad.setxor1d(ad.tensor([1, 2, 3, 2]), ad.tensor([2, 3, 5]), { size: 4, fillValue: -1 }).toArray()).toEqual([1, 5, -1, -1]);
    expect(ad.setdiff1d(ad.tensor([5, 1, 3]), ad.tensor([3]), { size: 1 }).toArray()).toEqual([1]);
    const [v, i1, i2] = ad.intersect1d(ad.tensor([4, 1, 3, 1]), ad.tensor([1, 3, 3]), { size: 3, fillValue: NaN, returnIndices: true });
    expect([v.toArray(), i1.toArray(), i2.toArray()]).toEqual([[1, 3, NaN], [1, 2, 0], [0, 1, 0]]);
    const other = ad.tensor([2, 3, 9]);
    batched((x) => ad.union1d(x, other, { size: 6, fillValue: 0 }), [ad.tensor([3, 1, 3, 7]), ad.tensor([9, 9, 9, 9])]);
    batched((x) => ad.intersect1d(x, other, { size: 3, fillValue: -1 }), [ad.tensor([3, 1, 3, 9]), ad.tensor([0, 0, 0, 0])]);
    batched((x) => ad.setdiff1d(x, other, { size: 3, fillValue: -1 }), [ad.tensor([3, 1, 3, 7]), ad.tensor([2, 2, 9, 9])]);
    batched((x) => ad.setxor1d(x, other, { size: 5, fillValue: -1 }), [ad.tensor([3, 1, 3, 7]), ad.tensor([2, 2, 9, 9])]);
    expect(() => ad.vmap((x: ad.Tensor) => ad.setdiff1d(x, other))(ad.zeros([2, 3]))).toThrow(/setdiff1d: under vmap .*\{ size \}/);
  });
  it('differentiable: each value\'s cotangent to its first occurrence', () => {
    const g = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(ad.setdiff1d(x, ad.tensor([3])), ad.tensor([1, 10]))))(ad.tensor([5, 1, 3, 1]));
    expect(g.toArray()).toEqual([10, 1, 0, 0]);
    const h = ad.grad((x: ad.Tensor) => ad.sum(ad.mul(ad.setxor1d(x, ad.tensor([2, 7]), { size: 3, fillValue: 0 }), ad.tensor([1, 10, 100]))))(ad.tensor([4, 2, 1]));
    expect(h.toArray()).toEqual([10, 0, 1]);
  });
});

describe('window functions', () => {
  it('as NumPy (within 2 ulp: cos is V8\'s, NumPy\'s glibc\'s)', () => {
    const fns = { bartlett: ad.bartlett, blackman: ad.blackman, hamming: ad.hamming, hanning: ad.hanning };
    for (const [name, f] of Object.entries(fns)) for (const M of [0, 1, 2, 5, 12]) close(f(M), ref.windows[name][String(M)], 4.5e-16);
    for (const M of [1, 2, 7, 12]) for (const b of [0, 2.5, 14]) close(ad.kaiser(M, b), ref.kaiser[`${M}_${b === 0 ? '0.0' : b === 14 ? '14.0' : b}`], 2e-15);
    expect(ad.hamming(-3).shape).toEqual([0]);
    expect(() => ad.hanning(2.5)).toThrow(/hanning: M \(the number of points\) must be an integer/);
  });
  it('kaiser is differentiable in β (through i0′ = i1), to second order', () => {
    expect(ad.checkGrad((b: ad.Tensor) => ad.sum(ad.square(ad.kaiser(7, b))), [ad.tensor(2.5)]).ok).toBe(true);
    expect(ad.checkGrad((b: ad.Tensor) => ad.grad((c: ad.Tensor) => ad.sum(ad.square(ad.kaiser(7, c))))(b), [ad.tensor(2.5)]).ok).toBe(true);
    expect(ad.i0(ad.tensor([0, 1])).toArray()).toEqual(ad.special.i0(ad.tensor([0, 1])).toArray());
  });
});

describe('histogramdd, histogram2d', () => {
  const hs = T(ref.hs), hw = T(ref.hw);
  it('as NumPy: counts, pairs, edges, ranges, density, weights, NaN and samples on the last edge', () => {
    const first5 = ad.slice(hs, [0, 0], [5, 2]);
    const check = ([h, e]: [ad.Tensor, ad.Tensor[]], want: [Nested, Nested[]], tol = 0) => { close(h, want[0], tol); e.forEach((x, i) => close(x, want[1][i]!, tol)); };
    check(ad.histogramdd(first5, 3), ref.hdd.b3);
    check(ad.histogramdd(first5, [2, 4]), ref.hdd.pair);
    check(ad.histogramdd(hs, [ad.tensor([0, 0.5, 1]), ad.tensor([-1, 0, 1, 3])]), ref.hdd.edges);
    check(ad.histogramdd(hs, [3, 2], { range: [[0, 1], [0, 2]] }), ref.hdd.range);
    check(ad.histogramdd(hs, [2, 3], { density: true, range: [[0, 1], [-1, 3]] }), ref.hdd.density, 1e-15);
    check(ad.histogramdd(hs, 2, { weights: hw, range: [[0, 1], [-1, 3]] }), ref.hdd.weights);
    check(ad.histogramdd(ad.tensor([[1, 1], [1, 1]]), 2), ref.hddSame);
    const [h, xe, ye] = ad.histogram2d(ad.reshape(ad.slice(first5, [0, 0], [5, 1]), [5]), ad.reshape(ad.slice(first5, [0, 1], [5, 1]), [5]), 3);
    close(h, ref.h2d[0]); close(xe, ref.h2d[1]); close(ye, ref.h2d[2]);
    const [h2] = ad.histogram2d(ad.reshape(ad.slice(first5, [0, 0], [5, 1]), [5]), ad.reshape(ad.slice(first5, [0, 1], [5, 1]), [5]), ad.tensor([0, 0.5, 1, 2, 3]));
    close(h2, ref.h2dEdges[0]);
    expect(() => ad.histogramdd(hs, 3)).toThrow(/histogramdd: the range found on axis 0, \[NaN, NaN\], is not finite/);
    expect(() => ad.histogramdd(hs, [2, 3, 4])).toThrow(/histogramdd: 3 bins given for 2 dimensions/);
    expect(() => ad.histogramdd(hs, [ad.tensor([1, 0]), 2], { range: [[0, 1], [0, 1]] })).toThrow(/histogramdd: the edges for axis 0 must increase monotonically/);
  });
  it('differentiable in the weights; vmap and jit equal eager', () => {
    expect(ad.checkGrad((w: ad.Tensor) => ad.sum(ad.square(ad.histogramdd(hs, 2, { weights: w, range: [[0, 1], [-1, 3]], density: true })[0])), [ad.add(hw, 1)]).ok).toBe(true);
    batched((s) => ad.histogramdd(ad.reshape(s, [4, 2]), [2, 3], { range: [[0, 1], [0, 1]] })[0], [ad.random.uniform([8], 13), ad.random.uniform([8], 14)]);
    batched((s) => ad.histogram2d(s, ad.flip(s, 0), 2)[0], [ad.random.uniform([6], 15), ad.random.uniform([6], 16)]);
  });
});

describe('applyAlongAxis, block', () => {
  const B = ad.reshape(ad.arange(24), [2, 3, 4]);
  it('as NumPy', () => {
    close(ad.applyAlongAxis((v) => ad.sum(ad.square(v)), 1, B), ref.apply.sum1);
    close(ad.applyAlongAxis((v) => ad.outer(v, ad.slice(v, [0], [2])), 0, B), ref.apply.outer0);
    close(ad.applyAlongAxis((v) => ad.cumsum(v, 0), 2, B), ref.apply.cum2);
    close(ad.applyAlongAxis((v) => ad.stack([ad.min(v), ad.max(v)]), -2, B), ref.apply.pair1);
    close(ad.applyAlongAxis((v, s) => ad.mul(v, s), 0, ad.tensor([1, 2]), 3), [3, 6]);
    close(ad.block([[ad.eye(2), ad.zeros([2, 1])], [ad.ones([1, 2]), ad.tensor([[5]])]]), ref.block[0]);
    close(ad.block([1, ad.tensor([2, 3]), 4]), ref.block[1]);
    close(ad.block([[[ad.ones([2, 2, 1]), ad.zeros([2, 2, 2])]], [[ad.full([1, 2, 3], 7)]]]), ref.block[2]);
    close(ad.block([[ad.tensor([1, 2])], [ad.tensor([3, 4])]]), ref.block[3]);
    close(ad.block(3), ref.block[4]);
    expect(() => ad.block([[1, 2], 3])).toThrow(/block: list depths are mismatched/);
    expect(() => ad.block([])).toThrow(/block: the list at the top is empty/);
    expect(() => ad.block([[ad.ones([2, 2]), ad.ones([3, 1])]])).toThrow(/block: the blocks \[2,2\], \[3,1\] do not fit/);
  });
  it('gradients (second order); under vmap and jit', () => {
    gradOk((x) => ad.applyAlongAxis((v) => ad.mul(ad.softmax(v, 0), ad.sum(v)), 1, x), ad.random.normal([2, 3], 17));
    gradOk((x) => ad.block([[x, ad.square(x)], [ad.exp(x), x]]), ad.random.normal([2, 2], 18));
    batched((x) => ad.applyAlongAxis((v) => ad.cumsum(v, 0), 0, ad.reshape(x, [2, 2])), [ad.tensor([1, 2, 3, 4]), ad.tensor([5, 6, 7, 8])]);
    batched((x) => ad.block([[x, x], [ad.neg(x), x]]), [ad.tensor([1, 2]), ad.tensor([3, 4])]);
  });
});
