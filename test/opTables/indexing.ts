/** @file Op-table rows for sorting, gathering, scattering, padding and rearranging ops, and einsum: one row per op, run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { OpRow } from '../ops.table.js';

const GATHER = ['gather', 'scatterAddAlong'];

export const indexingRows: OpRow[] = [
  // Sorting: a gather through the permutation ('real' inputs almost never tie).
  { name: 'sort', covers: [...GATHER, 'argsort'], domains: ['real'], fn: (x) => ad.sort(x), shapes: [[[5]], [[2, 3]]] },
  { name: 'sort (axis 0, descending)', covers: [...GATHER, 'argsort'], domains: ['real'], fn: (x) => ad.sort(x, 0, { descending: true }), shapes: [[[3, 2]], [[20]]] },
  { name: 'topk (values)', covers: [...GATHER, 'argsort'], domains: ['real'], fn: (x) => ad.topk(x, 2).values, shapes: [[[4]], [[2, 3]]] },
  { name: 'argsort', zeroGradient: true, domains: ['real'], fn: (x) => ad.argsort(x), shapes: [[[4]], [[2, 3]]] },
  { name: 'maxIndex', zeroGradient: true, domains: ['real'], fn: (x) => ad.maxIndex(x, -1), shapes: [[[4]], [[2, 3]]] },
  { name: 'minIndex', zeroGradient: true, domains: ['real'], fn: (x) => ad.minIndex(x), shapes: [[[4]], [[2, 3]]] },

  // Gathers and scatters along an axis, with repeated and negative indices.
  { name: 'gather', covers: GATHER, domains: ['real'], fn: (x) => ad.gather(x, [[2, 0, 2, -1], [1, 1, 0, 0]], 1), shapes: [[[2, 3]], [[1, 3]]] },
  { name: 'gather (axis 0)', covers: [...GATHER, 'broadcastTo'], domains: ['real'], fn: (x) => ad.gather(x, [[1], [0], [1]], 0), shapes: [[[2, 3]], [[2, 1]]] },
  {
    name: 'scatterAdd', covers: [...GATHER, 'add'], domains: ['real', 'real'], fn: (x, u) => ad.scatterAdd(x, [[0, 2, 0]], u, 1),
    shapes: [[[2, 3], [2, 3]], [[2, 4], [3]], [[1, 3], []]],
  },
  {
    name: 'scatter', covers: ['scatter', 'gather', 'where'], domains: ['real', 'real'], fn: (x, u) => ad.scatter(x, [[0, 2, 0]], u, 1),
    shapes: [[[2, 3], [2, 3]], [[2, 4], [3]], [[1, 3], []]],
  },
];
