/** @file DependencyCRF against enumeration of every (projective, single- or multi-root) tree: log Z, arc marginals, argmax under ties and masks, entropy, batches. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { fill, seeded, type Draw } from './draws.js';
import { allClose, close, summarize, values } from './structureOracle.js';
import { trees } from './enumerate.js';
import { eisner } from '../../src/structured/eisner.js';
import { log } from '../../src/structured/semirings.js';
import { internal } from '../support/internalTensor.js';


interface Problem { n: number; arcs: number[] } // arcs[(h)(n + 1) + m]
const scoreOf = (p: Problem, heads: number[]) => heads.reduce((s, h, i) => s + p.arcs[h * (p.n + 1) + i + 1]!, 0);
function oracle(p: Problem, projective: boolean, singleRoot: boolean) {
  const all = trees(p.n, projective, singleRoot).map((x) => ({ x, s: scoreOf(p, x) }));
  return { ...summarize(all, (x) => x.map((h, i) => h * (p.n + 1) + i + 1), (p.n + 1) ** 2), all };
}
const problem = (n: number, draw: Draw): Problem => ({ n, arcs: fill((n + 1) ** 2, draw) });
const modelOf = (p: Problem, projective: boolean, singleRoot: boolean) =>
  new ad.DependencyCRF({ arcScores: ad.tensor(p.arcs, [p.n + 1, p.n + 1]), projective, singleRoot });

const kinds = [[true, false], [true, true], [false, false], [false, true]] as const;

function agrees(p: Problem, projective: boolean, singleRoot: boolean, tol = 1e-9) {
  const o = oracle(p, projective, singleRoot);
  const crf = modelOf(p, projective, singleRoot);
  close(crf.logPartition().item(), o.logZ, tol);
  allClose(values(crf.marginals()), o.marginals, tol);
  close(crf.entropy().item(), o.entropy, tol);
  const best = crf.argmax() as ad.HeadsAndScore;
  expect(best.score).toBe(o.best);
  expect(o.all.some((a) => a.x.every((h, i) => h === best.heads[i]))).toBe(true); // a tree of the right kind
  if (o.best > -Infinity) expect(scoreOf(p, best.heads)).toBe(best.score);
  for (const a of o.all.filter((_, i) => i % 7 === 0)) {
    close(crf.score(a.x).item(), a.s, tol);
    close(crf.logProbability(a.x).item(), o.logZ === -Infinity ? -Infinity : a.s - o.logZ, tol);
  }
}

describe('DependencyCRF against brute force', () => {
  it('the enumerator counts trees: (n + 1)^(n − 1) non-projective (Cayley), 1, 2, 7, 30 projective with one root dependent', () => {
    for (let n = 1; n <= 4; n++) expect(trees(n, false, false).length).toBe((n + 1) ** (n - 1));
    expect([1, 2, 3, 4].map((n) => trees(n, true, true).length)).toEqual([1, 2, 7, 30]);
  });

  for (const [projective, singleRoot] of kinds) {
    describe(`projective: ${projective}, singleRoot: ${singleRoot}`, () => {
      it.each([1, 2, 3, 4, 5])('n=%i, real scores', (n) => agrees(problem(n, seeded(10 * n + 3, { forbidden: 0, real: true })), projective, singleRoot));

      it('integer scores (ties everywhere) and −∞ masks, 40 draws: argmax is one valid best tree', () => {
        for (let seed = 0; seed < 40; seed++) agrees(problem(1 + (seed % 4), seeded(seed, { forbidden: 1 / 4 })), projective, singleRoot);
      });

      it('n = 5 with ties and masks (the maximum arborescence against all trees)', () => {
        for (let seed = 100; seed < 106; seed++) agrees(problem(5, seeded(seed, { forbidden: 1 / 5 })), projective, singleRoot);
      });

      it('no tree of finite score: log Z = −∞, zero marginals, entropy 0, argmax score −∞', () => {
        const p: Problem = { n: 3, arcs: fill(16, () => -Infinity) };
        p.arcs[1 * 4 + 2] = 1; // 1 → 2 alone cannot make a tree
        const crf = modelOf(p, projective, singleRoot);
        expect(crf.logPartition().item()).toBe(-Infinity);
        expect(values(crf.marginals()).every((v) => v === 0)).toBe(true);
        expect(crf.entropy().item()).toBe(0);
        expect(crf.argmax().score).toBe(-Infinity);
      });

      it('a padded batch equals a loop over its sentences (a length-1 sentence; padding scores do not matter)', () => {
        const draw = seeded(5, { forbidden: 1 / 8, real: true });
        const [B, N, lengths] = [3, 5, [4, 1, 2]];
        const arcs = fill(B * N * N, draw);
        const batch = new ad.DependencyCRF({ arcScores: ad.tensor(arcs, [B, N, N]), projective, singleRoot, lengths });
        const logZ = values(batch.logPartition()), H = values(batch.entropy()), m = values(batch.marginals()), best = batch.argmax() as ad.HeadsAndScore<number[][], number[]>;
        lengths.forEach((len, b) => {
          const own = Array.from({ length: (len + 1) ** 2 }, (_, k) => arcs[b * N * N + Math.floor(k / (len + 1)) * N + (k % (len + 1))]!);
          const single = new ad.DependencyCRF({ arcScores: ad.tensor(own, [len + 1, len + 1]), projective, singleRoot });
          close(logZ[b]!, single.logPartition().item());
          close(H[b]!, single.entropy().item());
          const sm = values(single.marginals());
          for (let k = 0; k < N * N; k++) {
            const [h, c] = [Math.floor(k / N), k % N];
            close(m[b * N * N + k]!, h <= len && c <= len ? sm[h * (len + 1) + c]! : 0);
          }
          expect(best.heads[b]).toEqual(single.argmax().heads);
          close(best.score[b]!, (single.argmax() as ad.HeadsAndScore).score);
        });
      });

      it('log Z is correct to second order (checkGrad)', () => {
        const r = ad.checkGrad((a: ad.Tensor) => new ad.DependencyCRF({ arcScores: a, projective, singleRoot }).logPartition(), [ad.random.normal([4, 4], 3)]);
        expect(r.ok).toBe(true);
      });
    });
  }

  it('the single-root arborescence (one lexicographic run) equals the best over each forced root dependent, n = 6 … 12', () => {
    for (let seed = 0; seed < 20; seed++) {
      const n = 6 + (seed % 7);
      const p = problem(n, seeded(500 + seed, { forbidden: 1 / 6 }));
      const forced = Array.from({ length: n }, (_, i) => {
        const arcs = p.arcs.map((v, k) => (k < n + 1 && k !== i + 1 ? -Infinity : v)); // row 0: only the arc to word i + 1
        return modelOf({ n, arcs }, false, false).argmax().score as number;
      });
      const best = modelOf(p, false, true).argmax() as ad.HeadsAndScore;
      expect(best.score).toBe(Math.max(...forced));
      expect(best.heads.filter((h: number) => h === 0).length).toBe(1);
    }
  });

  it('the log-semiring Eisner kernels equal the semiring-generic program (n = 12, a padded batch, −∞ arcs), under grad, jvp and vmap', () => {
    const draw = seeded(77, { forbidden: 1 / 9, real: true });
    const [B, N, lengths] = [3, 13, [12, 5, 1]];
    const arcs = ad.tensor(fill(B * N * N, draw), [B, N, N]);
    const mask = ad.tensor(lengths.flatMap((len) => Array.from({ length: N * N }, (_, k) => {
      const [h, m] = [Math.floor(k / N), k % N];
      return m === 0 || h === m || h > len || m > len ? -Infinity : 0;
    })), [B, N, N]);
    for (const singleRoot of [false, true]) {
      const kernel = (a: ad.Tensor) => new ad.DependencyCRF({ arcScores: a, projective: true, singleRoot, lengths }).logPartition();
      // eisner.ts itself, in the log semiring: the program the kernels replace.
      const generic = (a: ad.Tensor) => eisner(log, internal(ad.add(a, mask)), lengths, singleRoot);
      allClose(values(kernel(arcs)), values(generic(arcs)), 1e-12);
      const [gk, gg] = [ad.grad((a: ad.Tensor) => ad.sum(kernel(a)))(arcs), ad.grad((a: ad.Tensor) => ad.sum(generic(a)))(arcs)];
      allClose(values(gk), values(gg), 1e-12);
      const t = ad.random.normal([B, N, N], 5);
      allClose(values(ad.jvp(kernel, [arcs], [t])[1] as ad.Tensor), values(ad.jvp(generic, [arcs], [t])[1] as ad.Tensor), 1e-12);
      // vmap over two copies of the batch (one scaled) folds the mapped axis into the batch axis.
      const twice = ad.stack([arcs, ad.mul(arcs, 0.5)], 0);
      allClose(values(ad.vmap(kernel)(twice)), [...values(kernel(arcs)), ...values(kernel(ad.mul(arcs, 0.5)))], 1e-12);
      allClose(values(ad.vmap(ad.grad((a: ad.Tensor) => ad.sum(kernel(a))))(twice)), [...values(gk), ...values(ad.grad((a: ad.Tensor) => ad.sum(kernel(a)))(ad.mul(arcs, 0.5)))], 1e-12);
    }
  });

  it('projective trees are a subset: the non-projective log Z is larger, and equal for n ≤ 2', () => {
    for (const n of [1, 2, 4]) {
      const p = problem(n, seeded(n, { forbidden: 0, real: true }));
      const a = modelOf(p, true, false).logPartition().item(), b = modelOf(p, false, false).logPartition().item();
      if (n <= 2) close(a, b); else expect(b).toBeGreaterThan(a);
    }
  });

  it('bad input: errors name the op, the argument and the fix', () => {
    const arcScores = ad.zeros([4, 4]);
    const bad: [() => unknown, RegExp][] = [
      [() => new ad.DependencyCRF({ arcScores: ad.zeros([3, 4]), projective: true }), /^DependencyCRF: arcScores must have shape \[n \+ 1, n \+ 1\]/],
      [() => new ad.DependencyCRF({ arcScores: ad.zeros([1, 1]), projective: true }), /^DependencyCRF: arcScores must have shape/],
      [() => new ad.DependencyCRF({ arcScores } as any), /^DependencyCRF: projective must be true or false, got undefined/],
      [() => new ad.DependencyCRF({ arcScores: ad.zeros([2, 4, 4]), projective: true, lengths: [3, 4] }), /^DependencyCRF: lengths\[1\] is 4/],
      [() => new ad.DependencyCRF({ arcScores, projective: true }).score([3, 0, 2]), /^DependencyCRF.score: heads is not projective/],
      [() => new ad.DependencyCRF({ arcScores, projective: false }).score([2, 1, 0]), /heads has a cycle through word 1/],
      [() => new ad.DependencyCRF({ arcScores, projective: false, singleRoot: true }).score([0, 0, 1]), /attaches 2 words to the root/],
      [() => new ad.DependencyCRF({ arcScores, projective: false }).score([0, 2, 1]), /heads\[1\] makes word 2 its own head/],
      [() => new ad.DependencyCRF({ arcScores, projective: false }).score([0, 1]), /heads must be an array of 3 heads/],
      [() => new ad.DependencyCRF({ arcScores, projective: false }).sum(ad.semirings.max), /^DependencyCRF.sum: a non-projective DependencyCRF is a determinant/],
    ];
    for (const [f, message] of bad) expect(f).toThrow(message);
  });
});
