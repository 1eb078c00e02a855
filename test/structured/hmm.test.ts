/** @file HMM: the likelihood and posteriors against enumeration of every state sequence, Viterbi under ties, and one EM step from gradients against a hand-written Baum–Welch M-step. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { uniforms } from './draws.js';
import { allClose, close, product, summarize, values } from './structureOracle.js';

interface Params { pi: number[]; A: number[][]; B: number[][] } // probabilities

function randomParams(K: number, V: number, seed: number): Params {
  const u = uniforms(seed);
  const row = (n: number) => { const r = Array.from({ length: n }, () => 0.1 + u()); const z = r.reduce((a, x) => a + x, 0); return r.map((x) => x / z); };
  return { pi: row(K), A: Array.from({ length: K }, () => row(K)), B: Array.from({ length: K }, () => row(V)) };
}
const hmmOf = (p: Params) => new ad.HMM({ initial: ad.log(ad.tensor(p.pi)), transition: ad.log(ad.tensor(p.A)), emission: ad.log(ad.tensor(p.B)) });

function joint(p: Params, z: number[], x: number[]) {
  return z.reduce((s, k, t) => s + Math.log(t === 0 ? p.pi[k]! : p.A[z[t - 1]!]![k]!) + Math.log(p.B[k]![x[t]!]!), 0);
}

/** Baum–Welch as Rabiner (1989) writes it: scaled forward–backward, γ and ξ, then normalised counts. */
function baumWelch(p: Params, sequences: number[][]): Params {
  const K = p.pi.length, V = p.B[0]!.length;
  const pi = new Array<number>(K).fill(0), A = Array.from({ length: K }, () => new Array<number>(K).fill(0)), B = Array.from({ length: K }, () => new Array<number>(V).fill(0));
  for (const x of sequences) {
    const n = x.length;
    const alpha: number[][] = [], beta: number[][] = new Array(n), c: number[] = [];
    for (let t = 0; t < n; t++) {
      const a = Array.from({ length: K }, (_, j) => (t === 0 ? p.pi[j]! : alpha[t - 1]!.reduce((s, ai, i) => s + ai * p.A[i]![j]!, 0)) * p.B[j]![x[t]!]!);
      c[t] = a.reduce((s, v) => s + v, 0);
      alpha.push(a.map((v) => v / c[t]!));
    }
    beta[n - 1] = new Array<number>(K).fill(1);
    for (let t = n - 2; t >= 0; t--) beta[t] = Array.from({ length: K }, (_, i) => p.A[i]!.reduce((s, aij, j) => s + aij * p.B[j]![x[t + 1]!]! * beta[t + 1]![j]!, 0) / c[t + 1]!);
    for (let t = 0; t < n; t++) {
      for (let i = 0; i < K; i++) {
        const gamma = alpha[t]![i]! * beta[t]![i]!;
        if (t === 0) pi[i]! += gamma;
        B[i]![x[t]!]! += gamma;
        if (t < n - 1) for (let j = 0; j < K; j++) A[i]![j]! += alpha[t]![i]! * p.A[i]![j]! * p.B[j]![x[t + 1]!]! * beta[t + 1]![j]! / c[t + 1]!;
      }
    }
  }
  const norm = (r: number[]) => { const z = r.reduce((a, v) => a + v, 0); return r.map((v) => v / z); };
  return { pi: norm(pi), A: A.map(norm), B: B.map(norm) };
}

describe('HMM', () => {
  it.each([[2, 3, 1], [2, 3, 4], [3, 2, 5], [3, 4, 3]])('K=%i, V=%i, n=%i: log p(x), posteriors, Viterbi, log p(z | x), entropy against enumeration', (K, V, n) => {
    const p = randomParams(K, V, 10 * K + n);
    const u = uniforms(n);
    const x = Array.from({ length: n }, () => Math.floor(u() * V));
    const all = product(n, K).map((z) => ({ x: z, s: joint(p, z, x) }));
    const o = summarize(all, (z) => z.map((k, t) => t * K + k), n * K);
    const hmm = hmmOf(p);
    close(hmm.logLikelihood(x).item(), o.logZ);
    allClose(values(hmm.posterior(x).marginals().unary), o.marginals);
    close(hmm.posterior(x).entropy().item(), o.entropy);
    const best = hmm.viterbi(x);
    close(best.score, o.best);
    close(joint(p, best.states, x), o.best);
    close(hmm.logJoint(all[1]!.x, x).item(), all[1]!.s);
    close(hmm.posterior(x).logProbability(all[1]!.x).item(), all[1]!.s - o.logZ);
  });

  it('Viterbi under exact ties returns one best sequence', () => {
    const hmm = new ad.HMM({ initial: ad.log(ad.tensor([0.5, 0.5])), transition: ad.log(ad.tensor([[0.5, 0.5], [0.5, 0.5]])), emission: ad.log(ad.tensor([[0.5, 0.5], [0.5, 0.5]])) });
    const best = hmm.viterbi([0, 1, 1]);
    expect(best.states).toEqual([0, 0, 0]);
    close(best.score, 6 * Math.log(0.5));
  });

  it('one EM step from the gradients equals a hand-written Baum–Welch M-step, and raises the likelihood', () => {
    const p = randomParams(3, 4, 7);
    const u = uniforms(8);
    const data = [5, 1, 7, 3].map((n) => Array.from({ length: n }, () => Math.floor(u() * 4)));
    const want = baumWelch(p, data);
    const hmm = hmmOf(p);
    const next = hmm.emStep(data);
    allClose(values(ad.exp(next.initial)), want.pi, 1e-12);
    allClose(values(ad.exp(next.transition)), want.A.flat(), 1e-12);
    allClose(values(ad.exp(next.emission)), want.B.flat(), 1e-12);
    const ll = (h: ad.HMM) => ad.sum(h.logLikelihood(data)).item();
    expect(ll(next)).toBeGreaterThan(ll(hmm));
    // the expected counts add up: one initial state per sequence, n − 1 transitions, n emissions
    const counts = hmm.expectedCounts(data);
    close(ad.sum(counts.initial).item(), 4);
    close(ad.sum(counts.transition).item(), 16 - 4);
    close(ad.sum(counts.emission).item(), 16);
  });

  it('zero probabilities (a left-to-right HMM): exact zeros in posteriors and counts, kept by EM, no NaN', () => {
    const hmm = new ad.HMM({
      initial: ad.log(ad.tensor([1, 0, 0])),
      transition: ad.log(ad.tensor([[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]])),
      emission: ad.log(ad.tensor([[0.9, 0.1], [0.5, 0.5], [0.1, 0.9]])),
    });
    const x = [0, 0, 1, 1];
    const p: Params = { pi: [1, 0, 0], A: [[0.5, 0.5, 0], [0, 0.5, 0.5], [0, 0, 1]], B: [[0.9, 0.1], [0.5, 0.5], [0.1, 0.9]] };
    const all = product(4, 3).map((z) => ({ x: z, s: joint(p, z, x) }));
    const o = summarize(all, (z) => z.map((k, t) => t * 3 + k), 12);
    close(hmm.logLikelihood(x).item(), o.logZ);
    allClose(values(hmm.posterior(x).marginals().unary), o.marginals);
    const counts = hmm.expectedCounts(x);
    expect(values(counts.transition).filter((_, i) => [2, 3, 6, 7].includes(i))).toEqual([0, 0, 0, 0]);
    const next = hmm.emStep(x);
    const A = values(ad.exp(next.transition));
    expect(A.every((v) => Number.isFinite(v))).toBe(true);
    expect([A[2], A[3], A[6], A[7]]).toEqual([0, 0, 0, 0]);
    allClose(values(ad.exp(next.transition)), baumWelch(p, [x]).A.flat(), 1e-12);
  });

  it('a batch of sequences of different lengths equals a loop (a length-1 sequence)', () => {
    const hmm = hmmOf(randomParams(2, 3, 3));
    const data = [[0, 2, 1, 1], [2], [1, 0]];
    const batch = hmm.logLikelihood(data);
    allClose(values(batch), data.map((x) => hmm.logLikelihood(x).item()));
    expect(hmm.viterbi(data).states).toEqual(data.map((x) => hmm.viterbi(x).states));
  });

  it('the log-likelihood of logSoftmax-parameterised HMMs checks to second order', () => {
    const f = (a: ad.Tensor, b: ad.Tensor) => new ad.HMM({ initial: ad.logSoftmax(ad.zeros([2])), transition: ad.logSoftmax(a, -1), emission: ad.logSoftmax(b, -1) }).logLikelihood([0, 2, 1]);
    expect(ad.checkGrad(f, [ad.random.normal([2, 2], 1), ad.random.normal([2, 3], 2)]).ok).toBe(true);
  });

  it('bad input: errors name the op, the argument and the fix', () => {
    const ok = { initial: ad.log(ad.tensor([0.5, 0.5])), transition: ad.log(ad.tensor([[0.5, 0.5], [0.5, 0.5]])), emission: ad.log(ad.tensor([[0.5, 0.5], [0.5, 0.5]])) };
    const bad: [() => unknown, RegExp][] = [
      [() => new ad.HMM({ ...ok, transition: ad.tensor([[0.5, 0.5], [0.5, 0.5]]) }), /^HMM: transition must hold log-probabilities whose rows sum to 1 .* row 0 sums to .*ad\.logSoftmax/],
      [() => new ad.HMM({ ...ok, initial: ad.zeros([3]) }), /^HMM: initial must have shape \[2\]/],
      [() => new ad.HMM(ok).logLikelihood([0, 2]), /^HMM.logLikelihood: observations\[1\] is 2, not a symbol in 0 … 1/],
      [() => new ad.HMM(ok).logLikelihood([]), /^HMM.logLikelihood: observations must be an array of symbols/],
      [() => new ad.HMM(ok).logLikelihood([[0], []]), /^HMM.logLikelihood: observations\[1\] is/],
    ];
    for (const [f, message] of bad) expect(f).toThrow(message);
  });
});
