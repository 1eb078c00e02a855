/** @file Gradients through approximate inference: unrolled (scan, checkpointed) and implicit (root) against each other and finite differences; memory; vmap. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { cycle, flat, grid, randomMRF, tensors } from './mrfOracle.js';

const m = randomMRF(9, 3, grid(3, 3), 11, 0.5);
const W = ad.random.normal([9, 3], 12);
const Wp = ad.random.normal([12, 3, 3], 13);
/** A loss of the beliefs that weighs every entry differently. */
const lossOf = (options: ad.BeliefsOptions) => (unary: ad.Tensor, pairwise: ad.Tensor) => {
  const b = new ad.PairwiseMRF({ unary, edges: m.edges, pairwise }).beliefs(options);
  return ad.add(ad.sum(ad.mul(b.unary, W)), ad.sum(ad.mul(b.pairwise, Wp)));
};
const { unary: U, pairwise: P } = tensors(m);
const maxDiff = (a: ad.Tensor, b: ad.Tensor) => Math.max(...flat(ad.abs(ad.sub(a, b)).toArray()));

describe.each(['bp', 'trw', 'meanField'] as const)('gradients of %s beliefs', (method) => {
  const converged = { method, iterations: 400, tol: 1e-13 };
  it('unrolled and implicit agree at convergence', () => {
    const [gu1, gp1] = ad.grad(lossOf({ ...converged, gradient: 'unrolled' }), [0, 1])(U, P);
    const info: Partial<ad.BeliefsInfo> = {};
    const [gu2, gp2] = ad.grad(lossOf({ ...converged, gradient: 'implicit', info }), [0, 1])(U, P);
    expect(info.converged).toBe(true);
    expect(info.root?.adjointSolves).toBe(1);
    expect(maxDiff(gu1, gu2)).toBeLessThan(1e-8);
    expect(maxDiff(gp1, gp2)).toBeLessThan(1e-8);
  });

  it.each(['unrolled', 'implicit'] as const)('%s gradient matches finite differences (checkGrad)', (gradient) => {
    const r = ad.checkGrad(lossOf({ ...converged, gradient }), [U, P], { order: 1, rtol: 1e-6, atol: 1e-8 });
    expect(r.ok).toBe(true);
  });

  it('truncated (no tol, 5 iterations) unrolled gradient matches finite differences of the truncated computation', () => {
    const r = ad.checkGrad(lossOf({ method, iterations: 5, damping: 0.3 }), [U, P], { order: 1 });
    expect(r.ok).toBe(true);
  });
});

describe('checkpointed unrolled gradients', () => {
  const big = randomMRF(36, 2, grid(6, 6), 21, 0.7);
  const T = tensors(big);
  const f = (checkpoints: ad.Checkpoints) => (unary: ad.Tensor, pairwise: ad.Tensor) =>
    ad.sum(ad.take(new ad.PairwiseMRF({ unary, edges: big.edges, pairwise }).beliefs({ iterations: 60, damping: 0.5, checkpoints }).unary, [1], 1));
  const measure = (checkpoints: ad.Checkpoints) => {
    ad.resetPeakMemory();
    const base = ad.memoryStats().residualBytes;
    const g = ad.grad(f(checkpoints), [0, 1])(T.unary, T.pairwise);
    return { g, peak: ad.memoryStats().peakResidualBytes - base };
  };
  it('give the same gradient as \'all\' and keep less memory', () => {
    const all = measure('all');
    for (const c of [10, 'sqrt', 3] as const) {
      const r = measure(c);
      expect(maxDiff(r.g[0]!, all.g[0]!)).toBeLessThan(1e-12);
      expect(maxDiff(r.g[1]!, all.g[1]!)).toBeLessThan(1e-12);
      expect(r.peak).toBeLessThan(all.peak / 3);
    }
  });

  it('with tol (whileLoop): checkpoints give the same gradient as \'all\'', () => {
    const g = (checkpoints: ad.Checkpoints) => ad.grad((u: ad.Tensor) =>
      ad.sum(ad.take(new ad.PairwiseMRF({ unary: u, edges: big.edges, pairwise: T.pairwise }).beliefs({ iterations: 200, tol: 1e-9, damping: 0.5, checkpoints }).unary, [1], 1)))(T.unary);
    expect(maxDiff(g(4), g('all'))).toBeLessThan(1e-12);
  });
});

describe('vmap over a batch of unaries', () => {
  const loop = randomMRF(5, 2, cycle(5), 31, 0.6);
  const batch = ad.random.normal([3, 5, 2], 32);
  const P = ad.tensor(loop.pairwise);
  const one = (u: ad.Tensor, options: ad.BeliefsOptions) => new ad.PairwiseMRF({ unary: u, edges: loop.edges, pairwise: P }).beliefs(options).unary;
  it.each([
    ['unrolled', { iterations: 30 }],
    ['unrolled with tol', { iterations: 300, tol: 1e-12 }],
    ['implicit', { iterations: 300, tol: 1e-12, gradient: 'implicit' }],
  ] as const)('%s: beliefs and gradients per example equal the unbatched ones', (_, options) => {
    const batched = ad.vmap((u: ad.Tensor) => one(u, options))(batch);
    const grads = ad.vmap(ad.grad((u: ad.Tensor) => ad.sum(ad.mul(one(u, options), W.reshape([-1]).slice([0], [10]).reshape([5, 2])))))(batch);
    for (let b = 0; b < 3; b++) {
      const u = ad.reshape(ad.take(batch, [b], 0), [5, 2]);
      expect(maxDiff(ad.reshape(ad.take(batched, [b], 0), [5, 2]), one(u, options))).toBeLessThan(1e-10);
      const g = ad.grad((v: ad.Tensor) => ad.sum(ad.mul(one(v, options), W.reshape([-1]).slice([0], [10]).reshape([5, 2]))))(u);
      expect(maxDiff(ad.reshape(ad.take(grads, [b], 0), [5, 2]), g)).toBeLessThan(1e-9);
    }
  });
});
