/** @file Op-table rows for ad.linalg (solve, cholesky, triangularSolve, eigh, qr, svd, ...): one row per op, run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';

const { linalg } = ad;
const n = (a: Tensor) => a.shape[a.ndim - 1]!;
/** a + n·I: a random normal matrix made well conditioned. */
const wellConditioned = (a: Tensor) => ad.add(a, ad.mul(n(a), ad.eye(n(a))));
/** a·aᵀ + n·I: symmetric positive definite, and symmetric under any perturbation of a. */
const spd = (a: Tensor) => ad.add(ad.matmul(a, linalg.matrixTranspose(a)), ad.mul(n(a), ad.eye(n(a))));
/** a + aᵀ: symmetric (distinct eigenvalues almost surely). */
const symmetric = (a: Tensor) => ad.add(a, linalg.matrixTranspose(a));
/** Several results as one vector (op-table functions return one tensor). */
const flat = (...ts: Tensor[]) => ad.concat(ts.map((t) => ad.reshape(t, [t.size])), 0);

/** a with its last `k` rows replaced by combinations of the rows before them: rank n − k. */
function dependentRows(a: Tensor, k: number): Tensor {
  const rows = n(a), keep = rows - k;
  const head = ad.slice(a, a.shape.map(() => 0), [...a.shape.slice(0, -2), keep, rows]);
  const mix = ad.tensor(Array.from({ length: k }, (_, r) => Array.from({ length: keep }, (_, c) => ((r + 2 * c) % 3) - 0.5)));
  return ad.concat([head, ad.matmul(mix, head)], -2);
}

const SQUARE = [[[3, 3]], [[2, 3, 3]]];
const TRIANGULAR = ['triangularSolve', 'mul'];

export const linalgRows: OpRow[] = [
  { name: 'diagonal', covers: ['diagonal', 'diagEmbed'], domains: ['real'], fn: (x) => linalg.diagonal(x), shapes: [[[3, 3]], [[2, 3, 4]]] },
  { name: 'diagonal (offset 1)', covers: ['diagonal'], domains: ['real'], fn: (x) => linalg.diagonal(x, 1), shapes: [[[3, 4]], [[2, 4, 3]]] },
  { name: 'diag (vector, k = -1)', covers: ['diagEmbed'], domains: ['real'], fn: (v) => linalg.diag(v, -1), shapes: [[[3]]] },
  { name: 'trace', covers: ['diagonal', 'sum'], domains: ['real'], fn: (x) => linalg.trace(x), shapes: SQUARE },

  { name: 'cholesky', covers: ['cholesky', ...TRIANGULAR], domains: ['real'], fn: (a) => linalg.cholesky(spd(a)), shapes: [[[1, 1]], ...SQUARE] },
  ...([
    { lower: true }, { lower: false }, { lower: true, transposeA: true }, { lower: false, transposeA: true, unitDiagonal: true },
    { lower: true, left: false }, { lower: false, transposeA: true, left: false },
  ] as const).map((o): OpRow => ({
    name: `triangularSolve ${JSON.stringify(o)}`, covers: TRIANGULAR, domains: ['real', 'real'],
    fn: (a, b) => linalg.triangularSolve(wellConditioned(a), b, o),
    shapes: 'left' in o ? [[[3, 3], [2, 3]], [[2, 3, 3], [2, 1, 3]]] : [[[3, 3], [3, 2]], [[2, 3, 3], [2, 3, 1]], [[3, 3], [3]]],
  })),
  { name: 'choleskySolve', covers: TRIANGULAR, domains: ['real', 'real'], fn: (a, b) => linalg.choleskySolve(linalg.cholesky(spd(a)), b), shapes: [[[3, 3], [3, 2]], [[2, 3, 3], [3, 1]]] },
  {
    name: 'solve', domains: ['real', 'real'], fn: (a, b) => linalg.solve(wellConditioned(a), b),
    shapes: [[[3, 3], [3, 2]], [[3, 3], [3]], [[2, 3, 3], [2, 3, 1]], [[2, 3, 3], [3, 2]]],
  },
  { name: 'inv', covers: ['solve'], domains: ['real'], fn: (a) => linalg.inv(wellConditioned(a)), shapes: SQUARE },
  { name: 'det', domains: ['real'], fn: (a) => linalg.det(wellConditioned(a)), shapes: [[[1, 1]], ...SQUARE] },
  // Exactly rank-deficient by construction (dependent rows made with ops, so every perturbation of
  // a stays singular): det's derivative is the SVD's adjugate, and its second derivative the
  // adjugate's rule, also at rank n − 2 where singular values repeat at 0.
  { name: 'det (rank n − 1)', covers: ['det', 'nearSingular', 'adjugateTranspose'], domains: ['real'], fn: (a) => linalg.det(dependentRows(a, 1)), shapes: [[[3, 3]], [[2, 3, 3]]] },
  { name: 'det (rank n − 2)', covers: ['det', 'nearSingular', 'adjugateTranspose'], domains: ['real'], fn: (a) => linalg.det(dependentRows(a, 2)), shapes: [[[4, 4]]] },
  { name: 'slogdet (logAbsDet)', covers: ['logAbsDet'], domains: ['real'], fn: (a) => linalg.slogdet(ad.sub(a, ad.eye(n(a)))).logAbsDet, shapes: SQUARE },
  { name: 'slogdet (sign)', covers: ['signDet'], domains: ['real'], fn: (a) => linalg.slogdet(a).sign, shapes: SQUARE, zeroGradient: true },

  {
    name: 'eigh', covers: ['eigh', 'slice', 'concat'], domains: ['real'],
    fn: (a) => { const { values, vectors } = linalg.eigh(symmetric(a)); return flat(values, vectors); }, shapes: [[[1, 1]], ...SQUARE],
  },
  { name: 'eigh (values of a sum of squares)', covers: ['eigh'], domains: ['real'], fn: (a) => linalg.eigh(spd(a)).values, shapes: [[[4, 4]]] },
  {
    name: 'qr', covers: ['qr', 'slice', 'concat'], domains: ['real'],
    fn: (a) => { const { q, r } = linalg.qr(a); return flat(q, r); }, shapes: [[[4, 3]], [[2, 3, 3]], [[2, 4]], [[1, 1]]],
  },
  {
    name: 'svd', covers: ['svd', 'slice', 'concat'], domains: ['real'],
    fn: (a) => { const { u, s, vh } = linalg.svd(a); return flat(u, s, vh); }, shapes: [[[4, 3]], [[3, 3]], [[2, 4]], [[2, 3, 2]]],
  },
  ...([undefined, 1, Infinity, 3] as const).map((ord): OpRow => ({
    name: `norm (vector, ord ${ord})`, covers: ['sum', 'abs'], domains: ['awayFromZero'], fn: (x) => linalg.norm(x, ord, -1), shapes: [[[4]], [[2, 3]]],
  })),
  ...(['fro', 'nuc', 2, -2, 1, Infinity] as const).map((ord): OpRow => ({
    name: `norm (matrix, ord ${ord})`, covers: ['sum'], domains: ['real'], fn: (x) => linalg.norm(x, ord, [-2, -1]), shapes: [[[3, 2]], [[2, 2, 3]]],
  })),
];
