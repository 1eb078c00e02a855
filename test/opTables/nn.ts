/** @file Op-table rows for pooling, normalisation and attention (composites of take/gather/reductions/matmul): run by test/ops.test.ts to second order, by test/vmap.test.ts against loops and by the ONNX export tables. */
import * as ad from 'adjoint';
import type { OpRow } from '../ops.table.js';

const POOL = ['take', 'reshape', 'concat'];
const MAX = [...POOL, 'maxIndex', 'gather'];

export const nnRows: OpRow[] = [
  {
    name: 'maxPool (1-d, stride 2, padding 1, dilation 2; 2-d ceilMode)', covers: MAX, domains: ['real'],
    fn: (x) => (x.ndim === 3 ? ad.maxPool(x, [3], { stride: 2, padding: 1, dilation: 2 }) : ad.maxPool(x, [2, 3], { stride: [2, 1], padding: [[1, 0], [1, 1]], ceilMode: true })),
    shapes: [[[2, 2, 7]], [[1, 2, 5, 4]]],
  },
  {
    name: 'avgPool (2-d, padding not counted, ceilMode; 1-d same)', covers: [...POOL, 'sum', 'div'], domains: ['real'],
    fn: (x) => (x.ndim === 4 ? ad.avgPool(x, [3, 2], { stride: 2, padding: 1, countIncludePad: false, ceilMode: true }) : ad.avgPool(x, [3], { stride: 2, padding: 'same' })),
    shapes: [[[1, 2, 5, 4]], [[2, 3, 6]]],
  },
  { name: 'adaptiveAvgPool (2-d 5×4 → 3×3)', covers: [...POOL, 'sum', 'div'], domains: ['real'], fn: (x) => ad.adaptiveAvgPool(x, [3, 3]), shapes: [[[1, 2, 5, 4]]] },
  { name: 'adaptiveMaxPool (1-d 7 → 3)', covers: MAX, domains: ['real'], fn: (x) => ad.adaptiveMaxPool(x, [3]), shapes: [[[2, 7]]] },
  // epsilon 0.5 on the 2-d case: the export table's weights equal its first input, and Σ x·standardize(x)'s gradient is ∝ ε.
  {
    name: 'standardize', covers: ['sum', 'sub', 'div', 'sqrt'], domains: ['real'],
    fn: (x) => (x.ndim === 3 ? ad.standardize(x, [0, 2]) : ad.standardize(x, -1, { epsilon: 0.5 })), shapes: [[[2, 5]], [[2, 3, 2]]],
  },
  {
    name: 'layerNorm (weight, bias)', covers: ['sum', 'sub', 'div', 'sqrt', 'mul', 'add'], domains: ['real', 'real', 'real'],
    fn: (x, w, b) => ad.layerNorm(x, w.shape, { weight: w, bias: b }), shapes: [[[2, 3, 2], [3, 2], [3, 2]], [[4, 3], [3], [3]]],
  },
  {
    name: 'groupNorm (2 groups, weight, bias)', covers: ['sum', 'sub', 'div', 'sqrt', 'mul', 'add'], domains: ['real', 'real', 'real'],
    fn: (x, w, b) => ad.groupNorm(x, 2, { weight: w, bias: b }), shapes: [[[2, 4, 3], [4], [4]]],
  },
  {
    name: 'batchNorm (training; evaluation with running statistics)', covers: ['sum', 'sub', 'div', 'sqrt', 'mul', 'add'], domains: ['real', 'real', 'positive'],
    fn: (x, m, v) => ad.add(ad.batchNorm(x, null, null, { training: true, weight: v, bias: m }), ad.batchNorm(x, m, v)),
    shapes: [[[3, 2, 2], [2], [2]]],
  },
  {
    name: 'dotProductAttention (grouped heads, bias, mask; causal)', covers: ['matmul', 'transpose', 'logsumexp', 'where', 'exp'], domains: ['real', 'real', 'real', 'real'],
    fn: (q, k, v, b) => (b.ndim === 0
      ? ad.dotProductAttention(q, k, v, { isCausal: true, scale: 0.8 })
      : ad.dotProductAttention(q, k, v, { bias: b, mask: ad.tensor([[1, 0, 1], [0, 1, 1]]) })),
    shapes: [[[2, 2, 4, 2], [2, 3, 2, 2], [2, 3, 2, 2], [4, 2, 3]], [[3, 2, 2], [3, 1, 2], [3, 1, 2], []]],
  },
];
