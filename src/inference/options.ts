/** @file The options of approximate inference (`PairwiseMRF.beliefs` and what builds on it), checked: misuse throws an AdjointError naming the op, the option and the fix. */
import { Tensor, opaqueTrace } from '../tensor/tensor.js';
import { describe } from '../tensor/describe.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import type { Checkpoints } from '../transforms/scan.js';
import { log, maxSemiring, type Semiring } from '../structured/semirings.js';
import { checkpointsOption } from '../structured/validate.js';
import { anything, checkOptions, count, flag, oneOf, plainObject, positive } from '../implicit/options.js';
import type { ReportOptions } from '../implicit/diagnostics.js';
import type { BeliefsInfo, IterationSettings } from './iterate.js';

/** The approximate-inference methods. */
export type InferenceMethod = 'bp' | 'meanField' | 'trw';

export interface BeliefsOptions extends ReportOptions {
  /**
   * 'bp' (default): loopy sum-product belief propagation, exact on trees; 'meanField': naive mean
   * field (parallel updates); 'trw': tree-reweighted BP, whose log-partition is an upper bound.
   */
  method?: InferenceMethod | undefined;
  /** Most iterations (all of them when no `tol` is given). Default 100. */
  iterations?: number | undefined;
  /** α in [0, 1): each step is (1 − α)·new + α·old in log space. Default 0 for 'bp' and 'trw', 0.5 for 'meanField'. */
  damping?: number | undefined;
  /**
   * Stop once ‖update(state) − state‖∞ ≤ tol (a warning if `iterations` run out first). Default:
   * none for 'unrolled' (exactly `iterations`: truncated inference), 1e-8 for 'implicit'.
   */
  tol?: number | undefined;
  /**
   * 'unrolled' (default): backprop through the iterations actually run, the exact gradient of the
   * truncated computation; 'implicit': the implicit function theorem at the fixed point (ad.root):
   * memory independent of the iteration count, exact only at a fixed point.
   */
  gradient?: 'unrolled' | 'implicit' | undefined;
  /** For 'unrolled': 'all' (default), at most c stored states (binomial checkpointing), or 'sqrt'. */
  checkpoints?: Checkpoints | undefined;
  /**
   * TRW's edge appearance probabilities ρ_e in (0, 1], [E]: the bound holds when they are the
   * edge marginals of a distribution over spanning trees. Default: an average of spanning forests
   * (graph.ts, spanningForestWeights). A tensor is differentiable (∂bound/∂ρ_e = −I_e at the fixed point).
   */
  edgeWeights?: Tensor | readonly number[] | undefined;
  /** For 'bp' and 'trw': ad.semirings.log (sum-product, default) or ad.semirings.max (max-product: normalised max-marginals, from `beliefs` only). */
  semiring?: Semiring | undefined;
  /** Filled in with what happened: see BeliefsInfo. */
  info?: Partial<BeliefsInfo> | undefined;
}

/** The checked options, with defaults filled in. */
export interface InferenceSettings extends IterationSettings {
  readonly method: InferenceMethod;
  readonly damping: number;
  readonly semiring: Semiring;
  readonly edgeWeights: Tensor | readonly number[] | undefined;
}

const damping = { what: 'a number in [0, 1)', ok: (v: unknown) => typeof v === 'number' && v >= 0 && v < 1 };
const RULES = {
  method: oneOf('bp', 'meanField', 'trw'), iterations: count, damping, tol: anything, gradient: oneOf('unrolled', 'implicit'),
  checkpoints: anything, edgeWeights: anything, semiring: anything, info: plainObject, warn: flag, throw: flag,
};

export function inferenceSettings(options: BeliefsOptions | undefined, op: string): InferenceSettings {
  checkOptions(op, options, RULES, { example: "{ method: 'bp', iterations: 50 }" });
  const o = options ?? {};
  if (o.tol !== undefined && !positive.ok(o.tol)) {
    // checkTolerance's hint names root's default (1e-10); here there is none for 'unrolled' and 1e-8 for 'implicit'.
    throw new InvalidArgumentError(
      `${op}: option tol must be a number > 0, got ${describe(o.tol)}; the iteration stops once ‖update(m) − m‖∞ ≤ tol ` +
        "(e.g. 1e-8, the default for gradient: 'implicit'); leave it out to run exactly `iterations` steps.",
    );
  }
  const method = o.method ?? 'bp';
  if (o.semiring !== undefined && o.semiring !== log && o.semiring !== maxSemiring) {
    throw new InvalidArgumentError(`${op}: option semiring must be ad.semirings.log (sum-product) or ad.semirings.max (max-product), got ${describe(o.semiring)}.`);
  }
  if (o.semiring === maxSemiring && method === 'meanField') {
    throw new InvalidArgumentError(`${op}: mean field has no max-product form; pass semiring only with method 'bp' or 'trw'.`);
  }
  if (o.edgeWeights !== undefined && method !== 'trw') {
    throw new InvalidArgumentError(`${op}: edgeWeights are TRW's edge appearance probabilities; pass them with method: 'trw', or leave them out.`);
  }
  const gradient = o.gradient ?? 'unrolled';
  if (o.checkpoints !== undefined && gradient === 'implicit') {
    throw new InvalidArgumentError(`${op}: checkpoints apply to gradient: 'unrolled'; the implicit gradient stores no iterations. Leave one of them out.`);
  }
  return {
    method,
    iterations: o.iterations ?? 100,
    damping: o.damping ?? (method === 'meanField' ? 0.5 : 0),
    tol: o.tol,
    gradient,
    checkpoints: checkpointsOption(o.checkpoints, op),
    semiring: o.semiring ?? log,
    edgeWeights: o.edgeWeights,
    warn: o.warn,
    throw: o.throw,
    info: o.info !== undefined,
  };
}

/** TRW's ρ from the option, [E] with every entry in (0, 1]. */
export function edgeWeightsOption(value: Tensor | readonly number[], E: number, op: string): Float64Array {
  const given = value instanceof Tensor ? value : Array.isArray(value) ? null : undefined;
  if (given === undefined) throw new InvalidArgumentError(`${op}: edgeWeights must be a tensor or array of ${E} numbers in (0, 1], got ${describe(value)}.`);
  if (given !== null && opaqueTrace(given) !== null) {
    throw new InvalidArgumentError(`${op}: edgeWeights ${formatShape(given.shape)} differ per example under vmap; they are constants of the graph, so pass them from outside the mapped function.`);
  }
  const rho = given === null ? Float64Array.from(value as readonly number[]) : given.values.slice();
  if ((given !== null && given.ndim !== 1) || rho.length !== E) {
    const shape = given === null ? `[${rho.length}]` : formatShape(given.shape);
    throw new ShapeError(`${op}: edgeWeights must have shape [E] = [${E}] (one per edge), got ${shape}; pass one appearance probability per edge.`);
  }
  const bad = rho.findIndex((r) => !(r > 0 && r <= 1));
  if (bad >= 0) {
    throw new InvalidArgumentError(
      `${op}: edgeWeights[${bad}] is ${rho[bad]}, not in (0, 1]; an edge appearance probability is the fraction of spanning trees (in a distribution over them) that contain the edge.`,
    );
  }
  return rho;
}
