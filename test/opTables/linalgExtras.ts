/** @file Op-table rows for the further ad.linalg ops (pinv, lstsq, matrixPower, multiDot, expm, …): run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';

const { linalg } = ad;
const n = (a: Tensor) => a.shape[a.ndim - 1]!;
/** a + n·I: a random normal matrix made well conditioned. */
const wellConditioned = (a: Tensor) => ad.add(a, ad.mul(n(a), ad.eye(n(a))));
const SQUARE = [[[3, 3]], [[2, 3, 3]]];

export const linalgExtraRows: OpRow[] = [
  { name: 'pinv', domains: ['real'], fn: (a) => linalg.pinv(a), shapes: [[[4, 3]], [[2, 4]], [[2, 3, 3]]] },
  { name: 'pinv (hermitian)', covers: ['pinv'], domains: ['real'], fn: (a) => linalg.pinv(ad.add(wellConditioned(a), linalg.matrixTranspose(a)), { hermitian: true }), shapes: SQUARE },
  {
    name: 'lstsq (solution)', covers: ['pinv', 'matmul'], domains: ['real', 'real'], fn: (a, b) => linalg.lstsq(a, b).solution,
    shapes: [[[4, 3], [4, 2]], [[2, 3], [2, 1]], [[2, 4, 2], [4, 1]], [[4, 2], [4]]],
  },
  { name: 'lstsq (residuals)', covers: ['pinv', 'matmul'], domains: ['real', 'real'], fn: (a, b) => linalg.lstsq(a, b).residuals, shapes: [[[5, 2], [5, 2]]] },
  ...[2, 3, -2].map((p): OpRow => ({ name: `matrixPower ${p}`, covers: ['matmul', 'solve'], domains: ['real'], fn: (a) => linalg.matrixPower(wellConditioned(a), p), shapes: SQUARE })),
  {
    name: 'multiDot', covers: ['matmul'], domains: ['real', 'real', 'real'], fn: (a, b, c) => linalg.multiDot([a, b, c]),
    shapes: [[[2, 3], [3, 4], [4, 2]], [[3], [3, 4], [4]]],
  },
  { name: 'expm', domains: ['real'], fn: (a) => linalg.expm(a), shapes: [[[1, 1]], ...SQUARE] },
  {
    name: 'solveSylvester', covers: ['sylvester'], domains: ['real', 'real', 'real'],
    fn: (a, b, c) => linalg.solveSylvester(wellConditioned(a), wellConditioned(b), c),
    shapes: [[[3, 3], [2, 2], [3, 2]], [[2, 3, 3], [2, 2], [2, 3, 2]], [[1, 1], [3, 3], [2, 1, 3]]],
  },
  // a·0.3 + I: eigenvalues near 1, none on the negative real axis (complex pairs happen).
  { name: 'sqrtm', covers: ['sqrtm', 'sylvester'], domains: ['real'], fn: (a) => linalg.sqrtm(ad.add(ad.mul(a, 0.3), ad.eye(n(a)))), shapes: [[[1, 1]], ...SQUARE] },
  ...(['right', 'left'] as const).map((side): OpRow => ({
    name: `polar (${side})`, covers: ['polar', 'sylvester', 'solve'], domains: ['real'],
    fn: (a) => { const [u, p] = linalg.polar(a, side); return ad.concat([ad.reshape(u, [-1]), ad.reshape(p, [-1])], 0); },
    shapes: [[[1, 1]], [[3, 3]], [[4, 2]], [[2, 3]], [[2, 3, 3]]],
  })),
  { name: 'expm (scaled: squarings)', covers: ['expm'], domains: ['real'], fn: (a) => linalg.expm(ad.mul(a, 4)), shapes: [[[3, 3]]] },
  {
    name: 'lu (l and u)', covers: ['lu', 'slice', 'concat'], domains: ['real'],
    fn: (a) => { const { l, u } = linalg.lu(wellConditioned(a)); return ad.concat([l, u], -1); }, shapes: [[[1, 1]], ...SQUARE],
  },
  {
    name: 'lu (rectangular)', covers: ['lu', 'slice', 'concat'], domains: ['real'],
    fn: (a) => { const { l, u } = linalg.lu(a); return ad.concat([ad.reshape(l, [-1]), ad.reshape(u, [-1])], 0); }, shapes: [[[4, 3]], [[2, 3, 5]]],
  },
  { name: 'lu (p)', covers: ['lu'], domains: ['real'], fn: (a) => linalg.lu(a).p, shapes: SQUARE, zeroGradient: true },
  {
    name: 'luFactor, luSolve', covers: ['lu', 'triangularSolve'], domains: ['real', 'real'],
    fn: (a, b) => linalg.luSolve(linalg.luFactor(wellConditioned(a)), b), shapes: [[[3, 3], [3, 2]], [[2, 3, 3], [2, 3, 1]], [[3, 3], [3]]],
  },
  { name: 'eigvalsh', covers: ['eigh'], domains: ['real'], fn: (a) => linalg.eigvalsh(ad.add(a, linalg.matrixTranspose(a))), shapes: SQUARE },
  { name: 'svdvals', covers: ['svd'], domains: ['real'], fn: (a) => linalg.svdvals(a), shapes: [[[4, 3]], [[2, 2, 3]]] },
  ...([undefined, -2, 1, 'fro'] as const).map((p): OpRow => ({
    name: `cond (p ${p})`, covers: ['svd', 'solve'], domains: ['real'], fn: (a) => linalg.cond(wellConditioned(a), p), shapes: SQUARE,
  })),
  { name: 'vectorNorm (two axes, ord 3)', covers: ['sum'], domains: ['awayFromZero'], fn: (x) => linalg.vectorNorm(x, 3, [0, 2]), shapes: [[[2, 3, 2]]] },
  { name: 'matrixNorm (nuc)', covers: ['svd'], domains: ['real'], fn: (x) => linalg.matrixNorm(x, 'nuc'), shapes: [[[3, 2]], [[2, 2, 3]]] },
  {
    name: 'tensorsolve, tensorinv', covers: ['solve'], domains: ['real', 'real'],
    fn: (a, b) => {
      const t = ad.reshape(wellConditioned(a), [2, 2, 4]);
      return ad.concat([linalg.tensorsolve(t, b), ad.reshape(linalg.tensorinv(t), [16])], 0);
    },
    shapes: [[[4, 4], [2, 2]]],
  },
];
