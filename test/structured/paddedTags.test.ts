/**
 * @file Tag sequences of a batch padded to the batch's length (pytorch-crf's tags with a mask):
 * accepted by score/logProbability of LinearChainCRF and the tag models, the entries past each
 * sequence's length ignored whatever they hold; other lengths still throw, naming both forms.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';

const e = ad.random.normal(ad.random.key(1), [2, 5, 3]);
const T = ad.random.normal(ad.random.key(2), [3, 3]);

describe('padded tag rows', () => {
  it('LinearChainCRF: a padded row scores as the row cut to its length (and log p is brute force)', () => {
    const crf = new ad.LinearChainCRF({ emissions: e, transitions: T, lengths: [5, 3] });
    const exact = crf.logProbability([[0, 1, 2, 1, 0], [2, 2, 1]]).toArray();
    expect(crf.logProbability([[0, 1, 2, 1, 0], [2, 2, 1, -1, 7.5]]).toArray()).toEqual(exact);
    expect(crf.score([[0, 1, 2, 1, 0], [2, 2, 1, 0, 0]]).toArray()).toEqual(crf.score([[0, 1, 2, 1, 0], [2, 2, 1]]).toArray());
    // Brute force for the short sequence: log Σ over its 27 sequences of exp(score).
    const single = new ad.LinearChainCRF({ emissions: ad.slice(e, [1, 0, 0], [1, 3, 3]).reshape([3, 3]), transitions: T });
    const scores: number[] = [];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 3; c++) scores.push(single.score([a, b, c]).item());
    const m = Math.max(...scores), logZ = m + Math.log(scores.reduce((s, v) => s + Math.exp(v - m), 0));
    expect((exact as number[])[1]).toBeCloseTo(single.score([2, 2, 1]).item() - logZ, 12);
  });

  it('other lengths still throw, naming the sequence length and the padded length', () => {
    const crf = new ad.LinearChainCRF({ emissions: e, transitions: T, lengths: [5, 3] });
    expect(() => crf.logProbability([[0, 1, 2, 1, 0], [2, 2, 1, 0]])).toThrow(/tags\[1\] has 4 tags but the sequence has 3 positions.*padded to the batch's 5 positions/);
    expect(() => crf.logProbability([[0, 1, 2, 1], [2, 2, 1]])).toThrow(/tags\[0\] has 4 tags but the sequence has 5 positions; pass an array of 5 integer tags in 0 … 2 \(one per position\)\./);
    // Tags inside the length are still checked.
    expect(() => crf.logProbability([[0, 1, 2, 1, 0], [2, 9, 1, 0, 0]])).toThrow(/tags\[1\]\[1\] is 9|tags\[1\] .*9/);
  });

  it('HigherOrderCRF (a tag model) takes padded rows too', () => {
    const crf = new ad.HigherOrderCRF({ emissions: e, transitions: ad.random.normal(ad.random.key(3), [3, 3, 3]), lengths: [5, 3] });
    expect(crf.logProbability([[0, 1, 2, 1, 0], [2, 2, 1, 5, -3]]).toArray()).toEqual(crf.logProbability([[0, 1, 2, 1, 0], [2, 2, 1]]).toArray());
  });
});
