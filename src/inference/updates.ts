/**
 * @file One iteration of each approximate-inference method, vectorised over every edge at once
 * (a gather, a broadcast add, a semiring ⊕ over an axis, a scatter-add), and the beliefs read off
 * its state: loopy belief propagation and tree-reweighted BP (messages over directed edges), and
 * naive mean field (one distribution per variable). All in log space.
 *
 * Arrays are state-major — messages [K, 2E], fields [K, V], pairwise scores [K, K, 2E] — so that
 * every op runs along long contiguous rows of edges or variables (K is often 2).
 */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { add, mul, sub } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { logSoftmax, logsumexp, sum } from '../ops/reduce.js';
import { reshape, slice, transpose } from '../ops/shape.js';
import { gatherAlong, scatterAdd } from '../ops/gather.js';
import type { Semiring } from '../structured/semirings.js';
import type { MRFGraph } from './graph.js';

/** The scores an iteration reads, state-major: differentiable tensors, closed over by the loop. */
export interface UpdateScores {
  /** θ_s(x_s) transposed: [K, V]. */
  readonly unary: Tensor;
  /**
   * Per directed edge d = (s → t): [K, K, 2E], axis 0 the source's state and axis 1 the target's:
   * θ_e(x_s, x_t) for d = e and θ_e(x_t, x_s) for d = E + e, divided by ρ_e for TRW.
   */
  readonly directed: Tensor;
  /** TRW's edge appearance probabilities per directed edge [1, 2E]; null for BP and mean field (ρ = 1). */
  readonly weights: Tensor | null;
}

const OP = 'PairwiseMRF';

/** ⊕ of a semiring over scores (log: logsumexp, max: max) along `axis`, keeping it when `keep`. */
export function plusOver(semiring: Semiring, x: Tensor, axis: number, keep = false): Tensor {
  const r = semiring.unconvert(semiring.sum(semiring.convert(x), axis));
  return keep ? reshape(r, x.shape.map((d, k) => (k === axis ? 1 : d))) : r;
}

/** Σ of per-directed-edge rows [K, 2E] into their targets: [K, V]. */
function intoTargets(graph: MRFGraph, rows: Tensor): Tensor {
  const K = rows.shape[0]!;
  return scatterAdd(zeros([K, graph.V]), graph.indexRows(K).target, rows, 1);
}

/**
 * The field of each variable, θ_s + Σ_{u ∈ N(s)} ρ_us m_{u→s}: [K, V]. Its normalisation is the
 * node belief b_s ∝ exp(field_s), for BP (ρ = 1) and TRW (Wainwright et al. 2005, eq. 40).
 */
export function messageField(graph: MRFGraph, scores: UpdateScores, messages: Tensor): Tensor {
  const weighted = scores.weights === null ? messages : mul(messages, scores.weights);
  return add(scores.unary, intoTargets(graph, weighted));
}

/**
 * The cavity of every directed edge s → t, field_s − m_{t→s}: [K, 2E] over x_s. For BP this is
 * θ_s + Σ_{u ∈ N(s)∖t} m_{u→s} (dividing out the message that came back along the edge instead
 * of summing the others, so one gather serves all edges); for TRW it is
 * θ_s + Σ_{u ∈ N(s)} ρ_us m_{u→s} − m_{t→s}, which is eq. 39 of Wainwright et al. (2005):
 * Π_{u ≠ t} m_{u→s}^{ρ_us} / m_{t→s}^{1 − ρ_ts}.
 */
function cavity(graph: MRFGraph, field: Tensor, messages: Tensor): Tensor {
  const ix = graph.indexRows(messages.shape[0]!);
  return sub(gatherAlong(field, ix.source, 1, OP), gatherAlong(messages, ix.reverse, 1, OP));
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
  const [K, D] = messages.shape as [number, number];
  const c = cavity(graph, messageField(graph, scores, messages), messages);
  const next = plusOver(semiring, add(reshape(c, [K, 1, D]), scores.directed), 0);
  return sub(next, plusOver(semiring, next, 0, true));
}

/**
 * One parallel (Jacobi) update of naive mean field, in log q [K, V]: every variable at once from
 * its neighbours' current distributions,
 *
 *     log q_s(x_s) = θ_s(x_s) + Σ_{t ∈ N(s)} Σ_{x_t} q_t(x_t) θ_st(x_s, x_t) − log Z_s
 *
 * (Wainwright & Jordan 2008, eq. 5.17). Sequential updates ascend the ELBO monotonically; parallel
 * ones may oscillate on strong couplings, which damping (default 0.5 for mean field) prevents.
 */
export function meanFieldUpdate(graph: MRFGraph, scores: UpdateScores, logQ: Tensor): Tensor {
  const K = logQ.shape[0]!;
  const D = 2 * graph.E;
  const qSource = reshape(gatherAlong(exp(logQ), graph.indexRows(K).source, 1, OP), [K, 1, D]);
  // Per directed edge s → t, the expected score as a function of x_t: Σ_{x_s} q_s(x_s) θ(x_s, x_t).
  const expected = sum(mul(qSource, scores.directed), 0);
  return logSoftmax(add(scores.unary, intoTargets(graph, expected)), 0);
}

/**
 * Damping in log space: (1 − α)·next + α·previous, renormalised by the semiring's ⊕ — a geometric
 * mixture of the new and the old messages (or distributions). α = 0 is no damping; the fixed points
 * do not change.
 */
export function damp(semiring: Semiring, next: Tensor, previous: Tensor, alpha: number): Tensor {
  if (alpha === 0) return next;
  const mixed = add(mul(1 - alpha, next), mul(alpha, previous));
  return sub(mixed, plusOver(semiring, mixed, 0, true));
}

/** Log beliefs in the public layout: `unary` [V, K] and `pairwise` [E, K, K], each normalised (logsumexp 0). */
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
  const K = messages.shape[0]!;
  const field = messageField(graph, scores, messages);
  const c = cavity(graph, field, messages);
  const forward = reshape(slice(c, [0, 0], [K, E]), [K, 1, E]);
  const backward = reshape(slice(c, [0, E], [K, E]), [1, K, E]);
  const joint = add(add(forward, backward), slice(scores.directed, [0, 0, 0], [K, K, E]));
  return {
    unary: transpose(logSoftmax(field, 0)),
    pairwise: transpose(sub(joint, logsumexp(joint, [0, 1], true)), [2, 0, 1]),
  };
}

/** Mean field's beliefs from log q [K, V]: q_s, and the product q_s(x_s) q_t(x_t) on every edge. */
export function meanFieldBeliefs(graph: MRFGraph, logQ: Tensor): LogBeliefs {
  const { E } = graph;
  const K = logQ.shape[0]!;
  const ix = graph.indexRows(K);
  // Directed edges 0 … E − 1 run s → t: their sources are the edges' first ends, their targets the second.
  const ends = (rows: Tensor) => slice(gatherAlong(logQ, rows, 1, OP), [0, 0], [K, E]);
  const s = reshape(ends(ix.source), [K, 1, E]);
  const t = reshape(ends(ix.target), [1, K, E]);
  return { unary: transpose(logQ), pairwise: transpose(add(s, t), [2, 0, 1]) };
}
