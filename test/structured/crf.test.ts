/** @file LinearChainCRF against brute-force enumeration: log Z, marginals, Viterbi, entropy, scores, sampling, batches. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { bruteForce, type ChainProblem } from './chainOracle.js';

const close = (a: number, b: number, tol = 1e-10) => {
  if (a === b) return;
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};
const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

function problem(n: number, K: number, seed: number, scale = 1): ChainProblem {
  const r = (shape: number[], s: number) => ad.random.normal(shape, s, 0, scale).toArray() as any;
  return { E: r([n, K], seed), T: r([K, K], seed + 1), start: r([K], seed + 2), end: r([K], seed + 3) };
}
const crfOf = (p: ChainProblem, checkpoints?: ad.Checkpoints) =>
  new ad.LinearChainCRF({ emissions: ad.tensor(p.E), transitions: ad.tensor(p.T), start: ad.tensor(p.start), end: ad.tensor(p.end), checkpoints });

describe('LinearChainCRF against brute force', () => {
  it.each([[1, 3], [2, 2], [3, 3], [5, 2], [4, 4]])('n=%i, K=%i: log Z, marginals, argmax, entropy, log p', (n, K) => {
    const p = problem(n, K, 10 * n + K);
    const oracle = bruteForce(p);
    const crf = crfOf(p);
    close(crf.logPartition().item(), oracle.logZ);
    const { unary, pairwise } = crf.marginals();
    flat(unary.toArray()).forEach((v, i) => close(v, flat(oracle.unary)[i]!));
    if (n > 1) flat(pairwise.toArray()).forEach((v, i) => close(v, flat(oracle.pairwise)[i]!));
    const best = crf.argmax() as ad.TagsAndScore;
    expect(best.tags).toEqual(oracle.best.ys);
    close(best.score, oracle.best.s);
    close(crf.entropy().item(), oracle.entropy);
    for (const a of oracle.all.slice(0, 5)) close(crf.logProbability(a.ys).item(), a.s - oracle.logZ);
  });

  it('property: random sizes and scores agree with enumeration', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.1, max: 4, noNaN: true }),
        (n, K, seed, scale) => {
          const p = problem(n, K, seed, scale);
          const o = bruteForce(p);
          const crf = crfOf(p);
          close(crf.logPartition().item(), o.logZ, 1e-9);
          flat(crf.marginals().unary.toArray()).forEach((v, i) => close(v, flat(o.unary)[i]!, 1e-9));
          close(crf.entropy().item(), o.entropy, 1e-9);
          close((crf.argmax() as ad.TagsAndScore).score, o.best.s, 1e-12);
        }),
      { seed: 4242, numRuns: 60 },
    );
  });

  it('−Infinity transitions forbid moves and give exact zeros, never NaN', () => {
    const p = problem(4, 3, 7);
    p.T[0]![1] = -Infinity;
    p.T[2]![2] = -Infinity;
    p.start[1] = -Infinity;
    const o = bruteForce(p);
    const crf = crfOf(p);
    close(crf.logPartition().item(), o.logZ);
    const pw = flat(crf.marginals().pairwise.toArray());
    expect(pw.every((v) => Number.isFinite(v))).toBe(true);
    for (let t = 0; t < 3; t++) {
      expect(pw[(t * 3 + 0) * 3 + 1]).toBe(0);
      expect(pw[(t * 3 + 2) * 3 + 2]).toBe(0);
    }
    expect(flat(crf.marginals().unary.toArray())[1]).toBe(0);
    const [gE, gT] = ad.grad((e: ad.Tensor, t: ad.Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: t }).logPartition(), [0, 1])(ad.tensor(p.E), ad.tensor(p.T));
    expect(flat(gE.toArray()).every(Number.isFinite)).toBe(true);
    expect(flat(gT.toArray()).every(Number.isFinite)).toBe(true);
  });

  it('large scores do not overflow; n = 10,000 works', () => {
    const p = problem(4, 3, 3, 1e3);
    close(crfOf(p).logPartition().item(), bruteForce(p).logZ, 1e-12);
    const n = 10_000, K = 4;
    const crf = new ad.LinearChainCRF({ emissions: ad.random.normal([n, K], 1), transitions: ad.random.normal([K, K], 2) });
    const { unary } = crf.marginals();
    const rows = ad.sum(unary, 1).toFloat64Array();
    expect(rows.every((v) => Math.abs(v - 1) < 1e-9)).toBe(true);
    expect(crf.argmax().tags.length).toBe(n);
  });

  it('log Z has correct derivatives to second order', () => {
    const e = ad.random.normal([4, 3], 5), t = ad.random.normal([3, 3], 6);
    const r = ad.checkGrad((E: ad.Tensor, T: ad.Tensor) => new ad.LinearChainCRF({ emissions: E, transitions: T }).logPartition(), [e, t], { order: 2 });
    expect(r.ok).toBe(true);
  });

  it('a batch of different lengths equals the sequences one by one', () => {
    const K = 3, n = 5;
    const E = ad.random.normal([3, n, K], 11), T = ad.random.normal([K, K], 12), end = ad.random.normal([K], 13);
    const lengths = [5, 2, 1];
    const batch = new ad.LinearChainCRF({ emissions: E, transitions: T, end, lengths });
    const logZ = batch.logPartition().toFloat64Array();
    const { unary } = batch.marginals();
    const tags = batch.argmax().tags as number[][];
    lengths.forEach((len, b) => {
      const single = new ad.LinearChainCRF({ emissions: ad.slice(ad.reshape(ad.slice(E, [b, 0, 0], [1, n, K]), [n, K]), [0, 0], [len, K]), transitions: T, end });
      close(logZ[b]!, single.logPartition().item());
      const u = ad.slice(unary, [b, 0, 0], [1, len, K]).toFloat64Array();
      single.marginals().unary.toFloat64Array().forEach((v, i) => close(u[i]!, v));
      expect(tags[b]).toEqual(single.argmax().tags);
    });
    // gradients flow per sequence
    const g = ad.grad((e: ad.Tensor) => ad.sum(new ad.LinearChainCRF({ emissions: e, transitions: T, end, lengths }).logPartition()))(E);
    expect(ad.sum(ad.slice(g, [1, 2, 0], [1, 3, K])).item()).toBe(0); // padding gets no gradient
  });

  it('checkpointed forward algorithm gives the same marginals', () => {
    const crfA = new ad.LinearChainCRF({ emissions: ad.random.normal([60, 4], 1), transitions: ad.random.normal([4, 4], 2) });
    const crfC = new ad.LinearChainCRF({ emissions: ad.random.normal([60, 4], 1), transitions: ad.random.normal([4, 4], 2), checkpoints: 4 });
    const a = crfA.marginals().pairwise.toFloat64Array(), c = crfC.marginals().pairwise.toFloat64Array();
    a.forEach((v, i) => close(c[i]!, v, 1e-12));
  });

  it('samples follow the marginals', () => {
    const p = problem(3, 3, 21);
    const o = bruteForce(p);
    const draws = crfOf(p).sample(20000, 5) as number[][];
    const freq = new Array<number>(9).fill(0);
    for (const ys of draws) ys.forEach((y, t) => freq[t * 3 + y]!++);
    flat(o.unary).forEach((m, i) => expect(Math.abs(freq[i]! / 20000 - m)).toBeLessThan(0.015));
  });

  it('rejects bad shapes with the shapes in the message', () => {
    expect(() => new ad.LinearChainCRF({ emissions: ad.zeros([3, 4]), transitions: ad.zeros([3, 3]) })).toThrow(/\[4,4\].*\[3,3\]/);
    expect(() => new ad.LinearChainCRF({ emissions: ad.zeros([2, 3, 4]), transitions: ad.zeros([4, 4]), lengths: [3, 4] })).toThrow(/lengths/);
  });
});

describe('the factored forward algorithm (LinearChainCRF.sum)', () => {
  it('equals the one over materialized edges, for every semiring, with padding and −Infinity, and in gradient', async () => {
    const { chainPotentials, chainSum, factoredChainSum, factoredPotentials } = await import('../../src/structured/chain.js');
    const { semirings } = await import('../../src/structured/semirings.js');
    const { Tensor } = await import('../../src/tensor/tensor.js');
    const { grad, sum } = await import('../../src/index.js');
    const B = 3, n = 6, K = 4;
    const data = (shape: number[], seed: number) => new Tensor(ad.random.normal(shape, seed).toFloat64Array(), shape);
    const E = data([B, n, K], 1), start = data([K], 3), end = data([K], 4);
    const tData = ad.random.normal([K, K], 2).toFloat64Array();
    tData[1] = -Infinity; // 0 → 1 forbidden
    const T = new Tensor(tData, [K, K]);
    const lengths = [6, 3, 1];
    // Every semiring object, and kmax(3) (a semiring maker) on top.
    for (const semiring of [...Object.values(semirings).filter((x) => typeof x !== 'function'), semirings.kmax(3)] as (typeof semirings.log)[]) {
      const edges = (e: InstanceType<typeof Tensor>, t: InstanceType<typeof Tensor>) => sum(chainSum(semiring, chainPotentials(e, t, start, end, lengths)));
      const factored = (e: InstanceType<typeof Tensor>, t: InstanceType<typeof Tensor>) => sum(factoredChainSum(semiring, factoredPotentials(e, t, start, end, lengths)));
      close(factored(E, T).item(), edges(E, T).item(), 1e-12);
      const [ge, gt] = grad(edges, [0, 1])(E, T) as InstanceType<typeof Tensor>[];
      const [fe, ft] = grad(factored, [0, 1])(E, T) as InstanceType<typeof Tensor>[];
      Array.from(fe!.data).forEach((v, i) => close(v, ge!.data[i]!, 1e-12));
      Array.from(ft!.data).forEach((v, i) => close(v, gt!.data[i]!, 1e-12));
      expect(ft!.data[1]).toBe(0); // the forbidden transition gets an exact zero
    }
  });
});
