/** @file Gradients through approximate inference: unrolled (scan, checkpointed) and implicit (root) against each other and finite differences; memory; vmap. */
import { describe, expect, it } from 'vitest';
import type { Tensor } from 'adjoint';
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

describe('info.warnings holds the implicit adjoint solves\' warnings too', () => {
  it('a backward pass whose adjoint solve fails (max-product TRW: I − ∂update/∂m singular) reports into info.warnings as into info.root.warnings', () => {
    // helper 82's case: 4 variables, a 4-cycle with a chord, max-product TRW with implicit gradient.
    const edges: Array<[number, number]> = [[0, 1], [1, 2], [1, 3], [0, 3]];
    const U = ad.tensor([[-2.0430275851055058, -1.4919672917617777], [7.554711382383836, -2.142859628978088], [-1.58283280787496, 3.4732171916611136], [-3.2629448782460777, 1.8448805922812141]]);
    const P = ad.tensor([[[-0.5379084049227398, 6.888954177963953], [-0.6076277800934894, 0.19795370152599712]], [[1.1115072006340707, -0.5982533559360252], [-0.7572182603709794, -1.5181189406821693]], [[3.5472433652040443, -1.3698096937530135], [-0.9148621574890125, 4.828119224449575]], [[-0.0748869977112958, 2.1843166839157964], [3.725837527664401, -1.6453123657687612]]]);
    const Wu = ad.tensor([[0.25787909042842383, 1.4822502958861785], [-0.7683005358844419, 0.07059473333769026], [0.2485783381161329, -1.2962100389478337], [-0.530267417808797, 0.7097295234384118]]);
    const Wp = ad.tensor([[[0.6914330173541413, 0.3098710761165319], [0.9564693917848734, 0.03892079291057899]], [[0.3179854475516056, 0.8947535119190493], [0.6054344872492079, -0.9976561123646688]], [[-0.9977819842384817, 0.11798358926741583], [-0.7522361071622522, 0.9303486260189436]], [[0.7721293945005303, -0.5978691502295904], [1.2361452113948548, -0.8685434553377369]]]);
    const info: Partial<ad.BeliefsInfo> = {};
    const loss = (u: Tensor) => {
      const b = new ad.PairwiseMRF({ unary: u, edges, pairwise: P })
        .beliefs({ method: 'trw', iterations: 2000, tol: 1e-11, damping: 0.5, semiring: ad.semirings.max, gradient: 'implicit', info, warn: false });
      return ad.add(ad.sum(ad.mul(Wu, b.unary)), ad.sum(ad.mul(Wp, b.pairwise)));
    };
    ad.grad(loss)(U);
    expect(info.root!.warnings!.length).toBeGreaterThan(0);
    expect(info.root!.warnings![0]).toMatch(/adjoint solve of a backward pass did not converge/);
    for (const w of info.root!.warnings!) expect(info.warnings).toContain(w);
  });
});
