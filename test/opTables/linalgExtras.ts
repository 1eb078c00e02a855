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
  { name: 'expm (scaled: squarings)', covers: ['expm'], domains: ['real'], fn: (a) => linalg.expm(ad.mul(a, 4)), shapes: [[[3, 3]]] },
];
