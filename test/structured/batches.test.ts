/** @file PCFG, HigherOrderCRF and VariableOrderCRF on padded batches with lengths: each equals a loop over its sentences, whatever the padding holds. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { fill, seeded } from './draws.js';
import { allClose, close, values } from './structureOracle.js';

/** Rows 0 … len − 1 of item b of a [B, n, …rest] array, flattened. */
const rowsOf = (data: number[], b: number, n: number, len: number, row: number) => data.slice(b * n * row, b * n * row + len * row);

/** The parts every tagging model shares: log Z, entropy, unary marginals (zero past the end), argmax, scores, log p. */
function taggingBatchIsALoop(make: (emissions: ad.Tensor, lengths?: number[]) => ad.HigherOrderCRF | ad.VariableOrderCRF, B: number, n: number, K: number, lengths: number[], seed: number) {
  const E = fill(B * n * K, seeded(seed, { forbidden: 1 / 10, real: true }));
  const batch = make(ad.tensor(E, [B, n, K]), lengths);
  const logZ = values(batch.logPartition()), H = values(batch.entropy()), unary = values(batch.marginals().unary);
  const best = batch.argmax() as ad.TagsAndScore<number[][], number[]>;
  const counts = values(Object.values(batch.marginals())[1] as ad.Tensor);
  const loopCounts = new Array<number>(counts.length).fill(0);
  lengths.forEach((len, b) => {
    const single = make(ad.tensor(rowsOf(E, b, n, len, K), [len, K]));
    close(logZ[b]!, single.logPartition().item());
    close(H[b]!, single.entropy().item());
    const u = unary.slice(b * n * K, (b + 1) * n * K);
    allClose(u.slice(0, len * K), values(single.marginals().unary));
    expect(u.slice(len * K).every((v) => v === 0)).toBe(true);
    values(Object.values(single.marginals())[1] as ad.Tensor).forEach((v, i) => (loopCounts[i]! += v));
    expect(best.tags[b]).toEqual(single.argmax().tags);
    expect(best.score[b]).toBe(single.argmax().score);
    close(batch.logProbability(best.tags).toFloat64Array()[b]!, single.logProbability(best.tags[b]).item());
  });
  allClose(counts, loopCounts);
  allClose(values(batch.score(best.tags)), best.score);
}

describe('HigherOrderCRF batches', () => {
  const T = ad.random.normal([2, 2, 2], 1), start = ad.random.normal([2, 2], 2), end = ad.random.normal([2, 2], 3);
  const make = (emissions: ad.Tensor, lengths?: number[]) => new ad.HigherOrderCRF({ emissions, transitions: T, start, end, lengths });
  it('order 2: a padded batch equals a loop (a sentence of exactly k = 2 positions)', () => taggingBatchIsALoop(make, 3, 5, 2, [5, 2, 3], 4));
  it('order 1, a length-1 sentence', () => {
    const T1 = ad.random.normal([3, 3], 5);
    taggingBatchIsALoop((emissions, lengths) => new ad.HigherOrderCRF({ emissions, transitions: T1, lengths }), 3, 4, 3, [1, 4, 2], 6);
  });
  it('lengths out of range are rejected, naming the op and the entry', () => {
    expect(() => make(ad.zeros([2, 4, 2]), [4, 5])).toThrow(/^HigherOrderCRF: lengths\[1\] is 5, not an integer in 1 … 4/);
    expect(() => make(ad.zeros([2, 4, 2]), [4, 0])).toThrow(/^HigherOrderCRF: lengths\[1\] is 0/);
    expect(() => make(ad.zeros([2, 4, 2]), [4])).toThrow(/^HigherOrderCRF: lengths has 1 entries for a batch of 2/);
    expect(() => make(ad.zeros([2, 4, 2]), [4, 1])).toThrow(/^HigherOrderCRF: a chain of order 2 .* needs at least 2 positions, but lengths\[1\] is 1/);
    expect(() => make(ad.zeros([2, 4, 2])).score([[0, 0, 0, 0]])).toThrow(/^HigherOrderCRF.score: a batch of 2 structures needs one tag sequence per batch item/);
  });
});

describe('VariableOrderCRF batches', () => {
  const contexts = [[0], [1, 0], [0, 1, 1], [2, 2], [2]];
  const weights = ad.tensor([0.5, -1, 2, -Infinity, 0.3]);
  const make = (emissions: ad.Tensor, lengths?: number[]) => new ad.VariableOrderCRF({ emissions, contexts, weights, lengths });
  it('a padded batch equals a loop (a length-1 sentence, a forbidden context)', () => taggingBatchIsALoop(make, 4, 5, 3, [5, 1, 3, 4], 7));
  it('lengths out of range are rejected', () => {
    expect(() => make(ad.zeros([2, 3, 3]), [3, 4])).toThrow(/^VariableOrderCRF: lengths\[1\] is 4/);
    expect(() => make(ad.zeros([2, 3, 3]), [1.5, 2])).toThrow(/^VariableOrderCRF: lengths\[0\] is 1.5/);
  });
});

describe('PCFG batches', () => {
  const N = 2;
  const rules = ad.random.normal([N, N, N], 8), root = ad.random.normal([N], 9);
  it('a padded batch equals a loop over its sentences (a length-1 sentence)', () => {
    const [B, n, lengths] = [3, 4, [4, 1, 3]];
    const U = fill(B * n * N, seeded(10, { forbidden: 1 / 10, real: true }));
    const batch = new ad.PCFG({ terminals: ad.tensor(U, [B, n, N]), rules, root, lengths });
    const logZ = values(batch.logPartition()), H = values(batch.entropy());
    const m = batch.marginals(), spans = values(m.spans), best = batch.argmax() as ad.TreeAndScore<ad.ParseTree[], number[]>;
    const ruleCounts = new Array<number>(N ** 3).fill(0);
    lengths.forEach((len, b) => {
      const single = new ad.PCFG({ terminals: ad.tensor(rowsOf(U, b, n, len, N), [len, N]), rules, root });
      close(logZ[b]!, single.logPartition().item());
      close(H[b]!, single.entropy().item());
      const sm = values(single.marginals().spans);
      for (let i = 0; i < n; i++) for (let j = 0; j <= n; j++) for (let A = 0; A < N; A++) {
        close(spans[((b * n + i) * (n + 1) + j) * N + A]!, i < len && j <= len ? sm[(i * (len + 1) + j) * N + A]! : 0);
      }
      values(single.marginals().rules).forEach((v, i) => (ruleCounts[i]! += v));
      expect(best.tree[b]).toEqual(single.argmax().tree);
      close(best.score[b]!, (single.argmax() as ad.TreeAndScore).score);
      close(batch.logProbability(best.tree).toFloat64Array()[b]!, single.logProbability(best.tree[b]).item());
    });
    allClose(values(m.rules), ruleCounts);
    allClose(values(batch.score(best.tree)), best.score);
  });
  it('lengths out of range are rejected', () => {
    const terminals = ad.zeros([2, 3, N]);
    expect(() => new ad.PCFG({ terminals, rules, lengths: [3, 4] })).toThrow(/^PCFG: lengths\[1\] is 4, not an integer in 1 … 3/);
    expect(() => new ad.PCFG({ terminals, rules, lengths: [0, 1] })).toThrow(/^PCFG: lengths\[0\] is 0/);
    expect(() => new ad.PCFG({ terminals, rules, lengths: [3, 2] }).score({ label: 0, start: 0, end: 1 } as any)).toThrow(/^PCFG.score: a batch of 2 structures needs one tree per batch item/);
  });
});

describe('gradients through padded batches (checkGrad, second order)', () => {
  it('HigherOrderCRF, VariableOrderCRF and PCFG: Σ log Z of a batch with lengths', () => {
    const T = ad.random.normal([2, 2, 2], 11);
    const higher = (e: ad.Tensor, t: ad.Tensor) => ad.sum(new ad.HigherOrderCRF({ emissions: e, transitions: t, lengths: [3, 2] }).logPartition());
    expect(ad.checkGrad(higher, [ad.random.normal([2, 3, 2], 12), T]).ok).toBe(true);
    const variable = (e: ad.Tensor, w: ad.Tensor) => ad.sum(new ad.VariableOrderCRF({ emissions: e, contexts: [[0, 1], [1]], weights: w, lengths: [1, 3] }).entropy());
    expect(ad.checkGrad(variable, [ad.random.normal([2, 3, 2], 13), ad.random.normal([2], 14)]).ok).toBe(true);
    const grammar = (u: ad.Tensor, r: ad.Tensor) => ad.sum(new ad.PCFG({ terminals: u, rules: r, lengths: [3, 1] }).logPartition());
    expect(ad.checkGrad(grammar, [ad.random.normal([2, 3, 2], 15), ad.random.normal([2, 2, 2], 16)]).ok).toBe(true);
  });

  it('SemiMarkovCRF, DependencyCRF (both kinds), Alignment: Σ log Z and the entropy of a batch with lengths', () => {
    const semi = (s: ad.Tensor) => ad.sum(new ad.SemiMarkovCRF({ segments: s, transitions: ad.zeros([2, 2]), lengths: [3, 2] }).entropy());
    expect(ad.checkGrad(semi, [ad.random.normal([2, 3, 2, 2], 17)]).ok).toBe(true);
    for (const projective of [true, false]) {
      const dep = (a: ad.Tensor) => ad.sum(new ad.DependencyCRF({ arcScores: a, projective, lengths: [3, 2] }).logPartition());
      expect(ad.checkGrad(dep, [ad.random.normal([2, 4, 4], 18)]).ok).toBe(true);
      const h = (a: ad.Tensor) => ad.sum(new ad.DependencyCRF({ arcScores: a, projective, singleRoot: true }).entropy());
      expect(ad.checkGrad(h, [ad.random.normal([3, 3], 19)], { order: 1 }).ok).toBe(true);
    }
    const align = (x: ad.Tensor) => ad.sum(new ad.Alignment({ scores: x, lengths: [4, 2], states: [3, 2], skips: [false, false, true] }).entropy());
    expect(ad.checkGrad(align, [ad.random.normal([2, 4, 3], 20)]).ok).toBe(true);
  });
});
