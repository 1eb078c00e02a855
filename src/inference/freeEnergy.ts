/**
 * @file The variational approximations of log Z that the beliefs of each method make stationary:
 * the Bethe free energy (BP), the mean-field evidence lower bound, and the tree-reweighted upper
 * bound, all as ⟨θ, μ⟩ + (an entropy approximation).
 */
import type { Tensor } from '../tensor/tensor.js';
import { add, mul, sub } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { sum } from '../ops/reduce.js';
import { reshape, take } from '../ops/shape.js';
import type { MRFGraph } from './graph.js';
import type { LogBeliefs } from './updates.js';

/**
 * How much of each edge's mutual information the entropy approximation takes off: 'bethe' (all,
 * c_e = 1), 'none' (mean field, whose edge beliefs are products: I_e = 0), or TRW's ρ_e [E].
 */
export type EdgeCounting = 'bethe' | 'none' | Tensor;

/**
 * −F(μ) = ⟨θ, μ⟩ + Σ_s H(μ_s) − Σ_e c_e I_e(μ_e), with I_e = Σ μ_e log(μ_e / (μ_s μ_t)):
 * - c_e = 1: minus the Bethe free energy, Σ_e H(μ_e) − Σ_s (d_s − 1) H(μ_s) written by edges
 *   (Yedidia, Freeman & Weiss 2005, eq. 24); exact on a tree, an approximation on a loopy graph;
 * - mean field (product beliefs, I_e = 0): the ELBO Σ ⟨θ, q⟩ + Σ_s H(q_s) ≤ log Z
 *   (Wainwright & Jordan 2008, §5.2);
 * - c_e = ρ_e, edge appearance probabilities of a distribution over spanning trees: at the TRW
 *   fixed point this is the maximum over the local polytope and an upper bound on log Z
 *   (Wainwright, Jaakkola & Willsky 2005, Theorem 1 and eq. 32).
 * Differentiable in the scores and the beliefs. Scores must be finite (0·(−∞) would be NaN).
 */
export function negativeFreeEnergy(graph: MRFGraph, unary: Tensor, pairwise: Tensor, beliefs: LogBeliefs, counting: EdgeCounting): Tensor {
  const bUnary = exp(beliefs.unary);
  const bPair = exp(beliefs.pairwise);
  const energy = add(sum(mul(bUnary, unary)), sum(mul(bPair, pairwise)));
  const entropy = sum(mul(bUnary, beliefs.unary));
  let value = sub(energy, entropy);
  if (counting === 'none' || graph.E === 0) return value;
  const { E } = graph;
  const K = unary.shape[1]!;
  const logS = reshape(take(beliefs.unary, graph.first, 0), [E, K, 1]);
  const logT = reshape(take(beliefs.unary, graph.second, 0), [E, 1, K]);
  const information = sum(mul(bPair, sub(beliefs.pairwise, add(logS, logT))), [1, 2]); // I_e, [E]
  value = sub(value, counting === 'bethe' ? sum(information) : sum(mul(counting, information)));
  return value;
}
