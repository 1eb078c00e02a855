/** @file Op-table rows for the structured models' primitives (Eisner's algorithm in the log semiring), run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';
import { eisnerLogPartition } from '../../src/structured/eisnerLog.js';
import { internal } from '../support/internalTensor.js';

/** Arc scores [B, N, N] of sentences of N − 1, N − 2, … words (at least 1): padding included. */
const lengthsOf = (a: Tensor) => Array.from({ length: a.shape[0]! }, (_, b) => Math.max(1, a.shape[1]! - 1 - b));
const logZ = (singleRoot: boolean) => (a: Tensor): Tensor => eisnerLogPartition(internal(a), lengthsOf(a), singleRoot);
const EISNER = ['eisnerCharts', 'eisnerLogZ', 'eisnerMarginals'];

export const structuredRows: OpRow[] = [
  // log Z's second derivative is the marginals primitive's first (a Hessian through eisner.ts).
  { name: 'eisnerLogZ (several root dependents)', covers: EISNER, fn: logZ(false), domains: ['real'], shapes: [[[1, 3, 3]], [[2, 4, 4]]] },
  { name: 'eisnerLogZ (one root dependent)', covers: EISNER, fn: logZ(true), domains: ['real'], shapes: [[[2, 4, 4]]] },
  // The marginals to second order: log Z to third.
  {
    name: 'eisnerMarginals', covers: EISNER, domains: ['real'], shapes: [[[1, 4, 4]], [[2, 3, 3]]],
    fn: (a) => ad.grad((x: Tensor) => ad.sum(logZ(true)(x)))(a) as Tensor,
  },
];
