/**
 * @file HigherOrderCRF: tags conditioned on the previous k. The forward algorithm runs over windows
 * of k tags, K^(k+1) work per position (the optimum), written once against a semiring.
 */
import type { Tensor } from '../tensor/tensor.js';
import { asTensor, zeros } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { InvalidArgumentError, ShapeError } from '../core/errors.js';
import { add } from '../ops/binary.js';
import { sum } from '../ops/reduce.js';
import { reshape, slice, take, transpose } from '../ops/shape.js';
import { scan, type Checkpoints } from '../transforms/scan.js';
import type { Semiring } from './semirings.js';
import { TagModel } from './tagModel.js';

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

  protected get parameters(): Tensor {
    return this.transitions;
  }

  constructor(options: HigherOrderCRFOptions) {
    super();
    this.emissions = asTensor(options.emissions, 'HigherOrderCRF');
    this.transitions = asTensor(options.transitions, 'HigherOrderCRF');
    const [n, K] = this.emissions.shape as [number, number];
    const k = this.transitions.ndim - 1;
    if (this.emissions.ndim !== 2 || k < 1 || this.transitions.shape.some((d) => d !== K)) {
      throw new ShapeError(
        `HigherOrderCRF: emissions must be [n, K] and transitions [K, …, K] (k + 1 axes of K); got ${formatShape(this.emissions.shape)} and ${formatShape(this.transitions.shape)}.`,
      );
    }
    if (n < k) throw new InvalidArgumentError(`HigherOrderCRF: a chain of order ${k} needs at least ${k} positions, got ${n}.`);
    this.order = k;
    const window = new Array<number>(k).fill(K);
    const check = (t: Tensor | undefined, name: string) => {
      if (t === undefined) return zeros(window);
      const x = asTensor(t, 'HigherOrderCRF');
      if (x.ndim !== k || x.shape.some((d) => d !== K)) {
        throw new ShapeError(`HigherOrderCRF: ${name} must have shape ${formatShape(window)}, got ${formatShape(x.shape)}.`);
      }
      return x;
    };
    this.start = check(options.start, 'start');
    this.end = check(options.end, 'end');
    this.checkpoints = options.checkpoints ?? 'all';
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

  /** score(y), differentiable. */
  score(tags: readonly number[]): Tensor {
    const [n, K] = this.emissions.shape as [number, number];
    const k = this.order;
    if (tags.length !== n || tags.some((y) => !Number.isInteger(y) || y < 0 || y >= K)) {
      throw new InvalidArgumentError(`HigherOrderCRF.score: expected ${n} tags in 0 … ${K - 1}, got ${JSON.stringify(tags)}.`);
    }
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
