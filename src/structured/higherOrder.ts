/**
 * @file HigherOrderCRF: tags conditioned on the previous k. The forward algorithm runs over windows
 * of k tags, K^(k+1) work per position (the optimum), written once against a semiring.
 */
import type { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { reshape, slice, take, transpose } from '../ops/shape.js';
import { scan, type Checkpoints } from '../transforms/scan.js';
import type { Semiring } from './semirings.js';
import { TagModel } from './tagModel.js';
import { checkpointsOption, optionsObject, scoresOfShape, scoresTensor, wrongShape } from './validate.js';

export interface HigherOrderCRFOptions {
  /** Emission scores [n, K] (n ≥ k). */
  emissions: Tensor;
  /** transitions[y_{t−k}, …, y_t]: the score of each window of k + 1 tags; shape [K] × (k + 1). */
  transitions: Tensor;
  /** Scores of the first k tags jointly, [K] × k (default 0). */
  start?: Tensor;
  /** Scores of the last k tags jointly, [K] × k (default 0). */
  end?: Tensor;
  checkpoints?: Checkpoints;
}

/**
 * A k-th order linear-chain CRF: score(y) = start[y₀…y_{k−1}] + Σ_t emissions[t, y_t]
 * + Σ_{t≥k} transitions[y_{t−k}, …, y_t] + end[y_{n−k}, …, y_{n−1}]. k is transitions.ndim − 1
 * (k = 1 is the ordinary chain). As with LinearChainCRF, only the forward algorithm is written:
 * marginals, expected window counts and the Viterbi path are its gradients.
 * @example
 * const crf = new ad.HigherOrderCRF({ emissions: ad.random.normal([6, 3], 1), transitions: ad.random.normal([3, 3, 3], 2) });
 * crf.marginals().unary; // [6, 3]
 */
export class HigherOrderCRF extends TagModel {
  readonly order: number;
  readonly emissions: Tensor;
  readonly transitions: Tensor;
  readonly start: Tensor;
  readonly end: Tensor;
  readonly checkpoints: Checkpoints;

  protected readonly op = 'HigherOrderCRF';

  protected get parameters(): Tensor {
    return this.transitions;
  }

  constructor(options: HigherOrderCRFOptions) {
    super();
    const op = 'HigherOrderCRF';
    optionsObject(options, op, 'new ad.HigherOrderCRF({ emissions /* [n, K] */, transitions /* [K, K, K] for order 2 */ })');
    this.emissions = scoresTensor(options.emissions, op, 'emissions', '[n, K]');
    const [n, K] = this.emissions.shape as [number, number];
    if (this.emissions.ndim !== 2 || n < 1 || K < 1) throw wrongShape(op, 'emissions', '[n, K] with n ≥ 1 positions and K ≥ 1 tags', this.emissions);
    this.transitions = scoresTensor(options.transitions, op, 'transitions', '[K] × (k + 1)');
    const k = this.transitions.ndim - 1;
    if (k < 1 || this.transitions.shape.some((d) => d !== K)) {
      throw wrongShape(op, 'transitions', `[${K}, …, ${K}] (k + 1 ≥ 2 axes of K = ${K}, the tags of emissions ${formatShape(this.emissions.shape)})`, this.transitions);
    }
    if (n < k) {
      throw new InvalidArgumentError(
        `${op}: a chain of order ${k} (transitions ${formatShape(this.transitions.shape)}) needs at least ${k} positions, got emissions ${formatShape(this.emissions.shape)}; pass a longer sequence or a lower order.`,
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
   */
  protected chainSum(semiring: Semiring, E: Tensor, T: Tensor): Tensor {
    const [n, K] = E.shape as [number, number];
    const k = this.order;
    const S = semiring.size;
    const Kk = K ** k;
    // The first window: start[y₀…y_{k−1}] + Σ_{i<k} emissions[i, y_i], by broadcasting.
    let first = reshape(this.start, [Kk]);
    for (let i = 0; i < k; i++) {
      const shape = new Array<number>(k).fill(1);
      shape[i] = K;
      first = add(first, reshape(add(zeros(new Array<number>(k).fill(K)), reshape(slice(E, [i, 0], [1, K]), shape)), [Kk]));
    }
    let alpha = semiring.convert(first); // [S, K^k]
    if (n > k) {
      const rows = transpose(semiring.convert(slice(E, [k, 0], [n - k, K])), [1, 0, 2]); // [n−k, S, K]
      const trans = reshape(semiring.convert(T), [S, K, K ** (k - 1), K]);
      alpha = scan(
        (a: Tensor, e: Tensor) => {
          const combined = semiring.times(reshape(a, [S, K, K ** (k - 1), 1]), trans);
          const next = semiring.times(semiring.sum(combined, 0), reshape(e, [S, 1, K]));
          return reshape(next, [S, Kk]);
        },
        alpha,
        { xs: rows, checkpoints: this.checkpoints },
      ) as Tensor;
    }
    return semiring.unconvert(semiring.sum(semiring.times(alpha, semiring.convert(reshape(this.end, [Kk]))), 0));
  }

  /** `unary[t, k] = p(y_t = k)` and `transitions` = the expected count of each window of k + 1 tags. */
  marginals(): { unary: Tensor; transitions: Tensor } {
    const [unary, transitions] = this.logZGradients();
    return { unary, transitions };
  }

  protected scoreOf(tags: readonly number[]): Tensor {
    const [n, K] = this.emissions.shape as [number, number];
    const k = this.order;
    const index = (ys: readonly number[]) => ys.reduce((a, y) => a * K + y, 0);
    let s = sum(take(reshape(this.emissions, [n * K]), tags.map((y, t) => t * K + y)));
    s = add(s, sum(take(reshape(this.start, [K ** k]), [index(tags.slice(0, k))])));
    s = add(s, sum(take(reshape(this.end, [K ** k]), [index(tags.slice(n - k))])));
    if (n > k) {
      const windows = Array.from({ length: n - k }, (_, i) => index(tags.slice(i, i + k + 1)));
      s = add(s, sum(take(reshape(this.transitions, [K ** (k + 1)]), windows)));
    }
    return s;
  }

}
