/** @file Loopy BP: exact marginals and Bethe log Z on trees (brute force), the BP equations at a loopy fixed point, damping, max-product. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { chain, cycle, exact, flat, grid, randomMRF, star, tensors } from './mrfOracle.js';

const closeAll = (a: number[], b: number[], tol: number) => a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThanOrEqual(tol));

describe('PairwiseMRF BP on trees is exact', () => {
  it.each([
    ['chain of 6, K=3', randomMRF(6, 3, chain(6), 1)],
    ['star of 6, K=2', randomMRF(6, 2, star(6), 2)],
    ['chain of 5, K=2, edges reversed', randomMRF(5, 2, chain(5).map(([s, t]) => [t, s]), 3, 2)],
  ])('%s: marginals and log Z against brute force', (_, m) => {
    const oracle = exact(m);
    const mrf = new ad.PairwiseMRF(tensors(m));
    const b = mrf.beliefs({ method: 'bp', iterations: 20 });
    closeAll(flat(b.unary.toArray()), flat(oracle.unary), 1e-12);
    closeAll(flat(b.pairwise.toArray()), flat(oracle.pairwise), 1e-12);
    expect(Math.abs(mrf.logPartition({ iterations: 20 }).item() - oracle.logZ)).toBeLessThan(1e-10);
  });

  it('with damping, converges to the same (exact) marginals, and tol stops it early', () => {
    const m = randomMRF(7, 2, chain(7), 4);
    const info: Partial<ad.BeliefsInfo> = {};
    const b = new ad.PairwiseMRF(tensors(m)).beliefs({ damping: 0.5, iterations: 500, tol: 1e-12, info });
    closeAll(flat(b.unary.toArray()), flat(exact(m).unary), 1e-10);
    expect(info.converged).toBe(true);
    expect(info.iterations).toBeLessThan(500);
    expect(info.residualNorm).toBeLessThanOrEqual(1e-12);
  });

  it('a shared [K, K] pairwise is the same as repeating it per edge', () => {
    const m = randomMRF(5, 3, star(5), 5);
    const shared = ad.tensor(m.pairwise[0]!);
    const a = new ad.PairwiseMRF({ unary: ad.tensor(m.unary), edges: m.edges, pairwise: shared }).beliefs({ iterations: 10 }).unary;
    const b = new ad.PairwiseMRF({ unary: ad.tensor(m.unary), edges: m.edges, pairwise: ad.broadcastTo(shared, [4, 3, 3]) }).beliefs({ iterations: 10 }).unary;
    closeAll(flat(a.toArray()), flat(b.toArray()), 0);
  });
});

describe('PairwiseMRF BP on loopy graphs', () => {
  it('the fixed point satisfies the BP equations: consistent edge and node beliefs, and the reparameterisation', () => {
    const m = randomMRF(9, 3, grid(3, 3), 6, 0.5);
    const mrf = new ad.PairwiseMRF(tensors(m));
    const info: Partial<ad.BeliefsInfo> = {};
    const { unary, pairwise } = mrf.beliefs({ iterations: 500, tol: 1e-13, info });
    expect(info.converged).toBe(true);
    const u = unary.toArray() as number[][], p = pairwise.toArray() as number[][][];
    // Local consistency (the marginalisation constraints BP's fixed points satisfy): Σ_t b_st = b_s, Σ_s b_st = b_t.
    m.edges.forEach(([s, t], e) => {
      for (let k = 0; k < 3; k++) {
        expect(Math.abs(p[e]![k]!.reduce((a, v) => a + v, 0) - u[s]![k]!)).toBeLessThan(1e-11);
        expect(Math.abs(p[e]!.reduce((a, row) => a + row[k]!, 0) - u[t]![k]!)).toBeLessThan(1e-11);
      }
    });
    // Reparameterisation (Wainwright, Jaakkola & Willsky 2003): at a BP fixed point, for every labelling x,
    // Σ_e log b_e(x_s, x_t) + Σ_s (1 − d_s) log b_s(x_s) = score(x) + const.
    const degree = new Array<number>(9).fill(0);
    m.edges.forEach(([s, t]) => { degree[s]!++; degree[t]!++; });
    const diffs: number[] = [];
    for (let i = 0; i < 3 ** 9; i += 7) {
      const x = Array.from({ length: 9 }, (_, s) => Math.floor(i / 3 ** s) % 3);
      let lhs = 0, score = 0;
      x.forEach((k, s) => { lhs += (1 - degree[s]!) * Math.log(u[s]![k]!); score += m.unary[s]![k]!; });
      m.edges.forEach(([s, t], e) => { lhs += Math.log(p[e]![x[s]!]![x[t]!]!); score += m.pairwise[e]![x[s]!]![x[t]!]!; });
      diffs.push(lhs - score);
    }
    diffs.forEach((d) => expect(Math.abs(d - diffs[0]!)).toBeLessThan(1e-9));
    // And the beliefs are not the exact marginals (the graph has loops): BP is an approximation here.
    const gap = Math.max(...flat(unary.toArray()).map((v, i) => Math.abs(v - flat(exact(m).unary)[i]!)));
    expect(gap).toBeGreaterThan(1e-6);
  });

  it('tol not reached: a warning through info, and a ConvergenceError with throw: true', () => {
    const m = randomMRF(4, 2, cycle(4), 7, 3);
    const mrf = new ad.PairwiseMRF(tensors(m));
    const info: Partial<ad.BeliefsInfo> = {};
    mrf.beliefs({ iterations: 2, tol: 1e-12, info, warn: false });
    expect(info.converged).toBe(false);
    expect(info.warnings![0]).toMatch(/did not converge/);
    expect(() => mrf.beliefs({ iterations: 2, tol: 1e-12, throw: true })).toThrow(ad.ConvergenceError);
  });

  it('max-product (semiring max) on a tree: the max-marginals pick the MAP labelling', () => {
    const m = randomMRF(6, 3, chain(6), 8, 2);
    const b = new ad.PairwiseMRF(tensors(m)).beliefs({ semiring: ad.semirings.max, iterations: 20 }).unary.toArray() as number[][];
    const decoded = b.map((row) => row.indexOf(Math.max(...row)));
    // Brute-force MAP
    let best = -Infinity, argbest: number[] = [];
    for (let i = 0; i < 3 ** 6; i++) {
      const x = Array.from({ length: 6 }, (_, s) => Math.floor(i / 3 ** s) % 3);
      let score = x.reduce((a, k, s) => a + m.unary[s]![k]!, 0);
      m.edges.forEach(([s, t], e) => { score += m.pairwise[e]![x[s]!]![x[t]!]!; });
      if (score > best) [best, argbest] = [score, x];
    }
    expect(decoded).toEqual(argbest);
  });
});
