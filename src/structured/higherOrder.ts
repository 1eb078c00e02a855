/**
 * @file HigherOrderCRF: tags conditioned on the previous k. The forward algorithm runs over windows
 * of k tags, K^(k+1) work per position (the optimum), written once against a semiring.
 */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { broadcastTo, reshape, slice, take, transpose } from '../ops/shape.js';
import type { Checkpoints } from '../transforms/scan.js';
import { runChain } from './chain.js';
import { entropy, log, type Semiring } from './semirings.js';
import type { ScoreForm } from './divergence.js';
import { TagModel, tagEmissions } from './tagModel.js';
import { checkpointsOption, optionsObject, scoresOfShape, scoresTensor, wrongShape } from './validate.js';
import { extraArguments } from '../core/extraArguments.js';

export interface HigherOrderCRFOptions {
  /** Emission scores [n, K] (n ≥ k), or a padded batch [B, n, K]. */
  emissions: Tensor;
  /** transitions[y_{t−k}, …, y_t]: the score of each window of k + 1 tags; shape [K] × (k + 1). */
  transitions: Tensor;
  /** Scores of the first k tags jointly, [K] × k (default 0). */
  start?: Tensor | undefined;
  /** Scores of the last k tags jointly, [K] × k (default 0). */
  end?: Tensor | undefined;
  /** For a batch: each sequence's length (k … n); default n for all. */
  lengths?: readonly number[] | undefined;
  checkpoints?: Checkpoints | undefined;
}

/**
 * A k-th order linear-chain CRF: score(y) = start[y₀…y_{k−1}] + Σ_t emissions[t, y_t]
 * + Σ_{t≥k} transitions[y_{t−k}, …, y_t] + end[y_{n−k}, …, y_{n−1}]. k is transitions.ndim − 1
 * (k = 1 is the ordinary chain). As with LinearChainCRF, only the forward algorithm is written:
 * marginals, expected window counts and the Viterbi path are its gradients. Emissions [B, n, K]
 * with `lengths` make a batch (every length at least k).
 * @example
 * const crf = new ad.HigherOrderCRF({ emissions: ad.random.normal([6, 3], 1), transitions: ad.random.normal([3, 3, 3], 2) });
 * crf.marginals().unary; // [6, 3]
 */
export class HigherOrderCRF extends TagModel {
  readonly order: number;
  readonly batched: boolean;
  readonly emissions: Tensor;
  readonly lengths: readonly number[];
  readonly transitions: Tensor;
  readonly start: Tensor;
  readonly end: Tensor;
  readonly checkpoints: Checkpoints;

  protected readonly op = 'HigherOrderCRF';

  protected get parameters(): Tensor {
    return this.transitions;
  }

  constructor(options: HigherOrderCRFOptions);
  constructor(options: HigherOrderCRFOptions, ...extra: unknown[]) {
    if (extra.length > 0) extraArguments('HigherOrderCRF', 'HigherOrderCRF(options)', extra, options);
    super();
    const op = 'HigherOrderCRF';
    optionsObject(options, op, 'new ad.HigherOrderCRF({ emissions /* [n, K] */, transitions /* [K, K, K] for order 2 */ })', ['emissions', 'transitions', 'start', 'end', 'lengths', 'checkpoints']);
    ({ batched: this.batched, emissions: this.emissions, lengths: this.lengths } = tagEmissions(options.emissions, options.lengths, op));
    const [, n, K] = this.emissions.shape as [number, number, number];
    const shown = formatShape((options.emissions as Tensor).shape);
    this.transitions = scoresTensor(options.transitions, op, 'transitions', '[K] × (k + 1)');
    const k = this.transitions.ndim - 1;
    if (k < 1 || this.transitions.shape.some((d) => d !== K)) {
      throw wrongShape(op, 'transitions', `[${K}, …, ${K}] (k + 1 ≥ 2 axes of K = ${K}, the tags of emissions ${shown})`, this.transitions);
    }
    const short = this.lengths.findIndex((len) => len < k);
    if (short >= 0) {
      const which = this.batched ? `lengths[${short}] is ${this.lengths[short]}` : `emissions ${shown} has ${n}`;
      throw new InvalidArgumentError(
        `${op}: a chain of order ${k} (transitions ${formatShape(this.transitions.shape)}) needs at least ${k} positions, but ${which}; pass a longer sequence or a lower order.`,
      );
    }
    this.order = k;
    const window = new Array<number>(k).fill(K);
    const hint = `[K] × k = ${formatShape(window)}`;
    this.start = scoresOfShape(options.start, window, op, 'start', { hint, why: ` (the first ${k} tags jointly)`, optional: true });
    this.end = scoresOfShape(options.end, window, op, 'end', { hint, why: ` (the last ${k} tags jointly)`, optional: true });
    this.checkpoints = checkpointsOption(options.checkpoints, op);
  }

  /**
   * The semiring sum over tag sequences, as a function of the scores (so it can be differentiated).
   * α over windows (y_{t−k+1}, …, y_t), flattened to K^k; one step:
   * α′[w₂…w_k, y] = ⊕_{w₁} α[w₁…w_k] ⊗ transitions[w₁…w_k, y] ⊗ emissions[t, y].
   * Sequence b takes steps for positions k … lengths[b] − 1 (runChain keeps α past its end).
   */
  protected chainSum(semiring: Semiring, E: Tensor, T: Tensor): Tensor {
    const [B, n, K] = E.shape as [number, number, number];
    const k = this.order;
    const S = semiring.size;
    const Kk = K ** k;
    // The first window: start[y₀…y_{k−1}] + Σ_{i<k} emissions[b, i, y_i], by broadcasting.
    let first = reshape(this.start, [1, ...new Array<number>(k).fill(K)]);
    for (let i = 0; i < k; i++) {
      const shape = [B, ...new Array<number>(k).fill(1)];
      shape[i + 1] = K;
      first = add(first, reshape(slice(E, [0, i, 0], [B, 1, K]), shape));
    }
    const init = reshape(first, [B, Kk]);
    const steps = n > k ? transpose(semiring.convert(slice(E, [0, k, 0], [B, n - k, K])), [2, 0, 1, 3]) : null; // [n−k, S, B, K]
    const trans = reshape(semiring.convert(T), [S, 1, K, K ** (k - 1), K]);
    const step = (a: Tensor, e: Tensor) => {
      const combined = semiring.times(reshape(a, [S, B, K, K ** (k - 1), 1]), trans);
      return reshape(semiring.times(semiring.sum(combined, 1), reshape(e, [S, B, 1, K])), [S, B, Kk]);
    };
    const final = broadcastTo(reshape(this.end, [1, Kk]), [B, Kk]);
    return runChain(semiring, { init, final, lengths: this.lengths.map((len) => len - k + 1) }, steps, step, this.checkpoints);
  }

  /** `unary[t, k] = p(y_t = k)` and `transitions` = the expected count of each window of k + 1 tags (summed over a batch). */
  marginals(): { unary: Tensor; transitions: Tensor };
  marginals(...extra: unknown[]): { unary: Tensor; transitions: Tensor } {
    if (extra.length > 0) extraArguments('HigherOrderCRF.marginals', 'HigherOrderCRF.marginals()', extra);
    const [unary, transitions] = this.logZGradients();
    return { unary, transitions };
  }

  /** @internal */
  protected scoreForm(): ScoreForm {
    const { lengths, checkpoints } = this;
    return {
      scores: [this.emissions, this.transitions, this.start, this.end],
      logZ: ([e, t, s, f]) => new HigherOrderCRF({ emissions: e!, transitions: t!, start: s!, end: f!, lengths, checkpoints }).chainSum(log, e!, t!),
      structure: `order ${this.order}, lengths [${lengths.join(', ')}]`,
      entropy: ([e, t, s, f]) => new HigherOrderCRF({ emissions: e!, transitions: t!, start: s!, end: f!, lengths, checkpoints }).chainSum(entropy, e!, t!),
      countFixed: ['item', 'shared', 'shared', 'shared'], // n emissions, n − k transitions, one start and one end window
    };
  }

  protected scoreOf(tags: readonly number[], b: number): Tensor {
    const [, n, K] = this.emissions.shape as [number, number, number];
    const k = this.order, len = tags.length;
    const index = (ys: readonly number[]) => ys.reduce((a, y) => a * K + y, 0);
    let s = sum(take(reshape(this.emissions, [this.emissions.size]), tags.map((y, t) => (b * n + t) * K + y)));
    s = add(s, sum(take(reshape(this.start, [K ** k]), [index(tags.slice(0, k))])));
    s = add(s, sum(take(reshape(this.end, [K ** k]), [index(tags.slice(len - k))])));
    if (len > k) {
      const windows = Array.from({ length: len - k }, (_, i) => index(tags.slice(i, i + k + 1)));
      s = add(s, sum(take(reshape(this.transitions, [K ** (k + 1)]), windows)));
    }
    return s;
  }
}
