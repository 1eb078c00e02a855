/**
 * @file argmax under exact ties and −∞ masks, for every structured model: the structure returned is
 * valid, its score equals the reported score, and that is the brute-force maximum.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as ad from 'adjoint';
import { bruteForce as chainBruteForce, scoreOf as chainScore, type ChainProblem } from './chainOracle.js';
import { bruteForce as grammarBruteForce, scoreOf as treeScore, type GrammarProblem, type Tree } from './pcfgOracle.js';
import { enumerate, higherOrderScore, variableOrderScore, type HigherOrderProblem } from './tagOracle.js';
import { fill, fromCells, rows, seeded, type Draw } from './draws.js';

const cell = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: -2, max: 2 }) }, { weight: 1, arbitrary: fc.constant(-Infinity) });
const cells = fc.array(cell, { minLength: 1, maxLength: 300 });

function expectTags(tags: number[], n: number, K: number) {
  expect(tags).toHaveLength(n);
  for (const y of tags) expect(Number.isInteger(y) && y >= 0 && y < K).toBe(true);
}

// ---- LinearChainCRF ----
function chainProblem(n: number, K: number, draw: Draw): ChainProblem {
  return { E: rows(n, K, draw), T: rows(K, K, draw), start: fill(K, draw), end: fill(K, draw) };
}
const crfOf = (p: ChainProblem, checkpoints?: ad.Checkpoints) =>
  new ad.LinearChainCRF({ emissions: ad.tensor(p.E), transitions: ad.tensor(p.T), start: ad.tensor(p.start), end: ad.tensor(p.end), checkpoints });

/**
 * The documented tie order: among the best sequences, the lowest last tag, then the lowest tag
 * before it, and so on (the least in lexicographic order read from the end). When every sequence
 * is forbidden there is no order to check (the result is any sequence, of score −∞): null.
 */
function firstFromTheEnd(p: ChainProblem): number[] | null {
  const o = chainBruteForce(p);
  if (o.best.s === -Infinity) return null;
  const best = o.all.filter((a) => a.s === o.best.s).map((a) => [...a.ys].reverse());
  best.sort((a, b) => { const i = a.findIndex((y, t) => y !== b[t]); return i < 0 ? 0 : a[i]! - b[i]!; });
  return best[0]!.reverse();
}

function chainArgmaxIsOptimal(p: ChainProblem, checkpoints?: ad.Checkpoints) {
  const crf = crfOf(p, checkpoints);
  const { tags, score } = crf.argmax() as ad.TagsAndScore;
  expectTags(tags, p.E.length, p.start.length);
  expect(chainScore(p, tags)).toBe(score);
  expect(score).toBe(chainBruteForce(p).best.s);
  expect(crf.score(tags).item()).toBe(score);
  expect(tags).toEqual(firstFromTheEnd(p) ?? tags);
}

/** A padded batch: emissions [B, n, K] whose padding is drawn too (it must not matter). */
function batchArgmaxIsOptimal(B: number, n: number, K: number, lengths: number[], draw: Draw) {
  const E = Array.from({ length: B }, () => rows(n, K, draw));
  const T = rows(K, K, draw), start = fill(K, draw), end = fill(K, draw);
  const crf = new ad.LinearChainCRF({ emissions: ad.tensor(E), transitions: ad.tensor(T), start: ad.tensor(start), end: ad.tensor(end), lengths });
  const { tags, score } = crf.argmax() as { tags: number[][]; score: number[] };
  expect(tags).toHaveLength(B);
  expect(score).toHaveLength(B);
  lengths.forEach((len, b) => {
    const p = { E: E[b]!.slice(0, len), T, start, end };
    expectTags(tags[b]!, len, K);
    expect(chainScore(p, tags[b]!)).toBe(score[b]);
    expect(score[b]).toBe(chainBruteForce(p).best.s);
    expect(tags[b]).toEqual(firstFromTheEnd(p) ?? tags[b]);
  });
  expect(Array.from(crf.score(tags).toFloat64Array())).toEqual(score);
}

describe('LinearChainCRF.argmax under ties and masks', () => {
  it("the issue's examples: a tie across transitions, and a BIO constraint", () => {
    const tie = new ad.LinearChainCRF({ emissions: ad.zeros([2, 2]), transitions: ad.tensor([[-5, 0], [0, -5]]) });
    const t = tie.argmax();
    expect(t.score).toBe(0);
    expect(tie.score(t.tags).item()).toBe(0);
    expect(t.tags).toEqual([1, 0]); // the lowest last tag among the best paths [0, 1] and [1, 0]
    // tags O = 0, I = 1, B = 2; O → I is forbidden.
    const bio = new ad.LinearChainCRF({
      emissions: ad.tensor([[0, -10, 0], [-10, 0, 0]]),
      transitions: ad.tensor([[-10, -Infinity, 0], [-10, -10, -10], [-10, 0, -10]]),
    });
    const b = bio.argmax();
    expect(b).toEqual({ tags: [2, 1], score: 0 });
  });

  it('every sequence scores −∞: the score is −∞ and the tags are still a sequence of the right length', () => {
    const crf = new ad.LinearChainCRF({ emissions: ad.zeros([3, 2]), transitions: ad.full([2, 2], -Infinity) });
    const { tags, score } = crf.argmax() as ad.TagsAndScore;
    expect(score).toBe(-Infinity);
    expectTags(tags, 3, 2);
    expect(crf.score(tags).item()).toBe(-Infinity);
  });

  it('300 random instances with integer scores and −∞ masks agree with enumeration', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const draw = seeded(seed);
      const n = 1 + (seed % 5), K = 1 + (seed % 3);
      chainArgmaxIsOptimal(chainProblem(n, K, draw), seed % 4 === 0 ? 2 : undefined);
    }
  });

  it('property (fast-check): single chains', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), cells,
      (n, K, xs) => chainArgmaxIsOptimal(chainProblem(n, K, fromCells(xs)))), { seed: 12, numRuns: 150 });
  });

  it('300 random padded batches with lengths agree with enumeration, sequence by sequence', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const B = 1 + (seed % 3), n = 1 + (seed % 4), K = 2 + (seed % 2);
      const lengths = Array.from({ length: B }, (_, b) => 1 + ((seed + 3 * b) % n));
      batchArgmaxIsOptimal(B, n, K, lengths, seeded(500 + seed));
    }
  });

  it('property (fast-check): padded batches with lengths', () => {
    const batch = fc.integer({ min: 1, max: 4 }).chain((n) =>
      fc.tuple(fc.constant(n), fc.integer({ min: 1, max: 3 }), fc.array(fc.integer({ min: 1, max: n }), { minLength: 1, maxLength: 3 }), cells));
    fc.assert(fc.property(batch, ([n, K, lengths, xs]) => batchArgmaxIsOptimal(lengths.length, n, K, lengths, fromCells(xs))),
      { seed: 13, numRuns: 120 });
  });
});

// ---- HigherOrderCRF ----
function higherOrderProblem(k: number, n: number, K: number, draw: Draw): HigherOrderProblem {
  return { n, K, k, E: fill(n * K, draw), T: fill(K ** (k + 1), draw), start: fill(K ** k, draw), end: fill(K ** k, draw) };
}
function higherOrderArgmaxIsOptimal(p: HigherOrderProblem) {
  const { n, K, k } = p;
  const window = (axes: number) => new Array<number>(axes).fill(K);
  const crf = new ad.HigherOrderCRF({
    emissions: ad.tensor(p.E, [n, K]), transitions: ad.tensor(p.T, window(k + 1)), start: ad.tensor(p.start, window(k)), end: ad.tensor(p.end, window(k)),
  });
  const { tags, score } = crf.argmax() as ad.TagsAndScore;
  expectTags(tags, n, K);
  expect(higherOrderScore(p, tags)).toBe(score);
  expect(score).toBe(enumerate(n, K, (ys) => higherOrderScore(p, ys)).best.s);
  expect(crf.score(tags).item()).toBe(score);
}

describe('HigherOrderCRF.argmax under ties and masks', () => {
  it('200 random instances of orders 1 to 3 agree with enumeration', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const k = 1 + (seed % 3), K = 1 + ((seed >> 2) % 3);
      higherOrderArgmaxIsOptimal(higherOrderProblem(k, k + (seed % (K === 3 ? 6 - k : 3)), K, seeded(1000 + seed)));
    }
  });

  it('property (fast-check)', () => {
    const shape = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 2 }));
    fc.assert(fc.property(shape, cells, ([k, extra, K], xs) => higherOrderArgmaxIsOptimal(higherOrderProblem(k, k + extra, K, fromCells(xs)))),
      { seed: 14, numRuns: 100 });
  });
});

// ---- VariableOrderCRF ----
function variableOrderArgmaxIsOptimal(n: number, K: number, contexts: number[][], draw: Draw) {
  const E = fill(n * K, draw), weights = fill(contexts.length, draw);
  const crf = new ad.VariableOrderCRF({ emissions: ad.tensor(E, [n, K]), contexts, weights: ad.tensor(weights) });
  const score = (ys: number[]) => variableOrderScore(K, E, contexts, weights, ys);
  const best = crf.argmax() as ad.TagsAndScore;
  expectTags(best.tags, n, K);
  expect(score(best.tags)).toBe(best.score);
  expect(best.score).toBe(enumerate(n, K, score).best.s);
  expect(crf.score(best.tags).item()).toBe(best.score);
}
/** Distinct contexts of length 1 … 3 over K tags. */
const contextsOf = (raw: number[][], K: number) =>
  [...new Map(raw.map((c) => c.map((y) => y % K)).map((c) => [c.join(','), c])).values()];

describe('VariableOrderCRF.argmax under ties and masks', () => {
  it('200 random instances agree with enumeration', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const draw = seeded(2000 + seed);
      const n = 1 + (seed % 5), K = 1 + ((seed >> 1) % 3);
      const raw = Array.from({ length: 1 + (seed % 5) }, (_, c) => Array.from({ length: 1 + ((seed + c) % 3) }, (_, j) => (seed * 7 + c * 3 + j * 5) % 3));
      variableOrderArgmaxIsOptimal(n, K, contextsOf(raw, K), draw);
    }
  });

  it('property (fast-check)', () => {
    const context = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 3 });
    fc.assert(fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.array(context, { minLength: 1, maxLength: 5 }), cells,
      (n, K, raw, xs) => variableOrderArgmaxIsOptimal(n, K, contextsOf(raw, K), fromCells(xs))), { seed: 15, numRuns: 100 });
  });
});

// ---- PCFG ----
/**
 * The documented tie order, by plain CKY with backpointers: the lowest root label among the best,
 * at each node the lowest (left, right) label pair in row-major order, then the leftmost split.
 */
function documentedBestTree(p: GrammarProblem): Tree {
  const n = p.U.length, N = p.root.length;
  const best = new Map<string, number>();
  const key = (i: number, j: number, A: number) => `${i},${j},${A}`;
  const choices = (i: number, j: number, A: number) => {
    const out: { B: number; C: number; k: number; s: number }[] = [];
    for (let B = 0; B < N; B++) for (let C = 0; C < N; C++) for (let k = i + 1; k < j; k++) {
      out.push({ B, C, k, s: p.R[A]![B]![C]! + best.get(key(i, k, B))! + best.get(key(k, j, C))! });
    }
    return out; // in the documented order: (B, C) row-major, then the split
  };
  for (let w = 1; w <= n; w++) for (let i = 0; i + w <= n; i++) for (let A = 0; A < N; A++) {
    best.set(key(i, i + w, A), w === 1 ? p.U[i]![A]! : Math.max(...choices(i, i + w, A).map((c) => c.s)));
  }
  const build = (i: number, j: number, A: number): Tree => {
    if (j - i === 1) return { label: A, start: i, end: j };
    const c = choices(i, j, A).find((x) => x.s === best.get(key(i, j, A)))!;
    return { label: A, start: i, end: j, children: [build(i, c.k, c.B), build(c.k, j, c.C)] };
  };
  const top = p.root.map((r, A) => r + best.get(key(0, n, A))!);
  return build(0, n, top.indexOf(Math.max(...top)));
}

function grammarArgmaxIsOptimal(n: number, N: number, draw: Draw) {
  const p: GrammarProblem = { U: rows(n, N, draw), R: Array.from({ length: N }, () => rows(N, N, draw)), root: fill(N, draw) };
  const g = new ad.PCFG({ terminals: ad.tensor(p.U), rules: ad.tensor(p.R), root: ad.tensor(p.root) });
  const { tree, score } = g.argmax() as ad.TreeAndScore;
  expect(g.score(tree).item()).toBe(score); // also checks that the tree is a valid tree over the sentence
  expect(treeScore(p, tree as Tree)).toBe(score);
  expect(score).toBe(grammarBruteForce(p).best.s);
  if (score > -Infinity) expect(tree).toEqual(documentedBestTree(p));
}

describe('PCFG.argmax under ties and masks', () => {
  it('150 random grammars agree with enumeration', () => {
    for (let seed = 1; seed <= 150; seed++) grammarArgmaxIsOptimal(1 + (seed % 4), 1 + (seed % 2), seeded(3000 + seed));
  });

  it('property (fast-check)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 2 }), cells,
      (n, N, xs) => grammarArgmaxIsOptimal(n, N, fromCells(xs))), { seed: 16, numRuns: 80 });
  });
});

describe('the argmax semiring', () => {
  it('has the max semiring value; its gradient is the 0/1 indicator of one best path (the max gradient is not)', () => {
    const E = ad.zeros([4, 3]), T = ad.zeros([3, 3]); // every path ties
    const best = (semiring: ad.Semiring) => (e: ad.Tensor) => new ad.LinearChainCRF({ emissions: e, transitions: T }).sum(semiring);
    expect(best(ad.semirings.argmax)(E).item()).toBe(0);
    expect(Array.from(ad.grad(best(ad.semirings.max))(E).toFloat64Array()).every((v) => Math.abs(v - 1 / 3) < 1e-12)).toBe(true);
    expect(ad.grad(best(ad.semirings.argmax))(E).toArray()).toEqual([[1, 0, 0], [1, 0, 0], [1, 0, 0], [1, 0, 0]]);
  });
});
