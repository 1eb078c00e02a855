/** @file Op-table rows for the structured models' primitives (Eisner's algorithm, the semi-Markov forward algorithm and CTC's in the log semiring), run by test/ops.test.ts to second order. */
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';
import type { OpRow } from '../ops.table.js';
import { eisnerLogPartition } from '../../src/structured/eisnerLog.js';
import { semiMarkovLogPartition } from '../../src/structured/semiMarkovLog.js';
import { ctcLogLikelihood } from '../../src/structured/ctcLog.js';
import { gthLogDet } from '../../src/structured/gthLog.js';
import { internal } from '../support/internalTensor.js';

/** Arc scores [B, N, N] of sentences of N − 1, N − 2, … words (at least 1): padding included. */
const lengthsOf = (a: Tensor) => Array.from({ length: a.shape[0]! }, (_, b) => Math.max(1, a.shape[1]! - 1 - b));
const logZ = (singleRoot: boolean) => (a: Tensor): Tensor => eisnerLogPartition(internal(a), lengthsOf(a), singleRoot);
const EISNER = ['eisnerCharts', 'eisnerLogZ', 'eisnerMarginals'];
const SEMI = ['semiMarkovCharts', 'semiMarkovLogZ', 'semiMarkovMarginals'];
/** log Z of semi-Markov CRFs with segments [B, n, L, C] over sentences of n, n − 1, … words (at least 1). */
const semiMarkov = (...x: Tensor[]): Tensor =>
  semiMarkovLogPartition(internal(x[0]!), internal(x[1]!), internal(x[2]!), internal(x[3]!), Array.from({ length: x[0]!.shape[0]! }, (_, b) => Math.max(1, x[0]!.shape[1]! - b)));
/**
 * CTC's log p over logProbs [T, N, C] (blank 0): sequence b has T − b frames and the target [1, 2]
 * (b even) or [2, 2] (b odd, a repeat: the blank between is required); α kept at every frame, or
 * at every other one (checkpoints 2, recomputed in the adjoint).
 */
const ctc = (checkpoints: 'all' | 2) => (x: Tensor): Tensor => {
  const [T, N] = x.shape as [number, number, number];
  const targets = [[1, 2], [2, 2]];
  const ext = Int32Array.from({ length: N * 5 }, (_, k) => (k % 5) % 2 === 0 ? 0 : targets[Math.floor(k / 5) % 2]![(k % 5 - 1) / 2]!);
  return ctcLogLikelihood(internal(x), { S: 5, ext, frames: Array.from({ length: N }, (_, b) => T - b), states: new Array<number>(N).fill(5), checkpoints });
};
const CTC = ['ctcCharts', 'ctcLogLikelihood', 'ctcOccupations'];
const GTH = ['gthTape', 'gthLogDet', 'gthAdjoint'];
/** The Matrix-Tree elimination on positive rows [B, n + R, n] (R = 2: one root dependent). */
const gth = (singleRoot: boolean) => (rows: Tensor): Tensor => gthLogDet(internal(rows), singleRoot);

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
  // The Matrix-Tree theorem's subtraction-free elimination (non-projective DependencyCRF).
  { name: 'gthLogDet (several root dependents)', covers: GTH, fn: gth(false), domains: ['positive'], shapes: [[[1, 2, 1]], [[2, 4, 3]]] },
  { name: 'gthLogDet (one root dependent)', covers: GTH, fn: gth(true), domains: ['positive'], shapes: [[[1, 3, 1]], [[2, 5, 3]]] },
  {
    name: 'gthAdjoint', covers: GTH, domains: ['positive'], shapes: [[[2, 5, 3]]],
    fn: (x) => ad.grad((y: Tensor) => ad.sum(ad.mul(gth(true)(y), ad.tensor([0.7, -1.3]))))(x) as Tensor,
  },
  // CTC: log p's second derivative is the occupations primitive's first (a Hessian through the Alignment).
  { name: 'ctcLogLikelihood', covers: CTC, fn: ctc('all'), domains: ['real'], shapes: [[[3, 1, 3]], [[4, 2, 3]]] },
  { name: 'ctcLogLikelihood (α recomputed between checkpoints)', covers: CTC, fn: ctc(2), domains: ['real'], shapes: [[[5, 2, 3]]] },
  {
    name: 'ctcOccupations', covers: CTC, domains: ['real'], shapes: [[[4, 2, 3]]],
    fn: (x) => ad.grad((y: Tensor) => ad.sum(ctc(2)(y)))(x) as Tensor,
  },
];
