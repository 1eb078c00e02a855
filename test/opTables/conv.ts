/** @file Op-table rows for ad.conv and ad.convTranspose (and the weight-gradient primitive): run by test/ops.test.ts to second order and by test/vmap.test.ts against loops. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import { convWeight } from '../../src/ops/conv.js';
import type { OpRow } from '../ops.table.js';
import { internal } from '../support/internalTensor.js';

/** Second-order checks of any of them run the other two: each one's VJPs are the other two primitives. */
const CONV = ['conv', 'convTranspose', 'convWeight'];

export const convRows: OpRow[] = [
  { name: 'conv (1-d)', covers: CONV, domains: ['real', 'real'], fn: (x, w) => ad.conv(x, w), shapes: [[[2, 3, 5], [4, 3, 2]], [[3, 5], [2, 3, 3]]] },
  {
    name: 'conv (1-d, stride 2, padding 1, dilation 2, bias)', covers: [...CONV, 'add'], domains: ['real', 'real', 'real'],
    fn: (x, w, b) => ad.conv(x, w, { stride: 2, padding: 1, dilation: 2, bias: b }), shapes: [[[2, 2, 7], [3, 2, 2], [3]]],
  },
  {
    name: 'conv (2-d, groups 2, padding same)', covers: CONV, domains: ['real', 'real'],
    fn: (x, w) => ad.conv(x, w, { groups: 2, padding: 'same' }), shapes: [[[1, 4, 4, 3], [4, 2, 2, 3]], [[4, 3, 3], [2, 2, 3, 2]]],
  },
  {
    name: 'conv (2-d, stride [2, 1], padding pairs, dilation [1, 2])', covers: CONV, domains: ['real', 'real'],
    fn: (x, w) => ad.conv(x, w, { stride: [2, 1], padding: [[1, 0], [0, 1]], dilation: [1, 2] }), shapes: [[[2, 2, 5, 5], [3, 2, 2, 2]]],
  },
  { name: 'conv (3-d)', covers: CONV, domains: ['real', 'real'], fn: (x, w) => ad.conv(x, w, { padding: 1, stride: 2 }), shapes: [[[1, 2, 3, 3, 2], [2, 2, 2, 2, 2]]] },
  {
    name: 'convTranspose (2-d, stride 2, outputPadding 1, groups 2, bias)', covers: [...CONV, 'add'], domains: ['real', 'real', 'real'],
    fn: (x, w, b) => ad.convTranspose(x, w, { stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: b }),
    shapes: [[[1, 4, 2, 3], [4, 1, 3, 2], [2]], [[4, 3, 2], [4, 1, 2, 2], [2]]],
  },
  {
    name: 'convWeight (1-d, groups 2, stride 2)', covers: CONV, domains: ['real', 'real'],
    fn: (x: Tensor, g: Tensor) => convWeight(internal(x), internal(g), [2], { groups: 2, stride: 2, padding: 1 }), shapes: [[[2, 4, 6], [2, 2, 4]]],
  },
];
