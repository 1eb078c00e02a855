/** @file SemiMarkovCRF against enumeration of every segmentation: log Z, marginals, argmax under ties and masks, entropy, batches. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { fill, seeded, type Draw } from './draws.js';
import { allClose, close, summarize, values } from './structureOracle.js';
import { segmentations, type Seg } from './enumerate.js';
import { semiMarkovSum } from '../../src/structured/semiMarkovSum.js';
import { log } from '../../src/structured/semirings.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { internal } from '../support/internalTensor.js';

interface Problem { n: number; L: number; C: number; seg: number[]; T: number[]; start: number[]; end: number[] }


const segIndex = (p: Problem, g: Seg) => (g.start * p.L + g.end - g.start - 1) * p.C + g.label;
function scoreOf(p: Problem, segs: Seg[]): number {
  let s = p.start[segs[0]!.label]! + p.end[segs[segs.length - 1]!.label]!;
  segs.forEach((g, k) => { s += p.seg[segIndex(p, g)]!; if (k > 0) s += p.T[segs[k - 1]!.label * p.C + g.label]!; });
  return s;
}
function oracle(p: Problem) {
  const all = segmentations(p.n, p.L, p.C).map((x) => ({ x, s: scoreOf(p, x) }));
  const segs = summarize(all, (x) => x.map((g) => segIndex(p, g)), p.n * p.L * p.C);
  const trans = summarize(all, (x) => x.slice(1).map((g, k) => x[k]!.label * p.C + g.label), p.C * p.C);
  return { ...segs, transitions: trans.marginals, all };
}
function problem(n: number, L: number, C: number, draw: Draw): Problem {
  return { n, L, C, seg: fill(n * L * C, draw), T: fill(C * C, draw), start: fill(C, draw), end: fill(C, draw) };
}
const modelOf = (p: Problem) => new ad.SemiMarkovCRF({
  segments: ad.tensor(p.seg, [p.n, p.L, p.C]), transitions: ad.tensor(p.T, [p.C, p.C]), start: ad.tensor(p.start), end: ad.tensor(p.end),
});

function agrees(p: Problem, tol = 1e-10) {
  const o = oracle(p);
  const crf = modelOf(p);
  close(crf.logPartition().item(), o.logZ, tol);
  const m = crf.marginals();
  allClose(values(m.segments), o.marginals, tol);
  allClose(values(m.transitions), o.transitions, tol);
  close(crf.entropy().item(), o.entropy, tol);
  const best = crf.argmax() as ad.SegmentsAndScore;
  expect(best.score).toBe(o.best);
  expect(scoreOf(p, best.segments)).toBe(best.score);
  expect(crf.score(best.segments).item()).toBe(best.score);
  for (const a of o.all.filter((_, i) => i % 5 === 0)) {
    close(crf.score(a.x).item(), a.s, tol);
    close(crf.logProbability(a.x).item(), o.logZ === -Infinity ? -Infinity : a.s - o.logZ, tol);
  }
}

describe('SemiMarkovCRF against brute force', () => {
  it('the enumerator: segmentations of n words with L = n and one label are 2^(n−1)', () => {
    for (let n = 1; n <= 6; n++) expect(segmentations(n, n, 1).length).toBe(2 ** (n - 1));
  });

  it.each([[1, 1, 2], [3, 2, 2], [4, 3, 2], [5, 2, 3], [5, 5, 1], [4, 4, 3]])('n=%i, L=%i, C=%i, real scores', (n, L, C) => {
    agrees(problem(n, L, C, seeded(100 * n + 10 * L + C, { forbidden: 0, real: true })));
  });

  it('integer scores (ties everywhere) and −∞ masks, 60 draws: argmax is one valid best segmentation', () => {
    for (let seed = 0; seed < 60; seed++) agrees(problem(1 + (seed % 5), 1 + (seed % 3), 1 + (seed % 2) + (seed % 3 === 0 ? 1 : 0), seeded(seed, { forbidden: 1 / 4 })));
  });

  it('everything forbidden: log Z = −∞, zero marginals without NaN, argmax score −∞', () => {
    const p = problem(3, 2, 2, () => -Infinity);
    const crf = modelOf(p);
    expect(crf.logPartition().item()).toBe(-Infinity);
    expect(values(crf.marginals().segments).every((v) => v === 0)).toBe(true);
    expect(crf.argmax().score).toBe(-Infinity);
    expect(crf.entropy().item()).toBe(0);
  });

  it('L = 1 is the linear-chain CRF', () => {
    const E = ad.random.normal([5, 3], 4), T = ad.random.normal([3, 3], 5);
    const semi = new ad.SemiMarkovCRF({ segments: ad.reshape(E, [5, 1, 3]), transitions: T });
    const chain = new ad.LinearChainCRF({ emissions: E, transitions: T });
    close(semi.logPartition().item(), chain.logPartition().item(), 1e-12);
    allClose(values(semi.marginals().segments), values(chain.marginals().unary), 1e-12);
  });

  it('a padded batch equals a loop over its sentences (padding scores do not matter; a length-1 sentence)', () => {
    const draw = seeded(7, { forbidden: 1 / 8 });
    const [B, n, L, C] = [3, 4, 3, 2];
    const seg = fill(B * n * L * C, draw), T = fill(C * C, draw), lengths = [4, 1, 3];
    const batch = new ad.SemiMarkovCRF({ segments: ad.tensor(seg, [B, n, L, C]), transitions: ad.tensor(T, [C, C]), lengths });
    const logZ = values(batch.logPartition()), H = values(batch.entropy()), m = values(batch.marginals().segments);
    const best = batch.argmax() as ad.SegmentsAndScore<ad.Segment[][], number[]>;
    lengths.forEach((len, b) => {
      const own = seg.slice(b * n * L * C, b * n * L * C + len * L * C);
      const single = new ad.SemiMarkovCRF({ segments: ad.tensor(own, [len, L, C]), transitions: ad.tensor(T, [C, C]) });
      close(logZ[b]!, single.logPartition().item());
      close(H[b]!, single.entropy().item());
      const mb = m.slice(b * n * L * C, (b + 1) * n * L * C);
      allClose(mb.slice(0, len * L * C), values(single.marginals().segments));
      expect(mb.slice(len * L * C).every((v) => v === 0)).toBe(true);
      expect(best.segments[b]).toEqual(single.argmax().segments);
      expect(best.score[b]).toBe(single.argmax().score);
    });
    allClose(values(batch.score(best.segments)), best.score);
  });

  it("checkpoints: 'sqrt' and 2 give the same log Z and marginals as storing every step", () => {
    const segments = ad.random.normal([12, 3, 2], 8), transitions = ad.random.normal([2, 2], 9);
    const m = (checkpoints: ad.Checkpoints) => new ad.SemiMarkovCRF({ segments, transitions, checkpoints });
    close(m('sqrt').logPartition().item(), m('all').logPartition().item(), 1e-13);
    allClose(values(m(2).marginals().segments), values(m('all').marginals().segments), 1e-12);
  });

  it('log Z is correct to second order (checkGrad)', () => {
    const r = ad.checkGrad((s: ad.Tensor, t: ad.Tensor) => new ad.SemiMarkovCRF({ segments: s, transitions: t }).logPartition(),
      [ad.random.normal([4, 2, 2], 1), ad.random.normal([2, 2], 2)]);
    expect(r.ok).toBe(true);
    const h = ad.checkGrad((s: ad.Tensor) => new ad.SemiMarkovCRF({ segments: s, transitions: ad.zeros([2, 2]) }).entropy(), [ad.random.normal([3, 2, 2], 3)]);
    expect(h.ok).toBe(true);
  });

  it('the log-semiring kernels equal the semiring-generic program (a padded batch, −∞ segments), in all four inputs, under grad, jvp and vmap', () => {
    const draw = seeded(44, { forbidden: 1 / 7, real: true });
    const [B, n, L, C, lengths] = [3, 7, 3, 3, [7, 4, 1]];
    const g = ad.tensor(fill(B * n * L * C, draw), [B, n, L, C]);
    const [t, s, e] = [ad.tensor(fill(C * C, draw), [C, C]), ad.tensor(fill(C, draw)), ad.tensor(fill(C, draw))];
    const kernel = (...x: ad.Tensor[]) => new ad.SemiMarkovCRF({ segments: x[0]!, transitions: x[1]!, start: x[2]!, end: x[3]!, lengths }).logPartition();
    const generic = (...x: ad.Tensor[]) => semiMarkovSum(log, ...(x.map(internal) as [Tensor, Tensor, Tensor, Tensor]), lengths, 'all');
    const args = [g, t, s, e];
    allClose(values(kernel(...args)), values(generic(...args)), 1e-12);
    const total = (f: (...x: ad.Tensor[]) => ad.Tensor) => (...x: ad.Tensor[]) => ad.sum(ad.mul(f(...x), ad.tensor([1, -2, 0.5])));
    const [gk, gg] = [ad.grad(total(kernel), [0, 1, 2, 3])(...args), ad.grad(total(generic), [0, 1, 2, 3])(...args)] as ad.Tensor[][];
    gk!.forEach((x, i) => allClose(values(x), values(gg![i]!), 1e-12));
    const tangents = args.map((x, i) => ad.random.normal(x.shape, 10 + i));
    allClose(values(ad.jvp(kernel, args, tangents)[1] as ad.Tensor), values(ad.jvp(generic, args, tangents)[1] as ad.Tensor), 1e-12);
    // vmap over two models (the second with scaled segments and its own transitions): the mapped axis joins the batch.
    const mapped = ad.vmap((x: ad.Tensor, y: ad.Tensor) => kernel(x, y, s, e))(ad.stack([g, ad.mul(g, 0.5)]), ad.stack([t, ad.mul(t, -1)]));
    allClose(values(mapped), [...values(kernel(g, t, s, e)), ...values(kernel(ad.mul(g, 0.5), ad.mul(t, -1), s, e))], 1e-12);
  });

  it('the kernels to second order in all four inputs (checkGrad, a padded batch)', () => {
    const f = (x: ad.Tensor, t: ad.Tensor, s: ad.Tensor, e: ad.Tensor) => new ad.SemiMarkovCRF({ segments: x, transitions: t, start: s, end: e, lengths: [3, 2] }).logPartition();
    const r = ad.checkGrad(f, [ad.random.normal([2, 3, 2, 2], 5), ad.random.normal([2, 2], 6), ad.random.normal([2], 7), ad.random.normal([2], 8)], { order: 2 });
    expect(r.ok).toBe(true);
  });

  it('bad input: errors name the op, the argument and the fix', () => {
    const segments = ad.zeros([3, 2, 2]);
    const bad: [() => unknown, RegExp][] = [
      [() => new ad.SemiMarkovCRF({ segments: ad.zeros([3, 2]), transitions: ad.zeros([2, 2]) }), /^SemiMarkovCRF: segments must have shape \[n, L, C\]/],
      [() => new ad.SemiMarkovCRF({ segments, transitions: ad.zeros([3, 3]) }), /^SemiMarkovCRF: transitions must have shape \[2,2\]/],
      [() => new ad.SemiMarkovCRF({ segments: ad.zeros([2, 3, 2, 2]), transitions: ad.zeros([2, 2]), lengths: [3, 4] }), /^SemiMarkovCRF: lengths\[1\] is 4/],
      [() => new ad.SemiMarkovCRF({ segments: ad.zeros([2, 3, 2, 2]), transitions: ad.zeros([2, 2]), lengths: [3, 0] }), /^SemiMarkovCRF: lengths\[1\] is 0/],
      [() => new ad.SemiMarkovCRF({ segments, transitions: ad.zeros([2, 2]) }).score([{ start: 0, end: 3, label: 0 }]), /^SemiMarkovCRF.score: segmentation\[0\] ends at 3: its length is not in 1 … 2/],
      [() => new ad.SemiMarkovCRF({ segments, transitions: ad.zeros([2, 2]) }).score([{ start: 0, end: 2, label: 0 }]), /ends at word 2 but the sentence has 3 words/],
      [() => new ad.SemiMarkovCRF({ segments, transitions: ad.zeros([2, 2]) }).logProbability([{ start: 0, end: 1, label: 0 }, { start: 2, end: 3, label: 0 }]), /segmentation\[1\] starts at 2 where 1 was expected/],
      [() => new ad.SemiMarkovCRF({ segments: ad.zeros([2, 3, 2, 2]), transitions: ad.zeros([2, 2]) }).score([]), /a batch of 2 structures needs one segmentation per batch item/],
    ];
    for (const [f, message] of bad) expect(f).toThrow(message);
  });
});
