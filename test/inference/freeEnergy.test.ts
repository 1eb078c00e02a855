/** @file The log-partition approximations: mean field's fixed point is a stationary point of its ELBO (a lower bound), TRW's is an upper bound, each one's gradient at its fixed point is its beliefs, and the surrogate likelihood. */
import { describe, expect, it } from 'vitest';
import * as ad from 'adjoint';
import { chain, complete, cycle, exact, flat, grid, randomMRF, tensors, type SmallMRF } from './mrfOracle.js';

const maxDiff = (a: ad.Tensor, b: ad.Tensor) => Math.max(...flat(ad.abs(ad.sub(a, b)).toArray()));

/** The mean-field ELBO written out independently: Σ⟨θ_s, q_s⟩ + Σ_e q_sᵀ θ_e q_t + Σ_s H(q_s), q = softmax(η). */
function elbo(m: SmallMRF, eta: ad.Tensor): ad.Tensor {
  const q = ad.softmax(eta, 1);
  let value = ad.sub(ad.sum(ad.mul(q, ad.tensor(m.unary))), ad.sum(ad.mul(q, ad.log(q))));
  m.edges.forEach(([s, t], e) => {
    const qs = ad.reshape(ad.take(q, [s], 0), [1, -1]), qt = ad.reshape(ad.take(q, [t], 0), [-1, 1]);
    value = ad.add(value, ad.sum(ad.matmul(ad.matmul(qs, ad.tensor(m.pairwise[e]!)), qt)));
  });
  return value;
}

describe('mean field', () => {
  it.each([['3×3 grid', randomMRF(9, 3, grid(3, 3), 41)], ['K4', randomMRF(4, 2, complete(4), 42)]])('%s: a stationary point of the ELBO, below log Z', (_, m) => {
    const mrf = new ad.PairwiseMRF(tensors(m));
    const options = { method: 'meanField', iterations: 1000, tol: 1e-13 } as const;
    const q = mrf.beliefs(options).unary;
    const eta = ad.log(q);
    expect(Math.max(...flat(ad.abs(ad.grad((x: ad.Tensor) => elbo(m, x))(eta)).toArray()))).toBeLessThan(1e-10);
    const bound = mrf.logPartition(options).item();
    expect(Math.abs(bound - elbo(m, eta).item())).toBeLessThan(1e-12);
    expect(bound).toBeLessThanOrEqual(exact(m).logZ);
  });
});

describe('tree-reweighted BP', () => {
  it.each([
    ['a 4-cycle', randomMRF(4, 2, cycle(4), 51)],
    ['a 3×3 grid, K=3', randomMRF(9, 3, grid(3, 3), 52)],
    ['K4, strong couplings', randomMRF(4, 3, complete(4), 53, 2)],
    ['a 5-cycle, K=3', randomMRF(5, 3, cycle(5), 54, 1.5)],
  ])('%s: log Z ≤ the TRW bound (default ρ), and with uniform ρ = (V − 1)/E where the graph is edge-symmetric', (_, m) => {
    const logZ = exact(m).logZ;
    const info: Partial<ad.BeliefsInfo> = {};
    const mrf = new ad.PairwiseMRF(tensors(m));
    const bound = mrf.logPartition({ method: 'trw', iterations: 3000, tol: 1e-12, damping: 0.3, info }).item();
    expect(info.converged).toBe(true);
    expect(bound).toBeGreaterThanOrEqual(logZ);
    const V = m.unary.length, E = m.edges.length;
    if (m.edges.length === V || m.edges.length === (V * (V - 1)) / 2) {
      const uniform = mrf.logPartition({ method: 'trw', iterations: 3000, tol: 1e-12, damping: 0.3, edgeWeights: new Array(E).fill((V - 1) / E) }).item();
      expect(uniform).toBeGreaterThanOrEqual(logZ);
    }
  });

  it('on a tree, ρ = 1 and TRW is BP: exact', () => {
    const m = randomMRF(6, 3, chain(6), 55);
    const mrf = new ad.PairwiseMRF(tensors(m));
    expect(Math.abs(mrf.logPartition({ method: 'trw', iterations: 30 }).item() - exact(m).logZ)).toBeLessThan(1e-10);
  });
});

describe('the log-partition approximations at their fixed points', () => {
  const m = randomMRF(9, 2, grid(3, 3), 61, 0.6);
  it.each(['bp', 'trw', 'meanField'] as const)('%s: ∂Ã/∂θ = the beliefs (the free energy is stationary)', (method) => {
    const options = { method, iterations: 2000, tol: 1e-12, gradient: 'implicit' } as const;
    const T = tensors(m);
    const [gu, gp] = ad.grad((u: ad.Tensor, p: ad.Tensor) => new ad.PairwiseMRF({ unary: u, edges: m.edges, pairwise: p }).logPartition(options), [0, 1])(T.unary, T.pairwise);
    const b = new ad.PairwiseMRF(T).beliefs(options);
    expect(maxDiff(gu, b.unary)).toBeLessThan(1e-9);
    expect(maxDiff(gp, b.pairwise)).toBeLessThan(1e-9);
  });

  it('BP\'s Bethe approximation is not exact on a loopy graph, but close for weak couplings', () => {
    const approx = new ad.PairwiseMRF(tensors(m)).logPartition({ tol: 1e-12, iterations: 1000 }).item();
    const gap = Math.abs(approx - exact(m).logZ);
    expect(gap).toBeGreaterThan(1e-8);
    expect(gap).toBeLessThan(0.1);
  });

  it('surrogate log-likelihood: score − Ã, whose gradient is the empirical minus the approximate marginals', () => {
    const labels = [0, 1, 1, 0, 1, 0, 0, 1, 1];
    const T = tensors(m);
    const options = { iterations: 1000, tol: 1e-12, gradient: 'implicit' } as const;
    const mrf = new ad.PairwiseMRF(T);
    expect(Math.abs(mrf.surrogateLogLikelihood(labels, options).item() - (mrf.score(labels).item() - mrf.logPartition(options).item()))).toBeLessThan(1e-12);
    let brute = 0;
    labels.forEach((k, s) => { brute += m.unary[s]![k]!; });
    m.edges.forEach(([s, t], e) => { brute += m.pairwise[e]![labels[s]!]![labels[t]!]!; });
    expect(Math.abs(mrf.score(ad.tensor(labels)).item() - brute)).toBeLessThan(1e-12);
    const gu = ad.grad((u: ad.Tensor) => ad.neg(new ad.PairwiseMRF({ unary: u, edges: m.edges, pairwise: T.pairwise }).surrogateLogLikelihood(labels, options)))(T.unary);
    const onehot = ad.tensor(labels.map((k) => [k === 0 ? 1 : 0, k === 1 ? 1 : 0]));
    expect(maxDiff(gu, ad.sub(mrf.beliefs(options).unary, onehot))).toBeLessThan(1e-9);
  });
});
