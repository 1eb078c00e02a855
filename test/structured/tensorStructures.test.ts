/**
 * @file Structures given as tensors of integers, as pytorch-crf and torch-struct take them (tags as a
 * LongTensor [n] or [B, n], heads, alignment states, HMM observations): the same results as the
 * arrays (a tensor of tags was an error: "tags must be an array").
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('structures given as tensors', () => {
  const E = ad.random.normal([5, 4], 1), T = ad.random.normal([4, 4], 2);

  it('LinearChainCRF and HigherOrderCRF tags, one sequence and a padded batch', () => {
    const crf = new ad.LinearChainCRF({ emissions: E, transitions: T });
    expect(arr(crf.score(ad.tensor([0, 3, 1, 1, 2])))).toEqual(arr(crf.score([0, 3, 1, 1, 2])));
    expect(arr(crf.logProbability(ad.tensor([0, 3, 1, 1, 2])))).toEqual(arr(crf.logProbability([0, 3, 1, 1, 2])));
    const batch = new ad.LinearChainCRF({ emissions: ad.stack([E, E], 0), transitions: T, lengths: [5, 3] });
    const tags = [[0, 3, 1, 1, 2], [1, 1, 2, 0, 0]];
    expect(arr(batch.logProbability(ad.tensor(tags)))).toEqual(arr(batch.logProbability(tags)));
    expect(() => crf.logProbability(ad.tensor([0, 3, 1, 1, 2.5]))).toThrow(/tags\[4\] is 2\.5, not an integer tag in 0 … 3/);
    const higher = new ad.HigherOrderCRF({ emissions: E, transitions: ad.random.normal([4, 4, 4], 3) });
    expect(arr(higher.logProbability(ad.tensor([0, 3, 1, 1, 2])))).toEqual(arr(higher.logProbability([0, 3, 1, 1, 2])));
  });

  it('DependencyCRF heads and Alignment states', () => {
    const arcScores = ad.random.normal([4, 4], 4);
    const parser = new ad.DependencyCRF({ arcScores, projective: false, singleRoot: true });
    const heads = parser.argmax().heads as number[];
    expect(arr(parser.logProbability(ad.tensor(heads)))).toEqual(arr(parser.logProbability(heads)));
    const a = new ad.Alignment({ scores: ad.tensor([[2, 0, 0], [0, 1, 0], [0, 2, 0], [0, 0, 1], [0, 0, 2]]) });
    expect(arr(a.score(ad.tensor([0, 1, 1, 2, 2])))).toEqual(arr(a.score([0, 1, 1, 2, 2])));
  });

  it('HMM observations and states', () => {
    const hmm = new ad.HMM({
      initial: ad.log(ad.tensor([0.6, 0.4])),
      transition: ad.log(ad.tensor([[0.7, 0.3], [0.4, 0.6]])),
      emission: ad.log(ad.tensor([[0.5, 0.4, 0.1], [0.1, 0.3, 0.6]])),
    });
    expect(arr(hmm.logLikelihood(ad.tensor([0, 2, 1, 1])))).toEqual(arr(hmm.logLikelihood([0, 2, 1, 1])));
    expect(arr(hmm.logLikelihood(ad.tensor([[0, 2, 1], [1, 1, 0]])))).toEqual(arr(hmm.logLikelihood([[0, 2, 1], [1, 1, 0]])));
    expect(arr(hmm.logJoint(ad.tensor([0, 1, 1, 0]), ad.tensor([0, 2, 1, 1])))).toEqual(arr(hmm.logJoint([0, 1, 1, 0], [0, 2, 1, 1])));
  });

  it('under jit the tags are read (the function runs as written), with the same results', () => {
    const nll = (e: Tensor, tags: Tensor) => ad.neg(new ad.LinearChainCRF({ emissions: e, transitions: T }).logProbability(tags));
    const j = ad.jit(ad.valueAndGrad(nll));
    const [v, g] = j(E, ad.tensor([0, 3, 1, 1, 2]));
    const [v0, g0] = ad.valueAndGrad(nll)(E, ad.tensor([0, 3, 1, 1, 2]));
    expect(arr(v)).toEqual(arr(v0));
    expect(arr(g)).toEqual(arr(g0));
    expect(j.cacheInfo()[0]!.status).toBe('eager');
  });
});
