/**
 * @file Regressions found by differential testing of approximate inference (ad.PairwiseMRF) against
 * brute-force enumeration on trees and an independent damped loopy BP on loopy graphs: marginals,
 * log Z and the Bethe free energy, their gradients, convergence reports, extreme scores, bad input.
 */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import type { Tensor } from 'adjoint';

const arr = (t: Tensor) => Array.from(t.toFloat64Array());

describe('PairwiseMRF: saturated beliefs (scores of 1e3 scale)', () => {
  it("gradient: 'implicit' is finite when the cotangent of the messages is subnormal (GMRES divided by its norm's reciprocal, +∞)", () => {
    // x0 = 1 costs 720 and every disagreement 720: p(x_s = 1) ≈ e^−720, a subnormal cotangent ‖b‖ ≈ 1e−310.
    const edges = [[0, 1], [1, 2]];
    const pairwise = ad.tensor([[0, -720], [-720, 0]]);
    const logZ = (gradient: 'unrolled' | 'implicit') => (u: Tensor) =>
      new ad.PairwiseMRF({ unary: u, edges, pairwise }).logPartition({ tol: 1e-12, gradient, warn: false });
    const u = ad.tensor([[720, 0], [0, 0], [0, 0]]);
    const info: Partial<ad.BeliefsInfo> = {};
    const implicit = ad.grad((v: Tensor) => new ad.PairwiseMRF({ unary: v, edges, pairwise }).logPartition({ tol: 1e-12, gradient: 'implicit', warn: false, info }))(u);
    expect(arr(implicit).every(Number.isFinite)).toBe(true);
    // ∂ log Z / ∂θ_s = the exact marginals (a chain: BP is exact), [1, 0] per variable to 1e−300.
    expect(arr(implicit)).toEqual(arr(ad.grad(logZ('unrolled'))(u)).map((v) => expect.closeTo(v, 12)));
    expect(arr(implicit)).toEqual([1, 0, 1, 0, 1, 0].map((v) => expect.closeTo(v, 12)));
    expect(info.root?.adjoint?.converged).toBe(true);
  });
});

describe('PairwiseMRF: bad graphs', () => {
  it('a pair of variables joined twice (either order) is an error naming both edges; summed into one edge BP is exact', () => {
    const unary = ad.tensor([[0.1, 0], [0, 0.3], [0.2, 0]]);
    const P = ad.tensor([[1, 0], [0, 1]]);
    // Before: accepted, and BP counted the repeated edge as a 2-cycle (log Z 0.19 off the enumeration's).
    expect(() => new ad.PairwiseMRF({ unary, edges: [[0, 1], [0, 1], [1, 2]], pairwise: P }))
      .toThrow(/PairwiseMRF: edges\[1\] = \[0, 1\] joins the same variables as edges\[0\] = \[0, 1\]; give each pair once/);
    expect(() => new ad.PairwiseMRF({ unary, edges: ad.tensor([[0, 1], [1, 2], [1, 0]]), pairwise: P }))
      .toThrow(ad.InvalidArgumentError);
    // The fix the message gives: one edge with the sum of the scores. log Z by enumerating the 8 labellings.
    const u = unary.toArray() as number[][];
    let Z = 0;
    for (let i = 0; i < 8; i++) {
      const x = [i & 1, (i >> 1) & 1, (i >> 2) & 1];
      Z += Math.exp(u[0]![x[0]!]! + u[1]![x[1]!]! + u[2]![x[2]!]! + 2 * Number(x[0] === x[1]) + Number(x[1] === x[2]));
    }
    const summed = new ad.PairwiseMRF({ unary, edges: [[0, 1], [1, 2]], pairwise: ad.tensor([[[2, 0], [0, 2]], [[1, 0], [0, 1]]]) });
    expect(summed.logPartition({ tol: 1e-12 }).item()).toBeCloseTo(Math.log(Z), 12);
  });
});

describe('PairwiseMRF under jit', () => {
  it('info is filled in on every call, not only the recording one (a replay left a stale converged: true)', () => {
    // A 3×3 grid; alternating ±6 Potts scores make flooding BP oscillate, 0.3 converges at once.
    const edges: [number, number][] = [];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) {
      if (c < 2) edges.push([3 * r + c, 3 * r + c + 1]);
      if (r < 2) edges.push([3 * r + c, 3 * r + c + 3]);
    }
    const unary = ad.tensor(Array.from({ length: 9 }, (_, i) => [0.1 * Math.sin(i), 0]));
    const weak = ad.tensor(edges.map(() => [[0.3, 0], [0, 0.3]]));
    const strong = ad.tensor(edges.map((_, e) => [[6 * (-1) ** e, 0], [0, 6 * (-1) ** e]]));
    const info: Partial<ad.BeliefsInfo> = {};
    const f = ad.jit((p: Tensor) => new ad.PairwiseMRF({ unary, edges, pairwise: p }).beliefs({ iterations: 100, info }).unary);
    f(weak);
    expect(info.converged).toBe(true);
    const b = f(strong);
    const eager: Partial<ad.BeliefsInfo> = {};
    const expected = new ad.PairwiseMRF({ unary, edges, pairwise: strong }).beliefs({ iterations: 100, info: eager }).unary;
    expect(arr(b)).toEqual(arr(expected));
    expect(eager.converged).toBe(false);
    expect(info.converged).toBe(false);
    expect(info.residualNorm).toBe(eager.residualNorm);
    expect(f.cacheInfo()[0]!.reason).toMatch(/^PairwiseMRF's info \(the residual at the result\) read the value/);
    // Without an info object nothing reads the values: the program is replayed.
    const g = ad.jit((p: Tensor) => new ad.PairwiseMRF({ unary, edges, pairwise: p }).beliefs({ iterations: 100 }).unary);
    g(weak);
    expect(arr(g(strong))).toEqual(arr(expected));
    expect(g.cacheInfo()[0]!.status).toBe('replayed');
  });
});

describe('PairwiseMRF: max-product and the log-partition approximations', () => {
  it('logPartition and surrogateLogLikelihood refuse semiring max (they returned a number that is neither log Z nor the MAP score)', () => {
    // A 3-chain: log Z = log Σ exp(score) and the MAP score by enumeration; the old value at the
    // max-marginals was between them, a free energy of beliefs it is not defined for.
    const mrf = new ad.PairwiseMRF({ unary: ad.tensor([[1, 0], [0, 0.5], [0.2, 0]]), edges: [[0, 1], [1, 2]], pairwise: ad.tensor([[1, -1], [-1, 1]]) });
    const max = { semiring: ad.semirings.max, tol: 1e-12 };
    expect(() => mrf.logPartition(max)).toThrow(/^PairwiseMRF\.logPartition: the Bethe, mean-field and TRW approximations of log Z are evaluated at sum-product beliefs/);
    expect(() => mrf.logPartition({ ...max, method: 'trw' })).toThrow(ad.InvalidArgumentError);
    expect(() => mrf.surrogateLogLikelihood([0, 0, 0], max)).toThrow(/^PairwiseMRF\.surrogateLogLikelihood: .* leave semiring out/);
    // What the message points to: max-marginals give the MAP labelling, score gives its score.
    const b = mrf.beliefs(max).unary.toArray() as number[][];
    const labels = b.map((row) => row.indexOf(Math.max(...row)));
    expect(labels).toEqual([0, 0, 0]);
    expect(mrf.score(labels).item()).toBeCloseTo(3.2, 12);
    expect(mrf.logPartition({ semiring: ad.semirings.log, tol: 1e-12 }).item()).toBeCloseTo(mrf.logPartition({ tol: 1e-12 }).item(), 15);
  });
});

describe('PairwiseMRF: −∞ scores under vmap', () => {
  it('a −∞ in one example of a batch is the same error as without vmap (log Z of that example was NaN in silence)', () => {
    const unary = ad.tensor([[[0, 0], [0, 0], [0, 0]], [[-Infinity, 0], [0, 0], [0, 0]]]);
    const pairwise = ad.tensor([[1, 0], [0, 1]]);
    const logZ = (u: Tensor) => new ad.PairwiseMRF({ unary: u, edges: [[0, 1], [1, 2]], pairwise }).logPartition({ iterations: 10 });
    expect(() => ad.vmap(logZ)(unary)).toThrow(
      /^PairwiseMRF: unary \[3,2\] \(under vmap: the batch \[2,3,2\]\) holds -Infinity at flat index 6, but the scores must be finite/,
    );
    expect(() => ad.vmap((p: Tensor) => new ad.PairwiseMRF({ unary: ad.zeros([3, 2]), edges: [[0, 1], [1, 2]], pairwise: p }).beliefs().unary)(
      ad.tensor([[[0, 0], [0, 0]], [[0, NaN], [0, 0]]]))).toThrow(ad.InvalidArgumentError);
    // Finite batches run as before: each example's log Z is its own (exp(1) + 1 per agreeing pair, a 3-chain).
    const finite = ad.vmap(logZ)(ad.tensor([[[0, 0], [0, 0], [0, 0]], [[-1e4, 0], [0, 0], [0, 0]]])).toArray() as number[];
    expect(finite[0]).toBeCloseTo(Math.log(2 * (Math.E + 1) ** 2), 12);
    expect(finite[1]).toBeCloseTo(Math.log((Math.E + 1) ** 2), 12);
  });
});

describe("PairwiseMRF (trw): the default edge weights of an edge list changed in place", () => {
  it('are those of its new pairs (a cached ρ gave NaN after a push, and a bound below log Z after a replacement)', () => {
    const unary = ad.tensor([[0.1, 0], [0, 0.2], [0.3, 0], [0, 0.1]]);
    const pairwise = ad.tensor([[0.5, 0], [0, 0.5]]);
    const trw = (edges: number[][]) => new ad.PairwiseMRF({ unary, edges, pairwise }).logPartition({ method: 'trw', tol: 1e-12, warn: false }).item();
    const exactLogZ = (edges: number[][]) => {
      const u = unary.toArray() as number[][];
      let Z = 0;
      for (let i = 0; i < 16; i++) {
        const x = [0, 1, 2, 3].map((s) => (i >> s) & 1);
        Z += Math.exp(x.reduce((a, k, s) => a + u[s]![k]!, 0) + edges.reduce((a, [s, t]) => a + (x[s!] === x[t!] ? 0.5 : 0), 0));
      }
      return Math.log(Z);
    };
    const edges = [[0, 1], [1, 2], [2, 3]];
    trw(edges);
    edges[2] = [2, 0]; // now a triangle: ρ = 2/3 per edge, not the path's 1
    expect(trw(edges)).toBeCloseTo(trw(edges.map((e) => [...e])), 12);
    expect(trw(edges)).toBeGreaterThanOrEqual(exactLogZ(edges));
    edges.push([0, 3]);
    expect(trw(edges)).toBeCloseTo(trw(edges.map((e) => [...e])), 12);
    expect(trw(edges)).toBeGreaterThanOrEqual(exactLogZ(edges));
  });
});

describe('PairwiseMRF: graph constants mapped by vmap', () => {
  it('batched edges, labels or edgeWeights are an error naming PairwiseMRF and the argument (it was vmap\'s "data reads the value")', () => {
    const unary = ad.zeros([3, 2]);
    const pairwise = ad.eye(2);
    expect(() => ad.vmap((e: Tensor) => new ad.PairwiseMRF({ unary, edges: e, pairwise }).logPartition())(ad.tensor([[[0, 1], [1, 2]], [[0, 2], [1, 2]]])))
      .toThrow(/^PairwiseMRF: edges \[2,2\] differ per example under vmap, but the graph is shared by the batch; pass edges from outside/);
    const mrf = new ad.PairwiseMRF({ unary, edges: [[0, 1], [1, 2]], pairwise });
    expect(() => ad.vmap((l: Tensor) => mrf.surrogateLogLikelihood(l))(ad.tensor([[0, 1, 0], [1, 1, 0]])))
      .toThrow(/^PairwiseMRF\.surrogateLogLikelihood: labels \[3\] differ per example under vmap/);
    expect(() => ad.vmap((w: Tensor) => mrf.beliefs({ method: 'trw', edgeWeights: w }).unary)(ad.tensor([[1, 1], [0.5, 1]])))
      .toThrow(/^PairwiseMRF \(trw\): edgeWeights \[2\] differ per example under vmap/);
    // The same labels for every example, closed over, are fine.
    const scores = ad.vmap((u: Tensor) => new ad.PairwiseMRF({ unary: u, edges: [[0, 1], [1, 2]], pairwise }).score([0, 1, 1]))(
      ad.tensor([[[1, 0], [0, 2], [0, 3]], [[0, 0], [0, 0], [0, 0]]]));
    expect(arr(scores)).toEqual([7, 1]);
  });
});

describe("PairwiseMRF: info under vmap with gradient: 'implicit'", () => {
  it("residualNorm is the batch's largest, as BeliefsInfo says (it was root's figure for the last example: 0 here)", () => {
    const edges = [[0, 1], [1, 2], [2, 3], [3, 0], [0, 2]];
    const unary = ad.tensor([[0.3, 0], [0, 0.2], [0.1, 0], [0, -0.4]]);
    const coupled = edges.map(() => [[1.5, 0], [0, 1.5]]);
    const free = edges.map(() => [[0, 0], [0, 0]]); // a fixed point after one step: residual ~1e-16
    const options = { iterations: 4, tol: 1e-4, gradient: 'implicit' as const, warn: false };
    const info: Partial<ad.BeliefsInfo> = {};
    ad.vmap((p: Tensor) => new ad.PairwiseMRF({ unary, edges, pairwise: p }).beliefs({ ...options, info }).unary)(ad.tensor([coupled, free]));
    const alone: Partial<ad.BeliefsInfo> = {};
    new ad.PairwiseMRF({ unary, edges, pairwise: ad.tensor(coupled) }).beliefs({ ...options, info: alone });
    expect(alone.residualNorm!).toBeGreaterThan(1e-7);
    expect(info.residualNorm).toBe(alone.residualNorm);
    expect(info.converged).toBe(true);
  });
});

describe('PairwiseMRF: a bad tol', () => {
  it("is refused with inference's defaults in the hint (it said 1e-10 is the default, root's)", () => {
    const mrf = new ad.PairwiseMRF({ unary: ad.zeros([2, 2]), edges: [[0, 1]], pairwise: ad.eye(2) });
    for (const tol of [0, -1, Infinity, NaN, '1e-8']) {
      expect(() => mrf.beliefs({ tol: tol as number })).toThrow(ad.InvalidArgumentError);
      expect(() => mrf.beliefs({ tol: tol as number })).toThrow(/^PairwiseMRF\.beliefs: option tol must be a number > 0, got .*; the iteration stops once .* leave it out to run exactly `iterations` steps\.$/);
    }
    expect(() => mrf.logPartition({ tol: 0 })).not.toThrow(/1e-10 is the default/);
  });
});

describe('PairwiseMRF: stopping at tol', () => {
  it('returns the state that met tol (one more damped step raised the residual past it: "did not converge" after 189 of 500)', () => {
    // K4, damped BP: ‖Δ‖∞ = 9.3e−12 ≤ 1e−11 after 188 steps; the 189th step took it to 1.03e−11.
    const unary = ad.tensor([[-3.107, -5.342], [-0.184, 1.203], [1.084, -4.407], [-5.565, -1.908]]);
    const pairwise = ad.tensor([
      [[-1.007, -0.977], [1.449, -3.565]], [[1.337, 3.841], [-0.522, -0.034]], [[-1.91, -2.66], [-0.414, 1.718]],
      [[-6.642, 0.593], [0.286, 0.371]], [[0.922, 3.76], [1.537, -4.004]], [[2.486, -0.647], [6.917, -0.452]],
    ]);
    const edges = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]];
    const info: Partial<ad.BeliefsInfo> = {};
    new ad.PairwiseMRF({ unary, edges, pairwise }).beliefs({ iterations: 500, tol: 1e-11, damping: 0.3, info });
    expect(info.converged).toBe(true);
    expect(info.residualNorm!).toBeLessThanOrEqual(1e-11);
    expect(info.iterations).toBe(188);
    expect(info.warnings).toEqual([]);
  });
});
