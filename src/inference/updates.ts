/**
 * @file One iteration of each approximate-inference method, vectorised over every edge at once
 * (a gather, a broadcast add, a semiring ⊕ over an axis, a scatter-add), and the beliefs read off
 * its state: loopy belief propagation and tree-reweighted BP (messages over directed edges), and
 * naive mean field (one distribution per variable). All in log space.
 */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { add, mul, sub } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { logSoftmax, logsumexp, sum } from '../ops/reduce.js';
import { reshape, slice, take } from '../ops/shape.js';
import { scatterAdd } from '../ops/gather.js';
import type { Semiring } from '../structured/semirings.js';
import type { MRFGraph } from './graph.js';

/** The scores an iteration reads: differentiable tensors, closed over by the loop. */
export interface UpdateScores {
  /** θ_s(x_s): [V, K]. */
  readonly unary: Tensor;
  /**
   * Per directed edge d = (s → t): [2E, K, K], axis 1 the source's state and axis 2 the target's:
   * θ_e(x_s, x_t) for d = e and its transpose for d = E + e, divided by ρ_e for TRW.
   */
  readonly directed: Tensor;
  /** TRW's edge appearance probabilities per directed edge [2E, 1]; null for BP and mean field (ρ = 1). */
  readonly weights: Tensor | null;
}

/** ⊕ of a semiring over scores (log: logsumexp, max: max) along `axis`, keeping it when `keep`. */
export function plusOver(semiring: Semiring, x: Tensor, axis: number, keep = false): Tensor {
  const r = semiring.unconvert(semiring.sum(semiring.convert(x), axis));
  return keep ? reshape(r, x.shape.map((d, k) => (k === axis ? 1 : d))) : r;
}

/** Σ of per-directed-edge rows [2E, K] into their targets: [V, K]. */
function intoTargets(graph: MRFGraph, rows: Tensor, K: number): Tensor {
  return scatterAdd(zeros([graph.V, K]), graph.targetColumn, rows, 0);
}

/**
 * The field of each variable, θ_s + Σ_{u ∈ N(s)} ρ_us m_{u→s}: [V, K]. Its normalisation is the
 * node belief b_s ∝ exp(field_s), for BP (ρ = 1) and TRW (Wainwright et al. 2005, eq. 40).
 */
export function messageField(graph: MRFGraph, scores: UpdateScores, messages: Tensor): Tensor {
  const K = scores.unary.shape[1]!;
  const weighted = scores.weights === null ? messages : mul(messages, scores.weights);
  return add(scores.unary, intoTargets(graph, weighted, K));
}

/**
 * The cavity of every directed edge s → t, field_s − m_{t→s}: [2E, K] over x_s. For BP this is
 * θ_s + Σ_{u ∈ N(s)∖t} m_{u→s} (dividing out the message that came back along the edge instead
 * of summing the others, so one gather serves all edges); for TRW it is
 * θ_s + Σ_{u ∈ N(s)} ρ_us m_{u→s} − m_{t→s}, which is eq. 39 of Wainwright et al. (2005):
 * Π_{u ≠ t} m_{u→s}^{ρ_us} / m_{t→s}^{1 − ρ_ts}.
 */
function cavity(graph: MRFGraph, field: Tensor, messages: Tensor): Tensor {
  return sub(take(field, graph.source, 0), take(messages, graph.reverse, 0));
}

/**
 * One synchronous (flooding) update of every message, undamped and normalised (⊕ over x_t is the
 * semiring's one: 0 in log space), for sum-product (log semiring) or max-product (max):
 *
 *     m_{s→t}(x_t) = ⊕_{x_s} [cavity_{s→t}(x_s) + θ_st(x_s, x_t)/ρ_st]      (Yedidia et al. 2003, eq. 14)
 *
 * The fixed points do not depend on the normalisation, and normalised messages are bounded.
 */
export function messageUpdate(graph: MRFGraph, scores: UpdateScores, semiring: Semiring, messages: Tensor): Tensor {
  const [D, K] = messages.shape as [number, number];
  const c = cavity(graph, messageField(graph, scores, messages), messages);
  const next = plusOver(semiring, add(reshape(c, [D, K, 1]), scores.directed), 1);
  return sub(next, plusOver(semiring, next, 1, true));
}

/**
 * One parallel (Jacobi) update of naive mean field, in log q: every variable at once from its
 * neighbours' current distributions,
 *
 *     log q_s(x_s) = θ_s(x_s) + Σ_{t ∈ N(s)} Σ_{x_t} q_t(x_t) θ_st(x_s, x_t) − log Z_s
 *
 * (Wainwright & Jordan 2008, eq. 5.17). Sequential updates ascend the ELBO monotonically; parallel
 * ones may oscillate on strong couplings, which damping (default 0.5 for mean field) prevents.
 */
export function meanFieldUpdate(graph: MRFGraph, scores: UpdateScores, logQ: Tensor): Tensor {
  const K = logQ.shape[1]!;
  const D = 2 * graph.E;
  const qSource = reshape(take(exp(logQ), graph.source, 0), [D, K, 1]);
  // Per directed edge s → t, the expected score as a function of x_t: Σ_{x_s} q_s(x_s) θ(x_s, x_t).
  const expected = sum(mul(qSource, scores.directed), 1);
  const field = add(scores.unary, intoTargets(graph, expected, K));
  return logSoftmax(field, 1);
}

/**
 * Damping in log space: (1 − α)·next + α·previous, renormalised by the semiring's ⊕ — a geometric
 * mixture of the new and the old messages (or distributions). α = 0 is no damping; the fixed points
 * do not change.
 */
export function damp(semiring: Semiring, next: Tensor, previous: Tensor, alpha: number): Tensor {
  if (alpha === 0) return next;
  const mixed = add(mul(1 - alpha, next), mul(alpha, previous));
  return sub(mixed, plusOver(semiring, mixed, 1, true));
}

/** Log beliefs: `unary` [V, K] and `pairwise` [E, K, K], each normalised (logsumexp 0). */
export interface LogBeliefs {
  readonly unary: Tensor;
  readonly pairwise: Tensor;
}

/**
 * Beliefs at messages m (BP, TRW): b_s ∝ exp(field_s), and
 * b_st(x_s, x_t) ∝ exp(θ_st(x_s, x_t)/ρ_st + cavity_{s→t}(x_s) + cavity_{t→s}(x_t))
 * (Wainwright et al. 2005, eq. 40; ρ = 1 is BP's, Yedidia et al. 2003, eq. 16). The normalisation is
 * always a logsumexp: for the max semiring these are normalised max-marginals.
 */
export function messageBeliefs(graph: MRFGraph, scores: UpdateScores, messages: Tensor): LogBeliefs {
  const { E } = graph;
  const K = scores.unary.shape[1]!;
  const field = messageField(graph, scores, messages);
  const c = cavity(graph, field, messages);
  const forward = reshape(slice(c, [0, 0], [E, K]), [E, K, 1]);
  const backward = reshape(slice(c, [E, 0], [E, K]), [E, 1, K]);
  const joint = add(add(forward, backward), slice(scores.directed, [0, 0, 0], [E, K, K]));
  return { unary: logSoftmax(field, 1), pairwise: sub(joint, logsumexp(joint, [1, 2], true)) };
}

/** Mean field's beliefs: q_s, and the product q_s(x_s) q_t(x_t) on every edge. */
export function meanFieldBeliefs(graph: MRFGraph, logQ: Tensor): LogBeliefs {
  const [, K] = logQ.shape as [number, number];
  const { E } = graph;
  const s = reshape(take(logQ, graph.first, 0), [E, K, 1]);
  const t = reshape(take(logQ, graph.second, 0), [E, 1, K]);
  return { unary: logQ, pairwise: add(s, t) };
}
