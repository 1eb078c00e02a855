/**
 * @file The jax.numpy extras (src/ops/statistics.ts, quantiles.ts, nanReductions.ts, cumulative.ts,
 * layout.ts, contractions.ts, elementwiseExtras.ts, interpolation.ts) against NumPy 1.24's values,
 * embedded by test/numpyExtrasReference.py, and brute-force layouts.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { ref } from './numpyExtrasReference.js';

type Nested = number | Nested[];
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);

/** Equal to NumPy within `tol` relative (NaN matching NaN, infinities exactly), and of the same shape. */
function close(actual: ad.Tensor | number, expected: Nested, tol = 1e-14): void {
  const got = actual instanceof ad.Tensor ? actual.toArray() : actual;
  expect(shapeOf(got as Nested)).toEqual(shapeOf(expected));
  const [a, e] = [flat(got as Nested), flat(expected)];
  a.forEach((v, i) => {
    const w = e[i]!;
    if (Number.isNaN(w) || !Number.isFinite(w)) expect(v, `entry ${i}`).toBe(w);
    else expect(Math.abs(v - w), `entry ${i}: ${v} vs ${w}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
}
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...(v.length > 0 ? shapeOf(v[0]!) : [])] : []);

const X = ad.tensor(ref.X), X3 = ad.tensor(ref.X3);

describe('quantile, percentile, median (numpy)', () => {
  it.each<Record<string, any>>(ref.quantile.map((r: any) => ({ ...r, name: `${r.method} axis ${JSON.stringify(r.axis)}` })))('quantile $name', (r) => {
    close(ad.quantile(r.x3 ? X3 : X, ref.Q, r.axis ?? undefined, { method: r.method }), r.value);
  });
  it('percentile, keepdims, NaN lanes', () => {
    close(ad.percentile(X, [5, 50, 95], 1), ref.percentile);
    close(ad.quantile(X3, 0.3, 1, { keepdims: true }), ref.quantileKeepdims);
    close(ad.quantile(ad.tensor(ref.XN), 0.5, 0), ref.quantileNaN);
    close(ad.median(ad.tensor(ref.XN), 1), ref.medianNaN);
  });
  it('nanquantile (every method), nanpercentile, nanmedian: NaN skipped, a lane of NaNs only gives NaN', () => {
    const XA = ad.tensor(ref.XA);
    for (const method of ['linear', 'lower', 'higher', 'nearest', 'midpoint'] as const) {
      close(ad.nanquantile(XA, [0, 0.3, 0.5, 1], 1, { method }), ref.nanquantile[method]);
    }
    close(ad.nanquantile(XA, 0.7), ref.nanquantileAll);
    close(ad.nanpercentile(XA, [10, 90], 0), ref.nanpercentile);
    close(ad.nanmedian(XA, 0), ref.nanmedian.ax0);
    close(ad.nanmedian(XA, 1), ref.nanmedian.ax1);
    close(ad.nanmedian(XA), ref.nanmedian.all);
    const g = ad.grad((x: ad.Tensor) => ad.nanmedian(x))(ad.tensor([4, NaN, 1, 3]));
    expect(g.toArray()).toEqual([0, 0, 0, 1]);
  });
  it('median over all, each axis, several axes, keepdims', () => {
    close(ad.median(X), ref.median.all);
    close(ad.median(X, 0), ref.median.ax0);
    close(ad.median(X, 1), ref.median.ax1);
    close(ad.median(X3, [0, 2]), ref.median.x3ax02);
    close(ad.median(X3, 2, true), ref.median.keep);
    expect(ad.median(7).item()).toBe(7);
  });
});

describe('all, any, countNonzero, ptp, average, cov, corrcoef (numpy)', () => {
  const B = ad.tensor(ref.B);
  it.each(['all', 'any', 'countNonzero'] as const)('%s', (name) => {
    close(ad[name](B), ref[name].all);
    close(ad[name](B, 0), ref[name].ax0);
    close(ad[name](B, 1), ref[name].ax1);
    expect(ad[name](B, 1, true).shape).toEqual([3, 1]);
  });
  it('all and any of an empty axis are 1 and 0', () => {
    expect(ad.all(ad.zeros([0])).item()).toBe(1);
    expect(ad.any(ad.zeros([0])).item()).toBe(0);
  });
  it('ptp', () => {
    close(ad.ptp(X), ref.ptp.all);
    close(ad.ptp(X, 1), ref.ptp.ax1);
  });
  it('average: plain, 1-D weights along an axis (returned), weights of x\'s shape', () => {
    close(ad.average(X), ref.average.plain);
    close(ad.average(X, 0), ref.average.ax0);
    const [avg, sumOfWeights] = ad.average(X, 1, { weights: ad.tensor(ref.W), returned: true });
    close(avg, ref.average.w1);
    close(sumOfWeights, ref.average.s1);
    close(ad.average(X, undefined, { weights: ad.tensor(ref.W2) }), ref.average.wfull);
    close(ad.average(X, 0, { weights: ad.tensor(ref.W2) }), ref.average.wfullAx0);
  });
  it('cov with rowvar, bias, ddof, y; of one variable', () => {
    close(ad.cov(X), ref.cov.rows);
    close(ad.cov(X, { rowvar: false }), ref.cov.cols);
    close(ad.cov(X, { bias: true }), ref.cov.bias);
    close(ad.cov(X, { ddof: 2 }), ref.cov.ddof2);
    close(ad.cov(X, { y: ad.tensor(ref.Y) }), ref.cov.withY);
    close(ad.cov(ad.tensor(ref.X[0])), ref.cov.vector);
  });
  it('cov with fweights and aweights', () => {
    const [f, a] = [ad.tensor(ref.FW), ad.tensor(ref.AW)];
    close(ad.cov(X, { fweights: f }), ref.covWeighted.f);
    close(ad.cov(X, { aweights: a }), ref.covWeighted.a);
    close(ad.cov(X, { fweights: f, aweights: a }), ref.covWeighted.fa);
    close(ad.cov(X, { fweights: f, aweights: a, bias: true }), ref.covWeighted.faBias);
    close(ad.cov(X, { aweights: a, ddof: 2 }), ref.covWeighted.aDdof2);
  });
  it('corrcoef', () => {
    close(ad.corrcoef(X), ref.corrcoef.rows);
    close(ad.corrcoef(X, { rowvar: false }), ref.corrcoef.cols);
    close(ad.corrcoef(X, { y: ad.tensor(ref.Y) }), ref.corrcoef.withY);
  });
  it('corrcoef: a NaN or ∞ in one variable spoils only that variable\'s row and column (numpy.corrcoef)', () => {
    // numpy.corrcoef([[1, nan, 1], [1, 2, 3], [2, 0, 1]]) (NumPy 1.24): the other two variables keep 1 and −0.5.
    for (const bad of [NaN, Infinity, -Infinity]) {
      const r = ad.corrcoef(ad.tensor([[1, bad, 1], [1, 2, 3], [2, 0, 1]])).toArray() as number[][];
      expect(r[0]!.every(Number.isNaN) && r.every((row) => Number.isNaN(row[0]))).toBe(true);
      expect([r[1]![1], r[1]![2], r[2]![1], r[2]![2]]).toEqual([1, -0.5, -0.5, 1]);
    }
  });
});

describe('NaN-ignoring reductions (numpy)', () => {
  const XNN = ad.tensor(ref.XNN);
  it.each(['nansum', 'nanmean', 'nanmax', 'nanmin', 'nanvar', 'nanstd'] as const)('%s', (name) => {
    close(ad[name](XNN), ref.nan[name].all);
    close(ad[name](XNN, 0), ref.nan[name].ax0);
    close(ad[name](XNN, 1), ref.nan[name].ax1); // the last row is all NaN
  });
  it('nanvar with ddof 1', () => close(ad.nanvar(XNN, 1, { ddof: 1 }), ref.nan.nanvarDdof1));
  it('NaN entries get a zero gradient', () => {
    const g = ad.grad((x: ad.Tensor) => ad.add(ad.nansum(x), ad.add(ad.nanmax(x), ad.nanvar(x))))(ad.tensor([1, NaN, 3]));
    expect(g.toArray()).toEqual([1 - 1, 0, 1 + 1 + 1]);
  });
});

describe('cummax, cummin, cumlogsumexp (numpy accumulate)', () => {
  const C = ad.tensor(ref.C);
  it('cummax and cummin along each axis, reverse', () => {
    close(ad.cummax(C, 1), ref.cummax.ax1);
    close(ad.cummax(X, 0), ref.cummax.ax0);
    close(ad.cummax(C, -1, { reverse: true }), ref.cummax.rev);
    close(ad.cummin(C, 1), ref.cummin.ax1);
    close(ad.cummin(X), ref.cummin.ax0);
  });
  it('cumlogsumexp against numpy.logaddexp.accumulate, across ±1000, −∞ and 710', () => {
    close(ad.cumlogsumexp(ad.tensor(ref.LS)), ref.cumlogsumexp.ls);
    close(ad.cumlogsumexp(X, 1), ref.cumlogsumexp.ax1);
    close(ad.cumlogsumexp(X, 0, { reverse: true }), ref.cumlogsumexp.ax0rev);
  });
  it('cummax and cummin: NaN propagates, −0 and ±∞ kept (numpy), long lanes equal a loop', () => {
    expect(ad.cummax(ad.tensor([1, NaN, 3])).toArray()).toEqual([1, NaN, NaN]);
    expect(ad.cummin(ad.tensor([-Infinity, 2, NaN])).toArray()).toEqual([-Infinity, -Infinity, NaN]);
    expect(Object.is(ad.cummax(ad.tensor([-0, -1])).toFloat64Array()[1], -0)).toBe(true);
    expect(ad.cummax(ad.tensor([Infinity, 1])).toArray()).toEqual([Infinity, Infinity]);
    const long = ad.random.normal([20000], 3);
    let m = -Infinity;
    expect(ad.cummax(long).toArray()).toEqual(Array.from(long.toFloat64Array(), (v) => (m = Math.max(m, v))));
  });
  it('keep an empty axis empty', () => {
    expect(ad.cummax(ad.zeros([0, 2]), 0).shape).toEqual([0, 2]);
    expect(ad.cumlogsumexp(ad.zeros([2, 0]), 1).shape).toEqual([2, 0]);
  });
});

describe('contractions (numpy)', () => {
  const A3 = ad.tensor(ref.A3), B3 = ad.tensor(ref.B3);
  it('cross: rows, broadcast, along axis 0', () => {
    close(ad.cross(A3, B3), ref.cross.rows);
    close(ad.cross(A3, ad.tensor(ref.B3[0])), ref.cross.bcast);
    close(ad.cross(ad.transpose(A3), ad.transpose(B3), 0, 0, 0), ref.cross.axis0);
  });
  it('inner, tensordot (N and pairs of axes, 0), vdot', () => {
    close(ad.inner(X, ad.tensor(ref.Y)), ref.inner);
    close(ad.tensordot(X3, ad.transpose(X3, [1, 2, 0])), ref.tensordot.int2);
    close(ad.tensordot(X3, X3, [[0, 2], [0, 2]]), ref.tensordot.pairs);
    close(ad.tensordot(ad.slice(A3, [0, 0], [-1, 1]).reshape([4]), ad.tensor(ref.B3[0]), 0), ref.tensordot.zero);
    close(ad.vdot(X, ad.flip(X, 0)), ref.vdot);
    expect(ad.inner(2, ad.tensor([1, 3])).toArray()).toEqual([2, 6]);
  });
  it('trapezoid: uniform, with x, with dx, with x of y\'s shape', () => {
    close(ad.trapezoid(X), ref.trapezoid.plain);
    close(ad.trapezoid(X, ad.tensor(ref.XS)), ref.trapezoid.x);
    close(ad.trapezoid(X, undefined, 0.25, 0), ref.trapezoid.dx);
    close(ad.trapezoid(X, ad.cumsum(ad.tensor(ref.W2), 0), 1, 0), ref.trapezoid.xfull);
  });
});

describe('elementwise (numpy)', () => {
  const E = ad.tensor(ref.E);
  it('cbrt is Math.cbrt: exact for perfect cubes and negatives; ±0, ±∞, NaN', () => {
    close(ad.cbrt(E), ref.cbrt, 3e-16); // numpy's libm is an ulp off at −1e300 (−9.999999999999998e99); Math.cbrt gives −1e100
    const k = ad.arange(-60, 61);
    expect(ad.cbrt(ad.mul(ad.mul(k, k), k)).toArray()).toEqual(k.toArray());
    expect(Object.is(ad.cbrt(-0).item(), -0)).toBe(true);
  });
  it('sinc, signbit, copysign, deg2rad, rad2deg, heaviside', () => {
    close(ad.sinc(ad.tensor(ref.sincIn)), ref.sinc, 2e-16);
    close(ad.signbit(E), ref.signbit, 0);
    close(ad.copysign(ad.sub(ad.arange(16), 7.5), E), ref.copysign, 0);
    close(ad.deg2rad(E), ref.deg2rad, 0);
    close(ad.rad2deg(E), ref.rad2deg, 0);
    close(ad.heaviside(E, 0.5), ref.heaviside, 0);
  });
  it('logaddexp2 across ties, ±∞ and ±1000', () => close(ad.logaddexp2(ad.tensor(ref.LA), ad.tensor(ref.LB)), ref.logaddexp2, 4e-16));
  it('isclose and allclose', () => {
    const [a, b] = [ad.tensor(ref.IA), ad.tensor(ref.IB)];
    close(ad.isclose(a, b), ref.isclose.plain, 0);
    close(ad.isclose(a, b, { equalNan: true }), ref.isclose.nan, 0);
    close(ad.isclose(a, b, { rtol: 1e-12, atol: 0 }), ref.isclose.tight, 0);
    expect(ad.allclose(a, b)).toBe(false);
    expect(ad.allclose(ad.tensor([1, NaN]), ad.tensor([1 + 1e-9, NaN]), { equalNan: true })).toBe(true);
  });
});

describe('sequences (numpy)', () => {
  it('searchsorted left and right, NaN as the greatest value', () => {
    const [a, v] = [ad.tensor(ref.SA), ad.tensor(ref.SV)];
    close(ad.searchsorted(a, v), ref.searchsorted.left, 0);
    close(ad.searchsorted(a, v, { side: 'right' }), ref.searchsorted.right, 0);
  });
  it('searchsorted with a sorter', () => {
    const [a, v] = [ad.tensor(ref.SU), ad.tensor(ref.SV)];
    close(ad.searchsorted(a, v, { sorter: ref.SO }), ref.searchsortedSorter.left, 0);
    close(ad.searchsorted(a, v, { side: 'right', sorter: ad.argsort(a) }), ref.searchsortedSorter.right, 0);
    expect(() => ad.searchsorted(a, v, { sorter: [0, 1] })).toThrow(/searchsorted: sorter of shape \[2\] must be 1-D with one position per entry of a \(6\)/);
  });
  it('interp with default and given ends, one knot, NaN', () => {
    const [x, xp, fp] = [ad.tensor(ref.XI), ad.tensor(ref.XP), ad.tensor(ref.FP)];
    close(ad.interp(x, xp, fp), ref.interp.plain, 0);
    close(ad.interp(x, xp, fp, { left: -10, right: 10 }), ref.interp.lr, 0);
    close(ad.interp(x, ad.slice(xp, [0], [1]), ad.slice(fp, [0], [1])), ref.interp.one, 0);
  });
  it('interp with a period (numpy\'s example: unsorted knots wrapping round)', () => {
    const [x, xp, fp] = [ad.tensor(ref.XIP), ad.tensor(ref.XPP), ad.tensor(ref.FPP)];
    close(ad.interp(x, xp, fp, { period: 360 }), ref.interpPeriod['360']);
    close(ad.interp(x, xp, fp, { period: -360 }), ref.interpPeriod.neg);
    expect(() => ad.interp(x, xp, fp, { period: 0 })).toThrow(/interp: period must be a finite non-zero number/);
  });
  it('polyval (Horner, as numpy)', () => close(ad.polyval(ad.tensor(ref.P), X), ref.polyval, 0));
  it.each<Record<string, any>>(ref.conv.map((r: any) => ({ ...r, name: `n ${r.a.length}, m ${r.v.length}` })))('convolve and correlate, every mode: $name', (r) => {
    for (const mode of ['full', 'same', 'valid'] as const) {
      close(ad.convolve(ad.tensor(r.a), ad.tensor(r.v), mode), r[`convolve_${mode}`], 1e-14);
      close(ad.correlate(ad.tensor(r.a), ad.tensor(r.v), mode), r[`correlate_${mode}`], 1e-14);
    }
  });
});

describe('layout (brute force)', () => {
  const x = ad.arange(24).reshape([2, 3, 4]);
  /** x's entry at a position, read from its row-major values. */
  const at = (t: ad.Tensor, idx: number[]) => t.toFloat64Array()[idx.reduce((o, i, k) => o * t.shape[k]! + i, 0)]!;
  it('moveaxis and swapaxes move each entry where the permutation says', () => {
    const m = ad.moveaxis(x, [0, 1], [-1, 0]); // axes (0, 1, 2) → (1, 2, 0)
    expect(m.shape).toEqual([3, 4, 2]);
    const s = ad.swapaxes(x, 0, -1);
    expect(s.shape).toEqual([4, 3, 2]);
    for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 4; k++) {
      expect(at(m, [j, k, i])).toBe(at(x, [i, j, k]));
      expect(at(s, [k, j, i])).toBe(at(x, [i, j, k]));
    }
    expect(ad.moveaxis(x, 2, 0).shape).toEqual([4, 2, 3]);
    expect(x.moveaxis(-1, 1).shape).toEqual([2, 4, 3]);
  });
  it('ravel, flatten, atleast1d/2d/3d as numpy', () => {
    expect(ad.ravel(x).toArray()).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(x.flatten().shape).toEqual([24]);
    expect([ad.atleast1d(1).shape, ad.atleast2d(1).shape, ad.atleast3d(1).shape]).toEqual([[1], [1, 1], [1, 1, 1]]);
    expect([ad.atleast2d(ad.ones([3])).shape, ad.atleast3d(ad.ones([3])).shape, ad.atleast3d(ad.ones([2, 3])).shape]).toEqual([[1, 3], [1, 3, 1], [2, 3, 1]]);
    expect(ad.atleast3d(x)).toBe(x);
    expect((ad.atleast1d(1, ad.ones([2])) as ad.Tensor[]).map((t) => t.shape)).toEqual([[1], [2]]);
  });
  it('vstack, hstack, dstack, columnStack as numpy', () => {
    const [a, b] = [ad.tensor([[1, 2]]), ad.tensor([[3, 4], [5, 6]])];
    expect(ad.vstack([a, b, ad.tensor([7, 8])]).toArray()).toEqual([[1, 2], [3, 4], [5, 6], [7, 8]]);
    expect(ad.hstack([ad.tensor([[1], [2]]), b]).toArray()).toEqual([[1, 3, 4], [2, 5, 6]]);
    expect(ad.hstack([1, ad.tensor([2, 3])]).toArray()).toEqual([1, 2, 3]);
    expect(ad.dstack([b, b]).shape).toEqual([2, 2, 2]);
    expect(ad.dstack([b, b]).toArray()).toEqual([[[3, 3], [4, 4]], [[5, 5], [6, 6]]]);
    expect(ad.columnStack([ad.tensor([1, 2]), b]).toArray()).toEqual([[1, 3, 4], [2, 5, 6]]);
  });
  it('meshgrid xy and ij, three inputs', () => {
    const [u, v, w] = [ad.tensor([1, 2, 3]), ad.tensor([10, 20]), ad.tensor([5, 6, 7, 8])];
    const xy = ad.meshgrid(u, v, w);
    const ij = ad.meshgrid(u, v, w, { indexing: 'ij' });
    expect(xy.map((g) => g.shape)).toEqual([[2, 3, 4], [2, 3, 4], [2, 3, 4]]);
    expect(ij.map((g) => g.shape)).toEqual([[3, 2, 4], [3, 2, 4], [3, 2, 4]]);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 4; k++) {
      expect([at(xy[0]!, [j, i, k]), at(xy[1]!, [j, i, k]), at(xy[2]!, [j, i, k])]).toEqual([i + 1, 10 * (j + 1), k + 5]);
      expect([at(ij[0]!, [i, j, k]), at(ij[1]!, [i, j, k]), at(ij[2]!, [i, j, k])]).toEqual([i + 1, 10 * (j + 1), k + 5]);
    }
    expect(ad.meshgrid(u).map((g) => g.toArray())).toEqual([[1, 2, 3]]);
    const sparse = ad.meshgrid(u, v, w, { sparse: true });
    expect(sparse.map((g) => g.shape)).toEqual([[1, 3, 1], [2, 1, 1], [1, 1, 4]]);
    sparse.forEach((g, k) => expect(ad.broadcastTo(g, [2, 3, 4]).toArray()).toEqual(xy[k]!.toArray()));
  });
  it('meshgrid reads only a plain object last as options: an array or typed array there is a vector, told to be wrapped', () => {
    const loose = ad.meshgrid as (...args: unknown[]) => ad.Tensor[];
    expect(() => loose(ad.tensor([1, 2, 3]), [10, 20])).toThrow(/meshgrid: expected a Tensor or a number, got an array of length 2; wrap the array with ad\.tensor/);
    expect(() => loose(ad.tensor([1, 2, 3]), new Float64Array([10, 20]))).toThrow(/meshgrid: expected a Tensor or a number/);
    expect(ad.meshgrid(ad.tensor([1, 2]), Object.assign(Object.create(null), { indexing: 'ij' })).map((g) => g.shape)).toEqual([[2]]);
    expect(() => ad.meshgrid(ad.tensor([1, 2]), { indexing: 'ij', sparse: 1 as unknown as boolean })).toThrow(/sparse must be true or false/);
  });
});

describe('method forms', () => {
  it('call the ops', () => {
    const x = ad.tensor([[8, 0], [-27, 1]]);
    expect([x.all().item(), x.any().item(), x.ptp().item(), x.median().item()]).toEqual([0, 1, 35, 0.5]);
    expect(x.all(1).toArray()).toEqual([0, 1]);
    expect(x.ravel().toArray()).toEqual([8, 0, -27, 1]);
    expect(x.flatten().shape).toEqual([4]);
    expect(x.swapaxes(0, 1).toArray()).toEqual([[8, -27], [0, 1]]);
    expect(x.cbrt().toArray()).toEqual([[2, 0], [-3, 1]]);
    for (const name of ['all', 'any', 'ptp', 'median', 'ravel', 'flatten', 'swapaxes', 'moveaxis', 'cbrt']) expect(ad.tensorMethodNames).toContain(name);
  });
});
