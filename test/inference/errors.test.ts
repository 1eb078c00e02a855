/** @file PairwiseMRF's misuse: each throws an AdjointError naming the op, the shapes or option, and the fix. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const unary = ad.zeros([3, 2]);
const edges = [[0, 1], [1, 2]];
const pairwise = ad.zeros([2, 2, 2]);

describe('PairwiseMRF errors', () => {
  it.each([
    ['unary of rank 1', () => new ad.PairwiseMRF({ unary: ad.zeros([3]), edges, pairwise }), ad.ShapeError, /PairwiseMRF: unary must have shape \[V, K\].*got \[3\]/],
    ['unary missing', () => new ad.PairwiseMRF({ edges, pairwise } as never), ad.InvalidArgumentError, /options\.unary is missing/],
    ['pairwise of the wrong shape', () => new ad.PairwiseMRF({ unary, edges, pairwise: ad.zeros([3, 2, 2]) }), ad.ShapeError, /pairwise must have shape \[E, K, K\] = \[2,2,2\] or a shared \[K, K\] = \[2,2\] for 2 edges.*got \[3,2,2\]/],
    ['edges [E, 3]', () => new ad.PairwiseMRF({ unary, edges: ad.zeros([2, 3]), pairwise }), ad.ShapeError, /edges must have shape \[E, 2\], got \[2,3\]/],
    ['an edge out of range', () => new ad.PairwiseMRF({ unary, edges: [[0, 1], [1, 3]], pairwise }), ad.InvalidArgumentError, /edges\[1\] = \[1, 3\] holds 3, not a variable index in 0 … 2/],
    ['a self-loop', () => new ad.PairwiseMRF({ unary, edges: [[0, 1], [2, 2]], pairwise }), ad.InvalidArgumentError, /edges\[1\] = \[2, 2\] joins a variable to itself/],
    ['not a pair', () => new ad.PairwiseMRF({ unary, edges: [[0, 1], [2]], pairwise }), ad.ShapeError, /edges\[1\] is an array of length 1, not a pair/],
  ])('%s', (_, f, kind, message) => {
    expect(f).toThrow(kind);
    expect(f).toThrow(message);
  });

  const mrf = new ad.PairwiseMRF({ unary, edges, pairwise });
  it.each([
    ['unknown option', () => mrf.beliefs({ iteration: 3 } as never), /PairwiseMRF.beliefs: unknown option iteration/],
    ['unknown method', () => mrf.beliefs({ method: 'gibbs' } as never), /option method must be 'bp', 'meanField' or 'trw'/],
    ['damping 1', () => mrf.beliefs({ damping: 1 }), /option damping must be a number in \[0, 1\)/],
    ['tol 0', () => mrf.beliefs({ tol: 0 }), /option tol must be a number > 0/],
    ['bad checkpoints', () => mrf.beliefs({ checkpoints: 0 }), /checkpoints must be 'all', 'sqrt' or an integer ≥ 1/],
    ['checkpoints with implicit', () => mrf.beliefs({ checkpoints: 4, gradient: 'implicit' }), /checkpoints apply to gradient: 'unrolled'/],
    ['edgeWeights with bp', () => mrf.beliefs({ edgeWeights: [1, 1] }), /pass them with method: 'trw'/],
    ['edgeWeights of the wrong length', () => mrf.beliefs({ method: 'trw', edgeWeights: [1] }), /edgeWeights must have shape \[E\] = \[2\]/],
    ['edgeWeights out of (0, 1]', () => mrf.beliefs({ method: 'trw', edgeWeights: [1, 0] }), /edgeWeights\[1\] is 0, not in \(0, 1\]/],
    ['a semiring other than log and max', () => mrf.beliefs({ semiring: ad.semirings.entropy }), /semiring must be ad.semirings.log .* or ad.semirings.max/],
    ['labels of the wrong length', () => mrf.score([0, 1]), /PairwiseMRF.score: labels has 2 entries but the model has 3 variables/],
    ['a label out of range', () => mrf.surrogateLogLikelihood([0, 1, 2]), /labels\[2\] is number 2, not an integer in 0 … 1/],
  ])('%s', (_, f, message) => {
    expect(f).toThrow(ad.AdjointError);
    expect(f).toThrow(message);
  });
});
