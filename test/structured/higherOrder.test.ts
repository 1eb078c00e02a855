/** @file k-th order and variable-order CRFs against enumeration, and against each other. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { sequences } from './chainOracle.js';
import { enumerate, higherOrderScore, occurrences, variableOrderScore } from './tagOracle.js';

const close = (a: number, b: number, tol = 1e-10) => {
  if (a === b) return;
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};
const arr = (t: ad.Tensor) => Array.from(t.toFloat64Array());

describe('HigherOrderCRF', () => {
  it.each([[1, 4, 3], [2, 4, 3], [2, 2, 2], [3, 5, 2], [2, 6, 2]])('order %i, n=%i, K=%i against enumeration', (k, n, K) => {
    const E = ad.random.normal([n, K], k * 100 + n), T = ad.random.normal(new Array(k + 1).fill(K), 7), start = ad.random.normal(new Array(k).fill(K), 8), end = ad.random.normal(new Array(k).fill(K), 9);
    const p = { n, K, k, E: arr(E), T: arr(T), start: arr(start), end: arr(end) };
    const o = enumerate(n, K, (ys) => higherOrderScore(p, ys));
    const crf = new ad.HigherOrderCRF({ emissions: E, transitions: T, start, end });
    close(crf.logPartition().item(), o.logZ);
    arr(crf.marginals().unary).forEach((v, i) => close(v, o.unary[i]!));
    expect(crf.argmax().tags).toEqual(o.best.ys);
    close((crf.argmax() as ad.TagsAndScore).score, o.best.s);
    close(crf.entropy().item(), o.entropy);
    close(crf.logProbability(o.all[3]!.ys).item(), o.all[3]!.s - o.logZ);
    // expected window counts sum to the number of windows
    close(ad.sum(crf.marginals().transitions).item(), n - k);
  });

  it('order 1 is the ordinary linear-chain CRF; log Z checks to second order', () => {
    const E = ad.random.normal([5, 3], 1), T = ad.random.normal([3, 3], 2);
    const a = new ad.HigherOrderCRF({ emissions: E, transitions: T }).marginals().unary;
    const b = new ad.LinearChainCRF({ emissions: E, transitions: T }).marginals().unary;
    arr(a).forEach((v, i) => close(v, arr(b)[i]!));
    const r = ad.checkGrad((e: ad.Tensor, t: ad.Tensor) => new ad.HigherOrderCRF({ emissions: e, transitions: t }).logPartition(), [ad.random.normal([4, 2], 3), ad.random.normal([2, 2, 2], 4)]);
    expect(r.ok).toBe(true);
  });
});

describe('VariableOrderCRF', () => {
  const contexts = [[0], [1, 0], [0, 1, 1], [2, 2], [1, 2, 0, 1], [2]];

  it('agrees with enumeration: log Z, marginals, expected context counts, argmax, entropy', () => {
    const n = 5, K = 3;
    const E = ad.random.normal([n, K], 31), W = ad.random.normal([contexts.length], 32);
    const e = arr(E), w = arr(W);
    const score = (ys: number[]) => variableOrderScore(K, e, contexts, w, ys);
    const o = enumerate(n, K, score);
    const crf = new ad.VariableOrderCRF({ emissions: E, contexts, weights: W });
    close(crf.logPartition().item(), o.logZ);
    const m = crf.marginals();
    arr(m.unary).forEach((v, i) => close(v, o.unary[i]!));
    const expected = contexts.map((_, c) => o.all.reduce((acc, a) => acc + Math.exp(a.s - o.logZ) * occurrences(contexts, a.ys)[c]!, 0));
    arr(m.contexts).forEach((v, c) => close(v, expected[c]!));
    expect(crf.argmax().tags).toEqual(o.best.ys);
    close(crf.entropy().item(), o.entropy);
    close(crf.logProbability(o.all[7]!.ys).item(), o.all[7]!.s - o.logZ);
  });

  it("with every (k+1)-gram as a context, its marginals equal the k-th order chain's", () => {
    const n = 6, K = 2, k = 2;
    const grams = sequences(k + 1, K);
    const T = ad.random.normal([K, K, K], 41), E = ad.random.normal([n, K], 42);
    const weights = ad.tensor(grams.map((g) => (T.toArray() as number[][][])[g[0]!]![g[1]!]![g[2]!]!));
    const vo = new ad.VariableOrderCRF({ emissions: E, contexts: grams, weights });
    const ho = new ad.HigherOrderCRF({ emissions: E, transitions: T });
    close(vo.logPartition().item(), ho.logPartition().item());
    arr(vo.marginals().unary).forEach((v, i) => close(v, arr(ho.marginals().unary)[i]!));
    arr(vo.marginals().contexts).forEach((v, i) => close(v, arr(ad.reshape(ho.marginals().transitions, [8]))[i]!));
  });

  it('its gradient checks to second order and the automaton stays small', () => {
    const crf = new ad.VariableOrderCRF({ emissions: ad.zeros([4, 3]), contexts, weights: ad.zeros([6]) });
    expect(crf.stateCount).toBeLessThanOrEqual(3 + contexts.reduce((a, c) => a + c.length, 0));
    const r = ad.checkGrad((e: ad.Tensor, w: ad.Tensor) => new ad.VariableOrderCRF({ emissions: e, contexts, weights: w }).logPartition(),
      [ad.random.normal([4, 3], 5), ad.random.normal([6], 6)]);
    expect(r.ok).toBe(true);
  });
});
