/** @file What every unbatched tagging model shares once it has a semiring sum and a score: log Z, entropy, marginals, Viterbi, log p. */
import type { Tensor } from '../tensor/tensor.js';
import { stopGradient } from '../ops/select.js';
import { grad, valueAndGrad } from '../transforms/vjp.js';
import { argmaxSemiring, entropy, log, type Semiring } from './semirings.js';
import { logProbabilityOf } from './logProbability.js';
import { semiringArg, tagSequence } from './validate.js';

/** The index of the largest of K values starting at `offset` (the first on ties). */
export function rowArgmax(data: Float64Array, offset: number, K: number): number {
  let arg = 0;
  for (let k = 1; k < K; k++) if (data[offset + k]! > data[offset + arg]!) arg = k;
  return arg;
}

/**
 * A distribution over tag sequences of one sentence (emissions [n, K]) with one more tensor of
 * scores (`parameters`: transitions, context weights). Subclasses write the forward algorithm
 * once (`chainSum`, against a semiring) and `score`; the rest follows from semirings and gradients.
 */
export abstract class TagModel {
  abstract readonly emissions: Tensor;
  protected abstract readonly parameters: Tensor;
  /** The class name, as error messages name the op (`HigherOrderCRF.score`). */
  protected abstract readonly op: string;
  /** The semiring sum over tag sequences as a function of the scores, so it can be differentiated. */
  protected abstract chainSum(semiring: Semiring, emissions: Tensor, parameters: Tensor): Tensor;
  /** score(y) of a checked tag sequence, differentiable. */
  protected abstract scoreOf(tags: readonly number[]): Tensor;

  /** score(y), differentiable: `tags` are n integers in 0 … K − 1. */
  score(tags: readonly number[]): Tensor {
    return this.scoreOf(this.checkTags(tags, `${this.op}.score`));
  }

  sum(semiring: Semiring): Tensor {
    return this.chainSum(semiringArg(semiring, `${this.op}.sum`), this.emissions, this.parameters);
  }

  logPartition(): Tensor {
    return this.sum(log);
  }

  entropy(): Tensor {
    return this.sum(entropy);
  }

  /** log p(y) = score(y) − log Z (−∞ for a forbidden sequence, also when every sequence is). */
  logProbability(tags: readonly number[]): Tensor {
    return logProbabilityOf(this.scoreOf(this.checkTags(tags, `${this.op}.logProbability`)), this.logPartition());
  }

  private checkTags(tags: readonly number[], op: string): readonly number[] {
    const [n, K] = this.emissions.shape as [number, number];
    return tagSequence(tags, n, K, op);
  }

  /** ∂ log Z / ∂ (emissions, parameters): the unary marginals and the expected parameter counts. */
  protected logZGradients(): [Tensor, Tensor] {
    return grad((e: Tensor, p: Tensor) => this.chainSum(log, e, p), [0, 1])(this.emissions, this.parameters) as [Tensor, Tensor];
  }

  /**
   * The Viterbi tags and their score, read off the argmax semiring's gradient with respect to the
   * emissions: the indicator of one best sequence (one 1 per position), the first at every tie.
   */
  argmax(): { tags: number[]; score: number } {
    const [best, flow] = valueAndGrad((e: Tensor) => this.chainSum(argmaxSemiring, e, this.parameters))(this.emissions) as [Tensor, Tensor];
    const g = stopGradient(flow).data;
    const [n, K] = this.emissions.shape as [number, number];
    const tags = Array.from({ length: n }, (_, t) => rowArgmax(g, t * K, K));
    return { tags, score: stopGradient(best).item() };
  }
}
