/**
 * @file sample(n, key) of every semiring-DP model against brute force: each sample is a valid
 * structure of positive probability (−∞ masks never sampled), the frequencies pass a χ²
 * goodness-of-fit test against the enumerated probabilities, and the same key gives the same samples.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { scoreOf as chainScore, sequences, type ChainProblem } from './chainOracle.js';
import { scoreOf as treeScore, treesOver, type Tree } from './pcfgOracle.js';
import { higherOrderScore, variableOrderScore } from './tagOracle.js';
import { alignments, segmentations, trees, type Lattice, type Seg } from './enumerate.js';
import { fill, rows, seeded } from './draws.js';

const draws = 3000;

/**
 * The χ² critical value at p = 10⁻⁶ for `df` degrees of freedom (Wilson–Hilferty: χ²/df is nearly
 * normal after a cube root). The keys are fixed, so the test is deterministic; the small p-value
 * keeps it from failing on an unlucky but correct key, while a wrong distribution (a probability off
 * by a few percent at 3000 draws) lands far beyond it.
 */
function chiSquareCritical(df: number): number {
  const z = 4.753; // the standard normal's 1 − 10⁻⁶ quantile
  const a = 2 / (9 * df);
  return df * (1 - a + z * Math.sqrt(a)) ** 3;
}

/**
 * Samples against the distribution exp(score − log Z) over `all`: every sample is among `all` with
 * a finite score, and Pearson's χ² over the structures (those expected fewer than 5 times pooled
 * into one cell) is below the critical value at p = 10⁻⁶.
 */
function checkSamples<T>(all: readonly T[], scoreOf: (x: T) => number, samples: readonly T[]) {
  const key = (x: T) => JSON.stringify(x);
  const scores = all.map(scoreOf);
  const top = Math.max(...scores);
  expect(top).toBeGreaterThan(-Infinity);
  const z = top + Math.log(scores.reduce((acc, s) => acc + Math.exp(s - top), 0));
  const probability = new Map(all.map((x, i) => [key(x), Math.exp(scores[i]! - z)]));
  const counts = new Map<string, number>();
  for (const x of samples) {
    const k = key(x);
    expect(probability.get(k) ?? 0).toBeGreaterThan(0); // valid, and never a forbidden structure
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let chi2 = 0, cells = 0, pooledExpected = 0, pooledObserved = 0;
  for (const [k, p] of probability) {
    if (p === 0) continue;
    const expected = p * samples.length, observed = counts.get(k) ?? 0;
    if (expected < 5) { pooledExpected += expected; pooledObserved += observed; continue; }
    chi2 += (observed - expected) ** 2 / expected;
    cells++;
  }
  if (pooledExpected > 0) { chi2 += (pooledObserved - pooledExpected) ** 2 / pooledExpected; cells++; }
  if (cells > 1) expect(chi2).toBeLessThan(chiSquareCritical(cells - 1));
}

const chainOf = (p: ChainProblem, options: { checkpoints?: number } = {}) =>
  new ad.LinearChainCRF({ emissions: ad.tensor(p.E), transitions: ad.tensor(p.T), start: ad.tensor(p.start), end: ad.tensor(p.end), ...options });

describe('LinearChainCRF.sample', () => {
  it('fits the brute-force distribution (χ²), never samples a −∞ part, 4 models', () => {
    for (let seed = 0; seed < 4; seed++) {
      const draw = seeded(seed, { forbidden: 1 / 6, real: true });
      const [n, K] = [2 + (seed % 3), 2 + (seed % 2)];
      const p = { E: rows(n, K, draw), T: rows(K, K, draw), start: fill(K, draw), end: fill(K, draw) };
      if (sequences(n, K).every((ys) => chainScore(p, ys) === -Infinity)) continue;
      checkSamples(sequences(n, K), (ys) => chainScore(p, ys), chainOf(p).sample(draws, ad.random.key(seed)) as number[][]);
    }
  });

  it('the same key gives the same samples (a key or its integer seed); another key others; checkpointing changes nothing', () => {
    const draw = seeded(11, { real: true });
    const p = { E: rows(6, 3, draw), T: rows(3, 3, draw), start: fill(3, draw), end: fill(3, draw) };
    const crf = chainOf(p);
    const a = crf.sample(50, ad.random.key(7));
    expect(crf.sample(50, ad.random.key(7))).toEqual(a);
    expect(crf.sample(50, 7)).toEqual(a);
    expect(crf.sample(50, 8)).not.toEqual(a);
    // The draws are made in the backward pass, so recomputed forward steps cannot change them.
    expect(chainOf(p, { checkpoints: 2 }).sample(50, 7)).toEqual(a);
    expect(crf.sample(0, 7)).toEqual([]);
    expect(() => crf.sample(-1, 7)).toThrow(/LinearChainCRF.sample: count must be an integer ≥ 0/);
    expect(() => crf.sample(2, 'seven' as unknown as number)).toThrow(/LinearChainCRF.sample: key must be a key/);
  });

  it('a padded batch: each sequence its own samples, of its own length, from its own distribution', () => {
    const draw = seeded(21, { forbidden: 1 / 8, real: true });
    const [B, n, K] = [2, 3, 2];
    const E = Array.from({ length: B }, () => rows(n, K, draw)), T = rows(K, K, draw), start = fill(K, draw), end = fill(K, draw);
    const lengths = [3, 2];
    const crf = new ad.LinearChainCRF({ emissions: ad.tensor(E), transitions: ad.tensor(T), start: ad.tensor(start), end: ad.tensor(end), lengths });
    const batch = crf.sample(draws, 3) as number[][][];
    lengths.forEach((len, b) => {
      const p = { E: E[b]!.slice(0, len), T, start, end };
      checkSamples(sequences(len, K), (ys) => chainScore(p, ys), batch[b]!);
    });
  });
});

describe('sample of the other models against brute force (χ², validity)', () => {
  it('HigherOrderCRF (order 2), VariableOrderCRF and HMM', () => {
    const draw = seeded(31, { forbidden: 1 / 6, real: true });
    const [n, K, k] = [4, 2, 2];
    const p = { n, K, k, E: fill(n * K, draw), T: fill(K ** 3, draw), start: fill(K * K, draw), end: fill(K * K, draw) };
    const crf = new ad.HigherOrderCRF({ emissions: ad.tensor(p.E, [n, K]), transitions: ad.tensor(p.T, [K, K, K]), start: ad.tensor(p.start, [K, K]), end: ad.tensor(p.end, [K, K]) });
    checkSamples(sequences(n, K), (ys) => higherOrderScore(p, ys), crf.sample(draws, 1) as number[][]);
    expect(crf.sample(20, 2)).toEqual(crf.sample(20, ad.random.key(2)));

    const contexts = [[0, 1], [1, 1, 0], [1]];
    const E = fill(n * K, draw), weights = [0.5, -Infinity, 0.7];
    const vo = new ad.VariableOrderCRF({ emissions: ad.tensor(E, [n, K]), contexts, weights: ad.tensor(weights) });
    checkSamples(sequences(n, K), (ys) => variableOrderScore(K, E, contexts, weights, ys), vo.sample(draws, 2) as number[][]);

    const hmm = new ad.HMM({
      initial: ad.log(ad.tensor([0.5, 0.5])), transition: ad.log(ad.tensor([[0.5, 0.5], [0.25, 0.75]])), emission: ad.log(ad.tensor([[1, 0], [0.5, 0.5]])),
    });
    const x = [0, 1, 0, 0];
    const chain = hmm.posterior(x);
    checkSamples(sequences(x.length, 2), (z) => chain.score(z).item(), hmm.sample(x, draws, 3) as number[][]);
    expect(hmm.sample(x, 20, 4)).toEqual(chain.sample(20, 4));
  });

  it('SemiMarkovCRF', () => {
    const draw = seeded(41, { forbidden: 1 / 6, real: true });
    const [n, L, C] = [4, 2, 2];
    const seg = fill(n * L * C, draw), T = fill(C * C, draw), start = fill(C, draw), end = fill(C, draw);
    const scoreOf = (segs: Seg[]) => {
      let s = start[segs[0]!.label]! + end[segs[segs.length - 1]!.label]!;
      segs.forEach((g, i) => { s += seg[(g.start * L + g.end - g.start - 1) * C + g.label]!; if (i > 0) s += T[segs[i - 1]!.label * C + g.label]!; });
      return s;
    };
    const crf = new ad.SemiMarkovCRF({ segments: ad.tensor(seg, [n, L, C]), transitions: ad.tensor(T, [C, C]), start: ad.tensor(start), end: ad.tensor(end) });
    checkSamples(segmentations(n, L, C), scoreOf, crf.sample(draws, 5) as Seg[][]);
  });

  it('PCFG', () => {
    const draw = seeded(51, { forbidden: 1 / 8, real: true });
    const [n, N] = [3, 2];
    const p = { U: rows(n, N, draw), R: Array.from({ length: N }, () => rows(N, N, draw)), root: fill(N, draw) };
    const g = new ad.PCFG({ terminals: ad.tensor(p.U), rules: ad.tensor(p.R), root: ad.tensor(p.root) });
    checkSamples<Tree>(treesOver(0, n, N), (t) => treeScore(p, t), g.sample(draws, 6) as Tree[]);
  });

  it('projective DependencyCRF (one or several root dependents)', () => {
    for (const singleRoot of [true, false]) {
      const draw = seeded(singleRoot ? 61 : 62, { forbidden: 1 / 8, real: true });
      const n = 3;
      const arcs = fill((n + 1) ** 2, draw);
      const scoreOf = (heads: number[]) => heads.reduce((s, h, i) => s + arcs[h * (n + 1) + i + 1]!, 0);
      const parser = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [n + 1, n + 1]), projective: true, singleRoot });
      checkSamples(trees(n, true, singleRoot), scoreOf, parser.sample(draws, 7) as number[][]);
    }
  });

  describe('non-projective DependencyCRF (Wilson\'s algorithm)', () => {
    const arcScoreOf = (arcs: readonly number[], n: number) => (heads: number[]) => heads.reduce((s, h, i) => s + arcs[h * (n + 1) + i + 1]!, 0);

    it('fits the enumerated distribution over all trees (χ²), one or several root dependents, −∞ arcs never used', () => {
      for (const singleRoot of [true, false]) {
        for (const [n, seed] of [[3, 81], [4, 82], [4, 83]] as const) {
          const draw = seeded(seed + (singleRoot ? 10 : 0), { forbidden: 1 / 6, real: true });
          const arcs = fill((n + 1) ** 2, draw);
          const scoreOf = arcScoreOf(arcs, n);
          const all = trees(n, false, singleRoot);
          if (all.every((x) => scoreOf(x) === -Infinity)) continue;
          const parser = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [n + 1, n + 1]), projective: false, singleRoot });
          checkSamples(all, scoreOf, parser.sample(draws, seed) as number[][]);
        }
      }
    });

    it('strong arcs and a root reachable only through a chain of words (long walks, loops erased)', () => {
      // Every word prefers its neighbours (loops between them), and only word 4 may attach to the root.
      const n = 4;
      const arcs = Array.from({ length: (n + 1) ** 2 }, (_, k) => {
        const [h, m] = [Math.floor(k / (n + 1)), k % (n + 1)];
        return h === 0 ? (m === n ? 0 : -Infinity) : Math.abs(h - m) === 1 ? 2 : -1;
      });
      for (const singleRoot of [true, false]) {
        const parser = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [n + 1, n + 1]), projective: false, singleRoot });
        checkSamples(trees(n, false, singleRoot), arcScoreOf(arcs, n), parser.sample(draws, 5) as number[][]);
      }
    });

    it('words that prefer each other by 30 nats (walks of about e³⁰ steps): drawn word by word from the marginals, the same distribution, at once', () => {
      // Wilson's walks circle 1 → 2 → 1 … about e^30 times before they reach the root (a hang); past
      // a step budget the tree is drawn from the exact conditionals instead, and so are the rest.
      const n = 3, c = 30;
      const arcs = Array.from({ length: (n + 1) ** 2 }, (_, k) => {
        const [h, m] = [Math.floor(k / (n + 1)), k % (n + 1)];
        return h === m ? 0 : (h === 1 && m === 2) || (h === 2 && m === 1) ? c : ((h * 7 + m * 3) % 5) / 4 - 0.5;
      });
      for (const singleRoot of [false, true]) {
        const parser = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [n + 1, n + 1]), projective: false, singleRoot });
        const samples = parser.sample(draws, 12) as number[][];
        checkSamples(trees(n, false, singleRoot), arcScoreOf(arcs, n), samples);
        expect(parser.sample(40, 12)).toEqual(samples.slice(0, 40)); // a shorter run is the start of a longer one
      }
    });

    it('a padded batch: each sentence its own samples from its own distribution; the same key gives the same samples', () => {
      const draw = seeded(91, { forbidden: 1 / 8, real: true });
      const [B, N, lengths] = [2, 5, [4, 2]];
      const arcs = fill(B * N * N, draw);
      for (const singleRoot of [false, true]) {
        const parser = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [B, N, N]), projective: false, singleRoot, lengths });
        const batch = parser.sample(draws, ad.random.key(4)) as number[][][];
        lengths.forEach((len, b) => {
          const own = Array.from({ length: (len + 1) ** 2 }, (_, k) => arcs[b * N * N + Math.floor(k / (len + 1)) * N + (k % (len + 1))]!);
          checkSamples(trees(len, false, singleRoot), arcScoreOf(own, len), batch[b]!);
        });
        expect(parser.sample(30, 4)).toEqual(batch.map((x) => x.slice(0, 30)));
        expect(parser.sample(30, 5)).not.toEqual(parser.sample(30, 4));
      }
    });

    it('no tree of finite score: every sample is argmax\'s tree; bad counts and keys are errors', () => {
      const arcs = fill(16, () => -Infinity);
      arcs[1 * 4 + 2] = 1; // 1 → 2 alone cannot make a tree
      for (const singleRoot of [false, true]) {
        const parser = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [4, 4]), projective: false, singleRoot });
        expect(parser.sample(3, 0)).toEqual([0, 1, 2].map(() => parser.argmax().heads));
      }
      const free = new ad.DependencyCRF({ arcScores: ad.zeros([4, 4]), projective: false });
      expect(free.sample(0, 1)).toEqual([]);
      expect(() => free.sample(-1, 1)).toThrow(/DependencyCRF.sample: count must be an integer ≥ 0/);
      expect(() => free.sample(2, 'one' as unknown as number)).toThrow(/DependencyCRF.sample: key must be a key/);
    });
  });

  it('Alignment', () => {
    const draw = seeded(71, { forbidden: 1 / 8, real: true });
    const [T, S] = [4, 3];
    const p: Lattice = { T, S, scores: fill(T * S, draw), skips: [false, true, false], initialStates: 2, finalStates: 2 };
    const a = new ad.Alignment({ scores: ad.tensor(p.scores, [T, S]), skips: p.skips, initialStates: p.initialStates, finalStates: p.finalStates });
    const scoreOf = (x: number[]) => x.reduce((acc, s, t) => acc + p.scores[t * S + s]!, 0);
    checkSamples(alignments(p), scoreOf, a.sample(draws, 8) as number[][]);
  });
});
