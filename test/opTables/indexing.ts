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
  // PRNG keys given as tensors of their two words (the 'index' domain draws words 0, 1, 2): draws, splits and folds as primitives.
  { name: 'random.normal (tensor key)', covers: ['randomNoise'], zeroGradient: true, domains: ['index'], fn: (k) => ad.random.normal(k, [3]), shapes: [[[2]]] },
  { name: 'random.split (tensor key)', covers: ['randomSplit'], zeroGradient: true, domains: ['index'], fn: (k) => ad.random.split(k, 3), shapes: [[[2]]] },
  { name: 'random.foldIn (tensor key and data)', covers: ['randomFoldIn'], zeroGradient: true, domains: ['index', 'index'], fn: (k, d) => ad.random.foldIn(k, d), shapes: [[[2], []]] },
  { name: 'random.key (tensor seed)', covers: ['randomKey'], zeroGradient: true, domains: ['index'], fn: (s) => ad.random.key(s), shapes: [[[]]] },

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

  // Rearranging: take with an index map per axis, concat, broadcastTo, where.
  { name: 'pad (constant)', covers: ['concat'], domains: ['real'], fn: (x) => ad.pad(x, [[1, 0], [2, 1]], { value: 3 }), shapes: [[[2, 3]], [[1, 1]]] },
  { name: 'pad (reflect)', covers: ['take', 'scatterAdd'], domains: ['real'], fn: (x) => ad.pad(x, [[2, 3]], { mode: 'reflect' }), shapes: [[[3]], [[2, 3]]] },
  { name: 'pad (symmetric, wrap, edge)', covers: ['take', 'scatterAdd'], domains: ['real'], fn: (x) => ad.pad(ad.pad(ad.pad(x, 2, { mode: 'symmetric' }), [[0, 3]], { mode: 'wrap' }), 1, { mode: 'edge' }), shapes: [[[2]], [[2, 2]]] },
  { name: 'flip', covers: ['take', 'scatterAdd'], domains: ['real'], fn: (x) => ad.flip(x), shapes: [[[3]], [[2, 3]]] },
  { name: 'roll', covers: ['take', 'scatterAdd'], domains: ['real'], fn: (x) => ad.roll(x, [1, -4], [0, -1]), shapes: [[[3, 2]], [[2, 3, 2]]] },
  { name: 'roll (flattened)', covers: ['take', 'reshape'], domains: ['real'], fn: (x) => ad.roll(x, 2), shapes: [[[5]], [[2, 3]]] },
  { name: 'tile', covers: ['broadcastTo', 'reshape'], domains: ['real'], fn: (x) => ad.tile(x, [2, 1, 3]), shapes: [[[2]], [[2, 3]], [[]]] },
  { name: 'repeat', covers: ['broadcastTo', 'reshape'], domains: ['real'], fn: (x) => ad.repeat(x, 2, -1), shapes: [[[3]], [[2, 3]]] },
  { name: 'repeat (counts, flattened)', covers: ['take', 'reshape'], domains: ['real'], fn: (x) => ad.repeat(x, [2, 0, 1, 3]), shapes: [[[4]], [[2, 2]]] },
  { name: 'tril', covers: ['where'], domains: ['real'], fn: (x) => ad.tril(x), shapes: [[[3, 3]], [[2, 3, 4]]] },
  { name: 'triu (k = -1)', covers: ['where'], domains: ['real'], fn: (x) => ad.triu(x, -1), shapes: [[[3, 3]], [[2, 4, 3]]] },

  // einsum: transposes, reshapes, matmul, sums and diagonals (take) underneath.
  {
    name: 'einsum (chain with a vector)', covers: ['matmul', 'reshape', 'transpose'], domains: ['real', 'real', 'real'],
    fn: (a, b, v) => ad.einsum('ij,jk,k->i', a, b, v), shapes: [[[2, 3], [3, 4], [4]]],
  },
  {
    name: 'einsum (batched, ellipsis)', covers: ['matmul', 'reshape'], domains: ['real', 'real'],
    fn: (a, b) => ad.einsum('...ij,...jk->...ki', a, b), shapes: [[[2, 2, 3], [3, 2]], [[2, 3], [2, 3, 1]]],
  },
  {
    name: 'einsum (diagonal, sum, outer)', covers: ['take', 'scatterAdd', 'sum', 'mul'], domains: ['real', 'real'],
    fn: (a, b) => ad.einsum('iij,k->jk', a, b), shapes: [[[2, 2, 3], [2]]],
  },
  { name: 'einsum (broadcast length 1)', covers: ['mul', 'reshape'], domains: ['real', 'real'], fn: (a, b) => ad.einsum('ij,ij->ji', a, b), shapes: [[[1, 3], [2, 3]]] },
];
