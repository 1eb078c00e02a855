/** @file Op-table rows for the jax.numpy extras (statistics, quantiles, nan reductions, cumulative, layout, contractions, elementwise, sequences): run by test/ops.test.ts to second order and exported to ONNX Runtime by test/onnx/exportTable.test.ts. */
import * as ad from 'adjoint';
import type { OpRow } from '../ops.table.js';

const SORT = ['argsort', 'gather'];
/** An increasing grid from free parameters: −1.5 + Σ (d² + 0.3) (no exp: ONNX Runtime's is an ulp from V8's, and interp's sum cancels). */
const increasing = (d: ad.Tensor) => ad.sub(ad.cumsum(ad.add(ad.square(d), 0.3), 0), 1.5);

export const numpyExtraRows: OpRow[] = [
  // Order statistics: a sort, a gather and an interpolation.
  { name: 'median', covers: SORT, fn: (x) => ad.median(x), domains: ['real'], shapes: [[[5]], [[2, 3]]] },
  { name: 'median (axis 0, even count)', covers: SORT, fn: (x) => ad.median(x, 0), domains: ['real'], shapes: [[[4]], [[4, 3]]] },
  { name: 'median (axes [0, 2], keepdims)', covers: SORT, fn: (x) => ad.median(x, [0, 2], true), domains: ['real'], shapes: [[[2, 3, 2]]] },
  {
    name: 'quantile (linear, in x and q)', covers: SORT, domains: ['real', 'real'], shapes: [[[6], [2]], [[2, 5], [3]]],
    fn: (x, q) => ad.quantile(x, ad.sigmoid(q), -1),
  },
  ...(['lower', 'higher', 'nearest', 'midpoint'] as const).map((method): OpRow => ({
    name: `quantile (${method})`, covers: SORT, domains: ['real'], shapes: [[[6]], [[2, 5]]],
    fn: (x) => ad.quantile(x, [0.1, 0.45, 0.8], -1, { method }),
  })),
  { name: 'nanmedian', covers: SORT, fn: (x) => ad.nanmedian(x, -1), domains: ['real'], shapes: [[[4]], [[2, 5]]] },
  { name: 'nanquantile (in x and q)', covers: SORT, fn: (x, q) => ad.nanquantile(x, ad.sigmoid(q), 0), domains: ['real', 'real'], shapes: [[[5], [2]], [[5, 2], [1]]] },
  { name: 'percentile (axis 0)', covers: SORT, fn: (x) => ad.percentile(x, [30, 70], 0), domains: ['real'], shapes: [[[5, 2]]] },

  // Statistics.
  { name: 'ptp', covers: ['max', 'min'], fn: (x) => ad.ptp(x, -1), domains: ['real'], shapes: [[[4]], [[2, 3]]] },
  {
    name: 'average (weights along an axis)', covers: ['sum', 'div'], domains: ['real', 'positive'], shapes: [[[4], [4]], [[3, 4], [4]]],
    fn: (x, w) => ad.average(x, -1, { weights: w }),
  },
  {
    name: 'average (weights of x\'s shape, returned)', covers: ['sum', 'div'], domains: ['real', 'positive'], shapes: [[[2, 3], [2, 3]]],
    fn: (x, w) => { const [a, s] = ad.average(x, 0, { weights: w, returned: true }); return ad.mul(a, s); },
  },
  { name: 'cov', covers: ['matmul'], fn: (x) => ad.cov(x), domains: ['real'], shapes: [[[2, 5]], [[3, 4]]] },
  { name: 'cov (columns, y, bias)', covers: ['matmul'], fn: (x, y) => ad.cov(x, { y, rowvar: false, bias: true }), domains: ['real', 'real'], shapes: [[[5, 2], [5]]] },
  {
    name: 'cov (aweights)', covers: ['matmul'], domains: ['real', 'positive'], shapes: [[[2, 5], [5]]],
    fn: (x, a) => ad.cov(x, { aweights: a, fweights: ad.tensor([1, 2, 0, 1, 3]) }),
  },
  { name: 'corrcoef', covers: ['matmul', 'sqrt'], fn: (x) => ad.corrcoef(x), domains: ['real'], shapes: [[[3, 5]]] },

  // NaN-ignoring reductions (on NaN-free samples the plain reductions; NaN entries are in test/numpyExtras.test.ts).
  { name: 'nansum', covers: ['where', 'sum'], fn: (x) => ad.nansum(x, 0), domains: ['real'], shapes: [[[4]], [[3, 2]]] },
  { name: 'nanmean', covers: ['where', 'sum'], fn: (x) => ad.nanmean(x, -1), domains: ['real'], shapes: [[[4]], [[3, 2]]] },
  { name: 'nanmax', covers: ['where', 'max'], fn: (x) => ad.nanmax(x, -1), domains: ['real'], shapes: [[[4]], [[3, 2]]] },
  { name: 'nanmin', covers: ['where', 'min'], fn: (x) => ad.nanmin(x), domains: ['real'], shapes: [[[4]], [[3, 2]]] },
  { name: 'nanvar (ddof 1)', covers: ['where', 'sum'], fn: (x) => ad.nanvar(x, 0, { ddof: 1 }), domains: ['real'], shapes: [[[4]], [[3, 2]]] },
  { name: 'nanstd', covers: ['where', 'sqrt'], fn: (x) => ad.nanstd(x, -1), domains: ['real'], shapes: [[[4]], [[2, 3]]] },

  // Running reductions.
  { name: 'cummax', covers: ['maximum', 'cumsum', 'gather'], fn: (x) => ad.cummax(x, 0), domains: ['real'], shapes: [[[5]], [[4, 2]]] },
  { name: 'cummin (axis -1, reverse)', covers: ['minimum', 'cumsum', 'gather'], fn: (x) => ad.cummin(x, -1, { reverse: true }), domains: ['real'], shapes: [[[5]], [[2, 4]]] },
  { name: 'cumlogsumexp', covers: ['logaddexp', 'concat'], fn: (x) => ad.cumlogsumexp(x, 0), domains: ['real'], shapes: [[[5]], [[6, 2]]] },
  { name: 'cumlogsumexp (axis 1, reverse)', covers: ['logaddexp', 'concat'], fn: (x) => ad.cumlogsumexp(x, 1, { reverse: true }), domains: ['real'], shapes: [[[2, 3]]] },
  { name: 'cumulativeSum (includeInitial)', covers: ['cumsum', 'concat'], fn: (x) => ad.cumulativeSum(x, { axis: -1, includeInitial: true }), domains: ['real'], shapes: [[[4]], [[2, 3]]] },
  { name: 'cumulativeProd (axis 0, includeInitial)', covers: ['cumprod', 'concat'], fn: (x) => ad.cumulativeProd(x, { axis: 0, includeInitial: true }), domains: ['real'], shapes: [[[4]], [[3, 2]]] },

  // dtypes (values kept in float64): integer and bool casts have derivative 0 (float casts, derivative 1, are in test/dtypes.test.ts).
  { name: 'astype int8', covers: ['trunc', 'where'], zeroGradient: true, fn: (x) => ad.astype(ad.mul(x, 100), 'int8'), domains: ['real'], shapes: [[[5]], [[2, 3]]] },
  { name: 'astype bool', covers: ['notEqual'], zeroGradient: true, fn: (x) => ad.astype(x, 'bool'), domains: ['real'], shapes: [[[4]]] },

  // Layout.
  { name: 'moveaxis', covers: ['transpose'], fn: (x) => ad.moveaxis(x, [0, -1], [1, 0]), domains: ['real'], shapes: [[[2, 3, 4]]] },
  { name: 'swapaxes', covers: ['transpose'], fn: (x) => ad.swapaxes(x, 0, 2), domains: ['real'], shapes: [[[2, 3, 2]]] },
  { name: 'ravel', covers: ['reshape'], fn: (x) => ad.mul(ad.ravel(x), ad.arange(6)), domains: ['real'], shapes: [[[2, 3]]] },
  { name: 'vstack', covers: ['concat'], fn: (a, b) => ad.vstack([a, ad.square(b)]), domains: ['real', 'real'], shapes: [[[3], [2, 3]]] },
  { name: 'hstack', covers: ['concat'], fn: (a, b) => ad.hstack([a, ad.square(b)]), domains: ['real', 'real'], shapes: [[[3], [2]], [[2, 1], [2, 3]]] },
  { name: 'dstack', covers: ['concat'], fn: (a, b) => ad.dstack([a, ad.square(b)]), domains: ['real', 'real'], shapes: [[[3], [3]], [[2, 2], [2, 2, 2]]] },
  { name: 'columnStack', covers: ['concat'], fn: (a, b) => ad.columnStack([a, ad.square(b)]), domains: ['real', 'real'], shapes: [[[3], [3, 2]]] },
  {
    name: 'meshgrid', covers: ['broadcastTo'], domains: ['real', 'real'], shapes: [[[3], [2]]],
    fn: (a, b) => { const [x, y] = ad.meshgrid(a, b); return ad.mul(x!, ad.sin(y!)); },
  },

  // Contractions. (cross of a²: the export test's loss weights equal a, and (a × b)·a = 0 exactly.)
  { name: 'tensordot', covers: ['matmul', 'transpose'], fn: (a, b) => ad.tensordot(a, b), domains: ['real', 'real'], shapes: [[[2, 3, 4], [3, 4, 2]]] },
  { name: 'tensordot (pairs of axes)', covers: ['matmul', 'transpose'], fn: (a, b) => ad.tensordot(a, b, [[0, 2], [2, 0]]), domains: ['real', 'real'], shapes: [[[2, 3, 4], [4, 2, 2]]] },
  { name: 'inner', covers: ['matmul'], fn: (a, b) => ad.inner(a, b), domains: ['real', 'real'], shapes: [[[3], [3]], [[2, 3], [4, 3]]] },
  { name: 'vdot', covers: ['mul', 'sum'], fn: (a, b) => ad.vdot(a, b), domains: ['real', 'real'], shapes: [[[2, 3], [6]]] },
  { name: 'vecdot', covers: ['mul', 'sum'], fn: (a, b) => ad.vecdot(a, b), domains: ['real', 'real'], shapes: [[[3], [3]], [[2, 3], [3]]] },
  { name: 'matvec (batch broadcast)', covers: ['matmul'], fn: (a, v) => ad.matvec(a, v), domains: ['real', 'real'], shapes: [[[2, 3], [3]], [[2, 2, 3], [3]]] },
  { name: 'vecmat', covers: ['matmul'], fn: (v, a) => ad.vecmat(v, a), domains: ['real', 'real'], shapes: [[[2], [2, 3]], [[2, 2], [2, 3]]] },
  { name: 'unstack (then a product of the parts)', covers: ['slice', 'reshape'], fn: (x) => { const [p, q] = ad.unstack(x, -1); return ad.mul(p!, q!); }, domains: ['real'], shapes: [[[2]], [[3, 2]]] },
  { name: 'cross', covers: ['mul', 'sub'], fn: (a, b) => ad.cross(ad.square(a), b), domains: ['real', 'real'], shapes: [[[3], [3]], [[2, 3], [3]]] },
  { name: 'cross (axis 0)', covers: ['mul', 'sub'], fn: (a, b) => ad.cross(ad.square(a), b, 0, 0, 0), domains: ['real', 'real'], shapes: [[[3, 2], [3, 2]]] },
  { name: 'trapezoid (y, x)', covers: ['mul', 'sum'], fn: (y, d) => ad.trapezoid(y, increasing(d)), domains: ['real', 'real'], shapes: [[[5], [5]], [[2, 4], [4]]] },

  // Elementwise.
  { name: 'cbrt', fn: (x) => ad.cbrt(x), domains: ['awayFromZero'], shapes: [[[]], [[4]], [[2, 3]]] },
  { name: 'copysign', covers: ['abs', 'where'], fn: (a, b) => ad.copysign(a, b), domains: ['awayFromZero', 'awayFromZero'], shapes: [[[3], [3]], [[2, 3], [3]]] },
  { name: 'sinc', covers: ['sin', 'div', 'where'], fn: (x) => ad.sinc(x), domains: ['real'], shapes: [[[]], [[4]], [[2, 3]]] },
  { name: 'sinc (near 0: the series)', covers: ['mul', 'add'], fn: (x) => ad.sinc(ad.mul(x, 0.01)), domains: ['real'], shapes: [[[5]]] },
  { name: 'deg2rad', covers: ['mul'], fn: (x) => ad.deg2rad(x), domains: ['real'], shapes: [[[3]]] },
  { name: 'rad2deg', covers: ['mul'], fn: (x) => ad.rad2deg(x), domains: ['real'], shapes: [[[3]]] },
  { name: 'heaviside (the value at 0)', covers: ['where'], fn: (x, h) => ad.heaviside(ad.mul(ad.relu(x), 0), h), domains: ['real', 'real'], shapes: [[[3], [3]]] },
  { name: 'logaddexp2', covers: ['maximum', 'log1p', 'pow'], fn: (a, b) => ad.logaddexp2(a, b), domains: ['real', 'real'], shapes: [[[3], [3]], [[2, 3], [3]]] },

  // Sequences.
  {
    name: 'searchsorted', domains: ['real', 'real'], shapes: [[[5], [3]], [[4], [2, 3]]], zeroGradient: true,
    fn: (a, v) => ad.add(ad.searchsorted(ad.sort(a), v), ad.searchsorted(ad.sort(a), v, { side: 'right' })),
  },
  {
    name: 'interp (in x, xp and fp)', covers: ['gather', 'where'], domains: ['real', 'real', 'real'], shapes: [[[6], [4], [4]], [[2, 3], [5], [5]]],
    fn: (x, d, fp) => ad.interp(x, increasing(d), fp),
  },
  {
    name: 'interp (period)', covers: ['gather', 'argsort', 'mod'], domains: ['real', 'real'], shapes: [[[6], [4]]],
    fn: (x, fp) => ad.interp(ad.mul(x, 3), ad.tensor([2.5, -1, 0.5, 4]), fp, { period: 5 }),
  },
  { name: 'polyval', covers: ['mul', 'add'], fn: (p, x) => ad.polyval(p, x), domains: ['real', 'real'], shapes: [[[4], [3]], [[3], [2, 2]]] },
  ...(['full', 'same', 'valid'] as const).flatMap((mode): OpRow[] => [
    { name: `convolve (${mode})`, covers: ['conv'], fn: (a, v) => ad.convolve(a, v, mode), domains: ['real', 'real'], shapes: [[[5], [3]], [[2], [4]]] },
    { name: `correlate (${mode})`, covers: ['conv'], fn: (a, v) => ad.correlate(a, v, mode), domains: ['real', 'real'], shapes: [[[5], [2]], [[3], [4]]] },
  ]),
];
