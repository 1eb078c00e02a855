/**
 * @file topk(k) of every semiring-DP model against brute force: the k best structures of finite
 * score, best first, each valid and scoring the reported score, distinct; all of them when k is
 * larger; integer scores (ties everywhere) and −∞ masks; topk(1) is argmax().
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { scoreOf as chainScore, sequences, type ChainProblem } from './chainOracle.js';
import { scoreOf as treeScore, treesOver, type Tree } from './pcfgOracle.js';
import { higherOrderScore, variableOrderScore } from './tagOracle.js';
import { alignments, segmentations, trees, type Lattice, type Seg } from './enumerate.js';
import { fill, rows, seeded, type Draw } from './draws.js';

interface Found<T> { structures: T[]; score: number[] }

/**
 * The k best of `all` by brute force (finite scores, sorted best first) against `got`: the same
 * scores, and structures that are distinct, among `all` (valid), and score what is reported, by the
 * oracle's own scoring and by the model's `score`.
 */
function checkTopk<T>(all: readonly T[], scoreOf: (x: T) => number, got: Found<T>, k: number, modelScore: (x: T) => number) {
  const key = (x: T) => JSON.stringify(x);
  const want = all.map(scoreOf).filter((s) => s > -Infinity).sort((a, b) => b - a).slice(0, k);
  expect(got.score).toEqual(want);
  expect(got.structures).toHaveLength(want.length);
  const valid = new Set(all.map(key));
  expect(new Set(got.structures.map(key)).size).toBe(got.structures.length);
  got.structures.forEach((x, i) => {
    expect(valid.has(key(x))).toBe(true);
    expect(scoreOf(x)).toBe(got.score[i]);
    expect(modelScore(x)).toBe(got.score[i]);
  });
}

/** topk(1) is argmax() whenever some structure has a finite score. */
function firstIsArgmax<T>(top1: Found<T>, argmax: { structure: T; score: number }) {
  if (argmax.score === -Infinity) expect(top1.structures).toEqual([]);
  else expect([top1.structures[0], top1.score[0]]).toEqual([argmax.structure, argmax.score]);
}

const ks = [1, 3, 100];

// ---- LinearChainCRF: scores and the documented tie order ----
function chainProblem(n: number, K: number, draw: Draw): ChainProblem {
  return { E: rows(n, K, draw), T: rows(K, K, draw), start: fill(K, draw), end: fill(K, draw) };
}
const chainOf = (p: ChainProblem) =>
  new ad.LinearChainCRF({ emissions: ad.tensor(p.E), transitions: ad.tensor(p.T), start: ad.tensor(p.start), end: ad.tensor(p.end) });

/** Every sequence of finite score in the documented order: best first, ties by the last tag, then the one before it, … (lowest first). */
function chainOrder(p: ChainProblem): number[][] {
  const all = sequences(p.E.length, p.start.length).map((ys) => ({ ys, s: chainScore(p, ys) })).filter((a) => a.s > -Infinity);
  const fromEnd = (a: number[], b: number[]) => { for (let t = a.length - 1; t >= 0; t--) if (a[t] !== b[t]) return a[t]! - b[t]!; return 0; };
  return all.sort((a, b) => b.s - a.s || fromEnd(a.ys, b.ys)).map((a) => a.ys);
}

describe('LinearChainCRF.topk', () => {
  it('the k best sequences, in the documented tie order, 40 draws of integer scores with −∞', () => {
    for (let seed = 0; seed < 40; seed++) {
      const p = chainProblem(1 + (seed % 4), 1 + (seed % 3), seeded(seed, { forbidden: 1 / 5 }));
      const crf = chainOf(p);
      const order = chainOrder(p);
      for (const k of ks) {
        const { tags, score } = crf.topk(k) as ad.TagsAndScore<number[][], number[]>;
        checkTopk(sequences(p.E.length, p.start.length), (ys) => chainScore(p, ys), { structures: tags, score }, k, (ys) => crf.score(ys).item());
        expect(tags).toEqual(order.slice(0, k));
      }
      const best = crf.argmax() as ad.TagsAndScore;
      const top1 = crf.topk(1) as ad.TagsAndScore<number[][], number[]>;
      firstIsArgmax({ structures: top1.tags, score: top1.score }, { structure: best.tags, score: best.score });
    }
  });

  it("the issue's tie: both best paths, then the rest", () => {
    const tie = new ad.LinearChainCRF({ emissions: ad.zeros([2, 2]), transitions: ad.tensor([[-5, 0], [0, -5]]) });
    expect(tie.topk(10)).toEqual({ tags: [[1, 0], [0, 1], [0, 0], [1, 1]], score: [0, 0, -5, -5] });
  });

  it('a padded batch equals a loop over its sequences; everything forbidden gives empty lists', () => {
    const draw = seeded(3, { forbidden: 1 / 6 });
    const [B, n, K] = [3, 4, 2];
    const E = Array.from({ length: B }, () => rows(n, K, draw)), T = rows(K, K, draw), start = fill(K, draw), end = fill(K, draw);
    const lengths = [4, 2, 1];
    const crf = new ad.LinearChainCRF({ emissions: ad.tensor(E), transitions: ad.tensor(T), start: ad.tensor(start), end: ad.tensor(end), lengths });
    const batch = crf.topk(6) as { tags: number[][][]; score: number[][] };
    lengths.forEach((len, b) => {
      const one = chainOf({ E: E[b]!.slice(0, len), T, start, end }).topk(6);
      expect([batch.tags[b], batch.score[b]]).toEqual([one.tags, one.score]);
    });
    const dead = new ad.LinearChainCRF({ emissions: ad.full([3, 2], -Infinity), transitions: ad.zeros([2, 2]) });
    expect(dead.topk(3)).toEqual({ tags: [], score: [] });
  });

  it('semirings.kmax: the k best scores as a semiring sum, −∞ past the number of sequences; a bad k is an error', () => {
    const crf = new ad.LinearChainCRF({ emissions: ad.tensor([[1, 0], [0, 2]]), transitions: ad.zeros([2, 2]) });
    expect(crf.sum(ad.semirings.kmax(6)).toArray()).toEqual([3, 2, 1, 0, -Infinity, -Infinity]);
    expect(crf.sum(ad.semirings.kmax(1)).item()).toBe(crf.sum(ad.semirings.max).item());
    expect(() => ad.semirings.kmax(0)).toThrow(/kmax: k must be an integer ≥ 1/);
    expect(() => crf.topk(2.5)).toThrow(/LinearChainCRF.topk: k must be an integer ≥ 1/);
  });
});

describe('topk of the other models against brute force (integer scores, −∞ masks)', () => {
  it('HigherOrderCRF (order 2) and HMM', () => {
    for (let seed = 0; seed < 12; seed++) {
      const draw = seeded(seed, { forbidden: 1 / 5 });
      const [n, K, k] = [2 + (seed % 3), 2, 2];
      const p = { n, K, k, E: fill(n * K, draw), T: fill(K ** 3, draw), start: fill(K * K, draw), end: fill(K * K, draw) };
      const crf = new ad.HigherOrderCRF({ emissions: ad.tensor(p.E, [n, K]), transitions: ad.tensor(p.T, [K, K, K]), start: ad.tensor(p.start, [K, K]), end: ad.tensor(p.end, [K, K]) });
      for (const kk of ks) {
        const { tags, score } = crf.topk(kk) as ad.TagsAndScore<number[][], number[]>;
        checkTopk(sequences(n, K), (ys) => higherOrderScore(p, ys), { structures: tags, score }, kk, (ys) => crf.score(ys).item());
      }
      const best = crf.argmax() as ad.TagsAndScore;
      firstIsArgmax({ structures: (crf.topk(1) as ad.TagsAndScore<number[][], number[]>).tags, score: (crf.topk(1) as ad.TagsAndScore<number[][], number[]>).score }, { structure: best.tags, score: best.score });
    }
    const hmm = new ad.HMM({
      initial: ad.log(ad.tensor([0.5, 0.5])), transition: ad.log(ad.tensor([[0.5, 0.5], [0.25, 0.75]])), emission: ad.log(ad.tensor([[1, 0], [0.5, 0.5]])),
    });
    const x = [0, 1, 0];
    const top = hmm.topk(x, 8);
    const chain = hmm.posterior(x).topk(8);
    expect(top).toEqual({ states: chain.tags, score: chain.score });
    expect(top.states).toHaveLength(4); // state 0 cannot emit symbol 1
    expect(top.score[0]).toBe(hmm.viterbi(x).score);
  });

  it('VariableOrderCRF', () => {
    const contexts = [[0, 1], [1, 1, 0], [1]];
    for (let seed = 0; seed < 12; seed++) {
      const draw = seeded(seed + 100, { forbidden: 1 / 5 });
      const [n, K] = [1 + (seed % 4), 2];
      const E = fill(n * K, draw), weights = fill(contexts.length, draw);
      const crf = new ad.VariableOrderCRF({ emissions: ad.tensor(E, [n, K]), contexts, weights: ad.tensor(weights) });
      for (const k of ks) {
        const { tags, score } = crf.topk(k) as ad.TagsAndScore<number[][], number[]>;
        checkTopk(sequences(n, K), (ys) => variableOrderScore(K, E, contexts, weights, ys), { structures: tags, score }, k, (ys) => crf.score(ys).item());
      }
    }
  });

  it('SemiMarkovCRF', () => {
    for (let seed = 0; seed < 12; seed++) {
      const draw = seeded(seed + 200, { forbidden: 1 / 5 });
      const [n, L, C] = [1 + (seed % 4), 1 + (seed % 3), 2];
      const seg = fill(n * L * C, draw), T = fill(C * C, draw), start = fill(C, draw), end = fill(C, draw);
      const scoreOf = (segs: Seg[]) => {
        let s = start[segs[0]!.label]! + end[segs[segs.length - 1]!.label]!;
        segs.forEach((g, i) => { s += seg[(g.start * L + g.end - g.start - 1) * C + g.label]!; if (i > 0) s += T[segs[i - 1]!.label * C + g.label]!; });
        return s;
      };
      const crf = new ad.SemiMarkovCRF({ segments: ad.tensor(seg, [n, L, C]), transitions: ad.tensor(T, [C, C]), start: ad.tensor(start), end: ad.tensor(end) });
      for (const k of ks) {
        const { segments, score } = crf.topk(k) as ad.SegmentsAndScore<ad.Segment[][], number[]>;
        checkTopk(segmentations(n, L, C), scoreOf, { structures: segments, score }, k, (x) => crf.score(x).item());
      }
      const best = crf.argmax() as ad.SegmentsAndScore;
      firstIsArgmax({ structures: (crf.topk(1) as ad.SegmentsAndScore<ad.Segment[][], number[]>).segments, score: (crf.topk(1) as ad.SegmentsAndScore<ad.Segment[][], number[]>).score }, { structure: best.segments, score: best.score });
    }
  });

  it('PCFG', () => {
    for (let seed = 0; seed < 8; seed++) {
      const draw = seeded(seed + 300, { forbidden: 1 / 6 });
      const [n, N] = [1 + (seed % 3), 2];
      const p = { U: rows(n, N, draw), R: Array.from({ length: N }, () => rows(N, N, draw)), root: fill(N, draw) };
      const g = new ad.PCFG({ terminals: ad.tensor(p.U), rules: ad.tensor(p.R), root: ad.tensor(p.root) });
      for (const k of [1, 3, 100]) {
        const { tree, score } = g.topk(k) as ad.TreeAndScore<ad.ParseTree[], number[]>;
        checkTopk<Tree>(treesOver(0, n, N), (t) => treeScore(p, t), { structures: tree, score }, k, (t) => g.score(t).item());
      }
      const best = g.argmax() as ad.TreeAndScore;
      firstIsArgmax({ structures: (g.topk(1) as ad.TreeAndScore<ad.ParseTree[], number[]>).tree, score: (g.topk(1) as ad.TreeAndScore<ad.ParseTree[], number[]>).score }, { structure: best.tree, score: best.score });
    }
  });

  it('projective DependencyCRF (one or several root dependents); the non-projective model has none', () => {
    for (let seed = 0; seed < 12; seed++) {
      const draw = seeded(seed + 400, { forbidden: 1 / 6 });
      const n = 1 + (seed % 3), singleRoot = seed % 2 === 0;
      const arcs = fill((n + 1) ** 2, draw);
      const scoreOf = (heads: number[]) => heads.reduce((s, h, i) => s + arcs[h * (n + 1) + i + 1]!, 0);
      const parser = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [n + 1, n + 1]), projective: true, singleRoot });
      for (const k of ks) {
        const { heads, score } = parser.topk(k) as ad.HeadsAndScore<number[][], number[]>;
        checkTopk(trees(n, true, singleRoot), scoreOf, { structures: heads, score }, k, (h) => parser.score(h).item());
      }
      const best = parser.argmax() as ad.HeadsAndScore;
      firstIsArgmax({ structures: (parser.topk(1) as ad.HeadsAndScore<number[][], number[]>).heads, score: (parser.topk(1) as ad.HeadsAndScore<number[][], number[]>).score }, { structure: best.heads, score: best.score });
    }
    const free = new ad.DependencyCRF({ arcScores: ad.zeros([3, 3]), projective: false });
    expect(() => free.topk(2)).toThrow(/DependencyCRF.topk: a non-projective DependencyCRF .* pass projective: true/);
  });

  it('Alignment', () => {
    for (let seed = 0; seed < 12; seed++) {
      const draw = seeded(seed + 500, { forbidden: 1 / 6 });
      const [T, S] = [1 + (seed % 4), 1 + (seed % 3)];
      const p: Lattice = { T, S, scores: fill(T * S, draw), skips: Array.from({ length: S }, (_, s) => (s + seed) % 2 === 0), initialStates: 1 + (seed % 2), finalStates: 1 + ((seed >> 1) % 2) };
      const a = new ad.Alignment({ scores: ad.tensor(p.scores, [T, S]), skips: p.skips, initialStates: p.initialStates, finalStates: p.finalStates });
      const scoreOf = (x: number[]) => x.reduce((acc, s, t) => acc + p.scores[t * S + s]!, 0);
      for (const k of ks) {
        const { states, score } = a.topk(k) as ad.StatesAndScore<number[][], number[]>;
        checkTopk(alignments(p), scoreOf, { structures: states, score }, k, (x) => a.score(x).item());
      }
      const best = a.argmax() as ad.StatesAndScore;
      if (best.score > -Infinity) firstIsArgmax({ structures: (a.topk(1) as ad.StatesAndScore<number[][], number[]>).states, score: (a.topk(1) as ad.StatesAndScore<number[][], number[]>).score }, { structure: best.states, score: best.score });
    }
  });
});
