/** @file Op-table rows for the structured models' primitives (Eisner's algorithm and the semi-Markov forward algorithm in the log semiring), run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';
import { eisnerLogPartition } from '../../src/structured/eisnerLog.js';
import { semiMarkovLogPartition } from '../../src/structured/semiMarkovLog.js';
import { internal } from '../support/internalTensor.js';

/** Arc scores [B, N, N] of sentences of N − 1, N − 2, … words (at least 1): padding included. */
const lengthsOf = (a: Tensor) => Array.from({ length: a.shape[0]! }, (_, b) => Math.max(1, a.shape[1]! - 1 - b));
const logZ = (singleRoot: boolean) => (a: Tensor): Tensor => eisnerLogPartition(internal(a), lengthsOf(a), singleRoot);
const EISNER = ['eisnerCharts', 'eisnerLogZ', 'eisnerMarginals'];
const SEMI = ['semiMarkovCharts', 'semiMarkovLogZ', 'semiMarkovMarginals'];
/** log Z of semi-Markov CRFs with segments [B, n, L, C] over sentences of n, n − 1, … words (at least 1). */
const semiMarkov = (...x: Tensor[]): Tensor =>
  semiMarkovLogPartition(internal(x[0]!), internal(x[1]!), internal(x[2]!), internal(x[3]!), Array.from({ length: x[0]!.shape[0]! }, (_, b) => Math.max(1, x[0]!.shape[1]! - b)));

export const structuredRows: OpRow[] = [
  // log Z's second derivative is the marginals primitive's first (a Hessian through eisner.ts).
  { name: 'eisnerLogZ (several root dependents)', covers: EISNER, fn: logZ(false), domains: ['real'], shapes: [[[1, 3, 3]], [[2, 4, 4]]] },
  { name: 'eisnerLogZ (one root dependent)', covers: EISNER, fn: logZ(true), domains: ['real'], shapes: [[[2, 4, 4]]] },
  // The marginals to second order: log Z to third.
  {
    name: 'eisnerMarginals', covers: EISNER, domains: ['real'], shapes: [[[1, 4, 4]], [[2, 3, 3]]],
    fn: (a) => ad.grad((x: Tensor) => ad.sum(logZ(true)(x)))(a) as Tensor,
  },
  // Semi-Markov: segments [B, n, L, C] of sentences of n, n − 1, … words; shared or per-sentence transitions, start and end.
  {
    name: 'semiMarkovLogZ', covers: SEMI, domains: ['real', 'real', 'real', 'real'], fn: semiMarkov,
    shapes: [[[1, 3, 2, 2], [2, 2], [2], [2]], [[2, 3, 2, 2], [2, 2, 2], [2, 2], [2]]],
  },
  {
    name: 'semiMarkovMarginals', covers: SEMI, domains: ['real', 'real', 'real', 'real'], shapes: [[[2, 3, 2, 2], [2, 2], [2], [2]]],
    fn: (g, t, s, e) => ad.concat((ad.grad((...x: Tensor[]) => ad.sum(semiMarkov(...x)), [0, 1, 2, 3])(g, t, s, e) as Tensor[]).map((x) => ad.reshape(x, [-1])), 0),
  },
];
