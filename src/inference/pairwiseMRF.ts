/** @file PairwiseMRF: beliefs and log-partition approximations by loopy BP, mean field and tree-reweighted BP, differentiable unrolled or implicitly. */
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { valueReads } from '../jit/valueReads.js';
import { describe } from '../tensor/describe.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { div, sub } from '../ops/binary.js';
import { exp } from '../ops/unary.js';
import { logSoftmax, sum } from '../ops/reduce.js';
import { broadcastTo, concat, reshape, take, transpose } from '../ops/shape.js';
import { zeros } from '../tensor/create.js';
import { Reporter } from '../implicit/diagnostics.js';
import { log as logSemiring } from '../structured/semirings.js';
import { optionsObject, scoresTensor, wrongShape } from '../structured/validate.js';
import { buildGraph, spanningForestWeights, type MRFGraph } from './graph.js';
import {
  damp, meanFieldBeliefs, meanFieldUpdate, messageBeliefs, messageUpdate, type LogBeliefs, type UpdateScores,
} from './updates.js';
import { iterate, type BeliefsInfo, type FixedPointProblem } from './iterate.js';
import { negativeFreeEnergy, type EdgeCounting } from './freeEnergy.js';
import { edgeWeightsOption, inferenceSettings, type BeliefsOptions, type InferenceSettings } from './options.js';
import { extraArguments } from '../core/extraArguments.js';

export interface PairwiseMRFOptions {
  /** θ_s(x_s): [V, K] scores of each variable's K states. */
  unary: Tensor;
  /** The E edges as variable pairs (s, t): an [E, 2] tensor of integer values or an array of pairs. */
  edges: Tensor | readonly (readonly number[])[];
  /** θ_e(x_s, x_t): [E, K, K] (axis 1 the state of edges[e][0]), or one [K, K] shared by every edge. */
  pairwise: Tensor;
}

/** Normalised marginals: `unary` [V, K] (rows sum to 1) and `pairwise` [E, K, K] (each edge's sum is 1). */
export interface MRFBeliefs {
  unary: Tensor;
  pairwise: Tensor;
}

/**
 * A pairwise Markov random field over V discrete variables with K states,
 * p(x) ∝ exp(Σ_s θ_s(x_s) + Σ_{(s,t)} θ_st(x_s, x_t)), on any graph. Exact inference is exponential
 * on a loopy graph; this class runs approximate inference and keeps it differentiable, so that a
 * model whose scores come from parameters can be trained through the inference it is used with
 * (Stoyanov, Ropson & Eisner 2011; Domke 2013):
 * - `beliefs(options)`: approximate marginals by loopy BP, mean field or tree-reweighted BP, with
 *   the gradient unrolled through the iterations (`scan`'s binomial checkpointing bounds the memory)
 *   or implicit at the fixed point (`ad.root`);
 * - `logPartition(options)`: the matching approximation of log Z (Bethe, the mean-field lower
 *   bound, the TRW upper bound); `surrogateLogLikelihood(labels, options)` = score − that.
 * Every iteration is a handful of tensor ops over all edges at once. Scores must be finite.
 * @example
 * const mrf = new ad.PairwiseMRF({ unary: ad.tensor([[1, 0], [0, 0], [0, 1]]), edges: [[0, 1], [1, 2], [2, 0]], pairwise: ad.tensor([[0.5, 0], [0, 0.5]]) });
 * mrf.beliefs({ method: 'bp', tol: 1e-10 }).unary;   // [3, 2], rows sum to 1
 * mrf.logPartition({ method: 'trw', tol: 1e-10 });   // ≥ the exact log Z
 */
export class PairwiseMRF {
  /** θ_s: [V, K]. */
  readonly unary: Tensor;
  /** θ_e: [E, K, K] (a shared [K, K] broadcast over the edges). */
  readonly pairwise: Tensor;
  private readonly graph: MRFGraph;

  constructor(options: PairwiseMRFOptions);
  constructor(options: PairwiseMRFOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('PairwiseMRF', 'PairwiseMRF(options)', extra, options);
    const op = 'PairwiseMRF';
    optionsObject(options, op, 'new ad.PairwiseMRF({ unary /* [V, K] */, edges /* [E, 2] */, pairwise /* [E, K, K] or [K, K] */ })', ['unary', 'edges', 'pairwise']);
    const u = scoresTensor(options.unary, op, 'unary', '[V, K]');
    if (u.ndim !== 2 || u.shape[0]! < 1 || u.shape[1]! < 1) throw wrongShape(op, 'unary', '[V, K] with V ≥ 1 variables and K ≥ 1 states', u);
    const [V, K] = u.shape as [number, number];
    if (options.edges === undefined) throw new InvalidArgumentError(`${op}: options.edges is missing; pass an [E, 2] tensor or array of variable pairs.`);
    this.graph = buildGraph(options.edges, V, op);
    const E = this.graph.E;
    const p = scoresTensor(options.pairwise, op, 'pairwise', '[E, K, K]');
    const shared = p.ndim === 2 && p.shape[0] === K && p.shape[1] === K;
    if (!shared && (p.ndim !== 3 || p.shape[0] !== E || p.shape[1] !== K || p.shape[2] !== K)) {
      throw wrongShape(op, 'pairwise', `[E, K, K] = ${formatShape([E, K, K])} or a shared [K, K] = ${formatShape([K, K])}`, p,
        ` for ${E} edges and unary ${formatShape(u.shape)} (K = ${K} states)`);
    }
    finiteScores(u, op, 'unary');
    finiteScores(p, op, 'pairwise');
    this.unary = u;
    this.pairwise = shared ? broadcastTo(p, [E, K, K]) : p;
  }

  /**
   * Approximate marginals: `unary[s, k] ≈ p(x_s = k)` and `pairwise[e, i, j] ≈ p(x_s = i, x_t = j)`
   * for edge e = (s, t), normalised, differentiable in `unary` and `pairwise` (see BeliefsOptions
   * for the methods and the two gradients). On a tree, BP's are the exact marginals.
   */
  beliefs(options?: BeliefsOptions): MRFBeliefs;
  beliefs(options?: BeliefsOptions, ...extra: unknown[]): MRFBeliefs {
    if (extra.length > 0) extraArguments('PairwiseMRF.beliefs', 'PairwiseMRF.beliefs(options?)', extra, options);
    const { log } = this.infer(options, 'PairwiseMRF.beliefs');
    return { unary: exp(log.unary), pairwise: exp(log.pairwise) };
  }

  /**
   * The method's approximation of log Z at its beliefs: minus the Bethe free energy ('bp', exact
   * on a tree), the mean-field evidence lower bound ('meanField', ≤ log Z), the tree-reweighted
   * upper bound ('trw', ≥ log Z at convergence). Differentiable as the beliefs are; at a fixed
   * point its gradient with respect to the scores is the beliefs (the free energy is stationary).
   */
  logPartition(options?: BeliefsOptions): Tensor;
  logPartition(options?: BeliefsOptions, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PairwiseMRF.logPartition', 'PairwiseMRF.logPartition(options?)', extra, options);
    const { log, counting } = this.infer(options, 'PairwiseMRF.logPartition', true);
    return negativeFreeEnergy(this.graph, this.unary, this.pairwise, log, counting);
  }

  /** score(x) = Σ_s θ_s(x_s) + Σ_e θ_e(x_s, x_t) of one labelling (V integers in 0 … K − 1), differentiable. */
  score(labels: readonly number[] | Tensor): Tensor;
  score(labels: readonly number[] | Tensor, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PairwiseMRF.score', 'PairwiseMRF.score(labels)', extra, labels);
    return this.scoreAs(labels, 'PairwiseMRF.score');
  }

  /** score(x) with the labels checked under `op`, the method the user called. */
  private scoreAs(labels: readonly number[] | Tensor, op: string): Tensor {
    const [V, K] = this.unary.shape as [number, number];
    const x = labelsArg(labels, V, K, op);
    const { E, first, second } = this.graph;
    const unaryPart = sum(take(reshape(this.unary, [V * K]), x.map((k, s) => s * K + k)));
    if (E === 0) return unaryPart;
    const pairs = Array.from({ length: E }, (_, e) => (e * K + x[first[e]!]!) * K + x[second[e]!]!);
    return sum(concat([reshape(unaryPart, [1]), take(reshape(this.pairwise, [E * K * K]), pairs)]));
  }

  /**
   * The surrogate log-likelihood log p̃(x) = score(x) − Ã, Ã the method's log-partition
   * approximation (Wainwright 2006, "Estimating the 'wrong' graphical model"; Domke 2013 trains
   * with it as the baseline of marginal-based losses): train with
   * `loss = −mrf.surrogateLogLikelihood(labels, options)`. At a fixed point its gradient is the
   * empirical minus the approximate marginals, so it vanishes when the beliefs match the labels.
   */
  surrogateLogLikelihood(labels: readonly number[] | Tensor, options?: BeliefsOptions): Tensor;
  surrogateLogLikelihood(labels: readonly number[] | Tensor, options?: BeliefsOptions, ...extra: unknown[]): Tensor {
    if (extra.length > 0) extraArguments('PairwiseMRF.surrogateLogLikelihood', 'PairwiseMRF.surrogateLogLikelihood(labels, options?)', extra, options);
    const op = 'PairwiseMRF.surrogateLogLikelihood';
    const s = this.scoreAs(labels, op);
    const { log, counting } = this.infer(options, op, true);
    return sub(s, negativeFreeEnergy(this.graph, this.unary, this.pairwise, log, counting));
  }

  /**
   * Runs the method: its log beliefs, and how its entropy counts the edges' mutual information.
   * `logZ`: the caller evaluates a free energy at the beliefs, which needs sum-product's: at
   * max-marginals the entropy terms give neither log Z nor the MAP score (7.51 for a tree whose
   * log Z is 7.78 and MAP score 5.64).
   */
  private infer(options: BeliefsOptions | undefined, op: string, logZ = false): { log: LogBeliefs; counting: EdgeCounting } {
    const settings = inferenceSettings(options, op);
    if (logZ && settings.semiring !== logSemiring) {
      throw new InvalidArgumentError(
        `${op}: the Bethe, mean-field and TRW approximations of log Z are evaluated at sum-product beliefs, not at max-product's ` +
          "max-marginals; leave semiring out (or pass ad.semirings.log), and for the MAP use beliefs({ semiring: ad.semirings.max }) and score(labels).",
      );
    }
    const info = (options?.info ?? {}) as BeliefsInfo;
    Object.assign(info, { converged: false, iterations: 0, residualNorm: NaN, root: null, warnings: [] });
    const reporter = new Reporter(op, info, options ?? {});
    const { graph } = this;
    const K = this.unary.shape[1]!;
    const what = `${op} (method '${settings.method}')`;
    if (settings.method === 'meanField') {
      const scores: UpdateScores = { unary: transpose(this.unary), directed: this.directed(null), weights: null };
      const problem: FixedPointProblem = {
        init: logSoftmax(scores.unary, 0),
        update: (logQ, s) => meanFieldUpdate(graph, s, logQ),
        damp: (next, previous) => damp(settings.semiring, next, previous, settings.damping),
      };
      const logQ = iterate(problem, scores, settings, reporter, info, what);
      return { log: meanFieldBeliefs(graph, logQ), counting: 'none' };
    }
    const rho = settings.method === 'trw' ? this.edgeWeights(settings) : null;
    const weights = rho === null ? null : reshape(concat([rho, rho]), [1, 2 * graph.E]);
    const scores: UpdateScores = { unary: transpose(this.unary), directed: this.directed(rho), weights };
    const problem: FixedPointProblem = {
      init: zeros([K, 2 * graph.E]),
      update: (m, s) => messageUpdate(graph, s, settings.semiring, m),
      damp: (next, previous) => damp(settings.semiring, next, previous, settings.damping),
    };
    const messages = iterate(problem, scores, settings, reporter, info, what);
    return { log: messageBeliefs(graph, scores, messages), counting: rho ?? 'bethe' };
  }

  /** The pairwise scores per directed edge, state-major [K, K, 2E] (source state × target state), divided by ρ for TRW. */
  private directed(rho: Tensor | null): Tensor {
    const { E } = this.graph;
    const scaled = rho === null ? this.pairwise : div(this.pairwise, reshape(rho, [E, 1, 1]));
    return concat([transpose(scaled, [1, 2, 0]), transpose(scaled, [2, 1, 0])], 2);
  }

  /**
   * ρ [E]. A tensor the caller gave is used as is, so that ρ is differentiable: the TRW bound is
   * convex in ρ and is tightened by descending it, ∂B/∂ρ_e = −I_e(μ_e) at the fixed point
   * (Wainwright, Jaakkola & Willsky 2005, §5–6). Its values were copied into a constant, and the
   * gradient with respect to ρ was 0 in silence (−0.074 by central differences on a 3-cycle).
   */
  private edgeWeights(settings: InferenceSettings): Tensor {
    const op = 'PairwiseMRF (trw)';
    const { E } = this.graph;
    if (settings.edgeWeights === undefined) return new Tensor(spanningForestWeights(this.graph), [E]);
    const values = edgeWeightsOption(settings.edgeWeights, E, op);
    return settings.edgeWeights instanceof Tensor ? settings.edgeWeights : new Tensor(values, [E]);
  }
}

/** A labelling: V integers in 0 … K − 1, as an array or a [V] tensor of integer values. */
function labelsArg(labels: unknown, V: number, K: number, op: string): number[] {
  const want = `an array (or [V] tensor) of ${V} integer labels in 0 … ${K - 1}, one per variable`;
  if (labels instanceof Tensor && opaqueTrace(labels) !== null) {
    throw new InvalidArgumentError(`${op}: labels ${formatShape(labels.shape)} differ per example under vmap; pass ${want} from outside the mapped function, or loop over the examples.`);
  }
  const values = labels instanceof Tensor ? (labels.ndim === 1 ? Array.from(labels.values.slice()) : null) : Array.isArray(labels) ? labels : null;
  if (values === null) throw new InvalidArgumentError(`${op}: labels must be ${want}, got ${describe(labels)}.`);
  if (values.length !== V) throw new InvalidArgumentError(`${op}: labels has ${values.length} entries but the model has ${V} variables; pass ${want}.`);
  const bad = values.findIndex((k) => !Number.isInteger(k) || k < 0 || k >= K);
  if (bad >= 0) throw new InvalidArgumentError(`${op}: labels[${bad}] is ${describe(values[bad])}, not an integer in 0 … ${K - 1}; pass ${want}.`);
  return values as number[];
}

/**
 * Throws unless the scores are finite (docs/approximate-inference.md): the messages divide out
 * the reverse message, where −∞ − (−∞) is NaN, and the free energy takes 0·(−∞) — log Z and the
 * beliefs came out NaN, even with a single forbidden state. Under vmap every example's values are
 * read (below the batch box: a check, not a branch; log Z of the batch was NaN in silence); not
 * while jit records (a read would keep the program from compiling).
 */
function finiteScores(t: Tensor, op: string, name: string): void {
  if (valueReads.watcher !== null) return;
  let x = t;
  while (x.trace !== null) x = x.primal!;
  const i = x.values.findIndex((v) => !Number.isFinite(v));
  if (i < 0) return;
  const where = opaqueTrace(t) === null ? '' : ` (under vmap: the batch ${formatShape(x.shape)})`;
  throw new InvalidArgumentError(
    `${op}: ${name} ${formatShape(t.shape)}${where} holds ${x.values[i]} at flat index ${i}, but the scores must be finite (messages divide ` +
      `out the reverse message, and −∞ − (−∞) is NaN); for a forbidden state or pair pass a large negative score such as −1e4.`,
  );
}
